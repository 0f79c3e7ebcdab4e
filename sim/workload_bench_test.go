package sim_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stsim/stsim/sim"
	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/internal/cpuclock"
)

// BenchmarkHandlersInProcess runs the real handlers on the demo tenant
// through the whole pipeline, serially, into a recorder: the per-request
// CPU of each workload of cmd/stsim-bench without the network. Profile one
// with
//
//	go test -run x -bench 'HandlersInProcess/list' -cpuprofile /tmp/cpu.out ./sim/
//	go tool pprof -top -nodecount 30 sim.test /tmp/cpu.out
func BenchmarkHandlersInProcess(b *testing.B) {
	h, token := benchDefaultServer(b, "")
	const base = "/crm/v2/tenant/1234567"
	jobBody := benchJobBody(b, h, token)
	for _, w := range []struct {
		name, method, path string
		body               []byte
	}{
		{"get", http.MethodGet, base + "/customers/6", nil},
		{"list50", http.MethodGet, base + "/customers?pageSize=50", nil},
		{"phone", http.MethodGet, base + "/customers?phone=630-555-0187", nil},
		{"create", http.MethodPost, base + "/customers", benchCreateBody},
		{"capacity", http.MethodPost, "/dispatch/v2/tenant/1234567/capacity", benchCapacityBody()},
		{"job", http.MethodPost, "/jpm/v2/tenant/1234567/jobs", jobBody},
	} {
		b.Run(w.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuclock.Start()
			for b.Loop() {
				if err := benchCall(h, token, w.method, w.path, w.body); err != nil {
					b.Fatal(err)
				}
			}
			cpu.Report(b) // CPU per call, GC included: steadier than ns/op on a busy machine
		})
	}
}

// BenchmarkCreateParallel creates customers from 64 goroutines through the
// whole pipeline, on the memory store and on a bbolt file (fsync on every
// commit; concurrent creates share commits), and reports creates/s.
//
//	go test -run x -bench CreateParallel -benchtime 3000x ./sim/
func BenchmarkCreateParallel(b *testing.B) {
	for _, backend := range []string{"memory", "bbolt"} {
		b.Run(backend, func(b *testing.B) {
			dataFile := ""
			if backend == "bbolt" {
				dataFile = filepath.Join(b.TempDir(), "bench.db")
			}
			h, token := benchDefaultServer(b, dataFile)
			b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := benchCall(h, token, http.MethodPost, "/crm/v2/tenant/1234567/customers", benchCreateBody); err != nil {
						b.Error(err) // b.Fatal may only be called from the benchmark's goroutine
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
		})
	}
}

// BenchmarkJobCreate books the job workload's job with 0, 1 and 3 of the
// demo's active technicians assigned: what each assigned technician adds to
// a job create (the appointment's booking is filed once either way).
//
//	go test -run x -bench JobCreate -benchtime 2s ./sim/
func BenchmarkJobCreate(b *testing.B) {
	h, token := benchDefaultServer(b, "")
	techs := benchTechnicians(b, h, token, 3)
	for _, k := range []int{0, 1, 3} {
		body := benchJobBody(b, h, token, techs[:k]...)
		b.Run(fmt.Sprintf("techs=%d", k), func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuclock.Start()
			for b.Loop() {
				if err := benchCall(h, token, http.MethodPost, "/jpm/v2/tenant/1234567/jobs", body); err != nil {
					b.Fatal(err)
				}
			}
			cpu.Report(b)
		})
	}
}

// benchCapacityBody asks for 14 days, from tomorrow (UTC), of the demo's
// AC Repair job type in its business unit, as cmd/stsim-bench's capacity
// workload does.
func benchCapacityBody() []byte {
	from := time.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	return fmt.Appendf(nil, `{"startsOnOrAfter":%q,"endsOnOrBefore":%q,"businessUnitIds":[1428],"jobTypeId":1514,"skillBasedAvailability":true}`,
		from.Format(time.RFC3339), from.AddDate(0, 0, 14).Format(time.RFC3339))
}

// benchCreateBody is a customer create with one location and one contact.
var benchCreateBody = []byte(`{"name":"Bench Customer","type":"Residential",` +
	`"address":{"street":"1 N State St","city":"Chicago","state":"IL","zip":"60602","country":"USA"},` +
	`"contacts":[{"type":"MobilePhone","value":"(872) 555-0101"}],` +
	`"locations":[{"name":"Home","address":{"street":"1 N State St","city":"Chicago","state":"IL","zip":"60602","country":"USA"}}]}`)

