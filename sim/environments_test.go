package sim_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stsim/stsim/sim/simtest"
)

// tokenAnswer asks path's token endpoint for a token, optionally under
// another Host, and returns the status and the token or error.
func tokenAnswer(t *testing.T, srv *simtest.Server, path, host, clientID, secret string) (int, string) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}}
	req, err := http.NewRequest("POST", srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Host = host
	r := srv.Request(t, req)
	var body struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
	}
	r.JSON(t, &body)
	return r.Status, body.AccessToken + body.Error
}

// apiStatus calls path with a token and the demo app key, optionally
// under another Host.
func apiStatus(t *testing.T, srv *simtest.Server, path, host, token string) int {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("ST-App-Key", simtest.AppKey)
	req.Host = host
	return srv.Request(t, req).Status
}

// TestIntegrationAndProductionEnvironments: credentials belong to one
// environment; the other's token endpoint answers invalid_client and its
// API 401, whether the environment is chosen by path prefix or Host; the
// app key is the same in both.
func TestIntegrationAndProductionEnvironments(t *testing.T) {
	srv := simtest.Start(t)
	var prod struct {
		TenantID    int64  `json:"tenantId"`
		Environment string `json:"environment"`
		Credentials []struct {
			AppKey       string `json:"appKey"`
			ClientID     string `json:"clientId"`
			ClientSecret string `json:"clientSecret"`
		} `json:"credentials"`
	}
	r := srv.Control(t, "POST", "/_sim/tenants", map[string]any{"environment": "production"})
	if r.Status != 201 {
		t.Fatalf("create a production tenant: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &prod)
	cred := prod.Credentials[0]
	if prod.Environment != "production" || cred.AppKey != simtest.AppKey {
		t.Fatalf("production tenant %+v: want environment production and the demo app key", prod)
	}
	prodAPI := fmt.Sprintf("/crm/v2/tenant/%d/customers?pageSize=1", prod.TenantID)

	// Token endpoints: each environment knows only its own credentials.
	code, prodTok := tokenAnswer(t, srv, "/_env/production/connect/token", "", cred.ClientID, cred.ClientSecret)
	if code != 200 {
		t.Fatalf("production credentials at the production token endpoint: %d %s", code, prodTok)
	}
	if code, e := tokenAnswer(t, srv, "/connect/token", "", cred.ClientID, cred.ClientSecret); code != 400 || e != "invalid_client" {
		t.Errorf("production credentials at the integration token endpoint: %d %s", code, e)
	}
	if code, e := tokenAnswer(t, srv, "/_env/production/connect/token", "", simtest.ClientID, simtest.ClientSecret); code != 400 || e != "invalid_client" {
		t.Errorf("integration credentials at the production token endpoint: %d %s", code, e)
	}
	if code, e := tokenAnswer(t, srv, "/connect/token", "auth.servicetitan.io", simtest.ClientID, simtest.ClientSecret); code != 400 || e != "invalid_client" {
		t.Errorf("integration credentials under Host auth.servicetitan.io: %d %s", code, e)
	}
	code, hostTok := tokenAnswer(t, srv, "/connect/token", "auth.servicetitan.io:443", cred.ClientID, cred.ClientSecret)
	if code != 200 {
		t.Fatalf("production credentials under Host auth.servicetitan.io: %d %s", code, hostTok)
	}
	var claims jwt.MapClaims
	if _, _, err := jwt.NewParser().ParseUnverified(prodTok, &claims); err != nil || claims["iss"] != "http://127.0.0.1:8080/_env/production" {
		t.Errorf("production token iss = %v (%v)", claims["iss"], err)
	}

	// The API: a token works in its own environment only, with the one app key.
	demoTok := srv.Token(t)
	for _, tc := range []struct {
		name, path, host, token string
		want                    int
	}{
		{"production token, production prefix", "/_env/production" + prodAPI, "", prodTok, 200},
		{"production token, production Host", prodAPI, "api.servicetitan.io", hostTok, 200},
		{"production token, integration", prodAPI, "", prodTok, 401},
		{"production token, integration prefix beats Host", "/_env/integration" + prodAPI, "api.servicetitan.io", prodTok, 401},
		{"integration token, production prefix", "/_env/production" + simtest.CRM + "/customers?pageSize=1", "", demoTok, 401},
		{"integration token, production Host", simtest.CRM + "/customers?pageSize=1", "api.servicetitan.io", demoTok, 401},
		{"integration token, integration Host", simtest.CRM + "/customers?pageSize=1", "api-integration.servicetitan.io", demoTok, 200},
		{"no such environment", "/_env/staging" + prodAPI, "", prodTok, 404},
	} {
		if got := apiStatus(t, srv, tc.path, tc.host, tc.token); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}

	// Discovery names the environment's issuer; the control API names
	// each connection's environment and how to reach each environment.
	var disc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	srv.Call(t, "GET", "/_env/production/.well-known/openid-configuration", "", "", nil).OK(t).JSON(t, &disc)
	if disc.Issuer != "http://127.0.0.1:8080/_env/production" || !strings.HasPrefix(disc.JWKSURI, disc.Issuer+"/") {
		t.Errorf("production discovery: %+v", disc)
	}
	var conns struct {
		Connections []struct {
			Environment string `json:"environment"`
		} `json:"connections"`
	}
	srv.Control(t, "GET", fmt.Sprintf("/_sim/tenants/%d/connections", prod.TenantID), nil).OK(t).JSON(t, &conns)
	if conns.Connections[0].Environment != "production" {
		t.Errorf("production connection environment %q", conns.Connections[0].Environment)
	}
	srv.Control(t, "GET", "/_sim/tenants/1234567/connections", nil).OK(t).JSON(t, &conns)
	if conns.Connections[0].Environment != "integration" {
		t.Errorf("demo connection environment %q", conns.Connections[0].Environment)
	}
	var envs struct {
		Environments []struct {
			Name       string   `json:"name"`
			Issuer     string   `json:"issuer"`
			PathPrefix string   `json:"pathPrefix"`
			Hosts      []string `json:"hosts"`
		} `json:"environments"`
	}
	srv.Control(t, "GET", "/_sim/environments", nil).OK(t).JSON(t, &envs)
	if len(envs.Environments) != 2 || envs.Environments[1].PathPrefix != "/_env/production" || len(envs.Environments[1].Hosts) != 2 {
		t.Errorf("environments: %+v", envs)
	}
	var tenants struct {
		Tenants []struct {
			TenantID    int64  `json:"tenantId"`
			Environment string `json:"environment"`
		} `json:"tenants"`
	}
	srv.Control(t, "GET", "/_sim/tenants", nil).OK(t).JSON(t, &tenants)
	if got := fmt.Sprint(tenants.Tenants); got != fmt.Sprintf("[{%d integration} {%d production}]", simtest.Tenant, prod.TenantID) {
		t.Errorf("tenants: %s", got)
	}
	srv.Control(t, "POST", "/_sim/tenants", map[string]any{"environment": "staging"}).WantError(t, 400, "")
}
