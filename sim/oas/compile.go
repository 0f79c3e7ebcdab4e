package oas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// The compiled form of a document lets a process start without parsing
// it: parsing a module document with kin-openapi costs tens of
// milliseconds (CRM's ~40 ms of YAML decoding), and a request needs only
// its own operation. Compile splits each document into
//
//   - <name>.index.json: the document's operations (path, method,
//     operationId, paged) and its scope abbreviation, which is all that
//     routing, scope checks and `stsim ops` need, and the values of its
//     enumeration component schemas (Spec.Enum); and
//   - <name>.paths.yaml: one small, complete OpenAPI document per
//     operation (the document's header, the operation's path item with
//     that one method, and only the component schemas it reaches, plus
//     the shared error schema), concatenated; the index gives each one's
//     byte range. One fragment per operation rather than per path keeps a
//     GET from parsing its path's PATCH body schemas (a fresh process's
//     first customer GET: 3.9 -> 2.5 ms).
//
// Load reads the index when a document is first needed and parses an
// operation's fragment when a request first resolves to it. The embedded
// compiled form is generated from the embedded documents (go generate
// ./openapi) and a test fails when it is stale.

// compiledIndex is a document's table of contents.
type compiledIndex struct {
	Scope string         `json:"scope,omitempty"` // the document's x-stsim-scope
	Paths []compiledPath `json:"paths"`           // in the document's order
	// Enums are the values of every component schema with an enum, by
	// schema name, in the document's order.
	Enums map[string][]any `json:"enums,omitempty"`
}

// compiledPath is one path of a document.
type compiledPath struct {
	Path string       `json:"path"`
	Ops  []compiledOp `json:"ops"` // in method order
}

// compiledOp is one operation's routing facts and where its fragment is.
type compiledOp struct {
	Method string `json:"method"`
	ID     string `json:"id"`
	Paged  bool   `json:"paged,omitempty"`
	Start  int    `json:"start"` // its fragment: bytes [Start, End) of <name>.paths.yaml
	End    int    `json:"end"`
}

// Compiled form file names of a document file such as crm.yaml.
func indexFile(file string) string     { return strings.TrimSuffix(file, ".yaml") + ".index.json" }
func fragmentsFile(file string) string { return strings.TrimSuffix(file, ".yaml") + ".paths.yaml" }

// errorSchema is the component every fragment carries, whether or not its
// path names it: an undocumented error status is checked against it.
const errorSchema = "ApiErrorResponse"

// Compile makes the compiled form of every document in fsys (file name to
// contents). Each document must load and validate as Load requires.
func Compile(fsys fs.FS) (map[string][]byte, error) {
	files, _ := fs.Glob(fsys, "*.yaml") // the pattern is valid
	out := map[string][]byte{}
	for _, file := range files {
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, err
		}
		base := ""
		if !isControlDocument(file) {
			base = "module" // any non-empty base: a module document needs its scope
		}
		t, scope, err := parseDocument(file, data, base, true)
		if err != nil {
			return nil, err
		}
		index := compiledIndex{Scope: scope, Enums: enumerations(t)}
		for _, o := range operations(t, "", "", "") {
			if n := len(index.Paths); n == 0 || index.Paths[n-1].Path != o.Path {
				index.Paths = append(index.Paths, compiledPath{Path: o.Path})
			}
			p := &index.Paths[len(index.Paths)-1]
			p.Ops = append(p.Ops, compiledOp{Method: o.Method, ID: o.ID, Paged: o.Paged})
		}
		fragments, err := splitOperations(file, data, &index)
		if err != nil {
			return nil, fmt.Errorf("openapi: %s: %w", file, err)
		}
		idx, err := json.MarshalIndent(index, "", " ")
		if err != nil {
			return nil, err
		}
		out[indexFile(file)] = append(idx, '\n')
		out[fragmentsFile(file)] = fragments
	}
	return out, nil
}

// enumerations lists the values of every component schema with an enum.
func enumerations(t *openapi3.T) map[string][]any {
	out := map[string][]any{}
	for name, ref := range t.Components.Schemas {
		if ref.Value != nil && len(ref.Value.Enum) > 0 {
			out[name] = ref.Value.Enum
		}
	}
	return out
}

