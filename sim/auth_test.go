package sim_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stsim/stsim/sim/auth"
	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/simtest"
)

const customerPath = "/crm/v2/tenant/1234567/customers/1"

// connect registers another app (and tenant, if new) and returns its client
// credentials.
func connect(t *testing.T, srv *simtest.Server, appID, appKey string, tenant int64, scopes []string) (string, string) {
	t.Helper()
	reg := srv.Auth().Registry
	if _, ok := reg.App(appID); !ok {
		if err := reg.AddApp(auth.App{ID: appID, Name: appID, Key: appKey, Scopes: scopes}); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := reg.Tenant(tenant); !ok {
		if err := reg.AddTenant(auth.Tenant{ID: tenant, Name: "other"}); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := reg.Connect(appID, tenant, "")
	if err != nil {
		t.Fatal(err)
	}
	secret, err := reg.GenerateSecret(conn.ClientID, 1, srv.Clock.Now(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return conn.ClientID, secret
}

func demoScopes(t *testing.T, srv *simtest.Server) []string {
	app, _ := srv.Auth().Registry.AppByKey(simtest.AppKey)
	return app.Scopes
}

func TestTokenSuccessCarriesServiceTitanClaims(t *testing.T) {
	srv := simtest.Start(t)
	r := srv.PostForm(t, "/connect/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {simtest.ClientID}, "client_secret": {simtest.ClientSecret},
	}, nil)
	if r.Status != 200 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	var body struct {
		AccessToken string  `json:"access_token"`
		ExpiresIn   float64 `json:"expires_in"`
		TokenType   string  `json:"token_type"`
		Scope       string  `json:"scope"`
	}
	r.JSON(t, &body)
	if body.ExpiresIn != 900 || body.TokenType != "Bearer" || !strings.Contains(body.Scope, "tn.crm.customers:r") {
		t.Fatalf("unexpected token response: %+v", body)
	}

	// The token verifies against the published JWKS key.
	jwks := srv.Do(t, "GET", "/.well-known/openid-configuration/jwks", "", nil)
	var set struct{ Keys []auth.JWK }
	jwks.JSON(t, &set)
	if len(set.Keys) != 1 {
		t.Fatalf("JWKS has %d keys", len(set.Keys))
	}
	pub := jwkPublicKey(t, set.Keys[0])
	claims := jwt.MapClaims{}
	tok, err := jwt.ParseWithClaims(body.AccessToken, claims, func(*jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(srv.Clock.Now))
	if err != nil {
		t.Fatalf("token does not verify with the JWKS key: %v", err)
	}
	if tok.Header["typ"] != "at+jwt" || tok.Header["kid"] != set.Keys[0].Kid || tok.Header["x5t"] != set.Keys[0].X5T {
		t.Errorf("header = %v", tok.Header)
	}
	if claims["tenant"] != "1234567" || claims["client_id"] != simtest.ClientID || claims["iss"] != "http://127.0.0.1:8080" {
		t.Errorf("claims = %v", claims)
	}
	if _, isArray := claims["scope"].([]any); !isArray {
		t.Errorf("scope claim is %T, want an array", claims["scope"])
	}
	iat, exp, nbf := claims["iat"].(float64), claims["exp"].(float64), claims["nbf"].(float64)
	if exp-iat != 900 || nbf != iat || int64(iat) != srv.Clock.Now().Unix() {
		t.Errorf("iat=%v nbf=%v exp=%v", iat, nbf, exp)
	}
	if jti, _ := claims["jti"].(string); len(jti) != 32 {
		t.Errorf("jti = %q", jti)
	}

	disc := srv.Do(t, "GET", "/.well-known/openid-configuration", "", nil).Map(t)
	if disc["jwks_uri"] != "http://127.0.0.1:8080/.well-known/openid-configuration/jwks" ||
		disc["token_endpoint"] != "http://127.0.0.1:8080/connect/token" {
		t.Errorf("discovery = %v", disc)
	}
}

func jwkPublicKey(t *testing.T, k auth.JWK) *rsa.PublicKey {
	t.Helper()
	n, err1 := base64.RawURLEncoding.DecodeString(k.N)
	e, err2 := base64.RawURLEncoding.DecodeString(k.E)
	if err1 != nil || err2 != nil {
		t.Fatalf("bad JWK encoding: %v %v", err1, err2)
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
}

func TestTokenEndpointErrors(t *testing.T) {
	srv := simtest.Start(t)
	reg := srv.Auth().Registry
	disabledID, disabledSecret := connect(t, srv, "disabled-app", "ak1.disabledapp000000000000001", 7000001, demoScopes(t, srv))
	if err := reg.SetEnabled(disabledID, false); err != nil {
		t.Fatal(err)
	}
	expiredID, expiredSecret := connect(t, srv, "expired-app", "ak1.expiredapp0000000000000001", 7000002, demoScopes(t, srv))
	if err := reg.ExpireSecrets(expiredID, srv.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	basic := func(id, secret string) http.Header {
		return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))}}
	}
	good := func() url.Values {
		return url.Values{"grant_type": {"client_credentials"}, "client_id": {simtest.ClientID}, "client_secret": {simtest.ClientSecret}}
	}
	tests := []struct {
		name     string
		form     url.Values
		header   http.Header
		rawBody  string // sent instead of form, with rawType
		rawType  string
		wantCode string // "" means success
	}{
		{name: "basic auth works", form: url.Values{"grant_type": {"client_credentials"}}, header: basic(simtest.ClientID, simtest.ClientSecret)},
		{name: "unknown client", form: url.Values{"grant_type": {"client_credentials"}, "client_id": {"cid.nosuchclient"}, "client_secret": {"x"}}, wantCode: "invalid_client"},
		{name: "missing client", form: url.Values{"grant_type": {"client_credentials"}}, wantCode: "invalid_client"},
		{name: "wrong secret", form: url.Values{"grant_type": {"client_credentials"}, "client_id": {simtest.ClientID}, "client_secret": {"cs1.wrong"}}, wantCode: "invalid_client"},
		{name: "wrong secret over basic", form: url.Values{"grant_type": {"client_credentials"}}, header: basic(simtest.ClientID, "nope"), wantCode: "invalid_client"},
		{name: "disabled connection", form: url.Values{"grant_type": {"client_credentials"}, "client_id": {disabledID}, "client_secret": {disabledSecret}}, wantCode: "invalid_client"},
		{name: "expired secret", form: url.Values{"grant_type": {"client_credentials"}, "client_id": {expiredID}, "client_secret": {expiredSecret}}, wantCode: "invalid_client"},
		{name: "missing grant", form: url.Values{"client_id": {simtest.ClientID}, "client_secret": {simtest.ClientSecret}}, wantCode: "unsupported_grant_type"},
		{name: "password grant", form: func() url.Values { f := good(); f.Set("grant_type", "password"); return f }(), wantCode: "unsupported_grant_type"},
		{name: "refresh grant", form: func() url.Values { f := good(); f.Set("grant_type", "refresh_token"); return f }(), wantCode: "unsupported_grant_type"},
		{name: "json body", rawBody: `{"grant_type":"client_credentials"}`, rawType: "application/json", wantCode: "invalid_request"},
		{name: "no content type", rawBody: good().Encode(), rawType: "", wantCode: "invalid_request"},
		{name: "duplicated parameter", rawBody: good().Encode() + "&grant_type=client_credentials", rawType: "application/x-www-form-urlencoded", wantCode: "invalid_request"},
		{name: "basic and form secret", form: good(), header: basic(simtest.ClientID, simtest.ClientSecret), wantCode: "invalid_request"},
		{name: "basic not base64", form: url.Values{"grant_type": {"client_credentials"}}, header: http.Header{"Authorization": {"Basic %%%"}}, wantCode: "invalid_request"},
		{name: "unknown scope", form: func() url.Values { f := good(); f.Set("scope", "tn.acc.invoices:r"); return f }(), wantCode: "invalid_scope"},
		{name: "granted scope subset", form: func() url.Values { f := good(); f.Set("scope", "tn.crm.customers:r"); return f }()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r *simtest.Response
			if tt.rawBody != "" {
				req, _ := http.NewRequest("POST", srv.URL+"/connect/token", strings.NewReader(tt.rawBody))
				if tt.rawType != "" {
					req.Header.Set("Content-Type", tt.rawType)
				}
				r = srv.Request(t, req)
			} else {
				r = srv.PostForm(t, "/connect/token", tt.form, tt.header)
			}
			if tt.wantCode == "" {
				if r.Status != 200 {
					t.Fatalf("status %d: %s", r.Status, r.Body)
				}
				return
			}
			body := r.Map(t)
			if r.Status != 400 || body["error"] != tt.wantCode {
				t.Fatalf("got %d %s, want 400 %s", r.Status, r.Body, tt.wantCode)
			}
			if desc, _ := body["error_description"].(string); desc == "" {
				t.Errorf("no error_description in %s", r.Body)
			}
		})
	}
}

func TestGrantedScopeSubsetLimitsTheToken(t *testing.T) {
	srv := simtest.Start(t)
	r := srv.PostForm(t, "/connect/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {simtest.ClientID},
		"client_secret": {simtest.ClientSecret}, "scope": {"tn.crm.customers:r"}}, nil)
	var scoped struct {
		AccessToken string `json:"access_token"`
		Scope       string `json:"scope"`
	}
	r.JSON(t, &scoped)
	if scoped.Scope != "tn.crm.customers:r" {
		t.Fatalf("scope = %q", scoped.Scope)
	}
	got := srv.Do(t, "GET", "/crm/v2/tenant/1234567/locations/1", scoped.AccessToken, nil)
	if got.Status != 403 || !strings.Contains(string(got.Body), "tn.crm.locations:r") {
		t.Fatalf("call outside the token's scope: %d %s", got.Status, got.Body)
	}
	if got := srv.Do(t, "GET", customerPath, scoped.AccessToken, nil); got.Status == 403 || got.Status == 401 {
		t.Fatalf("call inside the token's scope refused: %d %s", got.Status, got.Body)
	}
}

