package control_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/auth"
	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/simtest"
)

func tokenStatus(t *testing.T, srv *simtest.Server, clientID, secret string) (int, string) {
	t.Helper()
	r := srv.PostForm(t, "/connect/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}}, nil)
	var body struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
	}
	r.JSON(t, &body)
	if r.Status == 200 {
		return 200, body.AccessToken
	}
	return r.Status, body.Error
}

func TestClockDrivesTokenExpiry(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	var clk struct {
		Now    string `json:"now"`
		Frozen bool   `json:"frozen"`
	}
	srv.Control(t, "GET", "/_sim/clock", nil).OK(t).JSON(t, &clk)
	if !clk.Frozen || !strings.HasPrefix(clk.Now, "2026-11-23T15:00:00") {
		t.Fatalf("clock = %+v", clk)
	}
	srv.Control(t, "POST", "/_sim/clock/advance", map[string]string{"duration": "16m"}).OK(t).JSON(t, &clk)
	if !strings.HasPrefix(clk.Now, "2026-11-23T15:16:00") {
		t.Fatalf("advanced clock = %+v", clk)
	}
	if r := srv.Do(t, "GET", simtest.CRM+"/customers", tok, nil); r.Status != 401 {
		t.Fatalf("a token 16 minutes old answered %d", r.Status)
	}
	srv.Control(t, "POST", "/_sim/clock/advance", map[string]string{"duration": "soon"}).WantError(t, 400, "duration")
	srv.Control(t, "POST", "/_sim/clock/set", map[string]string{"time": "2027-01-01T00:00:00Z"}).OK(t).JSON(t, &clk)
	if !strings.HasPrefix(clk.Now, "2027-01-01T00:00:00") {
		t.Fatalf("set clock = %+v", clk)
	}
	srv.Control(t, "POST", "/_sim/clock/resume", nil).OK(t).JSON(t, &clk)
	if clk.Frozen {
		t.Fatal("resume left the clock frozen")
	}
	srv.Control(t, "POST", "/_sim/clock/freeze", nil).OK(t).JSON(t, &clk)
	if !clk.Frozen {
		t.Fatal("freeze did not freeze")
	}
}

type tenantOut struct {
	TenantID    int64 `json:"tenantId"`
	Credentials []struct {
		AppKey       string `json:"appKey"`
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
	} `json:"credentials"`
}

type page struct {
	TotalCount *int             `json:"totalCount"`
	Data       []map[string]any `json:"data"`
}

