package oas

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Violation is one way a request or response breaks its operation's contract.
type Violation struct {
	Field   string // parameter, header or body field (JSON path such as locations[0].address.city)
	Message string // readable, naming the JSON pointer for body fields
}

func (v Violation) String() string { return v.Field + ": " + v.Message }

// Documented limits that the specs do not state but ServiceTitan documents
// (contract §6, [OFFICIAL] P-page): pageSize is 1–5000.
const (
	minPageSize = 1
	maxPageSize = 5000
)

// applyDocumentedLimits adds the documented pageSize range to every
// operation's pageSize parameter, so it is validated like any schema rule.
func applyDocumentedLimits(t *openapi3.T) {
	for _, item := range t.Paths.Map() {
		for _, op := range item.Operations() {
			for i, p := range op.Parameters {
				if p.Value == nil || p.Value.Name != "pageSize" || p.Value.In != "query" ||
					p.Value.Schema == nil || p.Value.Schema.Value == nil {
					continue
				}
				param := *p.Value
				schema := *param.Schema.Value
				lo, hi := float64(minPageSize), float64(maxPageSize)
				schema.Min, schema.Max = &lo, &hi
				param.Schema = openapi3.NewSchemaRef("", &schema)
				op.Parameters[i] = &openapi3.ParameterRef{Value: &param}
			}
		}
	}
}

var requestOptions = &openapi3filter.Options{
	MultiError:          true,
	SkipSettingDefaults: true,                                  // validation must never rewrite the body
	AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc, // the auth package checks credentials
}

// requestOptionsBodyChecked validates the rest of a request whose body
// the fast check (body.go) accepted.
var requestOptionsBodyChecked = func() *openapi3filter.Options {
	o := *requestOptions
	o.ExcludeRequestBody = true
	return &o
}()

// ValidateRequest checks a request's parameters, headers and body against
// the operation. The body is read and put back unchanged.
func (o *Operation) ValidateRequest(r *http.Request, pathValues []string) []Violation {
	if err := o.resolve(); err != nil {
		return []Violation{{"request", err.Error()}}
	}
	prep := o.prepared()
	bodyChecked := o.acceptsBody(r)
	if prep.params != nil && (bodyChecked || prep.route.Operation.RequestBody == nil) && prep.params.accepts(r, pathValues) {
		return nil // the fast checks judged all kin-openapi would
	}
	input := o.input(r, pathValues)
	input.Route = prep.route
	if bodyChecked {
		input.Options = requestOptionsBodyChecked
	}
	err := openapi3filter.ValidateRequest(r.Context(), input)
	if err == nil {
		return nil
	}
	var out []Violation
	collect(err, "", &out)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// requestPrep is what an operation prepares, once, for validating requests.
type requestPrep struct {
	route  *routers.Route // the route kin-openapi checks requests against
	body   *bodyCheck     // the fast check of JSON bodies (body.go); nil: kin-openapi checks every body
	params *paramCheck    // the fast check of parameters (params.go); nil: kin-openapi checks them
}

// prepared returns the operation's requestPrep, preparing it on first use.
func (o *Operation) prepared() *requestPrep {
	o.prepOnce.Do(func() {
		if o.resolve() != nil {
			return // ValidateRequest reports it
		}
		route := requestRoute(o.route)
		o.prep = requestPrep{route: route, body: compileBodyCheck(o.route.Operation, o.route.Spec),
			params: compileParamCheck(route, o.ParamNames)}
	})
	return &o.prep
}

// requestRoute returns the route requests are validated against: route
// itself, or a copy without security requirements when kin-openapi's
// security check could not fail. stsim checks credentials in package auth
// and gives kin-openapi a no-op authentication function, so that check only
// fails when no requirement has all its schemes declared; yet it reads and
// copies the body for every requirement it tries.
func requestRoute(route *routers.Route) *routers.Route {
	security := route.Operation.Security
	if security == nil {
		security = &route.Spec.Security
	}
	if len(*security) == 0 || !anyDeclared(*security, route.Spec.Components) {
		return route
	}
	op := *route.Operation
	op.Security = &openapi3.SecurityRequirements{}
	r := *route
	r.Operation = &op
	return &r
}

// anyDeclared reports whether some requirement names only declared schemes.
func anyDeclared(reqs openapi3.SecurityRequirements, components *openapi3.Components) bool {
	for _, req := range reqs {
		declared := true
		for name := range req {
			if components == nil || components.SecuritySchemes[name] == nil || components.SecuritySchemes[name].Value == nil {
				declared = false
			}
		}
		if declared {
			return true
		}
	}
	return false
}

func (o *Operation) input(r *http.Request, pathValues []string) *openapi3filter.RequestValidationInput {
	params := make(map[string]string, len(o.ParamNames))
	for i, name := range o.ParamNames {
		if i < len(pathValues) {
			params[name] = pathValues[i]
		}
	}
	return &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: o.route, Options: requestOptions}
}

