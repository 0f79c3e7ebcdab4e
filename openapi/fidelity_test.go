package openapi_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/stsim/stsim/openapi/specfacts"
	"github.com/stsim/stsim/sim"
)

// defaultReferenceDir is where dev machines keep ServiceTitan's documents,
// relative to this package's folder.
const defaultReferenceDir = "../../shared/reference/servicetitan-openapi"

// referenceDir returns the folder holding the reference documents, or skips
// the test when there is none (as in CI).
func referenceDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("STSIM_REFERENCE_DIR")
	if dir == "" {
		dir = defaultReferenceDir
	}
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		t.Skipf("reference OpenAPI documents not found at %s; fidelity check skipped (set STSIM_REFERENCE_DIR to run it)", dir)
	} else if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestFidelity checks that every generated module document states exactly
// the facts of its ServiceTitan reference document, apart from the
// deviations listed in specfacts.
func TestFidelity(t *testing.T) {
	dir := referenceDir(t)
	for _, m := range sim.Modules {
		src := m.Module
		t.Run(src.Name, func(t *testing.T) {
			ref, err := openapi3.NewLoader().LoadFromFile(filepath.Join(dir, src.Reference))
			if err != nil {
				t.Fatalf("load reference %s: %v", src.Reference, err)
			}
			ours := loadEmbedded(t, src.File())
			if err := applyDeviations(ref, src.Name); err != nil {
				t.Fatal(err)
			}
			d := newDiffer()
			d.document(src.Name, ref, ours)
			const limit = 60
			for i, msg := range d.diffs {
				if i == limit {
					t.Errorf("... and %d more differences", len(d.diffs)-limit)
					break
				}
				t.Errorf("%s: %s", src.File(), msg)
			}
		})
	}
}

// TestReferenceVersion checks that each generated document names the bytes
// of the reference it came from, so a changed reference asks for a rerun of
// cmd/specgen.
func TestReferenceVersion(t *testing.T) {
	dir := referenceDir(t)
	for _, m := range sim.Modules {
		src := m.Module
		raw, err := os.ReadFile(filepath.Join(dir, src.Reference))
		if err != nil {
			t.Fatal(err)
		}
		want := "+ref." + sha256Prefix(raw)
		if got := loadEmbedded(t, src.File()).Info.Version; !strings.HasSuffix(got, want) {
			t.Errorf("%s: info.version %q, want suffix %q: the reference changed; run go run ./cmd/specgen", src.File(), got, want)
		}
	}
}

// applyDeviations makes the documented deviations in a loaded reference
// document, so that it should then equal the generated one. Path parameter
// renames are mapped during the comparison instead.
func applyDeviations(ref *openapi3.T, module string) error {
	for _, d := range specfacts.For(module) {
		switch d.Kind {
		case specfacts.AddProperty:
			s := ref.Components.Schemas[d.Target]
			if s == nil || s.Value == nil {
				return fmt.Errorf("deviation: reference has no schema %s", d.Target)
			}
			if s.Value.Properties[d.Name] != nil {
				return fmt.Errorf("deviation %s.%s is stale: the reference has it", d.Target, d.Name)
			}
			var add openapi3.Schema
			if err := json.Unmarshal([]byte(d.Schema), &add); err != nil {
				return fmt.Errorf("deviation %s.%s: %v", d.Target, d.Name, err)
			}
			s.Value.Properties[d.Name] = &openapi3.SchemaRef{Value: &add}
		case specfacts.AddQueryParam:
			op := findOperation(ref, d.Target)
			if op == nil {
				return fmt.Errorf("deviation: reference has no operation %s", d.Target)
			}
			if op.Parameters.GetByInAndName(openapi3.ParameterInQuery, d.Name) != nil {
				return fmt.Errorf("deviation %s %s is stale: the reference has it", d.Target, d.Name)
			}
			var add openapi3.Schema
			if err := json.Unmarshal([]byte(d.Schema), &add); err != nil {
				return fmt.Errorf("deviation %s %s: %v", d.Target, d.Name, err)
			}
			op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: &openapi3.Parameter{
				Name: d.Name, In: openapi3.ParameterInQuery, Schema: &openapi3.SchemaRef{Value: &add},
			}})
		case specfacts.RenamePathParam:
			if ref.Paths.Value(d.Target) == nil {
				return fmt.Errorf("deviation: reference has no path %s", d.Target)
			}
		case specfacts.ErrorResponse:
			op := findOperation(ref, d.Target)
			if op == nil {
				return fmt.Errorf("deviation: reference has no operation %s", d.Target)
			}
			var media *openapi3.MediaType
			if resp := op.Responses.Value(d.Name); resp != nil && resp.Value != nil {
				media = resp.Value.Content.Get("application/json")
			}
			if media == nil || media.Schema == nil || media.Schema.Value == nil || !media.Schema.Value.Type.Is(openapi3.TypeString) {
				return fmt.Errorf("deviation %s %s is stale: the reference's response is not a bare string", d.Target, d.Name)
			}
			errSchema := ref.Components.Schemas[specfacts.ErrorSchema]
			if errSchema == nil {
				return fmt.Errorf("deviation %s %s: reference has no schema %s", d.Target, d.Name, specfacts.ErrorSchema)
			}
			media.Schema = &openapi3.SchemaRef{Ref: "#/components/schemas/" + specfacts.ErrorSchema, Value: errSchema.Value}
		}
	}
	return nil
}