// admitted reports whether a call got past authentication and limiting.
func admitted(r *simtest.Response) bool { return r.Status != 401 && r.Status != 403 && r.Status != 429 }

func TestEveryAPICallIsAuthenticatedInOrder(t *testing.T) {
	srv := simtest.Start(t)
	token := srv.Token(t)
	scopes := demoScopes(t, srv)
	otherAppID, otherAppSecret := connect(t, srv, "other-app", "ak1.otherapp00000000000000001", simtest.Tenant, scopes)
	otherAppToken := srv.TokenFor(t, otherAppID, otherAppSecret)
	otherTenantID, otherTenantSecret := connect(t, srv, "schedule-engine", "", 7654321, nil)
	otherTenantToken := srv.TokenFor(t, otherTenantID, otherTenantSecret)
	noScopeID, noScopeSecret := connect(t, srv, "reporting-app", "ak1.reportingapp0000000000001", simtest.Tenant, []string{"tn.jbce.callreasons:r"})
	noScopeToken := srv.TokenFor(t, noScopeID, noScopeSecret)

	foreignKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	forged, _ := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"client_id": simtest.ClientID, "tenant": "1234567",
		"nbf": srv.Clock.Now().Unix(), "exp": srv.Clock.Now().Add(time.Hour).Unix(), "scope": scopes}).SignedString(foreignKey)
	hmac, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"client_id": simtest.ClientID, "tenant": "1234567",
		"nbf": srv.Clock.Now().Unix(), "exp": srv.Clock.Now().Add(time.Hour).Unix()}).SignedString([]byte("secret"))

	tests := []struct {
		name       string
		path       string
		authz      string // Authorization header value
		appKey     string
		query      string
		wantStatus int // 0: admitted
		wantText   string
		challenge  bool // a WWW-Authenticate Bearer challenge is expected
	}{
		{name: "bearer token and app key", authz: "Bearer " + token, appKey: simtest.AppKey},
		{name: "bare token as in the official curl sample", authz: token, appKey: simtest.AppKey},
		{name: "app key as query parameter", authz: "Bearer " + token, query: "servicetitanapplicationkey=" + simtest.AppKey},
		{name: "no token", appKey: simtest.AppKey, wantStatus: 401, wantText: "no access token", challenge: true},
		{name: "empty bearer", authz: "Bearer ", appKey: simtest.AppKey, wantStatus: 401, wantText: "no access token", challenge: true},
		{name: "basic scheme", authz: "Basic abc", appKey: simtest.AppKey, wantStatus: 401},
		{name: "garbage token", authz: "Bearer not.a.jwt", appKey: simtest.AppKey, wantStatus: 401, wantText: "malformed", challenge: true},
		{name: "token signed by another key", authz: "Bearer " + forged, appKey: simtest.AppKey, wantStatus: 401, wantText: "signature", challenge: true},
		{name: "HS256 token", authz: "Bearer " + hmac, appKey: simtest.AppKey, wantStatus: 401, wantText: "signature", challenge: true},
		{name: "no app key", authz: "Bearer " + token, wantStatus: 401, wantText: "missing app key"},
		{name: "unknown app key", authz: "Bearer " + token, appKey: "ak1.nosuchapp", wantStatus: 401, wantText: "invalid app key"},
		{name: "another app's key", authz: "Bearer " + token, appKey: "ak1.otherapp00000000000000001", wantStatus: 401, wantText: "does not belong"},
		{name: "other app with its own key", authz: "Bearer " + otherAppToken, appKey: "ak1.otherapp00000000000000001"},
		{name: "token for another tenant", authz: "Bearer " + otherTenantToken, appKey: simtest.AppKey, wantStatus: 403, wantText: "another tenant"},
		{name: "token for this tenant on another tenant's path", path: "/crm/v2/tenant/7654321/customers/1", authz: "Bearer " + token, appKey: simtest.AppKey, wantStatus: 403},
		{name: "scope missing", authz: "Bearer " + noScopeToken, appKey: "ak1.reportingapp0000000000001", wantStatus: 403, wantText: "tn.crm.customers:r"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if path == "" {
				path = customerPath
			}
			if tt.query != "" {
				path += "?" + tt.query
			}
			req, _ := http.NewRequest("GET", srv.URL+path, nil)
			if tt.authz != "" {
				req.Header.Set("Authorization", tt.authz)
			}
			if tt.appKey != "" {
				req.Header.Set("ST-App-Key", tt.appKey)
			}
			r := srv.Request(t, req)
			if tt.wantStatus == 0 {
				if !admitted(r) {
					t.Fatalf("refused: %d %s", r.Status, r.Body)
				}
				return
			}
			if r.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.Status, tt.wantStatus, r.Body)
			}
			body := r.Map(t)
			for _, k := range []string{"type", "title", "status", "traceId", "errors", "data"} {
				if _, ok := body[k]; !ok {
					t.Errorf("error body lacks %q: %s", k, r.Body)
				}
			}
			if body["traceId"] != r.Header.Get("X-Trace-Id") {
				t.Errorf("traceId %v differs from header %q", body["traceId"], r.Header.Get("X-Trace-Id"))
			}
			if tt.wantText != "" && !strings.Contains(string(r.Body), tt.wantText) {
				t.Errorf("body does not mention %q: %s", tt.wantText, r.Body)
			}
			if tt.challenge {
				if h := r.Header.Get("WWW-Authenticate"); !strings.HasPrefix(h, `Bearer error="invalid_token", error_description="`) {
					t.Errorf("WWW-Authenticate = %q", h)
				}
			}
		})
	}
}

