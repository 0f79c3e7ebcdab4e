package main

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/stsim/stsim/openapi"
	"github.com/stsim/stsim/openapi/specfacts"
)

// node is a YAML node. Working on nodes rather than on decoded structs keeps
// the reference document's key order and every field kin-openapi may not
// model.
type node = yaml.Node

// proseKeys are the keywords whose values are prose, not facts.
var proseKeys = map[string]bool{
	"description":  true,
	"summary":      true,
	"title":        true,
	"example":      true,
	"examples":     true,
	"externalDocs": true,
}

// keptExtensions are the vendor extensions that carry facts.
var keptExtensions = map[string]bool{
	"x-enumNames": true,
	"x-enumFlags": true,
}

// namedMaps are the keywords whose mapping value is keyed by names (paths,
// property names, status codes, media types, ...) rather than by keywords.
var namedMaps = map[string]bool{
	"paths":           true,
	"properties":      true,
	"schemas":         true,
	"responses":       true,
	"parameters":      true,
	"requestBodies":   true,
	"headers":         true,
	"content":         true,
	"securitySchemes": true,
	"links":           true,
	"callbacks":       true,
	"encoding":        true,
	"variables":       true,
}

// verbatim are the keywords whose values are data, copied unchanged.
var verbatim = map[string]bool{
	"enum":     true,
	"required": true,
	"default":  true,
	"security": true,
	"mapping":  true,
	"scopes":   true,
}

// stats records what strip removed that a reviewer may want to know about.
type stats struct {
	extensions []string // vendor extensions dropped, each name once
}

func (s *stats) dropExtension(name string) {
	for _, e := range s.extensions {
		if e == name {
			return
		}
	}
	s.extensions = append(s.extensions, name)
}

// parse reads a YAML or JSON document and returns its root mapping, with
// every node reset to the default (block, plain where possible) style.
func parse(data []byte) (*node, error) {
	var doc node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not a YAML or JSON object")
	}
	root := doc.Content[0]
	plain(root)
	return root, nil
}

// plain resets the style of n and its descendants, so JSON input and quoted
// YAML come out alike. The encoder still quotes strings that would otherwise
// read as another type ("200", "True").
func plain(n *node) {
	n.Style = 0
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	for _, c := range n.Content {
		plain(c)
	}
}

// dump writes root as YAML.
func dump(w io.Writer, root *node) error {
	out, err := yaml.Dump(root, yaml.WithIndent(2), yaml.WithCompactSeqIndent(false), yaml.WithLineWidth(-1))
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// strip removes prose and unknown vendor extensions from an object whose
// keys are OpenAPI keywords, recursing into the values that hold objects.
func strip(obj *node, st *stats) {
	if obj.Kind != yaml.MappingNode {
		return
	}
	kept := obj.Content[:0]
	for i := 0; i+1 < len(obj.Content); i += 2 {
		k, v := obj.Content[i], obj.Content[i+1]
		switch {
		case proseKeys[k.Value]:
			continue
		case strings.HasPrefix(k.Value, "x-") && !keptExtensions[k.Value]:
			st.dropExtension(k.Value)
			continue
		case verbatim[k.Value] || keptExtensions[k.Value]:
		case namedMaps[k.Value] && v.Kind == yaml.MappingNode:
			for j := 1; j < len(v.Content); j += 2 {
				strip(v.Content[j], st)
			}
		default:
			stripValue(v, st)
		}
		kept = append(kept, k, v)
	}
	obj.Content = kept
}

// stripValue strips an object, or each object in a list.
func stripValue(v *node, st *stats) {
	switch v.Kind {
	case yaml.MappingNode:
		strip(v, st)
	case yaml.SequenceNode:
		for _, e := range v.Content {
			stripValue(e, st)
		}
	}
}

// setInfo replaces the info object with stsim's own title and a version that
// names the reference document's bytes.
func setInfo(root *node, src openapi.Module, sum string) {
	info := mapping(
		scalar("title"), scalar(fmt.Sprintf("stsim %s (ServiceTitan %s v2)", src.Title, src.Name)),
		scalar("version"), scalar("2.0.0+ref."+sum[:12]),
	)
	set(root, "info", info)
}

// setServers makes the module's relative base path the only server.
func setServers(root *node, base string) {
	set(root, "servers", &node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*node{mapping(scalar("url"), scalar(base))}})
}

// setScope records the module's scope abbreviation right after the servers,
// for oas to derive each operation's scope from.
func setScope(root *node, abbrev string) {
	remove(root, openapi.ScopeExtension)
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "servers" {
			root.Content = slices.Insert(root.Content, i+2, scalar(openapi.ScopeExtension), scalar(abbrev))
			return
		}
	}
	set(root, openapi.ScopeExtension, scalar(abbrev))
}

// describeResponses gives every operation response the short description
// OpenAPI requires, named after its status code.
func describeResponses(root *node) {
	for _, op := range operations(root) {
		responses := get(op.node, "responses")
		if responses == nil || responses.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(responses.Content); i += 2 {
			resp := responses.Content[i+1]
			if resp.Kind != yaml.MappingNode || get(resp, "$ref") != nil {
				continue
			}
			desc := []*node{scalar("description"), scalar(statusText(responses.Content[i].Value))}
			resp.Content = append(desc, resp.Content...)
		}
	}
}

