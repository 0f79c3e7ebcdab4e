package sim

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/auth"
	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/control"
	"github.com/stsim/stsim/sim/journal"
	"github.com/stsim/stsim/sim/oas"
	"github.com/stsim/stsim/sim/ratelimit"
	"github.com/stsim/stsim/sim/ui"
)

// Headers stsim adds to or reads from API calls.
const (
	// ValidationHeader overrides the request-validation mode for one call.
	ValidationHeader = "X-Stsim-Validation"
	// WarningHeader names what a request broke when validation is in warn mode.
	WarningHeader = "X-Stsim-Validation-Warning"
)

// stateKey holds the request's *requestState: traceAndLog makes it, the
// pipeline fills its journal entry in from what it decides and from the
// api.Call's outcome, and traceAndLog records it. Nothing outside this
// package reads or writes request state through the gin context.
const stateKey = "stsim.request"

// state is the current request's state.
func state(c *gin.Context) *requestState {
	st, _ := c.Get(stateKey)
	return st.(*requestState)
}

// entry is the journal entry the current request fills in.
func entry(c *gin.Context) *journal.Entry { return &state(c).entry }

// requestHeader is c.GetHeader(key) for a key in canonical form (every
// header name stsim defines is), without checking its form on every call.
func requestHeader(c *gin.Context, key string) string {
	if v := c.Request.Header[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// traceID is the request's trace ID, from the header traceAndLog sets first.
func traceID(c *gin.Context) string { return c.Writer.Header().Get(apierr.TraceHeader) }

// requestState is what traceAndLog keeps for one request: its journal
// entry, the API call serveOperation makes (with its principal), and the
// gin context's key map that leads the pipeline to it (stateKey), unless a
// middleware ahead of traceAndLog made the context's map already. All are
// recycled once the request is recorded and logged: the journal keeps a
// copy of the entry, handlers keep nothing of the call (they run in the
// request's goroutine and return before it is recorded), and gin drops
// the context's keys when it reuses the context.
type requestState struct {
	entry journal.Entry
	call  callState
	keys  map[any]any
	// pathValues is room for the path parameter values of the call
	// (most operations have at most four).
	pathValues [4]string
}

var requestStates = sync.Pool{New: func() any { return &requestState{keys: make(map[any]any, 1)} }}

// quietGin puts gin in release mode (no route dump, no debug warnings) the
// first time a server builds its engine, unless GIN_MODE chose a mode.
// gin's mode is process-wide: importing sim leaves it alone.
var quietGin sync.Once

func (s *Server) buildEngine() *gin.Engine {
	quietGin.Do(func() {
		if os.Getenv(gin.EnvGinMode) == "" {
			gin.SetMode(gin.ReleaseMode)
		}
	})
	e := gin.New()
	e.HandleMethodNotAllowed = false
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.Use(s.recoverer, s.traceAndLog, s.limits)

	e.POST("/connect/token", s.issueToken)
	e.GET("/.well-known/openid-configuration", gin.WrapF(s.auth.Discovery))
	e.GET("/.well-known/openid-configuration/jwks", gin.WrapF(s.auth.JWKS))
	e.GET("/_sim/health", s.health)
	ui.Register(e) // the dashboard page; its calls go through the control API's checks
	s.control.Register(e.Group("", control.Guard(s.cfg.ControlToken, s.cfg.Loopback()), s.seedGate))
	e.NoRoute(s.dispatch)
	return e
}

// recoverer turns a panic into a logged 500 in ServiceTitan's shape.
func (s *Server) recoverer(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic serving request", "trace", traceID(c), "path", c.Request.URL.Path, "panic", fmt.Sprint(v))
			if !c.Writer.Written() {
				apierr.Write(c.Writer, traceID(c), apierr.Internal(fmt.Errorf("panic: %v", v)))
			}
			c.Abort()
		}
	}()
	c.Next()
}

