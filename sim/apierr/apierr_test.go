package apierr

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// writeError runs Write on a recorder and decodes the body's members.
func writeError(t *testing.T, traceID string, err error) (*httptest.ResponseRecorder, map[string]json.RawMessage, *Error) {
	t.Helper()
	rec := httptest.NewRecorder()
	written := Write(rec, traceID, err)
	var members map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &members); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, rec.Body.String())
	}
	return rec, members, written
}

func TestWriteBodyShape(t *testing.T) {
	wantKeys := []string{"data", "errors", "status", "title", "traceId", "type"}
	for _, tc := range []struct {
		name     string
		err      *Error
		wantType string
	}{
		{"bare", New(http.StatusNotFound, "Customer with id 5 was not found."), "https://tools.ietf.org/html/rfc7231#section-6.5.4"},
		{"fields and data", BadRequest("name", "Required").Field("name", "Too short").With("operation", "crm.Customers_Create"), "https://tools.ietf.org/html/rfc7231#section-6.5.1"},
		{"empty maps", &Error{Status: http.StatusConflict, Title: "x", Errors: map[string][]string{}, Data: map[string]any{}}, "https://tools.ietf.org/html/rfc7231#section-6.5.8"},
		{"status without a problem type", New(http.StatusTeapot, "I'm a teapot"), "about:blank"},
		{"unmarshalable data", New(http.StatusBadRequest, "x").With("f", func() {}), "https://tools.ietf.org/html/rfc7231#section-6.5.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, members, _ := writeError(t, "trace-1", tc.err)
			if got := slices.Sorted(maps.Keys(members)); !slices.Equal(got, wantKeys) {
				t.Fatalf("keys = %q, want %q", got, wantKeys)
			}
			for _, k := range []string{"errors", "data"} {
				if raw := strings.TrimSpace(string(members[k])); raw == "null" || !strings.HasPrefix(raw, "{") {
					t.Errorf("%s = %s, want an object", k, raw)
				}
			}
			var body struct {
				Type    string              `json:"type"`
				Title   string              `json:"title"`
				Status  int                 `json:"status"`
				TraceID string              `json:"traceId"`
				Errors  map[string][]string `json:"errors"`
				Data    map[string]any      `json:"data"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if body.Type != tc.wantType || body.Title != tc.err.Title || body.Status != tc.err.Status || body.TraceID != "trace-1" {
				t.Errorf("body = %+v", body)
			}
			if rec.Code != tc.err.Status {
				t.Errorf("status = %d, want %d", rec.Code, tc.err.Status)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			if got := rec.Header().Get(TraceHeader); got != "trace-1" {
				t.Errorf("%s = %q, want trace-1", TraceHeader, got)
			}
		})
	}
}

func TestWriteFieldsAndData(t *testing.T) {
	e := BadRequest("name", "Required").Field("name", "Too short").Field("email", "Invalid").With("operation", "crm.Customers_Create")
	rec, _, _ := writeError(t, "t", e)
	var body struct {
		Errors map[string][]string `json:"errors"`
		Data   map[string]any      `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"name": {"Required", "Too short"}, "email": {"Invalid"}}
	if !maps.EqualFunc(body.Errors, want, slices.Equal) {
		t.Errorf("errors = %v, want %v", body.Errors, want)
	}
	if body.Data["operation"] != "crm.Customers_Create" {
		t.Errorf("data = %v", body.Data)
	}
}

func TestWriteHeaders(t *testing.T) {
	e := New(http.StatusTooManyRequests, "Rate limit exceeded.").
		WithHeader("Retry-After", "3").
		WithHeader("www-authenticate", `Bearer error="invalid_token"`)
	rec, _, _ := writeError(t, "abc", e)
	if got := rec.Header().Get("Retry-After"); got != "3" {
		t.Errorf("Retry-After = %q, want 3", got)
	}
	if got := rec.Header().Get("WWW-Authenticate"); got != `Bearer error="invalid_token"` {
		t.Errorf("WWW-Authenticate = %q", got)
	}
	if got := rec.Header().Get(TraceHeader); got != "abc" {
		t.Errorf("%s = %q", TraceHeader, got)
	}
	// An error header cannot override the body's content type.
	e = New(http.StatusBadRequest, "x").WithHeader("Content-Type", "text/plain")
	rec, _, _ = writeError(t, "abc", e)
	if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}

	// No trace ID: no header, and the body still has the member.
	rec, members, _ := writeError(t, "", New(http.StatusNotFound, "x"))
	if _, ok := rec.Header()[TraceHeader]; ok {
		t.Errorf("%s set without a trace ID", TraceHeader)
	}
	if string(members["traceId"]) != `""` {
		t.Errorf("traceId = %s", members["traceId"])
	}
}

func TestFromPlainErrorHidesCause(t *testing.T) {
	const secret = "pq: password authentication failed for user stsim at 10.0.0.7"
	cause := errors.New(secret)
	rec, members, written := writeError(t, "t", cause)
	if rec.Code != http.StatusInternalServerError || written.Status != http.StatusInternalServerError {
		t.Fatalf("status = %d (written %d), want 500", rec.Code, written.Status)
	}
	if strings.Contains(rec.Body.String(), secret) || strings.Contains(rec.Body.String(), "password") {
		t.Errorf("the body leaks the internal error: %s", rec.Body.String())
	}
	for k, v := range rec.Header() {
		if strings.Contains(strings.Join(v, " "), "password") {
			t.Errorf("header %s leaks the internal error", k)
		}
	}
	if string(members["status"]) != "500" {
		t.Errorf("status member = %s", members["status"])
	}
	// The cause stays reachable for logging.
	if !errors.Is(written, cause) || !strings.Contains(written.Error(), secret) {
		t.Errorf("the cause is lost: %v", written)
	}
}

func TestFrom(t *testing.T) {
	e := NotFound("Customer", 5)
	if got := From(e); got != e {
		t.Errorf("From(*Error) = %v, want the same error", got)
	}
	if got := From(fmt.Errorf("loading: %w", e)); got != e {
		t.Errorf("From(wrapped *Error) = %v, want the wrapped error", got)
	}
	if got := From(errors.New("boom")); got.Status != http.StatusInternalServerError || got.Title == "boom" {
		t.Errorf("From(plain) = %+v", got)
	}
	if e.Title != "Customer with id 5 was not found." || e.Status != http.StatusNotFound {
		t.Errorf("NotFound = %+v", e)
	}
	if c := Conflict("already exists"); c.Status != http.StatusConflict || c.Title != "already exists" {
		t.Errorf("Conflict = %+v", c)
	}
}

func TestErrorString(t *testing.T) {
	e := New(http.StatusBadRequest, "One or more validation errors occurred.").
		Field("zeta", "z1").Field("alpha", "a1").Field("mid", "m1").Field("alpha", "a2")
	want := "400 One or more validation errors occurred.; alpha: a1 a2; mid: m1; zeta: z1"
	for range 10 { // map order varies between runs; the string must not
		if got := e.Error(); got != want {
			t.Fatalf("Error() = %q, want %q", got, want)
		}
	}
	if got := New(http.StatusNotFound, "gone").Error(); got != "404 gone" {
		t.Errorf("Error() = %q", got)
	}
	if got := Internal(errors.New("disk full")).Error(); !strings.Contains(got, "500 ") || !strings.HasSuffix(got, "(cause: disk full)") {
		t.Errorf("Internal(...).Error() = %q", got)
	}
}
