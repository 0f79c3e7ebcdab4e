package oas

// The fast check of parameters.
//
// Most API calls carry no query string and only path parameters (a
// get by ID: the tenant and the record's ID). kin-openapi validates each
// parameter by decoding it into an interface value and visiting its schema
// with a fresh settings object, which was most of such a call's
// validation cost. A paramCheck is an operation's parameters compiled once
// (their schemas into the body check's bodySchemas, body.go), judged on
// the path values as kin-openapi decodes them. Like the body check it only
// ever says "valid": an operation with a parameter it does not judge gets
// no paramCheck, and a request it does not accept (a query string, a value
// the schema refuses or that kin-openapi would decode otherwise) goes to
// kin-openapi, which validates it again and words every violation.

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// paramCheck is an operation's fast check of its parameters for requests
// without a query string.
type paramCheck struct {
	path []pathParam
}

// pathParam is one declared path parameter.
type pathParam struct {
	index  int         // its position in Operation.ParamNames and the path values
	kind   paramKind   // how kin-openapi decodes its raw value
	schema *bodySchema // its schema, compiled
}

// paramKind is how kin-openapi decodes a primitive path value.
type paramKind uint8

const (
	paramInt64  paramKind = iota // integer: strconv.ParseInt(raw, 10, 64)
	paramInt32                   // integer, format int32: strconv.ParseInt(raw, 10, 32)
	paramString                  // string: the raw value
)

// compileParamCheck compiles the fast check of route's parameters (route
// as requests are validated against it: see requestRoute), or returns nil
// when kin-openapi must judge every request: an OpenAPI 3.1 document, a
// security requirement kin-openapi checks, path item parameters, a
// required query parameter, a header or cookie parameter, or a path
// parameter whose decoding or schema the check does not mirror.
func compileParamCheck(route *routers.Route, paramNames []string) *paramCheck {
	if route.Spec.IsOpenAPI31OrLater() || len(route.PathItem.Parameters) > 0 {
		return nil
	}
	security := route.Operation.Security
	if security == nil {
		security = &route.Spec.Security
	}
	if len(*security) > 0 {
		return nil
	}
	check := &paramCheck{}
	for _, ref := range route.Operation.Parameters {
		p := ref.Value
		if p == nil || p.Content != nil {
			return nil
		}
		if p.Schema == nil {
			continue // kin-openapi accepts any value of a parameter without a schema
		}
		if _, err := p.SerializationMethod(); err != nil {
			return nil // kin-openapi fails every request on it
		}
		switch p.In {
		case openapi3.ParameterInQuery:
			// Without a query string kin-openapi finds no value, which is
			// valid unless the parameter is required.
			if p.Required {
				return nil
			}
		case openapi3.ParameterInPath:
			pp, ok := compilePathParam(p, paramNames)
			if !ok {
				return nil
			}
			check.path = append(check.path, pp)
		default:
			return nil
		}
	}
	return check
}

// compilePathParam compiles a path parameter whose value kin-openapi
// decodes as a single integer or string and whose schema the body check
// judges.
func compilePathParam(p *openapi3.Parameter, paramNames []string) (pathParam, bool) {
	index := slices.Index(paramNames, p.Name)
	s := p.Schema.Value
	repeated := index >= 0 && slices.Contains(paramNames[index+1:], p.Name) // kin-openapi would take the last value
	if index < 0 || repeated || (p.Style != "" && p.Style != openapi3.SerializationSimple) || s == nil ||
		len(s.AllOf) > 0 || len(s.AnyOf) > 0 || len(s.OneOf) > 0 || s.Not != nil || s.Type == nil || len(s.Type.Slice()) != 1 {
		return pathParam{}, false
	}
	var kind paramKind
	switch {
	case s.Type.Is(openapi3.TypeInteger) && s.Format == "int32":
		kind = paramInt32
	case s.Type.Is(openapi3.TypeInteger):
		kind = paramInt64
	case s.Type.Is(openapi3.TypeString):
		kind = paramString
	default:
		return pathParam{}, false
	}
	schema := compileBody(p.Schema)
	if schema == nil {
		return pathParam{}, false
	}
	return pathParam{index: index, kind: kind, schema: schema}, true
}

// accepts reports whether kin-openapi would find the parameters of r
// (path values in ParamNames order) valid; false also means "not judged
// here".
func (c *paramCheck) accepts(r *http.Request, pathValues []string) bool {
	if r.URL.RawQuery != "" {
		return false
	}
	for _, p := range c.path {
		if p.index >= len(pathValues) || !p.accepts(pathValues[p.index]) {
			return false
		}
	}
	return true
}

// accepts judges one raw path value as kin-openapi does: decoded by the
// parameter's kind, then visited by its schema (an integer as the number
// it is, which the body check reads from the same digits).
func (p pathParam) accepts(raw string) bool {
	if raw == "" {
		return false // kin: a missing required value
	}
	node := jsonNode{kind: jsonString, text: raw, first: -1, next: -1}
	switch p.kind {
	case paramInt64, paramInt32:
		bits := 64
		if p.kind == paramInt32 {
			bits = 32
		}
		if _, err := strconv.ParseInt(raw, 10, bits); err != nil {
			return false
		}
		node.kind = jsonNumber
	}
	t := jsonTree{nodes: []jsonNode{node}}
	return p.schema.accepts(&t, 0, 0)
}
