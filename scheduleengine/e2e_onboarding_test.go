package scheduleengine_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stsim/stsim/scheduleengine"
)

// connectFails runs Connect and checks the failing step and problem.
func connectFails(t *testing.T, c *scheduleengine.Client, step string, want scheduleengine.Problem) *scheduleengine.ConnectReport {
	t.Helper()
	rep := c.Connect(context.Background())
	f := rep.Failed()
	if rep.Connected || f == nil {
		t.Fatalf("connected: %+v; want %s to fail with %s", rep, step, want)
	}
	if f.Name != step || f.Problem != want || f.Detail == "" {
		t.Fatalf("failed step %+v; want %s with %s", f, step, want)
	}
	return rep
}

// Onboarding (scenario 18 and the connect command): each wrong setting is
// reported at its step, with what it means.
func TestConnectExplainsEachFailingStep(t *testing.T) {
	s := startSim(t, tenantSettings{})
	ctx := context.Background()
	if rep := s.client().Connect(ctx); !rep.Connected || rep.BookingProviderID == 0 {
		t.Fatalf("demo credentials: %+v, want connected with a booking provider", rep)
	}
	t.Run("wrong secret", func(t *testing.T) {
		connectFails(t, s.client(func(c *scheduleengine.Config) { c.ClientSecret = "cs1.not-the-secret" }), "token", scheduleengine.ProblemWrongSecret)
	})
	t.Run("credentials of another environment", func(t *testing.T) {
		connectFails(t, s.client(func(c *scheduleengine.Config) { c.ClientID = "cid.from-production-0000000001" }), "token", scheduleengine.ProblemWrongEnvironment)
	})
	t.Run("integration credentials against production", func(t *testing.T) {
		prod := s.url + "/_env/production" // stsim's production environment
		connectFails(t, s.client(func(c *scheduleengine.Config) { c.Env = scheduleengine.Env{AuthURL: prod, APIURL: prod} }), "token", scheduleengine.ProblemWrongEnvironment)
		connectFails(t, s.client(func(c *scheduleengine.Config) { c.Env.APIURL = prod }), "api call", scheduleengine.ProblemWrongEnvironment)
	})
	t.Run("auth URL of no token endpoint", func(t *testing.T) {
		connectFails(t, s.client(func(c *scheduleengine.Config) { c.Env.AuthURL = s.url + "/not-auth" }), "token", scheduleengine.ProblemWrongEnvironment)
	})
	t.Run("unreachable API", func(t *testing.T) {
		connectFails(t, s.client(func(c *scheduleengine.Config) { c.Env.APIURL = "http://127.0.0.1:1" }), "api call", scheduleengine.ProblemUnreachable)
	})
	t.Run("wrong tenant", func(t *testing.T) {
		connectFails(t, s.client(func(c *scheduleengine.Config) { c.TenantID = s.tenant + 1 }), "tenant", scheduleengine.ProblemWrongTenant)
	})
	t.Run("wrong app key", func(t *testing.T) {
		connectFails(t, s.client(func(c *scheduleengine.Config) { c.AppKey = "ak1.someoneelsesapp" }), "api call", scheduleengine.ProblemWrongAppKey)
	})
	t.Run("booking-provider binding", func(t *testing.T) {
		rep := connectFails(t, s.client(func(c *scheduleengine.Config) { c.BookingProviderID = 1 }), "booking provider", scheduleengine.ProblemBookingProvider)
		if f := rep.Failed(); !strings.Contains(f.Fix, "bound") {
			t.Errorf("fix %q does not say which tag the connection is bound to", f.Fix)
		}
	})
	t.Run("disabled app", func(t *testing.T) {
		s.control("POST", "/_sim/connections/"+s.creds.ClientID+"/disable", nil, nil, http.StatusOK)
		defer s.control("POST", "/_sim/connections/"+s.creds.ClientID+"/restore", nil, nil, http.StatusOK)
		connectFails(t, s.client(), "token", scheduleengine.ProblemDisabledApp)
	})
}

// Scenario 7, onboarding side: a new app version the tenant has not
// accepted leaves the token without a scope the flow needs.
func TestConnectMissingScope(t *testing.T) {
	s := startSim(t, tenantSettings{Private: true})
	var apps struct {
		Apps []struct {
			ID     string   `json:"id"`
			Scopes []string `json:"scopes"`
		} `json:"apps"`
	}
	s.control("GET", "/_sim/apps", nil, &apps, http.StatusOK)
	app := apps.Apps[0]
	narrow := slices.DeleteFunc(slices.Clone(app.Scopes), func(sc string) bool { return sc == "tn.dis.capacity:w" })
	// The tenant accepts a version without capacity, then the app publishes
	// one with it again, not yet accepted.
	s.control("PUT", "/_sim/apps/"+app.ID+"/scopes", map[string]any{"scopes": narrow}, nil, http.StatusOK)
	s.control("POST", "/_sim/connections/"+s.creds.ClientID+"/accept-version", nil, nil, http.StatusOK)
	s.control("PUT", "/_sim/apps/"+app.ID+"/scopes", map[string]any{"scopes": app.Scopes}, nil, http.StatusOK)

	rep := connectFails(t, s.client(), "scopes", scheduleengine.ProblemMissingScope)
	if f := rep.Failed(); !strings.Contains(f.Detail, "tn.dis.capacity:w") || !strings.Contains(f.Fix, "accept") {
		t.Errorf("step %+v, want the scope named and the fix to accept the new version", f)
	}
	s.control("POST", "/_sim/connections/"+s.creds.ClientID+"/accept-version", nil, nil, http.StatusOK)
	if rep := s.client().Connect(context.Background()); !rep.Connected {
		t.Errorf("after accepting: %+v", rep.Failed())
	}
}
