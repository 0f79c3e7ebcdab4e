package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/clock"
	"github.com/stsim/stsim/sim/env"
)

// A demo-like tenant, app and connection the fuzz targets and token tests
// authenticate against.
const (
	fuzzTenant   int64 = 1234567
	fuzzAppID          = "schedule-engine"
	fuzzAppKey         = "ak1.fuzzappkey0000000000001"
	fuzzClientID       = "cid.fuzzclient000000000000001"
	fuzzSecret         = "cs1.fuzzsecret0000000000000000000000000000000000001"
	fuzzTTL            = 900 * time.Second
	fuzzScope          = "tn.crm.customers:r"
)

var (
	fuzzScopes = []string{"tn.crm.customers:r", "tn.crm.customers:w", "tn.dis.capacity:w", "tn.jpm.jobcancelreasons:r"}
	fuzzStart  = time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC)
)

// demoKey parses the embedded signing key once for the whole package.
var demoKey = sync.OnceValues(func() (*SigningKey, error) { return LoadSigningKey("") })

func testSigningKey(tb testing.TB) *SigningKey {
	tb.Helper()
	key, err := demoKey()
	if err != nil {
		tb.Fatalf("LoadSigningKey: %v", err)
	}
	return key
}

// newFuzzService returns a Service on a frozen clock with the fuzz tenant,
// app and connection (secret in slot 1) registered.
func newFuzzService(tb testing.TB) (*Service, *clock.Virtual) {
	tb.Helper()
	clk := clock.NewFrozen(fuzzStart)
	s := NewService(NewRegistry(), testSigningKey(tb), map[string]string{env.Integration: "http://test", env.Production: "http://test/_env/production"}, fuzzTTL, clock.NewTenants(clk))
	if err := s.Registry.AddTenant(Tenant{ID: fuzzTenant, Name: "Fuzz Heating"}); err != nil {
		tb.Fatalf("AddTenant: %v", err)
	}
	if err := s.Registry.AddApp(App{ID: fuzzAppID, Name: "Schedule Engine", Key: fuzzAppKey, Scopes: fuzzScopes}); err != nil {
		tb.Fatalf("AddApp: %v", err)
	}
	if _, err := s.Registry.Connect(fuzzAppID, fuzzTenant, fuzzClientID); err != nil {
		tb.Fatalf("Connect: %v", err)
	}
	if err := s.Registry.SetSecret(fuzzClientID, 1, fuzzSecret, fuzzStart, time.Time{}); err != nil {
		tb.Fatalf("SetSecret: %v", err)
	}
	return s, clk
}

// issueFuzzToken signs a real token for the fuzz connection.
func issueFuzzToken(tb testing.TB, s *Service) string {
	tb.Helper()
	conn, ok := s.Registry.Connection(fuzzClientID)
	if !ok {
		tb.Fatalf("connection %s missing", fuzzClientID)
	}
	raw, _, err := s.Env(env.Integration).Tokens.Issue(conn, conn.Scopes, fuzzTTL)
	if err != nil {
		tb.Fatalf("Issue: %v", err)
	}
	return raw
}

