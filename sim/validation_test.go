package sim_test

import (
	"bytes"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/openapi"
	"github.com/stsim/stsim/sim"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/simtest"
)

const (
	tagsPath      = "/crm/v2/tenant/1234567/tags"
	customersPath = "/crm/v2/tenant/1234567/customers"
)

// bodyRecorder is a handler for PUT /tags (200, no body) that keeps the
// request body it was given, to prove validation passes it through intact.
type bodyRecorder struct {
	mu   sync.Mutex // guards last
	last []byte
}

func (b *bodyRecorder) handle(c *gin.Context, call *api.Call) {
	data, _ := io.ReadAll(c.Request.Body)
	b.mu.Lock()
	b.last = data
	b.mu.Unlock()
	api.Empty(c)
}

func emptyCustomerPage(c *gin.Context, call *api.Call) {
	api.OK(c, gin.H{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": nil, "data": []any{}})
}

func validationServer(t *testing.T, mode string) (*simtest.Server, *bodyRecorder) {
	rec := &bodyRecorder{}
	srv := simtest.Start(t,
		simtest.WithConfig(func(c *config.Config) { c.Validation = mode }),
		simtest.WithHandler("crm.BulkTags_AddTags", rec.handle),
		simtest.WithHandler("crm.Customers_GetList", emptyCustomerPage))
	return srv, rec
}

var invalidRequests = []struct {
	name, method, path, body string
	field, text              string // expected errors key and a fragment of its message
}{
	{"missing required field", "PUT", tagsPath, `{"customerIds":[1]}`, "tagTypeIds", `Property "tagTypeIds" is missing (at /tagTypeIds)`},
	{"wrong type", "PUT", tagsPath, `{"customerIds":["seven"],"tagTypeIds":[1]}`, "customerIds[0]", "(at /customerIds/0)"},
	{"unknown JSON property", "PUT", tagsPath, `{"customerIds":[1],"tagTypeIds":[2],"colour":"red"}`, "colour", `Property "colour" is unsupported (at /colour)`},
	{"malformed JSON", "PUT", tagsPath, `{"customerIds":[1],`, "body", "not valid JSON"},
	{"unknown enum value", "GET", customersPath + "?active=Sometimes", "", "active", `query parameter "active"`},
	{"wrong parameter type", "GET", customersPath + "?page=first", "", "page", `query parameter "page"`},
	{"pageSize above the documented 5000", "GET", customersPath + "?pageSize=5001", "", "pageSize", "5000"},
	{"pageSize below 1", "GET", customersPath + "?pageSize=0", "", "pageSize", "1"},
}

func TestEnforceModeRejectsBrokenRequestsNamingTheProblem(t *testing.T) {
	srv, _ := validationServer(t, config.ValidationEnforce)
	token := srv.Token(t)
	for _, tt := range invalidRequests {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.body != "" {
				body = tt.body
			}
			r := srv.Do(t, tt.method, tt.path, token, body)
			if r.Status != 400 {
				t.Fatalf("status %d, want 400: %s", r.Status, r.Body)
			}
			var e struct {
				Status  int
				TraceID string
				Errors  map[string][]string
			}
			r.JSON(t, &e)
			msgs, ok := e.Errors[tt.field]
			if !ok {
				t.Fatalf("errors has no key %q: %s", tt.field, r.Body)
			}
			if !strings.Contains(strings.Join(msgs, " "), tt.text) {
				t.Fatalf("errors[%q] = %q, want it to mention %q", tt.field, msgs, tt.text)
			}
		})
	}
}

func TestWarnModeServesBrokenRequestsWithAWarningHeader(t *testing.T) {
	check := func(t *testing.T, srv *simtest.Server, header http.Header) {
		token := srv.Token(t)
		for _, tt := range invalidRequests {
			if tt.name == "malformed JSON" || tt.name == "wrong type" {
				continue // served too, but the recorder test below covers bodies
			}
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("ST-App-Key", simtest.AppKey)
			req.Header.Set("Content-Type", "application/json")
			for k, v := range header {
				req.Header[k] = v
			}
			r := srv.Request(t, req)
			if r.Status != 200 {
				t.Fatalf("%s: status %d, want 200 in warn mode: %s", tt.name, r.Status, r.Body)
			}
			if w := r.Header.Get("X-Stsim-Validation-Warning"); !strings.Contains(w, tt.field) {
				t.Fatalf("%s: warning header %q does not name %q", tt.name, w, tt.field)
			}
		}
	}
	t.Run("server in warn mode", func(t *testing.T) {
		srv, _ := validationServer(t, config.ValidationWarn)
		check(t, srv, nil)
	})
	t.Run("enforcing server, one request asks for warn", func(t *testing.T) {
		srv, _ := validationServer(t, config.ValidationEnforce)
		check(t, srv, http.Header{"X-Stsim-Validation": {"warn"}})
	})
}