func TestTenantsAreCreatedIsolatedResetAndDeleted(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		var a, b tenantOut
		srv.Control(t, "POST", "/_sim/tenants", map[string]any{"fixture": "demo"}).JSON(t, &a)
		srv.Control(t, "POST", "/_sim/tenants", nil).JSON(t, &b)
		if a.TenantID == b.TenantID || a.TenantID == simtest.Tenant || len(a.Credentials) != 1 {
			t.Fatalf("tenants %+v %+v", a, b)
		}
		tokA := srv.TokenFor(t, a.Credentials[0].ClientID, a.Credentials[0].ClientSecret)
		tokB := srv.TokenFor(t, b.Credentials[0].ClientID, b.Credentials[0].ClientSecret)
		base := func(tenant int64) string { return fmt.Sprintf("/crm/v2/tenant/%d", tenant) }
		count := func(tenant int64, tok string) int {
			var p page
			srv.Do(t, "GET", base(tenant)+"/customers?includeTotal=true&active=Any", tok, nil).OK(t).JSON(t, &p)
			return *p.TotalCount
		}
		seeded := count(a.TenantID, tokA)
		if seeded != count(b.TenantID, tokB) {
			t.Fatal("two tenants from one fixture differ")
		}
		// A write in tenant A is invisible in tenant B.
		srv.Do(t, "POST", base(a.TenantID)+"/customers", tokA, map[string]any{
			"name": "Only In A", "address": map[string]any{"street": "1 A St", "city": "Aurora", "state": "IL", "zip": "60505", "country": "USA"},
			"locations": []any{map[string]any{"name": "Home", "address": map[string]any{"street": "1 A St", "city": "Aurora", "state": "IL", "zip": "60505", "country": "USA"}}},
		}).OK(t)
		if count(a.TenantID, tokA) != seeded+1 || count(b.TenantID, tokB) != seeded {
			t.Fatal("a write leaked between tenants")
		}
		// Snapshot, write, restore.
		srv.Control(t, "POST", fmt.Sprintf("/_sim/tenants/%d/snapshots/before", a.TenantID), nil).OK(t)
		srv.Do(t, "POST", base(a.TenantID)+"/customers", tokA, map[string]any{
			"name": "After Snapshot", "address": map[string]any{"street": "2 A St", "city": "Aurora", "state": "IL", "zip": "60505", "country": "USA"},
			"locations": []any{map[string]any{"name": "Home", "address": map[string]any{"street": "2 A St", "city": "Aurora", "state": "IL", "zip": "60505", "country": "USA"}}},
		}).OK(t)
		srv.Control(t, "POST", fmt.Sprintf("/_sim/tenants/%d/snapshots/before/restore", a.TenantID), nil).OK(t)
		if got := count(a.TenantID, tokA); got != seeded+1 {
			t.Fatalf("after restore tenant A has %d customers, want %d", got, seeded+1)
		}
		srv.Control(t, "POST", fmt.Sprintf("/_sim/tenants/%d/snapshots/nosuch/restore", a.TenantID), nil).WantError(t, 404, "")
		// Reset goes back to the fixture; the credentials keep working.
		srv.Control(t, "POST", fmt.Sprintf("/_sim/tenants/%d/reset", a.TenantID), nil).OK(t)
		if got := count(a.TenantID, tokA); got != seeded {
			t.Fatalf("after reset tenant A has %d customers, want %d", got, seeded)
		}
		// Delete: the credentials stop working.
		if r := srv.Control(t, "DELETE", fmt.Sprintf("/_sim/tenants/%d", a.TenantID), nil); r.Status != 204 {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		if code, e := tokenStatus(t, srv, a.Credentials[0].ClientID, a.Credentials[0].ClientSecret); code != 400 || e != "invalid_client" {
			t.Fatalf("deleted tenant's secret: %d %s", code, e)
		}
		if r := srv.Do(t, "GET", base(a.TenantID)+"/customers", tokA, nil); r.Status != 401 {
			t.Fatalf("deleted tenant's token: %d", r.Status)
		}
		srv.Control(t, "DELETE", fmt.Sprintf("/_sim/tenants/%d", a.TenantID), nil).WantError(t, 404, "")
		srv.Control(t, "POST", "/_sim/tenants", map[string]any{"fixture": "nosuch"}).WantError(t, 400, "fixture")
		srv.Control(t, "POST", "/_sim/tenants", map[string]any{"id": b.TenantID}).WantError(t, 409, "")
	})
}

