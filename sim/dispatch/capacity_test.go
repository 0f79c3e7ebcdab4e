package dispatch_test

import (
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/jpm"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/schedule"
	"github.com/stsim/stsim/sim/simtest"
	"github.com/stsim/stsim/sim/tenant"
)

// Tuesday 2026-11-24 in Chicago (CST, UTC-6).
var (
	day0 = local(2026, 11, 24, 0, 0)
	day1 = local(2026, 11, 25, 0, 0)
)

func TestCapacityDefaultBlocksAndLocalTimes(t *testing.T) {
	e := newEnv(t)
	f := e.newFixture(2, 2*time.Hour)
	e.workday(f)
	c := e.capacity(f, day0, day1, f.jobType, false)
	if len(c.Availabilities) != 5 {
		t.Fatalf("want the 5 default blocks, got %d: %+v", len(c.Availabilities), c.Availabilities)
	}
	first := c.Availabilities[0]
	if first.Start != "2026-11-24T08:00:00-06:00" || first.End != "2026-11-24T10:00:00-06:00" ||
		first.StartUtc != "2026-11-24T14:00:00Z" || first.EndUtc != "2026-11-24T16:00:00Z" {
		t.Fatalf("first slot times: %+v", first)
	}
	for i, a := range c.Availabilities {
		hours, available := 4.0, true
		if i == 4 { // 16:00–18:00: one shift hour each, too short for a two-hour job
			hours, available = 2, false
		}
		if a.TotalAvailability != hours || a.OpenAvailability != hours || a.IsAvailable != available || a.IsExceedingIdealBookingPercentage {
			t.Fatalf("slot %s: %+v", a.Start, a)
		}
		if len(a.BusinessUnitIDs) != 1 || a.BusinessUnitIDs[0] != f.bu || len(a.Technicians) != 2 {
			t.Fatalf("slot %s business units or technicians: %+v", a.Start, a)
		}
		for _, tech := range a.Technicians {
			if (tech.Status == "Available") != available || tech.HasRequiredSkills != nil || tech.Name == "" {
				t.Fatalf("slot %s technician: %+v", a.Start, tech)
			}
		}
	}
	if last := c.Availabilities[4]; last.Start != "2026-11-24T16:00:00-06:00" || last.EndUtc != "2026-11-25T00:00:00Z" {
		t.Fatalf("last slot: %+v", last)
	}
	if c.TimeStamp == "" {
		t.Fatal("no timeStamp")
	}

	// Arrival windows replace the default blocks.
	e.ok("POST", "/arrival-windows", map[string]any{"start": "07:00:00", "duration": "05:00:00", "businessUnitIds": []int64{f.bu}}, nil)
	e.ok("POST", "/arrival-windows", map[string]any{"start": "12:00", "duration": "PT5H", "businessUnitIds": []int64{f.bu}}, nil)
	c = e.capacity(f, day0, day1, 0, false)
	if len(c.Availabilities) != 2 {
		t.Fatalf("want 2 window slots, got %+v", c.Availabilities)
	}
	morning, afternoon := c.Availabilities[0], c.Availabilities[1]
	if morning.Start != "2026-11-24T07:00:00-06:00" || morning.End != "2026-11-24T12:00:00-06:00" || morning.TotalAvailability != 8 {
		t.Fatalf("morning window (shift 8–17 gives 4 hours each): %+v", morning)
	}
	if afternoon.EndUtc != "2026-11-24T23:00:00Z" || afternoon.TotalAvailability != 10 {
		t.Fatalf("afternoon window: %+v", afternoon)
	}
}

