package store

// The consistency check of a bbolt data file at open.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrCorrupt marks a data file that fails the consistency check at open.
var ErrCorrupt = errors.New("store: data file is corrupt")

// checkFile checks an existing data file, opened read-only, before it is
// opened for real. bbolt trusts its pages: a page past the end of a file
// cut short faults when read, and a corrupt page makes bbolt panic, in one
// case (rebuilding the freelist of a file that has none stored) in a
// goroutine of its own that no caller can recover. So, in a goroutine that
// turns memory faults and panics into errors:
//
//   - the file must hold every page its meta page counts (not cut short);
//   - the fixed buckets and each tenant's top level must be readable;
//   - a file without a stored freelist (written by an older stsim) is read
//     completely, every bucket, key and value, then checked by bbolt, since
//     opening it walks every page anyway.
//
// Deeper pages of a file with a freelist are not read at open (that took
// seconds for 100k customers): a corrupt one fails the request that reads
// it (see guardFaults). A failing file is refused with an error naming it
// (wrapping ErrCorrupt).
func checkFile(path string, timeout time.Duration) error {
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil // a new file: nothing to check
	}
	if err != nil {
		return fmt.Errorf("store: open %q: %w", path, err)
	}
	return checkFileDepth(path, info.Size(), timeout, false)
}

// CheckBoltFile reads all of the bbolt data file at path, every bucket, key
// and value, then runs bbolt's own consistency check, and returns the
// first problem found (wrapping ErrCorrupt). OpenBolt reads only the top
// levels of a file that stores a freelist; this is the whole check, for
// tests and tools. The file must not be open elsewhere.
func CheckBoltFile(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	return checkFileDepth(path, info.Size(), time.Second, true)
}

// checkFileDepth checks the existing file at path, size bytes long, as
// checkFile does; full reads the whole file in any case.
func checkFileDepth(path string, size int64, timeout time.Duration, full bool) error {
	synced, err := freelistStored(path)
	if err != nil {
		return corruptFile(path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: true})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return fmt.Errorf("store: data file %q is in use by another stsim process (bbolt lock timeout after %s): %w", path, timeout, ErrInUse)
		}
		return corruptFile(path, fmt.Errorf("cannot be opened: %v", err))
	}
	defer db.Close()
	check := checkTop
	if full || !synced {
		check = checkDB
	}
	done := make(chan error, 1)
	go func() { done <- readSafely(db, size, check) }()
	if err := <-done; err != nil {
		return corruptFile(path, err)
	}
	return nil
}

func corruptFile(path string, err error) error {
	return fmt.Errorf("%w: %q: %v (restore it from a backup, or delete it to start empty)", ErrCorrupt, path, err)
}

// readSafely runs check in a read transaction after checking that the file
// (size bytes) holds all its pages; it must run on a goroutine of its own
// (it sets panic-on-fault).
func readSafely(db *bolt.DB, size int64, check func(tx *bolt.Tx) error) (err error) {
	debug.SetPanicOnFault(true)
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("reading it failed: %v", v)
		}
	}()
	return db.View(func(tx *bolt.Tx) error {
		if tx.Size() > size {
			return fmt.Errorf("it is cut short: %d bytes, its pages need %d", size, tx.Size())
		}
		return check(tx)
	})
}

// checkTop reads the fixed buckets and, for each tenant and each tenant's
// snapshots, the names of its buckets.
func checkTop(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketMeta, bucketTenants, bucketSnapshots} {
		if b := tx.Bucket(name); b != nil {
			if err := b.ForEach(func(k, v []byte) error {
				if v != nil {
					return nil
				}
				if child := b.Bucket(k); child != nil {
					return child.ForEachBucket(func([]byte) error { return nil })
				}
				return nil
			}); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkDB walks every bucket, key and value, then runs bbolt's own check.
func checkDB(tx *bolt.Tx) error {
	var touched byte
	defer func() { checkSink.Store(uint32(touched)) }()
	var walk func(b *bolt.Bucket) error
	walk = func(b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				if child := b.Bucket(k); child != nil {
					return walk(child)
				}
				return nil
			}
			if len(v) > 0 {
				touched += v[0] ^ v[len(v)-1] // read the value's first and last page
			}
			return nil
		})
	}
	if err := tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return walk(b) }); err != nil {
		return err
	}
	var err error
	for cerr := range tx.Check() {
		if err == nil {
			err = cerr
		}
	}
	return err
}

// checkSink keeps checkDB's value reads from being optimised away.
var checkSink atomic.Uint32

// bbolt's file format (stable since bbolt 1.3): pages 0 and 1 are meta
// pages; after a 16-byte page header, a meta page holds magic (uint32),
// version, page size, flags (uint32 each), the root bucket (two uint64s),
// the freelist's page (uint64; all ones when none is stored), ...
const (
	boltMagic          = 0xED0CDAED
	boltMetaMagic      = 16
	boltMetaPageSize   = 24
	boltMetaFreelist   = 48
	boltMetaEnd        = 80
	boltNoFreelistPage = ^uint64(0)
)

// freelistStored reports whether both meta pages of the bbolt file at path
// point to a stored freelist. A meta page that is not one (torn, or the
// file is no bbolt file) counts as "no": the whole file is checked then.
func freelistStored(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	buf := make([]byte, boltMetaEnd)
	stored := true
	var pageSize int64
	for i := range 2 {
		if _, err := f.ReadAt(buf, int64(i)*pageSize); err != nil {
			if errors.Is(err, io.EOF) {
				return false, nil // too short: bbolt says what is wrong
			}
			return false, err
		}
		if binary.NativeEndian.Uint32(buf[boltMetaMagic:]) != boltMagic {
			return false, nil
		}
		if i == 0 {
			pageSize = int64(binary.NativeEndian.Uint32(buf[boltMetaPageSize:]))
		}
		stored = stored && binary.NativeEndian.Uint64(buf[boltMetaFreelist:]) != boltNoFreelistPage
	}
	return stored, nil
}