func TestValidationNeverRewritesTheBody(t *testing.T) {
	srv, rec := validationServer(t, config.ValidationWarn)
	token := srv.Token(t)
	for _, sent := range []string{`{"customerIds":[1],"tagTypeIds":[2]}`, `{"customerIds":["seven"],"tagTypeIds":[1]}`, `{"customerIds":[1],`} {
		r := srv.Do(t, "PUT", tagsPath, token, sent)
		if r.Status != 200 {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		rec.mu.Lock()
		got := string(rec.last)
		rec.mu.Unlock()
		if got != sent {
			t.Fatalf("handler got %q, client sent %q", got, sent)
		}
	}
}

func TestValidationOffAndBadOverride(t *testing.T) {
	srv, _ := validationServer(t, config.ValidationOff)
	token := srv.Token(t)
	r := srv.Do(t, "GET", customersPath+"?pageSize=9999", token, nil)
	if r.Status != 200 || r.Header.Get("X-Stsim-Validation-Warning") != "" {
		t.Fatalf("off mode: %d %v", r.Status, r.Header)
	}
	req, _ := http.NewRequest("GET", srv.URL+customersPath+"?pageSize=9999", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("ST-App-Key", simtest.AppKey)
	req.Header.Set("X-Stsim-Validation", "enforce")
	if r := srv.Request(t, req); r.Status != 400 {
		t.Fatalf("a request asking for enforce on a lenient server: %d", r.Status)
	}
	req.Header.Set("X-Stsim-Validation", "sometimes")
	if r := srv.Request(t, req); r.Status != 400 || !strings.Contains(string(r.Body), "X-Stsim-Validation") {
		t.Fatalf("bad override header: %d %s", r.Status, r.Body)
	}
}

func TestStrictModeCatchesAResponseThatBreaksTheContract(t *testing.T) {
	broken := func(c *gin.Context, call *api.Call) {
		api.OK(c, gin.H{"page": 1, "pageSize": 50, "data": []any{gin.H{"id": "not-a-number"}}})
	}
	srv := simtest.Start(t, simtest.WithHandler("crm.Customers_GetList", broken))
	r := srv.Do(t, "GET", customersPath, srv.Token(t), nil)
	if r.Status != 500 {
		t.Fatalf("broken response got through strict mode: %d %s", r.Status, r.Body)
	}
	var e struct{ Errors map[string][]string }
	r.JSON(t, &e)
	msg := strings.Join(e.Errors["response"], " ")
	for _, want := range []string{"hasMore", "is missing"} {
		if !strings.Contains(msg, want) {
			t.Errorf("strict-mode error does not say %q: %s", want, msg)
		}
	}
	if !strings.Contains(srv.Logs.String(), "breaks the contract") {
		t.Error("the contract break was not logged")
	}
}

// TestWarnModeCoversTheContractNotTheHandler pins what the README says warn
// mode covers: the contract check reports instead of refusing, but a real
// handler still refuses with 400 what it cannot carry out, and even that 400
// carries the warning header.
func TestWarnModeCoversTheContractNotTheHandler(t *testing.T) {
	srv := simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.Validation = config.ValidationWarn }))
	token := srv.Token(t)
	create := `{"name":"Warn Mode","type":"Residential","colour":"red",` +
		`"locations":[{"name":"Home","address":{"street":"1 Main St","city":"Springfield","state":"IL","zip":"62701","country":"USA"}}],` +
		`"address":{"street":"1 Main St","city":"Springfield","state":"IL","zip":"62701","country":"USA"}}`
	r := srv.Do(t, "POST", customersPath, token, create)
	if r.Status != 200 || !strings.Contains(r.Header.Get("X-Stsim-Validation-Warning"), "colour") {
		t.Fatalf("a property the schema does not know: %d %q %s", r.Status, r.Header.Get("X-Stsim-Validation-Warning"), r.Body)
	}
	for _, tt := range []struct{ method, path, body, field string }{
		{"GET", customersPath + "?pageSize=9999", "", "pageSize"},
		{"GET", customersPath + "?page=first", "", "page"},
		{"PUT", tagsPath, `{"customerIds":["seven"],"tagTypeIds":[1]}`, "body"},
	} {
		var body any
		if tt.body != "" {
			body = tt.body
		}
		r := srv.Do(t, tt.method, tt.path, token, body)
		r.WantError(t, 400, tt.field)
		if r.Header.Get("X-Stsim-Validation-Warning") == "" {
			t.Errorf("%s %s: the handler's 400 lost the warning header", tt.method, tt.path)
		}
	}
}

