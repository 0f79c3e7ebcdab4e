package sim_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stsim/stsim/sim"
	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/fixture"
)

// BenchmarkHandlersInProcess runs the real handlers on the demo tenant
// through the whole pipeline, serially, into a recorder: the per-request
// CPU of each workload of cmd/stsim-bench without the network. Profile one
// with
//
//	go test -run x -bench 'HandlersInProcess/list' -cpuprofile /tmp/cpu.out ./sim/
//	go tool pprof -top -nodecount 30 sim.test /tmp/cpu.out
func BenchmarkHandlersInProcess(b *testing.B) {
	cfg := config.Defaults()
	cfg.RateLimit = 0
	// As the binary runs by default: text access log at info (to nowhere).
	logger := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: cfg.LogLevel}))
	s, err := sim.New(sim.Options{Config: cfg, Logger: logger})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	if err := s.Ready(); err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	token := benchTokenInProcess(b, h)
	const base = "/crm/v2/tenant/1234567"
	create := []byte(`{"name":"Bench Customer","type":"Residential",` +
		`"address":{"street":"1 N State St","city":"Chicago","state":"IL","zip":"60602","country":"USA"},` +
		`"contacts":[{"type":"MobilePhone","value":"(872) 555-0101"}],` +
		`"locations":[{"name":"Home","address":{"street":"1 N State St","city":"Chicago","state":"IL","zip":"60602","country":"USA"}}]}`)
	for _, w := range []struct {
		name, method, path string
		body               []byte
	}{
		{"get", http.MethodGet, base + "/customers/6", nil},
		{"list50", http.MethodGet, base + "/customers?pageSize=50", nil},
		{"phone", http.MethodGet, base + "/customers?phone=630-555-0187", nil},
		{"create", http.MethodPost, base + "/customers", create},
	} {
		b.Run(w.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var req *http.Request
				if w.body != nil {
					req = httptest.NewRequest(w.method, w.path, bytes.NewReader(w.body))
					req.Header.Set("Content-Type", "application/json")
				} else {
					req = httptest.NewRequest(w.method, w.path, nil)
				}
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("ST-App-Key", fixture.DemoAppKey)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// BenchmarkCreateParallel creates customers from 64 goroutines through the
// whole pipeline, on the memory store and on a bbolt file (fsync on every
// commit; concurrent creates share commits), and reports creates/s.
//
//	go test -run x -bench CreateParallel -benchtime 3000x ./sim/
func BenchmarkCreateParallel(b *testing.B) {
	create := []byte(`{"name":"Bench Customer","type":"Residential",` +
		`"address":{"street":"1 N State St","city":"Chicago","state":"IL","zip":"60602","country":"USA"},` +
		`"locations":[{"name":"Home","address":{"street":"1 N State St","city":"Chicago","state":"IL","zip":"60602","country":"USA"}}]}`)
	for _, backend := range []string{"memory", "bbolt"} {
		b.Run(backend, func(b *testing.B) {
			cfg := config.Defaults()
			cfg.RateLimit = 0
			if backend == "bbolt" {
				cfg.DataFile = filepath.Join(b.TempDir(), "bench.db")
			}
			s, err := sim.New(sim.Options{Config: cfg})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = s.Close() })
			if err := s.Ready(); err != nil {
				b.Fatal(err)
			}
			h := s.Handler()
			token := benchTokenInProcess(b, h)
			b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest(http.MethodPost, "/crm/v2/tenant/1234567/customers", bytes.NewReader(create))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+token)
					req.Header.Set("ST-App-Key", fixture.DemoAppKey)
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Errorf("status %d: %s", rec.Code, rec.Body)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
		})
	}
}
