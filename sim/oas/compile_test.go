package oas

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
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
