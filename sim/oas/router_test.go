package oas

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stsim/stsim/openapi"
)

// embeddedSpec loads the embedded documents once for every test and fuzz
// target of the package.
var embeddedSpec = sync.OnceValues(func() (*Spec, error) {
	s := Load(nil)
	return s, s.Wait()
})

func loadSpec(tb testing.TB) *Spec {
	tb.Helper()
	s, err := embeddedSpec()
	if err != nil {
		tb.Fatalf("loading the embedded documents: %v", err)
	}
	return s
}

func TestMatch(t *testing.T) {
	s := loadSpec(t)
	for _, tc := range []struct {
		method, path string
		wantID       string   // operationId for Matched
		wantValues   []string // path values for Matched
		wantParams   []string // ParamNames for Matched, when checked
	}{
		{"GET", "/crm/v2/tenant/1/customers/5", "Customers_Get", []string{"1", "5"}, []string{"tenant", "id"}},
		{"PATCH", "/crm/v2/tenant/1/customers/5", "Customers_Update", []string{"1", "5"}, nil},
		{"GET", "/crm/v2/tenant/1/customers", "Customers_GetList", []string{"1"}, []string{"tenant"}},
		// A static segment beats a parameter, and backtracking still finds
		// the parameter route when the static one leads nowhere.
		{"GET", "/crm/v2/tenant/1/customers/contacts", "Customers_GetModifiedContactsList", []string{"1"}, nil},
		{"GET", "/crm/v2/tenant/1/customers/5/contacts", "Customers_GetContactList", []string{"1", "5"}, []string{"tenant", "id"}},
		{"GET", "/crm/v2/tenant/1/customers/contacts/contacts", "Customers_GetContactList", []string{"1", "contacts"}, nil},
		{"GET", "/crm/v2/tenant/1/export/customers", "ExportCustomers_GetCustomers", []string{"1"}, nil},
		{"POST", "/crm/v2/tenant/1/booking-provider/7/bookings", "Bookings_Create", []string{"1", "7"}, []string{"tenant", "booking_provider"}},
		{"GET", "/dispatch/v2/tenant/1/zones/9", "Zone_Get", []string{"1", "9"}, []string{"tenant", "id"}},
		{"PATCH", "/dispatch/v2/tenant/1/zones/9", "Zone_UpdateZone", []string{"1", "9"}, []string{"tenant", "id"}},
		{"POST", "/dispatch/v2/tenant/1/capacity", "Capacity_GetList", []string{"1"}, nil},
		{"GET", "/jpm/v2/tenant/1/job-cancel-reasons", "JobCancelReasons_GetList", []string{"1"}, nil},
		// A trailing slash is ignored.
		{"GET", "/crm/v2/tenant/1/customers/5/", "Customers_Get", []string{"1", "5"}, nil},
		{"GET", "/crm/v2/tenant/1/customers/", "Customers_GetList", []string{"1"}, nil},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			op, values, outcome := s.Match(tc.method, tc.path)
			if outcome != Matched {
				t.Fatalf("outcome = %v (%v), want Matched", outcome, values)
			}
			if op.ID != tc.wantID || op.Method != tc.method {
				t.Errorf("op = %s %s, want %s %s", op.Method, op.ID, tc.method, tc.wantID)
			}
			if !slices.Equal(values, tc.wantValues) {
				t.Errorf("values = %q, want %q", values, tc.wantValues)
			}
			if tc.wantParams != nil && !slices.Equal(op.ParamNames, tc.wantParams) {
				t.Errorf("ParamNames = %q, want %q", op.ParamNames, tc.wantParams)
			}
		})
	}
}

func TestMatchMethodNotAllowed(t *testing.T) {
	s := loadSpec(t)
	for _, tc := range []struct {
		method, path string
		allowed      []string
	}{
		{"POST", "/dispatch/v2/tenant/1/zones/9", []string{"DELETE", "GET", "PATCH"}},
		{"DELETE", "/crm/v2/tenant/1/customers/5", []string{"GET", "PATCH"}},
		{"get", "/crm/v2/tenant/1/customers/5", []string{"GET", "PATCH"}},
		{"PUT", "/crm/v2/tenant/1/customers", []string{"GET", "POST"}},
		{"GET", "/dispatch/v2/tenant/1/capacity", []string{"POST"}},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			op, allowed, outcome := s.Match(tc.method, tc.path)
			if outcome != MethodNotAllowed || op != nil {
				t.Fatalf("Match = %v, %v, want MethodNotAllowed", op, outcome)
			}
			if !slices.Equal(allowed, tc.allowed) {
				t.Errorf("allowed = %q, want %q", allowed, tc.allowed)
			}
		})
	}
}

