package store

import (
	"encoding/binary"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/google/btree"
)

// The memory backend keeps each bucket of each tenant in a B-tree
// (github.com/google/btree). An Update holds its tenant's write lock, so no
// View can see the trees while it runs: it writes into them in place and
// keeps an undo log, which a failed (or panicking) Update replays backwards
// to put every tree back as it was. Snapshots are lazy copy-on-write clones
// (O(1) per bucket): after one, the live trees copy a node only the first
// time they write to it. (Writing in place instead of cloning every tree an
// Update touches made a customer create ~1.5x cheaper: path copies of a
// dozen trees were most of its cost.)

// btreeDegree is the B-tree degree: nodes hold up to 2*degree-1 items.
const btreeDegree = 32

// memItem is one key/value pair packed into one immutable string: a
// uvarint header (the key's length times two, plus one when the item was
// carved from a chunk: see pack), the key, then the value. One string
// header per tree slot (16 bytes, against 48 for a pair of slices) and one
// allocation per pair: with ten pairs per customer, slots were 40% of the
// heap of 100k customers. Items are never modified after insertion.
type memItem string

// itemHeader is the header of an item with a key of n bytes.
func itemHeader(n int, chunked bool) uint64 {
	h := uint64(n) << 1
	if chunked {
		h |= 1
	}
	return h
}

// packItem builds the item of key and value in an allocation of its own
// (a copy: the caller keeps its slices).
func packItem(key, value []byte) memItem {
	var prefix [binary.MaxVarintLen64]byte
	w := binary.PutUvarint(prefix[:], itemHeader(len(key), false))
	var b strings.Builder
	b.Grow(w + len(key) + len(value)) // exactly: one allocation, no slack
	b.Write(prefix[:w])
	b.Write(key)
	b.Write(value)
	return memItem(b.String())
}

// split returns the item's key and value (substrings of the item).
func (it memItem) split() (key, value string) {
	n, w := 0, 0
	for shift := 0; ; shift += 7 { // the header's uvarint
		b := it[w]
		w++
		n |= int(b&0x7f) << shift
		if b < 0x80 {
			break
		}
	}
	n >>= 1
	return string(it[w : w+n]), string(it[w+n:])
}

// chunked reports whether the item was carved from a chunk (the header's
// low bit, which its first byte holds).
func (it memItem) chunked() bool { return it[0]&1 != 0 }

// key returns the item's key. Keys shorter than 64 bytes (record IDs,
// change sequences, most index keys) have a one-byte header: that case is
// read inline, since the B-tree compares keys on every step of every search.
func (it memItem) key() string {
	if h := it[0]; h < 0x80 {
		return string(it[1 : 1+h>>1])
	}
	k, _ := it.split()
	return k
}

// memLess orders items by key. Two 8-byte keys (record IDs and change
// sequences, big-endian: over half of what a tenant's seed writes) are
// compared as numbers, which orders them as their bytes.
func memLess(a, b memItem) bool {
	if len(a) > 8 && len(b) > 8 && a[0]>>1 == 8 && b[0]>>1 == 8 {
		return key8(a) < key8(b)
	}
	return a.key() < b.key()
}

// key8 is the 8-byte key of it as a big-endian number.
func key8(it memItem) uint64 {
	_ = it[8]
	return uint64(it[1])<<56 | uint64(it[2])<<48 | uint64(it[3])<<40 | uint64(it[4])<<32 |
		uint64(it[5])<<24 | uint64(it[6])<<16 | uint64(it[7])<<8 | uint64(it[8])
}

// probe packs the item to look key up with (its value is empty) into buf,
// reusing its storage: the item is valid until buf is written again, which
// is long enough for a search, since the B-tree only compares probes with
// its items and never keeps them. Lookups need no allocation.
func probe(buf *[]byte, key []byte) memItem {
	b := binary.AppendUvarint((*buf)[:0], itemHeader(len(key), false))
	b = append(b, key...)
	*buf = b
	return memItem(unsafe.String(unsafe.SliceData(b), len(b)))
}

// pairCopy returns copies of the item's key and value sharing one
// allocation, as Scan hands them out.
func (it memItem) pairCopy() ([]byte, []byte) {
	k, v := it.split()
	buf := make([]byte, len(k)+len(v))
	n := copy(buf, k)
	copy(buf[n:], v)
	return buf[:n:n], buf[n:]
}

