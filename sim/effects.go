package sim

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/auth"
	"github.com/stsim/stsim/sim/scenario"
)

// ScenarioHeader activates a scenario for one request.
const ScenarioHeader = "X-Stsim-Scenario"

// scenarioHit returns the scenario effect for a request, recording it in the
// journal; nil when no scenario applies. ok is false when the request named
// an unknown scenario (the 400 has been written).
func (s *Server) scenarioHit(c *gin.Context, r scenario.Request) (hit *scenario.Hit, ok bool) {
	var once *scenario.Activation
	if name := requestHeader(c, ScenarioHeader); name != "" {
		a, err := s.scenarios.ForRequest(name, r.Now)
		if err != nil {
			s.fail(c, apierr.BadRequest(ScenarioHeader, err.Error()+"; GET /_sim/scenarios lists them."))
			return nil, false
		}
		once = a
	} else if s.scenarios.Idle() {
		return nil, true
	}
	hit = s.scenarios.Match(r, once)
	if hit != nil {
		entry(c).Effect = hit.Scenario + ": " + hit.Effect.Summary()
	}
	return hit, true
}

// statusError is the answer of a status effect.
func statusError(e *scenario.Effect) *apierr.Error {
	title := e.Title
	if title == "" {
		title = http.StatusText(e.Status)
	}
	err := apierr.New(e.Status, title)
	if e.RetryAfter > 0 {
		err.WithHeader("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	return err
}

// wait sleeps for d of wall time unless the client goes away first.
func wait(c *gin.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-c.Request.Context().Done():
	}
}

// resetConnection closes the client's connection without an answer.
func resetConnection(c *gin.Context) {
	if conn, _, err := c.Writer.Hijack(); err == nil {
		_ = conn.Close()
	}
	c.Abort()
}

// preHandler applies the effects that act before the operation runs and
// reports whether the request goes on.
func (s *Server) preHandler(c *gin.Context, call *api.Call, e *scenario.Effect, since time.Time) bool {
	wait(c, e.Delay())
	switch {
	case e.Reset:
		resetConnection(c)
	case e.DisableConnection:
		s.fail(c, apierr.New(http.StatusUnauthorized, "Access denied: the tenant has disabled this app's connection.").
			Field("client_id", "The tenant admin disabled this client ID and secret."))
	case e.ExpireTokens && call.Principal.Token.IssuedAt.Before(since.Truncate(time.Second)): // iat has whole seconds
		s.fail(c, auth.TokenRefused(auth.ErrTokenExpired).WithCode(apierr.CodeTokenExpired))
	case e.DropScope != "" && e.DropScope == call.Op.Scope:
		s.fail(c, apierr.New(http.StatusForbidden, "Access denied: the token lacks the scope this operation needs.").
			Field("scope", "This operation needs scope "+e.DropScope+"."))
	case e.Status != 0 && !e.AfterCommit:
		s.fail(c, statusError(e))
	default:
		return true
	}
	return false
}

// runWithEffect runs the operation under the effects that act around it.
func (s *Server) runWithEffect(c *gin.Context, call *api.Call, e *scenario.Effect, run func()) {
	if wait, on := e.OfficeConverts(); on {
		s.officeConverts(c, call, wait)
	}
	if e.TakeSlot {
		s.competingCopy(c, run)
	}
	switch {
	case e.AfterCommit:
		capture(c, run) // the write commits; its answer is lost
		discardHeaders(c.Writer.Header())
		s.fail(c, statusError(e))
	case e.TruncateBody, e.Trickle() > 0:
		buf := capture(c, run)
		if strict := strictBuffer(c); strict != nil {
			s.enforceContract(c, call.Op, call.PathValues, buf) // check the answer before spoiling its delivery
			strict.detached = true
			c.Writer = strict.ResponseWriter
		}
		deliver(c, buf, e)
	default:
		run()
	}
}

// officeConverts has the tenant's office convert the bookings that have
// waited New at least wait, before the request sees the inbox (a bounded
// number, csr.Office). A failure is logged once; the request runs all the
// same.
func (s *Server) officeConverts(c *gin.Context, call *api.Call, wait time.Duration) {
	if _, err := s.office.ConvertWaiting(call.Store, call.Tenant, call.Now, wait); err != nil {
		s.log.Error("the office could not convert waiting bookings", "trace", traceID(c), "tenant", call.Tenant, "error", err)
	}
}

// competingCopy runs the same request once before the client's own, as
// another booking taking the slot first; its answer is discarded.
func (s *Server) competingCopy(c *gin.Context, run func()) {
	body, _ := io.ReadAll(c.Request.Body)
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	capture(c, run)
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	discardHeaders(c.Writer.Header())
}

// discardHeaders drops the headers of an answer that is not being sent
// (its Content-Length above all), keeping the trace ID.
func discardHeaders(h http.Header) {
	for k := range h {
		if k != apierr.TraceHeader {
			h.Del(k)
		}
	}
}

// capture runs fn with the response held in a buffer.
func capture(c *gin.Context, fn func()) *bufferedWriter {
	real := c.Writer
	buf := &bufferedWriter{ResponseWriter: real, status: http.StatusOK}
	c.Writer = buf
	fn()
	c.Writer = real
	return buf
}

// deliver sends a held response slowly (spread over the effect's trickle
// time) or cut short (half the body, then the connection closes).
func deliver(c *gin.Context, buf *bufferedWriter, e *scenario.Effect) {
	body := buf.body.Bytes()
	w := c.Writer
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(buf.status)
	if e.TruncateBody {
		_, _ = w.Write(body[:len(body)/2])
		w.Flush()
		resetConnection(c)
		return
	}
	const pieces = 10
	step := (len(body) + pieces - 1) / pieces
	for i := 0; i < len(body); i += max(step, 1) {
		_, err := w.Write(body[i:min(i+max(step, 1), len(body))])
		if err != nil {
			return
		}
		w.Flush()
		wait(c, e.Trickle()/pieces)
	}
}

// tokenEffect applies a scenario to a token request and reports whether
// the request goes on to the token endpoint.
func (s *Server) tokenEffect(c *gin.Context) bool {
	if s.scenarios.Idle() && requestHeader(c, ScenarioHeader) == "" {
		return true
	}
	clientID := auth.PeekTokenClientID(c.Request)
	conn, known := s.auth.Registry.Connection(clientID)
	if !known {
		return true // unknown clients get invalid_client from the endpoint itself
	}
	hit, ok := s.scenarioHit(c, scenarioRequest(c, conn.Tenant, clientID, conn.AppID, "token.Token_Create", s.clocks.Now(conn.Tenant)))
	if !ok || hit == nil {
		return ok
	}
	e := hit.Effect
	wait(c, e.Delay())
	description := ""
	switch {
	case e.Reset:
		resetConnection(c)
		return false
	case e.ExpireSecret:
		description = auth.ErrSecretExpired.Error()
	case e.RevokeSecret:
		description = auth.ErrWrongSecret.Error()
	case e.DisableConnection:
		description = auth.ErrDisabled.Error()
	case e.Status != 0:
		s.fail(c, statusError(e))
		return false
	default:
		return true
	}
	entry(c).ClientID, entry(c).Tenant = clientID, conn.Tenant // per-tenant journal queries see the refusal
	auth.WriteOAuthError(c.Writer, "invalid_client", description)
	c.Abort()
	return false
}

func scenarioRequest(c *gin.Context, tenant int64, clientID, appID, operation string, now time.Time) scenario.Request {
	return scenario.Request{Tenant: tenant, ClientID: clientID, AppID: appID, Operation: operation,
		Method: c.Request.Method, Path: c.Request.URL.Path, Now: now}
}
