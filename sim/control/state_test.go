package control_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/control"
	"github.com/stsim/stsim/sim/simtest"
)

// scenarioDir writes scenarios that make one list operation answer 503.
func scenarioDir(t *testing.T, downOperation map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, op := range downOperation {
		yaml := fmt.Sprintf("name: %s\ndescription: %s answers 503.\nrules:\n  - match: {operation: %s}\n"+
			"    effect: {status: 503, title: \"The service is temporarily unavailable.\", retryAfter: 2}\n", name, op, op)
		if err := os.WriteFile(filepath.Join(dir, name+".yaml"), []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type clockRead struct {
	Now    time.Time `json:"now"`
	Frozen bool      `json:"frozen"`
	Own    bool      `json:"own"`
}

func readClock(t *testing.T, srv *simtest.Server, tenant int64) clockRead {
	t.Helper()
	var c clockRead
	srv.Control(t, "GET", fmt.Sprintf("/_sim/clock?tenant=%d", tenant), nil).OK(t).JSON(t, &c)
	return c
}

// activeScopes lists where a scenario is active, as "tenant/clientId".
func activeScopes(t *testing.T, srv *simtest.Server, name string) []string {
	t.Helper()
	var out struct {
		Active []struct {
			Tenant   int64  `json:"tenant"`
			ClientID string `json:"clientId"`
		} `json:"active"`
	}
	srv.Control(t, "GET", "/_sim/scenarios/"+name, nil).OK(t).JSON(t, &out)
	var scopes []string
	for _, a := range out.Active {
		scopes = append(scopes, fmt.Sprintf("%d/%s", a.Tenant, a.ClientID))
	}
	slices.Sort(scopes)
	return scopes
}

const (
	customers = "/crm/v2/tenant/%d/customers?pageSize=1"
	locations = "/crm/v2/tenant/%d/locations?pageSize=1"
)

func status(t *testing.T, srv *simtest.Server, pathFormat string, tenant int64, tok string) int {
	t.Helper()
	return srv.Do(t, "GET", fmt.Sprintf(pathFormat, tenant), tok, nil).Status
}

// TestClockAndScenariosSurviveRestart sets the global clock and tenants'
// own clocks (frozen and running) and activates scenarios for every
// tenant, one tenant and one client through the control API, restarts on
// the same bbolt file and finds each as it was acknowledged; a deleted
// tenant's clock and activations do not come back, not even to a tenant
// created with its ID, and an activation of a scenario that is gone at
// the restart is dropped with a log line naming it.
func TestClockAndScenariosSurviveRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stsim.db")
	dir := scenarioDir(t, map[string]string{"customers-down": "crm.Customers_GetList", "locations-down": "crm.Locations_GetList", "gone": "crm.Locations_GetList"})
	file := simtest.WithConfig(func(c *config.Config) { c.DataFile, c.ScenariosDir = path, dir })
	srv := simtest.Start(t, file)

	var running, frozen, deleted tenantOut
	srv.Control(t, "POST", "/_sim/tenants", nil).JSON(t, &running)
	srv.Control(t, "POST", "/_sim/tenants", nil).JSON(t, &frozen)
	srv.Control(t, "POST", "/_sim/tenants", nil).JSON(t, &deleted)
	run, frz, del := running.Credentials[0], frozen.Credentials[0], deleted.Credentials[0]

	// The global clock: frozen (as simtest starts it), two hours on.
	srv.Control(t, "POST", "/_sim/clock/advance", map[string]any{"duration": "2h"}).OK(t)
	global := readClock(t, srv, 0)
	// One tenant's own clock runs; another's is frozen 30 days ahead, and
	// a token issued on it is valid only from then.
	srv.Control(t, "POST", "/_sim/clock/resume", map[string]any{"tenant": running.TenantID}).OK(t)
	runningOffset := time.Until(readClock(t, srv, running.TenantID).Now)
	frozenAt := global.Now.Add(30 * 24 * time.Hour)
	srv.Control(t, "POST", "/_sim/clock/set", map[string]any{"tenant": frozen.TenantID, "time": frozenAt}).OK(t)
	frozenTok := srv.TokenFor(t, frz.ClientID, frz.ClientSecret)
	srv.Control(t, "POST", "/_sim/clock/advance", map[string]any{"tenant": deleted.TenantID, "duration": "5h"}).OK(t)
	// The demo tenant's own clock is dropped again: it follows the global one.
	srv.Control(t, "POST", "/_sim/clock/advance", map[string]any{"tenant": simtest.Tenant, "duration": "1h"}).OK(t)
	srv.Control(t, "DELETE", fmt.Sprintf("/_sim/clock?tenant=%d", simtest.Tenant), nil).OK(t)

	activate := func(name string, body map[string]any) {
		t.Helper()
		srv.Control(t, "POST", "/_sim/scenarios/"+name+"/activate", body).OK(t)
	}
	activate("locations-down", nil)
	activate("customers-down", map[string]any{"tenant": running.TenantID})
	activate("customers-down", map[string]any{"clientId": frz.ClientID})
	activate("customers-down", map[string]any{"tenant": deleted.TenantID})
	activate("customers-down", map[string]any{"clientId": del.ClientID})
	activate("customers-down", map[string]any{"tenant": simtest.Tenant})
	srv.Control(t, "POST", "/_sim/scenarios/customers-down/deactivate", map[string]any{"tenant": simtest.Tenant}).OK(t)
	activate("gone", map[string]any{"tenant": running.TenantID})
	if r := srv.Control(t, "DELETE", fmt.Sprintf("/_sim/tenants/%d", deleted.TenantID), nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	if err := os.Remove(filepath.Join(dir, "gone.yaml")); err != nil {
		t.Fatal(err)
	}
	srv = simtest.Start(t, file)
	wantLog := fmt.Sprintf(`scenario \"gone\" is no longer known: its activation for tenant %d is dropped`, running.TenantID)
	if !strings.Contains(srv.Logs.String(), wantLog) {
		t.Errorf("the log does not say %s:\n%s", wantLog, srv.Logs.Tail(20))
	}

	if got := readClock(t, srv, 0); !got.Now.Equal(global.Now) || !got.Frozen {
		t.Errorf("global clock after restart %+v, want frozen at %v", got, global.Now)
	}
	if got := readClock(t, srv, running.TenantID); !got.Own || got.Frozen {
		t.Errorf("running tenant clock after restart %+v, want its own, running", got)
	} else if drift := time.Until(got.Now) - runningOffset; drift < -time.Minute || drift > time.Minute {
		t.Errorf("running tenant clock is %v off the wall clock after restart, was %v", time.Until(got.Now), runningOffset)
	}
	if got := readClock(t, srv, frozen.TenantID); !got.Own || !got.Frozen || !got.Now.Equal(frozenAt) {
		t.Errorf("frozen tenant clock after restart %+v, want its own, frozen at %v", got, frozenAt)
	}
	if got := readClock(t, srv, simtest.Tenant); got.Own || !got.Now.Equal(global.Now) {
		t.Errorf("demo tenant clock after restart %+v, want the global one", got)
	}
	srv.Control(t, "GET", fmt.Sprintf("/_sim/clock?tenant=%d", deleted.TenantID), nil).WantError(t, 404, "")
	if got := status(t, srv, customers, frozen.TenantID, frozenTok); got != 503 {
		t.Errorf("a token issued on the frozen tenant clock, then customers for its client-scoped scenario: %d, want 503", got)
	}

	runTok := srv.TokenFor(t, run.ClientID, run.ClientSecret)
	demoTok := srv.Token(t)
	for _, c := range []struct {
		what, path string
		tenant     int64
		tok        string
		want       int
	}{
		{"locations, down everywhere", locations, simtest.Tenant, demoTok, 503},
		{"locations, down everywhere", locations, frozen.TenantID, frozenTok, 503},
		{"customers, down for the tenant", customers, running.TenantID, runTok, 503},
		{"customers, deactivated for the demo tenant", customers, simtest.Tenant, demoTok, 200},
	} {
		if got := status(t, srv, c.path, c.tenant, c.tok); got != c.want {
			t.Errorf("%s (tenant %d) after restart: %d, want %d", c.what, c.tenant, got, c.want)
		}
	}
	if got, want := fmt.Sprint(activeScopes(t, srv, "customers-down")), fmt.Sprintf("[%d/ %d/%s]", running.TenantID, frozen.TenantID, frz.ClientID); got != want {
		t.Errorf("customers-down after restart is active for %s, want %s", got, want)
	}

	// Reset and snapshot restore touch records only.
	srv.Control(t, "POST", fmt.Sprintf("/_sim/tenants/%d/reset", frozen.TenantID), nil).OK(t)
	srv.Control(t, "POST", fmt.Sprintf("/_sim/tenants/%d/snapshots/before", frozen.TenantID), nil).OK(t)
	srv.Control(t, "POST", fmt.Sprintf("/_sim/tenants/%d/snapshots/before/restore", frozen.TenantID), nil).OK(t)
	if got := readClock(t, srv, frozen.TenantID); !got.Own || !got.Frozen || !got.Now.Equal(frozenAt) {
		t.Errorf("frozen tenant clock after reset and restore %+v, want its own, frozen at %v", got, frozenAt)
	}
	if got := status(t, srv, customers, frozen.TenantID, frozenTok); got != 503 {
		t.Errorf("customers of the frozen tenant's client after reset and restore: %d, want 503", got)
	}

	// A tenant made with the deleted tenant's ID starts on the global
	// clock with no scenario.
	var again tenantOut
	srv.Control(t, "POST", "/_sim/tenants", map[string]any{"id": deleted.TenantID}).JSON(t, &again)
	if got := readClock(t, srv, again.TenantID); got.Own || !got.Now.Equal(global.Now) {
		t.Errorf("a tenant with a deleted tenant's ID has clock %+v, want the global one", got)
	}
	againTok := srv.TokenFor(t, again.Credentials[0].ClientID, again.Credentials[0].ClientSecret)
	if got := status(t, srv, customers, again.TenantID, againTok); got != 200 {
		t.Errorf("customers of a tenant with a deleted tenant's ID: %d, want 200", got)
	}

	// The dropped activation is gone from the file: a third start does not
	// mention it.
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	srv = simtest.Start(t, file)
	if strings.Contains(srv.Logs.String(), "no longer known") {
		t.Errorf("the third start dropped an activation again:\n%s", srv.Logs.Tail(20))
	}
	if got, want := fmt.Sprint(activeScopes(t, srv, "customers-down")), fmt.Sprintf("[%d/ %d/%s]", running.TenantID, frozen.TenantID, frz.ClientID); got != want {
		t.Errorf("customers-down after the third start is active for %s, want %s", got, want)
	}
}

// TestScenarioFlagIsNotStored: -scenario activates a scenario for every
// tenant at each start without writing it to the data file; when the file
// holds an activation of the same scenario for every tenant, that one
// (with its activation time) is kept.
func TestScenarioFlagIsNotStored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stsim.db")
	dir := scenarioDir(t, map[string]string{"locations-down": "crm.Locations_GetList"})
	start := func(flag ...string) *simtest.Server {
		return simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.DataFile, c.ScenariosDir, c.Scenarios = path, dir, flag }))
	}
	since := func(srv *simtest.Server) []time.Time {
		var out struct {
			Active []struct {
				Since time.Time `json:"since"`
			} `json:"active"`
		}
		srv.Control(t, "GET", "/_sim/scenarios/locations-down", nil).OK(t).JSON(t, &out)
		var at []time.Time
		for _, a := range out.Active {
			at = append(at, a.Since)
		}
		return at
	}

	srv := start("locations-down")
	if got := status(t, srv, locations, simtest.Tenant, srv.Token(t)); got != 503 {
		t.Fatalf("locations with -scenario locations-down: %d, want 503", got)
	}
	srv.Control(t, "POST", "/_sim/clock/advance", map[string]any{"duration": "1h"}).OK(t)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	srv = start()
	if got := status(t, srv, locations, simtest.Tenant, srv.Token(t)); got != 200 {
		t.Fatalf("locations after a restart without -scenario: %d, want 200", got)
	}
	srv.Control(t, "POST", "/_sim/scenarios/locations-down/activate", nil).OK(t)
	stored := since(srv)
	srv.Control(t, "POST", "/_sim/clock/advance", map[string]any{"duration": "1h"}).OK(t)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	srv = start("locations-down")
	if got := since(srv); len(stored) != 1 || fmt.Sprint(got) != fmt.Sprint(stored) {
		t.Errorf("with the flag and a stored activation: active since %v, want the stored %v", got, stored)
	}
}

