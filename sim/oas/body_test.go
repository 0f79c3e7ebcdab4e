package oas

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// kinAccepts is what kin-openapi's request body validation decides for
// data, decoded and visited as ValidateRequestBody does with stsim's options.
func kinAccepts(schema *openapi3.Schema, data []byte) bool {
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return false
	}
	return schema.VisitJSON(v, openapi3.VisitAsRequest(), openapi3.MultiErrors()) == nil
}

// fastAccepts is the fast check's verdict on data.
func fastAccepts(check *bodyCheck, data []byte) bool {
	var t jsonTree
	return t.parse(string(data)) && check.schema.accepts(&t, 0, 0)
}

// bodyOps returns every operation whose body has a fast check, by name.
func bodyOps(t testing.TB) map[string]*Operation {
	t.Helper()
	ops, err := loadSpec(t).Operations()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*Operation{}
	for _, op := range ops {
		if op.prepared().body != nil {
			out[op.QualifiedID()] = op
		}
	}
	return out
}

// TestBodyCheckNeverAcceptsWhatKinRejects builds, for every operation with
// a fast check, valid bodies from its schema and many broken variants of
// them, and wants the fast check to accept every body kin-openapi accepts
// among the valid ones and nothing kin-openapi rejects.
func TestBodyCheckNeverAcceptsWhatKinRejects(t *testing.T) {
	ops := bodyOps(t)
	for _, must := range []string{"crm.Customers_Create", "crm.Locations_Create", "jpm.Jobs_Create", "crm.Bookings_Create", "dispatch.Capacity_GetList"} {
		if ops[must] == nil {
			t.Errorf("%s has no fast body check", must)
		}
	}
	names := make([]string, 0, len(ops))
	for name := range ops {
		names = append(names, name)
	}
	sort.Strings(names)
	var accepted, rejected, bodies int
	for _, name := range names {
		check := ops[name].prepared().body
		schema := check.media.Schema.Value
		for _, full := range []bool{false, true} {
			sample := sampleValue(schema, full, 0)
			valid := mustJSON(t, sample)
			if !kinAccepts(schema, valid) {
				continue // the sample generator does not know this schema well enough
			}
			if !fastAccepts(check, valid) {
				t.Errorf("%s: the fast check does not accept a valid body kin-openapi accepts: %s", name, valid)
			}
			accepted++
			for _, variant := range variants(t, sample, valid) {
				bodies++
				fast, kin := fastAccepts(check, variant), kinAccepts(schema, variant)
				if fast && !kin {
					t.Errorf("%s: the fast check accepts a body kin-openapi rejects: %s", name, variant)
				}
				if !fast {
					rejected++
				}
			}
		}
	}
	if accepted < len(ops) {
		t.Errorf("only %d valid samples for %d operations with a fast check", accepted, len(ops))
	}
	t.Logf("%d operations with a fast check, %d valid samples, %d variants (%d left to kin-openapi)", len(ops), accepted, bodies, rejected)
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// sampleValue makes a value the schema accepts: required members only, or
// every member when full is set.
func sampleValue(s *openapi3.Schema, full bool, depth int) any {
	if depth > 8 {
		return nil
	}
	for _, group := range [][]*openapi3.SchemaRef{s.AllOf, s.OneOf, s.AnyOf} {
		if len(group) > 0 && group[0].Value != nil {
			return sampleValue(group[0].Value, full, depth+1)
		}
	}
	if len(s.Enum) > 0 {
		return s.Enum[0]
	}
	switch {
	case s.Type.Is(openapi3.TypeString):
		switch s.Format {
		case "date-time":
			return "2026-03-04T05:06:07Z"
		case "date":
			return "2026-03-04"
		}
		return strings.Repeat("x", max(int(s.MinLength), 4))
	case s.Type.Is(openapi3.TypeInteger):
		if s.Min != nil {
			return int64(*s.Min) + 1
		}
		return 7
	case s.Type.Is(openapi3.TypeNumber):
		return 1.5
	case s.Type.Is(openapi3.TypeBoolean):
		return true
	case s.Type.Is(openapi3.TypeArray):
		if s.Items == nil || s.Items.Value == nil {
			return []any{}
		}
		return []any{sampleValue(s.Items.Value, full, depth+1)}
	case s.Type.Is(openapi3.TypeObject):
		obj := map[string]any{}
		for name, ref := range s.Properties {
			if (full || slices.Contains(s.Required, name)) && ref.Value != nil {
				obj[name] = sampleValue(ref.Value, full, depth+1)
			}
		}
		return obj
	}
	return "any"
}

// variants returns broken (and some still valid) variants of a valid
// value: every member and element replaced by values of other types, out
// of range or null, required members removed, unknown members added, and
// a few textual changes of the JSON.
func variants(t testing.TB, sample any, valid []byte) [][]byte {
	var out [][]byte
	replacements := []any{nil, "x", "", json.Number("1.5"), json.Number("3000000000"), json.Number("-1"),
		json.Number("1e400"), true, map[string]any{}, []any{}, "2026-02-30T00:00:00Z", "yesterday"}
	var walk func(v any, set func(any))
	walk = func(v any, set func(any)) {
		for _, r := range replacements {
			set(r)
			out = append(out, mustJSON(t, sample))
		}
		set(v)
		switch v := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			v["zzUnknownMember"] = 1
			out = append(out, mustJSON(t, sample))
			delete(v, "zzUnknownMember")
			for _, k := range keys {
				child := v[k]
				delete(v, k)
				out = append(out, mustJSON(t, sample))
				v[k] = child
				walk(child, func(x any) { v[k] = x })
			}
		case []any:
			for i := range v {
				walk(v[i], func(x any) { v[i] = x })
			}
		}
	}
	walk(sample, func(any) {})
	text := string(valid)
	out = append(out,
		[]byte(text+" trailing"), []byte(text+"}"), []byte("["+text+"]"), []byte(" "+text+"\n"),
		[]byte(strings.Replace(text, `":`, `" :`, 1)), []byte(strings.Replace(text, `"`, `"\u0061`, 1)),
		[]byte(strings.Replace(text, `{`, `{"zz":1,`, 1)), []byte(strings.Replace(text, `,`, `,,`, 1)),
		[]byte(strings.Repeat("[", 100)+strings.Repeat("]", 100)), []byte("null"), []byte(""), []byte("{"))
	if i := strings.Index(text, `":`); i > 0 {
		// the first member twice: once broken, once as it was
		j := strings.LastIndex(text[:i], `"`)
		out = append(out, []byte("{"+text[j:i+2]+`{"broken":[]},`+text[1:]))
	}
	return out
}

