package store

import (
	"bytes"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/google/btree"
)

// The memory backend keeps each bucket of each tenant in a copy-on-write
// B-tree (github.com/google/btree). Committed state (memData and the trees it
// points to) is never modified in place: an Update clones a tree (O(1)) the
// first time it writes to it and installs the clones only when fn succeeds,
// so rolling back is just dropping the clones, and Snapshot/Restore only
// copy pointers.

// btreeDegree is the B-tree degree: nodes hold up to 2*degree-1 items.
const btreeDegree = 32

// memItem is one key/value pair. Both slices are owned by the store and never
// modified after insertion.
type memItem struct {
	key, value []byte
}

func memLess(a, b memItem) bool { return bytes.Compare(a.key, b.key) < 0 }

type memTree = btree.BTreeG[memItem]

// memData is the committed state of one tenant, or a snapshot of it. It is
// immutable once installed (trees are only ever cloned, never written).
type memData struct {
	buckets map[string]*memTree
	seqs    map[string]uint64
}

// memTenant is one tenant of a memStore.
type memTenant struct {
	// mu guards data and snaps. View holds it for reading; Update,
	// Snapshot, Restore, DeleteSnapshot and DropTenant hold it for
	// writing. (Cloning a tree writes to the original's copy-on-write
	// marker, so it must not race with readers: it only happens under the
	// write lock.)
	mu    sync.RWMutex
	data  *memData            // committed state; nil when the tenant has no data
	snaps map[string]*memData // named snapshots; nil when none

	// live mirrors data != nil so that Tenants need not take mu. Written
	// only with mu held for writing.
	live atomic.Bool
}

// memStore is the in-memory Store returned by OpenMemory.
type memStore struct {
	// mu guards tenants and closed. It is held only to look tenants up or
	// add them, never while a transaction function runs, so tenants'
	// transactions proceed independently.
	mu      sync.Mutex
	tenants map[int64]*memTenant
	closed  bool
}

// OpenMemory returns an empty in-memory Store. Its data lives only as long as
// the process; it implements exactly the same contract as the bbolt backend
// except durability.
func OpenMemory() Store {
	return &memStore{tenants: make(map[int64]*memTenant)}
}

// tenant returns the tenant's record, creating it if create is set. It
// returns nil (and no error) for an unknown tenant when create is false.
// Tenant records are never removed from the map (DropTenant only empties
// them), so a record found here cannot be orphaned by a concurrent drop.
func (s *memStore) tenant(id int64, create bool) (*memTenant, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	t := s.tenants[id]
	if t == nil && create {
		t = &memTenant{}
		s.tenants[id] = t
	}
	return t, nil
}

func (s *memStore) View(tenant int64, fn func(Tx) error) error {
	t, err := s.tenant(tenant, false)
	if err != nil {
		return err
	}
	tx := &memTx{}
	defer tx.finish()
	if t != nil {
		t.mu.RLock()
		defer t.mu.RUnlock()
		tx.base = t.data
	}
	return fn(tx)
}

func (s *memStore) Update(tenant int64, fn func(Tx) error) error {
	t, err := s.tenant(tenant, true)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	tx := &memTx{base: t.data, txState: txState{writable: true}}
	defer tx.finish()
	if err := fn(tx); err != nil {
		return err // the clones in tx are dropped: nothing is kept
	}
	if len(tx.dirty) == 0 && len(tx.dirtySeq) == 0 {
		return nil
	}
	next := &memData{}
	if t.data != nil {
		next.buckets = make(map[string]*memTree, len(t.data.buckets)+len(tx.dirty))
		for name, tree := range t.data.buckets {
			next.buckets[name] = tree
		}
		next.seqs = make(map[string]uint64, len(t.data.seqs)+len(tx.dirtySeq))
		for name, v := range t.data.seqs {
			next.seqs[name] = v
		}
	} else {
		next.buckets = make(map[string]*memTree, len(tx.dirty))
		next.seqs = make(map[string]uint64, len(tx.dirtySeq))
	}
	for name, tree := range tx.dirty {
		next.buckets[name] = tree
	}
	for name, v := range tx.dirtySeq {
		next.seqs[name] = v
	}
	t.data = next
	t.live.Store(true)
	return nil
}

