// Package api is what a module handler sees of a request: the resolved
// operation, the tenant, the authenticated caller and the path parameters,
// plus the writers for success and failure. The pipeline in package sim
// builds the Call after authentication, rate limiting and validation; module
// packages (crm, jpm, …) only implement Handlers.
package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/auth"
	"github.com/stsim/stsim/sim/oas"
)

// Call is one authenticated API call.
type Call struct {
	TraceID    string
	Op         *oas.Operation
	PathValues []string // in Op.ParamNames order
	Tenant     int64
	Principal  *auth.Principal
	Now        time.Time // the simulator clock when the call arrived
}

// Handler serves one operation.
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
	body, err := json.Marshal(v)
	if err != nil {
		apierr.Write(c.Writer, c.Writer.Header().Get(apierr.TraceHeader), apierr.Internal(err))
		c.Abort()
		return
	}
	c.Data(status, "application/json; charset=utf-8", body)
}

// OK writes 200 with v.
func OK(c *gin.Context, v any) { JSON(c, http.StatusOK, v) }

// Empty writes the 200-with-no-body answer of ServiceTitan's action endpoints.
func Empty(c *gin.Context) { c.Status(http.StatusOK); c.Writer.WriteHeaderNow() }

// Fail writes err as ServiceTitan's error body.
func (call *Call) Fail(c *gin.Context, err error) {
	apierr.Write(c.Writer, call.TraceID, err)
	c.Abort()
}