// TestConnectGenerateRotateDisableRestore walks the tenant admin's "API
// Application Access" screen and checks the token endpoint's and the API's
// answer after each step.
func TestConnectGenerateRotateDisableRestore(t *testing.T) {
	srv := simtest.Start(t)
	app, _ := srv.Auth().Registry.AppByKey(simtest.AppKey)
	if err := srv.Auth().Registry.AddApp(auth.App{ID: "dispatch-board", Name: "Dispatch Board", Key: "ak1.dispatchboard00000000001", Scopes: app.Scopes}); err != nil {
		t.Fatal(err)
	}
	const appKey = "ak1.dispatchboard00000000001"
	call := func(tok string) int {
		return srv.Call(t, "GET", simtest.CRM+"/customers?pageSize=1", tok, appKey, nil).Status
	}

	// 1. Connect New App: a client ID, no secret yet.
	var conn struct {
		ClientID string `json:"clientId"`
		Enabled  bool   `json:"enabled"`
		Secrets  []struct {
			Set bool `json:"set"`
		} `json:"secrets"`
	}
	r := srv.Control(t, "POST", "/_sim/tenants/1234567/connections", map[string]string{"appId": "dispatch-board"})
	if r.Status != 201 {
		t.Fatalf("connect: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &conn)
	if !strings.HasPrefix(conn.ClientID, "cid.") || !conn.Enabled || conn.Secrets[0].Set || conn.Secrets[1].Set {
		t.Fatalf("new connection: %+v", conn)
	}
	if code, e := tokenStatus(t, srv, conn.ClientID, ""); code != 400 || e != "invalid_client" {
		t.Fatalf("token before any secret: %d %s", code, e)
	}
	srv.Control(t, "POST", "/_sim/tenants/1234567/connections", map[string]string{"appId": "dispatch-board"}).WantError(t, 409, "")

	// 2. Generate client secret (slot 1): shown once, works.
	var gen struct {
		ClientSecret string `json:"clientSecret"`
	}
	srv.Control(t, "POST", "/_sim/connections/"+conn.ClientID+"/secrets/1", nil).OK(t).JSON(t, &gen)
	first := gen.ClientSecret
	code, tok1 := tokenStatus(t, srv, conn.ClientID, first)
	if code != 200 || call(tok1) != 200 {
		t.Fatalf("first secret: token %d, call %d", code, call(tok1))
	}
	listed := string(srv.Control(t, "GET", "/_sim/tenants/1234567/connections", nil).OK(t).Body)
	if strings.Contains(listed, first) {
		t.Fatal("the connection list shows a secret")
	}

	// 3. Rotate: a second secret in slot 2; both work until slot 1 is revoked.
	srv.Control(t, "POST", "/_sim/connections/"+conn.ClientID+"/secrets/2", nil).OK(t).JSON(t, &gen)
	second := gen.ClientSecret
	if !strings.HasPrefix(second, "cs2.") {
		t.Fatalf("slot 2 secret %q", second)
	}
	if c1, _ := tokenStatus(t, srv, conn.ClientID, first); c1 != 200 {
		t.Fatal("slot 1 stopped working before it was revoked")
	}
	srv.Control(t, "DELETE", "/_sim/connections/"+conn.ClientID+"/secrets/1", nil).OK(t)
	if code, e := tokenStatus(t, srv, conn.ClientID, first); code != 400 || e != "invalid_client" {
		t.Fatalf("rotated-out secret: %d %s", code, e)
	}
	code, tok2 := tokenStatus(t, srv, conn.ClientID, second)
	if code != 200 || call(tok2) != 200 || call(tok1) != 200 {
		t.Fatalf("after rotation: token %d, new call %d, old token call %d", code, call(tok2), call(tok1))
	}

	// 4. Disable: cached tokens stop working at once, and no new ones.
	srv.Control(t, "POST", "/_sim/connections/"+conn.ClientID+"/disable", nil).OK(t)
	if call(tok2) != 401 {
		t.Fatalf("a disabled connection's token answered %d", call(tok2))
	}
	if code, e := tokenStatus(t, srv, conn.ClientID, second); code != 400 || e != "invalid_client" {
		t.Fatalf("token for a disabled connection: %d %s", code, e)
	}

	// 5. Restore: the same token works again.
	srv.Control(t, "POST", "/_sim/connections/"+conn.ClientID+"/restore", nil).OK(t)
	if call(tok2) != 200 {
		t.Fatalf("restored connection's token answered %d", call(tok2))
	}
	srv.Control(t, "POST", "/_sim/connections/cid.nosuch/disable", nil).WantError(t, 404, "")
	srv.Control(t, "POST", "/_sim/connections/"+conn.ClientID+"/secrets/3", nil).WantError(t, 400, "slot")
}

func TestExpireTokensAndAppVersions(t *testing.T) {
	srv := simtest.Start(t)
	old := srv.Token(t)
	srv.Control(t, "POST", "/_sim/connections/"+simtest.ClientID+"/expire-tokens", nil).OK(t)
	if r := srv.Do(t, "GET", simtest.CRM+"/customers", old, nil); r.Status != 401 {
		t.Fatalf("a revoked token answered %d", r.Status)
	}
	if r := srv.Do(t, "GET", simtest.CRM+"/customers", srv.Token(t), nil); r.Status != 200 {
		t.Fatalf("a token issued after the revocation answered %d", r.Status)
	}

	// A new app version without customers:r takes effect only once accepted.
	app, _ := srv.Auth().Registry.AppByKey(simtest.AppKey)
	var scopes []string
	for _, s := range app.Scopes {
		if s != "tn.crm.customers:r" {
			scopes = append(scopes, s)
		}
	}
	var out struct {
		Version int `json:"version"`
	}
	srv.Control(t, "PUT", "/_sim/apps/"+app.ID+"/scopes", map[string]any{"scopes": scopes}).OK(t).JSON(t, &out)
	if out.Version != 2 {
		t.Fatalf("app version %d, want 2", out.Version)
	}
	if r := srv.Do(t, "GET", simtest.CRM+"/customers", srv.Token(t), nil); r.Status != 200 {
		t.Fatalf("before accepting the new version: %d", r.Status)
	}
	srv.Control(t, "POST", "/_sim/connections/"+simtest.ClientID+"/accept-version", nil).OK(t)
	if r := srv.Do(t, "GET", simtest.CRM+"/customers", srv.Token(t), nil); r.Status != 403 {
		t.Fatalf("after accepting a version without the scope: %d", r.Status)
	}
}

func TestControlAPIGuard(t *testing.T) {
	srv := simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.ControlToken = "s3cret" }))
	if r := srv.Call(t, "GET", "/_sim/clock", "", "", nil); r.Status != 401 {
		t.Fatalf("no control token: %d", r.Status)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/_sim/clock", nil)
	req.Header.Set("Authorization", "Bearer s3cret")
	if r := srv.Request(t, req); r.Status != 200 {
		t.Fatalf("with the control token: %d", r.Status)
	}
	if r := srv.Call(t, "GET", "/_sim/health", "", "", nil); r.Status != 200 {
		t.Fatalf("health must stay open: %d", r.Status)
	}
	open := simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.Addr = "0.0.0.0:8080" }))
	if r := open.Call(t, "GET", "/_sim/clock", "", "", nil); r.Status != 403 {
		t.Fatalf("beyond loopback without a token: %d", r.Status)
	}
}

