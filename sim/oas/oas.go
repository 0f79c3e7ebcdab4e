// Package oas holds stsim's OpenAPI documents at run time: it loads them
// (embedded, or from a directory), resolves a request path to its operation,
// and validates requests and responses against that operation.
//
// Nothing is parsed until it is needed, so a process answers its first
// request without parsing a whole document. The embedded documents come in
// a compiled form (see Compile): a document's first use reads its table of
// operations, and an operation's first request parses only its fragment.
// Documents from a directory are parsed whole when first needed.
package oas

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
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

	// route is what validation needs; with a compiled document it is set
	// when fragment (the operation's own) is parsed.
	route    *routers.Route
	fragment *fragment

	prepOnce sync.Once // prepares prep on the first request
	prep     requestPrep

	qualified string // QualifiedID, made when the document opens
}

// QualifiedID names the operation uniquely across documents: "crm.Customers_Get".
// Every request asks for it several times, so a document's operations
// keep theirs.
func (o *Operation) QualifiedID() string {
	if o.qualified != "" {
		return o.qualified
	}
	return o.Module + "." + o.ID
}

// resolve makes sure the operation's route is there (parsing its path's
// fragment the first time).
func (o *Operation) resolve() error {
	if o.fragment == nil {
		return nil
	}
	return o.fragment.parse()
}

// fragment is one operation of a compiled document: a complete small
// document holding that operation's path with only its method, parsed on
// first use.
type fragment struct {
	fsys       fs.FS
	file       string     // the document's fragments file
	start, end int        // the fragment's bytes in file
	path       string     // relative to the document's base
	op         *Operation // the operation, whose route parse sets

	once sync.Once
	err  error
}

func (f *fragment) parse() error {
	f.once.Do(func() {
		data, err := readRange(f.fsys, f.file, f.start, f.end)
		if err != nil {
			f.err = fmt.Errorf("openapi: %s: %w", f.file, err)
			return
		}
		t, _, err := parseDocument(f.file, data, "", false)
		if err != nil {
			f.err = err
			return
		}
		item := t.Paths.Value(f.path)
		if item == nil {
			f.err = fmt.Errorf("openapi: %s: the fragment of %s does not hold it", f.file, f.path)
			return
		}
		o := f.op
		op := item.GetOperation(o.Method)
		if op == nil {
			f.err = fmt.Errorf("openapi: %s: the fragment of %s has no %s", f.file, f.path, o.Method)
			return
		}
		o.route = &routers.Route{Spec: t, Path: f.path, PathItem: item, Method: o.Method, Operation: op}
	})
	return f.err
}

// Document is one OpenAPI document. Its operations are known once Spec.Document
// has returned it.
type Document struct {
	Name string // module name
	Base string // path prefix, e.g. /crm/v2
	Ops  []*Operation

	fsys     fs.FS // the documents
	compiled fs.FS // their compiled form, or nil to parse them whole
	file     string
	tree     *node
	enums    map[string]json.RawMessage // a compiled document's enumerations (compiledIndex.Enums)
	once     sync.Once
	err      error

	wholeOnce  sync.Once
	whole      *openapi3.T
	wholeScope string
	wholeErr   error
}

// Spec is the set of documents stsim serves.
type Spec struct {
	docs    map[string]*Document // by module name
	modules []string             // ServiceTitan module names, in name order
}

// Load returns the documents in fsys (the embedded documents, in their
// compiled form, when fsys is nil). It parses nothing: each document is
// read when first needed (Document, Match, Wait).
//
// Every Load(nil) returns the same Spec (documents are read-only once
// loaded), so a test binary that starts many servers reads each part of
// the embedded documents once. Documents from a directory are read again
// for every Load, since the files may change.
func Load(fsys fs.FS) *Spec {
	if fsys == nil {
		embeddedOnce.Do(func() {
			compiled, _ := fs.Sub(openapi.Compiled, "compiled") // the name is valid
			embedded = newSpec(openapi.FS, compiled)
		})
		return embedded
	}
	return newSpec(fsys, nil)
}

var (
	embeddedOnce sync.Once
	embedded     *Spec
)

