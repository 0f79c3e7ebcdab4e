package jpm_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/jpm"
	"github.com/stsim/stsim/sim/simtest"
)

func TestJobTypes(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := start(t, backend)
		var jt jobTypeResp
		e.do("POST", "/job-types", map[string]any{
			"name": "Test Boiler Service", "businessUnitIds": []int64{e.bu, e.otherBU}, "skills": []string{"HVAC", "Boilers"},
			"duration": 10800, "priority": "high", "class": "Service", "summary": "Boiler check",
			"externalData": map[string]any{"applicationGuid": appGUID, "externalData": []any{map[string]any{"key": "k", "value": "v"}}},
		}).OK(t).JSON(t, &jt)
		if jt.Priority != "High" || jt.Duration != 10800 || !jt.Active || len(jt.BusinessUnitIDs) != 2 || len(jt.ExternalData) != 1 {
			t.Fatalf("created: %+v", jt)
		}
		var defaults jobTypeResp
		e.do("POST", "/job-types", map[string]any{"name": "Test Minimal"}).OK(t).JSON(t, &defaults)
		if defaults.Priority != "Normal" || defaults.Duration != jpm.DefaultJobTypeDuration || defaults.Skills == nil || defaults.BusinessUnitIDs == nil {
			t.Fatalf("defaults: %+v", defaults)
		}
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"name": " "}, "name"},
			{map[string]any{"name": "test boiler service"}, "name"},
			{map[string]any{"name": "X1", "businessUnitIds": []int64{999999}}, "businessUnitIds[0]"},
			{map[string]any{"name": "X2", "tagTypeIds": []int64{999999}}, "tagTypeIds[0]"},
			{map[string]any{"name": "X3", "priority": "Soon"}, "priority"},
			{map[string]any{"name": "X4", "duration": -5}, "duration"},
			{map[string]any{"name": "X5", "skills": []string{""}}, "skills[0]"},
		} {
			e.do("POST", "/job-types", tc.body).WantError(t, 400, tc.field)
		}

		var got jobTypeResp
		e.do("GET", fmt.Sprintf("/job-types/%d", jt.ID), nil).OK(t).JSON(t, &got)
		if got.Name != "Test Boiler Service" || len(got.ExternalData) != 0 {
			t.Fatalf("get: %+v", got)
		}
		e.do("GET", fmt.Sprintf("/job-types/%d?externalDataApplicationGuid=%s", jt.ID, appGUID), nil).OK(t).JSON(t, &got)
		if len(got.ExternalData) != 1 {
			t.Fatalf("get with GUID: %+v", got)
		}
		e.do("GET", "/job-types/999999", nil).WantError(t, 404, "")

		e.advance(time.Minute)
		e.do("PATCH", fmt.Sprintf("/job-types/%d", jt.ID), map[string]any{"duration": 9000, "skills": []string{"HVAC"}, "name": "Test Boiler Tune"}).OK(t).JSON(t, &got)
		if got.Duration != 9000 || len(got.Skills) != 1 || got.Name != "Test Boiler Tune" || got.Priority != "High" {
			t.Fatalf("patched: %+v", got)
		}
		e.do("PATCH", fmt.Sprintf("/job-types/%d", jt.ID), map[string]any{"name": "Test Minimal"}).WantError(t, 400, "name")
		e.do("PATCH", fmt.Sprintf("/job-types/%d", jt.ID), map[string]any{"businessUnitIds": []int64{999999}}).WantError(t, 400, "businessUnitIds[0]")
		e.do("PATCH", "/job-types/999999", map[string]any{"duration": 1}).WantError(t, 404, "")

		list := func(q string) []int64 {
			t.Helper()
			var p page[jobTypeResp]
			e.do("GET", "/job-types?pageSize=500&"+q, nil).OK(t).JSON(t, &p)
			return ids(p.Data, func(j jobTypeResp) int64 { return j.ID })
		}
		if got := list("name=boiler"); fmt.Sprint(got) != fmt.Sprint([]int64{jt.ID}) {
			t.Errorf("name: %v", got)
		}
		if got := list("name=test&minDuration=8000&maxDuration=9000"); fmt.Sprint(got) != fmt.Sprint([]int64{jt.ID}) {
			t.Errorf("durations: %v", got)
		}
		if got := list("name=test&priority=High"); fmt.Sprint(got) != fmt.Sprint([]int64{jt.ID}) {
			t.Errorf("priority: %v", got)
		}
		if got := list("name=test%20retired"); len(got) != 0 {
			t.Errorf("inactive job types are hidden by default: %v", got)
		}
		if got := list("name=test%20retired&active=False"); fmt.Sprint(got) != fmt.Sprint([]int64{e.inactiveJobType}) {
			t.Errorf("active=False: %v", got)
		}
		if got := list(fmt.Sprintf("ids=%d,%d&orderBy=id&orderByDirection=desc", e.jobType, jt.ID)); fmt.Sprint(got) != fmt.Sprint([]int64{jt.ID, e.jobType}) {
			t.Errorf("ids + orderBy desc: %v", got)
		}
		if got := list(fmt.Sprintf("ids=%d,%d&orderBy=modifiedOn&orderByDirection=ascending", e.jobType, jt.ID)); fmt.Sprint(got) != fmt.Sprint([]int64{e.jobType, jt.ID}) {
			t.Errorf("orderBy modifiedOn: %v", got)
		}
		e.do("GET", "/job-types?orderBy=name", nil).WantError(t, 400, "orderBy")
		e.do("GET", "/job-types?orderByDirection=up", nil).WantError(t, 400, "orderByDirection")
		e.do("GET", "/job-types?active=Maybe", nil).WantError(t, 400, "")
	})
}

