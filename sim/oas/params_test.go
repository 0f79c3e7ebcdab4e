package oas

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// kinAcceptsParams is kin-openapi's verdict on the parameters of r alone,
// as ValidateRequest asks it once the body is judged.
func kinAcceptsParams(op *Operation, r *http.Request, values []string) bool {
	input := op.input(r, values)
	input.Route = op.prepared().route
	input.Options = requestOptionsBodyChecked
	return openapi3filter.ValidateRequest(context.Background(), input) == nil
}

// paramSamples are path values that kin-openapi decodes in every way the
// fast check must tell apart: integers at and past the int32 and int64
// bounds and near float64's precision, signs, leading zeros, other number
// forms, strings, GUIDs and characters a path segment may carry.
var paramSamples = []string{
	"0", "1", "42", "007", "+5", "-5", "-0", "2147483647", "2147483648", "-2147483648", "-2147483649",
	"9007199254740993", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "99999999999999999999",
	"1.5", "1e3", "0x10", "1_000", "", " 1", "abc", "contacts", "true",
	"3fa85f64-5717-4562-b3fc-2c963f66afa6", "3FA85F64-5717-4562-B3FC-2C963F66AFA6", "{3fa85f64-5717-4562-b3fc-2c963f66afa6}",
	"a b", "é", "%41", ",", ".5", ";x=1",
}

// TestParamCheckNeverAcceptsWhatKinRejects puts every sample in every
// path parameter of every operation (the others valid) and wants the fast
// check to accept only what kin-openapi accepts, and to judge the common
// calls itself: a get by ID and a create without a query string.
func TestParamCheckNeverAcceptsWhatKinRejects(t *testing.T) {
	ops, err := loadSpec(t).Operations()
	if err != nil {
		t.Fatal(err)
	}
	var checked, accepted, judged int
	for _, op := range ops {
		check := op.prepared().params
		if check == nil {
			continue
		}
		checked++
		base := make([]string, len(op.ParamNames))
		for i := range base {
			base[i] = "1"
		}
		for i := range base {
			for _, sample := range paramSamples {
				values := append([]string(nil), base...)
				values[i] = sample
				r := httptest.NewRequest(op.Method, "/", nil)
				fast, kin := check.accepts(r, values), kinAcceptsParams(op, r, values)
				if fast && !kin {
					t.Errorf("%s: the fast check accepts %s=%q, kin-openapi rejects it", op.QualifiedID(), op.ParamNames[i], sample)
				}
				judged++
				if fast {
					accepted++
				}
			}
		}
	}
	if checked < len(ops)*3/4 {
		t.Errorf("only %d of %d operations have a fast parameter check", checked, len(ops))
	}
	for _, name := range []string{"crm.Customers_Get", "crm.Customers_Create", "jpm.Jobs_Get", "dispatch.Capacity_GetList"} {
		op := findOp(t, ops, name)
		values := make([]string, len(op.ParamNames))
		for i := range values {
			values[i] = "42"
		}
		if check := op.prepared().params; check == nil || !check.accepts(httptest.NewRequest(op.Method, "/", nil), values) {
			t.Errorf("%s: the fast check does not judge a call with valid path values", name)
		}
	}
	t.Logf("%d of %d operations checked fast; %d of %d samples accepted", checked, len(ops), accepted, judged)
}

func findOp(t *testing.T, ops []*Operation, name string) *Operation {
	t.Helper()
	for _, op := range ops {
		if op.QualifiedID() == name {
			return op
		}
	}
	t.Fatalf("no operation %s", name)
	return nil
}

// TestParamCheckLeavesQueriesToKin: a request with a query string, even
// one without parameters ("?&"), is never judged by the fast check. A bare
// "?" leaves no query string: the fast check judges it, and accepts it as
// kin-openapi does.
func TestParamCheckLeavesQueriesToKin(t *testing.T) {
	ops, err := loadSpec(t).Operations()
	if err != nil {
		t.Fatal(err)
	}
	op := findOp(t, ops, "crm.Customers_Get")
	values := []string{"1", "2"}
	for _, target := range []string{"/?x=1", "/?&", "/?pageSize=0"} {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		if r.URL.RawQuery == "" {
			t.Fatalf("%s: no query string", target)
		}
		if op.prepared().params.accepts(r, values) {
			t.Errorf("%s: judged by the fast check", target)
		}
	}
	r := httptest.NewRequest(http.MethodGet, "/?", nil)
	if !op.prepared().params.accepts(r, values) || !kinAcceptsParams(op, r, values) {
		t.Errorf("/?: the fast check accepts it: %v, kin-openapi: %v; want both",
			op.prepared().params.accepts(r, values), kinAcceptsParams(op, r, values))
	}
}

