package dispatch_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/simtest"
	"github.com/stsim/stsim/sim/tenant"
)

// TestBookingThroughJobsAPI books through POST /jpm/v2/…/jobs (the path a
// Schedule Engine–style client takes) in the demo tenant, on a business
// unit of the test's own, and reads capacity after each booking: strict
// refuses a booking into the full slot with 409, lenient takes it.
func TestBookingThroughJobsAPI(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := demoEnv(t, backend)
		f := e.newFixture(2, 2*time.Hour)
		book := e.booker(f)
		e.workday(f)
		eight, ten := local(2026, 11, 24, 8, 0), local(2026, 11, 24, 10, 0)
		slot := func() availability { return e.capacity(f, day0, day1, f.jobType, true).slot(t, eight) }

		if s := slot(); s.OpenAvailability != 2 || !s.IsAvailable { // only technician 1 has the job type's skill
			t.Fatalf("before booking: %+v", s)
		}
		s := e.capacity(f, day0, day1, f.jobType, false).slot(t, eight)
		if s.OpenAvailability != 4 || !s.IsAvailable {
			t.Fatalf("before booking, without skills: %+v", s)
		}

		book(eight, ten).OK(t) // unassigned: the business unit's pool
		s = e.capacity(f, day0, day1, f.jobType, false).slot(t, eight)
		if s.OpenAvailability != 2 || !s.IsAvailable {
			t.Fatalf("after one booking: %+v", s)
		}

		e.setPolicy(tenant.Strict, 0)
		var job struct {
			ID                 int64 `json:"id"`
			FirstAppointmentID int64 `json:"firstAppointmentId"`
		}
		book(eight, ten, f.techs[0]).OK(t).JSON(t, &job)
		s = e.capacity(f, day0, day1, f.jobType, false).slot(t, eight)
		if s.OpenAvailability != 0 || s.IsAvailable {
			t.Fatalf("after filling the slot: %+v", s)
		}
		book(eight, ten).WantError(t, http.StatusConflict, "")
		book(eight, ten, f.techs[1]).WantError(t, http.StatusConflict, "")

		// Rescheduling the assigned visit to 10:00 frees the 08:00 slot.
		e.srv.Do(t, "PATCH", fmt.Sprintf("%s/appointments/%d/reschedule", simtest.JPM, job.FirstAppointmentID), e.tok, map[string]any{
			"start": rfc(ten.UTC()), "end": rfc(ten.Add(2 * time.Hour).UTC()),
		}).OK(t)
		if s := e.capacity(f, day0, day1, f.jobType, false).slot(t, eight); s.OpenAvailability != 2 || !s.IsAvailable {
			t.Fatalf("after the reschedule: %+v", s)
		}
		// With skill matching, the unassigned job (of a type needing Gas)
		// can only go to technician 1, the one with the skill.
		if s := slot(); s.OpenAvailability != 0 || s.IsAvailable {
			t.Fatalf("after the reschedule, skill-based: %+v", s)
		}
		book(eight, ten).OK(t)

		e.setPolicy(tenant.Lenient, 0)
		book(eight, ten).OK(t) // ServiceTitan books into a full slot
		s = e.capacity(f, day0, day1, f.jobType, false).slot(t, eight)
		if s.OpenAvailability != -2 || s.IsAvailable || !s.IsExceedingIdealBookingPercentage {
			t.Fatalf("overbooked: %+v", s)
		}
	})
}
