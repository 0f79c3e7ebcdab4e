// Package apierr is stsim's one error model. Every failure a client can see is
// an *Error; Write turns it into ServiceTitan's error body (the ApiErrorResponse
// schema of the V2 specs, RFC 7807 style, contract §6):
//
//	{"type":"…","title":"…","status":400,"traceId":"…","errors":{"field":["…"]},"data":{}}
//
// Handlers never build error JSON themselves.
package apierr

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// TraceHeader is the response header that repeats the body's traceId, so a
// client can quote it whether or not it parsed the body.
const TraceHeader = "X-Trace-Id"

// problemTypes are the RFC section URIs ASP.NET (ServiceTitan's stack) puts in
// the "type" member for each status.
var problemTypes = map[int]string{
	http.StatusBadRequest:           "https://tools.ietf.org/html/rfc7231#section-6.5.1",
	http.StatusUnauthorized:         "https://tools.ietf.org/html/rfc7235#section-3.1",
	http.StatusForbidden:            "https://tools.ietf.org/html/rfc7231#section-6.5.3",
	http.StatusNotFound:             "https://tools.ietf.org/html/rfc7231#section-6.5.4",
	http.StatusMethodNotAllowed:     "https://tools.ietf.org/html/rfc7231#section-6.5.5",
	http.StatusConflict:             "https://tools.ietf.org/html/rfc7231#section-6.5.8",
	http.StatusGone:                 "https://tools.ietf.org/html/rfc7231#section-6.5.9",
	http.StatusUnsupportedMediaType: "https://tools.ietf.org/html/rfc7231#section-6.5.13",
	http.StatusUnprocessableEntity:  "https://tools.ietf.org/html/rfc4918#section-11.2",
	http.StatusTooManyRequests:      "https://tools.ietf.org/html/rfc6585#section-4",
	http.StatusInternalServerError:  "https://tools.ietf.org/html/rfc7231#section-6.6.1",
	http.StatusNotImplemented:       "https://tools.ietf.org/html/rfc7231#section-6.6.2",
	http.StatusServiceUnavailable:   "https://tools.ietf.org/html/rfc7231#section-6.6.4",
}

// Error is a client-visible failure.
type Error struct {
	Status int
	Title  string
	// Errors maps a field, parameter or header name to readable messages.
	Errors map[string][]string
	// Data carries structured extras (for example the operation of a 501).
	Data map[string]any
	// Header holds extra response headers, such as Retry-After.
	Header http.Header
	// Code names the failure for machines (the request journal's lint);
	// it is never sent.
	Code string
	// cause is an internal error: logged, never shown.
	cause error
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s", e.Status, e.Title)
	keys := make([]string, 0, len(e.Errors))
	for k := range e.Errors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "; %s: %s", k, strings.Join(e.Errors[k], " "))
	}
	if e.cause != nil {
		fmt.Fprintf(&b, " (cause: %v)", e.cause)
	}
	return b.String()
}

// Unwrap exposes the internal cause to errors.Is/As.
func (e *Error) Unwrap() error { return e.cause }

// Codes of failures the request journal reports as client mistakes.
const (
	CodeNoAppKey     = "no-app-key"
	CodeTokenExpired = "token-expired"
	CodeTooManyIDs   = "ids-over-50"
)

// WithCode sets the machine-readable code and returns e.
func (e *Error) WithCode(code string) *Error {
	e.Code = code
	return e
}

// New returns an error with a status and title.
func New(status int, title string) *Error { return &Error{Status: status, Title: title} }

// Field adds a message for one field or parameter and returns e.
func (e *Error) Field(name, msg string) *Error {
	if e.Errors == nil {
		e.Errors = map[string][]string{}
	}
	e.Errors[name] = append(e.Errors[name], msg)
	return e
}

// With adds a data member and returns e.
func (e *Error) With(key string, value any) *Error {
	if e.Data == nil {
		e.Data = map[string]any{}
	}
	e.Data[key] = value
	return e
}

// WithHeader adds a response header and returns e.
func (e *Error) WithHeader(key, value string) *Error {
	if e.Header == nil {
		e.Header = http.Header{}
	}
	e.Header.Set(key, value)
	return e
}

// BadRequest is a 400 for one field: the usual validation failure.
func BadRequest(field, msg string) *Error {
	return New(http.StatusBadRequest, "One or more validation errors occurred.").Field(field, msg)
}

// NotFound is a 404 naming what was not found.
func NotFound(what string, id any) *Error {
	return New(http.StatusNotFound, fmt.Sprintf("%s with id %v was not found.", what, id))
}

// Conflict is a 409 with a reason.
func Conflict(reason string) *Error { return New(http.StatusConflict, reason) }

// Internal wraps an unexpected error as a 500 whose body does not leak it.
func Internal(cause error) *Error {
	return &Error{Status: http.StatusInternalServerError, Title: "An unexpected error occurred.", cause: cause}
}

// From converts any error into an *Error; a non-*Error becomes a 500.
func From(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

// body is the wire form; field order follows the spec's ApiErrorResponse.
type body struct {
	Type    string              `json:"type"`
	Title   string              `json:"title"`
	Status  int                 `json:"status"`
	TraceID string              `json:"traceId"`
	Errors  map[string][]string `json:"errors"`
	Data    map[string]any      `json:"data"`
}

// Body renders e as ServiceTitan's error JSON.
func (e *Error) Body(traceID string) []byte {
	b := body{Type: problemTypes[e.Status], Title: e.Title, Status: e.Status, TraceID: traceID, Errors: e.Errors, Data: e.Data}
	if b.Type == "" {
		b.Type = "about:blank"
	}
	if b.Errors == nil {
		b.Errors = map[string][]string{}
	}
	if b.Data == nil {
		b.Data = map[string]any{}
	}
	out, err := json.Marshal(b)
	if err != nil { // only reachable if Data holds something unmarshalable
		b.Data = map[string]any{}
		out, _ = json.Marshal(b)
	}
	return out
}

// Write sends err as ServiceTitan's error body with the trace ID in the body
// and in the X-Trace-Id header. It returns the *Error that was written.
func Write(w http.ResponseWriter, traceID string, err error) *Error {
	e := From(err)
	h := w.Header()
	for k, v := range e.Header {
		h[k] = v
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	if traceID != "" {
		h.Set(TraceHeader, traceID)
	}
	w.WriteHeader(e.Status)
	_, _ = w.Write(e.Body(traceID))
	return e
}
