// Package resource turns the store's ordered buckets into ServiceTitan
// records, once for every module: ID allocation, createdOn/modifiedOn stamps,
// secondary indexes, the per-tenant change log that export feeds read, paged
// and filtered lists, and export feeds. A module declares a Kind (its bucket,
// label, indexes and sortable fields); the code here does the rest.
//
// Layout inside a tenant (bucket names; keys big-endian so they sort):
//
//	r/<kind>            id -> JSON record
//	i/<kind>/<index>    value \x00 id -> ""        (one entry per index value)
//	c/<kind>            change seq -> id           (one entry per record: its last change)
//	sequences "id" (IDs, shared by every kind of the tenant) and "change"
package resource

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
	"github.com/stsim/stsim/sim/store"
)

// Meta is what every record carries. Modules embed it in their record types.
type Meta struct {
	ID         int64 `json:"id"`
	CreatedOn  Time  `json:"createdOn"`
	ModifiedOn Time  `json:"modifiedOn"`
	Active     bool  `json:"active"`
	// Deleted records are gone for gets and lists but stay in export feeds,
	// which report deletions (contract §6).
	Deleted bool   `json:"deleted,omitempty"`
	Seq     uint64 `json:"seq"` // change sequence of the last write

	// form is the stored form a read-only transaction decoded the record
	// from (nil otherwise): Wire caches response bodies there.
	form *storedForm
}

func (m *Meta) meta() *Meta { return m }

// Record is a pointer to a module's record type that embeds Meta.
type Record[T any] interface {
	*T
	meta() *Meta
}

// Kind declares one resource collection.
type Kind[T any] struct {
	Name    string     // bucket name, e.g. "crm.customers"
	Label   string     // for messages, e.g. "Customer"
	Indexes []Index[T] // secondary indexes for selective filters
	// OnWrite, when set, is called after every write of a record of the
	// kind, inside the writing transaction, with the record as it was (nil
	// for a new one) and as it is now (Deleted for a deletion): how a
	// module keeps data derived from its records in step with them (see
	// package schedule). An error undoes the write.
	OnWrite func(tx *Tx, old, rec *T) error

	cache   decodedCache[T] // records read-only transactions decoded
	buckets kindBuckets     // bucket names, made once
}

// kindBuckets are a kind's bucket names, made on first use instead of on
// every read and write.
type kindBuckets struct {
	once             sync.Once
	records, changes string
	indexes          []string // in Kind.Indexes order
}

// indexBucket returns the bucket of the kind's index by name.
func (k *Kind[T]) indexBucket(index string) string {
	for i, ix := range k.Indexes {
		if ix.Name == index {
			return k.bucketNames().indexes[i]
		}
	}
	return indexBucket(k.Name, index)
}

// bucketNames returns the kind's bucket names.
func (k *Kind[T]) bucketNames() *kindBuckets {
	b := &k.buckets
	b.once.Do(func() {
		b.records, b.changes = recordsBucket(k.Name), changesBucket(k.Name)
		for _, ix := range k.Indexes {
			b.indexes = append(b.indexes, indexBucket(k.Name, ix.Name))
		}
	})
	return b
}

// Index maps a record to the values it is found under. Values must be
// normalized the way lookups normalize them (e.g. lower case, digits only).
type Index[T any] struct {
	Name string
	Keys func(*T) []string
}

func recordsBucket(kind string) string      { return "r/" + kind }
func changesBucket(kind string) string      { return "c/" + kind }
func indexBucket(kind, index string) string { return "i/" + kind + "/" + index }

// indexKey appends an index entry's key to dst.
func indexKey(dst []byte, value string, id int64) []byte {
	return store.AppendInt64Key(append(append(dst, value...), 0), id)
}

// Tx is a store transaction with the simulator time of the call.
type Tx struct {
	store.Tx
	Now time.Time
	// readOnly is set by View: records it reads may come from the kind's
	// decoded cache (callers only read them).
	readOnly bool
	// Shared, set in a View by code that only reads what it gets (the
	// generic get, list and export handlers, which render records),
	// hands out records as the kind's cache keeps them instead of copies:
	// nothing may change them.
	Shared bool

	reserved map[int64]bool // IDs NewID skips (see Reserve)
	lastID   int64          // the last ID NewID gave while IDs were reserved

	// keys is scratch space for the keys of one store call at a time: the
	// store copies or only reads keys during the call (store's package
	// documentation), so a write need not allocate each key. It starts in
	// keyBuf, so a transaction that reads one record (a get by ID)
	// allocates no key at all.
	keys   []byte
	keyBuf [32]byte
	// value is scratch space for the stored form of one record at a time
	// (storedValue), for the same reason.
	value bytes.Buffer
	// appended is the same for records that append their own stored form.
	appended []byte
	// locals is what other packages keep for the transaction (Local).
	locals map[any]any
	// onGeneralCodec sees records the general codec writes or reads
	// (OnGeneralCodec).
	onGeneralCodec func(reflect.Type)
}