// traceAndLog gives each request a trace ID (header and error bodies),
// records it in the journal and logs it afterwards. Neither keeps headers,
// and the app-key query parameter is removed: secrets, tokens and app keys
// are never stored or logged.
func (s *Server) traceAndLog(c *gin.Context) {
	start := time.Now()
	header := newTraceHeader()
	trace := header[0]
	c.Writer.Header()[apierr.TraceHeader] = header // the name is canonical
	st := requestStates.Get().(*requestState)
	e := &st.entry
	*e = journal.Entry{Time: s.clock.At(start), Method: c.Request.Method, Path: c.Request.URL.Path,
		Query: redactQuery(c.Request.URL.RawQuery), TraceID: trace}
	journaled := !strings.HasPrefix(e.Path, "/_sim/")
	if journaled {
		e.Seq = s.journal.Begin() // numbered on arrival, so the lint sees requests in the order they came
	}
	ownKeys := c.Keys == nil // no middleware ahead has set a key: the recycled map serves
	if ownKeys {
		st.keys[stateKey] = st
		c.Keys = st.keys
	} else {
		c.Set(stateKey, st) // join the keys set ahead, which their middleware may still read
	}
	c.Next()
	end := time.Now()
	e.Status, e.Latency = c.Writer.Status(), end.Sub(start)
	if journaled {
		s.journal.Record(*e)
	}
	s.logRequest(c, e, end)
	if ownKeys {
		c.Keys = nil
		clear(st.keys)
	} else {
		delete(c.Keys, stateKey) // the state is recycled below
	}
	*e, st.call, st.pathValues = journal.Entry{}, callState{}, [4]string{}
	requestStates.Put(st)
}

// logRequest writes the access log line (timed at end, when the request
// finished), every 500 with its cause (at error level, or info for one a
// scenario injected), and at debug level what the journal knows about
// the request.
func (s *Server) logRequest(c *gin.Context, e *journal.Entry, end time.Time) {
	ctx := c.Request.Context()
	if e.Status == http.StatusInternalServerError {
		level, cause := slog.LevelError, "no cause recorded"
		if err := c.Errors.Last(); err != nil {
			cause = err.Err.Error()
		}
		if e.Effect != "" {
			level = slog.LevelInfo
		}
		s.log.LogAttrs(ctx, level, "internal server error",
			slog.String("method", e.Method), slog.String("path", e.Path), slog.String("trace", e.TraceID),
			slog.String("operation", e.Operation), slog.String("cause", cause), slog.String("scenarioEffect", e.Effect))
	}
	level := slog.LevelInfo
	if e.Path == "/_sim/health" {
		level = slog.LevelDebug // health checks poll every few seconds
	}
	if h := s.log.Handler(); h.Enabled(ctx, level) {
		writeAccessLine(ctx, h, level, end, e)
	}
	if s.log.Enabled(ctx, slog.LevelDebug) {
		s.log.LogAttrs(ctx, slog.LevelDebug, "request detail",
			slog.String("trace", e.TraceID), slog.String("query", e.Query), slog.Int64("tenant", e.Tenant),
			slog.String("clientId", e.ClientID), slog.String("problem", e.Problem),
			slog.String("scenarioEffect", e.Effect), slog.Any("validationWarnings", e.Warnings),
			slog.Int64("requestBytes", c.Request.ContentLength), slog.Int("responseBytes", c.Writer.Size()))
	}
}

// secretParams are query parameter names (lower case) whose values never
// reach the journal: credentials, tokens and app keys a client put in a URL.
var secretParams = map[string]bool{
	strings.ToLower(auth.AppKeyQuery): true, "st-app-key": true, "appkey": true, "app_key": true,
	"client_secret": true, "clientsecret": true, "access_token": true, "accesstoken": true,
	"refresh_token": true, "id_token": true, "token": true, "authorization": true,
	"password": true, "secret": true, "api_key": true, "apikey": true, "client_assertion": true,
}

// redactQuery renders a raw query with the values of secret parameters
// (matched by name, in any letter case) replaced by "REDACTED". A request
// without a query (most of them) costs nothing.
func redactQuery(raw string) string {
	if raw == "" {
		return ""
	}
	q, _ := url.ParseQuery(raw) // as URL.Query does: keep what parses
	if len(q) == 0 {
		return ""
	}
	for k, vs := range q {
		if secretParams[strings.ToLower(k)] {
			for i := range vs {
				vs[i] = "REDACTED"
			}
		}
	}
	return q.Encode()
}

// issueToken serves the token endpoint and notes which client asked.
func (s *Server) issueToken(c *gin.Context) {
	e := entry(c)
	e.Operation = "token.Token_Create"
	if !s.tokenRateOK(c) || !s.tokenEffect(c) {
		return
	}
	clientID := s.auth.IssueToken(c.Writer, c.Request)
	// A token request is the client's own by name (a refused one too, so a
	// client's secret trouble shows in its journal), but only for a
	// registered client ID: made-up IDs are not recorded.
	if conn, ok := s.auth.Registry.Connection(clientID); ok {
		e.ClientID = clientID
		e.Tenant, e.Time = conn.Tenant, s.clocks.Now(conn.Tenant) // per-tenant journal queries see token requests too
	}
}

