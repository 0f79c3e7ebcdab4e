package dispatch_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/auth"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/simtest"
	"github.com/stsim/stsim/sim/tenant"
)

// otherTenant is a tenant with no seed data: tests that compute capacity
// build exactly what they need there.
const otherTenant = 7654321

// env is a test server and one tenant's credentials.
type env struct {
	t                *testing.T
	srv              *simtest.Server
	tenant           int64
	clientID, secret string
	tok              string
	lastID           int64 // of the records the test seeded (newID)
}

// newEnv starts a server (with the given backend) and connects the demo app
// to the empty tenant otherTenant.
func newEnv(t *testing.T, opts ...simtest.Option) *env {
	t.Helper()
	srv := simtest.Start(t, opts...)
	reg := srv.Auth().Registry
	if err := reg.AddTenant(auth.Tenant{ID: otherTenant, Name: "dispatch tests"}); err != nil {
		t.Fatal(err)
	}
	app, _ := reg.AppByKey(simtest.AppKey)
	conn, err := reg.Connect(app.ID, otherTenant, "")
	if err != nil {
		t.Fatal(err)
	}
	secret, err := reg.GenerateSecret(conn.ClientID, 1, srv.Clock.Now(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, srv: srv, tenant: otherTenant, clientID: conn.ClientID, secret: secret}
	e.refresh()
	return e
}

// demoEnv is the demo tenant, with its seed.
func demoEnv(t *testing.T, opts ...simtest.Option) *env {
	t.Helper()
	srv := simtest.Start(t, opts...)
	return &env{t: t, srv: srv, tenant: simtest.Tenant, clientID: simtest.ClientID, secret: simtest.ClientSecret, tok: srv.Token(t)}
}

// refresh fetches a new token (tokens live 15 minutes of simulator time).
func (e *env) refresh() { e.tok = e.srv.TokenFor(e.t, e.clientID, e.secret) }

// advance moves the simulator clock and fetches a fresh token.
func (e *env) advance(d time.Duration) {
	e.srv.Clock.Advance(d)
	e.refresh()
}

// path is a dispatch path of the env's tenant.
func (e *env) path(format string, args ...any) string {
	return fmt.Sprintf("/dispatch/v2/tenant/%d", e.tenant) + fmt.Sprintf(format, args...)
}

func (e *env) do(method, path string, body any) *simtest.Response {
	e.t.Helper()
	return e.srv.Do(e.t, method, e.path("%s", path), e.tok, body)
}

// ok sends a request, wants 200 and decodes the body into out (if not nil).
func (e *env) ok(method, path string, body, out any) {
	e.t.Helper()
	r := e.do(method, path, body).OK(e.t)
	if out != nil {
		r.JSON(e.t, out)
	}
}

// update runs fn in a write transaction of the env's tenant.
func (e *env) update(fn func(tx *resource.Tx) error) {
	e.t.Helper()
	if err := resource.Update(e.srv.Store(), e.tenant, e.srv.Clock.Now(), fn); err != nil {
		e.t.Fatal(err)
	}
}

// setPolicy saves the tenant's capacity policy.
func (e *env) setPolicy(policy string, maxDays int) {
	e.t.Helper()
	e.srv.ChangeTenantSettings(e.t, e.tenant, func(s *tenant.Settings) {
		s.CapacityPolicy = policy
		if maxDays > 0 {
			s.CapacityMaxDays = maxDays
		}
	})
}

// fixture is the records a capacity test starts from.
type fixture struct {
	bu      int64
	techs   []int64
	jobType int64
}

// newFixture seeds a business unit, n active technicians in it (the first
// with skills "Gas" and "Install") and a job type of the given duration
// needing "Gas", as fixture records of settings and jpm.
func (e *env) newFixture(n int, jobDuration time.Duration) fixture {
	e.t.Helper()
	f := fixture{bu: e.newID(), jobType: e.newID()}
	var techs []any
	for i := range n {
		skills := []string{"Install"}
		if i == 0 {
			skills = []string{"gas", "Install"}
		}
		id := e.newID()
		f.techs = append(f.techs, id)
		techs = append(techs, map[string]any{"id": id, "name": fmt.Sprintf("Tech %d", i+1), "businessUnitId": f.bu, "skills": skills})
	}
	e.srv.Seed(e.t, e.tenant, "settings", map[string][]any{
		"businessUnits": {map[string]any{"id": f.bu, "name": "Test HVAC"}},
		"technicians":   techs,
	})
	e.srv.Seed(e.t, e.tenant, "jpm", map[string][]any{"jobTypes": {map[string]any{
		"id": f.jobType, "name": "Furnace repair", "businessUnitIds": []int64{f.bu}, "skills": []string{"Gas"}, "duration": int64(jobDuration / time.Second),
	}}})
	return f
}

// deactivate deactivates a technician through the settings API.
func (e *env) deactivate(tech int64) {
	e.t.Helper()
	e.srv.Do(e.t, "POST", fmt.Sprintf("/settings/v2/tenant/%d/technicians/%d/account-actions", e.tenant, tech), e.tok, map[string]any{"action": "Deactivate"}).OK(e.t)
}

// jobOf returns the job of an appointment, read through the jpm API.
func (e *env) jobOf(appt int64) int64 {
	e.t.Helper()
	var a struct {
		JobID int64 `json:"jobId"`
	}
	e.srv.Do(e.t, "GET", fmt.Sprintf("/jpm/v2/tenant/%d/appointments/%d", e.tenant, appt), e.tok, nil).OK(e.t).JSON(e.t, &a)
	return a.JobID
}

// cancelJob cancels a job (and its appointments) through the jpm API, with
// a cancel reason of the test's own.
func (e *env) cancelJob(job int64) {
	e.t.Helper()
	reason := e.newID()
	e.srv.Seed(e.t, e.tenant, "jpm", map[string][]any{"cancelReasons": {map[string]any{"id": reason, "name": "Test cancel"}}})
	e.srv.Do(e.t, "PUT", fmt.Sprintf("/jpm/v2/tenant/%d/jobs/%d/cancel", e.tenant, job), e.tok, map[string]any{"reasonId": reason, "memo": "test"}).OK(e.t)
}

// newID is an ID for a record the test seeds, above the demo's.
func (e *env) newID() int64 {
	e.lastID++
	return 900000 + e.lastID
}

// chicago is the tenants' default time zone.
var chicago = mustLoad("America/Chicago")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// local is a wall-clock time in Chicago.
func local(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, chicago)
}