func findOperation(doc *openapi3.T, id string) *openapi3.Operation {
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.OperationID == id {
				return op
			}
		}
	}
	return nil
}

// differ collects the factual differences between a reference document and
// a generated one.
type differ struct {
	diffs []string
	seen  map[[2]*openapi3.Schema]bool // schema pairs already compared
}

func newDiffer() *differ {
	return &differ{seen: map[[2]*openapi3.Schema]bool{}}
}

func (d *differ) addf(format string, args ...any) {
	d.diffs = append(d.diffs, fmt.Sprintf(format, args...))
}

// document compares two whole documents.
func (d *differ) document(module string, ref, ours *openapi3.T) {
	if ref.OpenAPI != ours.OpenAPI {
		d.addf("openapi: reference %q, ours %q", ref.OpenAPI, ours.OpenAPI)
	}
	d.facts("security", ref.Security, ours.Security)
	d.operations(module, ref, ours)
	d.components(ref.Components, ours.Components)
}

// operations compares every reference operation with ours, and reports the
// operations only ours has.
func (d *differ) operations(module string, ref, ours *openapi3.T) {
	matched := map[string]bool{}
	for _, path := range sortedKeys(ref.Paths.Map()) {
		refItem := ref.Paths.Value(path)
		ourPath := specfacts.RenamedPath(module, path)
		renames := pathRenames(module, path)
		ourItem := ours.Paths.Value(ourPath)
		if ourItem == nil {
			d.addf("path %s: missing", ourPath)
			continue
		}
		d.params("path "+path, refItem.Parameters, ourItem.Parameters, renames)
		for _, method := range sortedKeys(refItem.Operations()) {
			refOp := refItem.GetOperation(method)
			at := fmt.Sprintf("%s (%s %s)", refOp.OperationID, method, path)
			ourOp := ourItem.GetOperation(method)
			matched[method+" "+ourPath] = true
			if ourOp == nil {
				d.addf("%s: missing; ours has no %s %s", at, method, ourPath)
				continue
			}
			d.operation(at, refOp, ourOp, renames)
		}
	}
	for _, path := range sortedKeys(ours.Paths.Map()) {
		for _, method := range sortedKeys(ours.Paths.Value(path).Operations()) {
			if !matched[method+" "+path] {
				op := ours.Paths.Value(path).GetOperation(method)
				d.addf("%s (%s %s): not in the reference", op.OperationID, method, path)
			}
		}
	}
}

// pathRenames maps reference path parameter names to ours for one path.
func pathRenames(module, path string) map[string]string {
	m := map[string]string{}
	for _, dev := range specfacts.For(module) {
		if dev.Kind == specfacts.RenamePathParam && dev.Target == path {
			m[dev.Name] = dev.To
		}
	}
	return m
}

// operation compares two operations.
func (d *differ) operation(at string, ref, ours *openapi3.Operation, renames map[string]string) {
	strip := func(op openapi3.Operation) openapi3.Operation {
		op.Summary, op.Description, op.ExternalDocs, op.Origin = "", "", nil, nil
		op.Parameters, op.RequestBody, op.Responses = nil, nil, nil
		return op
	}
	d.facts(at, strip(*ref), strip(*ours))
	d.params(at, ref.Parameters, ours.Parameters, renames)
	d.requestBody(at+": request body", ref.RequestBody, ours.RequestBody)
	d.responses(at, ref.Responses, ours.Responses)
}

