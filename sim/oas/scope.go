package oas

import (
	"sort"
	"strings"
)

// scopeFor derives the scope an operation needs. The mid-2025 documents
// declare no scopes; the 2026 ones do, and follow one pattern (contract §7,
// [3P] T-scopes): the first resource segment after /tenant/{tenant}, hyphens
// removed, with :r for GET and :w otherwise. Export feeds use the exported
// resource, and booking-provider bookings are "bookings". The capacity query
// is a POST and so needs tn.dis.capacity:w, as T-scopes lists it. abbrev
// is the module's abbreviation in scopes (openapi.ScopeExtension).
func scopeFor(abbrev, method, path string) string {
	segs := splitPath(path)
	if len(segs) >= 2 && segs[0] == "tenant" {
		segs = segs[2:]
	}
	if len(segs) == 0 {
		return ""
	}
	resource := segs[0]
	switch {
	case resource == "export" && len(segs) > 1:
		resource = segs[1]
	case resource == "booking-provider":
		resource = "bookings"
	}
	access := "w"
	if method == "GET" {
		access = "r"
	}
	return "tn." + abbrev + "." + strings.ReplaceAll(resource, "-", "") + ":" + access
}

// Scopes lists every distinct scope the given operations need, sorted.
func Scopes(ops []*Operation) []string {
	seen := map[string]bool{}
	var out []string
	for _, o := range ops {
		if o.Scope != "" && !seen[o.Scope] {
			seen[o.Scope] = true
			out = append(out, o.Scope)
		}
	}
	sort.Strings(out)
	return out
}
