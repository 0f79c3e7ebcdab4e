package dispatch

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/jpm"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/schedule"
	"github.com/stsim/stsim/sim/settings"
	"github.com/stsim/stsim/sim/store"
	"github.com/stsim/stsim/sim/tenant"
)

const benchTenant = 42

// benchData builds, on a memory store, a tenant with 5 business units of 10
// technicians each, the five two-hour arrival windows, Monday–Saturday
// 08:00–17:00 shifts over 28 days (the 14 queried and the 14 before), and
// three appointments per technician and working day over those 28 days
// (about 3,600, a sixth of them unassigned, every twentieth canceled), each
// with its own job. Settings and jpm records are written through those
// modules' fixture seeds (fixture.SeedRecords). It returns the store, the
// query start and a job type.
func benchData(b testing.TB) (store.Store, time.Time, int64) {
	st := store.OpenMemory()
	b.Cleanup(func() { st.Close() })
	loc := tenant.Location("America/Chicago")
	start := time.Date(2026, 11, 23, 0, 0, 0, 0, loc) // a Monday
	const jobType, cancelReason, customer, location, campaign = 1, 2, 3, 4, 5
	stamp := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	var units, techs, jobs []any
	nextID := int64(10)
	n := 0
	for u := range 5 {
		nextID++
		bu := nextID
		units = append(units, map[string]any{"id": bu, "name": fmt.Sprintf("BU %d", u)})
		for i := range 10 {
			skills := []string{"HVAC"}
			if i%4 == 3 {
				skills = []string{"Plumbing"}
			}
			nextID++
			tech := nextID
			techs = append(techs, map[string]any{"id": tech, "name": fmt.Sprintf("Tech %d-%d", u, i), "businessUnitId": bu, "skills": skills})
			for day := -14; day < 14; day++ {
				date := start.AddDate(0, 0, day)
				if date.Weekday() == time.Sunday {
					continue
				}
				for _, slot := range [][2]int{{8, 0}, {10, 30}, {13, 0}} {
					n++
					s := time.Date(date.Year(), date.Month(), date.Day(), slot[0], slot[1], 0, 0, loc)
					appt := map[string]any{"start": stamp(s), "end": stamp(s.Add(90 * time.Minute))}
					if n%6 != 0 {
						appt["technicianIds"] = []int64{tech}
					}
					job := map[string]any{"customerId": customer, "locationId": location, "businessUnitId": bu, "jobTypeId": jobType,
						"priority": "Normal", "campaignId": campaign, "appointments": []any{appt}}
					if n%20 == 0 {
						job["jobStatus"], job["cancel"] = "Canceled", map[string]any{"reasonId": cancelReason, "memo": "bench"}
					}
					jobs = append(jobs, job)
				}
			}
		}
	}
	err := resource.Update(st, benchTenant, start, func(tx *resource.Tx) error {
		for _, d := range defaultBlocks {
			if err := resource.Create(tx, &ArrivalWindows, &ArrivalWindow{Meta: resource.Meta{Active: true}, Start: d.start, Duration: d.length, BusinessUnitIDs: []int64{}}); err != nil {
				return err
			}
		}
		if err := fixture.SeedRecords(tx, "settings", map[string][]any{"businessUnits": units, "technicians": techs}, loc, settings.Seed); err != nil {
			return err
		}
		if err := fixture.SeedRecords(tx, "jpm", map[string][]any{
			"jobTypes":      {map[string]any{"id": jobType, "name": "Tune-up", "skills": []string{"HVAC"}, "duration": 5400}},
			"cancelReasons": {map[string]any{"id": cancelReason, "name": "Bench cancel"}},
			"jobs":          jobs,
		}, loc, jpm.Seed); err != nil {
			return err
		}
		for _, rec := range techs {
			tech := rec.(map[string]any)["id"].(int64)
			for day := -14; day < 14; day++ {
				date := start.AddDate(0, 0, day)
				if date.Weekday() == time.Sunday {
					continue
				}
				at := func(h int) time.Time { return time.Date(date.Year(), date.Month(), date.Day(), h, 0, 0, 0, loc) }
				if err := resource.Create(tx, &Shifts, &Shift{Meta: resource.Meta{Active: true}, ShiftType: ShiftNormal, Title: "Day",
					TechnicianID: tech, Start: resource.Stamp(at(8)), End: resource.Stamp(at(17))}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return st, start, jobType
}

// BenchmarkCapacity14Days50Techs times one 14-day capacity query over all
// 50 technicians (skill matching on), as the handler runs it inside its
// read transaction.
func BenchmarkCapacity14Days50Techs(b *testing.B) {
	st, start, jobType := benchData(b)
	q := capacityQuery{from: start, to: start.AddDate(0, 0, 14), jobTypeID: jobType, skillBased: true}
	var slots int
	for b.Loop() {
		err := resource.View(st, benchTenant, start, func(tx *resource.Tx) error {
			out, err := computeCapacity(tx, q)
			slots = len(out.Availabilities)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if slots != 70 {
		b.Fatalf("%d slots, want 70", slots)
	}
}

// TestScheduleFindsWhatAScanFinds checks package schedule's bookings
// against a scan of the appointments and their assignments on the
// benchmark's data, over windows that cross UTC midnights, and that the
// data gives capacity a mixed answer.
func TestScheduleFindsWhatAScanFinds(t *testing.T) {
	st, start, jobType := benchData(t)
	err := resource.View(st, benchTenant, start, func(tx *resource.Tx) error {
		for i, w := range [][2]time.Time{
			{start.AddDate(0, 0, -3), start.AddDate(0, 0, 4)},
			{start.Add(20 * time.Hour), start.Add(30 * time.Hour)},
		} {
			indexed, err := schedule.BookingsIn(tx, w[0], w[1])
			if err != nil {
				return err
			}
			overlapping, err := jpm.AppointmentsOverlapping(tx, w[0], w[1])
			if err != nil {
				return err
			}
			appts := slices.DeleteFunc(overlapping, func(a *jpm.Appointment) bool {
				return a.Status == jpm.ApptCanceled || a.Status == jpm.ApptHold
			})
			var got, want []string
			for _, b := range indexed {
				got = append(got, fmt.Sprintf("%d %s %v", b.ID, b.Start.UTC().Format(time.RFC3339), b.TechnicianIDs))
			}
			for _, a := range appts {
				techs := []int64{}
				assigned, err := jpm.AssignedTo(tx, a.ID)
				if err != nil {
					return err
				}
				for _, as := range assigned {
					techs = append(techs, as.TechnicianID)
				}
				want = append(want, fmt.Sprintf("%d %s %v", a.ID, a.Start.UTC().Format(time.RFC3339), techs))
			}
			if !slices.Equal(got, want) || (i == 0 && len(want) == 0) {
				t.Fatalf("window %v: schedule has %d bookings, a scan finds %d appointments\n%v\n%v", w, len(got), len(want), got, want)
			}
		}
		out, err := computeCapacity(tx, capacityQuery{from: start.AddDate(0, 0, -3), to: start.AddDate(0, 0, 4), jobTypeID: jobType, skillBased: true})
		if err != nil {
			return err
		}
		data, _ := json.Marshal(out)
		if !strings.Contains(string(data), `"status":"Available"`) || !strings.Contains(string(data), `"status":"Unavailable"`) {
			t.Fatalf("the benchmark data should give a mixed answer: %.400s", data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkCheckSlot50Techs times a strict CheckSlot of one two-hour slot
// against a business unit of 10 technicians in the same data, as a booking
// runs it inside its write transaction.
func BenchmarkCheckSlot50Techs(b *testing.B) {
	st, start, jobType := benchData(b)
	from := time.Date(2026, 11, 24, 14, 0, 0, 0, start.Location())
	var bu int64
	if err := resource.Update(st, benchTenant, start, func(tx *resource.Tx) error {
		bus, err := settings.ActiveBusinessUnits(tx)
		if err != nil {
			return err
		}
		bu = bus[0].ID
		return saveStrict(tx)
	}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		err := resource.View(st, benchTenant, start, func(tx *resource.Tx) error {
			jt, err := jpm.JobTypeByID(tx, jobType)
			if err != nil {
				return err
			}
			return schedule.CheckSlot(tx, jt.Duration, bu, from, from.Add(2*time.Hour), nil)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// saveStrict sets the tenant's capacity policy to Strict.
func saveStrict(tx *resource.Tx) error {
	s, err := tenant.Load(tx)
	if err != nil {
		return err
	}
	s.CapacityPolicy = tenant.Strict
	return tenant.Save(tx, s)
}
