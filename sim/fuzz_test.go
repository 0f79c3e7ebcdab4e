package sim_test

// Fuzz targets that speak HTTP to a real server with strict response
// validation: whatever a client sends, the answer is never a 5xx (strict
// mode turns a response that breaks its schema into a 500, so "no 5xx" also
// means "every answer matches the contract") and always JSON. The seed
// corpora live in testdata/fuzz/<target>; `go test` runs them, and
// `go test -run '^$' -fuzz FuzzX -fuzztime 30s ./sim` explores further.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stsim/stsim/fixtures"
	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/simtest"
)

// fuzzServer is a test server without rate limits (a fuzzer sends far more
// than 60 calls a second) and a token for the demo connection.
func fuzzServer(f *testing.F, opts ...simtest.Option) (*simtest.Server, string) {
	opts = append(opts, simtest.WithConfig(func(c *config.Config) { c.RateLimit, c.TokenRateLimit = 0, 0 }))
	srv := simtest.Start(f, opts...)
	return srv, srv.Token(f)
}

// send performs req; a request the Go client itself refuses to send (an
// invalid header value, say) is skipped, as no server would see it.
func send(t *testing.T, srv *simtest.Server, req *http.Request) *simtest.Response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Skipf("not sendable: %v", err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return &simtest.Response{Status: resp.StatusCode, Header: resp.Header, Body: buf.Bytes()}
}

// wellFormed fails t on a 5xx or a body that is not JSON.
func wellFormed(t *testing.T, what string, r *simtest.Response) {
	t.Helper()
	if r.Status >= 500 {
		t.Fatalf("%s: status %d: %s", what, r.Status, r.Body)
	}
	if len(r.Body) > 0 && !json.Valid(r.Body) {
		t.Fatalf("%s: status %d with a body that is not JSON: %q", what, r.Status, r.Body)
	}
}

func FuzzTokenForm(f *testing.F) {
	srv, _ := fuzzServer(f)
	f.Add("application/x-www-form-urlencoded", "grant_type=client_credentials&client_id="+simtest.ClientID+"&client_secret="+simtest.ClientSecret, "")
	f.Add("application/x-www-form-urlencoded", "grant_type=client_credentials&scope=tn.crm.customers:r%20tn.crm.customers:r", "Basic "+simtest.ClientID)
	f.Fuzz(func(t *testing.T, contentType, body, authz string) {
		req, err := http.NewRequest("POST", srv.URL+"/connect/token", strings.NewReader(body))
		if err != nil {
			t.Skip()
		}
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Authorization", authz)
		r := send(t, srv, req)
		wellFormed(t, "token", r)
		if r.Status != 200 && r.Status != 400 && r.Status != 413 && r.Status != 431 {
			t.Fatalf("token endpoint answered %d: %s", r.Status, r.Body)
		}
	})
}

func FuzzHeaders(f *testing.F) {
	srv, tok := fuzzServer(f)
	f.Add("Bearer "+tok, simtest.AppKey, "", "application/json")
	f.Add("bearer "+tok, strings.ToUpper(simtest.AppKey), "warn", "text/plain")
	f.Add(tok, "", "bogus", "")
	f.Fuzz(func(t *testing.T, authz, appKey, validation, accept string) {
		req, err := http.NewRequest("GET", srv.URL+"/crm/v2/tenant/1234567/customers?pageSize=2", nil)
		if err != nil {
			t.Skip()
		}
		req.Header.Set("Authorization", authz)
		req.Header.Set("ST-App-Key", appKey)
		req.Header.Set("X-Stsim-Validation", validation)
		req.Header.Set("Accept", accept)
		wellFormed(t, "headers", send(t, srv, req))
	})
}

// listPaths are list operations with paging, filters and sorting.
var listPaths = []string{
	"/crm/v2/tenant/1234567/customers",
	"/crm/v2/tenant/1234567/locations",
	"/crm/v2/tenant/1234567/export/customers",
	"/jpm/v2/tenant/1234567/jobs",
	"/jpm/v2/tenant/1234567/appointments",
	"/settings/v2/tenant/1234567/technicians",
	"/dispatch/v2/tenant/1234567/technician-shifts",
}

