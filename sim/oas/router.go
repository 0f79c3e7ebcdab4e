package oas

import "strings"

// node is a path segment trie. Static segments win over parameters, with
// backtracking, so /customers/contacts and /customers/{id}/contacts both
// resolve. Parameter names live on the operations, not the trie, because
// documents name the same position differently (/zones/{id}, /zones/{zoneId}).
type node struct {
	static  map[string]*node
	param   *node
	methods map[string]*Operation
}

// insert adds op at segs and returns the path parameter names in order.
func (n *node) insert(segs []string, op *Operation) []string {
	var names []string
	for _, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			names = append(names, s[1:len(s)-1])
			if n.param == nil {
				n.param = &node{}
			}
			n = n.param
			continue
		}
		if n.static == nil {
			n.static = map[string]*node{}
		}
		child := n.static[s]
		if child == nil {
			child = &node{}
			n.static[s] = child
		}
		n = child
	}
	if n.methods == nil {
		n.methods = map[string]*Operation{}
	}
	n.methods[op.Method] = op
	return names
}

// match finds the node for a path relative to the trie's root (a leading
// or trailing slash is ignored, as splitPath ignores them), collecting
// parameter values in values[:0]. It walks the path in place: a match
// allocates only its values, once, and only if values has no room.
func (n *node) match(path string, values []string) (*node, []string) {
	path = strings.Trim(path, "/")
	return n.matchRest(path, path == "", values[:0])
}

// matchRest matches the segments of rest (none when end is set).
func (n *node) matchRest(rest string, end bool, values []string) (*node, []string) {
	if end {
		if n.methods == nil {
			return nil, nil
		}
		return n, values
	}
	seg, tail, more := strings.Cut(rest, "/")
	if child := n.static[seg]; child != nil {
		if leaf, v := child.matchRest(tail, !more, values); leaf != nil {
			return leaf, v
		}
	}
	if n.param != nil && seg != "" {
		if cap(values) == 0 {
			values = make([]string, 0, 4) // room for the parameters of most paths
		}
		return n.param.matchRest(tail, !more, append(values, seg))
	}
	return nil, nil
}

// splitPath splits "/a/b/c" into [a b c]; a trailing slash is ignored.
func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}
