package control

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/csr"
)

// The tenant's CSR at the Bookings inbox (package csr): what a booking
// provider's client waits for after it files a booking.

// registerBookings adds the CSR's calls to r.
func (p *Plane) registerBookings(r gin.IRoutes) {
	r.POST("/_sim/tenants/:tenant/bookings/:booking/convert", p.convertBooking)
	r.POST("/_sim/tenants/:tenant/bookings/:booking/dismiss", p.dismissBooking)
}

// bookingParams reads the :tenant (a registered tenant) and :booking path
// parameters.
func (p *Plane) bookingParams(c *gin.Context) (tenant, booking int64, ok bool) {
	if tenant, ok = p.tenantParam(c); !ok {
		return 0, 0, false
	}
	booking, err := strconv.ParseInt(c.Param("booking"), 10, 64)
	if err != nil || booking <= 0 {
		fail(c, apierr.BadRequest("booking", "The booking ID must be a positive integer."))
		return 0, 0, false
	}
	return tenant, booking, true
}

// convertBooking converts a New booking as the tenant's CSR does: finds or
// creates the customer and location, books the job with its first
// appointment, and marks the booking Converted with its jobId, at the
// tenant's clock. The body (optional) is what the CSR changed on the form.
func (p *Plane) convertBooking(c *gin.Context) {
	tenant, booking, ok := p.bookingParams(c)
	if !ok {
		return
	}
	var in csr.Conversion
	if c.Request.ContentLength != 0 && !bindForm(c, &in) {
		return
	}
	out, err := csr.Convert(p.Store, tenant, p.Clocks.Now(tenant), booking, in)
	respondRecords(c, out, err)
}

// dismissBooking dismisses a New booking for a call reason
// (dismissingReasonId), at the tenant's clock.
func (p *Plane) dismissBooking(c *gin.Context) {
	tenant, booking, ok := p.bookingParams(c)
	if !ok {
		return
	}
	var in csr.Dismissal
	if !bindForm(c, &in) {
		return
	}
	if in.DismissingReasonID <= 0 {
		fail(c, apierr.BadRequest("dismissingReasonId", "Give the ID of an active call reason (GET /jbce/v2/tenant/{tenant}/call-reasons)."))
		return
	}
	out, err := csr.Dismiss(p.Store, tenant, p.Clocks.Now(tenant), booking, in)
	respondRecords(c, out, err)
}

// bindForm reads the CSR's form: JSON of its shape with no other members,
// so a misspelt member is a 400 rather than a default silently used.
func bindForm(c *gin.Context, v any) bool {
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		fail(c, apierr.BadRequest("body", "The body must be JSON of this operation's shape: "+err.Error()))
		return false
	}
	if dec.More() {
		fail(c, apierr.BadRequest("body", "The body must be one JSON object."))
		return false
	}
	return true
}

// respondRecords answers a change to a tenant's records with out, or err
// as ServiceTitan's error body (a missing record is a 404 naming it).
func respondRecords(c *gin.Context, out any, err error) {
	if err != nil {
		api.WriteError(c, c.Writer.Header().Get(apierr.TraceHeader), err)
		return
	}
	c.JSON(http.StatusOK, out)
}
