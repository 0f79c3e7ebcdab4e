// Package api is what a module handler sees of a request: the resolved
// operation, the tenant, the authenticated caller and the path parameters,
// plus the writers for success and failure. The pipeline in package sim
// builds the Call after authentication, rate limiting and validation; module
// packages (crm, jpm, …) only implement Handlers.
package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/auth"
	"github.com/stsim/stsim/sim/oas"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/store"
)

// Call is one authenticated API call, valid until its handler returns
// (see Handler).
type Call struct {
	TraceID    string
	Op         *oas.Operation
	PathValues []string // in Op.ParamNames order
	Tenant     int64
	Principal  *auth.Principal
	Now        time.Time   // the simulator clock when the call arrived
	Store      store.Store // the tenant data
	// Outcome is what the handler's answer told the client; Respond, OK and
	// Fail fill it in, and the pipeline journals it.
	Outcome Outcome
}

// Outcome is what a call's answer told the client, as the request journal
// records it.
type Outcome struct {
	HasMore *bool  // a page's hasMore, when the answer was a page
	Problem string // the machine-readable code of a failure that has one
}

// View runs fn in a read-only transaction of the call's tenant.
func (call *Call) View(fn func(*resource.Tx) error) error {
	return resource.View(call.Store, call.Tenant, call.Now, fn)
}

// Update runs fn in a read-write transaction of the call's tenant. With a
// bbolt store fn may run more than once: it must only read and write
// through the transaction and overwrite (not append to) variables it sets.
func (call *Call) Update(fn func(*resource.Tx) error) error {
	return resource.Update(call.Store, call.Tenant, call.Now, fn)
}

// Respond writes v with 200, or err as ServiceTitan's error body.
func (call *Call) Respond(c *gin.Context, v any, err error) {
	if err != nil {
		call.Fail(c, err)
		return
	}
	call.OK(c, v)
}

// OK writes 200 with v, noting a page's hasMore in the call's outcome.
func (call *Call) OK(c *gin.Context, v any) {
	if p, ok := v.(interface{ MoreToCome() bool }); ok {
		more := p.MoreToCome()
		call.Outcome.HasMore = &more
	}
	OK(c, v)
}

// RespondJSON writes body, already encoded as JSON, with 200, or err as
// ServiceTitan's error body: for a handler that writes its own JSON.
func (call *Call) RespondJSON(c *gin.Context, body []byte, err error) {
	if err != nil {
		call.Fail(c, err)
		return
	}
	call.okBody(c, body, nil)
}

// okBody writes 200 with a body already encoded as JSON, noting a page's
// hasMore (nil for an answer that is not a page) in the call's outcome.
func (call *Call) okBody(c *gin.Context, body []byte, hasMore *bool) {
	if hasMore != nil {
		call.Outcome.HasMore = hasMore
	}
	writeOK(c, body)
}

// writeOK answers 200 with a JSON body exactly as c.Data(200, …) does
// (Content-Type unless one is set, Content-Length unless the body is
// empty), without gin's per-call allocations and header canonicalisation.
func writeOK(c *gin.Context, body []byte) {
	c.Status(http.StatusOK)
	h := c.Writer.Header()
	if len(h["Content-Type"]) == 0 {
		h["Content-Type"] = jsonContentTypeValue
	}
	if len(body) > 0 {
		h["Content-Length"] = contentLength(len(body))
	}
	if _, err := c.Writer.Write(body); err != nil {
		_ = c.Error(err)
		c.Abort()
	}
}

// contentLengths are the Content-Length header values of bodies under
// 4096 bytes, made the first time a body of that length is answered
// and shared after (as jsonContentTypeValue is): a record's get answers the
// same length every time.
var contentLengths [4096]atomic.Pointer[[]string]

// contentLength is the Content-Length header value of a body of n bytes.
func contentLength(n int) []string {
	if n >= len(contentLengths) {
		return []string{strconv.Itoa(n)}
	}
	if v := contentLengths[n].Load(); v != nil {
		return *v
	}
	v := []string{strconv.Itoa(n)}
	contentLengths[n].Store(&v)
	return v
}