func basicAuth(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

const formType = "application/x-www-form-urlencoded"

// tokenRequestCase is one token endpoint request and the RFC 6749 error it
// must get ("" for success). They seed FuzzTokenRequest too.
type tokenRequestCase struct {
	name        string
	contentType string
	body        string
	authz       string
	wantErr     string
}

func tokenRequestCases() []tokenRequestCase {
	valid := "grant_type=client_credentials&client_id=" + url.QueryEscape(fuzzClientID) + "&client_secret=" + url.QueryEscape(fuzzSecret)
	return []tokenRequestCase{
		{"valid form", formType, valid, "", ""},
		{"valid form with charset", formType + "; charset=utf-8", valid, "", ""},
		{"valid form with granted scope", formType, valid + "&scope=tn.crm.customers%3Ar+tn.dis.capacity%3Aw", "", ""},
		{"percent-encoded names", formType, "grant%5Ftype=client%5Fcredentials&client%5Fid=" + fuzzClientID + "&client%5Fsecret=" + fuzzSecret, "", ""},
		{"basic valid", formType, "grant_type=client_credentials", basicAuth(fuzzClientID, fuzzSecret), ""},
		{"basic lower-case scheme", formType, "grant_type=client_credentials", strings.Replace(basicAuth(fuzzClientID, fuzzSecret), "Basic", "basic", 1), ""},
		{"basic plus form client_id agreeing", formType, "grant_type=client_credentials&client_id=" + fuzzClientID, basicAuth(fuzzClientID, fuzzSecret), ""},
		{"duplicated grant_type", formType, valid + "&grant_type=client_credentials", "", "invalid_request"},
		{"duplicated client_secret", formType, valid + "&client_secret=x", "", "invalid_request"},
		{"duplicated via encoding", formType, valid + "&client%5Fid=" + fuzzClientID, "", "invalid_request"},
		{"json body", "application/json", `{"grant_type":"client_credentials","client_id":"` + fuzzClientID + `","client_secret":"` + fuzzSecret + `"}`, "", "invalid_request"},
		{"no content type", "", valid, "", "invalid_request"},
		{"malformed content type", "application/x-www-form-urlencoded; =", valid, "", "invalid_request"},
		{"basic invalid base64", formType, "grant_type=client_credentials", "Basic !!!not-base64!!!", "invalid_request"},
		{"basic without colon", formType, "grant_type=client_credentials", "Basic " + base64.StdEncoding.EncodeToString([]byte(fuzzClientID)), "invalid_request"},
		{"basic bad percent-encoding", formType, "grant_type=client_credentials", "Basic " + base64.StdEncoding.EncodeToString([]byte("%zz:"+fuzzSecret)), "invalid_request"},
		{"basic wrong secret", formType, "grant_type=client_credentials", basicAuth(fuzzClientID, "cs1.wrong"), "invalid_client"},
		{"basic and form secret", formType, "grant_type=client_credentials&client_secret=" + fuzzSecret, basicAuth(fuzzClientID, fuzzSecret), "invalid_request"},
		{"basic and form client_id disagreeing", formType, "grant_type=client_credentials&client_id=cid.other", basicAuth(fuzzClientID, fuzzSecret), "invalid_request"},
		{"bearer scheme", formType, valid, "Bearer abc", "invalid_client"},
		{"percent-encoding garbage", formType, "grant_type=%zz&client_id=%&client_secret=%%41", "", "invalid_request"},
		{"semicolon separator", formType, "grant_type=client_credentials;client_id=" + fuzzClientID, "", "invalid_request"},
		{"huge body", formType, valid + "&pad=" + strings.Repeat("a", maxTokenRequest+1), "", "invalid_request"},
		{"empty", "", "", "", "invalid_request"},
		{"empty form", formType, "", "", "invalid_client"},
		{"unknown client", formType, "grant_type=client_credentials&client_id=cid.nobody&client_secret=x", "", "invalid_client"},
		{"wrong secret", formType, "grant_type=client_credentials&client_id=" + fuzzClientID + "&client_secret=cs1.wrong", "", "invalid_client"},
		{"missing grant_type", formType, "client_id=" + fuzzClientID + "&client_secret=" + fuzzSecret, "", "unsupported_grant_type"},
		{"password grant", formType, strings.Replace(valid, "client_credentials", "password", 1), "", "unsupported_grant_type"},
		{"scope not granted", formType, valid + "&scope=tn.crm.customers%3Ar+tn.acc.invoices%3Ar", "", "invalid_scope"},
	}
}

func postToken(s *Service, contentType, body, authz string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "http://test/connect/token", strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	rec := httptest.NewRecorder()
	s.IssueToken(rec, req)
	return rec
}

var oauthErrorCodes = []string{"invalid_request", "invalid_client", "unsupported_grant_type", "invalid_scope"}

// checkTokenResponse checks the invariants every token endpoint answer
// keeps and returns the error code ("" for a 200).
func checkTokenResponse(t *testing.T, s *Service, contentType, body, authz string, rec *httptest.ResponseRecorder) string {
	t.Helper()
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	switch rec.Code {
	case http.StatusBadRequest:
		var e map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
			t.Fatalf("400 body is not JSON: %v: %q", err, rec.Body.String())
		}
		code, _ := e["error"].(string)
		if !slices.Contains(oauthErrorCodes, code) {
			t.Fatalf("400 error = %#v, want one of %v; body %s", e["error"], oauthErrorCodes, rec.Body.String())
		}
		return code
	case http.StatusOK:
		checkIssued(t, s, contentType, body, authz, rec.Body.Bytes())
		return ""
	default:
		t.Fatalf("status = %d, want 200 or 400; body %s", rec.Code, rec.Body.String())
		return ""
	}
}