// collect flattens kin-openapi's errors into violations. field is the
// parameter or body context the error belongs to.
func collect(err error, field string, out *[]Violation) {
	if multi, ok := err.(openapi3.MultiError); ok {
		for _, e := range multi {
			collect(e, field, out)
		}
		return
	}
	var reqErr *openapi3filter.RequestError
	if errors.As(err, &reqErr) {
		switch {
		case reqErr.Parameter != nil:
			collectParam(reqErr, out)
		case reqErr.RequestBody != nil && reqErr.Err != nil:
			collect(reqErr.Err, "body", out)
		case reqErr.RequestBody != nil:
			*out = append(*out, Violation{"body", reqErr.Reason})
		default:
			*out = append(*out, Violation{"request", reqErr.Error()})
		}
		return
	}
	var multi openapi3.MultiError // inside a wrapper such as ResponseError
	if errors.As(err, &multi) {
		collect(multi, field, out)
		return
	}
	var schemaErr *openapi3.SchemaError
	if errors.As(err, &schemaErr) {
		*out = append(*out, bodyViolation(schemaErr))
		return
	}
	var parseErr *openapi3filter.ParseError
	if errors.As(err, &parseErr) {
		msg := parseErr.Error()
		if field == "body" {
			msg = "The request body is not valid JSON: " + msg
		}
		*out = append(*out, Violation{nonEmpty(field, "body"), msg})
		return
	}
	*out = append(*out, Violation{nonEmpty(field, "request"), err.Error()})
}

func collectParam(e *openapi3filter.RequestError, out *[]Violation) {
	p := e.Parameter
	where := "query parameter"
	switch p.In {
	case "path":
		where = "path parameter"
	case "header":
		where = "header"
	}
	var inner []Violation
	if e.Err != nil {
		var multi openapi3.MultiError
		if errors.As(e.Err, &multi) {
			for _, m := range multi {
				inner = append(inner, Violation{p.Name, describe(m)})
			}
		} else {
			inner = append(inner, Violation{p.Name, describe(e.Err)})
		}
	} else {
		inner = append(inner, Violation{p.Name, e.Reason})
	}
	for _, v := range inner {
		v.Message = fmt.Sprintf("The %s %q is not valid: %s", where, p.Name, v.Message)
		*out = append(*out, v)
	}
}

// describe gives a schema or parse error's reason without kin's prefixes.
func describe(err error) string {
	var schemaErr *openapi3.SchemaError
	if errors.As(err, &schemaErr) {
		return schemaErr.Reason
	}
	var parseErr *openapi3filter.ParseError
	if errors.As(err, &parseErr) {
		return parseErr.Error()
	}
	return err.Error()
}

// unsupportedProperty matches kin-openapi's reason for a property that
// additionalProperties: false forbids; kin reports it at the parent object.
var unsupportedProperty = regexp.MustCompile(`^property "(.*)" is unsupported$`)

