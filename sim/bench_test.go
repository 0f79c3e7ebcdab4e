package sim_test

// Throughput benchmarks of the request pipeline, against the project's
// performance targets (2 cores, loopback):
//
//   - authenticated get-by-ID at >= 0.5x the throughput of a bare net/http
//     handler serving the same fixed JSON, measured in the same run;
//   - >= 1,500 tokens/s from POST /connect/token.
//
// Run:
//
//	go test -run x -bench GetByID -benchtime 3s ./sim/
//	go test -run x -bench TokenIssue -benchtime 2000x ./sim/
//	go test -run x -bench InProcess -benchtime 2s ./sim/
//
// BenchmarkGetByID reports req/s for each sub-benchmark. The ratio the target
// is about is
//
//	stsim req/s ÷ bare-net-http req/s
//
// taken from the same `go test` run (the machine's load changes between runs,
// so never divide numbers from different runs); stsim-validation-off ÷
// bare-net-http shows how much of the gap is request validation. With -count
// N, divide the medians of each sub-benchmark.
//
// The servers are built with sim.New directly, not simtest.Start: simtest
// forces strict response validation, which production does not run. The rate
// limit is off so the limiter does not refuse the load. The client runs in
// the same process on the same cores, so its cost (identical for every
// sub-benchmark) is part of every number; BenchmarkPipelineInProcess and
// BenchmarkBareInProcess take the network and the client away.
//
// On Linux the loopback benchmarks also report cpu-ns/op: the process's
// user+system CPU time (client, server and the kernel's loopback work) per
// request. Wall-clock req/s depends on how much of the machine the run gets;
// on a machine shared with other work, bare cpu-ns/op ÷ stsim cpu-ns/op is
// the steadier estimate of the throughput ratio on two dedicated cores.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/internal/cpuclock"
	"github.com/stsim/stsim/sim/oas"
)

const benchGetPath = "/crm/v2/tenant/1234567/customers/42"

// benchCustomerJSON is a fixed customer (about 600 bytes) that satisfies
// Crm.V2.Customers.CustomerResponse; benchServer checks that it does.
var benchCustomerJSON = []byte(`{"id":42,"active":true,"name":"Margaret Hollis-Vandermeer","type":"Residential",` +
	`"address":{"street":"1200 Lakeview Terrace","unit":"Suite 4B","city":"Austin","state":"TX","zip":"78701",` +
	`"country":"USA","latitude":30.2672,"longitude":-97.7431},` +
	`"customFields":[{"typeId":101,"name":"Preferred technician","value":"Ray Alvarez"},` +
	`{"typeId":102,"name":"Gate code","value":"4411"},{"typeId":103,"name":"Pets","value":"Two dogs, friendly"}],` +
	`"balance":125.5,"tagTypeIds":[7,12,31],"doNotMail":false,"doNotService":false,` +
	`"createdOn":"2025-03-14T16:02:11.123Z","createdById":5001,"modifiedOn":"2026-01-08T09:45:00.5Z",` +
	`"mergedToId":null,"externalData":[{"key":"crmRef","value":"HOL-000042"},{"key":"source","value":"web-booking"}]}`)

const benchContentType = "application/json; charset=utf-8"

// benchGetCustomer serves crm.Customers_Get as a real handler would, minus
// the store: parse the ID, write the customer.
func benchGetCustomer(c *gin.Context, call *api.Call) {
	if _, err := call.IDParam("id"); err != nil {
		call.Fail(c, err)
		return
	}
	c.Data(http.StatusOK, benchContentType, benchCustomerJSON)
}

// benchBare is the baseline: a plain net/http handler writing the same JSON.
var benchBare = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", benchContentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(benchCustomerJSON)
})

// benchServer builds a production-configured simulator (no strict responses,
// no rate limit) with the get-customer handler installed.
func benchServer(b *testing.B, validation string) *sim.Server {
	b.Helper()
	cfg := config.Defaults()
	cfg.StrictResponses = false
	cfg.RateLimit = 0      // unlimited
	cfg.TokenRateLimit = 0 // BenchmarkTokenIssue asks for thousands of tokens a second
	cfg.Validation = validation
	s, err := sim.New(sim.Options{Config: cfg, Handlers: api.Routes{"crm.Customers_Get": benchGetCustomer}})
	if err != nil {
		b.Fatalf("sim.New: %v", err)
	}
	b.Cleanup(func() { _ = s.Close() })
	if err := s.Ready(); err != nil {
		b.Fatalf("server not ready: %v", err)
	}
	// The fixed body must be a valid CustomerResponse, or the benchmark
	// would measure something production never sends.
	op, values, outcome := s.Spec().Match(http.MethodGet, benchGetPath)
	if outcome != oas.Matched || op.QualifiedID() != "crm.Customers_Get" {
		b.Fatalf("%s does not resolve to crm.Customers_Get (outcome %d)", benchGetPath, outcome)
	}
	h := http.Header{"Content-Type": {benchContentType}}
	req := httptest.NewRequest(http.MethodGet, benchGetPath, nil)
	if err := op.ValidateResponse(req, values, http.StatusOK, h, benchCustomerJSON); err != nil {
		b.Fatalf("benchmark body breaks the contract: %v", err)
	}
	return s
}