// checkIssued checks a 200 answer: the body's members, the token itself, and
// that the request really was a well-formed one carrying the secret.
func checkIssued(t *testing.T, s *Service, contentType, body, authz string, respBody []byte) {
	t.Helper()
	var members map[string]json.RawMessage
	if err := json.Unmarshal(respBody, &members); err != nil {
		t.Fatalf("200 body is not JSON: %v: %q", err, respBody)
	}
	for _, k := range []string{"access_token", "expires_in", "token_type", "scope"} {
		if _, ok := members[k]; !ok {
			t.Errorf("200 body lacks %q: %s", k, respBody)
		}
	}
	var resp TokenResponse
	if err := json.Unmarshal(respBody, &resp); err != nil {
		t.Fatalf("200 body: %v", err)
	}
	if resp.TokenType != "Bearer" {
		t.Errorf("token_type = %q, want Bearer", resp.TokenType)
	}
	if resp.ExpiresIn != int64(fuzzTTL/time.Second) {
		t.Errorf("expires_in = %d, want %d", resp.ExpiresIn, int64(fuzzTTL/time.Second))
	}
	tok, err := s.Env(env.Integration).Tokens.Verify(resp.AccessToken)
	if err != nil {
		t.Fatalf("issued token does not verify: %v", err)
	}
	if tok.ClientID != fuzzClientID || tok.Tenant != fuzzTenant {
		t.Errorf("token is for %s/%d, want %s/%d", tok.ClientID, tok.Tenant, fuzzClientID, fuzzTenant)
	}
	granted := strings.Fields(resp.Scope)
	if len(granted) == 0 {
		t.Errorf("scope is empty")
	}
	for _, sc := range granted {
		if !slices.Contains(fuzzScopes, sc) {
			t.Errorf("scope %q was never granted to the client", sc)
		}
		if !tok.Scopes[sc] {
			t.Errorf("token lacks scope %q the response lists", sc)
		}
	}
	for sc := range tok.Scopes {
		if !slices.Contains(granted, sc) {
			t.Errorf("token has scope %q the response does not list", sc)
		}
	}

	// Independent of the handler's parsing: a success needs a form body of
	// bounded size, no repeated parameter, and the secret somewhere.
	if mt, _, err := mime.ParseMediaType(contentType); err != nil || mt != formType {
		t.Errorf("200 for Content-Type %q", contentType)
	}
	if len(body) > maxTokenRequest {
		t.Errorf("200 for a %d-byte body", len(body))
	}
	form, _ := url.ParseQuery(body)
	for k, v := range form {
		if len(v) > 1 {
			t.Errorf("200 with parameter %q repeated", k)
		}
	}
	if form.Get("grant_type") != "client_credentials" {
		t.Errorf("200 with grant_type %q", form.Get("grant_type"))
	}
	if !secretPresented(form, authz) {
		t.Errorf("200 although the request does not carry the client secret")
	}
}

func secretPresented(form url.Values, authz string) bool {
	if form.Get("client_secret") == fuzzSecret {
		return true
	}
	_, payload, _ := strings.Cut(authz, " ")
	decoded, err := base64.StdEncoding.DecodeString(strings.TrimSpace(payload))
	if err != nil {
		return false
	}
	_, secret, _ := strings.Cut(string(decoded), ":")
	secret, err = url.QueryUnescape(secret)
	return err == nil && secret == fuzzSecret
}

func TestIssueTokenCases(t *testing.T) {
	s, _ := newFuzzService(t)
	for _, tc := range tokenRequestCases() {
		t.Run(tc.name, func(t *testing.T) {
			rec := postToken(s, tc.contentType, tc.body, tc.authz)
			if got := checkTokenResponse(t, s, tc.contentType, tc.body, tc.authz, rec); got != tc.wantErr {
				t.Errorf("error = %q, want %q; body %s", got, tc.wantErr, rec.Body.String())
			}
		})
	}
}

