package jpm_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/simtest"
)

type projectResp struct {
	ID                   int64            `json:"id"`
	Number               string           `json:"number"`
	Name                 *string          `json:"name"`
	Status               *string          `json:"status"`
	StatusID             *int64           `json:"statusId"`
	SubStatus            *string          `json:"subStatus"`
	SubStatusID          *int64           `json:"subStatusId"`
	CustomerID           int64            `json:"customerId"`
	LocationID           int64            `json:"locationId"`
	ProjectTypeID        *int64           `json:"projectTypeId"`
	ProjectManagerIDs    []int64          `json:"projectManagerIds"`
	BusinessUnitIDs      []int64          `json:"businessUnitIds"`
	StartDate            *string          `json:"startDate"`
	TargetCompletionDate *string          `json:"targetCompletionDate"`
	CustomFields         []map[string]any `json:"customFields"`
	ExternalData         []map[string]any `json:"externalData"`
	JobIDs               []int64          `json:"jobIds"`
	ModifiedOn           string           `json:"modifiedOn"`
	Active               *bool            `json:"active"`
}

type named struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	StatusID int64  `json:"statusId"`
	Order    int    `json:"order"`
	Active   bool   `json:"active"`
}

// refID finds a seeded reference record (status, substatus, type, custom
// field type) by name in a list.
func (e *env) refID(path, name string) int64 {
	e.t.Helper()
	var p page[named]
	e.do("GET", path+"?pageSize=100&active=Any", nil).OK(e.t).JSON(e.t, &p)
	for _, r := range p.Data {
		if r.Name == name {
			return r.ID
		}
	}
	e.t.Fatalf("%s has no %q", path, name)
	return 0
}

func (e *env) project(id int64) projectResp {
	e.t.Helper()
	var p projectResp
	e.do("GET", fmt.Sprintf("/projects/%d", id), nil).OK(e.t).JSON(e.t, &p)
	return p
}

func namesOf(rs []named) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

func projectIDs(p page[projectResp]) []int64 {
	return ids(p.Data, func(r projectResp) int64 { return r.ID })
}

func TestProjectReferenceLists(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := start(t, backend)
		var statuses page[named]
		e.do("GET", "/project-statuses?sort=-Order", nil).OK(t).JSON(t, &statuses)
		if got := fmt.Sprint(namesOf(statuses.Data)); got != "[Completed On Hold In Progress Not Started]" {
			t.Fatalf("statuses by -Order: %s", got)
		}
		inProgress := e.refID("/project-statuses", "In Progress")
		var one named
		e.do("GET", fmt.Sprintf("/project-statuses/%d", inProgress), nil).OK(t).JSON(t, &one)
		if one.Name != "In Progress" || one.Order != 2 {
			t.Fatalf("status: %+v", one)
		}
		e.do("GET", "/project-statuses?name=on%20hold", nil).OK(t).JSON(t, &statuses)
		if len(statuses.Data) != 1 || statuses.Data[0].Name != "On Hold" {
			t.Fatalf("name filter: %+v", statuses.Data)
		}

		var subs page[named]
		e.do("GET", fmt.Sprintf("/project-substatuses?statusId=%d&sort=-Name", inProgress), nil).OK(t).JSON(t, &subs)
		if got := fmt.Sprint(namesOf(subs.Data)); got != "[Materials Ordered Installation Awaiting Permit]" {
			t.Fatalf("substatuses of In Progress by -Name: %s", got)
		}
		e.do("GET", "/project-substatuses?active=False", nil).OK(t).JSON(t, &subs)
		if len(subs.Data) != 1 || subs.Data[0].Name != "Financing" || subs.Data[0].Active {
			t.Fatalf("inactive substatuses: %+v", subs.Data)
		}
		e.do("GET", fmt.Sprintf("/project-substatuses/%d", subs.Data[0].ID), nil).OK(t)

		var types page[struct {
			ID          int64  `json:"id"`
			Name        string `json:"name"`
			Description string `json:"description"`
		}]
		e.do("GET", "/project-types?pageSize=2&includeTotal=true", nil).OK(t).JSON(t, &types)
		if len(types.Data) != 2 || !types.HasMore || *types.TotalCount != 3 || types.Data[0].Description == "" {
			t.Fatalf("project types: %+v", types)
		}
		e.do("GET", fmt.Sprintf("/project-types/%d", types.Data[0].ID), nil).OK(t)

		var fields page[named]
		e.do("GET", "/projects/custom-fields", nil).OK(t).JSON(t, &fields)
		if got := fmt.Sprint(namesOf(fields.Data)); got != "[Permit Number Financing]" {
			t.Fatalf("project custom fields: %s", got)
		}

		e.do("GET", "/project-statuses/999999", nil).WantError(t, 404, "")
		e.do("GET", "/project-substatuses/999999", nil).WantError(t, 404, "")
		e.do("GET", "/project-types/999999", nil).WantError(t, 404, "")
		e.do("GET", "/project-statuses?sort=Color", nil).WantError(t, 400, "sort")
		e.do("GET", "/project-substatuses?statusId=x", nil).WantError(t, 400, "statusId")
		e.do("GET", "/projects/custom-fields?page=0", nil).WantError(t, 400, "page")
	})
}

