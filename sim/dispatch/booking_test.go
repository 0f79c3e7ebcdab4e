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
		const campaign = 900101
		e.srv.Seed(t, e.tenant, "marketing", map[string][]any{"campaigns": {map[string]any{"id": campaign, "name": "Dispatch test campaign"}}})
		var customer struct {
			ID        int64 `json:"id"`
			Locations []struct {
				ID int64 `json:"id"`
			} `json:"locations"`
		}
		addr := map[string]any{"street": "1 Test Way", "city": "Evanston", "state": "IL", "zip": "60201", "country": "USA"}
		e.srv.Do(t, "POST", simtest.CRM+"/customers", e.tok, map[string]any{
			"name": "Dana Dispatch", "address": addr, "locations": []any{map[string]any{"name": "Home", "address": addr}},
		}).OK(t).JSON(t, &customer)
		for _, tech := range f.techs {
			e.shift(tech, "Normal", local(2026, 11, 24, 8, 0), local(2026, 11, 24, 17, 0))
		}
		eight, ten := local(2026, 11, 24, 8, 0), local(2026, 11, 24, 10, 0)
		book := func(techs ...int64) *simtest.Response {
			a := map[string]any{"start": rfc(eight.UTC()), "end": rfc(ten.UTC()), "arrivalWindowStart": rfc(eight.UTC()), "arrivalWindowEnd": rfc(ten.UTC())}
			if len(techs) > 0 {
				a["technicianIds"] = techs
			}
			return e.srv.Do(t, "POST", simtest.JPM+"/jobs", e.tok, map[string]any{
				"customerId": customer.ID, "locationId": customer.Locations[0].ID, "businessUnitId": f.bu, "jobTypeId": f.jobType,
				"priority": "Normal", "campaignId": campaign, "appointments": []any{a},
			})
		}
		slot := func() availability { return e.capacity(f, day0, day1, f.jobType, true).slot(t, eight) }

		if s := slot(); s.OpenAvailability != 2 || !s.IsAvailable { // only technician 1 has the job type's skill
			t.Fatalf("before booking: %+v", s)
		}
		s := e.capacity(f, day0, day1, f.jobType, false).slot(t, eight)
		if s.OpenAvailability != 4 || !s.IsAvailable {
			t.Fatalf("before booking, without skills: %+v", s)
		}

		book().OK(t) // unassigned: the business unit's pool
		s = e.capacity(f, day0, day1, f.jobType, false).slot(t, eight)
		if s.OpenAvailability != 2 || !s.IsAvailable {
			t.Fatalf("after one booking: %+v", s)
		}

		e.setPolicy(tenant.Strict, 0)
		var job struct {
			ID                 int64 `json:"id"`
			FirstAppointmentID int64 `json:"firstAppointmentId"`
		}
		book(f.techs[0]).OK(t).JSON(t, &job)
		s = e.capacity(f, day0, day1, f.jobType, false).slot(t, eight)
		if s.OpenAvailability != 0 || s.IsAvailable {
			t.Fatalf("after filling the slot: %+v", s)
		}
		book().WantError(t, http.StatusConflict, "")
		book(f.techs[1]).WantError(t, http.StatusConflict, "")

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
		book().OK(t)

		e.setPolicy(tenant.Lenient, 0)
		book().OK(t) // ServiceTitan books into a full slot
		s = e.capacity(f, day0, day1, f.jobType, false).slot(t, eight)
		if s.OpenAvailability != -2 || s.IsAvailable || !s.IsExceedingIdealBookingPercentage {
			t.Fatalf("overbooked: %+v", s)
		}
	})
}
