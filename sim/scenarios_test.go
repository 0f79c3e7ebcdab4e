package sim_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stsim/stsim/sim"
	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/simtest"
	"github.com/stsim/stsim/sim/tenant"
)

func activate(t *testing.T, srv *simtest.Server, name string, body any) {
	t.Helper()
	srv.Control(t, "POST", "/_sim/scenarios/"+name+"/activate", body).OK(t)
}

func deactivate(t *testing.T, srv *simtest.Server, name string) {
	t.Helper()
	srv.Control(t, "POST", "/_sim/scenarios/"+name+"/deactivate", nil).OK(t)
}

func tokenError(t *testing.T, srv *simtest.Server) (int, string) {
	t.Helper()
	r := srv.PostForm(t, "/connect/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {simtest.ClientID}, "client_secret": {simtest.ClientSecret}}, nil)
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	r.JSON(t, &body)
	return r.Status, body.Error + ": " + body.Description
}

const customersList = simtest.CRM + "/customers?pageSize=1"

func TestCredentialScenariosAndTheirEnd(t *testing.T) {
	srv := simtest.Start(t)
	cached := srv.Token(t)
	for _, tt := range []struct{ scenario, want string }{
		{"expired-secret", "invalid_client: client_secret has expired"},
		{"revoked-secret", "invalid_client: client_secret does not match"},
		{"app-disconnected", "invalid_client: the connection is disabled by the tenant"},
	} {
		t.Run(tt.scenario, func(t *testing.T) {
			activate(t, srv, tt.scenario, nil)
			if status, got := tokenError(t, srv); status != 400 || got != tt.want {
				t.Fatalf("token request: %d %q, want 400 %q", status, got, tt.want)
			}
			cachedStatus := srv.Do(t, "GET", customersList, cached, nil).Status
			if tt.scenario == "app-disconnected" && cachedStatus != 401 || tt.scenario != "app-disconnected" && cachedStatus != 200 {
				t.Fatalf("a cached token answered %d", cachedStatus)
			}
			deactivate(t, srv, tt.scenario)
			if status, _ := tokenError(t, srv); status != 200 {
				t.Fatalf("after deactivation the token request answered %d", status)
			}
			srv.Do(t, "GET", customersList, cached, nil).OK(t)
		})
	}
}

func TestTokenExpiryStorm(t *testing.T) {
	srv := simtest.Start(t)
	old := srv.Token(t)
	srv.Clock.Advance(time.Second)
	activate(t, srv, "token-expiry-storm", nil)
	r := srv.Do(t, "GET", customersList, old, nil)
	if r.Status != 401 || !strings.Contains(r.Header.Get("WWW-Authenticate"), "expired") {
		t.Fatalf("a token from before the storm: %d %q", r.Status, r.Header.Get("WWW-Authenticate"))
	}
	srv.Clock.Advance(time.Second)
	srv.Do(t, "GET", customersList, srv.Token(t), nil).OK(t)
	deactivate(t, srv, "token-expiry-storm")
	srv.Do(t, "GET", customersList, old, nil).OK(t)
}

func TestThrottleBurst(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	activate(t, srv, "throttle-burst", nil)
	for i := 0; i < 5; i++ {
		srv.Do(t, "GET", customersList, tok, nil).OK(t)
	}
	if r := srv.Do(t, "GET", customersList, tok, nil); r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("6th call in a second under throttle-burst: %d", r.Status)
	}
	deactivate(t, srv, "throttle-burst")
	srv.Do(t, "GET", customersList, tok, nil).OK(t)
}

func TestFlaky5xxIsSeededAndEnds(t *testing.T) {
	run := func() []int {
		srv := simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.RateLimit = 0 }))
		tok := srv.Token(t)
		activate(t, srv, "flaky-5xx", nil)
		var statuses []int
		for i := 0; i < 60; i++ {
			r := srv.Do(t, "GET", customersList, tok, nil)
			if r.Status == 503 && r.Header.Get("Retry-After") != "2" {
				t.Fatalf("503 without Retry-After: 2")
			}
			if r.Status >= 500 {
				r.WantError(t, r.Status, "")
			}
			statuses = append(statuses, r.Status)
		}
		deactivate(t, srv, "flaky-5xx")
		for i := 0; i < 20; i++ {
			srv.Do(t, "GET", customersList, tok, nil).OK(t)
		}
		return statuses
	}
	first, second := run(), run()
	failed := 0
	for i := range first {
		if first[i] != second[i] {
			t.Fatalf("two runs differ: %v vs %v", first, second)
		}
		if first[i] != 200 {
			failed++
		}
	}
	if failed < 3 || failed > 25 {
		t.Fatalf("%d of 60 calls failed, want about one in five", failed)
	}
}