func newSpec(fsys, compiled fs.FS) *Spec {
	s := &Spec{docs: map[string]*Document{}}
	add := func(name, file, base string) {
		s.docs[name] = &Document{Name: name, Base: base, fsys: fsys, compiled: compiled, file: file}
	}
	for _, file := range moduleFiles(fsys) {
		name := strings.TrimSuffix(file, ".yaml")
		s.modules = append(s.modules, name)
		add(name, file, openapi.Module{Name: name}.Base())
	}
	add("token", openapi.Token, "")
	add("sim", openapi.Control, "")
	return s
}

// moduleFiles lists the module documents in fsys: every *.yaml file but the
// token and control documents, in name order.
func moduleFiles(fsys fs.FS) []string {
	files, _ := fs.Glob(fsys, "*.yaml") // the pattern is valid
	return slices.DeleteFunc(files, isControlDocument)
}

// isControlDocument tells the token and control documents from module documents.
func isControlDocument(file string) bool { return file == openapi.Token || file == openapi.Control }

// open reads the document's operations: from its compiled index, or by
// parsing it whole.
func (d *Document) open() {
	var ops []*Operation
	if d.compiled != nil {
		ops, d.enums, d.err = d.readIndex()
	} else {
		var t *openapi3.T
		var scope string
		if t, scope, d.err = d.parseWhole(); d.err == nil {
			ops = operations(t, d.Name, d.Base, scope)
		}
	}
	if d.err != nil {
		return
	}
	d.Ops = ops
	d.tree = &node{}
	for _, o := range ops {
		o.ParamNames = d.tree.insert(splitPath(o.Path[len(d.Base):]), o)
		o.qualified = o.Module + "." + o.ID
	}
}

// readIndex makes the operations of a compiled document, each with its
// unparsed fragment, and returns the document's enumerations.
func (d *Document) readIndex() ([]*Operation, map[string]json.RawMessage, error) {
	data, err := fs.ReadFile(d.compiled, indexFile(d.file))
	if err != nil {
		return nil, nil, fmt.Errorf("openapi: %s: %w", d.file, err)
	}
	info, err := fs.Stat(d.compiled, fragmentsFile(d.file))
	if err != nil {
		return nil, nil, fmt.Errorf("openapi: %s: %w", d.file, err)
	}
	index, err := parseIndex(data)
	if err != nil {
		return nil, nil, fmt.Errorf("openapi: %s: %w; run go generate ./openapi", indexFile(d.file), err)
	}
	if d.Base != "" && index.Scope == "" {
		return nil, nil, fmt.Errorf("openapi: %s does not say its scope abbreviation; run go generate ./openapi", indexFile(d.file))
	}
	var ops []*Operation
	for _, p := range index.Paths {
		for _, c := range p.Ops {
			if c.Start < 0 || c.Start > c.End || int64(c.End) > info.Size() {
				return nil, nil, fmt.Errorf("openapi: %s: %s %s: fragment out of range; run go generate ./openapi", indexFile(d.file), c.Method, p.Path)
			}
			o := &Operation{ID: c.ID, Module: d.Name, Method: c.Method, Path: d.Base + p.Path, Paged: c.Paged}
			o.fragment = &fragment{fsys: d.compiled, file: fragmentsFile(d.file), start: c.Start, end: c.End, path: p.Path, op: o}
			if d.Base != "" {
				o.Scope = scopeFor(index.Scope, c.Method, p.Path)
			}
			ops = append(ops, o)
		}
	}
	return ops, index.Enums, nil
}

// readRange reads bytes [start, end) of a file, without reading the rest
// when the file allows (embedded files do).
func readRange(fsys fs.FS, name string, start, end int) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if r, ok := f.(io.ReaderAt); ok {
		buf := make([]byte, end-start)
		if n, err := r.ReadAt(buf, int64(start)); n < len(buf) {
			return nil, err
		}
		return buf, nil
	}
	data, err := io.ReadAll(io.LimitReader(f, int64(end)))
	if err != nil {
		return nil, err
	}
	if len(data) < end {
		return nil, io.ErrUnexpectedEOF
	}
	return data[start:end], nil
}