func FuzzListQuery(f *testing.F) {
	srv, tok := fuzzServer(f)
	for i, q := range []string{"page=2&pageSize=1", "includeTotal=true&sort=-modifiedOn", "ids=1,2,3&active=Any", "createdOnOrAfter=2026-01-01T00:00:00Z&sort=+name", "from=abc", "pageSize=5001&page=-1"} {
		f.Add(uint8(i), q)
	}
	f.Fuzz(func(t *testing.T, which uint8, query string) {
		path := listPaths[int(which)%len(listPaths)]
		if strings.ContainsFunc(query, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			t.Skip("not a valid request target: Go's server refuses the request line itself")
		}
		req, err := http.NewRequest("GET", srv.URL+path+"?"+query, nil)
		if err != nil {
			t.Skip()
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("ST-App-Key", simtest.AppKey)
		wellFormed(t, path+"?"+query, send(t, srv, req))
	})
}

// bodyOps are operations that take a JSON body.
var bodyOps = []struct{ method, path string }{
	{"POST", "/crm/v2/tenant/1234567/customers"},
	{"PATCH", "/crm/v2/tenant/1234567/customers/1"},
	{"POST", "/crm/v2/tenant/1234567/customers/1/contacts"},
	{"POST", "/crm/v2/tenant/1234567/locations"},
	{"POST", "/crm/v2/tenant/1234567/bookings"},
	{"POST", "/jpm/v2/tenant/1234567/jobs"},
	{"POST", "/dispatch/v2/tenant/1234567/capacity"},
	{"POST", "/dispatch/v2/tenant/1234567/non-job-appointments"},
	{"POST", "/marketing/v2/tenant/1234567/campaigns"},
	{"POST", "/_sim/tenants"},
	{"POST", "/_sim/clock/advance"},
	{"POST", "/_sim/scenarios/flaky-5xx/activate"},
}

func FuzzJSONBodies(f *testing.F) {
	srv, tok := fuzzServer(f)
	address := `{"street":"1 A St","city":"Aurora","state":"IL","zip":"60505","country":"USA"}`
	for i, body := range []string{
		`{"name":"Fuzz","address":` + address + `,"locations":[{"name":"Home","address":` + address + `}]}`,
		`{"name":"Renamed","doNotMail":true}`,
		`{"type":"Phone","value":"555-0100"}`,
		`{"customerId":1,"name":"Loc","address":` + address + `}`,
		`{"source":"web","name":"B","summary":"s","isFirstTimeClient":true}`,
		`{"customerId":1,"locationId":1,"businessUnitId":1,"jobTypeId":1,"priority":"Normal","campaignId":1,"appointments":[{"start":"2026-11-24T15:00:00Z","end":"2026-11-24T17:00:00Z"}]}`,
		`{"startsOnOrAfter":"2026-11-24T00:00:00Z","endsOnOrBefore":"2026-11-25T00:00:00Z","skillBasedAvailability":false}`,
		`{"technicianId":1,"start":"2026-11-24T15:00:00Z","duration":"01:00:00","name":"x"}`,
		`{"name":"Spring","categoryId":1}`,
		`{"fixture":"demo","name":"Fuzz Co"}`,
		`{"duration":"1h"}`,
		`{"tenant":1234567}`,
	} {
		f.Add(uint8(i), []byte(body))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		op := bodyOps[int(which)%len(bodyOps)]
		req, err := http.NewRequest(op.method, srv.URL+op.path, bytes.NewReader(body))
		if err != nil {
			t.Skip()
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("ST-App-Key", simtest.AppKey)
		r := send(t, srv, req)
		wellFormed(t, op.method+" "+op.path, r)
		if strings.HasPrefix(op.path, "/_sim/") {
			// Leave the shared server as the next input expects it.
			srv.Clock.Set(simtest.Epoch)
			srv.Call(t, "POST", "/_sim/scenarios/flaky-5xx/deactivate", "", "", nil)
		}
	})
}

// FuzzFixtureFile creates tenants from fuzzed fixture files through the
// control API: a file is refused with a 400 or makes a tenant whose
// credentials work.
func FuzzFixtureFile(f *testing.F) {
	dir := f.TempDir()
	demo, err := fixtures.FS.ReadFile("demo/tenant.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range []string{"demo", "fz"} {
		if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name, "tenant.json"), demo, 0o644); err != nil {
			f.Fatal(err)
		}
	}
	srv, _ := fuzzServer(f, simtest.WithConfig(func(c *config.Config) { c.FixturesDir = dir }))
	f.Add(demo)
	f.Add([]byte(`{"tenant":{"id":1,"name":"x","timeZone":"Mars/Olympus"},"apps":[],"connections":[]}`))
	f.Add([]byte(`{"tenant":{"id":-5,"name":""},"apps":[{"id":"a","appKey":"k","scopes":["nope"]}],"connections":[{"app":"b"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, "fz", "tenant.json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		r := srv.Call(t, "POST", "/_sim/tenants", "", "", map[string]any{"fixture": "fz"})
		wellFormed(t, "create tenant", r)
		if r.Status != http.StatusCreated {
			return
		}
		var made struct {
			TenantID    int64 `json:"tenantId"`
			Credentials []struct {
				AppKey, ClientID, ClientSecret string
			} `json:"credentials"`
		}
		r.JSON(t, &made)
		for _, c := range made.Credentials {
			form := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ClientID}, "client_secret": {c.ClientSecret}}
			tr := srv.PostForm(t, "/connect/token", form, nil)
			wellFormed(t, "token for a fuzzed tenant", tr)
		}
		srv.Call(t, "DELETE", "/_sim/tenants/"+jsonNumber(made.TenantID), "", "", nil)
	})
}

func jsonNumber(n int64) string { b, _ := json.Marshal(n); return string(b) }