func newCustomer(name string) map[string]any {
	addr := map[string]any{"street": "9 Elm St", "city": "Wheaton", "state": "IL", "zip": "60187", "country": "USA"}
	return map[string]any{"name": name, "address": addr, "locations": []any{map[string]any{"name": "Home", "address": addr}}}
}

func TestCommitThen500CommitsTheWrite(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	activate(t, srv, "commit-then-500", nil)
	srv.Do(t, "POST", simtest.CRM+"/customers", tok, newCustomer("Committed Anyway")).WantError(t, 500, "")
	var p struct {
		Data []map[string]any `json:"data"`
	}
	srv.Do(t, "GET", simtest.CRM+"/customers?name=Committed%20Anyway", tok, nil).OK(t).JSON(t, &p)
	if len(p.Data) != 1 {
		t.Fatalf("the write behind the 500 did not commit: %d customers", len(p.Data))
	}
	srv.Do(t, "GET", customersList, tok, nil).OK(t) // reads are untouched
	deactivate(t, srv, "commit-then-500")
	srv.Do(t, "POST", simtest.CRM+"/customers", tok, newCustomer("Normal Again")).OK(t)
}

func TestMissingScopeAndStartFlag(t *testing.T) {
	srv := simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.Scenarios = []string{"missing-scope"} }))
	tok := srv.Token(t)
	r := srv.Do(t, "POST", simtest.JPM+"/jobs", tok, map[string]any{})
	r.WantError(t, 403, "scope")
	srv.Do(t, "GET", simtest.JPM+"/jobs?pageSize=1", tok, nil).OK(t)
	deactivate(t, srv, "missing-scope")
	if r := srv.Do(t, "POST", simtest.JPM+"/jobs", tok, map[string]any{}); r.Status == 403 {
		t.Fatalf("still 403 after deactivation: %s", r.Body)
	}
}