// TestIssueTokenRepeatedScope: scope is a set (RFC 6749 §3.3), so asking
// for one scope twice grants it once, in the response and in the token.
func TestIssueTokenRepeatedScope(t *testing.T) {
	s, _ := newFuzzService(t)
	body := "grant_type=client_credentials&client_id=" + fuzzClientID + "&client_secret=" + fuzzSecret +
		"&scope=tn.crm.customers%3Ar+tn.crm.customers%3Ar"
	rec := postToken(s, formType, body, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d: %s", rec.Code, rec.Body.String())
	}
	var resp TokenResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatal(err)
	}
	if resp.Scope != "tn.crm.customers:r" {
		t.Errorf("scope = %q, want %q", resp.Scope, "tn.crm.customers:r")
	}
	var claims Claims
	if _, _, err := jwt.NewParser().ParseUnverified(resp.AccessToken, &claims); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(claims.Scope, []string{"tn.crm.customers:r"}) {
		t.Errorf("scope claim = %q, want [tn.crm.customers:r]", claims.Scope)
	}
}

func FuzzTokenRequest(f *testing.F) {
	for _, tc := range tokenRequestCases() {
		f.Add(tc.contentType, tc.body, tc.authz)
	}
	s, _ := newFuzzService(f)
	f.Fuzz(func(t *testing.T, contentType, body, authz string) {
		rec := postToken(s, contentType, body, authz)
		checkTokenResponse(t, s, contentType, body, authz, rec)
	})
}

// challenge is the WWW-Authenticate value of a token failure: one quoted
// description, with no quote or line break inside it.
var challenge = regexp.MustCompile(`^Bearer error="invalid_token", error_description="[^"\r\n]*"$`)

func FuzzBearerToken(f *testing.F) {
	s, _ := newFuzzService(f)
	// The real token is signed with the service's key exactly as Issue signs
	// one, but with a fixed jti: fuzz workers are separate processes, each
	// building its own service, and the seed must verify in all of them.
	raw := signToken(f, jwt.SigningMethodRS256, s.Key.KID, s.Key.Private)
	want := forgeClaims()
	if tok, err := s.Env(env.Integration).Tokens.Verify(raw); err != nil || tok.ID != want.ID {
		f.Fatalf("the seed token does not verify: %+v, %v", tok, err)
	}
	for _, seed := range []string{
		"Bearer " + raw,
		raw,
		"bearer " + raw,
		"  Bearer   " + raw + "  ",
		"Bearer " + raw[:len(raw)-1],
		"Bearer " + raw + "x",
		"Basic " + raw,
		"Bearer",
		"Bearer ",
		"",
		"Basic abc",
		"Bearer a.b.c",
		"Bearer eyJhbGciOiJub25lIn0.eyJjbGllbnRfaWQiOiJ4IiwidGVuYW50IjoiMSJ9.",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, authz string) {
		req := httptest.NewRequest(http.MethodGet, "http://test/crm/v2/tenant/"+strconv.FormatInt(fuzzTenant, 10)+"/customers", nil)
		req.Header.Set(AppKeyHeader, fuzzAppKey)
		req.Header.Set("Authorization", authz)
		p, aerr := s.Authenticate(req, fuzzTenant, fuzzScope)
		switch {
		case p != nil && aerr != nil:
			t.Fatalf("both a principal and an error: %v", aerr)
		case p != nil:
			// The JWT signature segment is base64url without padding, whose
			// decoder ignores the last character's spare bits, so a few
			// spellings of the real token verify too: compare the token,
			// not its text.
			if p.Token.ID != want.ID || p.Token.ClientID != fuzzClientID || p.Token.Tenant != fuzzTenant {
				t.Fatalf("principal %+v for a token the service never issued (header %q)", p.Token, authz)
			}
			if p.App.ID != fuzzAppID || p.Connection.ClientID != fuzzClientID {
				t.Fatalf("principal for app %q, connection %q", p.App.ID, p.Connection.ClientID)
			}
		case aerr == nil:
			t.Fatal("neither a principal nor an error")
		default:
			if aerr.Status != http.StatusUnauthorized {
				t.Fatalf("status = %d, want 401: %v", aerr.Status, aerr)
			}
			if h := aerr.Header.Get("WWW-Authenticate"); !challenge.MatchString(h) {
				t.Fatalf("WWW-Authenticate = %q, want %s", h, challenge)
			}
		}
	})
}

