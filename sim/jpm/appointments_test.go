package jpm_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/optional"

	"github.com/stsim/stsim/sim/simtest"
)

func TestAppointmentAddDelete(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := start(t, backend)
		j := e.createJob(e.jobBody(appt(13, 15, e.tech)))
		only := j.FirstAppointmentID
		e.do("DELETE", fmt.Sprintf("/appointments/%d", only), nil).WantError(t, 409, "")

		e.advance(time.Minute)
		var added apptResp
		e.do("POST", "/appointments", map[string]any{
			"jobId": j.ID, "start": stamp(at(8)), "end": stamp(at(10)), "technicianIds": []int64{e.tech2},
			"arrivalWindowStart": stamp(at(8)), "arrivalWindowEnd": stamp(at(10)), "specialInstructions": "Ring twice",
		}).OK(t).JSON(t, &added)
		if added.JobID != j.ID || added.Status != "Scheduled" || added.AppointmentNumber != j.JobNumber+"-2" || optional.Value(added.SpecialInstructions) != "Ring twice" {
			t.Fatalf("added: %+v", added)
		}
		got := e.job(j.ID)
		if got.AppointmentCount != 2 || got.FirstAppointmentID != added.ID || got.LastAppointmentID != only || got.ModifiedOn == j.ModifiedOn {
			t.Fatalf("job after add: %+v", got)
		}
		var tj page[jobResp]
		e.do("GET", fmt.Sprintf("/jobs?technicianId=%d", e.tech2), nil).OK(t).JSON(t, &tj)
		if !contains(jobIDs(tj), j.ID) {
			t.Fatalf("technician of the added appointment: %v", jobIDs(tj))
		}

		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"jobId": 999999, "start": stamp(at(8)), "end": stamp(at(10))}, "jobId"},
			{map[string]any{"jobId": j.ID, "start": stamp(at(10)), "end": stamp(at(8))}, "end"},
			{map[string]any{"jobId": j.ID, "start": stamp(at(8)), "end": stamp(at(10)), "technicianIds": []int64{e.inactiveTech}}, "technicianIds[0]"},
			{map[string]any{"jobId": j.ID, "start": stamp(at(8)), "end": stamp(at(10)), "arrivalWindowEnd": stamp(at(10))}, "arrivalWindowStart"},
		} {
			e.do("POST", "/appointments", tc.body).WantError(t, 400, tc.field)
		}

		// Delete the first: the job follows, the assignment ends, history records it.
		e.do("DELETE", fmt.Sprintf("/appointments/%d", added.ID), nil).OK(t)
		e.do("GET", fmt.Sprintf("/appointments/%d", added.ID), nil).WantError(t, 404, "")
		e.do("DELETE", fmt.Sprintf("/appointments/%d", added.ID), nil).WantError(t, 404, "")
		got = e.job(j.ID)
		if got.AppointmentCount != 1 || got.FirstAppointmentID != only || got.LastAppointmentID != only {
			t.Fatalf("job after delete: %+v", got)
		}
		e.do("GET", fmt.Sprintf("/jobs?technicianId=%d", e.tech2), nil).OK(t).JSON(t, &tj)
		if contains(jobIDs(tj), j.ID) {
			t.Fatalf("the deleted appointment's technician still finds the job")
		}
		h := events(e.history(j.ID))
		if !contains(h, "Appointment Added") || !contains(h, "Technician Unassigned") || h[len(h)-1] != "Appointment Deleted" {
			t.Fatalf("history: %v", h)
		}
		// The next appointment gets a new number, never a reused one.
		e.do("POST", "/appointments", map[string]any{"jobId": j.ID, "start": stamp(at(30)), "end": stamp(at(31))}).OK(t).JSON(t, &added)
		if added.AppointmentNumber != j.JobNumber+"-3" {
			t.Fatalf("number after a delete: %s", added.AppointmentNumber)
		}
		// Canceled jobs take no appointments and lose none.
		e.do("PUT", fmt.Sprintf("/jobs/%d/cancel", j.ID), map[string]any{"reasonId": e.cancelReason, "memo": "x"}).OK(t)
		e.do("POST", "/appointments", map[string]any{"jobId": j.ID, "start": stamp(at(8)), "end": stamp(at(9))}).WantError(t, 409, "")
		e.do("DELETE", fmt.Sprintf("/appointments/%d", added.ID), nil).WantError(t, 409, "")
	})
}

