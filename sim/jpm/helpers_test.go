package jpm_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/jpm"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/simtest"
)

const appGUID = "5b1e7a40-2222-4c2b-9a7e-00000000000a"

// env is a test server with reference records of the test's own, so the
// tests do not depend on what the other modules seed.
type env struct {
	t   *testing.T
	srv *simtest.Server
	tok string

	bu, otherBU, inactiveBU         int64
	tech, tech2, inactiveTech       int64
	campaign, tag, employee         int64
	jobType, inactiveJobType, jtBU2 int64
	customer, location              int64
	otherCustomer, otherLocation    int64
	cancelReason, inactiveCancel    int64
	holdReason, inactiveHold        int64
	fieldType, dropdownType         int64
}

// day is a fixed future morning for appointments (UTC).
var day = simtest.Epoch.Add(48 * time.Hour).Truncate(24 * time.Hour)

func at(hour int) time.Time { return day.Add(time.Duration(hour) * time.Hour) }

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func start(t *testing.T, opts ...simtest.Option) *env {
	t.Helper()
	srv := simtest.Start(t, opts...)
	e := &env{t: t, srv: srv}
	e.tok = srv.Token(t)
	e.writeRefs()
	var jt jobTypeResp
	e.do("POST", "/job-types", map[string]any{"name": "Test AC Repair", "businessUnitIds": []int64{e.bu}, "skills": []string{"HVAC"}, "duration": 7200, "priority": "Normal", "tagTypeIds": []int64{e.tag}}).OK(t).JSON(t, &jt)
	e.jobType = jt.ID
	e.do("POST", "/job-types", map[string]any{"name": "Test Any BU"}).OK(t).JSON(t, &jt)
	e.jtBU2 = jt.ID
	e.customer, e.location = e.newCustomer("Casey Jobtest")
	e.otherCustomer, e.otherLocation = e.newCustomer("Other Jobtest")
	return e
}

// IDs of the reference records writeRefs seeds into the demo tenant,
// above the demo's own.
const (
	refBU, refOtherBU, refInactiveBU                     = 900001, 900002, 900003
	refTech, refTech2, refInactiveTech                   = 900004, 900005, 900006
	refCampaign, refTag, refEmployee, refInactiveJobType = 900007, 900008, 900009, 900010
)