// TestBodyCheckJudgesKeywordsAsKin checks each keyword the fast check
// judges on small schemas, against kin-openapi: the same verdict, but for
// the bodies it leaves to kin-openapi (a member given twice, data after the
// value), which kin-openapi's decoder takes.
func TestBodyCheckJudgesKeywordsAsKin(t *testing.T) {
	leftToKin := map[string]bool{`{"a":"x","a":1}`: true, `{"a":1,"a":"x"}`: true, `true false`: true}
	for _, tc := range []struct {
		schema string
		bodies []string
	}{
		{`{"type":"integer","format":"int32","minimum":1,"maximum":5000}`, []string{"1", "5000", "0", "5001", "1.0", "1.5", "3e9", "-0", "1e2", `"1"`, "null"}},
		{`{"type":"integer","format":"int64"}`, []string{"9223372036854775807", "9223372036854775808", "-9223372036854775808", "1e19", "1e400"}},
		{`{"type":"number","nullable":true}`, []string{"1.25", "null", "true", "-0.5e-3"}},
		{`{"type":"string","minLength":2,"maxLength":3}`, []string{`"a"`, `"ab"`, `"abcd"`, `"\ud83d\ude00"`, `"é"`, `"éé"`, `"a\u0062"`}},
		{`{"type":"string","format":"date-time"}`, []string{`"2026-01-02T03:04:05Z"`, `"2026-02-30T03:04:05Z"`, `"2026-01-02"`, `"x"`}},
		{`{"type":"string","format":"date"}`, []string{`"2026-01-02"`, `"2026-13-02"`}},
		{`{"type":"string","enum":["A","B"]}`, []string{`"A"`, `"C"`, `1`, `null`}},
		{`{"type":"array","items":{"type":"boolean"},"minItems":1,"maxItems":2}`, []string{"[]", "[true]", "[true,false,true]", "[1]", "{}"}},
		{`{"type":"object","required":["a"],"properties":{"a":{"type":"string"}},"additionalProperties":false}`,
			[]string{`{"a":"x"}`, `{}`, `{"a":"x","b":1}`, `{"a":1}`, `{"a":"x","a":1}`, `{"a":1,"a":"x"}`, `{"\u0061":"x"}`, `[]`}},
		{`{"type":"object","additionalProperties":{"type":"integer"}}`, []string{`{"a":1}`, `{"a":"x"}`, `{}`}},
		{`{"oneOf":[{"type":"object","properties":{"a":{"type":"integer"}}}]}`, []string{`{"a":1}`, `{"a":"x"}`, `null`, `"s"`}},
		{`{"oneOf":[{"type":"object"}],"nullable":true}`, []string{`null`, `{}`, `1`}},
		{`{"allOf":[{"type":"object","nullable":true}]}`, []string{`null`, `{}`, `1`}},
		{`{"allOf":[{"type":"integer"},{"minimum":3}]}`, []string{`2`, `3`, `null`, `"x"`}},
		{`{}`, []string{`null`, `1`, `"x"`, `{}`}},
		{`{"nullable":true,"format":"date-time"}`, []string{`null`, `"x"`, `1`, `"2026-01-02T03:04:05Z"`}},
		{`{"type":"boolean"}`, []string{`true`, `false`, `"true"`, `tru`, `true false`}},
	} {
		var s openapi3.Schema
		if err := json.Unmarshal([]byte(tc.schema), &s); err != nil {
			t.Fatalf("%s: %v", tc.schema, err)
		}
		compiled := compileBody(openapi3.NewSchemaRef("", &s))
		if compiled == nil {
			t.Errorf("%s: not compiled", tc.schema)
			continue
		}
		check := &bodyCheck{schema: compiled}
		for _, body := range tc.bodies {
			fast, kin := fastAccepts(check, []byte(body)), kinAccepts(&s, []byte(body))
			if fast != kin && !(leftToKin[body] && !fast) {
				t.Errorf("%s with %s: fast check %v, kin-openapi %v", tc.schema, body, fast, kin)
			}
		}
	}
}