// params compares parameter lists as sets keyed by location and name.
func (d *differ) params(at string, ref, ours openapi3.Parameters, renames map[string]string) {
	index := func(ps openapi3.Parameters, rename bool) map[string]*openapi3.ParameterRef {
		m := map[string]*openapi3.ParameterRef{}
		for _, p := range ps {
			if p.Value == nil {
				continue
			}
			name := p.Value.Name
			if to, ok := renames[name]; rename && ok && p.Value.In == openapi3.ParameterInPath {
				name = to
			}
			key := p.Value.In + " " + name
			if m[key] != nil {
				d.addf("%s: parameter %s declared twice", at, key)
			}
			m[key] = p
		}
		return m
	}
	refs, ourParams := index(ref, true), index(ours, false)
	for _, key := range union(refs, ourParams) {
		r, o := refs[key], ourParams[key]
		where := fmt.Sprintf("%s: parameter %s", at, key)
		switch {
		case o == nil:
			d.addf("%s: missing", where)
		case r == nil:
			d.addf("%s: not in the reference", where)
		default:
			if r.Ref != o.Ref {
				d.addf("%s: $ref: reference %q, ours %q", where, r.Ref, o.Ref)
			}
			strip := func(p openapi3.Parameter) openapi3.Parameter {
				if to, ok := renames[p.Name]; ok && p.In == openapi3.ParameterInPath {
					p.Name = to
				}
				p.Description, p.Example, p.Examples, p.Origin = "", nil, nil, nil
				p.Schema, p.Content = nil, nil
				return p
			}
			d.facts(where, strip(*r.Value), strip(*o.Value))
			d.schema(where+": schema", r.Value.Schema, o.Value.Schema)
			d.content(where, r.Value.Content, o.Value.Content)
		}
	}
}

func (d *differ) requestBody(at string, ref, ours *openapi3.RequestBodyRef) {
	if ref == nil || ours == nil {
		if (ref == nil) != (ours == nil) {
			d.addf("%s: reference has one: %t, ours has one: %t", at, ref != nil, ours != nil)
		}
		return
	}
	if ref.Ref != ours.Ref {
		d.addf("%s: $ref: reference %q, ours %q", at, ref.Ref, ours.Ref)
	}
	strip := func(b openapi3.RequestBody) openapi3.RequestBody {
		b.Description, b.Content, b.Origin = "", nil, nil
		return b
	}
	d.facts(at, strip(*ref.Value), strip(*ours.Value))
	d.content(at, ref.Value.Content, ours.Value.Content)
}

func (d *differ) responses(at string, ref, ours *openapi3.Responses) {
	refMap, ourMap := ref.Map(), ours.Map()
	for _, code := range union(refMap, ourMap) {
		r, o := refMap[code], ourMap[code]
		where := fmt.Sprintf("%s: response %s", at, code)
		switch {
		case o == nil:
			d.addf("%s: missing", where)
		case r == nil:
			d.addf("%s: not in the reference", where)
		default:
			if r.Ref != o.Ref {
				d.addf("%s: $ref: reference %q, ours %q", where, r.Ref, o.Ref)
			}
			strip := func(resp openapi3.Response) openapi3.Response {
				resp.Description, resp.Content, resp.Origin = nil, nil, nil
				return resp
			}
			d.facts(where, strip(*r.Value), strip(*o.Value))
			d.content(where, r.Value.Content, o.Value.Content)
		}
	}
}

// content compares media types and their schemas.
func (d *differ) content(at string, ref, ours openapi3.Content) {
	for _, mt := range union(ref, ours) {
		r, o := ref[mt], ours[mt]
		where := at + " " + mt
		switch {
		case o == nil:
			d.addf("%s: missing", where)
		case r == nil:
			d.addf("%s: not in the reference", where)
		default:
			strip := func(m openapi3.MediaType) openapi3.MediaType {
				m.Example, m.Examples, m.Origin, m.Schema = nil, nil, nil, nil
				return m
			}
			d.facts(where, strip(*r), strip(*o))
			d.schema(where+": schema", r.Schema, o.Schema)
		}
	}
}

// components compares every component by name.
func (d *differ) components(ref, ours *openapi3.Components) {
	if ref == nil || ours == nil {
		if (ref == nil) != (ours == nil) {
			d.addf("components: reference has them: %t, ours has them: %t", ref != nil, ours != nil)
		}
		return
	}
	for _, name := range union(ref.Schemas, ours.Schemas) {
		r, o := ref.Schemas[name], ours.Schemas[name]
		switch {
		case o == nil:
			d.addf("components.schemas %s: missing", name)
		case r == nil:
			d.addf("components.schemas %s: not in the reference", name)
		default:
			d.schema("components.schemas "+name, r, o)
		}
	}
	for _, name := range union(ref.SecuritySchemes, ours.SecuritySchemes) {
		r, o := ref.SecuritySchemes[name], ours.SecuritySchemes[name]
		if r == nil || o == nil {
			d.addf("components.securitySchemes %s: reference has it: %t, ours has it: %t", name, r != nil, o != nil)
			continue
		}
		strip := func(s openapi3.SecurityScheme) openapi3.SecurityScheme {
			s.Description, s.Origin = "", nil
			return s
		}
		d.facts("components.securitySchemes "+name, strip(*r.Value), strip(*o.Value))
	}
	others := func(c *openapi3.Components) []string {
		var names []string
		for kind, m := range map[string][]string{
			"parameters":    sortedKeys(c.Parameters),
			"requestBodies": sortedKeys(c.RequestBodies),
			"responses":     sortedKeys(c.Responses),
			"headers":       sortedKeys(c.Headers),
			"links":         sortedKeys(c.Links),
			"callbacks":     sortedKeys(c.Callbacks),
		} {
			for _, n := range m {
				names = append(names, kind+" "+n)
			}
		}
		sort.Strings(names)
		return names
	}
	if r, o := others(ref), others(ours); !slices.Equal(r, o) {
		d.addf("components: other components: reference %v, ours %v", r, o)
	}
}