func TestExpiredTokenIsRefused(t *testing.T) {
	srv := simtest.Start(t)
	token := srv.Token(t)
	srv.Clock.Advance(899 * time.Second)
	if r := srv.Do(t, "GET", customerPath, token, nil); !admitted(r) {
		t.Fatalf("token refused before expiry: %d %s", r.Status, r.Body)
	}
	srv.Clock.Advance(2 * time.Second) // 901 s after issue
	r := srv.Do(t, "GET", customerPath, token, nil)
	if r.Status != 401 || !strings.Contains(r.Header.Get("WWW-Authenticate"), "expired") {
		t.Fatalf("expired token: %d %q %s", r.Status, r.Header.Get("WWW-Authenticate"), r.Body)
	}
	if fresh := srv.Token(t); !admitted(srv.Do(t, "GET", customerPath, fresh, nil)) {
		t.Fatal("a fresh token after expiry was refused")
	}
}

// TestTokenFromAnotherIssuerIsRefused runs two simulators with the same
// (demo) signing key and credentials on different addresses: a token one
// issued is refused by the other, whose issuer it does not name.
func TestTokenFromAnotherIssuerIsRefused(t *testing.T) {
	here := simtest.Start(t)
	there := simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.Addr = "127.0.0.1:9090" }))
	foreign := there.Token(t)
	if !admitted(there.Do(t, "GET", customerPath, foreign, nil)) {
		t.Fatal("the issuing simulator refused its own token")
	}
	r := here.Do(t, "GET", customerPath, foreign, nil)
	if r.Status != 401 || !strings.Contains(r.Header.Get("WWW-Authenticate"), "(iss)") {
		t.Fatalf("a token of http://127.0.0.1:9090 at http://127.0.0.1:8080: %d %q", r.Status, r.Header.Get("WWW-Authenticate"))
	}
	if !admitted(here.Do(t, "GET", customerPath, here.Token(t), nil)) {
		t.Fatal("the simulator refused its own token")
	}
}