// TestBodyCheckLeavesOtherKeywordsToKin: schemas using keywords the fast
// check does not judge get no fast check at all.
func TestBodyCheckLeavesOtherKeywordsToKin(t *testing.T) {
	for _, schema := range []string{
		`{"type":"string","pattern":"^a"}`, `{"not":{"type":"string"}}`, `{"oneOf":[{"type":"string"},{"type":"integer"}]}`,
		`{"anyOf":[{"type":"string"},{"type":"integer"}]}`, `{"type":"number","multipleOf":2}`,
		`{"type":"number","minimum":1,"exclusiveMinimum":true}`, `{"type":"array","uniqueItems":true}`,
		`{"type":"object","minProperties":1}`, `{"type":"object","properties":{"id":{"type":"integer","readOnly":true}}}`,
		`{"type":"integer","enum":[1,2]}`, `{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"string","pattern":"x"}}}}}`,
	} {
		var s openapi3.Schema
		if err := json.Unmarshal([]byte(schema), &s); err != nil {
			t.Fatalf("%s: %v", schema, err)
		}
		if compileBody(openapi3.NewSchemaRef("", &s)) != nil {
			t.Errorf("%s: compiled, want it left to kin-openapi", schema)
		}
	}
}

// TestValidateRequestPutsTheBodyBack: after validation (accepted by the
// fast check or not) the handler reads the same bytes.
func TestValidateRequestPutsTheBodyBack(t *testing.T) {
	s := loadSpec(t)
	for _, body := range []string{string(benchCreateCustomer), `{"name":1}`} {
		req := httptest.NewRequest(http.MethodPost, "/crm/v2/tenant/1/customers", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		op, values, _ := s.Match(req.Method, req.URL.Path)
		vs := op.ValidateRequest(req, values)
		if (len(vs) == 0) != (body == string(benchCreateCustomer)) {
			t.Errorf("%s: violations %v", body, vs)
		}
		var got bytes.Buffer
		if _, err := got.ReadFrom(req.Body); err != nil || got.String() != body {
			t.Errorf("body after validation = %q (%v), want %q", got.String(), err, body)
		}
	}
}

// FuzzBodyCheck: on any body, the fast check of a customer create and of a
// job create accepts only what kin-openapi accepts.
func FuzzBodyCheck(f *testing.F) {
	ops := bodyOps(f)
	names := []string{"crm.Customers_Create", "jpm.Jobs_Create"}
	for _, name := range names {
		schema := ops[name].prepared().body.media.Schema.Value
		for _, full := range []bool{false, true} {
			f.Add(mustJSON(f, sampleValue(schema, full, 0)))
		}
	}
	f.Add(benchCreateCustomer)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range names {
			check := ops[name].prepared().body
			if fastAccepts(check, data) && !kinAccepts(check.media.Schema.Value, data) {
				t.Fatalf("%s: the fast check accepts a body kin-openapi rejects: %q", name, data)
			}
		}
	})
}

