package openapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/stsim/stsim/openapi"
	"github.com/stsim/stsim/sim"
)

// loadEmbedded loads one embedded document with kin-openapi.
func loadEmbedded(tb testing.TB, name string) *openapi3.T {
	tb.Helper()
	data, err := openapi.FS.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		tb.Fatalf("%s: load: %v", name, err)
	}
	return doc
}

func sha256Prefix(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:12]
}

// TestDocumentsValidate loads every embedded document and validates it with
// kin-openapi's default options.
func TestDocumentsValidate(t *testing.T) {
	names, err := fs.Glob(openapi.FS, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range sim.Modules {
		if !slices.Contains(names, m.File()) {
			t.Errorf("module document %s is not embedded", m.File())
		}
	}
	if !slices.Contains(names, openapi.Token) {
		t.Errorf("%s is not embedded", openapi.Token)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			doc := loadEmbedded(t, name)
			if err := doc.Validate(context.Background()); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		})
	}
}

// TestModules checks each module document against its sim.Modules entry:
// served under the module's base path, naming its scope abbreviation, and
// defining the pinned number of operations. The embedded folder holds no
// other module document.
func TestModules(t *testing.T) {
	names, err := fs.Glob(openapi.FS, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{openapi.Token, openapi.Control}
	for _, m := range sim.Modules {
		want = append(want, m.File())
		doc := loadEmbedded(t, m.File())
		if len(doc.Servers) != 1 || doc.Servers[0].URL != m.Base() {
			t.Errorf("%s: servers must be the single relative URL %s", m.File(), m.Base())
		}
		if got := doc.Extensions[openapi.ScopeExtension]; got != m.Scope {
			t.Errorf("%s: %s is %v, want %q; run go run ./cmd/specgen", m.File(), openapi.ScopeExtension, got, m.Scope)
		}
		n := 0
		for _, item := range doc.Paths.Map() {
			n += len(item.Operations())
		}
		if n != m.Operations {
			t.Errorf("%s: %d operations, sim.Modules pins %d", m.File(), n, m.Operations)
		}
	}
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("embedded documents %v, want %v (a module document without a sim.Modules entry?)", names, want)
	}
}

// maxResponseDescription bounds the neutral response descriptions specgen
// writes ("OK", "Not Found", ...).
const maxResponseDescription = 30

// proseCanaries are phrases every ServiceTitan export repeats in its prose;
// finding one means prose leaked.
var proseCanaries = []string{
	"Format - ",
	"The request has succeeded",
	"The requested entity was not found",
	"check validation errors",
}

// TestNoProse proves the generated module documents carry no vendor prose:
// no summaries, descriptions, titles or examples anywhere, and only short
// neutral response descriptions.
func TestNoProse(t *testing.T) {
	for _, m := range sim.Modules {
		data, err := openapi.FS.ReadFile(m.File())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range proseCanaries {
			if bytes.Contains(data, []byte(c)) {
				t.Errorf("%s contains vendor prose %q", m.File(), c)
			}
		}
		doc := loadEmbedded(t, m.File())
		for _, p := range prose(doc) {
			t.Errorf("%s: %s", m.File(), p)
		}
	}
}

// prose lists every piece of prose in doc.
func prose(doc *openapi3.T) []string {
	var found []string
	note := func(at, field string, v any) {
		switch v := v.(type) {
		case string:
			if v != "" {
				found = append(found, fmt.Sprintf("%s: %s %q", at, field, v))
			}
		case nil:
		default:
			if b, _ := json.Marshal(v); string(b) != "null" && string(b) != "{}" {
				found = append(found, fmt.Sprintf("%s: %s %s", at, field, b))
			}
		}
	}
	seen := map[*openapi3.Schema]bool{}
	var schema func(at string, s *openapi3.SchemaRef)
	schema = func(at string, s *openapi3.SchemaRef) {
		if s == nil || s.Value == nil || seen[s.Value] {
			return
		}
		v := s.Value
		seen[v] = true
		note(at, "title", v.Title)
		note(at, "description", v.Description)
		note(at, "example", v.Example)
		note(at, "examples", v.Examples)
		for name, p := range v.Properties {
			schema(at+"."+name, p)
		}
		schema(at+"[]", v.Items)
		schema(at+".additionalProperties", v.AdditionalProperties.Schema)
		schema(at+".not", v.Not)
		for _, list := range []openapi3.SchemaRefs{v.OneOf, v.AnyOf, v.AllOf} {
			for _, sub := range list {
				schema(at+".*Of", sub)
			}
		}
	}
	content := func(at string, c openapi3.Content) {
		for mt, media := range c {
			note(at+" "+mt, "example", media.Example)
			note(at+" "+mt, "examples", media.Examples)
			schema(at+" "+mt, media.Schema)
		}
	}

	note("info", "description", doc.Info.Description)
	for path, item := range doc.Paths.Map() {
		note(path, "summary", item.Summary)
		note(path, "description", item.Description)
		for method, op := range item.Operations() {
			at := method + " " + path
			note(at, "summary", op.Summary)
			note(at, "description", op.Description)
			for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
				pat := at + " parameter " + p.Value.Name
				note(pat, "description", p.Value.Description)
				note(pat, "example", p.Value.Example)
				note(pat, "examples", p.Value.Examples)
				schema(pat, p.Value.Schema)
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				note(at+" request body", "description", op.RequestBody.Value.Description)
				content(at+" request body", op.RequestBody.Value.Content)
			}
			for code, r := range op.Responses.Map() {
				if r.Value == nil {
					continue
				}
				if d := r.Value.Description; d != nil && len(*d) > maxResponseDescription {
					note(at+" response "+code, "description", *d)
				}
				content(at+" response "+code, r.Value.Content)
			}
		}
	}
	if doc.Components != nil {
		for name, s := range doc.Components.Schemas {
			schema("components.schemas "+name, s)
		}
		for name, s := range doc.Components.SecuritySchemes {
			note("components.securitySchemes "+name, "description", s.Value.Description)
		}
	}
	return found
}

// BenchmarkLoad measures what a cold start pays per document: kin-openapi's
// LoadFromData on the embedded YAML and on the same document as JSON, and
// Validate on a loaded document.
func BenchmarkLoad(b *testing.B) {
	names := []string{openapi.Token}
	for _, m := range sim.Modules {
		names = append(names, m.File())
	}
	ctx := context.Background()
	for _, name := range names {
		data, err := openapi.FS.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		var tree any
		if err := yaml.Unmarshal(data, &tree); err != nil {
			b.Fatal(err)
		}
		asJSON, err := json.Marshal(tree)
		if err != nil {
			b.Fatal(err)
		}
		for _, form := range []struct {
			name string
			data []byte
		}{{"yaml", data}, {"json", asJSON}} {
			b.Run(name+"/load-"+form.name, func(b *testing.B) {
				b.SetBytes(int64(len(form.data)))
				for b.Loop() {
					if _, err := openapi3.NewLoader().LoadFromData(form.data); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		b.Run(name+"/validate", func(b *testing.B) {
			doc, err := openapi3.NewLoader().LoadFromData(data)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if err := doc.Validate(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