// parseWhole parses the whole document once (from fsys, not its compiled
// form). A document from a directory is validated; the embedded ones are
// validated by tests.
func (d *Document) parseWhole() (*openapi3.T, string, error) {
	d.wholeOnce.Do(func() {
		data, err := fs.ReadFile(d.fsys, d.file)
		if err != nil {
			d.wholeErr = fmt.Errorf("openapi: %s: %w", d.file, err)
			return
		}
		d.whole, d.wholeScope, d.wholeErr = parseDocument(d.file, data, d.Base, d.compiled == nil)
	})
	return d.whole, d.wholeScope, d.wholeErr
}

// wholeDocument is the parsed whole document, for lookups of named
// components (fixture validation, enumerations).
func (d *Document) wholeDocument() (*openapi3.T, error) {
	t, _, err := d.parseWhole()
	return t, err
}

// parseDocument parses one document (or fragment) with kin-openapi,
// validates it if asked, checks that a module document (base set) says
// its scope abbreviation, and adds the documented limits.
func parseDocument(file string, data []byte, base string, validate bool) (*openapi3.T, string, error) {
	t, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, "", fmt.Errorf("openapi: %s: %w", file, err)
	}
	if validate {
		if err := t.Validate(context.Background()); err != nil {
			return nil, "", fmt.Errorf("openapi: %s is not a valid document: %w", file, err)
		}
	}
	scope, _ := t.Extensions[openapi.ScopeExtension].(string)
	if base != "" && scope == "" {
		return nil, "", fmt.Errorf("openapi: %s does not say its scope abbreviation (%s); generate it with cmd/specgen", file, openapi.ScopeExtension)
	}
	applyDocumentedLimits(t)
	return t, scope, nil
}

// operations lists a parsed document's operations with their routes,
// ordered by path, then method. Paths are base plus the document's path.
func operations(t *openapi3.T, module, base, scope string) []*Operation {
	var ops []*Operation
	for path, item := range t.Paths.Map() {
		for method, op := range item.Operations() {
			o := &Operation{
				ID: op.OperationID, Module: module, Method: method, Path: base + path,
				route: &routers.Route{Spec: t, Path: path, PathItem: item, Method: method, Operation: op},
			}
			for _, p := range op.Parameters {
				if p.Value != nil && p.Value.Name == "page" && p.Value.In == "query" {
					o.Paged = true
				}
			}
			if base != "" {
				o.Scope = scopeFor(scope, method, path)
			}
			ops = append(ops, o)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	return ops
}

// Wait reads every document's operations (parsing a directory's documents
// whole, which validates them) and returns the first error.
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

// Document returns a document by module name, reading its operations the
// first time.
func (s *Spec) Document(name string) (*Document, error) {
	d, ok := s.docs[name]
	if !ok {
		return nil, fmt.Errorf("openapi: no document for module %q", name)
	}
	d.once.Do(d.open)
	return d, d.err
}

// Operations returns every operation of every document.
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
	return s.MatchInto(nil, method, path)
}

// MatchInto is Match appending the path parameter values to values[:0]
// (room the caller keeps for them, so a match need not allocate).
func (s *Spec) MatchInto(values []string, method, path string) (*Operation, []string, Outcome) {
	module, ok := moduleOf(path)
	if !ok {
		return nil, nil, NoSuchPath
	}
	d, ok := s.docs[module]
	if !ok || d.Base == "" || !strings.HasPrefix(path, d.Base+"/") {
		return nil, nil, NoSuchPath
	}
	d.once.Do(d.open)
	if d.err != nil {
		return nil, nil, LoadFailed
	}
	leaf, values := d.tree.match(path[len(d.Base):], values)
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
	if op.resolve() != nil {
		return nil, nil, LoadFailed
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
	leaf, values := d.tree.match(path, nil)
	if leaf == nil {
		return nil, nil, NoSuchPath
	}
	if op := leaf.methods[method]; op != nil {
		if op.resolve() != nil {
			return nil, nil, LoadFailed
		}
		return op, values, Matched
	}
	return nil, nil, MethodNotAllowed
}
