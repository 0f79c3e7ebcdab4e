// Package store is stsim's storage engine: a narrow, transactional, ordered
// key-value interface with two interchangeable implementations, an in-memory
// one (OpenMemory, built on copy-on-write B-trees) and a durable one
// (OpenBolt, built on bbolt).
//
// The model is deliberately generic. Data belongs to a tenant (an int64);
// tenants are fully isolated from one another and every transaction is bound
// to exactly one tenant. Inside a tenant, data lives in named buckets; a
// bucket is an ordered map from non-empty byte-string keys to byte-string
// values, sorted by bytes.Compare. Each tenant also owns named counters
// (NextSequence). Records, secondary indexes, change feeds and paging are
// built by higher layers on top of these primitives; this package knows
// nothing about customers, jobs or any other ServiceTitan entity.
//
// # Semantics shared by both backends
//
//   - Isolation: View sees a consistent snapshot of its tenant; Updates of one
//     tenant are serialized, Updates of different tenants are independent.
//   - Atomicity: if the function passed to Update returns an error (or
//     panics), none of its writes — including NextSequence increments — are
//     kept.
//   - Durability (bbolt only): once Update returns nil the write has been
//     committed and fsynced, and survives a crash or kill -9 of the process
//     (unless BoltOptions.NoSync is set).
//   - Copies: every []byte the package hands out (Get results, keys and
//     values passed to Scan callbacks) is a fresh copy owned by the caller. It
//     stays valid and unchanged after the transaction ends and may be
//     retained or modified. Likewise every []byte handed in (Put's key and
//     value, Scan's start) is copied or only read during the call, so the
//     caller may reuse its buffers as soon as the call returns.
//   - Scans and writes: a Scan callback running inside Update may Put and
//     Delete, also in the bucket being scanned. The scan then continues with
//     the first key after (ScanReverse: before) the last visited key in the
//     bucket's current state: keys inserted ahead of the scan position are
//     visited, keys deleted ahead of it are not.
//   - Sequences: NextSequence counters start at 1 and only grow. A number is
//     never handed out twice by committed Updates: deletes, restarts and
//     Restore never make a counter go back. A number obtained in an Update
//     that is rolled back is given back, i.e. it may be returned again by a
//     later Update — nothing that was committed can refer to it.
//     DropTenant is the exception: it forgets the tenant completely,
//     counters included, so a dropped tenant starts again at 1.
//
// A Tx is valid only during the function it was passed to and must not be
// used from other goroutines. The function must not call methods of the Store
// (that would deadlock).
package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unsafe"
)

// Limits shared by both backends (they are bbolt's limits, enforced by the
// memory backend too so that both behave alike).
const (
	// MaxKeySize is the maximum length of a key, a bucket name, a sequence
	// name and a snapshot name, in bytes.
	MaxKeySize = 32768
	// MaxValueSize is the maximum length of a value, in bytes.
	MaxValueSize = (1 << 31) - 2
)

// Errors. Errors returned by the package wrap one of these where applicable;
// test for them with errors.Is.
var (
	// ErrNotFound is returned by Tx.Get for an absent key (or absent
	// bucket) and by Store.Restore and Store.DeleteSnapshot for an absent
	// snapshot.
	ErrNotFound = errors.New("store: not found")
	// ErrReadOnly is returned by Put, Delete and NextSequence on a Tx
	// obtained from Store.View.
	ErrReadOnly = errors.New("store: read-only transaction")
	// ErrInUse is returned by OpenBolt when another process (or another
	// handle in this process) holds the data file open.
	ErrInUse = errors.New("store: data file in use")
	// ErrClosed is returned when the Store has been closed, or when a Tx is
	// used after the function it was passed to has returned.
	ErrClosed = errors.New("store: closed")
	// ErrInvalid is returned for invalid arguments: an empty key, bucket,
	// sequence or snapshot name, or one longer than MaxKeySize, or a value
	// longer than MaxValueSize.
	ErrInvalid = errors.New("store: invalid argument")
	// ErrSchema is returned by OpenBolt when the data file was written by an
	// incompatible (newer or unknown) version of the storage layout.
	ErrSchema = errors.New("store: unsupported data file schema")
)