// tokenRateOK applies -token-rate-limit to a token request of a known
// client (per client ID, on the wall clock: signing costs real CPU) and
// answers 429 past it. Unknown clients are refused cheaply by the endpoint.
func (s *Server) tokenRateOK(c *gin.Context) bool {
	clientID := auth.PeekTokenClientID(c.Request)
	conn, known := s.auth.Registry.Connection(clientID)
	if !known {
		return true
	}
	d := s.tokenLimiter.Allow(ratelimit.Key{AppKey: "token:" + clientID, Tenant: conn.Tenant}, s.cfg.TokenRateLimit)
	if d.Allowed {
		return true
	}
	secs := ratelimit.RetryAfterSeconds(d.RetryAfter)
	entry(c).RetryAfter = d.RetryAfter
	c.Header("Retry-After", strconv.Itoa(secs))
	auth.WriteOAuthErrorStatus(c.Writer, http.StatusTooManyRequests, "too_many_requests",
		fmt.Sprintf("more than %d token requests per second for this client_id; reuse tokens until they expire, or retry in %d s", d.Limit, secs))
	c.Abort()
	return false
}

// traceIDLen is the length of a trace ID: "00-" + 32 hex digits + "-" +
// 16 hex digits + "-00".
const traceIDLen = 3 + 32 + 1 + 16 + 3

// newTraceHeader returns a header value holding a new trace ID, W3C
// trace-context style, as ASP.NET reports. The value
// and the ID's bytes are one allocation: the ID is written once, here,
// and never changes after, as a string must not.
func newTraceHeader() []string {
	var b [24]byte
	hi, mid, lo := rand.Uint64(), rand.Uint64(), rand.Uint64()
	for i := 0; i < 8; i++ {
		b[i], b[8+i], b[16+i] = byte(hi>>(8*i)), byte(mid>>(8*i)), byte(lo>>(8*i))
	}
	v := new(struct {
		value [1]string
		id    [traceIDLen]byte
	})
	id := v.id[:]
	copy(id, "00-")
	hex.Encode(id[3:35], b[:16])
	id[35] = '-'
	hex.Encode(id[36:52], b[16:])
	copy(id[52:], "-00")
	v.value[0] = unsafe.String(&v.id[0], traceIDLen)
	return v.value[:]
}

func (s *Server) health(c *gin.Context) {
	if err := s.Ready(); err != nil {
		apierr.Write(c.Writer, traceID(c), apierr.New(http.StatusServiceUnavailable, "stsim is not ready: "+err.Error()))
		return
	}
	api.OK(c, gin.H{"status": "ok"})
}

// fail answers err as ServiceTitan's error body; the journal records its
// code as the request's problem.
func (s *Server) fail(c *gin.Context, err error) {
	e := entry(c)
	e.Problem, e.HasMore = api.WriteError(c, traceID(c), err).Code, nil
}

// dispatch serves every path gin has no fixed route for: the ServiceTitan
// API, retired V1 paths, and ServiceTitan-shaped 404s for the rest.
func (s *Server) dispatch(c *gin.Context) {
	path := c.Request.URL.Path
	if isV1(path) {
		s.fail(c, apierr.New(http.StatusGone, "API V1 has been retired. Use the V2 API: /{module}/v2/tenant/{tenant}/… with an OAuth 2.0 client-credentials token from /connect/token and your ST-App-Key.").
			With("docs", "https://developer.servicetitan.io/docs/get-going-first-api-call/"))
		return
	}
	st := state(c)
	op, values, outcome := s.spec.MatchInto(st.pathValues[:0], c.Request.Method, path)
	switch outcome {
	case oas.NoSuchPath:
		s.fail(c, apierr.New(http.StatusNotFound, "No API operation matches "+c.Request.Method+" "+path+".").
			Field("path", "Paths look like /{module}/v2/tenant/{tenant}/{resource}; run `stsim ops` to list them."))
		return
	case oas.MethodNotAllowed:
		c.Header("Allow", strings.Join(values, ", "))
		s.fail(c, apierr.New(http.StatusMethodNotAllowed, "Method "+c.Request.Method+" is not allowed on "+path+".").
			Field("method", "Allowed: "+strings.Join(values, ", ")+"."))
		return
	case oas.LoadFailed:
		s.fail(c, apierr.Internal(fmt.Errorf("OpenAPI document for %s did not load", path)))
		return
	}
	st.entry.Operation = op.QualifiedID()
	if s.cfg.StrictResponses {
		s.serveStrict(c, op, values)
		return
	}
	s.serveOperation(c, op, values)
}

