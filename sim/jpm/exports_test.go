package jpm_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

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