func rfc(t time.Time) string { return t.Format(time.RFC3339) }

// shift creates a shift through the API.
func (e *env) shift(tech int64, kind string, start, end time.Time) {
	e.t.Helper()
	e.ok("POST", "/technician-shifts", map[string]any{
		"technicianIds": []int64{tech}, "shiftType": kind, "title": kind + " shift",
		"start": rfc(start), "end": rfc(end), "repeatType": "Never",
	}, nil)
}

// workday gives each of the fixture's technicians a Normal shift from 08:00
// to 17:00 on day0.
func (e *env) workday(f fixture) {
	e.t.Helper()
	for _, tech := range f.techs {
		e.shift(tech, "Normal", local(2026, 11, 24, 8, 0), local(2026, 11, 24, 17, 0))
	}
}

// book seeds a job of the fixture's business unit with one appointment over
// [start, end), assigned to techs (none: unassigned), through jpm's fixture
// seed (no slot check), and returns the appointment ID, read through the
// jpm API.
func (e *env) book(f fixture, start, end time.Time, techs ...int64) int64 {
	e.t.Helper()
	job := e.newID()
	a := map[string]any{"start": rfc(start.UTC()), "end": rfc(end.UTC())}
	if len(techs) > 0 {
		a["technicianIds"] = techs
	}
	e.srv.Seed(e.t, e.tenant, "jpm", map[string][]any{"jobs": {map[string]any{
		"id": job, "customerId": e.newID(), "locationId": e.newID(), "businessUnitId": f.bu, "jobTypeId": f.jobType,
		"priority": "Normal", "campaignId": e.newID(), "appointments": []any{a},
	}}})
	return e.appointmentOf(job)
}

// appointmentOf returns the ID of a job's only appointment, read through
// the jpm API.
func (e *env) appointmentOf(job int64) int64 {
	e.t.Helper()
	var p page[struct {
		ID int64 `json:"id"`
	}]
	e.srv.Do(e.t, "GET", fmt.Sprintf("/jpm/v2/tenant/%d/appointments?jobId=%d", e.tenant, job), e.tok, nil).OK(e.t).JSON(e.t, &p)
	if len(p.Data) != 1 {
		e.t.Fatalf("job %d has %d appointments", job, len(p.Data))
	}
	return p.Data[0].ID
}