func TestBearerToken(t *testing.T) {
	for _, tc := range []struct{ header, want string }{
		{"Bearer x", "x"},
		{"bearer x", "x"},
		{"BEARER x", "x"},
		{"x", "x"},
		{"Basic abc", ""},
		{"", ""},
		{"   ", ""},
		{"  Bearer   x  ", "x"},
		{"Bearer a.b.c", "a.b.c"},
		{"Bearer ", ""},
		{"bearer", ""},
	} {
		if got := bearerToken(tc.header); got != tc.want {
			t.Errorf("bearerToken(%q) = %q, want %q", tc.header, got, tc.want)
		}
	}
}

// newTestTokens returns a token service with the demo key on a frozen clock.
func newTestTokens(t *testing.T) (*Tokens, *clock.Virtual) {
	t.Helper()
	clk := clock.NewFrozen(fuzzStart)
	return NewTokens(testSigningKey(t), "http://test", clock.NewTenants(clk)), clk
}

// forgeClaims are valid claims for the fuzz connection at fuzzStart.
func forgeClaims() *Claims {
	return &Claims{
		NotBefore: fuzzStart.Unix(), IssuedAt: fuzzStart.Unix(), ExpiresAt: fuzzStart.Add(time.Hour).Unix(),
		Issuer: "http://test", ClientID: fuzzClientID, Tenant: strconv.FormatInt(fuzzTenant, 10),
		ID: "0123456789ABCDEF0123456789ABCDEF", Scope: fuzzScopes,
	}
}

// signToken signs forgeClaims with the typ and kid headers Tokens.Issue sets.
func signToken(tb testing.TB, method jwt.SigningMethod, kid string, key any) string {
	tb.Helper()
	tok := jwt.NewWithClaims(method, forgeClaims())
	tok.Header["typ"] = "at+jwt"
	if kid != "" {
		tok.Header["kid"] = kid
	}
	raw, err := tok.SignedString(key)
	if err != nil {
		tb.Fatalf("signing with %s: %v", method.Alg(), err)
	}
	return raw
}

var otherRSAKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

func TestTokensRejectForgeries(t *testing.T) {
	tokens, _ := newTestTokens(t)
	key := testSigningKey(t)

	pubDER, err := x509.MarshalPKIXPublicKey(&key.Private.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	pkcs1PEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&key.Private.PublicKey)})
	other, err := otherRSAKey()
	if err != nil {
		t.Fatal(err)
	}

	// The control: the same claims, signed properly, verify.
	good := signToken(t, jwt.SigningMethodRS256, key.KID, key.Private)
	if _, err := tokens.Verify(good); err != nil {
		t.Fatalf("a properly signed token was refused: %v", err)
	}
	parts := strings.Split(good, ".")
	tampered := forgeClaims()
	tampered.Tenant = "7654321"
	tamperedPayload, err := json.Marshal(tampered)
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		raw  string
		want error
	}{
		{"alg none", signToken(t, jwt.SigningMethodNone, key.KID, jwt.UnsafeAllowNoneSignatureType), ErrTokenSignature},
		{"alg none without kid", signToken(t, jwt.SigningMethodNone, "", jwt.UnsafeAllowNoneSignatureType), ErrTokenSignature},
		{"HS256 keyed with the public key PEM", signToken(t, jwt.SigningMethodHS256, key.KID, pubPEM), ErrTokenSignature},
		{"HS256 keyed with the PKCS#1 public key PEM", signToken(t, jwt.SigningMethodHS256, key.KID, pkcs1PEM), ErrTokenSignature},
		{"HS256 keyed with the public key DER", signToken(t, jwt.SigningMethodHS256, key.KID, pubDER), ErrTokenSignature},
		{"RS256 by another key, our kid", signToken(t, jwt.SigningMethodRS256, key.KID, other), ErrTokenSignature},
		{"RS256 by another key, no kid", signToken(t, jwt.SigningMethodRS256, "", other), ErrTokenSignature},
		{"PS256 by our key", signToken(t, jwt.SigningMethodPS256, key.KID, key.Private), ErrTokenSignature},
		{"RS256 by our key, other kid", signToken(t, jwt.SigningMethodRS256, "0000000000000000000000000000000000000000RS256", key.Private), ErrTokenSignature},
		{"tampered payload", parts[0] + "." + base64.RawURLEncoding.EncodeToString(tamperedPayload) + "." + parts[2], ErrTokenSignature},
		{"signature stripped", parts[0] + "." + parts[1] + ".", ErrTokenSignature},
		{"two segments", parts[0] + "." + parts[1], ErrTokenMalformed},
		{"not base64", "a.b.c", ErrTokenMalformed},
		{"empty", "", ErrTokenMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := tokens.Verify(tc.raw)
			if err == nil {
				t.Fatalf("accepted: %+v", tok)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if _, cached := tokens.cache.Load(tc.raw); cached {
				t.Error("a refused token was cached")
			}
		})
	}
}

