package auth

import (
	"errors"
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

// TestVerifyForJudgesTheCallersReading: a token of the call's tenant is
// judged at the reading the caller gives, any other token on its own
// tenant's clock.
func TestVerifyForJudgesTheCallersReading(t *testing.T) {
	tokens, _ := newTestTokens(t)
	conn := Connection{ClientID: fuzzClientID, Tenant: fuzzTenant, Scopes: fuzzScopes}
	raw, _, err := tokens.Issue(conn, conn.Scopes, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.VerifyFor(raw, fuzzTenant, fuzzStart.Add(10*time.Minute-time.Second)); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
	if _, err := tokens.VerifyFor(raw, fuzzTenant, fuzzStart.Add(10*time.Minute)); !errors.Is(err, ErrTokenExpired) {
		t.Errorf("at expiry: err = %v, want %v", err, ErrTokenExpired)
	}
	if _, err := tokens.VerifyFor(raw, fuzzTenant, fuzzStart.Add(-time.Minute)); !errors.Is(err, ErrTokenNotYet) {
		t.Errorf("before nbf: err = %v, want %v", err, ErrTokenNotYet)
	}
	// Another tenant's reading says nothing about this token: its own
	// tenant's clock (still at fuzzStart) judges it.
	if _, err := tokens.VerifyFor(raw, fuzzTenant+1, fuzzStart.Add(time.Hour)); err != nil {
		t.Errorf("with another tenant's reading: %v", err)
	}
	if _, err := tokens.VerifyFor(raw, fuzzTenant, time.Time{}); err != nil {
		t.Errorf("without a reading: %v", err)
	}
}