// TestBodyCheckBounds: bodies past the fast check's bounds go to
// kin-openapi, which still accepts the valid ones.
func TestBodyCheckBounds(t *testing.T) {
	var s openapi3.Schema
	if err := json.Unmarshal([]byte(`{"type":"array","items":{"type":"integer"}}`), &s); err != nil {
		t.Fatal(err)
	}
	check := &bodyCheck{schema: compileBody(openapi3.NewSchemaRef("", &s))}
	within := "[" + strings.TrimSuffix(strings.Repeat("1,", maxBodyNodes-1), ",") + "]"
	past := "[" + strings.TrimSuffix(strings.Repeat("1,", maxBodyNodes), ",") + "]"
	deep := strings.Repeat("[", maxBodyDepth+2) + strings.Repeat("]", maxBodyDepth+2)
	for _, tc := range []struct {
		body string
		fast bool
	}{{within, true}, {past, false}, {deep, false}} {
		if got := fastAccepts(check, []byte(tc.body)); got != tc.fast {
			t.Errorf("%d bytes: fast check %v, want %v", len(tc.body), got, tc.fast)
		}
	}
	if !kinAccepts(&s, []byte(past)) {
		t.Error("kin-openapi rejects the long array")
	}
}

// TestSmallIntegerReadsAsParseFloat holds the digits-only fast path of
// acceptsNumber to strconv.ParseFloat: the same value (negative zero
// aside, which compares equal) for what it reads, and no reading at all of
// anything else.
func TestSmallIntegerReadsAsParseFloat(t *testing.T) {
	for _, text := range []string{"0", "-0", "6", "007", "1234567", "-42", "999999999999999", "-999999999999999",
		"1000000000000000", "9007199254740993", "", "-", "+5", "1.0", "1e3", "0x10", " 1", "1 ", "12a", "--1", "١"} {
		got, ok := smallInteger(text)
		want, err := strconv.ParseFloat(text, 64)
		digits := strings.TrimPrefix(text, "-")
		wantOK := err == nil && len(digits) >= 1 && len(digits) <= 15 && strings.Trim(digits, "0123456789") == ""
		if ok != wantOK || ok && got != want {
			t.Errorf("smallInteger(%q) = %v, %v; ParseFloat: %v, %v", text, got, ok, want, err)
		}
	}
}

func FuzzSmallInteger(f *testing.F) {
	for _, s := range []string{"6", "-12", "1234567890123456", "1e5", "+1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got, ok := smallInteger(text)
		if !ok {
			return
		}
		if want, err := strconv.ParseFloat(text, 64); err != nil || got != want {
			t.Fatalf("smallInteger(%q) = %v; ParseFloat: %v, %v", text, got, want, err)
		}
	})
}