func TestReasonsAndCustomFields(t *testing.T) {
	e := start(t)
	for _, path := range []string{"/job-cancel-reasons", "/job-hold-reasons"} {
		var all, active, inactive page[map[string]any]
		e.do("GET", path, nil).OK(t).JSON(t, &all)
		e.do("GET", path+"?active=True", nil).OK(t).JSON(t, &active)
		e.do("GET", path+"?active=False", nil).OK(t).JSON(t, &inactive)
		if len(all.Data) == 0 || len(inactive.Data) != 1 || len(active.Data)+len(inactive.Data) != len(all.Data) {
			t.Fatalf("%s: default Any %d, True %d, False %d", path, len(all.Data), len(active.Data), len(inactive.Data))
		}
		var sorted page[map[string]any]
		e.do("GET", path+"?sort=-Id&pageSize=1&includeTotal=true", nil).OK(t).JSON(t, &sorted)
		if sorted.TotalCount == nil || *sorted.TotalCount != len(all.Data) || sorted.Data[0]["id"] != all.Data[len(all.Data)-1]["id"] {
			t.Fatalf("%s sorted: %+v", path, sorted)
		}
	}
	var fields page[map[string]any]
	e.do("GET", "/jobs/custom-fields", nil).OK(t).JSON(t, &fields)
	if len(fields.Data) != 3 {
		t.Fatalf("custom field types: %+v", fields.Data)
	}
	for _, f := range fields.Data {
		if (f["dataType"] == "Dropdown") != (f["dataTypeOptions"] != nil) {
			t.Fatalf("options only for a dropdown: %v", f)
		}
	}
	e.do("GET", "/jobs/custom-fields?page=0", nil).WantError(t, 400, "page")
}

func TestNotesMessagesLogs(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := start(t, backend)
		j := e.createJob(e.jobBody())
		p := fmt.Sprintf("/jobs/%d", j.ID)
		var n map[string]any
		e.do("POST", p+"/notes", map[string]any{"text": "Customer prefers mornings", "pinToTop": true}).OK(t).JSON(t, &n)
		if n["text"] != "Customer prefers mornings" || n["isPinned"] != true {
			t.Fatalf("note: %v", n)
		}
		e.do("POST", p+"/notes", map[string]any{"text": "Second"}).OK(t)
		e.do("POST", p+"/notes", map[string]any{"text": "  "}).WantError(t, 400, "text")
		e.do("POST", "/jobs/999999/notes", map[string]any{"text": "x"}).WantError(t, 404, "")
		var notes page[map[string]any]
		e.do("GET", p+"/notes?pageSize=1&includeTotal=true", nil).OK(t).JSON(t, &notes)
		if len(notes.Data) != 1 || !notes.HasMore || *notes.TotalCount != 2 || notes.Data[0]["text"] != "Customer prefers mornings" {
			t.Fatalf("notes: %+v", notes)
		}
		e.do("GET", "/jobs/999999/notes", nil).WantError(t, 404, "")

		var m map[string]any
		e.do("POST", p+"/messages", map[string]any{"body": "Please call ahead", "createdByEmployeeId": e.employee, "recipientIds": []int64{e.tech}}).OK(t).JSON(t, &m)
		first, ok := m["id"].(float64)
		if !ok || first == 0 {
			t.Fatalf("message: %v", m)
		}
		e.do("POST", p+"/messages", map[string]any{"body": "Will do", "createdByEmployeeId": e.tech, "parentMessageId": int64(first), "addParentMessageSenderToRecipients": true}).OK(t)
		e.do("POST", p+"/messages", map[string]any{"body": "x", "createdByEmployeeId": 999999}).WantError(t, 400, "createdByEmployeeId")
		e.do("POST", p+"/messages", map[string]any{"body": "x", "createdByEmployeeId": e.employee, "recipientIds": []int64{999999}}).WantError(t, 400, "recipientIds[0]")
		e.do("POST", p+"/messages", map[string]any{"body": "x", "createdByEmployeeId": e.employee, "parentMessageId": 999999}).WantError(t, 400, "parentMessageId")
		e.do("POST", p+"/messages", map[string]any{"body": " ", "createdByEmployeeId": e.employee}).WantError(t, 400, "body")
		e.do("POST", "/jobs/999999/messages", map[string]any{"body": "x", "createdByEmployeeId": e.employee}).WantError(t, 404, "")

		var logs page[map[string]any]
		e.do("GET", p+"/canceled-log", nil).OK(t).JSON(t, &logs)
		if len(logs.Data) != 0 {
			t.Fatalf("canceled log of a job never canceled: %v", logs.Data)
		}
		e.do("GET", "/jobs/999999/canceled-log", nil).WantError(t, 404, "")
		e.do("GET", "/jobs/999999/booked-log", nil).WantError(t, 404, "")
		e.do("GET", "/jobs/999999/history", nil).WantError(t, 404, "")
	})
}