// seconds says n seconds in English: "1 second", "2 seconds".
func seconds(n int) string {
	if n == 1 {
		return "1 second"
	}
	return strconv.Itoa(n) + " seconds"
}

// isV1 reports whether path is a V1 API path: /v1/… or /{module}/v1/….
func isV1(path string) bool {
	first, rest, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	second, _, _ := strings.Cut(rest, "/")
	return first == "v1" || second == "v1"
}

func (s *Server) serveOperation(c *gin.Context, op *oas.Operation, values []string) {
	st := state(c)
	e, cs := &st.entry, &st.call
	cs.call = api.Call{TraceID: e.TraceID, Op: op, PathValues: values, Store: s.store}
	call := &cs.call
	tenant, err := strconv.ParseInt(call.Param("tenant"), 10, 64)
	if err != nil || tenant <= 0 {
		s.fail(c, apierr.BadRequest("tenant", "The tenant in the path must be a positive int64 tenant ID."))
		return
	}
	if s.seedGate(c); c.IsAborted() {
		return
	}
	call.Tenant = tenant
	call.Now = s.clocks.Now(tenant)
	e.Tenant, e.Time = tenant, call.Now // stamped on the tenant's clock, as its rate window and tokens see time
	if op.Paged {
		e.Page = 1
		if p, err := strconv.Atoi(c.Query("page")); err == nil && p > 1 {
			e.Page = p
		}
	}
	principal := &cs.principal
	if aerr := s.auth.AuthenticateTo(principal, c.Request, tenant, op.Scope, call.Now); aerr != nil {
		e.ClientID = s.auth.VerifiedClientID(c.Request)
		s.fail(c, aerr)
		return
	}
	call.Principal = principal
	e.ClientID = principal.Connection.ClientID
	hit, ok := s.scenarioHit(c, scenarioRequest(c, tenant, e.ClientID, principal.App.ID, op.QualifiedID(), call.Now))
	if !ok {
		return
	}
	limit := s.rateLimit(principal.App.RateLimit)
	if hit != nil {
		if !s.preHandler(c, call, hit.Effect, hit.Since) {
			return
		}
		if hit.Effect.RateLimit > 0 {
			limit = hit.Effect.RateLimit
		}
	}
	if d := s.limiter.Allow(ratelimit.Key{AppKey: principal.App.Key, Tenant: tenant}, limit); !d.Allowed {
		e.RetryAfter = d.RetryAfter
		secs := ratelimit.RetryAfterSeconds(d.RetryAfter)
		s.fail(c, apierr.New(http.StatusTooManyRequests, "Rate limit is exceeded. Try again in "+seconds(secs)+".").
			WithHeader("Retry-After", strconv.Itoa(secs)).
			With("limit", d.Limit).With("window", "1s"))
		return
	}
	handler := s.routes[op.QualifiedID()]
	if handler == nil {
		s.fail(c, apierr.New(http.StatusNotImplemented, "stsim does not emulate "+op.QualifiedID()+" ("+op.Method+" "+op.Path+").").
			With("operationId", op.ID).With("module", op.Module).With("reason", notEmulated[op.QualifiedID()]))
		return
	}
	if accepted, ok := op.AcceptsContentType(c.Request); !ok {
		s.fail(c, apierr.New(http.StatusUnsupportedMediaType, "Unsupported Media Type").Field("Content-Type",
			fmt.Sprintf("This operation takes %s; the request sent %q.", strings.Join(accepted, " or "), c.GetHeader("Content-Type"))))
		return
	}
	if !s.validateRequest(c, op, values) {
		return
	}
	run := func() {
		call.Outcome = api.Outcome{}
		handler(c, call)
		e.HasMore, e.Problem = call.Outcome.HasMore, call.Outcome.Problem
	}
	if hit != nil {
		s.runWithEffect(c, call, hit.Effect, run)
		return
	}
	run()
}

// callState is an API call and its principal, kept together (in the
// request's state).
type callState struct {
	call      api.Call
	principal auth.Principal
}

func (s *Server) rateLimit(appLimit int) int {
	if appLimit > 0 {
		return appLimit
	}
	return s.cfg.RateLimit
}

