package resource

import "sync"

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
	entries map[int64]cached[T]
}

type cached[T any] struct {
	form *storedForm
	rec  *T // decoded from form.raw; its Meta.form is form
}

// storedForm is one stored form of a record that a read-only transaction
// met, with the response bodies encoded from the record decoded from it
// (see Wire). A write stores a new form, so bodies of the old one are
// never served again.
type storedForm struct {
	raw string // the stored bytes (a record's own decoder shares its strings)

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
// when shared (the caller only reads it), else a shallow copy.
func decodeCached[T any, P Record[T]](k *Kind[T], id int64, data []byte, shared bool) (P, error) {
	c := &k.cache
	c.mu.RLock()
	e, ok := c.entries[id]
	c.mu.RUnlock()
	if ok && e.form.raw == string(data) {
		if shared {
			return P(e.rec), nil
		}
		cp := *e.rec
		return P(&cp), nil
	}
	form := &storedForm{raw: string(data)}
	kept := P(new(T))
	if err := decode(data, form.raw, kept); err != nil {
		return nil, err
	}
	kept.meta().form = form
	c.mu.Lock()
	if c.entries == nil {
		c.entries = make(map[int64]cached[T])
	}
	if _, present := c.entries[id]; !present && len(c.entries) >= cacheSize {
		for victim := range c.entries { // map order is random: evict one at random
			delete(c.entries, victim)
			break
		}
	}
	c.entries[id] = cached[T]{form: form, rec: kept}
	c.mu.Unlock()
	if shared {
		return kept, nil
	}
	cp := *(*T)(kept)
	return &cp, nil
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
