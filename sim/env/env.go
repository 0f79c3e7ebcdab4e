// Package env is ServiceTitan's pair of environments in one stsim.
// ServiceTitan gives every app an integration environment
// (auth-integration / api-integration hosts) and a production one (auth /
// api hosts); credentials are issued per environment, the app key is the
// same in both. stsim serves both from one listener: a request's
// environment comes from a path prefix (/_env/production/…) or, for
// clients that reach stsim under ServiceTitan's host names (a hosts-file
// entry), from its Host header; anything else is integration.
package env

import (
	"context"
	"net"
	"net/http"
	"slices"
	"strings"
)

// The environments.
const (
	Integration = "integration"
	Production  = "production"
)

// Names lists the environments, the default first.
var Names = []string{Integration, Production}

// Valid reports whether name is an environment.
func Valid(name string) bool { return slices.Contains(Names, name) }

// Or returns name, or Integration for an empty one (state written before
// environments existed belongs to integration).
func Or(name string) string {
	if name == "" {
		return Integration
	}
	return name
}

type ctxKey struct{}

// With returns ctx carrying the environment name.
func With(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, ctxKey{}, name)
}

// From returns the environment a request's context carries (Integration
// when none).
func From(ctx context.Context) string {
	name, _ := ctx.Value(ctxKey{}).(string)
	return Or(name)
}

// Selector picks each request's environment.
type Selector struct {
	// Prefix starts a path that names its environment: Prefix/<name>/… is
	// served as /… in that environment. It must not be empty.
	Prefix string
	// Hosts maps a host name (lower case, without port) to its environment.
	Hosts map[string]string
}

// Select returns the environment of a request and its path without the
// environment prefix. A prefix beats the Host header.
func (s Selector) Select(r *http.Request) (string, string) {
	path := r.URL.Path
	if rest, ok := strings.CutPrefix(path, s.Prefix); ok && strings.HasPrefix(rest, "/") {
		name, tail, _ := strings.Cut(rest[1:], "/")
		if Valid(name) {
			return name, "/" + tail
		}
	}
	if len(s.Hosts) == 0 {
		return Integration, path // no host names an environment
	}
	host := r.Host
	if strings.IndexByte(host, ':') >= 0 { // without one SplitHostPort fails (an error to allocate) and host stays
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
	}
	if name, ok := s.Hosts[strings.ToLower(host)]; ok {
		return name, path
	}
	return Integration, path
}

// Handler serves each request with next in its environment: the prefix
// removed from its path, the environment in its context (From). A prefix
// naming no environment is left in place, so the path is simply unknown.
func (s Selector) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, path := s.Select(r)
		if name == Integration && path == r.URL.Path {
			next.ServeHTTP(w, r) // From says Integration already: no copy
			return
		}
		r = r.WithContext(With(r.Context(), name)) // a shallow copy: its URL is shared
		if path != r.URL.Path {
			u := *r.URL
			u.Path, u.RawPath = path, ""
			r.URL, r.RequestURI = &u, u.RequestURI()
		}
		next.ServeHTTP(w, r)
	})
}

// Issuer is the token issuer of an environment: base for integration (so
// existing tokens and discovery stay as they were), base followed by the
// environment's prefix for the others, which is where their discovery
// document is served.
func (s Selector) Issuer(base, name string) string {
	if name == Integration {
		return base
	}
	return base + s.Prefix + "/" + name
}