func TestSlowNetworkAndBrokenConnections(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	start := time.Now()
	r := srv.Call(t, "GET", customersList, tok, simtest.AppKey, nil)
	quick := time.Since(start)
	req, _ := http.NewRequest("GET", srv.URL+customersList, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("ST-App-Key", simtest.AppKey)
	req.Header.Set("X-Stsim-Scenario", "slow-network")
	start = time.Now()
	slow := srv.Request(t, req)
	if took := time.Since(start); took < 2*time.Second || slow.Status != 200 || string(slow.Body) != string(r.Body) {
		t.Fatalf("slow-network: %v (quick call %v), status %d, body intact %v", took, quick, slow.Status, string(slow.Body) == string(r.Body))
	}

	// A fresh connection per call: on a reused one, net/http would retry a
	// reset GET by itself and hide it.
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	raw := func(scenario string) error {
		req, _ := http.NewRequest("GET", srv.URL+customersList, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("ST-App-Key", simtest.AppKey)
		req.Header.Set("X-Stsim-Scenario", scenario)
		resp, err := fresh.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, err = io.ReadAll(resp.Body)
		return err
	}
	if err := raw("truncated-body"); err == nil || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Fatalf("truncated-body: read error %v, want unexpected EOF", err)
	}
	activate(t, srv, "connection-reset", nil)
	errors := 0
	for i := 0; i < 6; i++ {
		if raw("") != nil {
			errors++
		}
	}
	deactivate(t, srv, "connection-reset")
	if errors != 2 {
		t.Fatalf("connection-reset broke %d of 6 calls, want every third (2)", errors)
	}
	srv.Request(t, req.Clone(req.Context())) // and the server still answers
}

func TestScenarioHeaderAppliesToOneRequest(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	req := func(scenario string) *simtest.Response {
		r, _ := http.NewRequest("POST", srv.URL+simtest.CRM+"/customers", strings.NewReader(`{"name":"Header Test","address":{"street":"1 A St","city":"B","state":"IL","zip":"60601","country":"USA"},"locations":[{"name":"H","address":{"street":"1 A St","city":"B","state":"IL","zip":"60601","country":"USA"}}]}`))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Bearer "+tok)
		r.Header.Set("ST-App-Key", simtest.AppKey)
		if scenario != "" {
			r.Header.Set("X-Stsim-Scenario", scenario)
		}
		return srv.Request(t, r)
	}
	req("commit-then-500").WantError(t, 500, "")
	req("").OK(t)
	req("no-such-scenario").WantError(t, 400, "X-Stsim-Scenario")
}

func TestTwoTenantsRunDifferentScenarios(t *testing.T) {
	srv := simtest.Start(t)
	type created struct {
		TenantID    int64 `json:"tenantId"`
		Credentials []struct {
			ClientID     string `json:"clientId"`
			ClientSecret string `json:"clientSecret"`
		} `json:"credentials"`
	}
	var a, b created
	srv.Control(t, "POST", "/_sim/tenants", nil).JSON(t, &a)
	srv.Control(t, "POST", "/_sim/tenants", nil).JSON(t, &b)
	tokA := srv.TokenFor(t, a.Credentials[0].ClientID, a.Credentials[0].ClientSecret)
	tokB := srv.TokenFor(t, b.Credentials[0].ClientID, b.Credentials[0].ClientSecret)
	activate(t, srv, "app-disconnected", map[string]any{"tenant": a.TenantID})
	activate(t, srv, "throttle-burst", map[string]any{"tenant": b.TenantID})
	list := func(tenant int64, tok string) int {
		return srv.Do(t, "GET", fmt.Sprintf("/crm/v2/tenant/%d/customers?pageSize=1", tenant), tok, nil).Status
	}
	if s := list(a.TenantID, tokA); s != 401 {
		t.Fatalf("tenant A (disconnected): %d", s)
	}
	var bStatuses []int
	for i := 0; i < 6; i++ {
		bStatuses = append(bStatuses, list(b.TenantID, tokB))
	}
	if bStatuses[4] != 200 || bStatuses[5] != 429 {
		t.Fatalf("tenant B (throttled to 5/s): %v", bStatuses)
	}
	srv.Do(t, "GET", customersList, srv.Token(t), nil).OK(t) // the demo tenant runs normally

	var state struct {
		Active []struct {
			Tenant    int64 `json:"tenant"`
			RuleCalls []int `json:"ruleCalls"`
		} `json:"active"`
	}
	srv.Control(t, "GET", "/_sim/scenarios/throttle-burst", nil).OK(t).JSON(t, &state)
	if len(state.Active) != 1 || state.Active[0].Tenant != b.TenantID || state.Active[0].RuleCalls[0] != 6 {
		t.Fatalf("throttle-burst state: %+v", state)
	}
	var journal struct {
		Requests []struct {
			ScenarioEffect string `json:"scenarioEffect"`
		} `json:"requests"`
	}
	srv.Control(t, "GET", fmt.Sprintf("/_sim/requests?tenant=%d", a.TenantID), nil).OK(t).JSON(t, &journal)
	if n := len(journal.Requests); n == 0 || !strings.HasPrefix(journal.Requests[n-1].ScenarioEffect, "app-disconnected") {
		t.Fatalf("the journal does not name the effect: %+v", journal.Requests)
	}
	deactivate(t, srv, "app-disconnected")
	if s := list(a.TenantID, tokA); s != 200 {
		t.Fatalf("tenant A after deactivation: %d", s)
	}
	srv.Control(t, "POST", "/_sim/scenarios/nope/activate", nil).WantError(t, 404, "")
	var all struct {
		Scenarios []struct{ Name string } `json:"scenarios"`
	}
	srv.Control(t, "GET", "/_sim/scenarios", nil).OK(t).JSON(t, &all)
	if len(all.Scenarios) < 12 {
		t.Fatalf("%d scenarios listed", len(all.Scenarios))
	}
}

// lookup returns the ID of the first record a list call answers.
func lookup(t *testing.T, srv *simtest.Server, tok, path string) int64 {
	t.Helper()
	var p struct {
		Data []struct {
			ID int64 `json:"id"`
		} `json:"data"`
	}
	srv.Do(t, "GET", path, tok, nil).OK(t).JSON(t, &p)
	if len(p.Data) == 0 {
		t.Fatalf("%s found nothing", path)
	}
	return p.Data[0].ID
}

func TestSlotStolenUnderBothPolicies(t *testing.T) {
	for _, policy := range []string{tenant.Strict, tenant.Lenient} {
		t.Run(policy, func(t *testing.T) {
			srv := simtest.Start(t)
			err := resource.Update(srv.Store(), simtest.Tenant, srv.Clock.Now(), func(tx *resource.Tx) error {
				s, err := tenant.Load(tx)
				if err != nil {
					return err
				}
				s.CapacityPolicy = policy
				return tenant.Save(tx, s)
			})
			if err != nil {
				t.Fatal(err)
			}
			tok := srv.Token(t)
			bu := lookup(t, srv, tok, "/settings/v2/tenant/1234567/business-units?name=HVAC")
			tech := lookup(t, srv, tok, "/settings/v2/tenant/1234567/technicians?name=Marcus")
			jobType := lookup(t, srv, tok, simtest.JPM+"/job-types?name=AC%20Repair")
			campaign := lookup(t, srv, tok, "/marketing/v2/tenant/1234567/campaigns?name=Website%20Booking")
			location := lookup(t, srv, tok, simtest.CRM+"/locations?customerId=6")
			// Tuesday 10:00-12:00 in Chicago, the day after the test clock's Monday.
			body := map[string]any{"customerId": 6, "locationId": location, "businessUnitId": bu, "jobTypeId": jobType,
				"priority": "Normal", "campaignId": campaign, "appointments": []any{map[string]any{
					"start": "2026-11-24T16:00:00Z", "end": "2026-11-24T18:00:00Z", "technicianIds": []int64{tech}}}}
			activate(t, srv, "slot-stolen", nil)
			r := srv.Do(t, "POST", simtest.JPM+"/jobs", tok, body)
			var jobs struct {
				TotalCount int `json:"totalCount"`
			}
			srv.Do(t, "GET", fmt.Sprintf("%s/jobs?technicianId=%d&appointmentStartsOnOrAfter=2026-11-24T16:00:00Z&appointmentStartsBefore=2026-11-24T18:00:00Z&includeTotal=true", simtest.JPM, tech), tok, nil).OK(t).JSON(t, &jobs)
			if policy == tenant.Strict {
				r.WantError(t, 409, "")
				if jobs.TotalCount != 1 {
					t.Fatalf("strict: %d jobs in the slot, want the competitor's only", jobs.TotalCount)
				}
			} else {
				r.OK(t)
				if jobs.TotalCount != 2 {
					t.Fatalf("lenient: %d jobs in the slot, want both (over-booked)", jobs.TotalCount)
				}
			}
		})
	}
}

func TestOwnScenarioFilesLoadAtStartAndBadOnesStopIt(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("teapot.yaml", "name: teapot\ndescription: Every call answers 418.\nrules:\n  - match: {operation: Customers_GetList}\n    effect: {status: 418}\n")
	srv := simtest.Start(t, simtest.WithConfig(func(c *config.Config) {
		c.ScenariosDir = dir
		c.Scenarios = []string{"teapot"}
	}))
	srv.Do(t, "GET", customersList, srv.Token(t), nil).WantError(t, 418, "")

	write("broken.yaml", "name: broken\ndescription: x\nrules:\n  - effect:\n      status: 42\n")
	cfg := config.Defaults()
	cfg.ScenariosDir = dir
	_, err := sim.New(sim.Options{Config: cfg})
	if err == nil || !strings.Contains(err.Error(), "broken.yaml: line 5") {
		t.Fatalf("a broken scenario file at start: %v", err)
	}
}

// office-converts: a provider's read of its bookings first has the office
// convert every booking that waited New 10 minutes; younger ones, and
// ones the office cannot convert, stay New; deactivated, it stops.
func TestOfficeConvertsWaitingBookings(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	bookings := simtest.CRM + "/booking-provider/1995/bookings" // the demo connection's tag (fixed by the fixture)
	file := func(externalID string, extra map[string]any) int64 {
		t.Helper()
		body := map[string]any{"source": "Schedule Engine", "name": "Avery Quinn", "summary": "No heat", "isFirstTimeClient": true, "externalId": externalID}
		for k, v := range extra {
			body[k] = v
		}
		var b struct{ ID int64 }
		srv.Do(t, "POST", bookings, tok, body).OK(t).JSON(t, &b)
		return b.ID
	}
	type booking struct {
		ID     int64
		Status string
		JobID  *int64
	}
	status := func(id int64) booking {
		t.Helper()
		var b booking
		srv.Do(t, "GET", fmt.Sprintf("%s/%d", bookings, id), tok, nil).OK(t).JSON(t, &b)
		return b
	}
	address := map[string]any{"street": "12 Elm St", "city": "Naperville", "state": "IL", "zip": "60540", "country": "USA"}
	old := file("se-old", map[string]any{"address": address})
	unreachable := file("se-email-only", map[string]any{"contacts": []any{map[string]any{"type": "Email", "value": "nobody@example.com"}}})
	activate(t, srv, "office-converts", map[string]any{"tenant": simtest.Tenant})

	srv.Clock.Advance(5 * time.Minute)
	young := file("se-young", map[string]any{"address": address})
	if b := status(old); b.Status != "New" {
		t.Fatalf("after 5 minutes: %+v, want New", b)
	}
	srv.Clock.Advance(5 * time.Minute)
	if b := status(old); b.Status != "Converted" || b.JobID == nil {
		t.Fatalf("after 10 minutes: %+v, want Converted with a job", b)
	}
	var page struct{ Data []booking }
	srv.Do(t, "GET", bookings+"?modifiedOnOrAfter=2026-11-23T15:10:00Z", tok, nil).OK(t).JSON(t, &page)
	if len(page.Data) != 1 || page.Data[0].ID != old {
		t.Errorf("bookings modified at the conversion: %+v, want only %d", page.Data, old)
	}
	if b := status(young); b.Status != "New" {
		t.Errorf("a booking 5 minutes old: %+v, want New", b)
	}
	if b := status(unreachable); b.Status != "New" {
		t.Errorf("a booking the office cannot convert (no address, no known phone): %+v, want New", b)
	}
	var job struct{ BookingID *int64 }
	b := status(old)
	srv.Do(t, "GET", fmt.Sprintf("%s/jobs/%d", simtest.JPM, *b.JobID), tok, nil).OK(t).JSON(t, &job)
	if job.BookingID == nil || *job.BookingID != old {
		t.Errorf("job %+v, want bookingId %d", job, old)
	}

	deactivate(t, srv, "office-converts")
	srv.Clock.Advance(time.Hour)
	tok = srv.Token(t)
	if b := status(young); b.Status != "New" {
		t.Errorf("after deactivation: %+v, want New", b)
	}
}

// office-converts: one office works one inbox, so a read by one provider's
// client (under an activation for that client alone) has the office
// convert another provider's waiting booking too.
func TestOfficeConvertsEveryProvidersBookings(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	var other struct{ ID int64 }
	srv.Do(t, "POST", simtest.CRM+"/booking-provider-tags", tok, map[string]any{"tagName": "Other Desk", "description": "Another provider's bookings"}).OK(t).JSON(t, &other)
	bind := func(provider int64) {
		t.Helper()
		srv.Control(t, "PUT", "/_sim/connections/"+simtest.ClientID+"/booking-provider", map[string]any{"bookingProviderId": provider}).OK(t)
	}
	bind(other.ID)
	var filed struct{ ID int64 }
	srv.Do(t, "POST", fmt.Sprintf("%s/booking-provider/%d/bookings", simtest.CRM, other.ID), tok, map[string]any{
		"source": "Other Desk", "name": "Avery Quinn", "summary": "No heat", "isFirstTimeClient": true, "externalId": "od-1",
		"address": map[string]any{"street": "12 Elm St", "city": "Naperville", "state": "IL", "zip": "60540", "country": "USA"}}).OK(t).JSON(t, &filed)
	bind(1995)
	activate(t, srv, "office-converts", map[string]any{"tenant": simtest.Tenant, "clientId": simtest.ClientID})

	srv.Clock.Advance(10 * time.Minute)
	tok = srv.Token(t)
	srv.Do(t, "GET", simtest.CRM+"/booking-provider/1995/bookings", tok, nil).OK(t)
	var jobs struct{ Data []struct{ BookingID *int64 } }
	srv.Do(t, "GET", fmt.Sprintf("%s/jobs?bookingId=%d", simtest.JPM, filed.ID), tok, nil).OK(t).JSON(t, &jobs)
	if len(jobs.Data) != 1 || jobs.Data[0].BookingID == nil || *jobs.Data[0].BookingID != filed.ID {
		t.Fatalf("jobs for the other provider's booking %d: %+v, want the office's one", filed.ID, jobs.Data)
	}
}
