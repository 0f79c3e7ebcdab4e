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

// match finds the node for segs, collecting parameter values.
func (n *node) match(segs []string, values []string) (*node, []string) {
	if len(segs) == 0 {
		if n.methods == nil {
			return nil, nil
		}
		return n, values
	}
	seg := segs[0]
	if child := n.static[seg]; child != nil {
		if leaf, v := child.match(segs[1:], values); leaf != nil {
			return leaf, v
		}
	}
	if n.param != nil && seg != "" {
		return n.param.match(segs[1:], append(values, seg))
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
