// Package simtest starts a real stsim server for tests and speaks HTTP to it.
// Servers it starts always run with strict response validation, so a
// handler that drifts from the OpenAPI contract fails the test that called it.
//
//	srv := simtest.Start(t)
//	tok := srv.Token(t)
//	resp := srv.Do(t, "GET", "/crm/v2/tenant/1234567/customers", tok, nil)
//
// Each server is isolated: its own store, clock (frozen at Epoch; move it
// with srv.Clock), journal and scenarios. A test that fails prints the last
// lines of its server's log.
//
// The demo tenant (Tenant) has one connection, the "Schedule Engine" app
// (ClientID, ClientSecret, AppKey), bound by the tenant admin to the
// booking-provider tag named BookingProviderTag. Provider-level booking
// calls (/crm/v2/tenant/{tenant}/booking-provider/{id}/bookings) must name
// that tag's ID, which the seed assigns: look it up with
// GET /crm/v2/tenant/{tenant}/booking-provider-tags?name=Schedule%20Engine
// (see Example_bookingProvider), or read bookingProviderId from
// GET /_sim/tenants/{tenant}/connections. Another tag's ID answers 403.
package simtest

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stsim/stsim/sim"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/clock"
	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/oas"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/tenant"
)

// Demo credentials, re-exported for tests.
const (
	// BookingProviderTag is the name of the booking-provider tag the demo
	// connection is bound to.
	BookingProviderTag = "Schedule Engine"
	Tenant             = fixture.DemoTenant
	AppKey             = fixture.DemoAppKey
	ClientID           = fixture.DemoClientID
	ClientSecret       = fixture.DemoClientSecret
)

// Epoch is where a test server's frozen clock starts: a fixed Monday so
// tests are deterministic.
var Epoch = time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)

// Server is a running test server.
type Server struct {
	*sim.Server
	URL    string
	Clock  *clock.Virtual
	Logs   *LogBuffer
	client *http.Client
}

// Option adjusts a test server before it starts.
type Option func(*sim.Options)

// WithConfig lets a test change the configuration.
func WithConfig(mutate func(*config.Config)) Option {
	return func(o *sim.Options) { mutate(&o.Config) }
}

// WithHandler serves one operation with h.
func WithHandler(operationID string, h api.Handler) Option {
	return func(o *sim.Options) {
		if o.Handlers == nil {
			o.Handlers = api.Routes{}
		}
		o.Handlers[operationID] = h
	}
}

// Start runs a server with the demo fixtures, strict response validation and
// a frozen clock at Epoch.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	logs := &LogBuffer{}
	clk := clock.NewFrozen(Epoch)
	o := sim.Options{Config: config.Defaults(), Clock: clk,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	o.Config.StrictResponses = true
	for _, opt := range opts {
		opt(&o)
	}
	o.Config.StrictResponses = true // every test runs strict, whatever it changed
	s, err := sim.New(o)
	if err != nil {
		t.Fatalf("sim.New: %v", err)
	}
	if err := s.Ready(); err != nil {
		t.Fatalf("server not ready: %v", err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		hs.Close()
		_ = s.Close()
		if t.Failed() {
			t.Logf("the stsim server's log (last %d lines):\n%s", failureLogLines, logs.Tail(failureLogLines))
		}
	})
	return &Server{Server: s, URL: hs.URL, Clock: clk, Logs: logs, client: hs.Client()}
}

// LogBuffer collects the server's log output.
type LogBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// failureLogLines is how much of the server's log a failed test shows.
const failureLogLines = 60

// Tail returns the last n lines logged.
func (l *LogBuffer) Tail(n int) string {
	lines := strings.SplitAfter(strings.TrimSuffix(l.String(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "")
}

// String returns everything logged so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Response is a fully read HTTP response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test if it is not JSON.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("response body is not JSON (%v): %s", err, r.Body)
	}
}

// Map decodes a JSON object body.
func (r *Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Request sends req and reads the whole response.
func (s *Server) Request(t testing.TB, req *http.Request) *Response {
	t.Helper()
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading %s %s: %v", req.Method, req.URL, err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// PostForm posts a form body to path, with optional extra headers.
func (s *Server) PostForm(t testing.TB, path string, form url.Values, header http.Header) *Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	return s.Request(t, req)
}

// TokenFor fetches an access token with the given client credentials.
func (s *Server) TokenFor(t testing.TB, clientID, secret string) string {
	t.Helper()
	r := s.PostForm(t, "/connect/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret},
	}, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("token request: status %d: %s", r.Status, r.Body)
	}
	var body struct {
		AccessToken string `json:"access_token"`
	}
	r.JSON(t, &body)
	return body.AccessToken
}