// bodyViolation names a body field by its JSON path and pointer.
func bodyViolation(e *openapi3.SchemaError) Violation {
	ptr := e.JSONPointer()
	if m := unsupportedProperty.FindStringSubmatch(e.Reason); m != nil {
		ptr = append(ptr, m[1])
	}
	return Violation{Field: jsonPath(ptr), Message: fmt.Sprintf("%s (at %s)", sentence(e.Reason), pointer(ptr))}
}

// jsonPath renders a pointer as locations[0].address.city; the root is "body".
func jsonPath(ptr []string) string {
	if len(ptr) == 0 {
		return "body"
	}
	var b strings.Builder
	for _, seg := range ptr {
		if _, err := strconv.Atoi(seg); err == nil {
			b.WriteString("[" + seg + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return b.String()
}

func pointer(ptr []string) string {
	if len(ptr) == 0 {
		return "/"
	}
	esc := make([]string, len(ptr))
	for i, s := range ptr {
		esc[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
	}
	return "/" + strings.Join(esc, "/")
}

func sentence(s string) string {
	if s == "" {
		return "Does not match the schema"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

var responseOptions = &openapi3filter.Options{
	IncludeResponseStatus: true,
	MultiError:            true,
	AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
}

// ValidateResponse checks a response against the operation: a documented
// status against its schema; an undocumented 4xx/5xx against the document's
// ApiErrorResponse (ServiceTitan answers 401, 403 and 429 outside the spec);
// an undocumented success status, or a body where the document promises
// none, is a violation.
func (o *Operation) ValidateResponse(r *http.Request, pathValues []string, status int, header http.Header, body []byte) error {
	if err := o.resolve(); err != nil {
		return err
	}
	resp := o.route.Operation.Responses.Status(status)
	if resp == nil || resp.Value == nil {
		if status >= 400 {
			return validateErrorBody(o.route.Spec, body)
		}
		return fmt.Errorf("status %d is not documented for %s", status, o.QualifiedID())
	}
	if len(resp.Value.Content) == 0 {
		if len(body) > 0 {
			return fmt.Errorf("status %d is documented with no body, but %d bytes were sent", status, len(body))
		}
		return nil
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: o.input(r, pathValues),
		Status:                 status, Header: header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: responseOptions,
	}
	err := openapi3filter.ValidateResponse(context.Background(), input)
	if err == nil {
		return nil
	}
	var out []Violation
	collect(err, "body", &out)
	return violationsError(status, out)
}

// validateErrorBody checks an error body against the document's (or
// fragment's) errorSchema.
func validateErrorBody(t *openapi3.T, body []byte) error {
	if t.Components == nil {
		return nil
	}
	ref := t.Components.Schemas[errorSchema]
	if ref == nil || ref.Value == nil {
		return nil // a document without the shared error schema (token, sim)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("error body is not JSON: %v", err)
	}
	if err := ref.Value.VisitJSON(v, openapi3.MultiErrors()); err != nil {
		var out []Violation
		collect(err, "body", &out)
		return violationsError(0, out)
	}
	return nil
}

func violationsError(status int, vs []Violation) error {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.String()
	}
	prefix := "response"
	if status != 0 {
		prefix = fmt.Sprintf("status %d response", status)
	}
	return fmt.Errorf("%s breaks the schema: %s", prefix, strings.Join(parts, "; "))
}

// AcceptsContentType reports whether a request's body comes in a media type
// the operation declares (parameters such as charset aside). A request
// without a body, or an operation that takes none, always passes; accepted
// lists the declared types for the error message.
func (o *Operation) AcceptsContentType(r *http.Request) (accepted []string, ok bool) {
	if o.resolve() != nil {
		return nil, true // ValidateRequest reports it
	}
	body := o.route.Operation.RequestBody
	if r.ContentLength == 0 || body == nil || body.Value == nil || len(body.Value.Content) == 0 {
		return nil, true
	}
	if body.Value.Content.Get(r.Header.Get("Content-Type")) != nil {
		return nil, true
	}
	accepted = make([]string, 0, len(body.Value.Content))
	for mediaType := range body.Value.Content {
		accepted = append(accepted, mediaType)
	}
	sort.Strings(accepted)
	return accepted, false
}