// Local returns what a package keeps in tx under key, nil if nothing: state
// that lasts one transaction, such as work a run of writes leaves to its
// end. key should be a value of the package's own unexported type.
func (tx *Tx) Local(key any) any { return tx.locals[key] }

// SetLocal keeps v in tx under key (v nil: forgets it).
func (tx *Tx) SetLocal(key, v any) {
	if v == nil {
		delete(tx.locals, key)
		return
	}
	if tx.locals == nil {
		tx.locals = map[any]any{}
	}
	tx.locals[key] = v
}

// storedValue encodes rec as it is stored, into the tx's scratch buffer:
// valid until the next call, which is enough for a store Put (it copies
// the value). The seed writes ~2,000 records, and Marshal's own copy of
// each was 15% of the bytes it allocated. A record that is a
// StoredAppender writes itself, unless it declines.
func (tx *Tx) storedValue(rec any) ([]byte, error) {
	if a, ok := rec.(StoredAppender); ok {
		if b, ok := a.AppendStored(tx.appended[:0]); ok {
			tx.appended = b
			return b, nil
		}
	}
	if tx.onGeneralCodec != nil {
		tx.onGeneralCodec(reflect.TypeOf(rec))
	}
	tx.value.Reset()
	if err := jsonv2.MarshalWrite(&tx.value, rec, storedOptions); err != nil {
		return nil, err
	}
	return tx.value.Bytes(), nil
}

// ErrNotFound is what a *NotFoundError is, for errors.Is.
var ErrNotFound = errors.New("resource: not found")

// NotFoundError says which record is missing (or deleted). The data layer
// knows nothing of HTTP: the API layer answers it as a 404 naming the record.
type NotFoundError struct {
	Label string // the kind's label, e.g. "Customer"
	ID    int64
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s with id %d was not found", e.Label, e.ID)
}
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// Get loads a live record; a missing or deleted one is a 404 naming it.
func Get[T any, P Record[T]](tx *Tx, k *Kind[T], id int64) (P, error) {
	return get[T, P](tx, k, id, false)
}

// Ref loads a live record to read, not to change, in any transaction: the
// record a reference names (does the customer exist, is the business unit
// active). It is a shallow copy of the kind's decoded cache entry, so the
// caller must not change anything it points to. In a write transaction it
// saves decoding records that Get would decode afresh.
func Ref[T any, P Record[T]](tx *Tx, k *Kind[T], id int64) (P, error) {
	return get[T, P](tx, k, id, true)
}

// get loads a live record; ref as for Ref.
func get[T any, P Record[T]](tx *Tx, k *Kind[T], id int64, ref bool) (P, error) {
	var rec P
	data, keep, err := stored(tx, k, id)
	if err == nil {
		if ref {
			rec, err = decodeCached[T, P](k, id, data, keep, false) // a shallow copy
		} else {
			rec, err = decodeRecord[T, P](tx, k, id, data, keep, tx.Shared)
		}
		err = decodeError(k, id, err)
	}
	if err != nil {
		return nil, err
	}
	if P(rec).meta().Deleted {
		return nil, notFound(k, id)
	}
	return rec, nil
}

func notFound[T any](k *Kind[T], id int64) error { return &NotFoundError{Label: k.Label, ID: id} }

// load reads a record whether or not it is deleted; shared as for
// decodeRecord.
func load[T any, P Record[T]](tx *Tx, k *Kind[T], id int64, shared bool) (P, error) {
	data, keep, err := stored(tx, k, id)
	if err != nil {
		return nil, err
	}
	rec, err := decodeRecord[T, P](tx, k, id, data, keep, shared)
	return rec, decodeError(k, id, err)
}

// stored reads a record's stored bytes; a missing record is a
// *NotFoundError. In a read-only transaction they may be the store's own
// (store.SharedReader: see Tx.sharedValues), which callers only decode or
// compare; keep says they are and have an allocation of their own, so
// decodeCached keeps them without a copy.
func stored[T any](tx *Tx, k *Kind[T], id int64) (data []byte, keep bool, err error) {
	bucket := k.bucketNames().records
	tx.keys = store.AppendInt64Key(tx.keys[:0], id)
	if s := tx.sharedValues(); s != nil {
		data, keep, err = s.GetShared(bucket, tx.keys)
	} else {
		data, err = tx.Get(bucket, tx.keys)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, notFound(k, id)
	}
	return data, keep, err
}

