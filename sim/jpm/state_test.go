package jpm_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/simtest"
)

func TestCancelAndRemoveCancellation(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := start(t, backend)
		j := e.createJob(e.jobBody(appt(8, 10, e.tech), appt(13, 15)))
		path := fmt.Sprintf("/jobs/%d", j.ID)

		e.do("PUT", path+"/cancel", map[string]any{"reasonId": e.inactiveCancel, "memo": "x"}).WantError(t, 400, "reasonId")
		e.do("PUT", path+"/cancel", map[string]any{"reasonId": 999999, "memo": "x"}).WantError(t, 400, "reasonId")
		e.do("PUT", path+"/cancel", map[string]any{"reasonId": e.cancelReason}).WantError(t, 400, "") // memo is required
		e.do("PUT", "/jobs/999999/cancel", map[string]any{"reasonId": e.cancelReason, "memo": "x"}).WantError(t, 404, "")
		e.do("PUT", path+"/remove-cancellation", nil).WantError(t, 409, "")

		r := e.do("PUT", path+"/cancel", map[string]any{"reasonId": e.cancelReason, "memo": "Customer found a cheaper quote"}).OK(t)
		if len(r.Body) != 0 {
			t.Fatalf("cancel answered with a body: %s", r.Body)
		}
		if got := e.job(j.ID); got.JobStatus != "Canceled" || got.AppointmentCount != 2 {
			t.Fatalf("canceled job: %+v", got)
		}
		for _, a := range e.jobAppointments(j.ID) {
			if a.Status != "Canceled" {
				t.Fatalf("appointment of a canceled job: %+v", a)
			}
		}
		e.do("PUT", path+"/cancel", map[string]any{"reasonId": e.cancelReason, "memo": "again"}).WantError(t, 409, "")
		e.do("PUT", path+"/hold", map[string]any{"reasonId": e.holdReason, "memo": "x"}).WantError(t, 409, "")
		e.do("PUT", path+"/complete", map[string]any{"completedOn": stamp(at(10))}).WantError(t, 409, "")

		var logs page[map[string]any]
		e.do("GET", path+"/canceled-log", nil).OK(t).JSON(t, &logs)
		if len(logs.Data) != 1 || logs.Data[0]["active"] != true || logs.Data[0]["reasonId"] != float64(e.cancelReason) || logs.Data[0]["memo"] != "Customer found a cheaper quote" {
			t.Fatalf("canceled log: %+v", logs.Data)
		}
		var reasons page[map[string]any]
		e.do("GET", fmt.Sprintf("/jobs/cancel-reasons?ids=%d,999999", j.ID), nil).OK(t).JSON(t, &reasons)
		if len(reasons.Data) != 1 || reasons.Data[0]["jobId"] != float64(j.ID) || reasons.Data[0]["text"] != "Customer found a cheaper quote" || reasons.Data[0]["name"] == "" {
			t.Fatalf("cancel reasons by job: %+v", reasons.Data)
		}
		var bl map[string]any
		e.do("GET", path+"/booked-log", nil).OK(t).JSON(t, &bl)
		if bl["active"] != false {
			t.Fatalf("booked log of a canceled job: %v", bl)
		}

		e.do("PUT", path+"/remove-cancellation", nil).OK(t)
		if got := e.job(j.ID); got.JobStatus != "Scheduled" {
			t.Fatalf("uncanceled job: %+v", got)
		}
		for _, a := range e.jobAppointments(j.ID) {
			if a.Status != "Scheduled" {
				t.Fatalf("appointment after remove-cancellation: %+v", a)
			}
		}
		e.do("GET", path+"/canceled-log", nil).OK(t).JSON(t, &logs)
		if len(logs.Data) != 1 || logs.Data[0]["active"] != false {
			t.Fatalf("canceled log after remove-cancellation: %+v", logs.Data)
		}
		e.do("GET", fmt.Sprintf("/jobs/cancel-reasons?ids=%d", j.ID), nil).OK(t).JSON(t, &reasons)
		if len(reasons.Data) != 0 {
			t.Fatalf("an uncanceled job still has a cancel reason: %+v", reasons.Data)
		}
		e.do("GET", path+"/booked-log", nil).OK(t).JSON(t, &bl)
		if bl["active"] != true {
			t.Fatalf("booked log after rebooking: %v", bl)
		}
		h := events(e.history(j.ID))
		if h[len(h)-2] != "Job Canceled" || h[len(h)-1] != "Job Cancellation Removed" {
			t.Fatalf("history: %v", h)
		}
		e.do("GET", "/jobs/cancel-reasons", nil).WantError(t, 400, "ids")
		e.do("GET", "/jobs/cancel-reasons?ids=a", nil).WantError(t, 400, "ids")
		e.do("PUT", "/jobs/999999/remove-cancellation", nil).WantError(t, 404, "")
	})
}

