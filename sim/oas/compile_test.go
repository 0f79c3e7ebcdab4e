package oas

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/stsim/stsim/openapi"
)

// TestCompiledIsCurrent fails when the embedded compiled form was not
// regenerated after a document changed.
func TestCompiledIsCurrent(t *testing.T) {
	want, err := Compile(openapi.FS)
	if err != nil {
		t.Fatal(err)
	}
	compiled, err := fs.Sub(openapi.Compiled, "compiled")
	if err != nil {
		t.Fatal(err)
	}
	have, err := fs.Glob(compiled, "*")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range have {
		if _, ok := want[name]; !ok {
			t.Errorf("openapi/compiled/%s is not made from any document; run go generate ./openapi", name)
		}
	}
	for name, data := range want {
		got, err := fs.ReadFile(compiled, name)
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("openapi/compiled/%s is stale or missing; run go generate ./openapi", name)
		}
	}
}

// TestCompiledMatchesWhole checks that the compiled form says what the
// whole documents say: the same operations with the same routing facts,
// each operation exactly as in its document, every schema its fragment
// carries exactly as in the document, and the same enumerations.
func TestCompiledMatchesWhole(t *testing.T) {
	compiled, whole := Load(nil), Load(openapi.FS)
	for _, name := range whole.names() {
		t.Run(name, func(t *testing.T) {
			cd, err := compiled.Document(name)
			if err != nil {
				t.Fatal(err)
			}
			wd, err := whole.Document(name)
			if err != nil {
				t.Fatal(err)
			}
			if len(cd.Ops) != len(wd.Ops) {
				t.Fatalf("%d operations compiled, %d in the document", len(cd.Ops), len(wd.Ops))
			}
			for i, c := range cd.Ops {
				w := wd.Ops[i]
				if got, want := routingFacts(c), routingFacts(w); got != want {
					t.Fatalf("compiled %s, document %s", got, want)
				}
				if err := c.resolve(); err != nil {
					t.Fatal(err)
				}
				if got, want := marshal(t, c.route.Operation), marshal(t, w.route.Operation); got != want {
					t.Fatalf("%s differs from its document:\ncompiled %s\ndocument %s", c.QualifiedID(), got, want)
				}
				if n := len(c.route.PathItem.Operations()); n != 1 {
					t.Fatalf("%s: its fragment holds %d operations, want only its own", c.QualifiedID(), n)
				}
				if got, want := marshal(t, c.route.PathItem.Parameters), marshal(t, w.route.PathItem.Parameters); got != want {
					t.Fatalf("%s: path parameters differ:\ncompiled %s\ndocument %s", c.QualifiedID(), got, want)
				}
				ct := c.route.Spec
				if err := ct.Validate(context.Background()); err != nil {
					t.Fatalf("%s: the fragment is not a valid document: %v", c.Path, err)
				}
				for schema, ref := range ct.Components.Schemas {
					if got, want := marshal(t, ref.Value), marshal(t, w.route.Spec.Components.Schemas[schema].Value); got != want {
						t.Fatalf("%s: schema %s differs from its document", c.Path, schema)
					}
				}
				if wd.Base != "" && ct.Components.Schemas[errorSchema] == nil {
					t.Fatalf("%s: the fragment lacks %s", c.Path, errorSchema)
				}
			}
			wt, err := wd.wholeDocument()
			if err != nil {
				t.Fatal(err)
			}
			enums := 0
			for schema := range wt.Components.Schemas {
				got, gotErr := compiled.Enum(name, schema)
				want, wantErr := whole.Enum(name, schema)
				if !slices.Equal(got, want) || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
					t.Fatalf("Enum(%s, %s): compiled %q (%v), document %q (%v)", name, schema, got, gotErr, want, wantErr)
				}
				if wantErr == nil {
					enums++
				}
			}
			if enums != len(cd.enums) {
				t.Fatalf("%d enumerations compiled, %d in the document", len(cd.enums), enums)
			}
		})
	}
}

// routingFacts are what routing, scope checks and listings use of an operation.
func routingFacts(o *Operation) string {
	return fmt.Sprintf("%s %s %s %s scope=%s paged=%v params=%q", o.Module, o.ID, o.Method, o.Path, o.Scope, o.Paged, o.ParamNames)
}

func marshal(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestIndexFormat writes an index and reads it back, and rejects lines
// that are not in the format, saying which line.
func TestIndexFormat(t *testing.T) {
	want := compiledIndex{
		Scope: "crm",
		Paths: []compiledPath{
			{Path: "/tenant/{tenant}/customers", Ops: []compiledOp{
				{Method: "GET", ID: "Customers_GetList", Paged: true, Start: 10, End: 20},
				{Method: "POST", ID: "Customers_Create", Start: 24, End: 30},
			}},
			{Path: "/tenant/{tenant}/customers/{id}", Ops: []compiledOp{{Method: "GET", ID: "Customers_Get", Start: 34, End: 40}}},
		},
		Enums: map[string]json.RawMessage{"B.Kind": json.RawMessage(`["x y","z"]`), "A.Level": json.RawMessage(`[1,2]`)},
	}
	data, err := want.encode("crm.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseIndex(data)
	if err != nil {
		t.Fatal(err)
	}
	if marshal(t, got) != marshal(t, want) {
		t.Fatalf("read back %s\nwrote %s\nas:\n%s", marshal(t, got), marshal(t, want), data)
	}
	if bad := (compiledIndex{Paths: []compiledPath{{Path: "/a b"}}}); true {
		if _, err := bad.encode("x.yaml"); err == nil {
			t.Error("a path with a space was written")
		}
	}
	for _, c := range []struct{ text, want string }{
		{"op GET X 1 2\n", "line 1: not a scope"},                   // an op before any path
		{"path /a\nop GET X 1\n", "line 2: not a scope"},            // too few fields
		{"path /a\nop GET X 1 2 sorted\n", "line 2: not a scope"},   // an unknown flag
		{"path /a\nop GET X one 2\n", "line 2: an op's fragment"},   // a range that is not numbers
		{"scope crm\nenum A.Kind [\"x\"\n", "line 2: an enum line"}, // values that are not JSON
		{"# comment\n\nroute /a\n", "line 3: not a scope"},
	} {
		if _, err := parseIndex([]byte(c.text)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("parseIndex(%q) = %v, want an error saying %q", c.text, err, c.want)
		}
	}
}
