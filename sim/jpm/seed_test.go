package jpm_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/jpm"
	"github.com/stsim/stsim/sim/marketing"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
	"github.com/stsim/stsim/sim/simtest"
	"github.com/stsim/stsim/sim/store"
	"github.com/stsim/stsim/sim/tenant"
)

const seedTenant = 99

// seedStore writes what the other modules' seeds provide (crm's own seed;
// settings and marketing records of this test's making), then jpm.Seed,
// timing the latter.
func seedStore(t testing.TB, now time.Time) (store.Store, time.Duration) {
	t.Helper()
	st := store.OpenMemory()
	t.Cleanup(func() { st.Close() })
	var took time.Duration
	err := resource.Update(st, seedTenant, now, func(tx *resource.Tx) error {
		if err := tenant.Save(tx, tenant.Defaults()); err != nil {
			return err
		}
		if err := crm.Seed(tx); err != nil {
			return err
		}
		for _, name := range []string{"HVAC Service", "Plumbing Service", "Electrical Service"} {
			if err := resource.Create(tx, &settings.BusinessUnits, &settings.BusinessUnit{Meta: resource.Meta{Active: true}, Name: name}); err != nil {
				return err
			}
		}
		for _, tc := range []struct {
			name   string
			skills []string
		}{{"Ava HVAC", []string{"HVAC"}}, {"Ben Plumber", []string{"Plumbing"}}, {"Cy Sparks", []string{"Electrical"}}, {"Dee All", []string{"HVAC", "Plumbing"}}} {
			if err := resource.Create(tx, &settings.Technicians, &settings.Technician{Meta: resource.Meta{Active: true}, Name: tc.name, Skills: tc.skills}); err != nil {
				return err
			}
		}
		for _, name := range []string{"Website", "Chat"} {
			if err := resource.Create(tx, &marketing.Campaigns, &marketing.Campaign{Meta: resource.Meta{Active: true}, Name: name}); err != nil {
				return err
			}
		}
		began := time.Now()
		err := jpm.Seed(tx)
		took = time.Since(began)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return st, took
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

// BenchmarkSeed reports jpm.Seed's own time (the budget is 10 ms; about
// 2 ms was measured on a quiet machine) as seed-ns/op.
//
//	go test -run '^$' -bench Seed ./sim/jpm/
func BenchmarkSeed(b *testing.B) {
	var total time.Duration
	for b.Loop() {
		_, took := seedStore(b, simtest.Epoch)
		total += took
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(b.N), "seed-ns/op")
}

func TestSeed(t *testing.T) {
	st, _ := seedStore(t, simtest.Epoch) // its time is BenchmarkSeed's (a timed test fails on a busy machine)
	units := all[settings.BusinessUnit](t, st, &settings.BusinessUnits)
	types := all[jpm.JobType](t, st, &jpm.JobTypes)
	if len(types) != len(jpm.DemoJobTypes) {
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
		unit := units[slices.IndexFunc(units, func(u *settings.BusinessUnit) bool { return u.ID == jt.BusinessUnitIDs[0] })]
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
			if h := a.Start.In(loc).Hour(); h != 8 && h != 10 && h != 13 && h != 15 {
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
	if len(jobs) != 19 || counts[jpm.JobCompleted] < 6 || counts[jpm.JobCanceled] != 2 || counts[jpm.JobHold] != 1 || counts[jpm.JobScheduled] < 5 {
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
	again, _ := seedStore(t, simtest.Epoch)
	a, _ := json.Marshal(all[jpm.Appointment](t, st, &jpm.Appointments))
	b, _ := json.Marshal(all[jpm.Appointment](t, again, &jpm.Appointments))
	if string(a) != string(b) {
		t.Error("two seeds at the same time differ")
	}
}

// TestSeedWithoutReferences: a tenant without business units or campaigns
// gets the reference lists but no jobs.
func TestSeedWithoutReferences(t *testing.T) {
	st := store.OpenMemory()
	defer st.Close()
	err := resource.Update(st, seedTenant, simtest.Epoch, func(tx *resource.Tx) error { return jpm.Seed(tx) })
	if err != nil {
		t.Fatal(err)
	}
	if n := len(all[jpm.JobType](t, st, &jpm.JobTypes)); n != len(jpm.DemoJobTypes) {
		t.Errorf("%d job types", n)
	}
	if n := len(all[jpm.Job](t, st, &jpm.Jobs)); n != 0 {
		t.Errorf("%d jobs without references", n)
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
