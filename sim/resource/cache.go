package resource

import (
	"bytes"
	"sync"
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
	entries map[int64]cached[T]
}

type cached[T any] struct {
	raw []byte // the stored form the record was decoded from (owned)
	rec *T
}

// decodeCached returns the record stored as data, from the cache when the
// kind has decoded the same bytes for id before.
func decodeCached[T any, P Record[T]](k *Kind[T], id int64, data []byte) (P, error) {
	c := &k.cache
	c.mu.RLock()
	e, ok := c.entries[id]
	c.mu.RUnlock()
	if ok && bytes.Equal(e.raw, data) {
		cp := *e.rec
		return P(&cp), nil
	}
	rec := P(new(T))
	if err := decode(data, rec); err != nil {
		return nil, err
	}
	kept := *(*T)(rec)
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
	c.entries[id] = cached[T]{raw: bytes.Clone(data), rec: &kept}
	c.mu.Unlock()
	return rec, nil
}
