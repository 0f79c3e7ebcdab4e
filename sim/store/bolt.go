package store

// bbolt backend.
//
// File layout, schema version 1 (bbolt buckets end in "/"):
//
//	meta/
//	    schema_version -> uint64 BE (1)
//	tenants/
//	    <tenant: Int64Key>/          exists once the tenant has data
//	        b/
//	            <bucket name>/       key -> value (the Tx buckets)
//	        seq/
//	            <sequence name>      -> uint64 BE, last value handed out
//	snapshots/
//	    <tenant: Int64Key>/
//	        <snapshot name>/         a copy of tenants/<tenant>/ (b/ and seq/)
//
// Any change to this layout must bump schemaVersion; OpenBolt refuses files
// whose version it does not know.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime/debug"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// schemaVersion is the version of the file layout written by this package.
const schemaVersion uint64 = 1

// Names of the fixed bbolt buckets and keys (see the layout above).
var (
	bucketMeta       = []byte("meta")
	bucketTenants    = []byte("tenants")
	bucketSnapshots  = []byte("snapshots")
	bucketData       = []byte("b")
	bucketSeq        = []byte("seq")
	keySchemaVersion = []byte("schema_version")
)

// Page fill factors for the ordered copies made by Snapshot (never modified
// afterwards: pack pages full) and Restore (live data: leave room for inserts).
const (
	snapshotFill = 1.0
	restoreFill  = 0.8
)

// BoltOptions configures OpenBolt. The zero value is the production setting.
type BoltOptions struct {
	// Timeout is how long OpenBolt waits for the data file's lock before
	// failing with ErrInUse. Zero means 1 second.
	Timeout time.Duration
	// NoSync skips fsync on commit. Acknowledged writes then survive a
	// process crash but not a machine crash. For benchmarks and tests only.
	NoSync bool
}

// boltStore is the durable Store returned by OpenBolt.
type boltStore struct {
	db     *bolt.DB
	closed atomic.Bool  // Close was called
	group  *groupCommit // concurrent Updates share commits
}

// OpenBolt opens (creating it if needed) the bbolt data file at path. If
// another process — or another open Store in this process — holds the file,
// it fails after opts.Timeout with an error wrapping ErrInUse. A file written
// with an unknown schema version is refused with an error wrapping ErrSchema.
func OpenBolt(path string, opts BoltOptions) (Store, error) {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = time.Second
	}
	if err := checkFile(path, timeout); err != nil {
		return nil, err
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout: timeout,
		NoSync:  opts.NoSync,
		// The hashmap freelist is faster for large files. It is written
		// with every commit (a page or two) so that opening a big file reads
		// it instead of walking every page to rebuild it (seconds at 100k
		// customers); a file from an older stsim gets one on its first open.
		FreelistType: bolt.FreelistMapType,
	})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("store: data file %q is in use by another stsim process (bbolt lock timeout after %s): %w", path, timeout, ErrInUse)
		}
		return nil, fmt.Errorf("store: open %q: %w", path, err)
	}
	if err := initSchema(db, path); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := completeFreelist(db, path); err != nil {
		_ = db.Close()
		return nil, err
	}
	return &boltStore{db: db, group: &groupCommit{db: db, path: path}}, nil
}

// completeFreelist finishes giving a file from an older stsim, which had no
// freelist stored, a freelist in both meta pages: bbolt wrote one in the
// newest meta page when it opened the file, and one more commit writes the
// other. Until then every open would read the whole file (see checkFile).
func completeFreelist(db *bolt.DB, path string) error {
	if stored, err := freelistStored(path); stored || err != nil {
		return err
	}
	return db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, Uint64Key(schemaVersion))
	})
}