// splitOperations writes one fragment per operation of index (in the
// order operations lists them) and records each one's range.
func splitOperations(file string, data []byte, index *compiledIndex) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not a YAML mapping")
	}
	root := doc.Content[0]
	expandAliases(root) // an anchor may fall outside the fragment that uses it
	paths := mappingValue(root, "paths")
	if paths == nil {
		return nil, fmt.Errorf("no paths")
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "# Generated by cmd/specgen -compile from %s: one document per operation. DO NOT EDIT.\n", file)
	for i := range index.Paths {
		p := &index.Paths[i]
		item := mappingValue(paths, p.Path)
		if item == nil {
			return nil, fmt.Errorf("path %s is missing", p.Path)
		}
		for j := range p.Ops {
			op := &p.Ops[j]
			fragment, err := pathFragment(root, p.Path, onlyMethod(item, op.Method))
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", op.Method, p.Path, err)
			}
			text, err := yaml.Dump(fragment, yaml.WithIndent(2), yaml.WithCompactSeqIndent(false), yaml.WithLineWidth(-1))
			if err != nil {
				return nil, err
			}
			out.WriteString("---\n")
			op.Start = out.Len()
			out.Write(text)
			op.End = out.Len()
		}
	}
	return out.Bytes(), nil
}

// onlyMethod is a path item with one operation, method, and the item's
// other members (path-level parameters and the like).
func onlyMethod(item *yaml.Node, method string) *yaml.Node {
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(item.Content); i += 2 {
		key := item.Content[i].Value
		if isMethod(key) && !strings.EqualFold(key, method) {
			continue
		}
		out.Content = append(out.Content, item.Content[i], item.Content[i+1])
	}
	return out
}

// isMethod tells a path item's operations from its other members.
func isMethod(key string) bool {
	switch key {
	case "get", "put", "post", "delete", "options", "head", "patch", "trace":
		return true
	}
	return false
}

// pathFragment is the document root with paths cut down to one item and
// components.schemas to the schemas that item reaches (and errorSchema).
func pathFragment(root *yaml.Node, path string, item *yaml.Node) (*yaml.Node, error) {
	schemas := mappingValue(mappingValue(root, "components"), "schemas")
	keep := map[string]bool{}
	var queue []*yaml.Node
	want := func(name string) error {
		if keep[name] {
			return nil
		}
		s := mappingValue(schemas, name)
		if s == nil {
			return fmt.Errorf("$ref to a missing schema %q", name)
		}
		keep[name] = true
		queue = append(queue, s)
		return nil
	}
	if mappingValue(schemas, errorSchema) != nil {
		if err := want(errorSchema); err != nil {
			return nil, err
		}
	}
	queue = append(queue, item)
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		var err error
		walkRefs(n, func(ref string) {
			name, ok := strings.CutPrefix(ref, "#/components/schemas/")
			if !ok || strings.ContainsAny(name, "/~") {
				err = fmt.Errorf("$ref %q: only plain references to components.schemas are compiled", ref)
				return
			}
			if e := want(name); e != nil && err == nil {
				err = e
			}
		})
		if err != nil {
			return nil, err
		}
	}
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := *root.Content[i], root.Content[i+1]
		k.HeadComment, k.LineComment, k.FootComment = "", "", "" // the file says it is generated
		switch k.Value {
		case "paths":
			v = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{stringNode(path), item}}
		case "components":
			v = filterComponents(v, keep)
		}
		out.Content = append(out.Content, &k, v)
	}
	return out, nil
}

// filterComponents keeps the schemas named in keep (in document order) and
// every other section whole (security schemes are named, not referenced).
func filterComponents(components *yaml.Node, keep map[string]bool) *yaml.Node {
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(components.Content); i += 2 {
		k, v := components.Content[i], components.Content[i+1]
		if k.Value == "schemas" {
			kept := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			for j := 0; j+1 < len(v.Content); j += 2 {
				if keep[v.Content[j].Value] {
					kept.Content = append(kept.Content, v.Content[j], v.Content[j+1])
				}
			}
			v = kept
		}
		out.Content = append(out.Content, k, v)
	}
	return out
}

// expandAliases replaces every YAML alias under n with a copy of what it
// names, and drops the anchors.
func expandAliases(n *yaml.Node) {
	n.Anchor = ""
	for i, c := range n.Content {
		if c.Kind == yaml.AliasNode {
			copied := deepCopy(c.Alias)
			n.Content[i] = copied
			c = copied
		}
		expandAliases(c)
	}
}

func deepCopy(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode {
		return deepCopy(n.Alias)
	}
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, child := range n.Content {
		c.Content[i] = deepCopy(child)
	}
	return &c
}

// walkRefs calls fn with the value of every $ref under n.
func walkRefs(n *yaml.Node, fn func(ref string)) {
	if n == nil {
		return
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "$ref" && n.Content[i+1].Kind == yaml.ScalarNode {
				fn(n.Content[i+1].Value)
			}
		}
	}
	for _, c := range n.Content {
		walkRefs(c, fn)
	}
}

// mappingValue returns the value under key in a mapping node, or nil.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func stringNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}