// benchJobBody is the job create of cmd/stsim-bench's job workload: one
// two-hour appointment 15 days ahead for demo customer 6 at its first
// location, with a job type that has a business unit and a campaign, assigned
// to techs (none: unassigned).
func benchJobBody(b *testing.B, h http.Handler, token string, techs ...int64) []byte {
	b.Helper()
	page := benchPage(b, h, token, "/crm/v2/tenant/1234567/locations?customerId=6")
	location := page[0].ID
	page = benchPage(b, h, token, "/marketing/v2/tenant/1234567/campaigns?pageSize=1")
	campaign := page[0].ID
	page = benchPage(b, h, token, "/jpm/v2/tenant/1234567/job-types?pageSize=100&active=True")
	var jobType, unit int64
	for _, jt := range page {
		if len(jt.BusinessUnitIDs) > 0 {
			jobType, unit = jt.ID, jt.BusinessUnitIDs[0]
			break
		}
	}
	start := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 16).Add(15 * time.Hour)
	at := func(t time.Time) string { return t.Format(time.RFC3339) }
	appt := map[string]any{"start": at(start), "end": at(start.Add(2 * time.Hour)),
		"arrivalWindowStart": at(start), "arrivalWindowEnd": at(start.Add(2 * time.Hour))}
	if len(techs) > 0 {
		appt["technicianIds"] = techs
	}
	body, err := json.Marshal(map[string]any{
		"customerId": 6, "locationId": location, "businessUnitId": unit, "jobTypeId": jobType,
		"priority": "Normal", "campaignId": campaign, "summary": "Bench booking",
		"appointments": []any{appt},
	})
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// benchTechnicians returns n of the demo's active technicians.
func benchTechnicians(b *testing.B, h http.Handler, token string, n int) []int64 {
	b.Helper()
	page := benchPage(b, h, token, "/settings/v2/tenant/1234567/technicians?active=True&pageSize="+strconv.Itoa(n))
	if len(page) < n {
		b.Fatalf("the demo has %d active technicians, want %d", len(page), n)
	}
	ids := make([]int64, n)
	for i, t := range page {
		ids[i] = t.ID
	}
	return ids
}

// benchRecord is what the benchmarks read of a listed record.
type benchRecord struct {
	ID              int64   `json:"id"`
	BusinessUnitIDs []int64 `json:"businessUnitIds"`
}

// benchPage lists records as the demo app and wants at least one.
func benchPage(b *testing.B, h http.Handler, token, path string) []benchRecord {
	b.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("ST-App-Key", fixture.DemoAppKey)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var page struct {
		Data []benchRecord `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &page); rec.Code != http.StatusOK || err != nil || len(page.Data) == 0 {
		b.Fatalf("%s: status %d (%v): %s", path, rec.Code, err, rec.Body)
	}
	return page.Data
}

// benchDefaultServer starts a server configured as the binary is by default
// (text access log at info, to nowhere) but without the rate limit, on a
// bbolt file when dataFile is set, and returns its handler and a demo token.
func benchDefaultServer(b *testing.B, dataFile string) (http.Handler, string) {
	b.Helper()
	cfg := config.Defaults()
	cfg.RateLimit = 0
	cfg.DataFile = dataFile
	logger := sim.NewLogger(io.Discard, cfg.LogFormat, cfg.LogLevel) // as cmd/stsim logs
	s, err := sim.New(sim.Options{Config: cfg, Logger: logger})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	if err := s.Ready(); err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	return h, benchTokenInProcess(b, h)
}

// benchCall serves one demo-app call in process and wants 200.
func benchCall(h http.Handler, token, method, path string, body []byte) error {
	var req *http.Request
	if body != nil {
		req = httptest.NewRequest(method, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("ST-App-Key", fixture.DemoAppKey)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return fmt.Errorf("%s %s: status %d: %s", method, path, rec.Code, rec.Body)
	}
	return nil
}

// BenchmarkServeGetOnly serves a get by ID (demo customer 6) through the
// whole pipeline as BenchmarkHandlersInProcess/get does, but reuses one
// request and writes into a bare ResponseWriter (a fresh header map per
// call, as net/http gives a handler): the server's own CPU and
// allocations per get, without the harness's request parsing and
// recorder.
//
//	go test -run x -bench ServeGetOnly -benchtime 200000x -cpu 1 ./sim/
func BenchmarkServeGetOnly(b *testing.B) {
	h, token := benchDefaultServer(b, "")
	req := httptest.NewRequest(http.MethodGet, "/crm/v2/tenant/1234567/customers/6", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("ST-App-Key", fixture.DemoAppKey)
	w := &bareWriter{}
	b.ReportAllocs()
	cpu := cpuclock.Start()
	for b.Loop() {
		w.header, w.status, w.n = http.Header{}, 0, 0
		h.ServeHTTP(w, req)
		if w.status != http.StatusOK || w.n == 0 {
			b.Fatalf("status %d, %d bytes", w.status, w.n)
		}
	}
	cpu.Report(b)
}

// bareWriter is a ResponseWriter that keeps only the status and the
// number of body bytes.
type bareWriter struct {
	header http.Header
	status int
	n      int
}

func (w *bareWriter) Header() http.Header { return w.header }

func (w *bareWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *bareWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.n += len(p)
	return len(p), nil
}
