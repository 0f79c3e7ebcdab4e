package sim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/apierr"
)

// Request size limits, checked before anything reads, parses or keeps the
// request. They follow the ASP.NET Core and IIS defaults ServiceTitan's
// front end is built on:
//   - MaxURLBytes: http.sys/IIS refuse request URLs past 16 KB (414).
//   - MaxHeaderBytes: Kestrel's MaxRequestHeadersTotalSize is 32 KB (431).
//   - MaxBodyBytes: API bodies up to 10 MiB (413); the token endpoint's
//     form and the control API's JSON are small, so they get less.
//
// Go's server refuses a request line plus headers past MaxWireHeaderBytes
// itself (431, plain text) before stsim sees the request at all.
const (
	MaxURLBytes         = 16 << 10
	MaxHeaderBytes      = 32 << 10
	MaxBodyBytes        = 10 << 20
	MaxTokenBodyBytes   = 16 << 10
	MaxControlBodyBytes = 1 << 20
	MaxWireHeaderBytes  = 64 << 10
)

// limits refuses oversized requests at once, in ServiceTitan's error
// shape: a URL past MaxURLBytes (414), headers past MaxHeaderBytes (431), a
// body past its route's limit (413), and a JSON body that is not UTF-8
// (400, where a JSON decoder would silently substitute U+FFFD). The body
// is read here, bounded, so no later stage can read more than the limit.
func (s *Server) limits(c *gin.Context) {
	r := c.Request
	if n := len(r.RequestURI); n > MaxURLBytes {
		s.fail(c, apierr.New(http.StatusRequestURITooLong, fmt.Sprintf("The request URL is %d bytes; the limit is %d.", n, MaxURLBytes)))
		return
	}
	if n := headerBytes(r); n > MaxHeaderBytes {
		s.fail(c, apierr.New(http.StatusRequestHeaderFieldsTooLarge, fmt.Sprintf("The request headers are %d bytes; the limit is %d.", n, MaxHeaderBytes)))
		return
	}
	if r.Body == nil || r.Body == http.NoBody {
		return
	}
	limit := bodyLimit(r.URL.Path)
	tooLarge := apierr.New(http.StatusRequestEntityTooLarge, fmt.Sprintf("The request body is larger than %d bytes, the limit for this endpoint.", limit))
	if r.ContentLength > limit {
		c.Header("Connection", "close") // the unread body is not worth draining
		s.fail(c, tooLarge)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.fail(c, tooLarge)
			return
		}
		s.fail(c, apierr.BadRequest("body", "The request body could not be read: "+err.Error()))
		return
	}
	if isJSON(r.Header.Get("Content-Type")) && !utf8.Valid(body) {
		s.fail(c, apierr.BadRequest("body", fmt.Sprintf("The request body is not valid UTF-8 (first bad byte at offset %d).", firstInvalidUTF8(body))))
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
}

// bodyLimit is the largest body a path accepts.
func bodyLimit(path string) int64 {
	switch {
	case path == "/connect/token":
		return MaxTokenBodyBytes
	case strings.HasPrefix(path, "/_sim/"):
		return MaxControlBodyBytes
	}
	return MaxBodyBytes
}

// headerBytes is the size of the request's header fields as sent.
func headerBytes(r *http.Request) int {
	n := len(r.Host)
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4 // ": " and CRLF
		}
	}
	return n
}

// isJSON reports whether a Content-Type names JSON (application/json or a
// +json type).
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}