func TestCapacityChangesWithBookings(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := newEnv(t, backend)
		f := e.newFixture(2, 2*time.Hour)
		e.workday(f)
		eight, ten := local(2026, 11, 24, 8, 0), local(2026, 11, 24, 10, 0)
		slot := func() availability { return e.capacity(f, day0, day1, f.jobType, false).slot(t, eight) }
		if s := slot(); s.OpenAvailability != 4 || !s.IsAvailable {
			t.Fatalf("before booking: %+v", s)
		}

		// An unassigned booking of the business unit uses pool capacity.
		appt := e.book(f, eight, ten)
		s := slot()
		if s.TotalAvailability != 4 || s.OpenAvailability != 2 || !s.IsAvailable || s.IsExceedingIdealBookingPercentage {
			t.Fatalf("after one booking: %+v", s)
		}
		st := s.status()
		if st[f.techs[0]] != "Unavailable" || st[f.techs[1]] != "Available" {
			t.Fatalf("the pool booking should sit on the first technician: %+v", s.Technicians)
		}

		// Assigning the second technician through the API moves it there.
		var out map[string]any
		e.ok("POST", "/appointment-assignments/assign-technicians", map[string]any{"jobAppointmentId": appt, "technicianIds": []int64{f.techs[1]}}, &out)
		st = slot().status()
		if st[f.techs[0]] != "Available" || st[f.techs[1]] != "Unavailable" {
			t.Fatalf("after assigning: %+v", st)
		}

		// Booking the last free technician fills the slot.
		e.book(f, eight, ten)
		s = slot()
		if s.IsAvailable || s.OpenAvailability != 0 || !s.IsExceedingIdealBookingPercentage {
			t.Fatalf("full slot: %+v", s)
		}
		for _, tech := range s.Technicians {
			if tech.Status != "Unavailable" {
				t.Fatalf("full slot technician: %+v", tech)
			}
		}
		// Lenient: a third booking is accepted and the slot goes negative.
		if err := resource.Update(e.srv.Store(), e.tenant, e.srv.Clock.Now(), func(tx *resource.Tx) error {
			return checkSlot(tx, f.jobType, f.bu, eight, ten, nil)
		}); err != nil {
			t.Fatalf("lenient CheckSlot: %v", err)
		}
		e.book(f, eight, ten)
		if s = slot(); s.OpenAvailability != -2 || s.IsAvailable {
			t.Fatalf("overbooked slot: %+v", s)
		}
		// The next slot is untouched.
		if s := e.capacity(f, day0, day1, f.jobType, false).slot(t, ten); s.OpenAvailability != 4 || !s.IsAvailable {
			t.Fatalf("10:00 slot: %+v", s)
		}

		// Unassigning frees the technician again; a canceled appointment
		// frees its time.
		e.ok("POST", "/appointment-assignments/unassign-technicians", map[string]any{"jobAppointmentId": appt, "technicianIds": []int64{f.techs[1]}}, nil)
		e.cancelJob(e.jobOf(appt))
		if s = slot(); s.OpenAvailability != 0 {
			t.Fatalf("after canceling one of three: %+v", s)
		}
	})
}

// Re-assigning an appointment moves its booked time from one technician to
// another, whether the technicians come with the job (the jobs API and the
// fixture seed) or through the assignment API, and the business unit's
// total stays as it was.
func TestCapacityFollowsReassignment(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := newEnv(t, backend)
		f := e.newFixture(3, 2*time.Hour)
		e.workday(f)
		eight, ten, noon := local(2026, 11, 24, 8, 0), local(2026, 11, 24, 10, 0), local(2026, 11, 24, 12, 0)
		want := func(at time.Time, open float64, status ...string) {
			t.Helper()
			s := e.capacity(f, day0, day1, f.jobType, false).slot(t, at)
			st := s.status()
			for i, tech := range f.techs {
				if st[tech] != status[i] {
					t.Fatalf("%s technician %d: want %s, got %+v", at.Format("15:04"), i+1, status[i], s.Technicians)
				}
			}
			if s.TotalAvailability != 6 || s.OpenAvailability != open {
				t.Fatalf("%s: want 6 hours in all, %v open: %+v", at.Format("15:04"), open, s)
			}
		}

		// A job booked with two technicians takes both from 08:00.
		var job struct {
			ID int64 `json:"id"`
		}
		e.booker(f)(eight, ten, f.techs[0], f.techs[1]).OK(t).JSON(t, &job)
		appt := e.appointmentOf(job.ID)
		want(eight, 2, "Unavailable", "Unavailable", "Available")

		// Technician 1 hands the appointment to technician 3.
		move := map[string]any{"jobAppointmentId": appt, "technicianIds": []int64{f.techs[0]}}
		e.ok("POST", "/appointment-assignments/unassign-technicians", move, nil)
		want(eight, 4, "Available", "Unavailable", "Available")
		e.ok("POST", "/appointment-assignments/assign-technicians", map[string]any{"jobAppointmentId": appt, "technicianIds": []int64{f.techs[2]}}, nil)
		want(eight, 2, "Available", "Unavailable", "Unavailable")

		// A seeded job with two technicians, and both unassigned in one call:
		// its time goes back to the business unit's pool (the first free
		// technician).
		seeded := e.book(f, ten, noon, f.techs[1], f.techs[2])
		want(ten, 2, "Available", "Unavailable", "Unavailable")
		e.ok("POST", "/appointment-assignments/unassign-technicians", map[string]any{"jobAppointmentId": seeded, "technicianIds": []int64{f.techs[1], f.techs[2]}}, nil)
		want(ten, 4, "Unavailable", "Available", "Available")
		want(eight, 2, "Available", "Unavailable", "Unavailable") // the other appointment stays
	})
}