// TestParamCheckLeavesOtherParametersToKin: operations with parameters
// the fast check does not mirror get none.
func TestParamCheckLeavesOtherParametersToKin(t *testing.T) {
	spec := &openapi3.T{OpenAPI: "3.0.3"}
	integer := openapi3.NewSchemaRef("", openapi3.NewIntegerSchema())
	for _, tc := range []struct {
		name  string
		param *openapi3.Parameter
	}{
		{"header", &openapi3.Parameter{Name: "X-A", In: "header", Schema: integer}},
		{"cookie", &openapi3.Parameter{Name: "a", In: "cookie", Schema: integer}},
		{"required query", &openapi3.Parameter{Name: "a", In: "query", Required: true, Schema: integer}},
		{"label style", &openapi3.Parameter{Name: "id", In: "path", Required: true, Style: "label", Schema: integer}},
		{"content", &openapi3.Parameter{Name: "id", In: "path", Required: true, Content: openapi3.NewContentWithJSONSchema(openapi3.NewIntegerSchema())}},
		{"integer enum", &openapi3.Parameter{Name: "id", In: "path", Required: true, Schema: openapi3.NewSchemaRef("", &openapi3.Schema{Type: &openapi3.Types{"integer"}, Enum: []any{1.0, 2.0}})}},
		{"oneOf", &openapi3.Parameter{Name: "id", In: "path", Required: true, Schema: openapi3.NewSchemaRef("", &openapi3.Schema{OneOf: openapi3.SchemaRefs{integer}})}},
		{"array", &openapi3.Parameter{Name: "id", In: "path", Required: true, Schema: openapi3.NewSchemaRef("", openapi3.NewArraySchema().WithItems(openapi3.NewIntegerSchema()))}},
		{"no type", &openapi3.Parameter{Name: "id", In: "path", Required: true, Schema: openapi3.NewSchemaRef("", &openapi3.Schema{})}},
		{"pattern", &openapi3.Parameter{Name: "id", In: "path", Required: true, Schema: openapi3.NewSchemaRef("", openapi3.NewStringSchema().WithPattern("^a"))}},
		{"undeclared name", &openapi3.Parameter{Name: "other", In: "path", Required: true, Schema: integer}},
	} {
		route := &routers.Route{Spec: spec, PathItem: &openapi3.PathItem{},
			Operation: &openapi3.Operation{Parameters: openapi3.Parameters{{Value: tc.param}}}}
		if compileParamCheck(route, []string{"id"}) != nil {
			t.Errorf("%s: compiled, want it left to kin-openapi", tc.name)
		}
	}
	route := &routers.Route{Spec: spec, PathItem: &openapi3.PathItem{}, Operation: &openapi3.Operation{
		Parameters: openapi3.Parameters{{Value: &openapi3.Parameter{Name: "id", In: "path", Required: true, Schema: integer}}},
		Security:   &openapi3.SecurityRequirements{{"oauth": {}}}}}
	if compileParamCheck(route, []string{"id"}) != nil {
		t.Error("an operation whose security kin-openapi checks: compiled, want it left to kin-openapi")
	}
	route.Operation.Security = nil
	if compileParamCheck(route, []string{"id", "id"}) != nil {
		t.Error("a parameter named twice in the path: compiled, want it left to kin-openapi")
	}
	if compileParamCheck(route, []string{"id"}) == nil {
		t.Error("a plain integer path parameter: not compiled")
	}
}

// validPathValues are path values every check accepts for op: 1 for an
// integer, a GUID for a string of format guid, a word for another string.
func validPathValues(op *Operation) []string {
	values := make([]string, len(op.ParamNames))
	for i, name := range op.ParamNames {
		values[i] = "1"
		for _, ref := range op.prepared().route.Operation.Parameters {
			p := ref.Value
			if p != nil && p.In == openapi3.ParameterInPath && p.Name == name && p.Schema != nil && p.Schema.Value != nil &&
				p.Schema.Value.Type.Is(openapi3.TypeString) {
				values[i] = "word"
				if p.Schema.Value.Format == "guid" {
					values[i] = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
				}
			}
		}
	}
	return values
}

// FuzzParamCheck: on any value of one path parameter of any operation with
// a fast check, the others valid, the fast check accepts only what
// kin-openapi accepts. The seeds put every sample in an integer, a GUID
// and a plain string parameter.
func FuzzParamCheck(f *testing.F) {
	ops, err := loadSpec(f).Operations()
	if err != nil {
		f.Fatal(err)
	}
	type slot struct {
		op    *Operation
		index int      // the fuzzed parameter's position in the path values
		valid []string // the path values around it
	}
	var slots []slot
	seeds := map[string]int{} // a slot of each kind of parameter
	for _, op := range ops {
		check := op.prepared().params
		if check == nil || len(check.path) == 0 {
			continue
		}
		valid := validPathValues(op)
		r := httptest.NewRequest(op.Method, "/", nil)
		if !check.accepts(r, valid) || !kinAcceptsParams(op, r, valid) {
			f.Fatalf("%s: the valid path values %q are not accepted by both checks", op.QualifiedID(), valid)
		}
		for _, p := range check.path {
			kind := "integer"
			if p.kind == paramString {
				kind = "string " + valid[p.index]
			}
			if _, ok := seeds[kind]; !ok {
				seeds[kind] = len(slots)
			}
			slots = append(slots, slot{op, p.index, valid})
		}
	}
	if len(seeds) != 3 {
		f.Fatalf("path parameters of kinds %v, want an integer, a GUID and a plain string", seeds)
	}
	for _, i := range seeds {
		for _, s := range paramSamples {
			f.Add(s, uint16(i))
		}
	}
	f.Fuzz(func(t *testing.T, value string, pick uint16) {
		if strings.Contains(value, "/") {
			return // never a path value
		}
		s := slots[int(pick)%len(slots)]
		values := slices.Clone(s.valid)
		values[s.index] = value
		r := httptest.NewRequest(s.op.Method, "/", nil)
		if s.op.prepared().params.accepts(r, values) && !kinAcceptsParams(s.op, r, values) {
			t.Fatalf("%s: the fast check accepts %s=%q, kin-openapi rejects it", s.op.QualifiedID(), s.op.ParamNames[s.index], value)
		}
	})
}