// Store holds every tenant's data. Tenants are fully isolated: a Tx is bound
// to one tenant. All methods are safe for concurrent use.
type Store interface {
	// View runs fn in a read-only transaction on a consistent snapshot of
	// the tenant's data. Write methods of the Tx return ErrReadOnly. A
	// tenant that has no data looks empty. View returns fn's error.
	View(tenant int64, fn func(Tx) error) error

	// Update runs fn in a read-write transaction on the tenant's data.
	// Updates of one tenant are serialized. Updates of different tenants
	// run in parallel on the memory backend; bbolt has one writer per
	// file, so there they are grouped into shared commits instead. If fn returns nil the transaction commits
	// atomically and, on the bbolt backend, durably: when Update returns
	// nil the writes survive a crash. If fn returns an error or panics,
	// nothing it wrote is kept (NextSequence increments included) and
	// Update returns that error (or re-panics).
	//
	// fn may be called MORE THAN ONCE for a single Update (the bbolt
	// backend groups concurrent Updates into one commit and re-runs the
	// survivors when one of them fails). fn must therefore be a pure
	// function of the Tx: it must not have side effects outside the Tx
	// other than ones that are idempotent or that it resets on every call
	// (e.g. assigning a result variable captured from the caller is fine;
	// appending to one or sending on a channel is not).
	Update(tenant int64, fn func(Tx) error) error

	// Tenants lists, in ascending order, the tenants that currently hold
	// data: those for which an Update that called Put or NextSequence (or a
	// Restore) has committed, and that were not dropped since.
	Tenants() ([]int64, error)

	// DropTenant removes everything belonging to the tenant: its buckets,
	// its sequences and its snapshots. Dropping an unknown tenant is not an
	// error. The tenant id may be used again afterwards; it then starts
	// from scratch (sequences restart at 1).
	DropTenant(tenant int64) error

	// Snapshot saves a named copy of the tenant's current data (buckets
	// and sequences), replacing any earlier snapshot of that name. Later
	// writes to the tenant do not affect the snapshot. Snapshotting a
	// tenant without data saves an empty snapshot.
	Snapshot(tenant int64, name string) error

	// Restore replaces the tenant's buckets with those of the named
	// snapshot, which is kept and can be restored again. Sequences are not
	// rewound: each counter becomes the larger of its current and its
	// snapshotted value, so numbers issued after the snapshot are not
	// issued again. Returns ErrNotFound if there is no such snapshot.
	Restore(tenant int64, name string) error

	// DeleteSnapshot deletes the named snapshot of the tenant. Returns
	// ErrNotFound if there is no such snapshot.
	DeleteSnapshot(tenant int64, name string) error

	// Snapshots lists the names of the tenant's snapshots in ascending
	// order.
	Snapshots(tenant int64) ([]string, error)

	// Close releases the store. Transactions in progress are allowed to
	// finish; later calls return ErrClosed. Close is idempotent.
	Close() error
}

// SharedReader is implemented by the transactions of a store that can
// read without copying (the memory store). ScanShared is Scan and
// GetShared is Get, except that keys and values are the store's own
// bytes: the caller must only read them, and they stay valid and
// unchanged after the transaction. Readers that only look at a value
// (compare, decode) save a copy per pair they read.
//
// alone says the pair has an allocation of its own (every pair of a small
// Update): keeping its value keeps no more than the pair alive. Otherwise
// the pair shares a chunk with others (the memory store packs a large
// Update's pairs together), and keeping its value keeps the whole chunk
// alive after the pair is replaced or deleted: a reader that keeps values
// copies those.
type SharedReader interface {
	ScanShared(bucket string, start []byte, fn func(key, value []byte, alone bool) bool) error
	GetShared(bucket string, key []byte) (value []byte, alone bool, err error)
}

// SharedString returns bytes a SharedReader handed out as a string,
// without a copy: they never change, so the string may be kept (a decoded
// record's strings may point into it, and a cache that keeps it knows the
// same stored value again by its address), at the cost alone tells.
func SharedString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// Tx is a transaction bound to one tenant. It is valid only during the
// function it was passed to and must be used from that function's goroutine
// only. Every []byte it returns or passes to a callback is a copy owned by
// the caller (see the package documentation).
type Tx interface {
	// Get returns a copy of the value stored under key in bucket, or
	// ErrNotFound if the bucket or the key does not exist. On success the
	// returned slice is non-nil, even for an empty value.
	Get(bucket string, key []byte) ([]byte, error)

	// Put stores value under key in bucket, replacing any previous value.
	// The bucket is created on first use. key must be non-empty; a nil
	// value stores an empty value. Returns ErrReadOnly in a View.
	Put(bucket string, key, value []byte) error

	// Delete removes key from bucket. Deleting an absent key (or from an
	// absent bucket) is not an error. Returns ErrReadOnly in a View.
	Delete(bucket string, key []byte) error

	// Scan calls fn for each key >= start in ascending key order (start nil
	// or empty: from the first key) until fn returns false or the bucket
	// is exhausted. Scanning an absent bucket calls fn zero times. key and
	// value are copies owned by fn. Inside Update fn may write to the Tx,
	// see the package documentation.
	Scan(bucket string, start []byte, fn func(key, value []byte) bool) error

	// ScanReverse is Scan in descending order: it visits keys <= start
	// (start nil or empty: from the last key).
	ScanReverse(bucket string, start []byte, fn func(key, value []byte) bool) error

	// NextSequence increments the tenant's counter called name and returns
	// its new value: 1 on first use, then 2, 3, ... The counter is part
	// of the transaction: if the Update rolls back, so does the counter.
	// Returns ErrReadOnly in a View.
	NextSequence(name string) (uint64, error)

	// Count returns the number of keys in bucket (0 for an absent bucket),
	// including the tx's own uncommitted writes. Cost: O(1) on the memory
	// backend; on bbolt O(pages) in a View (about 0.5 ms per 100k keys) and
	// O(keys) in an Update.
	Count(bucket string) (int, error)
}

