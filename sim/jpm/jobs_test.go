package jpm_test

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/optional"

	"github.com/stsim/stsim/sim/simtest"
)

func TestJobCreateGet(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := start(t, backend)
		body := e.jobBody(appt(13, 15, e.tech), appt(8, 10, e.tech, e.tech2))
		body["appointments"].([]any)[1].(map[string]any)["arrivalWindowStart"] = stamp(at(8))
		body["appointments"].([]any)[1].(map[string]any)["arrivalWindowEnd"] = stamp(at(10))
		body["summary"] = "<p>No cooling</p>"
		body["customerPo"] = "PO-77"
		body["soldById"] = e.tech
		body["customFields"] = []any{map[string]any{"typeId": e.fieldType, "value": "Carrier"}}
		body["externalData"] = map[string]any{"applicationGuid": appGUID, "externalData": []any{map[string]any{"key": "seBookingId", "value": "B-1"}}}
		j := e.createJob(body)
		if j.JobStatus != "Scheduled" || j.JobNumber != strconv.FormatInt(j.ID, 10) || j.AppointmentCount != 2 {
			t.Fatalf("created job: %+v", j)
		}
		if len(j.ExternalData) != 1 || j.CustomerPO != "PO-77" || j.SoldByID == nil || *j.SoldByID != e.tech {
			t.Fatalf("created job members: %+v", j)
		}
		if len(j.CustomFields) != 1 || j.CustomFields[0]["name"] != "Equipment brand" || j.CustomFields[0]["value"] != "Carrier" {
			t.Fatalf("custom fields: %v", j.CustomFields)
		}
		if !slices.Contains(j.TagTypeIDs, e.tag) {
			t.Fatalf("the job type's tag was not applied: %v", j.TagTypeIDs)
		}
		appts := e.jobAppointments(j.ID)
		if len(appts) != 2 {
			t.Fatalf("appointments: %+v", appts)
		}
		// first/last follow the start times, not the request order.
		byStart := map[string]apptResp{}
		for _, a := range appts {
			byStart[a.Start[11:16]] = a
			if a.Status != "Scheduled" || a.CustomerID != e.customer || a.JobID != j.ID {
				t.Fatalf("appointment: %+v", a)
			}
		}
		if j.FirstAppointmentID != byStart["08:00"].ID || j.LastAppointmentID != byStart["13:00"].ID {
			t.Fatalf("first/last %d/%d, appointments %+v", j.FirstAppointmentID, j.LastAppointmentID, appts)
		}
		if byStart["13:00"].AppointmentNumber != j.JobNumber+"-1" || byStart["08:00"].AppointmentNumber != j.JobNumber+"-2" {
			t.Fatalf("appointment numbers: %+v", appts)
		}
		if byStart["08:00"].ArrivalWindowStart == nil || byStart["13:00"].ArrivalWindowStart != nil {
			t.Fatalf("arrival windows: %+v", appts)
		}

		got := e.job(j.ID)
		if len(got.ExternalData) != 0 || got.AppointmentCount != 2 {
			t.Fatalf("get without GUID: %+v", got)
		}
		var withGUID jobResp
		e.do("GET", fmt.Sprintf("/jobs/%d?externalDataApplicationGuid=%s", j.ID, appGUID), nil).OK(t).JSON(t, &withGUID)
		if len(withGUID.ExternalData) != 1 || withGUID.ExternalData[0]["value"] != "B-1" {
			t.Fatalf("get with GUID: %+v", withGUID.ExternalData)
		}
		e.do("GET", "/jobs/999999", nil).WantError(t, 404, "")

		// Assignments, history and the booked log were written.
		h := events(e.history(j.ID))
		if h[0] != "Job Booked" || len(h) != 4 || h[1] != "Technician Assigned" {
			t.Fatalf("history: %v", h)
		}
		for _, item := range e.history(j.ID) {
			if item.UsedSchedulingTool != "Manual" || item.Memo == "" || item.Date == "" {
				t.Fatalf("history item: %+v", item)
			}
		}
		var bl map[string]any
		e.do("GET", fmt.Sprintf("/jobs/%d/booked-log", j.ID), nil).OK(t).JSON(t, &bl)
		if bl["jobAppointmentId"] != float64(byStart["08:00"].ID) || bl["active"] != true {
			t.Fatalf("booked log: %v", bl)
		}
		var tj page[jobResp]
		e.do("GET", fmt.Sprintf("/jobs?technicianId=%d", e.tech2), nil).OK(t).JSON(t, &tj)
		if fmt.Sprint(jobIDs(tj)) != fmt.Sprint([]int64{j.ID}) {
			t.Fatalf("technicianId filter: %v", jobIDs(tj))
		}
	})
}