// initSchema checks the schema version of an existing file, or lays out a new
// (empty) one.
func initSchema(db *bolt.DB, path string) error {
	fresh := false
	err := db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			empty := true
			_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
			if !empty {
				return fmt.Errorf("%w: %q is a bbolt file without stsim metadata (not an stsim data file?)", ErrSchema, path)
			}
			fresh = true
			return nil
		}
		raw := meta.Get(keySchemaVersion)
		if len(raw) != 8 {
			return fmt.Errorf("%w: %q has a malformed schema version", ErrSchema, path)
		}
		if v := binary.BigEndian.Uint64(raw); v != schemaVersion {
			return fmt.Errorf("%w: %q has schema version %d, this stsim understands only version %d (written by a newer stsim?)", ErrSchema, path, v, schemaVersion)
		}
		return nil
	})
	if err != nil || !fresh {
		return err
	}
	return db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		if err := meta.Put(keySchemaVersion, Uint64Key(schemaVersion)); err != nil {
			return err
		}
		for _, name := range [][]byte{bucketTenants, bucketSnapshots} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	})
}

// mapErr translates bbolt's "database closed" into ErrClosed. Other errors
// (including fn's) are returned unchanged.
func mapErr(err error) error {
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return fmt.Errorf("%w: %v", ErrClosed, err)
	}
	return err
}

// guardFaults makes a memory fault in the calling goroutine a panic until
// the caller returns (use: defer guardFaults()()). Pages below a file's
// top levels are only checked when read: a corrupt one pointing outside
// the file then fails the request that read it (the HTTP server recovers
// the panic into a 500) instead of crashing the process.
func guardFaults() func() {
	old := debug.SetPanicOnFault(true)
	return func() { debug.SetPanicOnFault(old) }
}

func (s *boltStore) View(tenant int64, fn func(Tx) error) error {
	if s.closed.Load() {
		return ErrClosed
	}
	defer guardFaults()()
	return mapErr(s.db.View(func(btx *bolt.Tx) error {
		tx := &boltTx{btx: btx, tenant: tenant}
		defer tx.finish()
		return fn(tx)
	}))
}

func (s *boltStore) Update(tenant int64, fn func(Tx) error) error {
	if s.closed.Load() {
		return ErrClosed
	}
	defer guardFaults()()
	run := func(btx *bolt.Tx) error {
		tx := &boltTx{btx: btx, tenant: tenant, txState: txState{writable: true}}
		defer tx.finish()
		return fn(tx)
	}
	return mapErr(s.group.update(run))
}

func (s *boltStore) Tenants() ([]int64, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	defer guardFaults()()
	ids := []int64{}
	err := s.db.View(func(btx *bolt.Tx) error {
		return btx.Bucket(bucketTenants).ForEachBucket(func(k []byte) error {
			id, err := ParseInt64Key(k)
			if err != nil {
				return fmt.Errorf("store: corrupt tenant key %x: %w", k, err)
			}
			ids = append(ids, id)
			return nil
		})
	})
	return ids, mapErr(err)
}

// deleteBucketIfExists deletes the child bucket name of parent, if any.
func deleteBucketIfExists(parent *bolt.Bucket, name []byte) error {
	if parent.Bucket(name) == nil {
		return nil
	}
	return parent.DeleteBucket(name)
}

func (s *boltStore) DropTenant(tenant int64) error {
	if s.closed.Load() {
		return ErrClosed
	}
	defer guardFaults()()
	key := Int64Key(tenant)
	return mapErr(s.db.Update(func(btx *bolt.Tx) error {
		if err := deleteBucketIfExists(btx.Bucket(bucketTenants), key); err != nil {
			return err
		}
		return deleteBucketIfExists(btx.Bucket(bucketSnapshots), key)
	}))
}

// updateSnapshot checks a snapshot name and runs fn in a write
// transaction, with the tenant's key.
func (s *boltStore) updateSnapshot(tenant int64, name string, fn func(btx *bolt.Tx, key []byte) error) error {
	if err := checkName("snapshot", name); err != nil {
		return err
	}
	if s.closed.Load() {
		return ErrClosed
	}
	defer guardFaults()()
	key := Int64Key(tenant)
	return mapErr(s.db.Update(func(btx *bolt.Tx) error { return fn(btx, key) }))
}

