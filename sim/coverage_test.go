package sim

import (
	"strings"
	"testing"
)

// TestEveryOperationIsRoutedOrListed holds the emulation table honest both
// ways: every documented operation has a handler or a notEmulated entry
// (never both), and nothing is routed or listed that the documents lack.
func TestEveryOperationIsRoutedOrListed(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close() // waits for its demo seed, which must not run into later tests
	ops, err := s.spec.Operations()
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, op := range ops {
		if op.Module == "token" || op.Module == "sim" {
			continue
		}
		id := op.QualifiedID()
		documented[id] = true
		_, listed := notEmulated[id]
		routed := s.routes[id] != nil
		switch {
		case routed && listed:
			t.Errorf("%s has a handler and is listed as not emulated; remove it from notEmulated", id)
		case !routed && !listed:
			t.Errorf("%s is documented but neither routed nor listed in notEmulated", id)
		}
	}
	for id := range s.routes {
		if !documented[id] {
			t.Errorf("handler for %s, which no OpenAPI document defines", id)
		}
	}
	for id := range notEmulated {
		if !documented[id] {
			t.Errorf("notEmulated lists %s, which no OpenAPI document defines", id)
		}
	}
	want := 0
	for _, m := range Modules {
		want += m.Operations
	}
	if len(documented) != want {
		t.Errorf("documents define %d ServiceTitan operations, Modules pins %d (update the pins with the documents)", len(documented), want)
	}
}

// TestFixedRoutesAreDocumented checks gin's own routes (token endpoint,
// discovery, control API) against token.yaml and sim.yaml, both ways.
func TestFixedRoutesAreDocumented(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close() // waits for its demo seed, which must not run into later tests
	documented := map[string]bool{}
	for _, name := range []string{"token", "sim"} {
		d, err := s.spec.Document(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, op := range d.Ops {
			documented[op.Method+" "+op.Path] = true
		}
	}
	routed := map[string]bool{}
	for _, r := range s.engine.Routes() {
		key := r.Method + " " + ginToOpenAPI(r.Path)
		routed[key] = true
		if !documented[key] {
			t.Errorf("route %s is not in token.yaml or sim.yaml", key)
		}
	}
	for key := range documented {
		if !routed[key] {
			t.Errorf("%s is documented but not routed", key)
		}
	}
}

// ginToOpenAPI turns /a/:id into /a/{id}.
func ginToOpenAPI(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*") {
			segs[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(segs, "/")
}