// validateRequest applies the validation mode (the server's, or the call's
// X-Stsim-Validation header) and reports whether to go on.
func (s *Server) validateRequest(c *gin.Context, op *oas.Operation, values []string) bool {
	mode := s.cfg.Validation
	if h := requestHeader(c, ValidationHeader); h != "" {
		m, ok := config.ParseValidation(h)
		if !ok {
			s.fail(c, apierr.BadRequest(ValidationHeader, "Must be enforce, warn or off."))
			return false
		}
		mode = m
	}
	if mode == config.ValidationOff {
		return true
	}
	violations := op.ValidateRequest(c.Request, values)
	if len(violations) == 0 {
		return true
	}
	if mode == config.ValidationWarn {
		parts := make([]string, len(violations))
		for i, v := range violations {
			parts[i] = v.String()
		}
		entry(c).Warnings = parts
		c.Header(WarningHeader, headerSafe(strings.Join(parts, "; ")))
		return true
	}
	e := apierr.New(http.StatusBadRequest, "One or more validation errors occurred.")
	for _, v := range violations {
		e.Field(v.Field, v.Message)
	}
	s.fail(c, e)
	return false
}

// headerSafe keeps a header value on one printable line of bounded size.
func headerSafe(v string) string {
	v = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, v)
	if len(v) > 2000 {
		v = v[:2000] + "…"
	}
	return v
}

// serveStrict serves an operation in strict mode: whatever the pipeline
// answers (the handler's response, or an error written on the way: 400,
// 401, 403, 429, 501, 503, a scenario's status) is held until it matches
// the operation's documented response. A scenario that resets the
// connection, or cuts or slows the delivery, takes the connection over
// after checking the answer (runWithEffect).
func (s *Server) serveStrict(c *gin.Context, op *oas.Operation, values []string) {
	real := c.Writer
	buf := &bufferedWriter{ResponseWriter: real, status: http.StatusOK, strict: true}
	c.Writer = buf
	s.serveOperation(c, op, values)
	c.Writer = real
	if buf.detached {
		return
	}
	s.enforceContract(c, op, values, buf)
	real.WriteHeader(buf.status)
	_, _ = real.Write(buf.body.Bytes())
}

// enforceContract turns a held answer that breaks the operation's
// documented response into a 500 naming the break.
func (s *Server) enforceContract(c *gin.Context, op *oas.Operation, values []string, buf *bufferedWriter) {
	err := op.ValidateResponse(c.Request, values, buf.status, buf.Header(), buf.body.Bytes())
	if err == nil {
		return
	}
	trace := traceID(c)
	_ = c.Error(fmt.Errorf("response breaks the contract: %w", err)) // logged with the 500
	status := buf.status
	je := entry(c)
	je.Problem, je.HasMore = "", nil
	discardHeaders(buf.Header())
	buf.reset()
	apierr.Write(buf, trace, apierr.New(http.StatusInternalServerError, "stsim produced a response that breaks the OpenAPI contract (strict response validation).").
		Field("response", err.Error()).With("operationId", op.ID).With("status", status))
}

// strictBuffer returns the strict-mode buffer holding the current answer,
// or nil when responses are not being checked.
func strictBuffer(c *gin.Context) *bufferedWriter {
	if b, ok := c.Writer.(*bufferedWriter); ok && b.strict {
		return b
	}
	return nil
}

// bufferedWriter holds a response until it has been checked or is
// delivered by a scenario effect. Headers go straight to the real writer.
type bufferedWriter struct {
	gin.ResponseWriter
	status  int
	written bool
	body    bytes.Buffer
	// strict marks the buffer that holds an answer for strict response
	// validation; detached, that a scenario effect took the connection
	// over, so there is nothing left to check or send.
	strict, detached bool
}

// reset empties the buffer for another answer.
func (w *bufferedWriter) reset() {
	w.status, w.written = http.StatusOK, false
	w.body.Reset()
}

// Hijack hands the connection over; the held answer is never sent.
func (w *bufferedWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.detached = true
	return w.ResponseWriter.Hijack()
}

func (w *bufferedWriter) WriteHeader(code int) {
	if !w.written {
		w.status = code
	}
}
func (w *bufferedWriter) WriteHeaderNow()             { w.written = true }
func (w *bufferedWriter) Write(b []byte) (int, error) { w.written = true; return w.body.Write(b) }
func (w *bufferedWriter) WriteString(s string) (int, error) {
	w.written = true
	return w.body.WriteString(s)
}
func (w *bufferedWriter) Status() int   { return w.status }
func (w *bufferedWriter) Size() int     { return w.body.Len() }
func (w *bufferedWriter) Written() bool { return w.written }