func (s *boltStore) Snapshot(tenant int64, name string) error {
	return s.updateSnapshot(tenant, name, func(btx *bolt.Tx, key []byte) error {
		snaps, err := btx.Bucket(bucketSnapshots).CreateBucketIfNotExists(key)
		if err != nil {
			return err
		}
		if err := deleteBucketIfExists(snaps, []byte(name)); err != nil {
			return err
		}
		dst, err := snaps.CreateBucket([]byte(name))
		if err != nil {
			return err
		}
		if src := btx.Bucket(bucketTenants).Bucket(key); src != nil {
			return copyBucket(dst, src, snapshotFill)
		}
		return nil
	})
}

func (s *boltStore) Restore(tenant int64, name string) error {
	return s.updateSnapshot(tenant, name, func(btx *bolt.Tx, key []byte) error {
		var snap *bolt.Bucket
		if snaps := btx.Bucket(bucketSnapshots).Bucket(key); snaps != nil {
			snap = snaps.Bucket([]byte(name))
		}
		if snap == nil {
			return ErrNotFound
		}
		tenants := btx.Bucket(bucketTenants)
		// Remember the live counters: they must not go back.
		live := map[string]uint64{}
		if old := tenants.Bucket(key); old != nil {
			if seq := old.Bucket(bucketSeq); seq != nil {
				if err := seq.ForEach(func(k, v []byte) error {
					live[string(k)] = decodeSeq(v)
					return nil
				}); err != nil {
					return err
				}
			}
			if err := tenants.DeleteBucket(key); err != nil {
				return err
			}
		}
		dst, err := tenants.CreateBucket(key)
		if err != nil {
			return err
		}
		if err := copyBucket(dst, snap, restoreFill); err != nil {
			return err
		}
		if len(live) == 0 {
			return nil
		}
		seq, err := dst.CreateBucketIfNotExists(bucketSeq)
		if err != nil {
			return err
		}
		for name, v := range live {
			if v > decodeSeq(seq.Get([]byte(name))) {
				if err := seq.Put([]byte(name), Uint64Key(v)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func (s *boltStore) DeleteSnapshot(tenant int64, name string) error {
	return s.updateSnapshot(tenant, name, func(btx *bolt.Tx, key []byte) error {
		root := btx.Bucket(bucketSnapshots)
		snaps := root.Bucket(key)
		if snaps == nil || snaps.Bucket([]byte(name)) == nil {
			return ErrNotFound
		}
		if err := snaps.DeleteBucket([]byte(name)); err != nil {
			return err
		}
		if k, _ := snaps.Cursor().First(); k == nil {
			return root.DeleteBucket(key) // keep the tree tidy
		}
		return nil
	})
}

func (s *boltStore) Snapshots(tenant int64) ([]string, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	defer guardFaults()()
	names := []string{}
	err := s.db.View(func(btx *bolt.Tx) error {
		snaps := btx.Bucket(bucketSnapshots).Bucket(Int64Key(tenant))
		if snaps == nil {
			return nil
		}
		return snaps.ForEachBucket(func(k []byte) error {
			names = append(names, string(k))
			return nil
		})
	})
	return names, mapErr(err)
}

func (s *boltStore) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	return s.db.Close()
}

// check runs bbolt's consistency check on the whole file and returns the
// problems found, joined. For tests.
func (s *boltStore) check() error {
	return checkBoltDB(s.db)
}

func checkBoltDB(db *bolt.DB) error {
	var errs []error
	err := db.View(func(btx *bolt.Tx) error {
		for err := range btx.Check() {
			errs = append(errs, err)
		}
		return nil
	})
	return errors.Join(append(errs, err)...)
}

// copyBucket copies every key and nested bucket of src into dst (same tx).
// Keys arrive in order, so pages are filled to fill (a bbolt FillPercent)
// instead of being split in half.
func copyBucket(dst, src *bolt.Bucket, fill float64) error {
	dst.FillPercent = fill
	return src.ForEach(func(k, v []byte) error {
		if v == nil {
			if child := src.Bucket(k); child != nil {
				sub, err := dst.CreateBucket(k)
				if err != nil {
					return err
				}
				return copyBucket(sub, child, fill)
			}
		}
		// bbolt keeps references to what it is given until commit; src's
		// memory is only valid for the tx, so hand it copies.
		k, v = copyPair(k, v)
		return dst.Put(k, v)
	})
}

// decodeSeq decodes a stored counter; absent (nil) reads as 0.
func decodeSeq(v []byte) uint64 {
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

// boltTx is a transaction of the bbolt backend, scoped to one tenant's
// subtree. Several boltTx may share one bolt.Tx when Updates are batched.
type boltTx struct {
	btx    *bolt.Tx
	tenant int64
	txState
	writes  uint64                  // Put/Delete calls, lets scans notice writes
	tb      *bolt.Bucket            // tenants/<tenant>, once looked up and found
	data    *bolt.Bucket            // tenants/<tenant>/b, once looked up and found
	buckets map[string]*bolt.Bucket // data buckets found so far
}

// tenantBucket returns tenants/<tenant>, creating it if create is set;
// nil if absent and create is false.
func (tx *boltTx) tenantBucket(create bool) (*bolt.Bucket, error) {
	if tx.tb != nil {
		return tx.tb, nil
	}
	root := tx.btx.Bucket(bucketTenants)
	key := Int64Key(tx.tenant)
	if create {
		b, err := root.CreateBucketIfNotExists(key)
		if err != nil {
			return nil, err
		}
		tx.tb = b
	} else {
		tx.tb = root.Bucket(key)
	}
	return tx.tb, nil
}

// bucket returns the data bucket called name, creating it (and its parents)
// if create is set; nil if absent and create is false.
func (tx *boltTx) bucket(name string, create bool) (*bolt.Bucket, error) {
	if b := tx.buckets[name]; b != nil {
		return b, nil
	}
	if tx.data == nil {
		tb, err := tx.tenantBucket(create)
		if tb == nil || err != nil {
			return nil, err
		}
		if create {
			if tx.data, err = tb.CreateBucketIfNotExists(bucketData); err != nil {
				return nil, err
			}
		} else if tx.data = tb.Bucket(bucketData); tx.data == nil {
			return nil, nil
		}
	}
	var b *bolt.Bucket
	if create {
		var err error
		if b, err = tx.data.CreateBucketIfNotExists([]byte(name)); err != nil {
			return nil, err
		}
	} else if b = tx.data.Bucket([]byte(name)); b == nil {
		return nil, nil
	}
	if tx.buckets == nil {
		tx.buckets = make(map[string]*bolt.Bucket)
	}
	tx.buckets[name] = b
	return b, nil
}

func (tx *boltTx) Get(bucket string, key []byte) ([]byte, error) {
	if err := tx.checkKeyed(false, bucket, key); err != nil {
		return nil, err
	}
	b, err := tx.bucket(bucket, false)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, ErrNotFound
	}
	// A cursor rather than b.Get, which returns nil both for "absent" and,
	// depending on where the value lives, for an empty value.
	k, v := b.Cursor().Seek(key)
	if k == nil || v == nil || !bytes.Equal(k, key) {
		return nil, ErrNotFound
	}
	return clone(v), nil
}

func (tx *boltTx) Put(bucket string, key, value []byte) error {
	if err := tx.checkKeyed(true, bucket, key); err != nil {
		return err
	}
	if err := checkValue(value); err != nil {
		return err
	}
	b, err := tx.bucket(bucket, true)
	if err != nil {
		return err
	}
	// bbolt references key and value until commit: give it copies so the
	// caller may reuse its buffers. (This also turns a nil value into a
	// non-nil empty one.)
	k, v := copyPair(key, value)
	if err := b.Put(k, v); err != nil {
		return err
	}
	tx.writes++
	return nil
}

func (tx *boltTx) Delete(bucket string, key []byte) error {
	if err := tx.checkKeyed(true, bucket, key); err != nil {
		return err
	}
	b, err := tx.bucket(bucket, false)
	if b == nil || err != nil {
		return err
	}
	if err := b.Delete(key); err != nil {
		return err
	}
	tx.writes++
	return nil
}

func (tx *boltTx) Scan(bucket string, start []byte, fn func(key, value []byte) bool) error {
	return tx.scan(bucket, start, false, fn)
}

func (tx *boltTx) ScanReverse(bucket string, start []byte, fn func(key, value []byte) bool) error {
	return tx.scan(bucket, start, true, fn)
}

// scan walks a cursor. bbolt cursors are invalidated by writes, so when fn
// writes to the tx the cursor is repositioned just past the last visited key.
func (tx *boltTx) scan(bucket string, start []byte, reverse bool, fn func(key, value []byte) bool) error {
	if err := tx.check(false, bucket); err != nil {
		return err
	}
	b, err := tx.bucket(bucket, false)
	if b == nil || err != nil {
		return err
	}
	c := b.Cursor()
	var k, v []byte
	switch {
	case len(start) == 0 && !reverse:
		k, v = c.First()
	case len(start) == 0 && reverse:
		k, v = c.Last()
	case !reverse:
		k, v = c.Seek(start)
	default:
		k, v = seekLE(c, start)
	}
	var last []byte // private copy of the last visited key (fn owns its copy)
	for k != nil {
		last = append(last[:0], k...)
		writes := tx.writes
		if !fn(copyPair(k, v)) {
			return nil
		}
		switch {
		case tx.writes != writes:
			k, v = reseek(c, last, reverse)
		case reverse:
			k, v = c.Prev()
		default:
			k, v = c.Next()
		}
	}
	return nil
}

// reseek positions c on the first key after last (reverse: before last) in
// the bucket's current state.
func reseek(c *bolt.Cursor, last []byte, reverse bool) ([]byte, []byte) {
	k, v := c.Seek(last)
	switch {
	case reverse && k == nil:
		return c.Last() // every key is < last
	case reverse:
		return c.Prev() // k >= last, and no key lies between last and k
	case k != nil && bytes.Equal(k, last):
		return c.Next()
	default:
		return k, v
	}
}

// seekLE positions c on the last key <= key.
func seekLE(c *bolt.Cursor, key []byte) ([]byte, []byte) {
	k, v := c.Seek(key)
	switch {
	case k == nil:
		return c.Last()
	case bytes.Equal(k, key):
		return k, v
	default:
		return c.Prev()
	}
}

func (tx *boltTx) NextSequence(name string) (uint64, error) {
	if err := tx.checkOpen(true); err != nil {
		return 0, err
	}
	if err := checkName("sequence", name); err != nil {
		return 0, err
	}
	tb, err := tx.tenantBucket(true)
	if err != nil {
		return 0, err
	}
	seq, err := tb.CreateBucketIfNotExists(bucketSeq)
	if err != nil {
		return 0, err
	}
	v := decodeSeq(seq.Get([]byte(name))) + 1
	if err := seq.Put([]byte(name), Uint64Key(v)); err != nil {
		return 0, err
	}
	tx.writes++ // a running scan repositions its cursor, to be safe
	return v, nil
}

func (tx *boltTx) Count(bucket string) (int, error) {
	if err := tx.check(false, bucket); err != nil {
		return 0, err
	}
	b, err := tx.bucket(bucket, false)
	if b == nil || err != nil {
		return 0, err
	}
	if !tx.writable {
		// Committed pages only: exact in a read-only tx, and walks page
		// headers instead of keys.
		return b.Stats().KeyN, nil
	}
	// In a write tx Stats misses uncommitted changes; count with a cursor.
	n := 0
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		n++
	}
	return n, nil
}