// Uint64Key encodes v as 8 big-endian bytes, so that keys sort like the
// numbers they encode.
func Uint64Key(v uint64) []byte { return AppendUint64Key(make([]byte, 0, 8), v) }

// AppendUint64Key appends the Uint64Key encoding of v to dst (useful for
// composite keys).
func AppendUint64Key(dst []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(dst, v) }

// ParseUint64Key decodes a key made by Uint64Key. It fails with ErrInvalid
// unless b is exactly 8 bytes long.
func ParseUint64Key(b []byte) (uint64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("%w: uint64 key must be 8 bytes, got %d", ErrInvalid, len(b))
	}
	return binary.BigEndian.Uint64(b), nil
}

// Int64Key encodes v as 8 big-endian bytes with the sign bit flipped, so that
// keys sort like the numbers they encode (negative numbers first).
func Int64Key(v int64) []byte { return AppendInt64Key(make([]byte, 0, 8), v) }

// AppendInt64Key appends the Int64Key encoding of v to dst.
func AppendInt64Key(dst []byte, v int64) []byte {
	return binary.BigEndian.AppendUint64(dst, uint64(v)^(1<<63))
}

// ParseInt64Key decodes a key made by Int64Key. It fails with ErrInvalid
// unless b is exactly 8 bytes long.
func ParseInt64Key(b []byte) (int64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("%w: int64 key must be 8 bytes, got %d", ErrInvalid, len(b))
	}
	return int64(binary.BigEndian.Uint64(b) ^ (1 << 63)), nil
}

// txState is the state both backends' transactions share: whether they
// may write and whether their function has returned.
type txState struct {
	writable bool // Update rather than View
	done     bool // fn has returned; the tx is unusable
}

func (t *txState) finish() { t.done = true }

// checkOpen fails when the tx is used after its function returned, or
// written when it is read-only.
func (t *txState) checkOpen(write bool) error {
	if t.done {
		return errTxClosed
	}
	if write && !t.writable {
		return ErrReadOnly
	}
	return nil
}

// check validates the common preconditions of every Tx method.
func (t *txState) check(write bool, bucket string) error {
	if err := t.checkOpen(write); err != nil {
		return err
	}
	return checkName("bucket", bucket)
}

// checkKeyed is check for the Tx methods that take a key: it validates the
// key too.
func (t *txState) checkKeyed(write bool, bucket string, key []byte) error {
	if err := t.check(write, bucket); err != nil {
		return err
	}
	return checkKey(key)
}

// checkName validates a bucket, sequence or snapshot name.
func checkName(kind, name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty %s name", ErrInvalid, kind)
	}
	if len(name) > MaxKeySize {
		return fmt.Errorf("%w: %s name longer than %d bytes", ErrInvalid, kind, MaxKeySize)
	}
	return nil
}

// checkKey validates a key.
func checkKey(key []byte) error {
	if len(key) == 0 {
		return fmt.Errorf("%w: empty key", ErrInvalid)
	}
	if len(key) > MaxKeySize {
		return fmt.Errorf("%w: key longer than %d bytes", ErrInvalid, MaxKeySize)
	}
	return nil
}

// checkValue validates a value.
func checkValue(value []byte) error {
	if int64(len(value)) > MaxValueSize {
		return fmt.Errorf("%w: value longer than %d bytes", ErrInvalid, MaxValueSize)
	}
	return nil
}

// clone returns a non-nil copy of b.
func clone(b []byte) []byte {
	out := make([]byte, len(b))
	copy(out, b)
	return out
}

// copyPair returns copies of k and v sharing one allocation. Capacities are
// clipped so that appending to one cannot overwrite the other.
func copyPair(k, v []byte) ([]byte, []byte) {
	buf := make([]byte, len(k)+len(v))
	n := copy(buf, k)
	copy(buf[n:], v)
	return buf[:n:n], buf[n:]
}

// errTxClosed is returned when a Tx is used after its function returned.
var errTxClosed = fmt.Errorf("%w: transaction used after its function returned", ErrClosed)
