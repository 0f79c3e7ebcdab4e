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
	for range n {
		if _, _, err := tokens.Issue(conn, conn.Scopes, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	after := heapInUse()
	per := (int64(after) - int64(before)) / n
	t.Logf("%d bytes of heap per cached token (estimate %d)", per, tokens.CacheBytes()/n)
	if per > 1024 {
		t.Fatalf("a cached token costs %d bytes of heap, want <= 1024", per)
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