func (s *memStore) Tenants() ([]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	ids := make([]int64, 0, len(s.tenants))
	for id, t := range s.tenants {
		if t.live.Load() {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

func (s *memStore) DropTenant(tenant int64) error {
	t, err := s.tenant(tenant, false)
	if err != nil || t == nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.data = nil
	t.snaps = nil
	t.live.Store(false)
	return nil
}

func (s *memStore) Snapshot(tenant int64, name string) error {
	if err := checkName("snapshot", name); err != nil {
		return err
	}
	t, err := s.tenant(tenant, true)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	snap := t.data // immutable, so sharing it is a snapshot
	if snap == nil {
		snap = &memData{}
	}
	if t.snaps == nil {
		t.snaps = make(map[string]*memData)
	}
	t.snaps[name] = snap
	return nil
}

// snapshotTenant checks a snapshot name and returns the existing tenant
// (ErrNotFound when there is none).
func (s *memStore) snapshotTenant(tenant int64, name string) (*memTenant, error) {
	if err := checkName("snapshot", name); err != nil {
		return nil, err
	}
	t, err := s.tenant(tenant, false)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, ErrNotFound
	}
	return t, nil
}

func (s *memStore) Restore(tenant int64, name string) error {
	t, err := s.snapshotTenant(tenant, name)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	snap, ok := t.snaps[name]
	if !ok {
		return ErrNotFound
	}
	next := &memData{buckets: snap.buckets, seqs: make(map[string]uint64, len(snap.seqs))}
	for name, v := range snap.seqs {
		next.seqs[name] = v
	}
	if t.data != nil {
		for name, v := range t.data.seqs {
			next.seqs[name] = max(next.seqs[name], v)
		}
	}
	if next.buckets == nil {
		next.buckets = make(map[string]*memTree)
	}
	t.data = next
	t.live.Store(true)
	return nil
}

func (s *memStore) DeleteSnapshot(tenant int64, name string) error {
	t, err := s.snapshotTenant(tenant, name)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.snaps[name]; !ok {
		return ErrNotFound
	}
	delete(t.snaps, name)
	return nil
}

func (s *memStore) Snapshots(tenant int64) ([]string, error) {
	t, err := s.tenant(tenant, false)
	if err != nil {
		return nil, err
	}
	names := []string{}
	if t == nil {
		return names, nil
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	for name := range t.snaps {
		names = append(names, name)
	}
	slices.Sort(names)
	return names, nil
}

func (s *memStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

// memTx is a transaction of the memory backend. Reads look at dirty (then
// dirtySeq) first and fall back to base; writes go to clones kept in dirty.
type memTx struct {
	txState
	base     *memData            // committed state at the start; nil = empty tenant
	dirty    map[string]*memTree // buckets written by this tx (clones of base's, or new)
	dirtySeq map[string]uint64   // counters advanced by this tx
	writes   uint64              // number of Put/Delete calls, lets scans notice writes
}

// tree returns the current tree of bucket, or nil if the bucket is absent.
func (tx *memTx) tree(bucket string) *memTree {
	if t, ok := tx.dirty[bucket]; ok {
		return t
	}
	if tx.base != nil {
		return tx.base.buckets[bucket]
	}
	return nil
}

// writeTree returns a tree of bucket that this tx may modify, cloning the
// committed one on first use. It returns nil if the bucket is absent and
// create is false.
func (tx *memTx) writeTree(bucket string, create bool) *memTree {
	if t, ok := tx.dirty[bucket]; ok {
		return t
	}
	var t *memTree
	if tx.base != nil {
		if committed := tx.base.buckets[bucket]; committed != nil {
			t = committed.Clone()
		}
	}
	if t == nil {
		if !create {
			return nil
		}
		t = btree.NewG(btreeDegree, memLess)
	}
	if tx.dirty == nil {
		tx.dirty = make(map[string]*memTree)
	}
	tx.dirty[bucket] = t
	return t
}

func (tx *memTx) Get(bucket string, key []byte) ([]byte, error) {
	if err := tx.checkKeyed(false, bucket, key); err != nil {
		return nil, err
	}
	t := tx.tree(bucket)
	if t == nil {
		return nil, ErrNotFound
	}
	it, ok := t.Get(memItem{key: key})
	if !ok {
		return nil, ErrNotFound
	}
	return clone(it.value), nil
}

func (tx *memTx) Put(bucket string, key, value []byte) error {
	if err := tx.checkKeyed(true, bucket, key); err != nil {
		return err
	}
	if err := checkValue(value); err != nil {
		return err
	}
	k, v := copyPair(key, value)
	tx.writeTree(bucket, true).ReplaceOrInsert(memItem{key: k, value: v})
	tx.writes++
	return nil
}

func (tx *memTx) Delete(bucket string, key []byte) error {
	if err := tx.checkKeyed(true, bucket, key); err != nil {
		return err
	}
	t := tx.tree(bucket)
	if t == nil || !t.Has(memItem{key: key}) {
		return nil // nothing to do; don't clone for nothing
	}
	tx.writeTree(bucket, false).Delete(memItem{key: key})
	tx.writes++
	return nil
}

func (tx *memTx) Scan(bucket string, start []byte, fn func(key, value []byte) bool) error {
	return tx.scan(bucket, start, false, fn)
}

func (tx *memTx) ScanReverse(bucket string, start []byte, fn func(key, value []byte) bool) error {
	return tx.scan(bucket, start, true, fn)
}

// scan iterates the bucket's tree. If fn writes to the tx, the iteration is
// abandoned right after fn returns (the tree may have changed under it) and
// resumed from the current tree just past the last visited key.
func (tx *memTx) scan(bucket string, start []byte, reverse bool, fn func(key, value []byte) bool) error {
	if err := tx.check(false, bucket); err != nil {
		return err
	}
	var (
		last    []byte // last visited key (the store's own immutable slice)
		resumed bool   // iterating from last rather than from start
	)
	for {
		t := tx.tree(bucket)
		if t == nil {
			return nil
		}
		writes := tx.writes
		stopped, restart := false, false
		visit := func(it memItem) bool {
			if resumed && bytes.Equal(it.key, last) {
				return true // already visited before the restart
			}
			last = it.key
			if !fn(copyPair(it.key, it.value)) {
				stopped = true
				return false
			}
			if tx.writes != writes {
				restart = true
				return false
			}
			return true
		}
		switch {
		case resumed && !reverse:
			t.AscendGreaterOrEqual(memItem{key: last}, visit)
		case resumed && reverse:
			t.DescendLessOrEqual(memItem{key: last}, visit)
		case len(start) == 0 && !reverse:
			t.Ascend(visit)
		case len(start) == 0 && reverse:
			t.Descend(visit)
		case !reverse:
			t.AscendGreaterOrEqual(memItem{key: start}, visit)
		default:
			t.DescendLessOrEqual(memItem{key: start}, visit)
		}
		if stopped || !restart {
			return nil
		}
		resumed = true
	}
}

func (tx *memTx) NextSequence(name string) (uint64, error) {
	if err := tx.checkOpen(true); err != nil {
		return 0, err
	}
	if err := checkName("sequence", name); err != nil {
		return 0, err
	}
	v, ok := tx.dirtySeq[name]
	if !ok && tx.base != nil {
		v = tx.base.seqs[name]
	}
	v++
	if tx.dirtySeq == nil {
		tx.dirtySeq = make(map[string]uint64)
	}
	tx.dirtySeq[name] = v
	return v, nil
}

func (tx *memTx) Count(bucket string) (int, error) {
	if err := tx.check(false, bucket); err != nil {
		return 0, err
	}
	t := tx.tree(bucket)
	if t == nil {
		return 0, nil
	}
	return t.Len(), nil
}