// statusText is a neutral response description for a status code.
func statusText(code string) string {
	if code == "default" {
		return "Default response"
	}
	if n, err := strconv.Atoi(code); err == nil && http.StatusText(n) != "" {
		return http.StatusText(n)
	}
	return "Response"
}

// operation is one operation in a document.
type operation struct {
	path, method string
	node         *node
}

var methods = map[string]bool{
	"get": true, "put": true, "post": true, "delete": true,
	"options": true, "head": true, "patch": true, "trace": true,
}

// operations lists the operations of a document in document order.
func operations(root *node) []operation {
	var ops []operation
	paths := get(root, "paths")
	if paths == nil {
		return nil
	}
	for i := 0; i+1 < len(paths.Content); i += 2 {
		item := paths.Content[i+1]
		for j := 0; j+1 < len(item.Content); j += 2 {
			if m := item.Content[j].Value; methods[m] {
				ops = append(ops, operation{paths.Content[i].Value, m, item.Content[j+1]})
			}
		}
	}
	return ops
}

// apply makes one deviation. It fails when the target is missing, or when the
// reference already has what the deviation adds: then the deviation is stale.
func apply(root *node, d specfacts.Deviation) error {
	switch d.Kind {
	case specfacts.AddProperty:
		props := get(get(get(get(root, "components"), "schemas"), d.Target), "properties")
		if props == nil {
			return fmt.Errorf("schema %s has no properties", d.Target)
		}
		if get(props, d.Name) != nil {
			return fmt.Errorf("the reference now has it; drop the deviation")
		}
		schema, err := parse([]byte(d.Schema))
		if err != nil {
			return err
		}
		props.Content = append(props.Content, scalar(d.Name), schema)
	case specfacts.AddQueryParam:
		op := findOperation(root, d.Target)
		if op == nil {
			return fmt.Errorf("no operation %s", d.Target)
		}
		params := get(op, "parameters")
		if params == nil {
			params = &node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			set(op, "parameters", params)
		}
		for _, p := range params.Content {
			if value(get(p, "name")) == d.Name && value(get(p, "in")) == "query" {
				return fmt.Errorf("the reference now has it; drop the deviation")
			}
		}
		schema, err := parse([]byte(d.Schema))
		if err != nil {
			return err
		}
		params.Content = append(params.Content, mapping(scalar("name"), scalar(d.Name), scalar("in"), scalar("query"), scalar("schema"), schema))
	case specfacts.RenamePathParam:
		return renamePathParam(root, d)
	case specfacts.ErrorResponse:
		op := findOperation(root, d.Target)
		if op == nil {
			return fmt.Errorf("no operation %s", d.Target)
		}
		media := get(get(get(get(op, "responses"), d.Name), "content"), "application/json")
		if value(get(get(media, "schema"), "type")) != "string" {
			return fmt.Errorf("response %s is not a bare string any more; drop the deviation", d.Name)
		}
		set(media, "schema", mapping(scalar("$ref"), scalar("#/components/schemas/"+specfacts.ErrorSchema)))
	default:
		return fmt.Errorf("unknown deviation kind %d", d.Kind)
	}
	return nil
}

// renamePathParam moves the operations of d.Target to d.NewPath(), renaming
// the path parameter, and merges them into that path item if it exists.
func renamePathParam(root *node, d specfacts.Deviation) error {
	paths := get(root, "paths")
	item := get(paths, d.Target)
	if item == nil {
		return fmt.Errorf("no path %s", d.Target)
	}
	for i := 0; i+1 < len(item.Content); i += 2 {
		if !methods[item.Content[i].Value] {
			return fmt.Errorf("path item has %q; only operations can be moved", item.Content[i].Value)
		}
		params := get(item.Content[i+1], "parameters")
		if params == nil {
			continue
		}
		for _, p := range params.Content {
			if value(get(p, "in")) == "path" && value(get(p, "name")) == d.Name {
				set(p, "name", scalar(d.To))
			}
		}
	}
	remove(paths, d.Target)
	target := get(paths, d.NewPath())
	if target == nil {
		paths.Content = append(paths.Content, scalar(d.NewPath()), item)
		return nil
	}
	for i := 0; i+1 < len(item.Content); i += 2 {
		if get(target, item.Content[i].Value) != nil {
			return fmt.Errorf("%s already has %s", d.NewPath(), item.Content[i].Value)
		}
	}
	target.Content = append(target.Content, item.Content...)
	return nil
}

// findOperation returns the operation with the given operationId.
func findOperation(root *node, id string) *node {
	for _, op := range operations(root) {
		if value(get(op.node, "operationId")) == id {
			return op.node
		}
	}
	return nil
}

// get returns the value under key in a mapping, or nil.
func get(m *node, key string) *node {
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

// set replaces the value under key in a mapping, or appends the pair.
func set(m *node, key string, v *node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, scalar(key), v)
}

// remove deletes key from a mapping.
func remove(m *node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}

// value returns a scalar's value, or "" for nil.
func value(n *node) string {
	if n == nil {
		return ""
	}
	return n.Value
}

// scalar makes a string scalar.
func scalar(s string) *node {
	return &node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// mapping makes a mapping from alternating key and value nodes.
func mapping(kv ...*node) *node {
	return &node{Kind: yaml.MappingNode, Tag: "!!map", Content: kv}
}
