package resource

import (
	"sync"

	"github.com/stsim/stsim/sim/store"
)

// cacheSize bounds how many decoded records one kind keeps.
const cacheSize = 4096

// decodedCache keeps records that read-only transactions decoded, so a list
// or get that meets the same stored bytes again skips JSON decoding (which
// was most of a list's cost). An entry is only used when the stored bytes
// are equal to the bytes it was decoded from, so a changed, deleted,
// restored or other tenant's record can never be served from it: the cache
// needs no invalidation and is correct for any store. Hits hand out a
// shallow copy, so a caller that sets a field does not change the entry;
// callers in read-only transactions must not write through a record's
// slices, maps or pointers.
type decodedCache[T any] struct {
	mu      sync.RWMutex
	entries map[int64]*cached[T]
}

// cached is one entry: a record and the stored form it was decoded from,
// in one allocation.
type cached[T any] struct {
	form storedForm
	rec  T // decoded from form.raw; its Meta.form is &form
}

// storedForm is one stored form of a record that a read-only transaction
// met, with the response bodies encoded from the record decoded from it
// (see Wire). A write stores a new form, so bodies of the old one are
// never served again.
type storedForm struct {
	// raw is the stored bytes: the store's own when they never change and
	// have an allocation of their own (store.SharedString), so the same
	// stored value is known again by its address without reading it, else
	// a copy (an entry never keeps a chunk of the memory store alive, see
	// decodeCached). A record's own decoder (StoredDecoder) points its
	// strings into it.
	raw string

	mu     sync.Mutex
	bodies []encodedBody // at most bodiesPerRecord, oldest first
}

// encodedBody is a response body of a record and the key it was made for.
type encodedBody struct {
	key  string
	body []byte
}

// bodiesPerRecord bounds how many response bodies (renders times request
// variants) one stored form keeps.
const bodiesPerRecord = 3

// decodeCached returns the record stored as data, from the cache when the
// kind has decoded the same bytes for id before: the cached record itself
// when shared (the caller only reads it), else a shallow copy. keep says
// data is the store's own bytes, which never change (see Tx.sharedValues),
// in an allocation of their own (store.SharedReader's alone): the entry
// keeps them instead of a copy. Bytes the memory store carved from a
// chunk shared with other pairs (a large Update's, such as a seed's) are
// copied: kept, they would keep the whole chunk (16 KB) alive after the
// record is replaced or deleted or its tenant dropped, up to 4096 chunks
// per kind; copied, an entry keeps no more than its record's bytes.
func decodeCached[T any, P Record[T]](k *Kind[T], id int64, data []byte, keep, shared bool) (P, error) {
	c := &k.cache
	c.mu.RLock()
	e := c.entries[id]
	c.mu.RUnlock()
	if e == nil || e.form.raw != string(data) { // equal addresses compare without reading the bytes
		e = &cached[T]{}
		if keep {
			e.form.raw = store.SharedString(data)
		} else {
			e.form.raw = string(data)
		}
		if err := decode(data, e.form.raw, P(&e.rec)); err != nil {
			return nil, err
		}
		P(&e.rec).meta().form = &e.form
		c.put(id, e)
	}
	if shared {
		return P(&e.rec), nil
	}
	cp := e.rec
	return &cp, nil
}

// put keeps e as id's entry, evicting one at random when the cache is full.
func (c *decodedCache[T]) put(id int64, e *cached[T]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[int64]*cached[T])
	}
	if _, present := c.entries[id]; !present && len(c.entries) >= cacheSize {
		for victim := range c.entries { // map order is random: evict one at random
			delete(c.entries, victim)
			break
		}
	}
	c.entries[id] = e
}

// Wire returns rec's response body for key, which must name the render and
// everything of the request it reads. The body is encoded once per stored
// form of the record (the cache of a kind's decoded records keeps it, so it
// is bounded with them) and handed out shared: callers must not change it.
// rec must be as a read-only transaction read it; any other record (one
// read for update, or changed since) is encoded afresh every time.
func Wire[T any, P Record[T]](rec P, key string, encode func(P) ([]byte, error)) ([]byte, error) {
	f := rec.meta().form
	if f == nil {
		return encode(rec)
	}
	f.mu.Lock()
	for _, b := range f.bodies {
		if b.key == key {
			f.mu.Unlock()
			return b.body, nil
		}
	}
	f.mu.Unlock()
	body, err := encode(rec)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	if len(f.bodies) >= bodiesPerRecord {
		f.bodies = append(f.bodies[:0], f.bodies[1:]...)
	}
	f.bodies = append(f.bodies, encodedBody{key: key, body: body})
	f.mu.Unlock()
	return body, nil
}
