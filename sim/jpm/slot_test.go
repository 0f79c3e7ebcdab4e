package jpm_test

import (
	"fmt"
	"testing"

	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/simtest"
	"github.com/stsim/stsim/sim/tenant"
)

// TestStrictSlots books through the API on a strict tenant whose two
// technicians work 08:00–12:00: every create, add and move asks
// schedule.CheckSlot, a full slot refuses the whole request and leaves
// nothing behind, a window-only change asks nothing, and a lenient tenant
// over-books.
func TestStrictSlots(t *testing.T) {
	e := start(t)
	e.setPolicy(tenant.Strict)
	for _, tech := range []int64{e.tech, e.tech2} {
		e.srv.Do(t, "POST", "/dispatch/v2/tenant/1234567/technician-shifts", e.tok, map[string]any{
			"technicianIds": []int64{tech}, "shiftType": "Normal", "title": "Morning",
			"start": stamp(at(8)), "end": stamp(at(12)), "repeatType": "Never",
		}).OK(t)
	}
	jobs := func() int {
		var p page[jobResp]
		e.do("GET", fmt.Sprintf("/jobs?customerId=%d&includeTotal=true", e.customer), nil).OK(t).JSON(t, &p)
		return *p.TotalCount
	}

	j := e.createJob(e.jobBody(appt(8, 10, e.tech)))
	// The technician is booked 08–10 now; the whole job is refused, its
	// first (free) appointment included.
	e.do("POST", "/jobs", e.jobBody(appt(8, 10, e.tech2), appt(8, 10, e.tech))).WantError(t, 409, "")
	if n := jobs(); n != 1 {
		t.Fatalf("a refused job was stored: %d jobs", n)
	}
	// Adding an appointment asks too.
	e.do("POST", "/appointments", map[string]any{"jobId": j.ID, "start": stamp(at(8)), "end": stamp(at(10)), "technicianIds": []int64{e.tech}}).WantError(t, 409, "")
	e.do("POST", "/appointments", map[string]any{"jobId": j.ID, "start": stamp(at(8)), "end": stamp(at(10)), "technicianIds": []int64{e.tech2}}).OK(t)
	// Rescheduling asks for the new time with the assigned technicians:
	// after the shift there is no room.
	path := fmt.Sprintf("/appointments/%d/reschedule", j.FirstAppointmentID)
	e.do("PATCH", path, map[string]any{"start": stamp(at(12)), "end": stamp(at(14))}).WantError(t, 409, "")
	if a := e.appointment(j.FirstAppointmentID); a.Start[11:13] != "08" {
		t.Fatalf("a refused reschedule moved the appointment: %+v", a)
	}
	e.do("PATCH", path, map[string]any{"start": stamp(at(10)), "end": stamp(at(12))}).OK(t)
	// 10–12 is now full for the technician (with this very appointment),
	// yet a change of arrival window alone does not ask for a slot.
	e.do("PATCH", path, map[string]any{"arrivalWindowStart": stamp(at(10)), "arrivalWindowEnd": stamp(at(11))}).OK(t)
	e.do("POST", "/jobs", e.jobBody(appt(10, 12, e.tech))).WantError(t, 409, "")

	e.setPolicy(tenant.Lenient)
	e.createJob(e.jobBody(appt(10, 12, e.tech)))
	if n := jobs(); n != 2 {
		t.Fatalf("lenient: %d jobs, want 2", n)
	}
}

// update runs fn in a write transaction of the test tenant.
func (e *env) update(fn func(*resource.Tx) error) {
	e.t.Helper()
	if err := resource.Update(e.srv.Store(), simtest.Tenant, e.srv.Clock.Now(), fn); err != nil {
		e.t.Fatal(err)
	}
}

// setPolicy saves the tenant's capacity policy.
func (e *env) setPolicy(policy string) {
	e.t.Helper()
	e.srv.ChangeTenantSettings(e.t, simtest.Tenant, func(s *tenant.Settings) { s.CapacityPolicy = policy })
}