func TestCapacitySkillsTimeOffAndNonJobAppointments(t *testing.T) {
	e := newEnv(t)
	f := e.newFixture(3, time.Hour)
	e.workday(f)
	eight := local(2026, 11, 24, 8, 0)

	// Skill matching: only the first technician has "Gas".
	s := e.capacity(f, day0, day1, f.jobType, true).slot(t, eight)
	if s.TotalAvailability != 2 {
		t.Fatalf("only the skilled technician counts: %+v", s)
	}
	for _, tech := range s.Technicians {
		want := tech.ID == f.techs[0]
		if tech.HasRequiredSkills == nil || *tech.HasRequiredSkills != want || (tech.Status == "Available") != want {
			t.Fatalf("technician %d: %+v", tech.ID, tech)
		}
	}

	// TimeOff 08:00–09:00 for technician 2; an OnCall shift changes nothing.
	e.shift(f.techs[1], "TimeOff", eight, local(2026, 11, 24, 9, 0))
	e.shift(f.techs[2], "OnCall", local(2026, 11, 24, 6, 0), local(2026, 11, 24, 12, 0))
	s = e.capacity(f, day0, day1, f.jobType, false).slot(t, eight)
	if s.TotalAvailability != 5 || s.OpenAvailability != 5 {
		t.Fatalf("with an hour of time off: %+v", s)
	}

	// A non-job appointment that removes technician 3 from capacity
	// planning lowers the total; a plain one books time.
	e.ok("POST", "/non-job-appointments", map[string]any{
		"technicianId": f.techs[2], "start": rfc(eight), "duration": "00:30:00", "name": "Training",
		"removeTechnicianFromCapacityPlanning": true,
	}, nil)
	e.ok("POST", "/non-job-appointments", map[string]any{
		"technicianId": f.techs[0], "start": rfc(local(2026, 11, 24, 8, 30)), "duration": "01:00:00", "name": "Supplier visit",
	}, nil)
	s = e.capacity(f, day0, day1, f.jobType, false).slot(t, eight)
	if s.TotalAvailability != 4.5 || s.OpenAvailability != 3.5 {
		t.Fatalf("with non-job appointments: %+v", s)
	}
	// Technician 1 is free 08:00–08:30 and 09:30–10:00: no hour in one go.
	if st := s.status(); st[f.techs[0]] != "Unavailable" || st[f.techs[1]] != "Available" || st[f.techs[2]] != "Available" {
		t.Fatalf("statuses: %+v", s.Technicians)
	}
}

func TestCapacityRangeAndValidation(t *testing.T) {
	e := newEnv(t)
	f := e.newFixture(1, time.Hour)
	body := func(from, to time.Time) map[string]any {
		return map[string]any{"startsOnOrAfter": rfc(from), "endsOnOrBefore": rfc(to), "skillBasedAvailability": false}
	}
	e.do("POST", "/capacity", body(day0, day0.AddDate(0, 0, 15))).WantError(t, http.StatusBadRequest, "endsOnOrBefore")
	e.do("POST", "/capacity", body(day1, day0)).WantError(t, http.StatusBadRequest, "endsOnOrBefore")
	e.ok("POST", "/capacity", body(day0, day0.AddDate(0, 0, 14)), nil)
	e.do("POST", "/capacity", map[string]any{"startsOnOrAfter": rfc(day0), "endsOnOrBefore": rfc(day1)}).WantError(t, http.StatusBadRequest, "")
	e.do("POST", "/capacity", map[string]any{"startsOnOrAfter": rfc(day0), "endsOnOrBefore": rfc(day1), "skillBasedAvailability": true, "jobTypeId": 999999}).
		WantError(t, http.StatusBadRequest, "jobTypeId")
	e.do("POST", "/capacity", map[string]any{"startsOnOrAfter": rfc(day0), "endsOnOrBefore": rfc(day1), "skillBasedAvailability": true, "businessUnitIds": []int64{f.bu, 999999}}).
		WantError(t, http.StatusBadRequest, "businessUnitIds[1]")

	// The limit is the tenant's CapacityMaxDays.
	e.setPolicy(tenant.Lenient, 3)
	e.do("POST", "/capacity", body(day0, day0.AddDate(0, 0, 4))).WantError(t, http.StatusBadRequest, "endsOnOrBefore")
	var c capacity
	e.ok("POST", "/capacity", body(day0, day0.AddDate(0, 0, 3)), &c)
	if len(c.Availabilities) != 15 {
		t.Fatalf("3 days of default blocks: %d", len(c.Availabilities))
	}
	// Only slots wholly inside the range: 09:00–15:00 holds 10–12 and 12–14.
	e.ok("POST", "/capacity", body(local(2026, 11, 24, 9, 0), local(2026, 11, 24, 15, 0)), &c)
	if len(c.Availabilities) != 2 || c.Availabilities[0].Start != "2026-11-24T10:00:00-06:00" {
		t.Fatalf("partial range: %+v", c.Availabilities)
	}
}