func TestTokenLifetimeIsConfigurablePerConnection(t *testing.T) {
	srv := simtest.Start(t)
	if err := srv.Auth().Registry.SetTokenTTL(simtest.ClientID, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	r := srv.PostForm(t, "/connect/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {simtest.ClientID}, "client_secret": {simtest.ClientSecret}}, nil)
	var body struct {
		AccessToken string  `json:"access_token"`
		ExpiresIn   float64 `json:"expires_in"`
	}
	r.JSON(t, &body)
	if body.ExpiresIn != 5 {
		t.Fatalf("expires_in = %v, want 5", body.ExpiresIn)
	}
	srv.Clock.Advance(5 * time.Second)
	if r := srv.Do(t, "GET", customerPath, body.AccessToken, nil); r.Status != 401 {
		t.Fatalf("5 s token still accepted after 5 s: %d", r.Status)
	}
}

func TestDisablingAConnectionStopsItsTokens(t *testing.T) {
	srv := simtest.Start(t)
	token := srv.Token(t)
	reg := srv.Auth().Registry
	if err := reg.SetEnabled(simtest.ClientID, false); err != nil {
		t.Fatal(err)
	}
	r := srv.Do(t, "GET", customerPath, token, nil)
	if r.Status != 401 || !strings.Contains(string(r.Body), "disabled") {
		t.Fatalf("token of a disabled connection: %d %s", r.Status, r.Body)
	}
	if err := reg.SetEnabled(simtest.ClientID, true); err != nil {
		t.Fatal(err)
	}
	if r := srv.Do(t, "GET", customerPath, token, nil); !admitted(r) {
		t.Fatalf("restored connection still refused: %d %s", r.Status, r.Body)
	}
}

func TestRateLimitAdmitsExactlySixtyPerSecondPerAppAndTenant(t *testing.T) {
	srv := simtest.Start(t)
	token := srv.Token(t)
	otherID, otherSecret := connect(t, srv, "second-app", "ak1.secondapp0000000000000001", simtest.Tenant, demoScopes(t, srv))
	otherToken := srv.TokenFor(t, otherID, otherSecret)

	// A 120 req/s burst spread evenly over three seconds of simulator time.
	start := srv.Clock.Now()
	var admittedAt []time.Duration
	for i := 0; i < 360; i++ {
		srv.Clock.Set(start.Add(time.Duration(i) * time.Second / 120))
		r := srv.Do(t, "GET", customerPath, token, nil)
		switch {
		case r.Status == 429:
			if r.Header.Get("Retry-After") == "" || r.Map(t)["status"] != float64(429) {
				t.Fatalf("429 without Retry-After or error body: %v %s", r.Header, r.Body)
			}
		case admitted(r):
			admittedAt = append(admittedAt, srv.Clock.Now().Sub(start))
		default:
			t.Fatalf("unexpected %d: %s", r.Status, r.Body)
		}
		if i == 60 && r.Status != 429 {
			t.Fatalf("request 61 in the first half second was admitted")
		}
	}
	if len(admittedAt) != 180 {
		t.Fatalf("admitted %d of 360 over 3 s, want exactly 180", len(admittedAt))
	}
	for i, at := range admittedAt {
		n := 0
		for _, other := range admittedAt[:i+1] {
			if at-other < time.Second {
				n++
			}
		}
		if n > 60 {
			t.Fatalf("%d admissions in the second ending %v", n, at)
		}
	}
	// The second app on the same tenant has its own bucket.
	for i := 0; i < 60; i++ {
		if r := srv.Call(t, "GET", customerPath, otherToken, "ak1.secondapp0000000000000001", nil); !admitted(r) {
			t.Fatalf("second app call %d refused: %d %s", i+1, r.Status, r.Body)
		}
	}
	if r := srv.Do(t, "GET", customerPath, token, nil); r.Status != 429 || r.Header.Get("Retry-After") != "1" ||
		!strings.Contains(string(r.Body), "Try again in 1 second.") {
		t.Fatalf("first app should still be limited: %d Retry-After=%q %s", r.Status, r.Header.Get("Retry-After"), r.Body)
	}
}

func TestConcurrentTokensAndCallsAreRaceFree(t *testing.T) {
	srv := simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.RateLimit = 1000 }))
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			token := srv.Token(t)
			for i := 0; i < 20; i++ {
				if r := srv.Do(t, "GET", customerPath, token, nil); !admitted(r) {
					errs <- string(r.Body)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestSecretsTokensAndAppKeysNeverReachTheLog(t *testing.T) {
	srv := simtest.Start(t)
	token := srv.Token(t)
	srv.Do(t, "GET", customerPath+"?servicetitanapplicationkey="+simtest.AppKey, token, nil)
	srv.Do(t, "GET", customerPath, token+"x", nil)
	srv.PostForm(t, "/connect/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {simtest.ClientID}, "client_secret": {simtest.ClientSecret + "x"}}, nil)
	logs := srv.Logs.String()
	if !strings.Contains(logs, "/connect/token") {
		t.Fatalf("the access log is not being captured: %q", logs)
	}
	for _, secret := range []string{simtest.ClientSecret, simtest.AppKey, token[:40], token[len(token)-20:]} {
		if strings.Contains(logs, secret) {
			t.Fatalf("log contains %q", secret)
		}
	}
}