// TestUnsupportedContentTypeIs415 answers a body in a media type the
// operation does not declare as ASP.NET does, in ServiceTitan's error shape,
// whatever the validation mode.
func TestUnsupportedContentTypeIs415(t *testing.T) {
	for _, mode := range []string{config.ValidationEnforce, config.ValidationOff} {
		srv, rec := validationServer(t, mode)
		token := srv.Token(t)
		send := func(contentType string) *simtest.Response {
			req, _ := http.NewRequest("PUT", srv.URL+tagsPath, strings.NewReader(`{"customerIds":[1],"tagTypeIds":[2]}`))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("ST-App-Key", simtest.AppKey)
			if contentType != "" {
				req.Header.Set("Content-Type", contentType)
			}
			return srv.Request(t, req)
		}
		for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", ""} {
			r := send(ct)
			r.WantError(t, http.StatusUnsupportedMediaType, "Content-Type")
			if m := r.Map(t); m["type"] != "https://tools.ietf.org/html/rfc7231#section-6.5.13" ||
				!strings.Contains(string(r.Body), "application/json") {
				t.Errorf("%s, %q: body %s", mode, ct, r.Body)
			}
		}
		if r := send("application/json; charset=utf-8"); r.Status != 200 {
			t.Fatalf("%s: JSON with a charset: %d %s", mode, r.Status, r.Body)
		}
		rec.mu.Lock()
		got := string(rec.last)
		rec.mu.Unlock()
		if got == "" {
			t.Fatalf("%s: the handler never ran", mode)
		}
	}
}

// TestStrictModeChecksErrorBodies proves strict mode checks error answers
// too: a handler's documented 404 that is not an ApiErrorResponse becomes
// a 500 naming the break.
func TestStrictModeChecksErrorBodies(t *testing.T) {
	wrongShape := func(c *gin.Context, call *api.Call) {
		c.JSON(http.StatusNotFound, gin.H{"message": "no such customer"})
	}
	srv := simtest.Start(t, simtest.WithHandler("crm.Customers_Get", wrongShape))
	r := srv.Do(t, "GET", customersPath+"/6", srv.Token(t), nil)
	if r.Status != 500 {
		t.Fatalf("a 404 in the wrong shape got through strict mode: %d %s", r.Status, r.Body)
	}
	var e struct{ Errors map[string][]string }
	r.JSON(t, &e)
	msg := strings.Join(e.Errors["response"], " ")
	for _, want := range []string{"status 404", `"message" is unsupported`} {
		if !strings.Contains(msg, want) {
			t.Errorf("strict-mode error does not say %q: %s", want, msg)
		}
	}
}

// TestStrictModeChecksThePipelinesOwnErrors proves that errors the
// pipeline writes before any handler runs (here request validation's 400)
// are checked against the operation's documented response: with the
// reference's zone document, which types the 400 as a bare string, the 400
// becomes a 500; with stsim's document (a recorded deviation) it is
// ServiceTitan's error object.
func TestStrictModeChecksThePipelinesOwnErrors(t *testing.T) {
	const zones, badZone = "/dispatch/v2/tenant/1234567/zones", `{"name":7}`
	srv := simtest.Start(t)
	r := srv.Do(t, "POST", zones, srv.Token(t), badZone)
	if r.Status != 400 || !strings.Contains(string(r.Body), `"traceId"`) {
		t.Fatalf("invalid zone: %d %s, want 400 in ServiceTitan's error shape", r.Status, r.Body)
	}

	dir := documentsDir(t, "dispatch.yaml", func(data []byte) []byte {
		fixed := "                $ref: '#/components/schemas/ApiErrorResponse'\n  /tenant/{tenant}/zones/{id}:"
		if !bytes.Contains(data, []byte(fixed)) {
			t.Fatal("dispatch.yaml no longer has the corrected zone 400 where this test expects it")
		}
		return bytes.Replace(data, []byte(fixed), []byte("                type: string\n  /tenant/{tenant}/zones/{id}:"), 1)
	})
	ref := simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.OpenAPIDir = dir }))
	r = ref.Do(t, "POST", zones, ref.Token(t), badZone)
	if r.Status != 500 || !strings.Contains(string(r.Body), "status 400 response breaks the schema") {
		t.Fatalf("a 400 breaking the document got through strict mode: %d %s", r.Status, r.Body)
	}
}

// TestBrokenOpenAPIDirIsNotReady starts stsim on a -openapi directory with a
// document that does not parse: it is not ready, and says which document.
func TestBrokenOpenAPIDirIsNotReady(t *testing.T) {
	dir := documentsDir(t, "jpm.yaml", func(data []byte) []byte { return append(data, "paths: [\n"...) })
	cfg := config.Defaults()
	cfg.OpenAPIDir = dir
	s, err := sim.New(sim.Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Ready(); err == nil || !strings.Contains(err.Error(), "jpm.yaml") {
		t.Fatalf("Ready() = %v, want an error naming jpm.yaml", err)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/_sim/health", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "jpm.yaml") {
		t.Fatalf("health = %d %s, want 503 naming jpm.yaml", rec.Code, rec.Body)
	}
}

// documentsDir writes the embedded documents to a new directory for
// -openapi, with one of them changed by edit.
func documentsDir(t *testing.T, file string, edit func([]byte) []byte) string {
	t.Helper()
	dir := t.TempDir()
	names, err := fs.Glob(openapi.FS, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		data, err := fs.ReadFile(openapi.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		if name == file {
			data = edit(data)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