func TestJobCreateRules(t *testing.T) {
	e := start(t)
	cases := []struct {
		name   string
		mutate func(b map[string]any)
		field  string
	}{
		{"unknown customer", func(b map[string]any) { b["customerId"] = 999999 }, "customerId"},
		{"location of another customer", func(b map[string]any) { b["locationId"] = e.otherLocation }, "locationId"},
		{"unknown location", func(b map[string]any) { b["locationId"] = 999999 }, "locationId"},
		{"unknown business unit", func(b map[string]any) { b["businessUnitId"] = 999999 }, "businessUnitId"},
		{"inactive business unit", func(b map[string]any) { b["businessUnitId"] = e.inactiveBU }, "businessUnitId"},
		{"business unit not mapped to the job type", func(b map[string]any) { b["businessUnitId"] = e.otherBU }, "businessUnitId"},
		{"unknown job type", func(b map[string]any) { b["jobTypeId"] = 999999 }, "jobTypeId"},
		{"inactive job type", func(b map[string]any) { b["jobTypeId"] = e.inactiveJobType }, "jobTypeId"},
		{"unknown campaign", func(b map[string]any) { b["campaignId"] = 999999 }, "campaignId"},
		{"bad priority", func(b map[string]any) { b["priority"] = "Whenever" }, "priority"},
		{"no appointments", func(b map[string]any) { b["appointments"] = []any{} }, "appointments"},
		{"end before start", func(b map[string]any) { b["appointments"] = []any{appt(10, 8)} }, "appointments[0].end"},
		{"end equals start", func(b map[string]any) { b["appointments"] = []any{appt(8, 8)} }, "appointments[0].end"},
		{"half an arrival window", func(b map[string]any) {
			a := appt(8, 10)
			a["arrivalWindowStart"] = stamp(at(8))
			b["appointments"] = []any{a}
		}, "appointments[0].arrivalWindowEnd"},
		{"reversed arrival window", func(b map[string]any) {
			a := appt(8, 10)
			a["arrivalWindowStart"], a["arrivalWindowEnd"] = stamp(at(10)), stamp(at(8))
			b["appointments"] = []any{a}
		}, "appointments[0].arrivalWindowEnd"},
		{"arrival window elsewhere", func(b map[string]any) {
			a := appt(8, 10)
			a["arrivalWindowStart"], a["arrivalWindowEnd"] = stamp(at(14)), stamp(at(16))
			b["appointments"] = []any{appt(8, 10), a}
		}, "appointments[1].arrivalWindowStart"},
		{"inactive technician", func(b map[string]any) { b["appointments"] = []any{appt(8, 10, e.tech, e.inactiveTech)} }, "appointments[0].technicianIds[1]"},
		{"unknown technician", func(b map[string]any) { b["appointments"] = []any{appt(8, 10, 999999)} }, "appointments[0].technicianIds[0]"},
		{"unknown tag", func(b map[string]any) { b["tagTypeIds"] = []int64{999999} }, "tagTypeIds[0]"},
		{"unknown custom field", func(b map[string]any) { b["customFields"] = []any{map[string]any{"typeId": 999999, "value": "x"}} }, "customFields[0].typeId"},
		{"dropdown value not an option", func(b map[string]any) {
			b["customFields"] = []any{map[string]any{"typeId": e.dropdownType, "value": "Platinum"}}
		}, "customFields[0].value"},
		{"unknown seller", func(b map[string]any) { b["soldById"] = 999999 }, "soldById"},
		{"a project", func(b map[string]any) { b["projectId"] = 5 }, "projectId"},
		{"missing campaign (request validation)", func(b map[string]any) { delete(b, "campaignId") }, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := e.jobBody()
			tc.mutate(b)
			e.do("POST", "/jobs", b).WantError(t, 400, tc.field)
		})
	}
	// Nothing was left behind by the rejected creates.
	var p page[jobResp]
	e.do("GET", fmt.Sprintf("/jobs?customerId=%d", e.customer), nil).OK(t).JSON(t, &p)
	if len(p.Data) != 0 {
		t.Fatalf("rejected creates left %d jobs", len(p.Data))
	}
	// An unmapped job type takes any active business unit.
	b := e.jobBody()
	b["jobTypeId"], b["businessUnitId"] = e.jtBU2, e.otherBU
	e.createJob(b)
}