func TestProjectsAndTheirJobs(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := start(t, backend)
		inProgress, onHold := e.refID("/project-statuses", "In Progress"), e.refID("/project-statuses", "On Hold")
		notStarted := e.refID("/project-statuses", "Not Started")
		installation := e.refID("/project-substatuses", "Installation")
		retired := e.refID("/project-substatuses", "Financing")
		remodel := e.refID("/project-types", "Remodel")
		permit, financing := e.refID("/projects/custom-fields", "Permit Number"), e.refID("/projects/custom-fields", "Financing")

		// Create: the customer comes from the location; the first status applies.
		var p projectResp
		e.do("POST", "/projects", map[string]any{
			"locationId": e.location, "name": "Basement remodel", "projectTypeId": remodel,
			"projectManagerIds": []int64{e.employee}, "businessUnitIds": []int64{e.bu},
			"startDate": stamp(at(0)), "targetCompletionDate": stamp(at(24 * 30)),
			"customFields": []map[string]any{{"typeId": permit, "value": "BP-1"}},
			"externalData": map[string]any{"applicationGuid": appGUID, "externalData": []map[string]string{{"key": "k", "value": "v"}}},
		}).OK(t).JSON(t, &p)
		if p.CustomerID != e.customer || p.Number != fmt.Sprint(p.ID) || *p.StatusID != notStarted || *p.Status != "Not Started" ||
			p.SubStatusID != nil || *p.ProjectTypeID != remodel || len(p.CustomFields) != 1 || len(p.ExternalData) != 1 || len(p.JobIDs) != 0 {
			t.Fatalf("created project: %+v", p)
		}
		if got := e.project(p.ID); len(got.ExternalData) != 0 || *got.Name != "Basement remodel" {
			t.Fatalf("get without externalDataApplicationGuid: %+v", got)
		}

		// Jobs: booked into the project, attached, detached.
		body := e.jobBody()
		body["projectId"] = p.ID
		booked := e.createJob(body)
		if booked.ProjectID == nil || *booked.ProjectID != p.ID {
			t.Fatalf("job booked into the project: %+v", booked)
		}
		loose := e.createJob(e.jobBody())
		e.do("POST", fmt.Sprintf("/projects/%d/attach-job/%d", p.ID, loose.ID), nil).OK(t)
		e.do("POST", fmt.Sprintf("/projects/%d/attach-job/%d", p.ID, loose.ID), nil).OK(t) // again: no change
		if got := e.project(p.ID).JobIDs; !slices.Equal(got, []int64{booked.ID, loose.ID}) {
			t.Fatalf("jobIds after attach: %v", got)
		}
		if j := e.job(loose.ID); j.ProjectID == nil || *j.ProjectID != p.ID {
			t.Fatalf("attached job's projectId: %v", j.ProjectID)
		}
		var jobs page[jobResp]
		e.do("GET", fmt.Sprintf("/jobs?projectId=%d", p.ID), nil).OK(t).JSON(t, &jobs)
		if got := jobIDs(jobs); !slices.Equal(got, []int64{booked.ID, loose.ID}) {
			t.Fatalf("jobs?projectId: %v", got)
		}
		var appts page[apptResp]
		e.do("GET", fmt.Sprintf("/appointments?projectId=%d", p.ID), nil).OK(t).JSON(t, &appts)
		if len(appts.Data) != 2 {
			t.Fatalf("appointments?projectId: %+v", appts.Data)
		}
		var found page[projectResp]
		e.do("GET", fmt.Sprintf("/projects?appointmentId=%d", appts.Data[0].ID), nil).OK(t).JSON(t, &found)
		if !slices.Equal(projectIDs(found), []int64{p.ID}) {
			t.Fatalf("projects?appointmentId: %v", projectIDs(found))
		}
		e.do("GET", fmt.Sprintf("/projects?technicianId=%d&jobId=%d", e.tech, loose.ID), nil).OK(t).JSON(t, &found)
		if !slices.Equal(projectIDs(found), []int64{p.ID}) {
			t.Fatalf("projects?technicianId&jobId: %v", projectIDs(found))
		}

		e.do("POST", fmt.Sprintf("/projects/detach-job/%d", loose.ID), nil).OK(t)
		e.do("POST", fmt.Sprintf("/projects/detach-job/%d", loose.ID), nil).OK(t) // in no project: no change
		if got := e.project(p.ID).JobIDs; !slices.Equal(got, []int64{booked.ID}) {
			t.Fatalf("jobIds after detach: %v", got)
		}
		if j := e.job(loose.ID); j.ProjectID != nil {
			t.Fatalf("detached job keeps projectId %d", *j.ProjectID)
		}

		// Another customer's project cannot take this customer's job, and a
		// job belongs to one project at a time.
		var other projectResp
		e.do("POST", "/projects", map[string]any{"locationId": e.otherLocation, "customerId": e.otherCustomer}).OK(t).JSON(t, &other)
		e.do("POST", fmt.Sprintf("/projects/%d/attach-job/%d", other.ID, loose.ID), nil).WantError(t, 400, "jobId")
		var second projectResp
		e.do("POST", "/projects", map[string]any{"locationId": e.location}).OK(t).JSON(t, &second)
		e.do("POST", fmt.Sprintf("/projects/%d/attach-job/%d", second.ID, booked.ID), nil).WantError(t, 400, "jobId")
		e.do("POST", fmt.Sprintf("/projects/999999/attach-job/%d", loose.ID), nil).WantError(t, 400, "id")
		e.do("POST", fmt.Sprintf("/projects/%d/attach-job/999999", p.ID), nil).WantError(t, 400, "jobId")
		e.do("POST", "/projects/detach-job/999999", nil).WantError(t, 400, "jobId")

		// Update: status and substatus, jobIds as the whole list.
		e.advance(time.Minute)
		var up projectResp
		e.do("PATCH", fmt.Sprintf("/projects/%d", p.ID), map[string]any{
			"subStatusId": installation, "jobIds": []int64{loose.ID}, "name": "Basement remodel, phase 1",
			"customFields": []map[string]any{{"typeId": financing, "value": "Third party"}},
		}).OK(t).JSON(t, &up)
		if *up.StatusID != inProgress || *up.SubStatusID != installation || *up.SubStatus != "Installation" ||
			!slices.Equal(up.JobIDs, []int64{loose.ID}) || *up.Name != "Basement remodel, phase 1" || up.ModifiedOn == p.ModifiedOn {
			t.Fatalf("updated project: %+v", up)
		}
		if j := e.job(booked.ID); j.ProjectID != nil {
			t.Fatalf("a job left out of jobIds keeps projectId %d", *j.ProjectID)
		}
		e.do("PATCH", fmt.Sprintf("/projects/%d", p.ID), map[string]any{"statusId": onHold}).OK(t).JSON(t, &up)
		if *up.StatusID != onHold || up.SubStatusID != nil {
			t.Fatalf("a new status keeps the old substatus: %+v", up)
		}
		e.do("GET", fmt.Sprintf("/projects?status=on%%20hold,None&projectManagerIds=%d&businessUnitIds=%d&customerId=%d", e.employee, e.bu, e.customer), nil).OK(t).JSON(t, &found)
		if !slices.Equal(projectIDs(found), []int64{p.ID}) {
			t.Fatalf("projects by status, managers, business units: %v", projectIDs(found))
		}
		e.do("GET", fmt.Sprintf("/projects?customerId=%d&sort=-Name", e.customer), nil).OK(t).JSON(t, &found)
		if !slices.Equal(projectIDs(found), []int64{p.ID, second.ID}) {
			t.Fatalf("projects sorted by -Name: %v", projectIDs(found))
		}
		e.do("GET", fmt.Sprintf("/projects?startsOnOrAfter=%s&locationId=%d", stamp(at(-1)), e.location), nil).OK(t).JSON(t, &found)
		if !slices.Equal(projectIDs(found), []int64{p.ID}) {
			t.Fatalf("projects?startsOnOrAfter: %v", projectIDs(found))
		}

		// Bad references and dates are 400s naming the member.
		e.do("POST", "/projects", map[string]any{"locationId": 999999}).WantError(t, 400, "locationId")
		e.do("POST", "/projects", map[string]any{"locationId": e.location, "customerId": e.otherCustomer}).WantError(t, 400, "locationId")
		e.do("POST", "/projects", map[string]any{"locationId": e.location, "statusId": 999999}).WantError(t, 400, "statusId")
		e.do("POST", "/projects", map[string]any{"locationId": e.location, "projectTypeId": 999999}).WantError(t, 400, "projectTypeId")
		e.do("POST", "/projects", map[string]any{"locationId": e.location, "projectManagerIds": []int64{999999}}).WantError(t, 400, "projectManagerIds[0]")
		e.do("POST", "/projects", map[string]any{"locationId": e.location, "statusId": notStarted, "subStatusId": installation}).WantError(t, 400, "subStatusId")
		e.do("POST", "/projects", map[string]any{"locationId": e.location, "subStatusId": retired}).WantError(t, 400, "subStatusId")
		e.do("POST", "/projects", map[string]any{"locationId": e.location, "startDate": stamp(at(10)), "targetCompletionDate": stamp(at(9))}).WantError(t, 400, "targetCompletionDate")
		e.do("POST", "/projects", map[string]any{"locationId": e.location, "customFields": []map[string]any{{"typeId": financing, "value": "Cash"}}}).WantError(t, 400, "customFields[0].value")
		e.do("POST", "/projects", map[string]any{"name": "no location"}).WantError(t, 400, "locationId")
		e.do("PATCH", "/projects/999999", map[string]any{"name": "x"}).WantError(t, 404, "")
		e.do("PATCH", fmt.Sprintf("/projects/%d", p.ID), map[string]any{"jobIds": []int64{999999}}).WantError(t, 400, "jobIds[0]")
		e.do("GET", "/projects/999999", nil).WantError(t, 404, "")
		e.do("GET", "/projects?sort=Budget", nil).WantError(t, 400, "sort")
		e.do("GET", "/projects?jobId=abc", nil).WantError(t, 400, "jobId")
		body["projectId"] = 999999
		e.do("POST", "/jobs", body).WantError(t, 400, "projectId")
	})
}