func TestTokensRejectBadClaims(t *testing.T) {
	tokens, _ := newTestTokens(t)
	key := testSigningKey(t)
	sign := func(t *testing.T, c *Claims) string {
		t.Helper()
		tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
		tok.Header["kid"] = key.KID
		raw, err := tok.SignedString(key.Private)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	for _, tc := range []struct {
		name   string
		mutate func(*Claims)
		want   error
	}{
		{"no client_id", func(c *Claims) { c.ClientID = "" }, ErrTokenClaims},
		{"no tenant", func(c *Claims) { c.Tenant = "" }, ErrTokenClaims},
		{"tenant not a number", func(c *Claims) { c.Tenant = "acme" }, ErrTokenClaims},
		{"expired", func(c *Claims) { c.ExpiresAt = fuzzStart.Unix() }, ErrTokenExpired},
		{"no exp", func(c *Claims) { c.ExpiresAt = 0 }, ErrTokenExpired},
		{"not yet valid", func(c *Claims) { c.NotBefore = fuzzStart.Add(time.Minute).Unix() }, ErrTokenNotYet},
		{"another issuer", func(c *Claims) { c.Issuer = "http://127.0.0.1:9090" }, ErrTokenIssuer},
		{"no issuer", func(c *Claims) { c.Issuer = "" }, ErrTokenIssuer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := forgeClaims()
			tc.mutate(c)
			if tok, err := tokens.Verify(sign(t, c)); !errors.Is(err, tc.want) {
				t.Errorf("Verify = %+v, %v; want %v", tok, err, tc.want)
			}
		})
	}
}

func TestTokensCache(t *testing.T) {
	for _, tc := range []struct {
		name   string
		issuer bool // the token was issued by the verifying service (cached at issue)
	}{
		{"issued here", true},
		{"parsed", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tokens, clk := newTestTokens(t)
			conn := Connection{ClientID: fuzzClientID, Tenant: fuzzTenant, Scopes: fuzzScopes}
			var raw string
			if tc.issuer {
				r, _, err := tokens.Issue(conn, conn.Scopes, 10*time.Minute)
				if err != nil {
					t.Fatal(err)
				}
				raw = r
			} else {
				issuer, _ := newTestTokens(t)
				r, _, err := issuer.Issue(conn, conn.Scopes, 10*time.Minute)
				if err != nil {
					t.Fatal(err)
				}
				raw = r
				if _, cached := tokens.cache.Load(raw); cached {
					t.Fatal("token cached before its first Verify")
				}
			}

			first, err := tokens.Verify(raw)
			if err != nil {
				t.Fatalf("first Verify: %v", err)
			}
			if _, cached := tokens.cache.Load(raw); !cached {
				t.Fatal("token not cached after Verify")
			}
			second, err := tokens.Verify(raw)
			if err != nil {
				t.Fatalf("second Verify: %v", err)
			}
			if !reflect.DeepEqual(first, second) {
				t.Errorf("Verify results differ:\n%+v\n%+v", first, second)
			}
			if first.ClientID != fuzzClientID || first.Tenant != fuzzTenant || !first.Scopes[fuzzScope] {
				t.Errorf("token = %+v", first)
			}

			// Expiry and not-before are checked on the cached path too.
			clk.Advance(10*time.Minute - time.Second)
			if _, err := tokens.Verify(raw); err != nil {
				t.Fatalf("Verify a second before expiry: %v", err)
			}
			clk.Advance(time.Second)
			if _, err := tokens.Verify(raw); !errors.Is(err, ErrTokenExpired) {
				t.Fatalf("Verify at exp: err = %v, want %v", err, ErrTokenExpired)
			}
			clk.Set(fuzzStart.Add(-time.Minute))
			if _, err := tokens.Verify(raw); !errors.Is(err, ErrTokenNotYet) {
				t.Fatalf("Verify before nbf: err = %v, want %v", err, ErrTokenNotYet)
			}
		})
	}
}