// sharedValues is the store's transaction when a read-only transaction
// reads the store's own bytes (store.SharedReader), nil otherwise.
func (tx *Tx) sharedValues() store.SharedReader {
	if s, ok := tx.Tx.(store.SharedReader); ok && tx.readOnly {
		return s
	}
	return nil
}

// decodeError names the record whose stored bytes did not decode.
func decodeError[T any](k *Kind[T], id int64, err error) error {
	if err != nil {
		return fmt.Errorf("resource: decoding %s %d: %w", k.Name, id, err)
	}
	return nil
}

// decodeRecord decodes a stored record: through the kind's cache in a
// read-only transaction, afresh (the caller may change it) otherwise. A
// shared record from the cache is the cached record itself, which the
// caller must only read (a list's filters do) and copy with ownRecord to
// keep; otherwise it is the caller's shallow copy. keep as for
// decodeCached.
func decodeRecord[T any, P Record[T]](tx *Tx, k *Kind[T], id int64, data []byte, keep, shared bool) (P, error) {
	if tx.readOnly {
		return decodeCached[T, P](k, id, data, keep, shared)
	}
	rec := P(new(T))
	if tx.onGeneralCodec != nil {
		if _, own := any(rec).(StoredDecoder); !own {
			tx.onGeneralCodec(reflect.TypeOf(rec))
		}
	}
	return rec, decode(data, "", rec)
}

// ownRecord makes a record decodeRecord shared the caller's own (a shallow
// copy, as unshared records from the cache are).
func ownRecord[T any, P Record[T]](tx *Tx, rec P) P {
	if !tx.readOnly || tx.Shared {
		return rec // decoded afresh (already the caller's), or shared by request
	}
	cp := *(*T)(rec)
	return &cp
}

// decode and encode are the one place records meet their stored form: the
// record's JSON without the members whose value is the zero value of their
// type (null pointers, false, 0, "", zero times and structs). Records are
// always decoded into a fresh zero value, so an absent member reads back
// exactly as the zero it stood for, while 100k customers with a location
// and a contact keep ~25% fewer bytes. Both go through go-json-experiment
// (already in the module graph), writing with encoding/json's behaviour
// (storedOptions) and reading with options that read the same: it has the
// omit-zero option for every field at once, which encoding/json lacks, and
// decodes a customer about 3x faster (1 allocation instead of 16: short
// strings are interned), which every list of records the decoded cache
// does not hold pays.
//
// A record type that reads its own stored form (StoredDecoder) is read
// that way first; text, when not empty, is data as a string the caller
// keeps anyway (a cache entry's raw: a copy, or the store's own bytes),
// which the record's strings then share instead of taking a copy of their
// own.
func decode[T any, P Record[T]](data []byte, text string, rec P) error {
	if d, ok := any(rec).(StoredDecoder); ok {
		if text == "" {
			text = string(data)
		}
		if decodeStored(text, d) {
			return nil
		}
		*rec = *new(T) // what the reader read before it gave up
	}
	return jsonv2.Unmarshal(data, rec, readOptions)
}

func encode(rec any) ([]byte, error) { return jsonv2.Marshal(rec, storedOptions) }

// StoredAppender is a record type that writes its own stored form: the
// kinds a tenant's seed writes most (encoding contacts, locations and
// customers through reflection was ~22% of the seed's CPU), with package
// storedjson. AppendStored appends
// to b exactly the bytes MarshalStored writes for the record, or reports
// false (what it appended is then dropped) for a record holding a value it
// leaves to MarshalStored.
type StoredAppender interface {
	AppendStored(b []byte) ([]byte, bool)
}

// OnGeneralCodec has fn (nil: nothing) told, from now on, the type of each
// record a read-write transaction writes through the general encoder or
// reads without a StoredDecoder: how a test sees which record types a
// seed has go-json-experiment build codecs for.
func (tx *Tx) OnGeneralCodec(fn func(reflect.Type)) { tx.onGeneralCodec = fn }

// WarmEncoders has the general encoder build its codecs for recs' types
// and every struct type they hold, so that the first write of such a
// record does not: what the demo seed's fresh process does for each kind
// (fixture.Module's Writes, warmed beside the seed on a second core).
func WarmEncoders(recs ...any) {
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			if t.Kind() == reflect.Map {
				walk(t.Key())
			}
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		_, _ = jsonv2.Marshal(reflect.New(t).Interface(), storedOptions) // builds t's fields
		for i := range t.NumField() {
			walk(t.Field(i).Type)
		}
	}
	for _, rec := range recs {
		if rec != nil {
			walk(reflect.TypeOf(rec))
		}
	}
}