func TestMatchNoSuchPath(t *testing.T) {
	s := loadSpec(t)
	for _, path := range []string{
		"/crm/v3/tenant/1/customers/5",
		"/crm/v2",
		"/crm/v2/",
		"/crm",
		"/nosuch/v2/tenant/1/customers",
		"/token/v2/connect/token",
		"/connect/token",
		"/sim/v2/tenant/1",
		"/",
		"",
		"//",
		"crm/v2/tenant/1/customers/5",
		"/crm/v2/tenant/1/customers/5/nope",
		"/crm/v2/tenant//customers/5",
		"/crm/v2/tenant/1/customers//contacts",
		"/CRM/v2/tenant/1/customers/5",
		"/crm/v2tenant/1/customers/5",
	} {
		t.Run(path, func(t *testing.T) {
			if op, values, outcome := s.Match("GET", path); outcome != NoSuchPath || op != nil || values != nil {
				t.Errorf("Match(GET, %q) = %v, %q, %v; want NoSuchPath", path, op, values, outcome)
			}
		})
	}
}

func TestOperationScope(t *testing.T) {
	s := loadSpec(t)
	for _, tc := range []struct {
		method, path, scope string
	}{
		{"GET", "/crm/v2/tenant/1/customers/5", "tn.crm.customers:r"},
		{"PATCH", "/crm/v2/tenant/1/customers/5", "tn.crm.customers:w"},
		{"POST", "/crm/v2/tenant/1/booking-provider/7/bookings", "tn.crm.bookings:w"},
		{"GET", "/crm/v2/tenant/1/booking-provider-tags", "tn.crm.bookingprovidertags:r"},
		{"GET", "/crm/v2/tenant/1/export/customers", "tn.crm.customers:r"},
		{"POST", "/dispatch/v2/tenant/1/capacity", "tn.dis.capacity:w"},
		{"GET", "/jpm/v2/tenant/1/job-cancel-reasons", "tn.jpm.jobcancelreasons:r"},
	} {
		op, _, outcome := s.Match(tc.method, tc.path)
		if outcome != Matched {
			t.Errorf("Match(%s %s) = %v", tc.method, tc.path, outcome)
			continue
		}
		if op.Scope != tc.scope {
			t.Errorf("%s (%s %s) scope = %q, want %q", op.QualifiedID(), tc.method, tc.path, op.Scope, tc.scope)
		}
	}
}

// TestOperationsConsistent checks every loaded operation: it has an ID,
// as many parameter names as its template has parameters, and Match finds
// it again from its own template.
func TestOperationsConsistent(t *testing.T) {
	s := loadSpec(t)
	ops, err := s.Operations()
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		if op.ID == "" {
			t.Errorf("%s %s has no operationId", op.Method, op.Path)
		}
		if got := templateParams(op.Path); got != len(op.ParamNames) {
			t.Errorf("%s: %d template parameters, %d names", op.QualifiedID(), got, len(op.ParamNames))
		}
		if op.Module == "token" || op.Module == "sim" {
			if op.Scope != "" {
				t.Errorf("%s has scope %q", op.QualifiedID(), op.Scope)
			}
			continue
		}
		if !strings.HasPrefix(op.Scope, "tn.") {
			t.Errorf("%s has scope %q", op.QualifiedID(), op.Scope)
		}
		// Resolve the template with distinct, non-static values.
		values := make([]string, len(op.ParamNames))
		path := op.Path
		for i := range values {
			values[i] = "v" + string(rune('0'+i%10)) + "x"
			open := strings.IndexByte(path, '{')
			end := strings.IndexByte(path, '}')
			path = path[:open] + values[i] + path[end+1:]
		}
		got, gotValues, outcome := s.Match(op.Method, path)
		if outcome != Matched || got != op || !slices.Equal(gotValues, values) {
			t.Errorf("Match(%s %s) = %v, %q, %v; want %s", op.Method, path, got, gotValues, outcome, op.QualifiedID())
		}
	}
}

func templateParams(path string) int {
	n := 0
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			n++
		}
	}
	return n
}