func TestCapacityDST(t *testing.T) {
	e := newEnv(t)
	f := e.newFixture(1, time.Hour)
	e.ok("POST", "/arrival-windows", map[string]any{"start": "00:00:00", "duration": "04:00:00", "businessUnitIds": []int64{f.bu}}, nil)
	e.ok("POST", "/arrival-windows", map[string]any{"start": "08:00:00", "duration": "02:00:00", "businessUnitIds": []int64{f.bu}}, nil)
	cases := []struct {
		name                  string
		day                   time.Time
		nightUTC, morningUTC  string
		nightEndUTC           string
		nightHours            float64
		nightStart, nightEnd  string
		morningStart, morning string
	}{
		{"spring forward", local(2026, 3, 8, 0, 0), "2026-03-08T06:00:00Z", "2026-03-08T13:00:00Z", "2026-03-08T09:00:00Z", 3,
			"2026-03-08T00:00:00-06:00", "2026-03-08T04:00:00-05:00", "2026-03-08T08:00:00-05:00", "2026-03-08T10:00:00-05:00"},
		{"day before spring forward", local(2026, 3, 7, 0, 0), "2026-03-07T06:00:00Z", "2026-03-07T14:00:00Z", "2026-03-07T10:00:00Z", 4,
			"2026-03-07T00:00:00-06:00", "2026-03-07T04:00:00-06:00", "2026-03-07T08:00:00-06:00", "2026-03-07T10:00:00-06:00"},
		{"fall back", local(2026, 11, 1, 0, 0), "2026-11-01T05:00:00Z", "2026-11-01T14:00:00Z", "2026-11-01T10:00:00Z", 5,
			"2026-11-01T00:00:00-05:00", "2026-11-01T04:00:00-06:00", "2026-11-01T08:00:00-06:00", "2026-11-01T10:00:00-06:00"},
		{"day before fall back", local(2026, 10, 31, 0, 0), "2026-10-31T05:00:00Z", "2026-10-31T13:00:00Z", "2026-10-31T09:00:00Z", 4,
			"2026-10-31T00:00:00-05:00", "2026-10-31T04:00:00-05:00", "2026-10-31T08:00:00-05:00", "2026-10-31T10:00:00-05:00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			next := time.Date(tc.day.Year(), tc.day.Month(), tc.day.Day()+1, 0, 0, 0, 0, chicago)
			e.shift(f.techs[0], "Normal", tc.day, next) // a shift over the whole local day
			c := e.capacity(f, tc.day, next, 0, false)
			if len(c.Availabilities) != 2 {
				t.Fatalf("slots: %+v", c.Availabilities)
			}
			night, morning := c.Availabilities[0], c.Availabilities[1]
			if night.StartUtc != tc.nightUTC || night.EndUtc != tc.nightEndUTC || night.Start != tc.nightStart || night.End != tc.nightEnd {
				t.Fatalf("night slot: %+v", night)
			}
			if night.TotalAvailability != tc.nightHours {
				t.Fatalf("night slot lasts %v hours, want %v", night.TotalAvailability, tc.nightHours)
			}
			if morning.StartUtc != tc.morningUTC || morning.Start != tc.morningStart || morning.End != tc.morning || morning.TotalAvailability != 2 {
				t.Fatalf("morning slot: %+v", morning)
			}
			// A local 08:00 booking (UTC from the local wall clock) fills it.
			e.book(f, local(tc.day.Year(), tc.day.Month(), tc.day.Day(), 8, 0), local(tc.day.Year(), tc.day.Month(), tc.day.Day(), 10, 0), f.techs[0])
			if m := e.capacity(f, tc.day, next, 0, false).Availabilities[1]; m.OpenAvailability != 0 || m.IsAvailable {
				t.Fatalf("booked morning: %+v", m)
			}
		})
	}
}