func TestHoldJob(t *testing.T) {
	e := start(t)
	j := e.createJob(e.jobBody(appt(8, 10, e.tech), appt(13, 15)))
	path := fmt.Sprintf("/jobs/%d", j.ID)
	e.do("PUT", path+"/hold", map[string]any{"reasonId": e.inactiveHold, "memo": "x"}).WantError(t, 400, "reasonId")
	e.do("PUT", path+"/hold", map[string]any{"reasonId": e.cancelReason, "memo": "x"}).WantError(t, 400, "reasonId") // a cancel reason is no hold reason
	e.do("PUT", "/jobs/999999/hold", map[string]any{"reasonId": e.holdReason, "memo": "x"}).WantError(t, 404, "")
	e.do("PUT", path+"/hold", map[string]any{"reasonId": e.holdReason, "memo": "Parts"}).OK(t)
	if got := e.job(j.ID); got.JobStatus != "Hold" {
		t.Fatalf("held job: %+v", got)
	}
	appts := e.jobAppointments(j.ID)
	for _, a := range appts {
		if a.Status != "Hold" {
			t.Fatalf("appointment of a held job: %+v", a)
		}
	}
	e.do("PUT", path+"/hold", map[string]any{"reasonId": e.holdReason, "memo": "again"}).WantError(t, 409, "")
	// Removing the hold from every appointment brings the job back.
	e.do("DELETE", fmt.Sprintf("/appointments/%d/hold", appts[0].ID), nil).OK(t)
	if got := e.job(j.ID); got.JobStatus != "Hold" {
		t.Fatalf("job with an appointment still held: %+v", got)
	}
	e.do("DELETE", fmt.Sprintf("/appointments/%d/hold", appts[1].ID), nil).OK(t)
	if got := e.job(j.ID); got.JobStatus != "Scheduled" {
		t.Fatalf("job after every hold was removed: %+v", got)
	}
	if h := events(e.history(j.ID)); !contains(h, "Job Put On Hold") || h[len(h)-1] != "Appointment Hold Removed" {
		t.Fatalf("history: %v", h)
	}
}

func TestCompleteJob(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := start(t, backend)
		unassigned := e.createJob(e.jobBody(appt(8, 10)))
		e.do("PUT", fmt.Sprintf("/jobs/%d/complete", unassigned.ID), map[string]any{"completedOn": stamp(at(10))}).WantError(t, 409, "")
		e.do("PUT", "/jobs/999999/complete", map[string]any{"completedOn": stamp(at(10))}).WantError(t, 404, "")
		e.do("PUT", fmt.Sprintf("/jobs/%d/complete", unassigned.ID), map[string]any{}).WantError(t, 400, "")

		j := e.createJob(e.jobBody(appt(8, 10, e.tech), appt(13, 15)))
		path := fmt.Sprintf("/jobs/%d", j.ID)
		e.do("PUT", path+"/complete", map[string]any{"completedOn": "2026-11-25T15:30:00Z"}).OK(t)
		got := e.job(j.ID)
		if got.JobStatus != "Completed" || got.CompletedOn == nil || *got.CompletedOn != "2026-11-25T15:30:00.0000000Z" {
			t.Fatalf("completed job: %+v", got)
		}
		appts := e.jobAppointments(j.ID)
		for _, a := range appts {
			if a.Status != "Done" {
				t.Fatalf("appointment of a completed job: %+v", a)
			}
		}
		var unused page[apptResp]
		e.do("GET", fmt.Sprintf("/appointments?jobId=%d&unused=true", j.ID), nil).OK(t).JSON(t, &unused)
		if len(unused.Data) != 1 || unused.Data[0].Start[11:16] != "13:00" {
			t.Fatalf("the appointment nobody was assigned to should be unused: %+v", unused.Data)
		}
		var withUnused page[jobResp]
		e.do("GET", "/jobs?hasUnusedAppointments=true", nil).OK(t).JSON(t, &withUnused)
		if !contains(jobIDs(withUnused), j.ID) {
			t.Fatalf("hasUnusedAppointments=true: %v", jobIDs(withUnused))
		}
		var byTech page[jobResp]
		e.do("GET", fmt.Sprintf("/jobs?technicianId=%d&jobStatus=Completed", e.tech), nil).OK(t).JSON(t, &byTech)
		if fmt.Sprint(jobIDs(byTech)) != fmt.Sprint([]int64{j.ID}) {
			t.Fatalf("completed job by technician: %v", jobIDs(byTech))
		}
		e.do("PUT", path+"/complete", map[string]any{"completedOn": stamp(at(16))}).WantError(t, 409, "")
		e.do("PUT", path+"/cancel", map[string]any{"reasonId": e.cancelReason, "memo": "x"}).WantError(t, 409, "")
		e.do("POST", "/appointments", map[string]any{"jobId": j.ID, "start": stamp(at(30)), "end": stamp(at(31))}).WantError(t, 409, "")
		if h := events(e.history(j.ID)); h[len(h)-1] != "Job Completed" {
			t.Fatalf("history: %v", h)
		}
		e.advance(20 * time.Minute) // a new token after the 15-minute lifetime
		e.job(j.ID)
	})
}

func contains[T comparable](s []T, v T) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
