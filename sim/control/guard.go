package control

import (
	"crypto/sha256"
	"crypto/subtle"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/apierr"
)

// Guard protects the control API, which can mint credentials:
//
//   - With a token, every control call must send it as a bearer token
//     (compared in constant time). Without one, the control API answers only
//     when stsim listens on loopback, and only to requests addressed to a
//     loopback host name, so a DNS-rebinding page cannot reach it.
//   - A browser request from another origin (Origin or Sec-Fetch-Site says
//     so) is refused: a web page the developer visits cannot drive it. The
//     same-origin dashboard under /_sim/ui keeps working.
//   - A body must be JSON, and a form content type is refused even without
//     a body, so a cross-site HTML form cannot submit to it.
func Guard(token string, loopback bool) gin.HandlerFunc {
	want := sha256.Sum256([]byte(token))
	return func(c *gin.Context) {
		r := c.Request
		switch {
		case token != "":
			if !controlTokenOK(r.Header.Get("Authorization"), want) {
				fail(c, apierr.New(http.StatusUnauthorized, "The control API needs Authorization: Bearer <control token> (-control-token).").
					WithHeader("WWW-Authenticate", `Bearer realm="stsim control"`))
				return
			}
		case !loopback:
			fail(c, apierr.New(http.StatusForbidden, "The control API is closed: stsim listens beyond loopback and no -control-token was set."))
			return
		case !loopbackHost(r.Host):
			fail(c, apierr.New(http.StatusForbidden, "The control API answers only requests addressed to a loopback host (localhost, 127.0.0.1, [::1]) unless -control-token is set.").
				Field("Host", "Host "+r.Host+" is not a loopback name."))
			return
		}
		if why := crossOrigin(r); why != "" {
			fail(c, apierr.New(http.StatusForbidden, "The control API refuses requests from other origins.").Field("Origin", why))
			return
		}
		if why := badControlBody(r); why != "" {
			fail(c, apierr.New(http.StatusUnsupportedMediaType, "The control API takes JSON bodies only.").Field("Content-Type", why))
			return
		}
	}
}

// controlTokenOK compares a bearer credential (scheme in any case) with the
// control token's hash in constant time.
func controlTokenOK(authz string, want [sha256.Size]byte) bool {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(authz), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(cred)))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// loopbackHost reports whether a Host header names this machine's loopback
// interface.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// crossOrigin says why a request comes from another origin than the one it
// is addressed to, or "" when it does not.
func crossOrigin(r *http.Request) string {
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "", "same-origin", "none":
	default:
		return "Sec-Fetch-Site is " + site + "; only same-origin requests are served."
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return ""
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || !strings.EqualFold(u.Host, r.Host) {
		return "Origin " + origin + " is not this server (" + r.Host + ")."
	}
	return ""
}

// formTypes are the content types an HTML form can send cross-site without
// a CORS preflight.
var formTypes = map[string]bool{
	"application/x-www-form-urlencoded": true, "multipart/form-data": true, "text/plain": true,
}

// badControlBody says why a request's body or content type is refused, or
// "" when it is acceptable: no body, or a JSON one.
func badControlBody(r *http.Request) string {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	hasBody := r.ContentLength != 0
	switch {
	case ct == "" && !hasBody:
		return ""
	case err != nil:
		return "Content-Type " + ct + " is malformed; send application/json."
	case mt == "application/json":
		return ""
	case hasBody || formTypes[mt]:
		return "Content-Type is " + mt + "; send application/json."
	}
	return ""
}
