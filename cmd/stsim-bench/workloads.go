package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/stsim/stsim/fixtures"
)

// step is one request of a workload; a workload cycles through its steps.
type step struct {
	method, target string
	body           []byte // JSON, or a form for the token endpoint
	form           bool
	noAuth         bool
}

// workload is one line of the table.
type workload struct {
	name  string
	store string // the stsim process it runs against: "memory" or "bbolt"
	steps func(d *demo) ([]step, error)
}

var workloads = []workload{
	{"token", "memory", tokenSteps},
	{"get", "memory", getSteps},
	{"list", "memory", listSteps},
	{"capacity", "memory", capacitySteps},
	{"create", "memory", createSteps},
	{"create-bbolt", "bbolt", createSteps},
	{"job", "memory", jobSteps},
	{"mixed", "memory", mixedSteps},
}

// tenantPath is a path of the demo tenant in module m.
func tenantPath(m, rest string) string {
	return fmt.Sprintf("/%s/v2/tenant/%d/%s", m, fixtures.DemoTenant, rest)
}

// demo is what the workloads need to know about a running stsim's demo
// tenant, found through the API.
type demo struct {
	addr      string
	token     string
	customers []int64 // the first page of customers
	customer  int64   // Jordan Ellison (demo.go: customer 6)
	location  int64   // one of the customer's locations
	bu, jt    int64   // a business unit and a job type it serves
	campaign  int64
}

// call runs one setup request against stsim and decodes its JSON answer.
func (d *demo) call(s step, out any) error {
	status, body, err := roundTrip(d.addr, d.render(s, 0))
	if err != nil {
		return err
	}
	if status != 200 {
		return fmt.Errorf("%s %s: status %d: %.300s", s.method, s.target, status, body)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(body, out)
}

// render turns a step into the raw request sent to both servers; n names
// the ceiling's recorded answer.
func (d *demo) render(s step, n int) []byte {
	h := [][2]string{{bodyHeader, strconv.Itoa(n)}}
	if !s.noAuth {
		h = append(h, [2]string{"Authorization", "Bearer " + d.token}, [2]string{"ST-App-Key", fixtures.DemoAppKey})
	}
	if s.body != nil {
		ct := "application/json"
		if s.form {
			ct = "application/x-www-form-urlencoded"
		}
		h = append(h, [2]string{"Content-Type", ct})
	}
	return rawRequest(s.method, d.addr, s.target, h, s.body)
}

var tokenForm = []byte(url.Values{
	"grant_type":    {"client_credentials"},
	"client_id":     {fixtures.DemoClientID},
	"client_secret": {fixtures.DemoClientSecret},
}.Encode())

// discover fetches a token and the demo records the workloads use.
func discover(addr string) (*demo, error) {
	d := &demo{addr: addr}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := d.call(tokenSteps0(), &tok); err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	d.token = tok.AccessToken
	type ids struct {
		Data []struct {
			ID              int64   `json:"id"`
			Active          bool    `json:"active"`
			BusinessUnitIDs []int64 `json:"businessUnitIds"`
		} `json:"data"`
	}
	var page ids
	if err := d.call(step{method: "GET", target: tenantPath("crm", "customers?pageSize=50")}, &page); err != nil {
		return nil, err
	}
	for _, c := range page.Data {
		d.customers = append(d.customers, c.ID)
	}
	d.customer = 6
	if err := d.call(step{method: "GET", target: tenantPath("crm", "locations?customerId=6")}, &page); err != nil || len(page.Data) == 0 {
		return nil, fmt.Errorf("locations of customer 6: %v", err)
	}
	d.location = page.Data[0].ID
	if err := d.call(step{method: "GET", target: tenantPath("jpm", "job-types?pageSize=100&active=True")}, &page); err != nil {
		return nil, err
	}
	for _, jt := range page.Data {
		if len(jt.BusinessUnitIDs) > 0 {
			d.jt, d.bu = jt.ID, jt.BusinessUnitIDs[0]
			break
		}
	}
	if err := d.call(step{method: "GET", target: tenantPath("marketing", "campaigns?pageSize=1")}, &page); err != nil || len(page.Data) == 0 || d.jt == 0 {
		return nil, fmt.Errorf("no job type with a business unit, or no campaign (%v)", err)
	}
	d.campaign = page.Data[0].ID
	return d, nil
}

func tokenSteps0() step {
	return step{method: "POST", target: "/connect/token", body: tokenForm, form: true, noAuth: true}
}

func tokenSteps(*demo) ([]step, error) { return []step{tokenSteps0()}, nil }

// getSteps reads each customer of the first page by ID.
func getSteps(d *demo) ([]step, error) {
	var out []step
	for _, id := range d.customers {
		out = append(out, step{method: "GET", target: tenantPath("crm", fmt.Sprintf("customers/%d", id))})
	}
	return out, nil
}

// listSteps reads the first five pages of 50 customers.
func listSteps(*demo) ([]step, error) {
	var out []step
	for p := 1; p <= 5; p++ {
		out = append(out, step{method: "GET", target: tenantPath("crm", fmt.Sprintf("customers?page=%d&pageSize=50", p))})
	}
	return out, nil
}

// day0 is the start of tomorrow (UTC): capacity and bookings look ahead.
func day0() time.Time { return time.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour) }