// benchClient returns a client that keeps enough idle connections for every
// RunParallel goroutine to reuse its own.
func benchClient(b *testing.B) *http.Client {
	tr := &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 64, DisableCompression: true}
	b.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

var benchTokenForm = url.Values{
	"grant_type":    {"client_credentials"},
	"client_id":     {fixture.DemoClientID},
	"client_secret": {fixture.DemoClientSecret},
}

// benchGet drives handler over loopback with parallel get-by-ID calls
// carrying token and the demo app key. The bare handler ignores them, but is
// sent the same bytes: a real token is about 1 KB, and writing and parsing
// that header is part of what every call costs.
func benchGet(b *testing.B, handler http.Handler, token string) {
	hs := httptest.NewServer(handler)
	b.Cleanup(hs.Close)
	client := benchClient(b)
	target := hs.URL + benchGetPath
	authz := "Bearer " + token

	b.ReportAllocs()
	b.SetParallelism(4) // 4×GOMAXPROCS clients keep both cores busy
	cpu := cpuclock.Start()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, err := http.NewRequest(http.MethodGet, target, nil)
			if err != nil {
				b.Error(err)
				return
			}
			req.Header.Set("Authorization", authz)
			req.Header.Set("ST-App-Key", fixture.DemoAppKey)
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			// b.Fatal may only be called from the benchmark's goroutine;
			// Error + return fails the benchmark just the same.
			if resp.StatusCode != http.StatusOK {
				b.Errorf("GET %s: status %d, want 200", benchGetPath, resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	cpu.Report(b)
}

// BenchmarkGetByID compares authenticated, validated get-by-ID through stsim
// with a bare net/http handler serving the same bytes. See the file comment
// for how to read the ratio.
func BenchmarkGetByID(b *testing.B) {
	b.Run("bare-net-http", func(b *testing.B) {
		// A throwaway simulator mints a real token, so the requests match.
		token := benchTokenInProcess(b, benchServer(b, config.ValidationEnforce).Handler())
		benchGet(b, benchBare, token)
	})
	for _, mode := range []struct{ name, validation string }{
		{"stsim", config.ValidationEnforce},
		{"stsim-validation-off", config.ValidationOff},
	} {
		b.Run(mode.name, func(b *testing.B) {
			h := benchServer(b, mode.validation).Handler()
			benchGet(b, h, benchTokenInProcess(b, h))
		})
	}
}

// BenchmarkTokenIssue measures POST /connect/token over loopback: form
// parsing, secret check and an RS256 signature per token.
//
//	go test -run x -bench TokenIssue -benchtime 2000x ./sim/
func BenchmarkTokenIssue(b *testing.B) {
	s := benchServer(b, config.ValidationEnforce)
	hs := httptest.NewServer(s.Handler())
	b.Cleanup(hs.Close)
	client := benchClient(b)
	target := hs.URL + "/connect/token"
	form := benchTokenForm.Encode()

	b.ReportAllocs()
	b.SetParallelism(4)
	cpu := cpuclock.Start()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Post(target, "application/x-www-form-urlencoded", strings.NewReader(form))
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("POST /connect/token: status %d, want 200", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
	cpu.Report(b)
}

// BenchmarkPipelineInProcess is stsim's get-by-ID without the network or a
// client: handler.ServeHTTP into a recorder, serially. It isolates the
// pipeline's own cost (routing, trace ID, access log, authentication, rate
// limiter, request validation, handler) per request. Profile it with
//
//	go test -run x -bench PipelineInProcess -cpuprofile /tmp/cpu.out ./sim/
//	go tool pprof -top -nodecount 30 sim.test /tmp/cpu.out
func BenchmarkPipelineInProcess(b *testing.B) {
	s := benchServer(b, config.ValidationEnforce)
	h := s.Handler()
	token := benchTokenInProcess(b, h)
	req := httptest.NewRequest(http.MethodGet, benchGetPath, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("ST-App-Key", fixture.DemoAppKey)
	benchServeInProcess(b, h, req)
}

// BenchmarkBareInProcess is the bare handler under the same harness as
// BenchmarkPipelineInProcess: the floor the recorder itself costs.
func BenchmarkBareInProcess(b *testing.B) {
	token := benchTokenInProcess(b, benchServer(b, config.ValidationEnforce).Handler())
	req := httptest.NewRequest(http.MethodGet, benchGetPath, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("ST-App-Key", fixture.DemoAppKey)
	benchServeInProcess(b, benchBare, req)
}

func benchServeInProcess(b *testing.B, h http.Handler, req *http.Request) {
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d, want 200: %s", rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// benchTokenInProcess fetches a demo token through h without a network.
func benchTokenInProcess(b *testing.B, h http.Handler) string {
	b.Helper()
	req := httptest.NewRequest(http.MethodPost, "/connect/token", strings.NewReader(benchTokenForm.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("token: status %d: %s", rec.Code, rec.Body)
	}
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(bytes.NewReader(rec.Body.Bytes())).Decode(&body); err != nil || body.AccessToken == "" {
		b.Fatalf("token: bad body (%v)", err)
	}
	return body.AccessToken
}