// TestPerTenantClockDrivesExpiryAndExports moves one tenant's clock: its
// tokens expire and its export feed catches up, while the demo tenant, on
// the global clock, is untouched.
func TestPerTenantClockDrivesExpiryAndExports(t *testing.T) {
	srv := simtest.Start(t)
	var a tenantOut
	srv.Control(t, "POST", "/_sim/tenants", nil).JSON(t, &a)
	tokA := srv.TokenFor(t, a.Credentials[0].ClientID, a.Credentials[0].ClientSecret)
	demoTok := srv.Token(t)
	base := fmt.Sprintf("/crm/v2/tenant/%d", a.TenantID)
	srv.Do(t, "POST", base+"/customers", tokA, map[string]any{
		"name": "Clock Test", "address": map[string]any{"street": "1 A St", "city": "Aurora", "state": "IL", "zip": "60505", "country": "USA"},
		"locations": []any{map[string]any{"name": "Home", "address": map[string]any{"street": "1 A St", "city": "Aurora", "state": "IL", "zip": "60505", "country": "USA"}}},
	}).OK(t)
	exported := func(tok string) int {
		var p struct {
			Data []struct {
				Name string `json:"name"`
			} `json:"data"`
		}
		srv.Do(t, "GET", base+"/export/customers", tok, nil).OK(t).JSON(t, &p)
		for _, c := range p.Data {
			if c.Name == "Clock Test" {
				return 1
			}
		}
		return 0
	}
	if exported(tokA) != 0 {
		t.Fatal("a fresh change is visible in the export before 15 minutes")
	}

	var clk struct {
		Now    string `json:"now"`
		Tenant int64  `json:"tenant"`
		Own    bool   `json:"own"`
	}
	srv.Control(t, "POST", "/_sim/clock/advance", map[string]any{"tenant": a.TenantID, "duration": "16m"}).OK(t).JSON(t, &clk)
	if !clk.Own || clk.Tenant != a.TenantID || !strings.HasPrefix(clk.Now, "2026-11-23T15:16:00") {
		t.Fatalf("tenant clock after advance: %+v", clk)
	}
	if r := srv.Do(t, "GET", base+"/customers", tokA, nil); r.Status != 401 {
		t.Fatalf("tenant A's 16-minute-old token answered %d", r.Status)
	}
	srv.Do(t, "GET", simtest.CRM+"/customers?pageSize=1", demoTok, nil).OK(t) // the global clock did not move
	tokA = srv.TokenFor(t, a.Credentials[0].ClientID, a.Credentials[0].ClientSecret)
	if exported(tokA) != 1 {
		t.Fatal("tenant A's export did not follow its clock")
	}
	srv.Control(t, "GET", fmt.Sprintf("/_sim/clock?tenant=%d", a.TenantID), nil).OK(t).JSON(t, &clk)
	if !strings.HasPrefix(clk.Now, "2026-11-23T15:16:00") {
		t.Fatalf("GET tenant clock: %+v", clk)
	}
	srv.Control(t, "DELETE", fmt.Sprintf("/_sim/clock?tenant=%d", a.TenantID), nil).OK(t).JSON(t, &clk)
	if clk.Own || !strings.HasPrefix(clk.Now, "2026-11-23T15:00:00") {
		t.Fatalf("after dropping the tenant clock: %+v", clk)
	}
	srv.Control(t, "POST", "/_sim/clock/advance", map[string]any{"tenant": 999, "duration": "1m"}).WantError(t, 404, "")
}