// booker books through POST /jpm/v2/…/jobs (the path a Schedule
// Engine–style client takes, which runs schedule.CheckSlot): it seeds a
// campaign, creates a customer with one location, and returns a function
// that books a job of the fixture's business unit with one appointment over
// [start, end), assigned to techs (none: the business unit's pool).
func (e *env) booker(f fixture) func(start, end time.Time, techs ...int64) *simtest.Response {
	e.t.Helper()
	campaign := e.newID()
	e.srv.Seed(e.t, e.tenant, "marketing", map[string][]any{"campaigns": {map[string]any{"id": campaign, "name": "Dispatch test campaign"}}})
	var customer struct {
		ID        int64 `json:"id"`
		Locations []struct {
			ID int64 `json:"id"`
		} `json:"locations"`
	}
	addr := map[string]any{"street": "1 Test Way", "city": "Evanston", "state": "IL", "zip": "60201", "country": "USA"}
	e.srv.Do(e.t, "POST", fmt.Sprintf("/crm/v2/tenant/%d/customers", e.tenant), e.tok, map[string]any{
		"name": "Dana Dispatch", "address": addr, "locations": []any{map[string]any{"name": "Home", "address": addr}},
	}).OK(e.t).JSON(e.t, &customer)
	return func(start, end time.Time, techs ...int64) *simtest.Response {
		a := map[string]any{"start": rfc(start.UTC()), "end": rfc(end.UTC()), "arrivalWindowStart": rfc(start.UTC()), "arrivalWindowEnd": rfc(end.UTC())}
		if len(techs) > 0 {
			a["technicianIds"] = techs
		}
		return e.srv.Do(e.t, "POST", fmt.Sprintf("/jpm/v2/tenant/%d/jobs", e.tenant), e.tok, map[string]any{
			"customerId": customer.ID, "locationId": customer.Locations[0].ID, "businessUnitId": f.bu, "jobTypeId": f.jobType,
			"priority": "Normal", "campaignId": campaign, "appointments": []any{a},
		})
	}
}

// Wire shapes the tests read.
type (
	capTech struct {
		ID                int64  `json:"id"`
		Name              string `json:"name"`
		Status            string `json:"status"`
		HasRequiredSkills *bool  `json:"hasRequiredSkills"`
	}
	availability struct {
		Start, End, StartUtc, EndUtc      string
		BusinessUnitIDs                   []int64 `json:"businessUnitIds"`
		TotalAvailability                 float64
		OpenAvailability                  float64
		Technicians                       []capTech
		IsAvailable                       bool
		IsExceedingIdealBookingPercentage bool
	}
	capacity struct {
		TimeStamp      string
		Availabilities []availability
	}
	page[T any] struct {
		Page       int  `json:"page"`
		PageSize   int  `json:"pageSize"`
		TotalCount *int `json:"totalCount"`
		HasMore    bool `json:"hasMore"`
		Data       []T  `json:"data"`
	}
)

// capacity asks for the capacity of [from, to) for the fixture's business
// unit.
func (e *env) capacity(f fixture, from, to time.Time, jobType int64, skills bool) capacity {
	e.t.Helper()
	body := map[string]any{"startsOnOrAfter": rfc(from), "endsOnOrBefore": rfc(to), "businessUnitIds": []int64{f.bu}, "skillBasedAvailability": skills}
	if jobType != 0 {
		body["jobTypeId"] = jobType
	}
	var out capacity
	e.ok("POST", "/capacity", body, &out)
	return out
}

// slot finds the availability starting at start.
func (c capacity) slot(t *testing.T, start time.Time) availability {
	t.Helper()
	for _, a := range c.Availabilities {
		if a.StartUtc == start.UTC().Format(time.RFC3339) {
			return a
		}
	}
	t.Fatalf("no slot starts at %s: %+v", start, c.Availabilities)
	return availability{}
}

// status maps technician IDs to their status in a slot.
func (a availability) status() map[int64]string {
	out := map[int64]string{}
	for _, t := range a.Technicians {
		out[t.ID] = t.Status
	}
	return out
}