func TestProjectNotesMessagesAndExports(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := start(t, backend)
		var p projectResp
		e.do("POST", "/projects", map[string]any{"locationId": e.location}).OK(t).JSON(t, &p)
		notes := fmt.Sprintf("/projects/%d/notes", p.ID)
		var n struct {
			Text     string `json:"text"`
			IsPinned bool   `json:"isPinned"`
		}
		e.do("POST", notes, map[string]any{"text": "Walkthrough done", "pinToTop": true}).OK(t).JSON(t, &n)
		if n.Text != "Walkthrough done" || !n.IsPinned {
			t.Fatalf("note: %+v", n)
		}
		e.do("POST", notes, map[string]any{"text": "Second"}).OK(t)
		var np page[map[string]any]
		e.do("GET", notes+"?pageSize=1&includeTotal=true", nil).OK(t).JSON(t, &np)
		if len(np.Data) != 1 || *np.TotalCount != 2 || np.Data[0]["text"] != "Walkthrough done" {
			t.Fatalf("notes: %+v", np)
		}
		e.do("POST", notes, map[string]any{"text": ""}).WantError(t, 400, "text")
		e.do("GET", "/projects/999999/notes", nil).WantError(t, 404, "")

		var m struct {
			ID int64 `json:"id"`
		}
		e.do("POST", fmt.Sprintf("/projects/%d/messages", p.ID), map[string]any{"body": "Permit approved", "createdByEmployeeId": e.employee, "recipientIds": []int64{e.tech}}).OK(t).JSON(t, &m)
		if m.ID == 0 {
			t.Fatal("message without id")
		}
		e.do("POST", fmt.Sprintf("/projects/%d/messages", p.ID), map[string]any{"body": "Reply", "createdByEmployeeId": e.tech, "parentMessageId": m.ID}).OK(t)
		e.do("POST", fmt.Sprintf("/projects/%d/messages", p.ID), map[string]any{"body": "x", "createdByEmployeeId": 999999}).WantError(t, 400, "createdByEmployeeId")
		e.do("POST", fmt.Sprintf("/projects/%d/messages", p.ID), map[string]any{"body": "x", "createdByEmployeeId": e.employee, "parentMessageId": 999999}).WantError(t, 400, "parentMessageId")

		// Both feeds carry the changes, with includeRecentChanges or after 15 minutes.
		var feed struct {
			Data []struct {
				ID        int64   `json:"id"`
				ProjectID int64   `json:"projectId"`
				JobIDs    []int64 `json:"jobIds"`
				Active    bool    `json:"active"`
			} `json:"data"`
			ContinueFrom string `json:"continueFrom"`
		}
		e.do("GET", "/export/projects?includeRecentChanges=true", nil).OK(t).JSON(t, &feed)
		if last := feed.Data[len(feed.Data)-1]; last.ID != p.ID || !last.Active || last.JobIDs == nil {
			t.Fatalf("project feed ends with %+v", last)
		}
		e.do("GET", "/export/project-notes", nil).OK(t).JSON(t, &feed)
		if len(feed.Data) != 0 {
			t.Fatalf("notes visible before 15 minutes: %+v", feed.Data)
		}
		e.advance(16 * time.Minute)
		e.do("GET", "/export/project-notes?from="+feed.ContinueFrom, nil).OK(t).JSON(t, &feed)
		mine := 0
		for _, n := range feed.Data {
			if n.ProjectID == p.ID {
				mine++
			}
		}
		if mine != 2 {
			t.Fatalf("note feed has %d of the project's 2 notes: %+v", mine, feed.Data)
		}
		e.do("GET", "/export/projects?from=nonsense", nil).WantError(t, 400, "from")
	})
}

// TestDemoProject: the demo tenant has a project with its jobs attached.
func TestDemoProject(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := start(t, backend)
		var found page[projectResp]
		e.do("GET", "/projects?status=In%20Progress", nil).OK(t).JSON(t, &found)
		if len(found.Data) != 1 || len(found.Data[0].JobIDs) < 2 || *found.Data[0].SubStatus != "Materials Ordered" {
			t.Fatalf("demo projects: %+v", found.Data)
		}
		p := found.Data[0]
		for _, id := range p.JobIDs {
			if j := e.job(id); j.ProjectID == nil || *j.ProjectID != p.ID || j.LocationID != p.LocationID {
				t.Fatalf("demo project job %d: %+v", id, j)
			}
		}
	})
}