func TestAppointmentReschedule(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := start(t, backend)
		a := appt(8, 10, e.tech)
		a["arrivalWindowStart"], a["arrivalWindowEnd"] = stamp(at(8)), stamp(at(10))
		j := e.createJob(e.jobBody(a, appt(13, 15)))
		id := j.FirstAppointmentID
		path := fmt.Sprintf("/appointments/%d/reschedule", id)
		e.advance(time.Minute)

		// Moving start and end moves the arrival window with them.
		var r apptResp
		e.do("PATCH", path, map[string]any{"start": stamp(at(32)), "end": stamp(at(34))}).OK(t).JSON(t, &r)
		if r.Start != at(32).Format("2006-01-02T15:04:05.0000000Z") || optional.Value(r.ArrivalWindowStart) != at(32).Format("2006-01-02T15:04:05.0000000Z") || optional.Value(r.ArrivalWindowEnd) != at(34).Format("2006-01-02T15:04:05.0000000Z") {
			t.Fatalf("rescheduled: %+v", r)
		}
		got := e.job(j.ID)
		if got.FirstAppointmentID == id || got.LastAppointmentID != id {
			t.Fatalf("first/last after the move: %+v", got)
		}
		// Only the end; then only a new window; then a null window clears it.
		e.do("PATCH", path, map[string]any{"end": stamp(at(35))}).OK(t).JSON(t, &r)
		if r.End != at(35).Format("2006-01-02T15:04:05.0000000Z") || r.Start != at(32).Format("2006-01-02T15:04:05.0000000Z") {
			t.Fatalf("end only: %+v", r)
		}
		e.do("PATCH", path, map[string]any{"arrivalWindowStart": stamp(at(33)), "arrivalWindowEnd": stamp(at(35))}).OK(t).JSON(t, &r)
		if optional.Value(r.ArrivalWindowStart) != at(33).Format("2006-01-02T15:04:05.0000000Z") {
			t.Fatalf("window only: %+v", r)
		}
		e.do("PATCH", path, map[string]any{"arrivalWindowStart": nil, "arrivalWindowEnd": nil}).OK(t).JSON(t, &r)
		if r.ArrivalWindowStart != nil || r.ArrivalWindowEnd != nil {
			t.Fatalf("null window: %+v", r)
		}
		e.do("PATCH", path, map[string]any{"start": stamp(at(36))}).WantError(t, 400, "end")
		e.do("PATCH", path, map[string]any{"arrivalWindowStart": stamp(at(40)), "arrivalWindowEnd": stamp(at(39))}).WantError(t, 400, "arrivalWindowEnd")
		e.do("PATCH", "/appointments/999999/reschedule", map[string]any{"start": stamp(at(8))}).WantError(t, 404, "")
		if h := events(e.history(j.ID)); h[len(h)-1] != "Appointment Rescheduled" {
			t.Fatalf("history: %v", h)
		}
		e.do("PUT", fmt.Sprintf("/jobs/%d/complete", j.ID), map[string]any{"completedOn": stamp(at(36))}).OK(t)
		e.do("PATCH", path, map[string]any{"start": stamp(at(40)), "end": stamp(at(41))}).WantError(t, 409, "")
	})
}