// TestActivationsAreBounded: past MaxActivations a tenant's new scope is
// refused (409) and left inactive (every-tenant ones are one per scenario,
// not bounded), while re-activating one of its scopes
// still works and another tenant is not held back; a client ID no
// connection has, one of another tenant's or one longer than MaxClientID
// is a 400; a client-scoped activation is kept under its tenant and a
// deactivation naming the client switches off only that client's.
func TestActivationsAreBounded(t *testing.T) {
	downs := map[string]string{}
	for i := range control.MaxActivations + 1 { // one more than a tenant may have on
		downs[fmt.Sprintf("down-%03d", i)] = "crm.Customers_GetList"
	}
	dir := scenarioDir(t, downs)
	srv := simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.ScenariosDir = dir }))
	var other tenantOut
	srv.Control(t, "POST", "/_sim/tenants", nil).JSON(t, &other)
	otherClient := other.Credentials[0].ClientID

	activate := func(name string, body map[string]any) *simtest.Response {
		t.Helper()
		return srv.Control(t, "POST", "/_sim/scenarios/"+name+"/activate", body)
	}
	for i := range control.MaxActivations - 1 {
		activate(fmt.Sprintf("down-%03d", i), map[string]any{"tenant": simtest.Tenant}).OK(t)
	}
	// The client's activation is kept under its tenant: the bound's last.
	activate("down-000", map[string]any{"clientId": simtest.ClientID}).OK(t)
	if got, want := fmt.Sprint(activeScopes(t, srv, "down-000")), fmt.Sprintf("[%d/ %d/%s]", simtest.Tenant, simtest.Tenant, simtest.ClientID); got != want {
		t.Errorf("down-000 is active for %s, want %s", got, want)
	}
	last := fmt.Sprintf("down-%03d", control.MaxActivations-1)
	activate(last, map[string]any{"tenant": simtest.Tenant}).WantError(t, 409, "")
	if got := activeScopes(t, srv, last); len(got) != 0 {
		t.Errorf("a refused activation is active for %v", got)
	}
	activate("down-007", map[string]any{"tenant": simtest.Tenant}).OK(t) // its scope is already on
	activate(last, map[string]any{"tenant": other.TenantID}).OK(t)       // another tenant's bound is its own
	activate(last, map[string]any{"clientId": otherClient}).OK(t)

	activate(last, map[string]any{"clientId": "cid.nobody"}).WantError(t, 400, "clientId")
	activate(last, map[string]any{"tenant": simtest.Tenant, "clientId": otherClient}).WantError(t, 400, "clientId")
	activate(last, map[string]any{"clientId": strings.Repeat("c", control.MaxClientID+1)}).WantError(t, 400, "clientId")

	srv.Control(t, "POST", "/_sim/scenarios/down-000/deactivate", map[string]any{"clientId": simtest.ClientID}).OK(t)
	if got, want := fmt.Sprint(activeScopes(t, srv, "down-000")), fmt.Sprintf("[%d/]", simtest.Tenant); got != want {
		t.Errorf("after the client's deactivation down-000 is active for %s, want %s", got, want)
	}
	// A deactivation naming the tenant switches off its clients' too.
	activate("down-001", map[string]any{"clientId": simtest.ClientID}).OK(t)
	srv.Control(t, "POST", "/_sim/scenarios/down-001/deactivate", map[string]any{"tenant": simtest.Tenant}).OK(t)
	if got := activeScopes(t, srv, "down-001"); len(got) != 0 {
		t.Errorf("after the tenant's deactivation down-001 is active for %v", got)
	}
	activate(last, map[string]any{"tenant": simtest.Tenant}).OK(t) // room again

	// Activations for every tenant are not bounded per tenant: one per
	// scenario, past MaxActivations scenarios too.
	for name := range downs {
		activate(name, nil).OK(t)
	}
}
