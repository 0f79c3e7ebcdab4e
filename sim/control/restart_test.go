package control_test

import (
	"fmt"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/simtest"
)

// connectionState is what the restart test compares of a connection.
type connectionState struct {
	ClientID          string `json:"clientId"`
	Enabled           bool   `json:"enabled"`
	AcceptedVersion   int    `json:"acceptedVersion"`
	BookingProviderID int64  `json:"bookingProviderId"`
	Secrets           []struct {
		Set       bool    `json:"set"`
		ExpiresAt *string `json:"expiresAt"`
	} `json:"secrets"`
}

func connectionOf(t *testing.T, srv *simtest.Server, tenant int64) connectionState {
	t.Helper()
	var out struct {
		Connections []connectionState `json:"connections"`
	}
	srv.Control(t, "GET", fmt.Sprintf("/_sim/tenants/%d/connections", tenant), nil).OK(t).JSON(t, &out)
	if len(out.Connections) != 1 {
		t.Fatalf("tenant %d has %d connections, want 1", tenant, len(out.Connections))
	}
	return out.Connections[0]
}

// tokenError is the token endpoint's answer as "status error: description".
func tokenError(t *testing.T, srv *simtest.Server, clientID, secret string) string {
	t.Helper()
	r := srv.PostForm(t, "/connect/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}}, nil)
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	r.JSON(t, &body)
	return fmt.Sprintf("%d %s: %s", r.Status, body.Error, body.Description)
}

func addCustomer(t *testing.T, srv *simtest.Server, tenant int64, tok, name string) {
	t.Helper()
	addr := map[string]any{"street": "1 A St", "city": "Aurora", "state": "IL", "zip": "60505", "country": "USA"}
	srv.Do(t, "POST", fmt.Sprintf("/crm/v2/tenant/%d/customers", tenant), tok, map[string]any{
		"name": name, "address": addr, "locations": []any{map[string]any{"name": "Home", "address": addr}},
	}).OK(t)
}

func customersNamed(t *testing.T, srv *simtest.Server, tenant int64, tok, name string) int {
	t.Helper()
	var p page
	srv.Do(t, "GET", fmt.Sprintf("/crm/v2/tenant/%d/customers?includeTotal=true&name=%s", tenant, url.QueryEscape(name)), tok, nil).OK(t).JSON(t, &p)
	return *p.TotalCount
}

// TestControlPlaneStateSurvivesRestart changes every kind of registry state
// through the control API, starts a new server on the same bbolt file and
// finds each change as it was acknowledged; deleted tenants stay deleted
// and their IDs are not handed out again.
func TestControlPlaneStateSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stsim.db")
	file := simtest.WithConfig(func(c *config.Config) { c.DataFile = path })
	srv := simtest.Start(t, file)

	var rotated, disabled, deleted tenantOut
	srv.Control(t, "POST", "/_sim/tenants", nil).JSON(t, &rotated)
	srv.Control(t, "POST", "/_sim/tenants", nil).JSON(t, &disabled)
	srv.Control(t, "POST", "/_sim/tenants", nil).JSON(t, &deleted)
	rot, dis, del := rotated.Credentials[0], disabled.Credentials[0], deleted.Credentials[0]

	// Rotate: a secret in slot 2 that expires in 30 days, slot 1 revoked; bind "No Restriction"
	// where the fixture bound the Schedule Engine tag.
	var gen struct {
		ClientSecret string `json:"clientSecret"`
	}
	srv.Control(t, "POST", "/_sim/connections/"+rot.ClientID+"/secrets/2", map[string]any{"expiresIn": "720h"}).OK(t).JSON(t, &gen)
	srv.Control(t, "DELETE", "/_sim/connections/"+rot.ClientID+"/secrets/1", nil).OK(t)
	if connectionOf(t, srv, rotated.TenantID).BookingProviderID == 0 {
		t.Fatal("the fixture bound no booking-provider tag; the test needs one to unbind")
	}
	srv.Control(t, "PUT", "/_sim/connections/"+rot.ClientID+"/booking-provider", map[string]any{"bookingProviderId": 0}).OK(t)
	addCustomer(t, srv, rotated.TenantID, srv.TokenFor(t, rot.ClientID, gen.ClientSecret), "Written Before Restart")

	srv.Control(t, "POST", "/_sim/connections/"+dis.ClientID+"/disable", nil).OK(t)

	addCustomer(t, srv, deleted.TenantID, srv.TokenFor(t, del.ClientID, del.ClientSecret), "Deleted Tenant Customer")
	if r := srv.Control(t, "DELETE", fmt.Sprintf("/_sim/tenants/%d", deleted.TenantID), nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}

	// The demo connection: revoke its tokens; publish an app version it
	// has not accepted.
	oldDemoToken := srv.Token(t)
	srv.Control(t, "POST", "/_sim/connections/"+simtest.ClientID+"/expire-tokens", nil).OK(t)
	scopes := demoAppScopes(t, srv)
	var app struct {
		ID      string `json:"id"`
		Version int    `json:"version"`
	}
	srv.Control(t, "PUT", "/_sim/apps/schedule-engine/scopes", map[string]any{"scopes": scopes[1:]}).OK(t).JSON(t, &app)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	srv = simtest.Start(t, file)
	if got := tokenError(t, srv, rot.ClientID, rot.ClientSecret); got != "400 invalid_client: client_secret does not match" {
		t.Errorf("revoked slot 1 after restart: %s", got)
	}
	rotTok := srv.TokenFor(t, rot.ClientID, gen.ClientSecret)
	if c := connectionOf(t, srv, rotated.TenantID); c.Secrets[0].Set || !c.Secrets[1].Set || c.BookingProviderID != 0 || !c.Enabled {
		t.Errorf("rotated connection after restart: %+v", c)
	} else if c.Secrets[1].ExpiresAt == nil || *c.Secrets[1].ExpiresAt != "2026-12-23T15:00:00Z" {
		t.Errorf("slot 2 expiry after restart: %v, want 2026-12-23T15:00:00Z", c.Secrets[1].ExpiresAt)
	}
	if n := customersNamed(t, srv, rotated.TenantID, rotTok, "Written Before Restart"); n != 1 {
		t.Errorf("the customer written before the restart is there %d times", n)
	}

	if got := tokenError(t, srv, dis.ClientID, dis.ClientSecret); got != "400 invalid_client: the connection is disabled by the tenant" {
		t.Errorf("disabled connection after restart: %s", got)
	}

	if got := tokenError(t, srv, del.ClientID, del.ClientSecret); got != "400 invalid_client: unknown client_id" {
		t.Errorf("deleted tenant's credentials after restart: %s", got)
	}
	srv.Control(t, "GET", fmt.Sprintf("/_sim/tenants/%d/connections", deleted.TenantID), nil).WantError(t, 404, "")
	var listed struct {
		Tenants []struct {
			TenantID int64  `json:"tenantId"`
			Fixture  string `json:"fixture"`
		} `json:"tenants"`
	}
	srv.Control(t, "GET", "/_sim/tenants", nil).OK(t).JSON(t, &listed)
	if got, want := fmt.Sprint(listed.Tenants), fmt.Sprintf("[{%d demo} {%d demo} {%d demo}]", simtest.Tenant, rotated.TenantID, disabled.TenantID); got != want {
		t.Errorf("tenants after restart: %s, want %s", got, want)
	}

	if r := srv.Do(t, "GET", simtest.CRM+"/customers?pageSize=1", oldDemoToken, nil); r.Status != 401 {
		t.Errorf("a demo token revoked before the restart answered %d", r.Status)
	}
	demo := connectionOf(t, srv, simtest.Tenant)
	if demo.AcceptedVersion != 1 || demo.BookingProviderID == 0 {
		t.Errorf("demo connection after restart: %+v", demo)
	}
	if got := demoAppVersion(t, srv); got != app.Version || app.Version != 2 {
		t.Errorf("app version after restart %d, published %d", got, app.Version)
	}
	srv.Do(t, "GET", simtest.CRM+"/customers?pageSize=1", srv.Token(t), nil).OK(t) // demo credentials keep working

	// A new tenant gets an ID no tenant had, and none of the deleted
	// tenant's records; so does one that asks for the deleted ID.
	var fresh tenantOut
	srv.Control(t, "POST", "/_sim/tenants", nil).JSON(t, &fresh)
	for _, old := range []int64{rotated.TenantID, disabled.TenantID, deleted.TenantID} {
		if fresh.TenantID <= old {
			t.Fatalf("new tenant %d after restart; earlier tenants had up to %d", fresh.TenantID, old)
		}
	}
	var again tenantOut
	srv.Control(t, "POST", "/_sim/tenants", map[string]any{"id": deleted.TenantID}).JSON(t, &again)
	for _, n := range []tenantOut{fresh, again} {
		tok := srv.TokenFor(t, n.Credentials[0].ClientID, n.Credentials[0].ClientSecret)
		if got := customersNamed(t, srv, n.TenantID, tok, "Deleted Tenant Customer"); got != 0 {
			t.Errorf("tenant %d inherited %d records of the deleted tenant", n.TenantID, got)
		}
	}
}

func demoAppScopes(t *testing.T, srv *simtest.Server) []string {
	t.Helper()
	app, ok := srv.Auth().Registry.App("schedule-engine")
	if !ok || len(app.Scopes) < 2 {
		t.Fatalf("demo app: %+v", app)
	}
	return app.Scopes
}

func demoAppVersion(t *testing.T, srv *simtest.Server) int {
	t.Helper()
	var out struct {
		Apps []struct {
			ID      string `json:"id"`
			Version int    `json:"version"`
		} `json:"apps"`
	}
	srv.Control(t, "GET", "/_sim/apps", nil).OK(t).JSON(t, &out)
	for _, a := range out.Apps {
		if a.ID == "schedule-engine" {
			return a.Version
		}
	}
	t.Fatal("no schedule-engine app")
	return 0
}