func FuzzMatch(f *testing.F) {
	for _, seed := range []struct{ method, path string }{
		{"GET", "/crm/v2/tenant/1/customers/5"},
		{"GET", "/crm/v2/tenant/1/customers/contacts"},
		{"GET", "/crm/v2/tenant/1/customers/5/contacts"},
		{"PATCH", "/dispatch/v2/tenant/1/zones/9"},
		{"POST", "/dispatch/v2/tenant/1/zones/9/"},
		{"POST", "/crm/v2/tenant/1/booking-provider/7/bookings/3/contacts"},
		{"GET", "/crm/v2//tenant/1/customers/5"},
		{"GET", "/crm/v3/tenant/1/customers/5"},
		{"GET", "/nosuch/v2/x"},
		{"GET", "/"},
		{"", ""},
		{"GET", "//"},
		{"DELETE", "/crm/v2/tenant/1/customers/5/tags/%2F"},
		{"GET", "/jpm/v2/tenant/1/job-cancel-reasons"},
	} {
		f.Add(seed.method, seed.path)
	}
	s := loadSpec(f)
	f.Fuzz(func(t *testing.T, method, path string) {
		op, values, outcome := s.Match(method, path)
		switch outcome {
		case Matched:
			if op == nil {
				t.Fatal("Matched without an operation")
			}
			if op.Method != method {
				t.Fatalf("%s matched for method %q", op.QualifiedID(), method)
			}
			if n := templateParams(op.Path); n != len(values) || n != len(op.ParamNames) {
				t.Fatalf("%s: template %s has %d parameters, got %d values and %d names", op.QualifiedID(), op.Path, n, len(values), len(op.ParamNames))
			}
			for _, v := range values {
				if v == "" || strings.Contains(v, "/") {
					t.Fatalf("%s: bad path value %q in %q", op.QualifiedID(), v, values)
				}
			}
			// The template with the values put back names the same
			// segments as the request path.
			base := s.docs[op.Module].Base
			if !strings.HasPrefix(path, base+"/") {
				t.Fatalf("%s matched %q outside its base %s", op.QualifiedID(), path, base)
			}
			want := splitPath(path[len(base):])
			got := splitPath(op.Path[len(base):])
			i := 0
			for j, seg := range got {
				if strings.HasPrefix(seg, "{") {
					got[j] = values[i]
					i++
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s: %q resolved to segments %q", op.QualifiedID(), path, got)
			}
		case MethodNotAllowed:
			if op != nil {
				t.Fatal("MethodNotAllowed with an operation")
			}
			if len(values) == 0 || !slices.IsSorted(values) || slices.Contains(values, method) {
				t.Fatalf("allowed methods = %q for %q", values, method)
			}
		case NoSuchPath:
			if op != nil || values != nil {
				t.Fatalf("NoSuchPath with %v, %q", op, values)
			}
		default:
			t.Fatalf("outcome %v for %s %q", outcome, method, path)
		}
	})
}

func TestValidateRequestPathParam(t *testing.T) {
	s := loadSpec(t)
	op, values, outcome := s.Match("GET", "/crm/v2/tenant/1/customers/abc")
	if outcome != Matched {
		t.Fatalf("outcome = %v", outcome)
	}
	req := httptest.NewRequest(http.MethodGet, "http://test/crm/v2/tenant/1/customers/abc", nil)
	vs := op.ValidateRequest(req, values)
	if len(vs) == 0 {
		t.Fatal("no violations for a non-integer customer ID")
	}
	found := false
	for _, v := range vs {
		if v.Field == "id" {
			found = true
			if !strings.Contains(v.Message, `path parameter "id"`) {
				t.Errorf("message = %q", v.Message)
			}
		}
		if v.Field == "tenant" {
			t.Errorf("the valid tenant was flagged: %v", v)
		}
	}
	if !found {
		t.Errorf("violations = %v, want one for field id", vs)
	}

	// The control: a valid ID passes.
	op, values, _ = s.Match("GET", "/crm/v2/tenant/1/customers/5")
	req = httptest.NewRequest(http.MethodGet, "http://test/crm/v2/tenant/1/customers/5", nil)
	if vs := op.ValidateRequest(req, values); len(vs) != 0 {
		t.Errorf("violations for a valid request: %v", vs)
	}
}

// TestModuleDocumentNeedsItsScope checks that a module document without its
// scope abbreviation is refused rather than served with no scopes at all.
func TestModuleDocumentNeedsItsScope(t *testing.T) {
	doc := func(ext string) []byte {
		return []byte("openapi: 3.0.1\ninfo: {title: t, version: '1'}\nservers: [{url: /things/v2}]\n" + ext +
			"paths:\n  /tenant/{tenant}/things:\n    get:\n      operationId: Things_GetList\n" +
			"      parameters: [{name: tenant, in: path, required: true, schema: {type: integer}}]\n" +
			"      responses: {'200': {description: OK}}\n")
	}
	for _, tc := range []struct {
		name, ext, wantScope string
	}{
		{"with", "x-stsim-scope: thg\n", "tn.thg.things:r"},
		{"without", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"things.yaml": {Data: doc(tc.ext)}}
			for _, name := range []string{"token.yaml", "sim.yaml"} {
				data, err := fs.ReadFile(openapi.FS, name)
				if err != nil {
					t.Fatal(err)
				}
				fsys[name] = &fstest.MapFile{Data: data}
			}
			d, err := Load(fsys).Document("things")
			if tc.wantScope == "" {
				if err == nil || !strings.Contains(err.Error(), openapi.ScopeExtension) {
					t.Fatalf("loaded without %s: err = %v", openapi.ScopeExtension, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Ops) != 1 || d.Ops[0].Scope != tc.wantScope {
				t.Fatalf("ops = %+v, want one needing %s", d.Ops, tc.wantScope)
			}
		})
	}
}