// Token fetches an access token for the demo connection.
func (s *Server) Token(t testing.TB) string {
	t.Helper()
	return s.TokenFor(t, ClientID, ClientSecret)
}

// Call sends an API request with a token and app key; body, when not nil, is
// sent as JSON (a []byte or string is sent as is).
func (s *Server) Call(t testing.TB, method, path, token, appKey string, body any) *Response {
	t.Helper()
	return s.Request(t, s.newRequest(t, method, path, token, appKey, body))
}

// Unvalidated sends an API request as the demo app with request validation
// off (sim.ValidationHeader), so that the handler's own checks answer; body
// is sent as Call sends it.
func (s *Server) Unvalidated(t testing.TB, method, path, token string, body any) *Response {
	t.Helper()
	req := s.newRequest(t, method, path, token, AppKey, body)
	req.Header.Set(sim.ValidationHeader, "off")
	return s.Request(t, req)
}

// newRequest builds the request Call sends.
func (s *Server) newRequest(t testing.TB, method, path, token, appKey string, body any) *http.Request {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if appKey != "" {
		req.Header.Set("ST-App-Key", appKey)
	}
	return req
}

// Do sends an API request as the demo app.
func (s *Server) Do(t testing.TB, method, path, token string, body any) *Response {
	t.Helper()
	return s.Call(t, method, path, token, AppKey, body)
}

// Backends runs fn once per store backend, memory and a bbolt file in a
// temporary directory; pass the given option to Start.
func Backends(t *testing.T, fn func(t *testing.T, backend Option)) {
	t.Helper()
	t.Run("memory", func(t *testing.T) { fn(t, func(*sim.Options) {}) })
	t.Run("bolt", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "stsim.db")
		fn(t, WithConfig(func(c *config.Config) { c.DataFile = path }))
	})
}

// Tenant path prefixes of the demo tenant.
const (
	CRM = "/crm/v2/tenant/1234567"
	JPM = "/jpm/v2/tenant/1234567"
)

// OK fails the test unless r has status 200, and returns r.
func (r *Response) OK(t testing.TB) *Response {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", r.Status, r.Body)
	}
	return r
}

// WantError fails the test unless r is a ServiceTitan error with the status
// and, when field is not empty, an errors entry for field.
func (r *Response) WantError(t testing.TB, status int, field string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	var e struct {
		Status int                 `json:"status"`
		Errors map[string][]string `json:"errors"`
	}
	r.JSON(t, &e)
	if e.Status != status {
		t.Fatalf("body status %d, want %d: %s", e.Status, status, r.Body)
	}
	if field != "" {
		if _, ok := e.Errors[field]; !ok {
			t.Fatalf("errors has no %q entry: %s", field, r.Body)
		}
	}
}

// Control calls the /_sim control API and fails the test unless the answer
// matches its operation in sim.yaml (the same strictness API responses get).
func (s *Server) Control(t testing.TB, method, path string, body any) *Response {
	t.Helper()
	r := s.Call(t, method, path, "", "", body)
	u, _ := url.Parse(path)
	op, values, outcome := s.Spec().MatchDocument("sim", method, u.Path)
	if outcome != oas.Matched {
		t.Fatalf("%s %s is not in sim.yaml", method, path)
	}
	req, _ := http.NewRequest(method, s.URL+path, nil)
	if err := op.ValidateResponse(req, values, r.Status, r.Header, r.Body); err != nil {
		t.Fatalf("%s %s: the control API broke sim.yaml: %v", method, path, err)
	}
	return r
}

// ChangeTenantSettings changes a tenant's settings (time zone, capacity
// policy and range), which no API sets, directly in its store.
func (s *Server) ChangeTenantSettings(t testing.TB, tenantID int64, change func(*tenant.Settings)) {
	t.Helper()
	err := resource.Update(s.Store(), tenantID, s.Clock.Now(), func(tx *resource.Tx) error {
		ts, err := tenant.Load(tx)
		if err != nil {
			return err
		}
		change(&ts)
		return tenant.Save(tx, ts)
	})
	if err != nil {
		t.Fatal(err)
	}
}
