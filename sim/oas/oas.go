// Package oas holds stsim's OpenAPI documents at run time: it loads them
// (embedded, or from a directory), resolves a request path to its operation,
// and validates requests and responses against that operation.
//
// Documents load in the background, one goroutine each, so the server can
// answer the token endpoint while the big module documents are still being
// parsed; a request for a module waits only for that module's document.
package oas

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stsim/stsim/openapi"
)

// Operation is one method on one path of a document.
type Operation struct {
	ID         string   // operationId as the document spells it, e.g. Customers_Get
	Module     string   // the module document's name (crm, jpm, …), token or sim
	Method     string   // GET, POST, …
	Path       string   // full path template, e.g. /crm/v2/tenant/{tenant}/customers/{id}
	Scope      string   // OAuth scope the call needs, e.g. tn.crm.customers:r ("" for non-tenant APIs)
	ParamNames []string // path parameter names in path order
	Paged      bool     // a paged list (takes a page parameter)

	route *routers.Route
	doc   *Document

	prepOnce sync.Once // prepares prep on the first request
	prep     requestPrep
}

// QualifiedID names the operation uniquely across documents: "crm.Customers_Get".
func (o *Operation) QualifiedID() string { return o.Module + "." + o.ID }

// Document is one loaded OpenAPI document.
type Document struct {
	Name string // module name
	Base string // path prefix, e.g. /crm/v2
	T    *openapi3.T
	Ops  []*Operation

	tree  *node
	ready chan struct{}
	err   error
}

// Spec is the set of documents stsim serves.
type Spec struct {
	docs    map[string]*Document // by module name
	modules []string             // ServiceTitan module names, in name order
}

// Load starts loading every document from fsys (the embedded documents when
// fsys is nil) and returns at once; use Wait or the per-module accessors to
// block until a document is ready. Documents load one after another on one
// goroutine, CRM first (a booking client's first calls), so start-up
// leaves a core free for serving and seeding instead of parsing eight
// documents at once.
//
// The embedded documents are parsed once per process: every Load(nil)
// returns the same Spec (documents are read-only once loaded), so a test
// binary that starts many servers parses them once. Documents from a
// directory are parsed on every call, since the files may change.
func Load(fsys fs.FS) *Spec {
	if fsys == nil {
		embeddedOnce.Do(func() { embedded = load(openapi.FS) })
		return embedded
	}
	return load(fsys)
}

var (
	embeddedOnce sync.Once
	embedded     *Spec
)

func load(fsys fs.FS) *Spec {
	s := &Spec{docs: map[string]*Document{}}
	var files []string
	var order []*Document
	add := func(name, file, base string) {
		d := &Document{Name: name, Base: base, ready: make(chan struct{})}
		s.docs[name] = d
		order = append(order, d)
		files = append(files, file)
	}
	for _, file := range moduleFiles(fsys) {
		name := strings.TrimSuffix(file, ".yaml")
		s.modules = append(s.modules, name)
		add(name, file, openapi.Module{Name: name}.Base())
	}
	add("token", openapi.Token, "")
	add("sim", openapi.Control, "")
	go func() {
		for i, d := range order {
			d.load(fsys, files[i])
		}
	}()
	return s
}

// moduleFiles lists the module documents in fsys: every *.yaml file but the
// token and control documents, in name order (so CRM, which a booking
// client calls first, loads first).
func moduleFiles(fsys fs.FS) []string {
	files, _ := fs.Glob(fsys, "*.yaml") // the pattern is valid
	return slices.DeleteFunc(files, func(f string) bool { return f == openapi.Token || f == openapi.Control })
}

