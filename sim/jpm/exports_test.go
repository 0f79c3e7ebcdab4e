package jpm_test

import (
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stsim/stsim/sim"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/jpm"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/simtest"
)

type exportPage struct {
	HasMore      bool             `json:"hasMore"`
	ContinueFrom string           `json:"continueFrom"`
	Data         []map[string]any `json:"data"`
}

func TestExports(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := start(t, backend)
		j := e.createJob(e.jobBody(appt(8, 10, e.tech), appt(13, 15)))
		e.do("POST", fmt.Sprintf("/jobs/%d/notes", j.ID), map[string]any{"text": "hello"}).OK(t)
		e.do("DELETE", fmt.Sprintf("/appointments/%d", j.LastAppointmentID), nil).OK(t)
		e.do("PUT", fmt.Sprintf("/jobs/%d/cancel", j.ID), map[string]any{"reasonId": e.cancelReason, "memo": "bye"}).OK(t)

		feed := func(path, from string, recent bool) exportPage {
			t.Helper()
			q := url.Values{}
			if from != "" {
				q.Set("from", from)
			}
			if recent {
				q.Set("includeRecentChanges", "true")
			}
			var p exportPage
			e.do("GET", "/export/"+path+"?"+q.Encode(), nil).OK(t).JSON(t, &p)
			return p
		}
		find := func(p exportPage, key string, id int64) map[string]any {
			for _, item := range p.Data {
				if item[key] == float64(id) {
					return item
				}
			}
			return nil
		}

		// Changes are invisible for 15 minutes unless recent changes are asked for.
		if find(feed("jobs", "", false), "id", j.ID) != nil {
			t.Fatal("a fresh change is visible in the export feed")
		}
		jobs := feed("jobs", "", true)
		job := find(jobs, "id", j.ID)
		if job == nil || job["jobStatus"] != "Canceled" || job["active"] != true || job["appointmentCount"] != float64(1) {
			t.Fatalf("job export item: %v", job)
		}
		appts := feed("appointments", "", true)
		if a := find(appts, "id", j.LastAppointmentID); a == nil || a["active"] != false {
			t.Fatalf("the deleted appointment must come through inactive: %v", a)
		}
		if a := find(appts, "id", j.FirstAppointmentID); a == nil || a["active"] != true || a["status"] != "Canceled" {
			t.Fatalf("appointment export item: %v", a)
		}
		if l := find(feed("job-canceled-logs", "", true), "jobId", j.ID); l == nil || l["memo"] != "bye" || l["active"] != true {
			t.Fatalf("canceled log export item: %v", l)
		}
		if n := find(feed("job-notes", "", true), "jobId", j.ID); n == nil || n["text"] != "hello" || n["id"] == nil {
			t.Fatalf("note export item: %v", n)
		}
		h := find(feed("job-history", "", true), "jobId", j.ID)
		if h == nil {
			t.Fatal("no history export item")
		}
		if entries := h["history"].([]any); len(entries) < 4 || entries[0].(map[string]any)["eventType"] != "Job Booked" {
			t.Fatalf("history export item: %v", h)
		}

		// After the delay the feed shows them; continueFrom resumes after them.
		e.advance(16 * time.Minute)
		jobs = feed("jobs", "", false)
		if find(jobs, "id", j.ID) == nil {
			t.Fatal("the change is still invisible after 15 minutes")
		}
		next := feed("jobs", jobs.ContinueFrom, false)
		if len(next.Data) != 0 || next.HasMore {
			t.Fatalf("continueFrom repeated changes: %+v", next)
		}
		e.do("PUT", fmt.Sprintf("/jobs/%d/remove-cancellation", j.ID), nil).OK(t)
		again := feed("jobs", jobs.ContinueFrom, true)
		if item := find(again, "id", j.ID); item == nil || item["jobStatus"] != "Scheduled" {
			t.Fatalf("the changed job after continueFrom: %+v", again.Data)
		}
		e.do("GET", "/export/jobs?from=not-a-token", nil).WantError(t, 400, "from")
		e.do("GET", "/export/appointments?from="+jobs.ContinueFrom, nil).WantError(t, 400, "from") // another feed's token
	})
}

// slotRecorder is a fake SlotCheck: a slot starting at noon UTC is full.
type slotRecorder struct {
	mu    sync.Mutex
	calls []string
}

func (s *slotRecorder) check(tx *resource.Tx, jobTypeID, businessUnitID int64, start, end time.Time, techs []int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, fmt.Sprintf("%d/%d %s-%s %v", jobTypeID, businessUnitID, start.Format("15"), end.Format("15"), techs))
	if start.Hour() == 12 {
		return apierr.Conflict("The slot is full.")
	}
	return nil
}

func (s *slotRecorder) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.calls)
}

func (s *slotRecorder) last() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.calls) == 0 {
		return ""
	}
	return s.calls[len(s.calls)-1]
}

func TestCheckSlotWiring(t *testing.T) {
	rec := &slotRecorder{}
	e := start(t, func(o *sim.Options) { o.Handlers = jpm.Routes(jpm.Deps{CheckSlot: rec.check}) })

	j := e.createJob(e.jobBody(appt(8, 10, e.tech)))
	if got, want := rec.last(), fmt.Sprintf("%d/%d 08-10 [%d]", e.jobType, e.bu, e.tech); got != want {
		t.Fatalf("create asked %q, want %q", got, want)
	}
	// A full slot refuses the whole job: nothing is left behind.
	e.do("POST", "/jobs", e.jobBody(appt(9, 11), appt(12, 14))).WantError(t, 409, "")
	var p page[jobResp]
	e.do("GET", fmt.Sprintf("/jobs?customerId=%d&includeTotal=true", e.customer), nil).OK(t).JSON(t, &p)
	if *p.TotalCount != 1 {
		t.Fatalf("a refused job was stored: %d jobs", *p.TotalCount)
	}
	// Adding an appointment asks too.
	e.do("POST", "/appointments", map[string]any{"jobId": j.ID, "start": stamp(at(12)), "end": stamp(at(13))}).WantError(t, 409, "")
	e.do("POST", "/appointments", map[string]any{"jobId": j.ID, "start": stamp(at(14)), "end": stamp(at(15)), "technicianIds": []int64{e.tech2}}).OK(t)
	if got, want := rec.last(), fmt.Sprintf("%d/%d 14-15 [%d]", e.jobType, e.bu, e.tech2); got != want {
		t.Fatalf("add asked %q, want %q", got, want)
	}
	// Rescheduling asks for the new time with the assigned technicians.
	path := fmt.Sprintf("/appointments/%d/reschedule", j.FirstAppointmentID)
	e.do("PATCH", path, map[string]any{"start": stamp(at(12)), "end": stamp(at(14))}).WantError(t, 409, "")
	if a := e.appointment(j.FirstAppointmentID); a.Start[11:13] != "08" {
		t.Fatalf("a refused reschedule moved the appointment: %+v", a)
	}
	e.do("PATCH", path, map[string]any{"start": stamp(at(16)), "end": stamp(at(18))}).OK(t)
	if got, want := rec.last(), fmt.Sprintf("%d/%d 16-18 [%d]", e.jobType, e.bu, e.tech); got != want {
		t.Fatalf("reschedule asked %q, want %q", got, want)
	}
	// A change of arrival window alone does not move the slot.
	n := rec.count()
	e.do("PATCH", path, map[string]any{"arrivalWindowStart": stamp(at(16)), "arrivalWindowEnd": stamp(at(17))}).OK(t)
	if rec.count() != n {
		t.Fatalf("a window-only change asked for a slot: %s", rec.last())
	}
}