// jsonContentTypeValue is the Content-Type header value of JSON answers,
// shared by every response as gin shares its renderers' values: a header
// value is replaced, never written to.
var jsonContentTypeValue = []string{jsonContentType}

// RespondEmpty writes the empty 200 of an action endpoint, or err.
func (call *Call) RespondEmpty(c *gin.Context, err error) {
	if err != nil {
		call.Fail(c, err)
		return
	}
	Empty(c)
}

// Bind decodes the JSON body into v. Request validation has normally
// checked it already; in warn or off mode a body that cannot be decoded is
// still a 400 naming the problem.
func Bind(c *gin.Context, v any) error {
	data, err := io.ReadAll(io.LimitReader(c.Request.Body, maxBody+1))
	if err != nil {
		return apierr.BadRequest("body", "The request body could not be read.")
	}
	if len(data) > maxBody {
		return apierr.BadRequest("body", "The request body is larger than 10 MiB.")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return apierr.BadRequest("body", "A JSON request body is required.")
	}
	if err := json.Unmarshal(data, v); err != nil {
		return apierr.BadRequest("body", "The request body is not valid JSON for this operation: "+err.Error())
	}
	return nil
}

// maxBody bounds request bodies.
const maxBody = 10 << 20

// Handler serves one operation. The call, its Principal and its PathValues
// live only until the handler returns (the pipeline recycles them for a
// later request): copy what must outlive it, and never hand call to a
// goroutine that may run after the return.
type Handler func(c *gin.Context, call *Call)

// Routes maps qualified operation IDs ("crm.Customers_Get") to handlers.
type Routes map[string]Handler

// Param returns a path parameter by the name the document gives it.
func (call *Call) Param(name string) string {
	for i, n := range call.Op.ParamNames {
		if n == name && i < len(call.PathValues) {
			return call.PathValues[i]
		}
	}
	return ""
}

// IDParam returns an int64 path parameter, or a 400 naming it.
func (call *Call) IDParam(name string) (int64, error) {
	v := call.Param(name)
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, apierr.BadRequest(name, "The value '"+v+"' is not a valid int64.")
	}
	return id, nil
}

// JSON writes v with the given status.
func JSON(c *gin.Context, status int, v any) {
	body, err := Marshal(v)
	if err != nil {
		WriteError(c, c.Writer.Header().Get(apierr.TraceHeader), apierr.Internal(err))
		return
	}
	c.Data(status, jsonContentType, body)
}

const jsonContentType = "application/json; charset=utf-8"

// Marshal encodes a response body: the one place responses become JSON.
func Marshal(v any) ([]byte, error) { return json.Marshal(v) }

// OK writes 200 with v.
func OK(c *gin.Context, v any) { JSON(c, http.StatusOK, v) }

// Empty writes the 200-with-no-body answer of ServiceTitan's action endpoints.
func Empty(c *gin.Context) { c.Status(http.StatusOK); c.Writer.WriteHeaderNow() }

// Fail writes err as ServiceTitan's error body, noting its code in the
// call's outcome.
func (call *Call) Fail(c *gin.Context, err error) {
	call.Outcome = Outcome{Problem: WriteError(c, call.TraceID, err).Code}
}

// RefError turns a failed lookup of a record a request refers to (a
// missing record, or a lookup's 404 answer) into a 400 naming field: the
// reference is the request's fault, not a missing path resource. Other
// errors pass.
func RefError(err error, field, msg string) error {
	var answer *apierr.Error
	if errors.Is(err, resource.ErrNotFound) || errors.As(err, &answer) && answer.Status == http.StatusNotFound {
		return apierr.BadRequest(field, msg)
	}
	return err
}

// WriteError writes err as ServiceTitan's error body, stops the chain and
// returns the error as written. A missing record is a 404 naming it.
func WriteError(c *gin.Context, traceID string, err error) *apierr.Error {
	_ = c.Error(err) // the cause, for the log of a 500
	if nf := (*resource.NotFoundError)(nil); errors.As(err, &nf) {
		err = apierr.NotFound(nf.Label, nf.ID)
	}
	e := apierr.Write(c.Writer, traceID, err)
	c.Abort()
	return e
}
