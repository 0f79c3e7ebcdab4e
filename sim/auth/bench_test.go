package auth

// Per-call costs of authentication, and the RSA cost behind the token
// endpoint's throughput:
//
//	go test -run '^$' -bench . ./sim/auth/
//
// BenchmarkSignRS256 is one RS256-2048 signature: the floor of every
// POST /connect/token (tokens/s on one core ≈ 1e9 / its ns/op).

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stsim/stsim/sim/internal/cpuclock"
)

// BenchmarkAuthenticate is what every API call pays: bearer token (verified
// once, then from the cache), app key, tenant and scope checks.
func BenchmarkAuthenticate(b *testing.B) {
	s, _ := newFuzzService(b)
	raw := issueFuzzToken(b, s)
	req := httptest.NewRequest(http.MethodGet, "http://test/crm/v2/tenant/1234567/customers", nil)
	req.Header.Set("Authorization", "Bearer "+raw)
	req.Header.Set(AppKeyHeader, fuzzAppKey)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Authenticate(req, fuzzTenant, fuzzScope); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyUncached is a token's first verification: JWT parsing and
// an RSA signature check.
func BenchmarkVerifyUncached(b *testing.B) {
	s, _ := newFuzzService(b)
	raw := issueFuzzToken(b, s)
	tokens := s.Env("").Tokens
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tokens.parse(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignRS256 is one PKCS #1 v1.5 SHA-256 signature with the
// 2048-bit signing key. cpu-ns/op is the process's CPU time per signature,
// the figure to quote on a shared machine (-benchtime 2s or more).
func BenchmarkSignRS256(b *testing.B) {
	key := testSigningKey(b).Private
	digest := sha256.Sum256([]byte("header.payload"))
	cpu := cpuclock.Start()
	for b.Loop() {
		if _, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:]); err != nil {
			b.Fatal(err)
		}
	}
	cpu.Report(b)
}