func TestJobListFilters(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := start(t, backend)
		a := e.createJob(e.jobBody(appt(8, 10, e.tech)))
		bb := e.jobBody(appt(13, 15), appt(32, 34, e.tech2)) // second appointment the next day
		bb["priority"] = "Urgent"
		bb["tagTypeIds"] = []int64{e.tag}
		bb["externalData"] = map[string]any{"applicationGuid": appGUID, "externalData": []any{map[string]any{"key": "seBookingId", "value": "B-2"}}}
		b := e.createJob(bb)
		cb := e.jobBody(appt(10, 12, e.tech))
		cb["customerId"], cb["locationId"], cb["priority"], cb["jobTypeId"], cb["businessUnitId"], cb["soldById"] = e.otherCustomer, e.otherLocation, "Low", e.jtBU2, e.otherBU, e.tech2
		c := e.createJob(cb)
		e.do("PUT", fmt.Sprintf("/jobs/%d/cancel", c.ID), map[string]any{"reasonId": e.cancelReason, "memo": "no"}).OK(t)
		e.do("PUT", fmt.Sprintf("/jobs/%d/complete", a.ID), map[string]any{"completedOn": stamp(at(10))}).OK(t)

		list := func(q string) []int64 {
			t.Helper()
			var p page[jobResp]
			e.do("GET", "/jobs?"+q, nil).OK(t).JSON(t, &p)
			var out []int64
			for _, j := range p.Data {
				if slices.Contains([]int64{a.ID, b.ID, c.ID}, j.ID) { // ignore the seeded demo jobs
					out = append(out, j.ID)
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
		none := []int64(nil)
		want(fmt.Sprintf("ids=%d,%d", a.ID, c.ID), a.ID, c.ID)
		want("number="+b.JobNumber, b.ID)
		want("jobStatus=Canceled", c.ID)
		want("jobStatus=Completed", a.ID)
		want("jobStatus=Scheduled", b.ID)
		want("appointmentStatus=Done", a.ID)
		want("appointmentStatus=Canceled", c.ID)
		want("priority=Urgent", b.ID)
		want("priority=low", c.ID)
		want(fmt.Sprintf("customerId=%d", e.customer), a.ID, b.ID)
		want(fmt.Sprintf("locationId=%d", e.otherLocation), c.ID)
		want(fmt.Sprintf("technicianId=%d", e.tech2), b.ID)
		want(fmt.Sprintf("technicianId=%d", e.tech), a.ID, c.ID)
		want(fmt.Sprintf("technicianId=%d", e.inactiveTech), none...)
		want(fmt.Sprintf("jobTypeId=%d", e.jtBU2), c.ID)
		want(fmt.Sprintf("businessUnitId=%d", e.bu), a.ID, b.ID)
		want(fmt.Sprintf("campaignId=%d", e.campaign), a.ID, b.ID, c.ID)
		want(fmt.Sprintf("soldById=%d", e.tech2), c.ID)
		want("invoiceId=0", a.ID, b.ID, c.ID)
		want("invoiceId=5", none...)
		want("bookingId=5", none...)
		want("projectId=1", none...)
		want(fmt.Sprintf("tagTypeIds=%d,999", e.tag), a.ID, b.ID) // a has the job type's tag
		want(url.Values{"firstAppointmentStartsOnOrAfter": {stamp(at(9))}, "firstAppointmentStartsBefore": {stamp(at(14))}}.Encode(), b.ID, c.ID)
		want(url.Values{"firstAppointmentStartsOnOrAfter": {stamp(at(24))}}.Encode(), none...)
		want(url.Values{"appointmentStartsOnOrAfter": {stamp(at(24))}}.Encode(), b.ID)
		want(url.Values{"appointmentStartsBefore": {stamp(at(9))}}.Encode(), a.ID)
		want(url.Values{"completedOnOrAfter": {stamp(at(10))}, "completedBefore": {stamp(at(11))}}.Encode(), a.ID)
		want(url.Values{"completedBefore": {stamp(at(10))}}.Encode(), none...)
		want(url.Values{"externalDataApplicationGuid": {appGUID}, "externalDataKey": {"seBookingId"}, "externalDataValues": {"B-2,B-9"}}.Encode(), b.ID)
		want("hasUnusedAppointments=false", a.ID, b.ID, c.ID)
		want("sort=-Priority", b.ID, a.ID, c.ID)
		want("sort=+Priority", c.ID, a.ID, b.ID)
		want("sort=-Id", c.ID, b.ID, a.ID)
		want(fmt.Sprintf("createdOnOrAfter=%s", url.QueryEscape(stamp(e.srv.Clock.Now()))), a.ID, b.ID, c.ID)

		// Paging with a total, and the priority sort across pages.
		var p page[jobResp]
		e.do("GET", fmt.Sprintf("/jobs?customerId=%d&pageSize=1&includeTotal=true&sort=-Priority", e.customer), nil).OK(t).JSON(t, &p)
		if p.TotalCount == nil || *p.TotalCount != 2 || !p.HasMore || len(p.Data) != 1 || p.Data[0].ID != b.ID {
			t.Fatalf("paged priority sort: %+v", p)
		}
		e.do("GET", fmt.Sprintf("/jobs?customerId=%d&pageSize=1&page=2&sort=-Priority", e.customer), nil).OK(t).JSON(t, &p)
		if p.HasMore || len(p.Data) != 1 || p.Data[0].ID != a.ID {
			t.Fatalf("page 2: %+v", p)
		}

		for q, field := range map[string]string{
			"jobStatus=Done":                    "jobStatus",
			"appointmentStatus=Completed":       "appointmentStatus",
			"priority=Meh":                      "priority",
			"technicianId=x":                    "technicianId",
			"hasUnusedAppointments=maybe":       "hasUnusedAppointments",
			"completedBefore=yesterday":         "completedBefore",
			"tagTypeIds=a,b":                    "tagTypeIds",
			"externalDataKey=k":                 "externalDataApplicationGuid",
			"sort=Name":                         "sort",
			"firstAppointmentStartsBefore=soon": "firstAppointmentStartsBefore",
		} {
			e.do("GET", "/jobs?"+q, nil).WantError(t, 400, field)
		}
	})
}

func TestJobUpdate(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := start(t, backend)
		body := e.jobBody()
		body["customFields"] = []any{map[string]any{"typeId": e.fieldType, "value": "Carrier"}}
		body["externalData"] = map[string]any{"applicationGuid": appGUID, "externalData": []any{map[string]any{"key": "a", "value": "1"}}}
		j := e.createJob(body)
		e.advance(time.Minute)
		var u jobResp
		e.do("PATCH", fmt.Sprintf("/jobs/%d", j.ID), map[string]any{
			"customerId": e.otherCustomer, "locationId": e.otherLocation, "priority": "High", "summary": "updated",
			"tagTypeIds": []int64{}, "customFields": []any{map[string]any{"typeId": e.dropdownType, "value": "Gold"}},
			"customerPo": "PO-9", "soldById": e.employee,
			"externalData": map[string]any{"applicationGuid": appGUID, "patchMode": "Merge", "externalData": []any{map[string]any{"key": "b", "value": "2"}}},
		}).OK(t).JSON(t, &u)
		if u.CustomerID != e.otherCustomer || u.LocationID != e.otherLocation || u.Priority != "High" || optional.Value(u.Summary) != "updated" ||
			len(u.TagTypeIDs) != 0 || u.CustomerPO != "PO-9" || u.SoldByID == nil || *u.SoldByID != e.employee || u.ModifiedOn == j.ModifiedOn {
			t.Fatalf("patched: %+v", u)
		}
		if len(u.CustomFields) != 1 || u.CustomFields[0]["value"] != "Gold" || len(u.ExternalData) != 2 {
			t.Fatalf("custom fields replaced, external data merged: %+v", u)
		}
		if a := e.appointment(u.FirstAppointmentID); a.CustomerID != e.otherCustomer {
			t.Fatalf("the appointment did not move to the new customer: %+v", a)
		}
		if h := events(e.history(j.ID)); h[len(h)-1] != "Job Updated" {
			t.Fatalf("history: %v", h)
		}
		// null clears soldById; an absent member changes nothing.
		e.do("PATCH", fmt.Sprintf("/jobs/%d", j.ID), map[string]any{"soldById": nil}).OK(t).JSON(t, &u)
		if u.SoldByID != nil || u.Priority != "High" {
			t.Fatalf("null soldById: %+v", u)
		}
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"locationId": e.location}, "locationId"}, // the old customer's location
			{map[string]any{"customerId": e.customer}, "locationId"},
			{map[string]any{"businessUnitId": e.inactiveBU}, "businessUnitId"},
			{map[string]any{"businessUnitId": e.otherBU}, "businessUnitId"}, // not mapped to the job type
			{map[string]any{"jobTypeId": e.inactiveJobType}, "jobTypeId"},
			{map[string]any{"campaignId": 999999}, "campaignId"},
			{map[string]any{"priority": "Soon"}, "priority"},
			{map[string]any{"tagTypeIds": []int64{999999}}, "tagTypeIds[0]"},
			{map[string]any{"soldById": 999999}, "soldById"},
		} {
			e.do("PATCH", fmt.Sprintf("/jobs/%d", j.ID), tc.body).WantError(t, 400, tc.field)
		}
		e.do("PATCH", "/jobs/999999", map[string]any{"priority": "Low"}).WantError(t, 404, "")
	})
}