func rfc(t time.Time) string { return t.Format(time.RFC3339) }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// capacityStep asks for 14 days of the business unit's capacity for the job type.
func capacityStep(d *demo) step {
	from := day0()
	return step{method: "POST", target: tenantPath("dispatch", "capacity"), body: mustJSON(map[string]any{
		"startsOnOrAfter": rfc(from), "endsOnOrBefore": rfc(from.AddDate(0, 0, 14)),
		"businessUnitIds": []int64{d.bu}, "jobTypeId": d.jt, "skillBasedAvailability": true,
	})}
}

func capacitySteps(d *demo) ([]step, error) { return []step{capacityStep(d)}, nil }

// createSteps creates customers with one location and one phone contact.
func createSteps(*demo) ([]step, error) {
	var out []step
	for k := range 8 {
		addr := map[string]any{"street": fmt.Sprintf("%d N State St", 100+k), "city": "Chicago", "state": "IL", "zip": "60602", "country": "USA"}
		out = append(out, step{method: "POST", target: tenantPath("crm", "customers"), body: mustJSON(map[string]any{
			"name": fmt.Sprintf("Bench Customer %d", k), "type": "Residential", "address": addr,
			"contacts":  []any{map[string]any{"type": "MobilePhone", "value": fmt.Sprintf("(872) 555-%04d", k)}},
			"locations": []any{map[string]any{"name": "Home", "address": addr}},
		})})
	}
	return out, nil
}

// jobStep books a job with one two-hour appointment on day offset from
// day0. Bookings go 15 days ahead and later, past the capacity window, so
// the capacity workloads see the demo's own schedule however long the
// bench runs.
func jobStep(d *demo, offset int) step {
	start := day0().AddDate(0, 0, 15+offset).Add(15 * time.Hour)
	return step{method: "POST", target: tenantPath("jpm", "jobs"), body: mustJSON(map[string]any{
		"customerId": d.customer, "locationId": d.location, "businessUnitId": d.bu, "jobTypeId": d.jt,
		"priority": "Normal", "campaignId": d.campaign, "summary": "Bench booking",
		"appointments": []any{map[string]any{"start": rfc(start), "end": rfc(start.Add(2 * time.Hour)),
			"arrivalWindowStart": rfc(start), "arrivalWindowEnd": rfc(start.Add(2 * time.Hour))}},
	})}
}

func jobSteps(d *demo) ([]step, error) {
	var out []step
	for k := range 8 {
		out = append(out, jobStep(d, k))
	}
	return out, nil
}

// mixedSteps is an online booking: find the caller by phone, read the
// customer and their locations, ask for capacity, book the job.
func mixedSteps(d *demo) ([]step, error) {
	return []step{
		{method: "GET", target: tenantPath("crm", "customers?phone=630-555-0187")},
		{method: "GET", target: tenantPath("crm", fmt.Sprintf("customers/%d", d.customer))},
		{method: "GET", target: tenantPath("crm", fmt.Sprintf("locations?customerId=%d", d.customer))},
		capacityStep(d),
		jobStep(d, 0),
	}, nil
}