func (d *Document) load(fsys fs.FS, file string) {
	defer close(d.ready)
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		d.err = fmt.Errorf("openapi: %s: %w", file, err)
		return
	}
	loader := openapi3.NewLoader()
	t, err := loader.LoadFromData(data)
	if err != nil {
		d.err = fmt.Errorf("openapi: %s: %w", file, err)
		return
	}
	if err := t.Validate(context.Background()); err != nil {
		d.err = fmt.Errorf("openapi: %s is not a valid document: %w", file, err)
		return
	}
	scopeModule, _ := t.Extensions[openapi.ScopeExtension].(string)
	if d.Base != "" && scopeModule == "" {
		d.err = fmt.Errorf("openapi: %s does not say its scope abbreviation (%s); generate it with cmd/specgen", file, openapi.ScopeExtension)
		return
	}
	applyDocumentedLimits(t)
	d.T = t
	d.tree = &node{}
	for _, path := range t.Paths.InMatchingOrder() {
		item := t.Paths.Value(path)
		for method, op := range item.Operations() {
			o := &Operation{
				ID: op.OperationID, Module: d.Name, Method: method, Path: d.Base + path, doc: d,
				route: &routers.Route{Spec: t, Path: path, PathItem: item, Method: method, Operation: op},
			}
			o.ParamNames = d.tree.insert(splitPath(path), o)
			for _, p := range op.Parameters {
				if p.Value != nil && p.Value.Name == "page" && p.Value.In == "query" {
					o.Paged = true
				}
			}
			if d.Base != "" {
				o.Scope = scopeFor(scopeModule, method, path)
			}
			d.Ops = append(d.Ops, o)
		}
	}
	sort.Slice(d.Ops, func(i, j int) bool {
		if d.Ops[i].Path != d.Ops[j].Path {
			return d.Ops[i].Path < d.Ops[j].Path
		}
		return d.Ops[i].Method < d.Ops[j].Method
	})
}

// Wait blocks until every document has loaded and returns the first error.
func (s *Spec) Wait() error {
	for _, name := range s.names() {
		if _, err := s.Document(name); err != nil {
			return err
		}
	}
	return nil
}

func (s *Spec) names() []string {
	return append(append([]string(nil), s.modules...), "token", "sim")
}

// Document waits for and returns a document by module name.
func (s *Spec) Document(name string) (*Document, error) {
	d, ok := s.docs[name]
	if !ok {
		return nil, fmt.Errorf("openapi: no document for module %q", name)
	}
	<-d.ready
	return d, d.err
}

// Operations returns every operation of every document, waiting for all.
func (s *Spec) Operations() ([]*Operation, error) {
	var out []*Operation
	for _, name := range s.names() {
		d, err := s.Document(name)
		if err != nil {
			return nil, err
		}
		out = append(out, d.Ops...)
	}
	return out, nil
}

// Outcome says how a path resolved.
type Outcome int

// Outcomes of Match.
const (
	Matched          Outcome = iota
	NoSuchPath               // no document has this path
	MethodNotAllowed         // the path exists, the method does not
	LoadFailed               // the module's document did not load
)

// Match resolves an API request path (/{module}/v2/tenant/{tenant}/...) to
// its operation and path parameter values (in Operation.ParamNames order).
// For MethodNotAllowed it returns the allowed methods instead.
func (s *Spec) Match(method, path string) (*Operation, []string, Outcome) {
	module, ok := moduleOf(path)
	if !ok {
		return nil, nil, NoSuchPath
	}
	d, ok := s.docs[module]
	if !ok || d.Base == "" || !strings.HasPrefix(path, d.Base+"/") {
		return nil, nil, NoSuchPath
	}
	<-d.ready
	if d.err != nil {
		return nil, nil, LoadFailed
	}
	leaf, values := d.tree.match(splitPath(path[len(d.Base):]), nil)
	if leaf == nil {
		return nil, nil, NoSuchPath
	}
	op := leaf.methods[method]
	if op == nil {
		allowed := make([]string, 0, len(leaf.methods))
		for m := range leaf.methods {
			allowed = append(allowed, m)
		}
		sort.Strings(allowed)
		return nil, allowed, MethodNotAllowed
	}
	return op, values, Matched
}

// moduleOf returns the first segment of "/crm/v2/...".
func moduleOf(path string) (string, bool) {
	if len(path) < 2 || path[0] != '/' {
		return "", false
	}
	module, _, ok := strings.Cut(path[1:], "/")
	return module, ok
}

// Methods lists the HTTP methods in the order operations are reported.
var Methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// MatchDocument resolves a path in one document served at fixed routes
// (the token or control document), for validating their responses.
func (s *Spec) MatchDocument(name, method, path string) (*Operation, []string, Outcome) {
	d, err := s.Document(name)
	if err != nil {
		return nil, nil, LoadFailed
	}
	leaf, values := d.tree.match(splitPath(path), nil)
	if leaf == nil {
		return nil, nil, NoSuchPath
	}
	if op := leaf.methods[method]; op != nil {
		return op, values, Matched
	}
	return nil, nil, MethodNotAllowed
}