// writeRefs seeds business units, technicians, a campaign, a tag type, an
// employee and an inactive job type of the test's own (as fixture records
// of their modules), and finds the seeded reasons and custom field types.
func (e *env) writeRefs() {
	e.t.Helper()
	e.srv.Seed(e.t, simtest.Tenant, "settings", map[string][]any{
		"businessUnits": {
			map[string]any{"id": refBU, "name": "Test HVAC Service"},
			map[string]any{"id": refOtherBU, "name": "Test Plumbing"},
			map[string]any{"id": refInactiveBU, "name": "Test Closed Branch", "active": false},
		},
		"technicians": {
			map[string]any{"id": refTech, "name": "Tess Tech", "skills": []string{"HVAC"}},
			map[string]any{"id": refTech2, "name": "Theo Tech", "skills": []string{"HVAC"}},
			map[string]any{"id": refInactiveTech, "name": "Gone Tech", "active": false},
		},
		"tagTypes":  {map[string]any{"id": refTag, "name": "Booked by test"}},
		"employees": {map[string]any{"id": refEmployee, "name": "Olive Office"}},
	})
	e.srv.Seed(e.t, simtest.Tenant, "marketing", map[string][]any{"campaigns": {map[string]any{"id": refCampaign, "name": "Test Website"}}})
	e.srv.Seed(e.t, simtest.Tenant, "jpm", map[string][]any{"jobTypes": {map[string]any{"id": refInactiveJobType, "name": "Test Retired", "duration": 3600, "active": false}}})
	e.bu, e.otherBU, e.inactiveBU = refBU, refOtherBU, refInactiveBU
	e.tech, e.tech2, e.inactiveTech = refTech, refTech2, refInactiveTech
	e.campaign, e.tag, e.employee, e.inactiveJobType = refCampaign, refTag, refEmployee, refInactiveJobType
	err := resource.View(e.srv.Store(), simtest.Tenant, e.srv.Clock.Now(), func(tx *resource.Tx) error {
		e.cancelReason, e.inactiveCancel = findReason(tx, &jpm.CancelReasons, true), findReason(tx, &jpm.CancelReasons, false)
		e.holdReason, e.inactiveHold = findReason(tx, &jpm.HoldReasons, true), findReason(tx, &jpm.HoldReasons, false)
		types, err := resource.List(tx, &jpm.JobFieldTypes, resource.Query{Page: 1, PageSize: 50}, resource.Select{}, nil)
		if err != nil {
			return err
		}
		for _, ft := range types.Data {
			switch ft.DataType {
			case "Text":
				e.fieldType = ft.ID
			case "Dropdown":
				e.dropdownType = ft.ID
			}
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

func findReason(tx *resource.Tx, kind *resource.Kind[jpm.Reason], active bool) int64 {
	page, err := resource.List(tx, kind, resource.Query{Page: 1, PageSize: 50, Active: resource.ActiveAny}, resource.Select{}, func(r *jpm.Reason) bool { return r.Active == active })
	if err != nil || len(page.Data) == 0 {
		panic(fmt.Sprintf("no %s with active=%v", kind.Label, active))
	}
	return page.Data[0].ID
}

func (e *env) newCustomer(name string) (int64, int64) {
	e.t.Helper()
	var c struct {
		ID        int64 `json:"id"`
		Locations []struct {
			ID int64 `json:"id"`
		} `json:"locations"`
	}
	addr := map[string]any{"street": "1 Test Way", "city": "Chicago", "state": "IL", "zip": "60601", "country": "USA"}
	e.srv.Do(e.t, "POST", simtest.CRM+"/customers", e.tok, map[string]any{
		"name": name, "address": addr, "locations": []any{map[string]any{"name": name + " home", "address": addr}},
	}).OK(e.t).JSON(e.t, &c)
	return c.ID, c.Locations[0].ID
}

// do calls a JPM path of the demo tenant.
func (e *env) do(method, path string, body any) *simtest.Response {
	e.t.Helper()
	return e.srv.Do(e.t, method, simtest.JPM+path, e.tok, body)
}

// advance moves the clock and fetches a fresh token (tokens last 15
// minutes of simulator time).
func (e *env) advance(d time.Duration) {
	e.srv.Clock.Advance(d)
	e.tok = e.srv.Token(e.t)
}

func appt(startHour, endHour int, techs ...int64) map[string]any {
	a := map[string]any{"start": stamp(at(startHour)), "end": stamp(at(endHour))}
	if len(techs) > 0 {
		a["technicianIds"] = techs
	}
	return a
}

// jobBody is a valid create request with one appointment.
func (e *env) jobBody(appts ...map[string]any) map[string]any {
	if len(appts) == 0 {
		appts = []map[string]any{appt(8, 10, e.tech)}
	}
	list := make([]any, len(appts))
	for i, a := range appts {
		list[i] = a
	}
	return map[string]any{
		"customerId": e.customer, "locationId": e.location, "businessUnitId": e.bu, "jobTypeId": e.jobType,
		"priority": "Normal", "campaignId": e.campaign, "appointments": list,
	}
}

func (e *env) createJob(body map[string]any) jobResp {
	e.t.Helper()
	var j jobResp
	e.do("POST", "/jobs", body).OK(e.t).JSON(e.t, &j)
	return j
}

func (e *env) job(id int64) jobResp {
	e.t.Helper()
	var j jobResp
	e.do("GET", fmt.Sprintf("/jobs/%d", id), nil).OK(e.t).JSON(e.t, &j)
	return j
}

func (e *env) appointment(id int64) apptResp {
	e.t.Helper()
	var a apptResp
	e.do("GET", fmt.Sprintf("/appointments/%d", id), nil).OK(e.t).JSON(e.t, &a)
	return a
}

func (e *env) jobAppointments(jobID int64) []apptResp {
	e.t.Helper()
	var p page[apptResp]
	e.do("GET", fmt.Sprintf("/appointments?jobId=%d&pageSize=100", jobID), nil).OK(e.t).JSON(e.t, &p)
	return p.Data
}

func (e *env) history(jobID int64) []historyItem {
	e.t.Helper()
	var h struct {
		History []historyItem `json:"history"`
	}
	e.do("GET", fmt.Sprintf("/jobs/%d/history", jobID), nil).OK(e.t).JSON(e.t, &h)
	return h.History
}

func events(h []historyItem) []string {
	var out []string
	for _, i := range h {
		out = append(out, i.EventType)
	}
	return out
}

type page[T any] struct {
	Page       int  `json:"page"`
	PageSize   int  `json:"pageSize"`
	HasMore    bool `json:"hasMore"`
	TotalCount *int `json:"totalCount"`
	Data       []T  `json:"data"`
}

type jobResp struct {
	ID                 int64            `json:"id"`
	ProjectID          *int64           `json:"projectId"`
	JobNumber          string           `json:"jobNumber"`
	CustomerID         int64            `json:"customerId"`
	LocationID         int64            `json:"locationId"`
	JobStatus          string           `json:"jobStatus"`
	CompletedOn        *string          `json:"completedOn"`
	BusinessUnitID     int64            `json:"businessUnitId"`
	JobTypeID          int64            `json:"jobTypeId"`
	Priority           string           `json:"priority"`
	CampaignID         int64            `json:"campaignId"`
	AppointmentCount   int64            `json:"appointmentCount"`
	FirstAppointmentID int64            `json:"firstAppointmentId"`
	LastAppointmentID  int64            `json:"lastAppointmentId"`
	TagTypeIDs         []int64          `json:"tagTypeIds"`
	SoldByID           *int64           `json:"soldById"`
	CustomerPO         string           `json:"customerPo"`
	Summary            *string          `json:"summary"`
	CustomFields       []map[string]any `json:"customFields"`
	ExternalData       []map[string]any `json:"externalData"`
	ModifiedOn         string           `json:"modifiedOn"`
	Active             *bool            `json:"active"`
}

type apptResp struct {
	ID                  int64   `json:"id"`
	JobID               int64   `json:"jobId"`
	AppointmentNumber   string  `json:"appointmentNumber"`
	Start               string  `json:"start"`
	End                 string  `json:"end"`
	ArrivalWindowStart  *string `json:"arrivalWindowStart"`
	ArrivalWindowEnd    *string `json:"arrivalWindowEnd"`
	Status              string  `json:"status"`
	SpecialInstructions *string `json:"specialInstructions"`
	CustomerID          int64   `json:"customerId"`
	Unused              bool    `json:"unused"`
	IsConfirmed         bool    `json:"isConfirmed"`
	Active              *bool   `json:"active"`
}

type jobTypeResp struct {
	ID              int64            `json:"id"`
	Name            string           `json:"name"`
	BusinessUnitIDs []int64          `json:"businessUnitIds"`
	Skills          []string         `json:"skills"`
	Priority        string           `json:"priority"`
	Duration        int64            `json:"duration"`
	Active          bool             `json:"active"`
	ExternalData    []map[string]any `json:"externalData"`
}

type historyItem struct {
	ID                 int64  `json:"id"`
	EventType          string `json:"eventType"`
	Date               string `json:"date"`
	UsedSchedulingTool string `json:"usedSchedulingTool"`
	Memo               string `json:"memo"`
}

func ids[T any](items []T, id func(T) int64) []int64 {
	out := []int64{}
	for _, it := range items {
		out = append(out, id(it))
	}
	return out
}

func jobIDs(p page[jobResp]) []int64 { return ids(p.Data, func(j jobResp) int64 { return j.ID }) }
