package oas

// Request validation cost per call, in ns/op and allocs/op:
//
//	go test -run x -bench ValidateRequest -benchtime 2s ./sim/oas/
//
// Each iteration resolves the path (Spec.Match) and validates the request
// (Operation.ValidateRequest), as the server's pipeline does.

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

var (
	benchSpecOnce sync.Once
	benchSpec     *Spec
	benchSpecErr  error
)

// loadBenchSpec loads the embedded documents once for every benchmark.
func loadBenchSpec(b *testing.B) *Spec {
	b.Helper()
	benchSpecOnce.Do(func() {
		benchSpec = Load(nil)
		benchSpecErr = benchSpec.Wait()
	})
	if benchSpecErr != nil {
		b.Fatal(benchSpecErr)
	}
	return benchSpec
}

// benchCreateCustomer is a realistic, valid Crm.V2.Customers.CreateCustomerRequest.
var benchCreateCustomer = []byte(`{
  "name": "Margaret Hollis",
  "type": "Residential",
  "doNotMail": false,
  "address": {"street": "1200 Lakeview Terrace", "unit": "Suite 4B", "city": "Austin", "state": "TX",
    "zip": "78701", "country": "USA", "latitude": 30.2672, "longitude": -97.7431},
  "locations": [{
    "name": "Hollis residence",
    "address": {"street": "1200 Lakeview Terrace", "unit": "Suite 4B", "city": "Austin", "state": "TX",
      "zip": "78701", "country": "USA"},
    "contacts": [
      {"type": "Phone", "value": "512-555-0142", "memo": "site phone"},
      {"type": "Email", "value": "site@hollis.example", "memo": null}
    ]
  }],
  "contacts": [
    {"type": "Phone", "value": "512-555-0199", "memo": "cell"},
    {"type": "Email", "value": "margaret@hollis.example"}
  ]
}`)

// benchBody is a request body that can be rewound without allocating.
type benchBody struct{ bytes.Reader }

func (*benchBody) Close() error { return nil }

type benchRequest struct {
	name, method, target string
	body                 []byte
}

var benchRequests = []benchRequest{
	{"get-by-id", http.MethodGet, "/crm/v2/tenant/1234567/customers/42", nil},
	{"list", http.MethodGet, "/crm/v2/tenant/1234567/customers?page=2&pageSize=100&active=Any&name=Smith" +
		"&modifiedOnOrAfter=2026-01-01T00:00:00Z&includeTotal=true", nil},
	{"create", http.MethodPost, "/crm/v2/tenant/1234567/customers", benchCreateCustomer},
}

func BenchmarkValidateRequest(b *testing.B) {
	spec := loadBenchSpec(b)
	for _, br := range benchRequests {
		b.Run(br.name, func(b *testing.B) {
			req := httptest.NewRequest(br.method, br.target, nil)
			body := &benchBody{}
			if br.body != nil {
				req.Header.Set("Content-Type", "application/json")
				req.ContentLength = int64(len(br.body))
			}
			rewind := func() {
				if br.body != nil {
					body.Reset(br.body)
					req.Body = body
				}
			}
			path := req.URL.Path

			// The request must be valid, or we would time the error path.
			op, values, outcome := spec.Match(req.Method, path)
			if outcome != Matched {
				b.Fatalf("%s %s: outcome %d, want Matched", req.Method, path, outcome)
			}
			rewind()
			if vs := op.ValidateRequest(req, values); len(vs) != 0 {
				b.Fatalf("%s %s (%s): %d violations, want 0: %v", req.Method, br.target, op.QualifiedID(), len(vs), vs)
			}

			b.ReportAllocs()
			for b.Loop() {
				rewind()
				op, values, _ := spec.Match(req.Method, path)
				if vs := op.ValidateRequest(req, values); len(vs) != 0 {
					b.Fatalf("violations: %v", vs)
				}
			}
		})
	}
}