func TestCheckSlotPolicies(t *testing.T) {
	e := newEnv(t)
	f := e.newFixture(2, 2*time.Hour)
	eight, ten := local(2026, 11, 24, 8, 0), local(2026, 11, 24, 10, 0)
	e.workday(f)
	check := func(techs ...int64) error {
		return resource.Update(e.srv.Store(), e.tenant, e.srv.Clock.Now(), func(tx *resource.Tx) error {
			return checkSlot(tx, f.jobType, f.bu, eight, ten, techs)
		})
	}
	e.setPolicy(tenant.Strict, 0)
	if err := check(); err != nil {
		t.Fatalf("empty slot: %v", err)
	}
	e.book(f, eight, ten, f.techs[0])
	if err := check(); err != nil {
		t.Fatalf("one technician left: %v", err)
	}
	if err := check(f.techs[0]); !isConflict(err) {
		t.Fatalf("technician 1 is booked: %v", err)
	}
	if err := check(f.techs[1]); err != nil {
		t.Fatalf("technician 2 is free: %v", err)
	}
	e.book(f, eight, ten) // unassigned: takes technician 2's room
	if err := check(); !isConflict(err) {
		t.Fatalf("full slot under strict: %v", err)
	}
	// Outside any shift there is no room either.
	if err := resource.Update(e.srv.Store(), e.tenant, e.srv.Clock.Now(), func(tx *resource.Tx) error {
		return checkSlot(tx, f.jobType, f.bu, local(2026, 11, 24, 18, 0), local(2026, 11, 24, 20, 0), nil)
	}); !isConflict(err) {
		t.Fatalf("after the shifts: %v", err)
	}
	e.setPolicy(tenant.Lenient, 0)
	if err := check(); err != nil {
		t.Fatalf("lenient: %v", err)
	}
}

// checkSlot asks schedule.CheckSlot about a job of jobTypeID, as jpm does
// before it books.
func checkSlot(tx *resource.Tx, jobTypeID, businessUnitID int64, start, end time.Time, techs []int64) error {
	jt, err := jpm.JobTypeByID(tx, jobTypeID)
	if err != nil {
		return err
	}
	return schedule.CheckSlot(tx, jt.Duration, businessUnitID, start, end, techs)
}

func isConflict(err error) bool {
	var e *apierr.Error
	return errors.As(err, &e) && e.Status == http.StatusConflict
}

// TestStrictBookingRace sends 50 concurrent POST /jpm/v2/…/jobs for the
// same slot (each create checks the slot with schedule.CheckSlot and writes
// the job in one transaction). Exactly the slot's capacity (3 two-hour jobs
// in a two-hour slot with 3 technicians) gets through, the rest get 409.
func TestStrictBookingRace(t *testing.T) {
	for _, assigned := range []bool{false, true} {
		name := "unassigned"
		if assigned {
			name = "assigned"
		}
		// Each variant gets its own servers: a bbolt file keeps the
		// credential registry, so two servers on one file share tenants.
		t.Run(name, func(t *testing.T) {
			simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
				e := newEnv(t, backend)
				f := e.newFixture(3, 2*time.Hour)
				eight, ten := local(2026, 11, 24, 8, 0), local(2026, 11, 24, 10, 0)
				e.workday(f)
				e.setPolicy(tenant.Strict, 0)
				book := e.booker(f)
				var wg sync.WaitGroup
				results := make([]int, 50)
				for i := range results {
					wg.Go(func() {
						var techs []int64
						if assigned {
							techs = []int64{f.techs[i%3]}
						}
						results[i] = book(eight, ten, techs...).Status
					})
				}
				wg.Wait()
				ok := 0
				for _, status := range results {
					switch status {
					case http.StatusOK:
						ok++
					case http.StatusConflict:
					default:
						t.Fatalf("unexpected status %d", status)
					}
				}
				if ok != 3 {
					t.Fatalf("%d bookings got through, want 3", ok)
				}
				s := e.capacity(f, day0, day1, f.jobType, false).slot(t, eight)
				if s.IsAvailable || s.OpenAvailability != 0 {
					t.Fatalf("slot after the race: %+v", s)
				}
			})
		})
	}
}