func TestAppointmentHoldConfirmInstructions(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := start(t, backend)
		j := e.createJob(e.jobBody())
		id := j.FirstAppointmentID
		p := fmt.Sprintf("/appointments/%d", id)

		e.do("DELETE", p+"/hold", nil).WantError(t, 409, "")
		e.do("PUT", p+"/hold", map[string]any{"reasonId": e.inactiveHold, "memo": "x"}).WantError(t, 400, "reasonId")
		e.do("PUT", "/appointments/999999/hold", map[string]any{"reasonId": e.holdReason, "memo": "x"}).WantError(t, 404, "")
		e.do("PUT", p+"/hold", map[string]any{"reasonId": e.holdReason, "memo": "Customer away"}).OK(t)
		if a := e.appointment(id); a.Status != "Hold" {
			t.Fatalf("held: %+v", a)
		}
		if job := e.job(j.ID); job.JobStatus != "Scheduled" {
			t.Fatalf("an appointment hold does not hold the job: %+v", job)
		}
		e.do("PUT", p+"/hold", map[string]any{"reasonId": e.holdReason, "memo": "again"}).WantError(t, 409, "")
		e.do("DELETE", p+"/hold", nil).OK(t)
		if a := e.appointment(id); a.Status != "Scheduled" {
			t.Fatalf("unheld: %+v", a)
		}

		e.do("DELETE", p+"/confirmation", nil).WantError(t, 409, "")
		e.do("PUT", p+"/confirmation", nil).OK(t)
		if a := e.appointment(id); !a.IsConfirmed {
			t.Fatalf("confirmed: %+v", a)
		}
		e.do("PUT", p+"/confirmation", nil).WantError(t, 409, "")
		e.do("DELETE", p+"/confirmation", nil).OK(t)
		if a := e.appointment(id); a.IsConfirmed {
			t.Fatalf("unconfirmed: %+v", a)
		}
		e.do("PUT", "/appointments/999999/confirmation", nil).WantError(t, 404, "")

		var a apptResp
		e.do("PUT", p+"/special-instructions", map[string]any{"specialInstructions": "Gate code 1234"}).OK(t).JSON(t, &a)
		if optional.Value(a.SpecialInstructions) != "Gate code 1234" {
			t.Fatalf("instructions: %+v", a)
		}
		e.do("PUT", p+"/special-instructions", map[string]any{}).WantError(t, 400, "")
		e.do("PUT", "/appointments/999999/special-instructions", map[string]any{"specialInstructions": "x"}).WantError(t, 404, "")
		h := events(e.history(j.ID))
		for _, want := range []string{"Appointment Put On Hold", "Appointment Hold Removed", "Appointment Confirmed", "Appointment Confirmation Removed", "Special Instructions Updated"} {
			if !contains(h, want) {
				t.Fatalf("history lacks %q: %v", want, h)
			}
		}
		e.do("PUT", fmt.Sprintf("/jobs/%d/cancel", j.ID), map[string]any{"reasonId": e.cancelReason, "memo": "x"}).OK(t)
		e.do("PUT", p+"/hold", map[string]any{"reasonId": e.holdReason, "memo": "x"}).WantError(t, 409, "")
		e.do("PUT", p+"/confirmation", nil).WantError(t, 409, "")
	})
}

func TestAppointmentList(t *testing.T) {
	e := start(t)
	a := e.createJob(e.jobBody(appt(8, 10, e.tech), appt(32, 34)))
	bb := e.jobBody(appt(13, 15, e.tech2))
	bb["customerId"], bb["locationId"] = e.otherCustomer, e.otherLocation
	b := e.createJob(bb)
	e.do("PUT", fmt.Sprintf("/appointments/%d/hold", b.FirstAppointmentID), map[string]any{"reasonId": e.holdReason, "memo": "x"}).OK(t)
	mine := []int64{a.FirstAppointmentID, a.LastAppointmentID, b.FirstAppointmentID}
	list := func(q string) []int64 {
		t.Helper()
		var p page[apptResp]
		e.do("GET", "/appointments?"+q, nil).OK(t).JSON(t, &p)
		var out []int64
		for _, x := range p.Data {
			if contains(mine, x.ID) {
				out = append(out, x.ID)
			}
		}
		return out
	}
	want := func(q string, ids ...int64) {
		t.Helper()
		if got := list(q); fmt.Sprint(got) != fmt.Sprint(ids) {
			t.Errorf("%s: got %v, want %v", q, got, ids)
		}
	}
	want(fmt.Sprintf("jobId=%d", a.ID), a.FirstAppointmentID, a.LastAppointmentID)
	want(fmt.Sprintf("ids=%d,%d", a.LastAppointmentID, b.FirstAppointmentID), a.LastAppointmentID, b.FirstAppointmentID)
	want("number="+b.JobNumber+"-1", b.FirstAppointmentID)
	want("status=Hold", b.FirstAppointmentID)
	want(url.Values{"startsOnOrAfter": {stamp(at(9))}, "startsBefore": {stamp(at(33))}}.Encode(), a.LastAppointmentID, b.FirstAppointmentID)
	want(fmt.Sprintf("technicianId=%d", e.tech), a.FirstAppointmentID)
	want(fmt.Sprintf("customerId=%d", e.otherCustomer), b.FirstAppointmentID)
	want("unused=true")
	want("projectId=3")
	want(fmt.Sprintf("jobId=%d&sort=-Id", a.ID), a.LastAppointmentID, a.FirstAppointmentID)
	var p page[apptResp]
	e.do("GET", fmt.Sprintf("/appointments?jobId=%d&pageSize=1&includeTotal=true", a.ID), nil).OK(t).JSON(t, &p)
	if !p.HasMore || p.TotalCount == nil || *p.TotalCount != 2 {
		t.Fatalf("paging: %+v", p)
	}
	e.do("GET", "/appointments?status=Paused", nil).WantError(t, 400, "")
	e.do("GET", "/appointments?sort=Start", nil).WantError(t, 400, "sort")
	e.do("GET", "/appointments?startsBefore=tomorrow", nil).WantError(t, 400, "startsBefore")
	e.do("GET", "/appointments/999999", nil).WantError(t, 404, "")
}