func TestAuthenticateIssuedToken(t *testing.T) {
	s, clk := newFuzzService(t)
	raw := issueFuzzToken(t, s)
	newReq := func(authz, appKey string) *http.Request {
		req := httptest.NewRequest(http.MethodGet, "http://test/crm/v2/tenant/1234567/customers", nil)
		req.Header.Set("Authorization", authz)
		if appKey != "" {
			req.Header.Set(AppKeyHeader, appKey)
		}
		return req
	}
	if p, err := s.Authenticate(newReq("Bearer "+raw, fuzzAppKey), fuzzTenant, fuzzScope); err != nil {
		t.Fatalf("Authenticate: %v", err)
	} else if p.Connection.ClientID != fuzzClientID || p.App.ID != fuzzAppID {
		t.Errorf("principal = %+v", p)
	}
	for _, tc := range []struct {
		name   string
		req    *http.Request
		tenant int64
		scope  string
		status int
	}{
		{"no app key", newReq("Bearer "+raw, ""), fuzzTenant, fuzzScope, http.StatusUnauthorized},
		{"unknown app key", newReq("Bearer "+raw, "ak1.nope"), fuzzTenant, fuzzScope, http.StatusUnauthorized},
		{"other tenant", newReq("Bearer "+raw, fuzzAppKey), 42, fuzzScope, http.StatusForbidden},
		{"scope not in token", newReq("Bearer "+raw, fuzzAppKey), fuzzTenant, "tn.acc.invoices:r", http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := s.Authenticate(tc.req, tc.tenant, tc.scope)
			if err == nil {
				t.Fatalf("accepted: %+v", p)
			}
			if err.Status != tc.status {
				t.Errorf("status = %d, want %d: %v", err.Status, tc.status, err)
			}
		})
	}
	clk.Advance(fuzzTTL)
	_, err := s.Authenticate(newReq("Bearer "+raw, fuzzAppKey), fuzzTenant, fuzzScope)
	if err == nil {
		t.Fatal("an expired token was accepted")
	}
	if h := err.Header.Get("WWW-Authenticate"); err.Status != http.StatusUnauthorized || !challenge.MatchString(h) {
		t.Fatalf("expired token: %v (WWW-Authenticate %q)", err, h)
	}
}

// TestExpireTokensIndependentOfCache: whether a token survives
// expire-all-tokens must not depend on whether its verification is cached.
// (Revocation once compared issue times, whose precision differed between
// cached and parsed tokens; it now compares token generations.)
func TestExpireTokensIndependentOfCache(t *testing.T) {
	s, clk := newFuzzService(t)
	authenticate := func(raw string) *apierr.Error {
		req := httptest.NewRequest(http.MethodGet, "http://test/crm/v2/tenant/1234567/customers", nil)
		req.Header.Set("Authorization", "Bearer "+raw)
		req.Header.Set(AppKeyHeader, fuzzAppKey)
		_, err := s.Authenticate(req, fuzzTenant, fuzzScope)
		return err
	}

	clk.Advance(200 * time.Millisecond)
	before := issueFuzzToken(t, s)
	clk.Advance(300 * time.Millisecond)
	if err := s.Registry.ExpireTokens(fuzzClientID); err != nil {
		t.Fatal(err)
	}
	clk.Advance(400 * time.Millisecond)
	after := issueFuzzToken(t, s)

	for _, cached := range []bool{true, false} {
		if !cached {
			s.Env(env.Integration).Tokens.Forget()
		}
		if err := authenticate(before); err == nil {
			t.Errorf("cached=%v: a token issued before ExpireTokens was accepted", cached)
		}
		if err := authenticate(after); err != nil {
			t.Errorf("cached=%v: a token issued after ExpireTokens was refused: %v", cached, err)
		}
	}
}