// MarshalStored encodes rec in its stored form through the general encoder,
// whether or not it is a StoredAppender: what appenders are tested against.
func MarshalStored(rec any) ([]byte, error) { return encode(rec) }

// storedOptions are encoding/json's behaviour plus omitting zero members.
var storedOptions = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsonv2.OmitZeroStructFields(true))

// readOptions decode stored records: go-json-experiment's own semantics,
// which read what storedOptions wrote exactly as encoding/json's would
// (TestReadOptionsReadAsEncodingJSON) about 15% faster (a list decodes
// every record its kind's cache does not hold): names match exactly, as
// the same struct tags wrote them, instead of also case-insensitively.
// Duplicate names and invalid UTF-8, which no stored record has, are
// still accepted as encoding/json accepts them.
var readOptions = jsonv2.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// Exists reports whether a live record exists.
func Exists[T any, P Record[T]](tx *Tx, k *Kind[T], id int64) (bool, error) {
	_, err := Ref[T, P](tx, k, id)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// NewID allocates the next ID of the tenant. IDs are shared by all kinds and
// never reused.
func NewID(tx *Tx) (int64, error) {
	for {
		n, err := tx.NextSequence("id")
		if err != nil || !tx.reserved[int64(n)] {
			if tx.reserved != nil {
				tx.lastID = int64(n)
			}
			return int64(n), err
		}
	}
}

// Create stores a new record, allocating its ID unless one is set and
// stamping createdOn and modifiedOn.
func Create[T any, P Record[T]](tx *Tx, k *Kind[T], rec P) error {
	m := rec.meta()
	if m.ID == 0 {
		id, err := NewID(tx)
		if err != nil {
			return err
		}
		m.ID = id
	}
	m.CreatedOn = Stamp(tx.Now)
	return write[T, P](tx, k, rec, nil)
}

// Save writes a changed record, stamping modifiedOn and moving it to the
// head of the change log.
func Save[T any, P Record[T]](tx *Tx, k *Kind[T], rec P) error {
	old, err := load[T, P](tx, k, rec.meta().ID, false)
	if err != nil {
		return err
	}
	return write[T, P](tx, k, rec, old)
}

// Deactivate marks the active ones of recs inactive and saves them.
func Deactivate[T any, P Record[T]](tx *Tx, k *Kind[T], recs []P) error {
	for _, rec := range recs {
		if m := rec.meta(); m.Active {
			m.Active = false
			if err := Save[T, P](tx, k, rec); err != nil {
				return err
			}
		}
	}
	return nil
}

// Delete marks a record deleted (and inactive). Gets and lists no longer see
// it; export feeds report it.
func Delete[T any, P Record[T]](tx *Tx, k *Kind[T], rec P) error {
	m := rec.meta()
	m.Deleted, m.Active = true, false
	return Save[T, P](tx, k, rec)
}

func write[T any, P Record[T]](tx *Tx, k *Kind[T], rec, old P) error {
	m := rec.meta()
	m.ModifiedOn = Stamp(tx.Now)
	m.form = nil // a new stored form: bodies of the old one no longer apply
	seq, err := tx.NextSequence("change")
	if err != nil {
		return err
	}
	b := k.bucketNames()
	if old != nil {
		tx.keys = store.AppendUint64Key(tx.keys[:0], old.meta().Seq)
		if err := tx.Delete(b.changes, tx.keys); err != nil {
			return err
		}
	}
	m.Seq = seq
	data, err := tx.storedValue(rec)
	if err != nil {
		return err
	}
	tx.keys = store.AppendInt64Key(tx.keys[:0], m.ID)
	if err := tx.Put(b.records, tx.keys, data); err != nil {
		return err
	}
	tx.keys = store.AppendInt64Key(store.AppendUint64Key(tx.keys[:0], seq), m.ID) // the change's key, then its value
	if err := tx.Put(b.changes, tx.keys[:8], tx.keys[8:]); err != nil {
		return err
	}
	for i, ix := range k.Indexes {
		var oldKeys []string
		if old != nil && !old.meta().Deleted {
			oldKeys = ix.Keys((*T)(old))
		}
		var newKeys []string
		if !m.Deleted {
			newKeys = ix.Keys((*T)(rec))
		}
		if err := updateIndex(tx, b.indexes[i], m.ID, oldKeys, newKeys); err != nil {
			return err
		}
	}
	if k.OnWrite != nil {
		return k.OnWrite(tx, (*T)(old), (*T)(rec))
	}
	return nil
}

// updateIndex files a record under newKeys instead of oldKeys; entries
// under keys in both stay as they are.
func updateIndex(tx *Tx, bucket string, id int64, oldKeys, newKeys []string) error {
	for _, v := range oldKeys {
		if !slices.Contains(newKeys, v) {
			tx.keys = indexKey(tx.keys[:0], v, id)
			if err := tx.Delete(bucket, tx.keys); err != nil {
				return err
			}
		}
	}
	for _, v := range newKeys {
		if v == "" || slices.Contains(oldKeys, v) {
			continue
		}
		tx.keys = indexKey(tx.keys[:0], v, id)
		if err := tx.Put(bucket, tx.keys, nil); err != nil {
			return err
		}
	}
	return nil
}

// Lookup returns the IDs filed under an exact index value, ascending.
func Lookup[T any](tx *Tx, k *Kind[T], index, value string) ([]int64, error) {
	prefix := append([]byte(value), 0)
	var ids []int64
	err := tx.Scan(k.indexBucket(index), prefix, func(key, _ []byte) bool {
		if len(key) != len(prefix)+8 || string(key[:len(prefix)]) != string(prefix) {
			return false
		}
		id, err := store.ParseInt64Key(key[len(prefix):])
		if err == nil {
			ids = append(ids, id)
		}
		return true
	})
	return ids, err
}

// LookupAny returns the IDs filed under any of the index values, each once,
// ascending.
func LookupAny[T any](tx *Tx, k *Kind[T], index string, values ...string) ([]int64, error) {
	seen := map[int64]bool{}
	var ids []int64
	for _, v := range values {
		found, err := Lookup(tx, k, index, v)
		if err != nil {
			return nil, err
		}
		for _, id := range found {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// Update runs fn in a read-write transaction of one tenant at time now.
func Update(st store.Store, tenant int64, now time.Time, fn func(*Tx) error) error {
	return st.Update(tenant, func(stx store.Tx) error {
		tx := &Tx{}
		tx.reset(stx, now, false)
		return fn(tx)
	})
}

// View runs fn in a read-only transaction of one tenant at time now. As
// with the store's own transactions, fn must not keep tx: a View's Tx is
// recycled for a later View once fn returns, so a kept tx does not fail
// but reads whatever transaction, of whichever tenant, reuses it.
func View(st store.Store, tenant int64, now time.Time, fn func(*Tx) error) error {
	v := viewRuns.Get().(*viewRun)
	v.now, v.fn = now, fn
	err := st.View(tenant, v.run)
	v.now, v.fn, v.tx = time.Time{}, nil, Tx{} // keep nothing of this View
	viewRuns.Put(v)
	return err
}

// viewRun is one View's transaction and what it runs, recycled with run
// bound to it, so a View that reads one record (a get by ID) allocates
// neither its Tx nor a closure.
type viewRun struct {
	tx  Tx
	now time.Time
	fn  func(*Tx) error
	run func(store.Tx) error // v.runFn, bound once
}

var viewRuns = sync.Pool{New: func() any {
	v := &viewRun{}
	v.run = v.runFn
	return v
}}

func (v *viewRun) runFn(stx store.Tx) error {
	v.tx.reset(stx, v.now, true)
	return v.fn(&v.tx)
}

// reset makes tx a fresh wrapper of a store transaction.
func (tx *Tx) reset(stx store.Tx, now time.Time, readOnly bool) {
	*tx = Tx{Tx: stx, Now: now, readOnly: readOnly}
	tx.keys = tx.keyBuf[:0]
}

// IDKey formats an ID as an index value.
func IDKey(id int64) string { return strconv.FormatInt(id, 10) }

// Replay runs the kind's OnWrite for every live record in ID order, as if
// each were written anew (old nil): how data derived from the records is
// rebuilt for data written before it existed.
func Replay[T any, P Record[T]](tx *Tx, k *Kind[T]) error {
	if k.OnWrite == nil {
		return nil
	}
	var recs []P
	var failed error
	err := tx.Scan(recordsBucket(k.Name), nil, func(key, data []byte) bool {
		rec := P(new(T))
		if failed = decode(data, "", rec); failed != nil {
			failed = fmt.Errorf("resource: decoding %s %x: %w", k.Name, key, failed)
			return false
		}
		if !rec.meta().Deleted {
			recs = append(recs, rec)
		}
		return true
	})
	if err = errors.Join(err, failed); err != nil {
		return err
	}
	for _, rec := range recs {
		if err := k.OnWrite(tx, nil, (*T)(rec)); err != nil {
			return err
		}
	}
	return nil
}