// pairShared returns the item's key and value as the store keeps them,
// without copying, as ScanShared hands them out. An item's string never
// changes, so they stay valid and unchanged; nothing may write to them.
func (it memItem) pairShared() ([]byte, []byte) {
	k, v := it.split()
	return unsafe.Slice(unsafe.StringData(k), len(k)), unsafe.Slice(unsafe.StringData(v), len(v))
}

type memTree = btree.BTreeG[memItem]

// memData is the committed state of one tenant, or a snapshot of it. The
// live state is written in place by Updates; a snapshot is never written
// (its trees are clones, which copy on write).
type memData struct {
	buckets map[string]*memTree
	seqs    map[string]uint64
	// nodes is the free list of B-tree nodes the tenant's trees share
	// (each tree had its own: a seed creates ~140 buckets). Set by the
	// first tree an Update creates; snapshots share it (it has a lock).
	nodes *btree.FreeListG[memItem]
}

// clone returns a copy of d that shares nothing writable with it.
// It must run under the tenant's write lock (cloning a tree marks the
// original's nodes shared).
func (d *memData) clone() *memData {
	out := &memData{buckets: make(map[string]*memTree, len(d.buckets)), seqs: make(map[string]uint64, len(d.seqs)), nodes: d.nodes}
	for name, tree := range d.buckets {
		out.buckets[name] = tree.Clone()
	}
	for name, v := range d.seqs {
		out.seqs[name] = v
	}
	return out
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
	mu      sync.RWMutex
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
	s.mu.RLock() // every transaction looks its tenant up: readers share the lock
	t, closed := s.tenants[id], s.closed
	s.mu.RUnlock()
	if closed {
		return nil, ErrClosed
	}
	if t != nil || !create {
		return t, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	t = s.tenants[id]
	if t == nil {
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
	if t == nil {
		tx := newMemTx(nil, false)
		defer tx.finish()
		return fn(tx)
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	tx := newMemTx(t.data, false)
	defer tx.finish()
	return fn(tx)
}

func (s *memStore) Update(tenant int64, fn func(Tx) error) error {
	t, err := s.tenant(tenant, true)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.data == nil {
		t.data = &memData{buckets: make(map[string]*memTree), seqs: make(map[string]uint64)}
	}
	tx := newMemTx(t.data, true)
	committed := false
	defer func() {
		tx.finish()
		if !committed { // fn failed or panicked: undo its writes
			tx.rollback()
			if !t.live.Load() {
				t.data = nil
			}
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	committed = true
	if len(tx.undo) == 0 && len(tx.dirtySeq) == 0 {
		if !t.live.Load() {
			t.data = nil
		}
		return nil
	}
	for name, v := range tx.dirtySeq {
		t.data.seqs[name] = v
	}
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
	snap := &memData{}
	if t.data != nil {
		snap = t.data.clone()
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
	next := snap.clone() // the snapshot stays as it was when live data changes
	if t.data != nil {
		for name, v := range t.data.seqs {
			next.seqs[name] = max(next.seqs[name], v)
		}
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

// memTx is a transaction of the memory backend. A View reads base; an
// Update writes base's trees in place, logging how to undo each write
// (memWrites), and keeps its counters in dirtySeq until it commits.
type memTx struct {
	txState
	base     *memData          // the tenant's state; nil = empty tenant (View only)
	dirtySeq map[string]uint64 // counters advanced by this tx
	writes   uint64            // number of Put/Delete calls, lets scans notice writes
	// memWrites is an Update's write state; nil in a View, which is
	// refused every write before any of it is read, so a read (a get by
	// ID's View) allocates and clears a small tx.
	*memWrites
	// probe is where Get, GetShared and Delete pack the key they look up
	// (see probe), in probeBuf while the key fits; none of them calls back
	// into the tx while the search runs. A scan packs
	// its start into scanProbe instead, since the B-tree compares it
	// while fn runs, and fn may call Get or (scanning > 0) scan again.
	probe, scanProbe []byte
	probeBuf         [24]byte
	scanning         int // scans in progress
}

// memWrites is what an Update's memTx keeps to write and to undo.
type memWrites struct {
	undo []memUndo // how to revert this tx's writes, oldest first
	// created holds the buckets this tx created: a rollback drops them
	// whole, so writes into them need no undo entry (a tenant's seed
	// writes tens of thousands of keys into new buckets).
	created map[string]bool
	puts    int             // number of Put calls
	chunk   strings.Builder // the free end of the chunk pack carves items from
	// recent are the trees of the buckets Put wrote last (round robin from
	// nextRecent): a record's write goes to a few buckets in turn (its
	// record, change and index buckets), and comparing their names (the
	// same strings every time) costs less than hashing each name twice
	// per Put, which was 5% of a tenant's seed.
	recent     [8]recentTree
	nextRecent int
}

// newMemTx returns a transaction on base; a writable one gets its write
// state in the same allocation.
func newMemTx(base *memData, writable bool) *memTx {
	if !writable {
		tx := &memTx{base: base}
		tx.probe = tx.probeBuf[:0]
		return tx
	}
	both := &struct {
		memTx
		memWrites
	}{}
	tx := &both.memTx
	tx.base, tx.writable, tx.memWrites = base, true, &both.memWrites
	tx.probe = tx.probeBuf[:0]
	return tx
}

// A large Update (a tenant's seed puts 7,600 pairs, 700 KB) packs its items
// into shared chunks instead of one allocation each: after chunkAfterPuts
// puts, items up to maxChunkItem bytes are carved from chunks of chunkSize.
// A chunk stays alive while any item carved from it is still stored: at
// worst 16 KB per surviving item, and never more than the bytes large
// Updates wrote (a replaced or deleted item frees its share once its
// chunk's last item goes). Shared reads say which values are carved from
// a chunk (SharedReader's alone), so a reader that keeps a value past its
// item's life (the decoded cache) copies those and the bound holds. Small
// Updates (an API write puts a dozen pairs) allocate each item alone.
const (
	chunkAfterPuts = 64
	chunkSize      = 16 << 10
	maxChunkItem   = chunkSize / 8
)

// pack builds the item of key and value for Put (a copy: the caller keeps
// its slices), in the tx's chunk once the tx is large.
func (tx *memTx) pack(key, value []byte) memItem {
	tx.puts++
	var prefix [binary.MaxVarintLen64]byte
	w := binary.PutUvarint(prefix[:], itemHeader(len(key), true))
	n := w + len(key) + len(value)
	if tx.puts <= chunkAfterPuts || n > maxChunkItem {
		return packItem(key, value)
	}
	if tx.chunk.Cap()-tx.chunk.Len() < n {
		tx.chunk.Reset() // the items already carved keep the old chunk
		tx.chunk.Grow(chunkSize)
	}
	start := tx.chunk.Len()
	tx.chunk.Write(prefix[:w])
	tx.chunk.Write(key)
	tx.chunk.Write(value)
	// A Builder only appends: the bytes of earlier Strings never change.
	return memItem(tx.chunk.String()[start:])
}

// recentTree is a bucket's tree as Put found it, and whether the tx
// created it. A tx never drops or replaces a tree before it ends.
type recentTree struct {
	bucket  string
	tree    *memTree
	created bool
}

// memUndo reverts one write: it removes a bucket the tx created, or puts
// back (had) or removes (!had) one key.
type memUndo struct {
	bucket  string
	created bool
	old     memItem
	had     bool
}

// rollback replays the undo log backwards.
func (tx *memTx) rollback() {
	for i := len(tx.undo) - 1; i >= 0; i-- {
		u := tx.undo[i]
		t := tx.base.buckets[u.bucket]
		switch {
		case u.created:
			delete(tx.base.buckets, u.bucket)
		case u.had:
			t.ReplaceOrInsert(u.old)
		default:
			t.Delete(u.old)
		}
	}
	tx.undo = nil
}

// tree returns the current tree of bucket, or nil if the bucket is absent.
func (tx *memTx) tree(bucket string) *memTree {
	if tx.base != nil {
		return tx.base.buckets[bucket]
	}
	return nil
}

// writeTree returns the tree of bucket, creating it (and logging that) if
// it is absent.
func (tx *memTx) writeTree(bucket string) *memTree {
	t := tx.base.buckets[bucket]
	if t == nil {
		if tx.base.nodes == nil {
			tx.base.nodes = btree.NewFreeListG[memItem](btree.DefaultFreeListSize)
		}
		t = btree.NewWithFreeListG(btreeDegree, memLess, tx.base.nodes)
		tx.base.buckets[bucket] = t
		tx.undo = append(tx.undo, memUndo{bucket: bucket, created: true})
		if tx.created == nil {
			tx.created = map[string]bool{}
		}
		tx.created[bucket] = true
	}
	return t
}

// putTree is writeTree for Put, through recent, also telling whether the
// tx created the bucket.
func (tx *memTx) putTree(bucket string) (*memTree, bool) {
	for i := range tx.recent {
		if r := &tx.recent[i]; r.tree != nil && r.bucket == bucket {
			return r.tree, r.created
		}
	}
	t := tx.writeTree(bucket)
	created := tx.created[bucket]
	tx.recent[tx.nextRecent] = recentTree{bucket: bucket, tree: t, created: created}
	tx.nextRecent = (tx.nextRecent + 1) % len(tx.recent)
	return t, created
}

func (tx *memTx) Get(bucket string, key []byte) ([]byte, error) {
	it, err := tx.item(bucket, key)
	if err != nil {
		return nil, err
	}
	_, v := it.split()
	return []byte(v), nil
}

// GetShared is Get without the copy (SharedReader).
func (tx *memTx) GetShared(bucket string, key []byte) ([]byte, bool, error) {
	it, err := tx.item(bucket, key)
	if err != nil {
		return nil, false, err
	}
	_, v := it.pairShared()
	return v, !it.chunked(), nil
}

// item returns the item stored under key.
func (tx *memTx) item(bucket string, key []byte) (memItem, error) {
	if err := tx.checkKeyed(false, bucket, key); err != nil {
		return "", err
	}
	t := tx.tree(bucket)
	if t == nil {
		return "", ErrNotFound
	}
	it, ok := t.Get(probe(&tx.probe, key))
	if !ok {
		return "", ErrNotFound
	}
	return it, nil
}

func (tx *memTx) Put(bucket string, key, value []byte) error {
	if err := tx.checkKeyed(true, bucket, key); err != nil {
		return err
	}
	if err := checkValue(value); err != nil {
		return err
	}
	it := tx.pack(key, value)
	t, created := tx.putTree(bucket)
	old, had := t.ReplaceOrInsert(it)
	tx.writes++
	if created {
		return nil
	}
	if !had {
		old = it // undone by deleting its key
	}
	tx.undo = append(tx.undo, memUndo{bucket: bucket, old: old, had: had})
	return nil
}

func (tx *memTx) Delete(bucket string, key []byte) error {
	if err := tx.checkKeyed(true, bucket, key); err != nil {
		return err
	}
	t := tx.tree(bucket)
	if t == nil {
		return nil
	}
	old, had := t.Delete(probe(&tx.probe, key))
	if !had {
		return nil
	}
	tx.writes++
	if !tx.created[bucket] {
		tx.undo = append(tx.undo, memUndo{bucket: bucket, old: old, had: true})
	}
	return nil
}

func (tx *memTx) Scan(bucket string, start []byte, fn func(key, value []byte) bool) error {
	return tx.scan(bucket, start, false, func(it memItem) bool { return fn(it.pairCopy()) })
}

func (tx *memTx) ScanReverse(bucket string, start []byte, fn func(key, value []byte) bool) error {
	return tx.scan(bucket, start, true, func(it memItem) bool { return fn(it.pairCopy()) })
}

// ScanShared is Scan without copies (SharedReader).
func (tx *memTx) ScanShared(bucket string, start []byte, fn func(key, value []byte, alone bool) bool) error {
	return tx.scan(bucket, start, false, func(it memItem) bool {
		k, v := it.pairShared()
		return fn(k, v, !it.chunked())
	})
}

// scan iterates the bucket's tree, calling fn with each item. If fn writes
// to the tx, the iteration is abandoned right after fn returns (the tree
// may have changed under it) and resumed from the current tree just past
// the last visited key.
func (tx *memTx) scan(bucket string, start []byte, reverse bool, fn func(memItem) bool) error {
	if err := tx.check(false, bucket); err != nil {
		return err
	}
	var (
		last    memItem // last visited item
		resumed bool    // iterating from last rather than from start
		pivot   memItem // the item to start from, if start is set
	)
	if len(start) > 0 {
		buf := &tx.scanProbe
		if tx.scanning > 0 { // a scan from fn of another: the outer pivot is in use
			buf = new([]byte)
		}
		pivot = probe(buf, start)
	}
	tx.scanning++
	defer func() { tx.scanning-- }()
	for {
		t := tx.tree(bucket)
		if t == nil {
			return nil
		}
		writes := tx.writes
		stopped, restart := false, false
		visit := func(it memItem) bool {
			if resumed && it.key() == last.key() {
				return true // already visited before the restart
			}
			last = it
			if !fn(it) {
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
			t.AscendGreaterOrEqual(last, visit)
		case resumed && reverse:
			t.DescendLessOrEqual(last, visit)
		case len(start) == 0 && !reverse:
			t.Ascend(visit)
		case len(start) == 0 && reverse:
			t.Descend(visit)
		case !reverse:
			t.AscendGreaterOrEqual(pivot, visit)
		default:
			t.DescendLessOrEqual(pivot, visit)
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
