package oas

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// ValidateValue checks a JSON-shaped value (as encoding/json decodes into
// any) against a named component schema of a module's document, as a
// request body would be checked: fixture records are validated this way.
// Required properties named in optional may be absent ("*": any of them).
// It parses the whole document the first time; an unknown module or
// component is an error.
func (s *Spec) ValidateValue(module, component string, v any, optional []string) ([]Violation, error) {
	t, err := s.whole(module)
	if err != nil {
		return nil, err
	}
	ref := t.Components.Schemas[component]
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("openapi: %s has no schema %q", module, component)
	}
	schema := ref.Value
	if len(optional) > 0 {
		relaxed := *schema
		relaxed.Required = slices.DeleteFunc(slices.Clone(schema.Required), func(name string) bool {
			return slices.Contains(optional, "*") || slices.Contains(optional, name)
		})
		schema = &relaxed
	}
	err = schema.VisitJSON(v, openapi3.MultiErrors(), openapi3.VisitAsRequest())
	if err == nil {
		return nil, nil
	}
	var out []Violation
	collect(err, "body", &out)
	return out, nil
}

// Enum returns the allowed values of a named string enumeration schema of
// a module's document, in the document's order: from the compiled index of
// an embedded document, or by parsing a directory's document whole the first
// time. An unknown module or component, or one without a string enum, is an
// error.
func (s *Spec) Enum(module, component string) ([]string, error) {
	d, err := s.Document(module)
	if err != nil {
		return nil, err
	}
	var values []any
	if d.compiled != nil {
		if raw, ok := d.enums[component]; ok {
			if err := json.Unmarshal(raw, &values); err != nil {
				return nil, fmt.Errorf("openapi: %s: enum %s: %w; run go generate ./openapi", indexFile(d.file), component, err)
			}
		}
	} else {
		t, err := d.wholeDocument()
		if err != nil {
			return nil, err
		}
		if ref := t.Components.Schemas[component]; ref != nil && ref.Value != nil {
			values = ref.Value.Enum
		}
	}
	if len(values) == 0 {
		return nil, fmt.Errorf("openapi: %s has no enumeration schema %q", module, component)
	}
	out := make([]string, 0, len(values))
	for _, v := range values {
		str, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("openapi: %s.%s has a non-string value %v", module, component, v)
		}
		out = append(out, str)
	}
	return out, nil
}

// whole returns a module's whole parsed document.
func (s *Spec) whole(module string) (*openapi3.T, error) {
	d, err := s.Document(module)
	if err != nil {
		return nil, err
	}
	return d.wholeDocument()
}
