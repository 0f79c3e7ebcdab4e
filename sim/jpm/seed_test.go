package jpm_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stsim/stsim/sim"
	"github.com/stsim/stsim/sim/clock"
	"github.com/stsim/stsim/sim/jpm"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
	"github.com/stsim/stsim/sim/simtest"
	"github.com/stsim/stsim/sim/store"
	"github.com/stsim/stsim/sim/tenant"
)

const seedTenant = simtest.Tenant

// seedStore starts a server whose demo tenant is seeded at now (from
// fixtures/demo) and returns its store.
func seedStore(t *testing.T, now time.Time) store.Store {
	t.Helper()
	return simtest.Start(t, func(o *sim.Options) { o.Clock = clock.NewFrozen(now) }).Store()
}

func all[T any, P resource.Record[T]](t *testing.T, st store.Store, kind *resource.Kind[T]) []P {
	t.Helper()
	var out []P
	err := resource.View(st, seedTenant, simtest.Epoch, func(tx *resource.Tx) error {
		page, err := resource.List[T, P](tx, kind, resource.Query{Page: 1, PageSize: 5000, Active: resource.ActiveAny}, resource.Select{}, nil)
		out = page.Data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSeed(t *testing.T) {
	st := seedStore(t, simtest.Epoch)
	types := all[jpm.JobType](t, st, &jpm.JobTypes)
	if len(types) != 6 {
		t.Fatalf("%d job types", len(types))
	}
	want := map[string]struct {
		duration int64
		unit     string
		skill    string
		active   bool
	}{
		"AC Repair":            {7200, "HVAC Service", "HVAC", true},
		"Furnace Tune-Up":      {5400, "HVAC Service", "HVAC", true},
		"Water Heater Install": {14400, "Plumbing Service", "Plumbing", true},
		"Drain Cleaning":       {3600, "Plumbing Service", "Plumbing", true},
		"Panel Upgrade":        {21600, "Electrical Service", "Electrical", true},
	}
	inactive := 0
	for _, jt := range types {
		if !jt.Active {
			inactive++
			continue
		}
		w, ok := want[jt.Name]
		if !ok || jt.Duration != w.duration || len(jt.BusinessUnitIDs) != 1 || !slices.Equal(jt.Skills, []string{w.skill}) {
			t.Errorf("job type %+v", jt)
			continue
		}
		var unit *settings.BusinessUnit
		if err := resource.View(st, seedTenant, simtest.Epoch, func(tx *resource.Tx) (err error) {
			unit, err = settings.BusinessUnitByID(tx, jt.BusinessUnitIDs[0])
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if unit.Name != w.unit {
			t.Errorf("%s is mapped to %s", jt.Name, unit.Name)
		}
	}
	if inactive != 1 {
		t.Errorf("%d inactive job types", inactive)
	}

	jobs := all[jpm.Job](t, st, &jpm.Jobs)
	appts := all[jpm.Appointment](t, st, &jpm.Appointments)
	assigns := all[jpm.Assignment](t, st, &jpm.Assignments)
	counts := map[string]int{}
	loc := tenant.Defaults().Location()
	for _, j := range jobs {
		counts[j.JobStatus]++
		var mine []*jpm.Appointment
		for _, a := range appts {
			if a.JobID == j.ID {
				mine = append(mine, a)
			}
		}
		if len(mine) == 0 {
			t.Errorf("job %d has no appointment", j.ID)
		}
		for _, a := range mine {
			// 08:00–15:00 as jpm.json has them; 09:00 the project's follow-up.
			if h := a.Start.In(loc).Hour(); h != 8 && h != 9 && h != 10 && h != 13 && h != 15 {
				t.Errorf("appointment %d starts at %d:00 local", a.ID, h)
			}
			if j.JobStatus == jpm.JobCanceled && a.Status != jpm.ApptCanceled || j.JobStatus == jpm.JobCompleted && a.Status != jpm.ApptDone {
				t.Errorf("job %s with appointment %s", j.JobStatus, a.Status)
			}
		}
		if j.JobStatus == jpm.JobCompleted {
			if j.CompletedOn == nil || j.CompletedOn.After(simtest.Epoch) {
				t.Errorf("completed job %d completedOn %v", j.ID, j.CompletedOn)
			}
			if !slices.ContainsFunc(assigns, func(a *jpm.Assignment) bool { return a.JobID == j.ID }) {
				t.Errorf("completed job %d has no technician", j.ID)
			}
		}
	}
	if len(jobs) != 20 || counts[jpm.JobCompleted] < 6 || counts[jpm.JobCanceled] != 2 || counts[jpm.JobHold] != 1 || counts[jpm.JobScheduled] < 5 {
		t.Errorf("%d jobs by status: %v", len(jobs), counts)
	}
	if h := all[jpm.History](t, st, &jpm.JobHistories); len(h) != len(jobs) {
		t.Errorf("%d histories for %d jobs", len(h), len(jobs))
	}
	if l := all[jpm.CanceledLog](t, st, &jpm.JobCanceledLogs); len(l) != 2 {
		t.Errorf("%d canceled logs", len(l))
	}
	if l := all[jpm.BookedLog](t, st, &jpm.JobBookedLogs); len(l) != len(jobs) {
		t.Errorf("%d booked logs", len(l))
	}
	// Deterministic given the start time.
	again := seedStore(t, simtest.Epoch)
	a, _ := json.Marshal(all[jpm.Appointment](t, st, &jpm.Appointments))
	b, _ := json.Marshal(all[jpm.Appointment](t, again, &jpm.Appointments))
	if string(a) != string(b) {
		t.Error("two seeds at the same time differ")
	}
}

// TestSeededServer reads the demo job types over HTTP.
func TestSeededServer(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	var p page[jobTypeResp]
	srv.Do(t, "GET", simtest.JPM+"/job-types?name=AC%20Repair", tok, nil).OK(t).JSON(t, &p)
	if len(p.Data) != 1 || p.Data[0].Duration != 7200 {
		t.Fatalf("AC Repair: %+v", p.Data)
	}
	var jobs page[jobResp]
	srv.Do(t, "GET", simtest.JPM+"/jobs?pageSize=200", tok, nil).OK(t).JSON(t, &jobs)
	for _, j := range jobs.Data {
		if j.AppointmentCount == 0 || j.FirstAppointmentID == 0 {
			t.Errorf("seeded job without appointments: %+v", j)
		}
	}
}

// TestHistoryExportsAtOnce: the demo tenant's history carries the stamps it
// would have had (booked days ago, completed when its last appointment
// ended), so a fresh server's export feeds show past work at once, without
// includeRecentChanges. (The first job changes at start: the demo project
// attaches it.)
func TestHistoryExportsAtOnce(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	var jobs struct {
		Data []struct {
			ID          int64      `json:"id"`
			JobStatus   string     `json:"jobStatus"`
			CreatedOn   time.Time  `json:"createdOn"`
			ModifiedOn  time.Time  `json:"modifiedOn"`
			CompletedOn *time.Time `json:"completedOn"`
		} `json:"data"`
	}
	srv.Do(t, "GET", simtest.JPM+"/export/jobs", tok, nil).OK(t).JSON(t, &jobs)
	visible := simtest.Epoch.Add(-resource.ExportDelay)
	completed := 0
	for _, j := range jobs.Data {
		if j.ModifiedOn.After(visible) || j.CreatedOn.After(j.ModifiedOn) {
			t.Errorf("job %d: created %s, modified %s; the feed shows changes older than %s", j.ID, j.CreatedOn, j.ModifiedOn, visible)
		}
		if j.JobStatus == jpm.JobCompleted {
			completed++
			if j.CompletedOn == nil || !j.ModifiedOn.Equal(*j.CompletedOn) {
				t.Errorf("completed job %d: modified %s, completed %v", j.ID, j.ModifiedOn, j.CompletedOn)
			}
		}
	}
	if completed < 5 {
		t.Fatalf("a fresh server exports %d jobs, %d completed: %+v", len(jobs.Data), completed, jobs.Data)
	}
	for _, feed := range []string{"appointments", "job-history", "job-canceled-logs"} {
		var p struct {
			Data []map[string]any `json:"data"`
		}
		srv.Do(t, "GET", simtest.JPM+"/export/"+feed, tok, nil).OK(t).JSON(t, &p)
		if len(p.Data) == 0 {
			t.Errorf("a fresh server's %s feed is empty", feed)
		}
	}
}
