package auth

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// manyScopes is a realistic app's scope list (ServiceTitan apps often hold
// dozens), which a cached token must not copy.
func manyScopes() []string {
	var out []string
	for i := range 40 {
		out = append(out, fmt.Sprintf("tn.module%02d.resource:r", i))
	}
	return out
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func TestTokenCacheCostsLittlePerToken(t *testing.T) {
	tokens, _ := newTestTokens(t)
	conn := Connection{ClientID: fuzzClientID, Tenant: fuzzTenant, Scopes: manyScopes()}
	const n = 150
	before := heapInUse()
	text := 0 // the tokens' own text, which the cache keys them by
	for range n {
		raw, _, err := tokens.Issue(conn, conn.Scopes, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		text += len(raw)
	}
	after := heapInUse()
	per := (int64(after) - int64(before)) / n
	t.Logf("%d bytes of heap per cached token of %d bytes (estimate %d)", per, text/n, tokens.CacheBytes()/n)
	if limit := int64(1024 + text/n); per > limit {
		t.Fatalf("a cached token costs %d bytes of heap, want <= 1024 + its text = %d", per, limit)
	}
	runtime.KeepAlive(tokens)
}

func TestTokenCacheStaysWithinItsBytes(t *testing.T) {
	tokens, _ := newTestTokens(t)
	tokens.cacheMax = 10_000
	conn := Connection{ClientID: fuzzClientID, Tenant: fuzzTenant, Scopes: fuzzScopes}
	var raws []string
	for range 150 {
		raw, _, err := tokens.Issue(conn, conn.Scopes, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, raw)
		if b := tokens.CacheBytes(); b > tokens.cacheMax {
			t.Fatalf("cache holds %d bytes, over its %d", b, tokens.cacheMax)
		}
	}
	for _, raw := range raws { // evicted tokens still verify, once more each
		if _, err := tokens.Verify(raw); err != nil {
			t.Fatal(err)
		}
	}
}