// schema compares two schemas structurally, following $refs, ignoring prose.
func (d *differ) schema(at string, ref, ours *openapi3.SchemaRef) {
	if ref == nil || ours == nil {
		if (ref == nil) != (ours == nil) {
			d.addf("%s: reference has one: %t, ours has one: %t", at, ref != nil, ours != nil)
		}
		return
	}
	if ref.Ref != ours.Ref {
		d.addf("%s: $ref: reference %q, ours %q", at, ref.Ref, ours.Ref)
	}
	r, o := ref.Value, ours.Value
	if r == nil || o == nil {
		d.addf("%s: unresolved schema", at)
		return
	}
	pair := [2]*openapi3.Schema{r, o}
	if d.seen[pair] {
		return
	}
	d.seen[pair] = true

	d.facts(at, schemaFacts(r), schemaFacts(o))
	for _, name := range union(r.Properties, o.Properties) {
		rp, op := r.Properties[name], o.Properties[name]
		where := at + "." + name
		switch {
		case op == nil:
			d.addf("%s: property missing", where)
		case rp == nil:
			d.addf("%s: property not in the reference", where)
		default:
			d.schema(where, rp, op)
		}
	}
	d.schema(at+"[]", r.Items, o.Items)
	d.schema(at+".additionalProperties", r.AdditionalProperties.Schema, o.AdditionalProperties.Schema)
	d.schema(at+".not", r.Not, o.Not)
	for _, l := range []struct {
		kind      string
		ref, ours openapi3.SchemaRefs
	}{{"oneOf", r.OneOf, o.OneOf}, {"anyOf", r.AnyOf, o.AnyOf}, {"allOf", r.AllOf, o.AllOf}} {
		if len(l.ref) != len(l.ours) {
			d.addf("%s.%s: reference has %d, ours %d", at, l.kind, len(l.ref), len(l.ours))
			continue
		}
		for i := range l.ref {
			d.schema(fmt.Sprintf("%s.%s[%d]", at, l.kind, i), l.ref[i], l.ours[i])
		}
	}
}

// schemaFacts is a schema's own keywords, without prose and without the
// subschemas that schema compares one by one.
func schemaFacts(s *openapi3.Schema) openapi3.Schema {
	c := *s
	c.Title, c.Description = "", ""
	c.Example, c.Examples, c.ExternalDocs, c.Origin = nil, nil, nil, nil
	c.Properties, c.Items, c.Not = nil, nil, nil
	c.OneOf, c.AnyOf, c.AllOf = nil, nil, nil
	if c.AdditionalProperties.Schema != nil {
		yes := true
		c.AdditionalProperties = openapi3.AdditionalProperties{Has: &yes}
	}
	return c
}

// facts compares two values keyword by keyword through their JSON form.
func (d *differ) facts(at string, ref, ours any) {
	r, o := jsonMap(ref), jsonMap(ours)
	for _, k := range union(r, o) {
		if !reflect.DeepEqual(r[k], o[k]) {
			where := at
			if k != "" {
				where += ": " + k
			}
			d.addf("%s: reference %s, ours %s", where, jsonText(r[k]), jsonText(o[k]))
		}
	}
}

// jsonMap returns v's JSON object form; a non-object comes back under "".
func jsonMap(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		return map[string]any{"": "unmarshalable: " + err.Error()}
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		var x any
		_ = json.Unmarshal(b, &x)
		return map[string]any{"": x}
	}
	return m
}

func jsonText(v any) string {
	if v == nil {
		return "(absent)"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// union returns the sorted keys present in either map.
func union[V any](a, b map[string]V) []string {
	set := map[string]bool{}
	for k := range a {
		set[k] = true
	}
	for k := range b {
		set[k] = true
	}
	return sortedKeys(set)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