// TestTenantListAndRateLimitState covers the reads the dashboard adds.
func TestTenantListAndRateLimitState(t *testing.T) {
	srv := simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.RateLimit = 5 }))
	var tenants struct {
		Tenants []struct {
			ID      int64  `json:"tenantId"`
			Fixture string `json:"fixture"`
		} `json:"tenants"`
	}
	srv.Control(t, "GET", "/_sim/tenants", nil).OK(t).JSON(t, &tenants)
	if len(tenants.Tenants) != 1 || tenants.Tenants[0].ID != simtest.Tenant || tenants.Tenants[0].Fixture != "demo" {
		t.Fatalf("tenants: %+v", tenants)
	}
	tok := srv.Token(t)
	for range 3 {
		srv.Do(t, "GET", simtest.CRM+"/customers?pageSize=1", tok, nil).OK(t)
	}
	var rl struct {
		WindowSeconds float64 `json:"windowSeconds"`
		Usage         []struct {
			AppName  string `json:"appName"`
			Tenant   int64  `json:"tenant"`
			InWindow int    `json:"inWindow"`
			Limit    int    `json:"limit"`
		} `json:"usage"`
	}
	srv.Control(t, "GET", "/_sim/ratelimit", nil).OK(t).JSON(t, &rl)
	if rl.WindowSeconds != 1 || len(rl.Usage) != 1 || rl.Usage[0].InWindow != 3 || rl.Usage[0].Limit != 5 ||
		rl.Usage[0].Tenant != simtest.Tenant || rl.Usage[0].AppName == "" {
		t.Fatalf("rate-limit state: %+v", rl)
	}
	if strings.Contains(string(srv.Control(t, "GET", "/_sim/ratelimit", nil).Body), simtest.AppKey) {
		t.Fatal("the rate-limit state shows the app key")
	}
	srv.Clock.Advance(2 * time.Second)
	srv.Control(t, "GET", "/_sim/ratelimit", nil).OK(t).JSON(t, &rl)
	if len(rl.Usage) != 0 {
		t.Fatalf("a window later, usage is %+v", rl.Usage)
	}
}
