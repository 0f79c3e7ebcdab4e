// Package auth is stsim's identity side: the OAuth 2.0 client-credentials
// token endpoint (POST /connect/token, IdentityServer style), its discovery
// document and JWKS, the credential registry (apps, tenants, connections,
// secrets), and the check every API call passes before it reaches a handler.
package auth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/clock"
	"github.com/stsim/stsim/sim/env"
)

// Service bundles the registry and each environment's token service with
// the settings the token endpoint needs.
type Service struct {
	Registry   *Registry
	Key        *SigningKey
	DefaultTTL time.Duration
	Clocks     *clock.Tenants
	envs       map[string]*Environment
}

// Environment is one environment's issuer and the token service that
// signs its tokens and accepts only them.
type Environment struct {
	Name   string
	Issuer string
	Tokens *Tokens
}

// NewService wires a registry and a token service per environment
// together; issuers names each environment's issuer (env.Names).
func NewService(reg *Registry, key *SigningKey, issuers map[string]string, defaultTTL time.Duration, clocks *clock.Tenants) *Service {
	s := &Service{Registry: reg, Key: key, DefaultTTL: defaultTTL, Clocks: clocks, envs: map[string]*Environment{}}
	for name, issuer := range issuers {
		s.envs[name] = &Environment{Name: name, Issuer: issuer, Tokens: NewTokens(key, issuer, clocks)}
	}
	return s
}

// Env returns an environment; a request's is env.From(r.Context()).
func (s *Service) Env(name string) *Environment { return s.envs[env.Or(name)] }

func (s *Service) requestEnv(r *http.Request) *Environment { return s.Env(env.From(r.Context())) }

// TokenResponse is the token endpoint's success body (contract §3).
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
	TokenType   string `json:"token_type"`
	Scope       string `json:"scope"`
}

// OAuthError is an RFC 6749 §5.2 error, always sent with status 400.
type OAuthError struct {
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

func (e *OAuthError) Error() string { return e.Code + ": " + e.Description }

func oauthErr(code, desc string) *OAuthError { return &OAuthError{Code: code, Description: desc} }

// maxTokenRequest bounds the token request body.
const maxTokenRequest = 16 << 10

// IssueToken handles POST /connect/token and returns the client ID the
// request named (for the request journal; empty when there was none).
func (s *Service) IssueToken(w http.ResponseWriter, r *http.Request) string {
	clientID, resp, oerr := s.issue(r)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	if oerr != nil {
		writeJSON(w, http.StatusBadRequest, oerr)
		return clientID
	}
	writeJSON(w, http.StatusOK, resp)
	return clientID
}

func (s *Service) issue(r *http.Request) (string, *TokenResponse, *OAuthError) {
	form, oerr := parseTokenForm(r)
	if oerr != nil {
		return "", nil, oerr
	}
	clientID, secret, oerr := clientCredentials(r, form)
	if oerr != nil {
		return clientID, nil, oerr
	}
	resp, oerr := s.grant(s.requestEnv(r), form, clientID, secret)
	return clientID, resp, oerr
}

// grant checks an authenticated request's client, grant and scope and signs
// the token. Credentials work in their own environment only.
func (s *Service) grant(e *Environment, form url.Values, clientID, secret string) (*TokenResponse, *OAuthError) {
	known, ok := s.Registry.Connection(clientID)
	if ok && known.Environment != e.Name {
		return nil, oauthErr("invalid_client", "this client_id belongs to the "+known.Environment+" environment, not "+e.Name)
	}
	conn, err := s.Registry.AuthenticateClient(clientID, secret, s.Clocks.Now(known.Tenant))
	if err != nil {
		return nil, oauthErr("invalid_client", err.Error())
	}
	switch gt := form.Get("grant_type"); gt {
	case "client_credentials":
	case "":
		return nil, oauthErr("unsupported_grant_type", "grant_type is required and must be client_credentials")
	default:
		return nil, oauthErr("unsupported_grant_type", "only the client_credentials grant is supported, not "+gt)
	}
	scopes := conn.Scopes
	if requested := strings.Fields(form.Get("scope")); len(requested) > 0 {
		scopes = nil // a set (RFC 6749 §3.3): each scope once
		for _, sc := range requested {
			if !slices.Contains(conn.Scopes, sc) {
				return nil, oauthErr("invalid_scope", "scope "+sc+" is not granted to this client")
			}
			if !slices.Contains(scopes, sc) {
				scopes = append(scopes, sc)
			}
		}
	}
	ttl := conn.TokenTTL
	if ttl <= 0 {
		ttl = s.DefaultTTL
	}
	raw, _, err := e.Tokens.Issue(conn, scopes, ttl)
	if err != nil {
		return nil, oauthErr("server_error", "the token could not be signed")
	}
	return &TokenResponse{AccessToken: raw, ExpiresIn: int64(ttl / time.Second), TokenType: "Bearer", Scope: strings.Join(scopes, " ")}, nil
}

// parseTokenForm reads the form body, refusing other content types and
// repeated parameters (RFC 6749 §3.2: parameters MUST NOT be included more
// than once).
func parseTokenForm(r *http.Request) (url.Values, *OAuthError) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, oauthErr("invalid_request", "the body must be application/x-www-form-urlencoded")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxTokenRequest+1))
	if err != nil {
		return nil, oauthErr("invalid_request", "the request body could not be read")
	}
	if len(body) > maxTokenRequest {
		return nil, oauthErr("invalid_request", "the request body is too large")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, oauthErr("invalid_request", "the form body is malformed")
	}
	for k, v := range form {
		if len(v) > 1 {
			return nil, oauthErr("invalid_request", "parameter "+k+" is repeated")
		}
	}
	return form, nil
}

// clientCredentials takes the client's ID and secret from an HTTP Basic
// header (RFC 6749 §2.3.1, form-encoded inside) or the form, not both.
func clientCredentials(r *http.Request, form url.Values) (string, string, *OAuthError) {
	authz := r.Header.Get("Authorization")
	if authz == "" {
		id := form.Get("client_id")
		if id == "" {
			return "", "", oauthErr("invalid_client", "client_id is required")
		}
		return id, form.Get("client_secret"), nil
	}
	scheme, payload, _ := strings.Cut(authz, " ")
	if !strings.EqualFold(scheme, "Basic") {
		return "", "", oauthErr("invalid_client", "only HTTP Basic client authentication is supported in the Authorization header")
	}
	decoded, err := base64.StdEncoding.DecodeString(strings.TrimSpace(payload))
	if err != nil {
		return "", "", oauthErr("invalid_request", "the Basic credentials are not valid base64")
	}
	rawID, rawSecret, ok := strings.Cut(string(decoded), ":")
	if !ok {
		return "", "", oauthErr("invalid_request", "the Basic credentials must be client_id:client_secret")
	}
	id, err1 := url.QueryUnescape(rawID)
	secret, err2 := url.QueryUnescape(rawSecret)
	if err1 != nil || err2 != nil {
		return "", "", oauthErr("invalid_request", "the Basic credentials are not form-encoded correctly")
	}
	if form.Get("client_secret") != "" || (form.Get("client_id") != "" && form.Get("client_id") != id) {
		return "", "", oauthErr("invalid_request", "use one client authentication method: Basic or form, not both")
	}
	return id, secret, nil
}

// Discovery handles GET /.well-known/openid-configuration, naming the
// request's environment's issuer.
func (s *Service) Discovery(w http.ResponseWriter, r *http.Request) {
	issuer := s.requestEnv(r).Issuer
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                issuer,
		"jwks_uri":                              issuer + "/.well-known/openid-configuration/jwks",
		"token_endpoint":                        issuer + "/connect/token",
		"grant_types_supported":                 []string{"client_credentials"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "client_secret_basic"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{},
		"claims_supported":                      []string{"client_id", "tenant", "scope", "jti", "iss", "nbf", "iat", "exp"},
		"response_types_supported":              []string{"token"},
		"subject_types_supported":               []string{"public"},
	})
}

// JWKS handles GET /.well-known/openid-configuration/jwks.
func (s *Service) JWKS(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string][]JWK{"keys": {s.Key.JWK()}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Headers through which an API call presents its app key (contract §4: the
// spec's apiKeyHeader and apiKeyQuery schemes).
const (
	AppKeyHeader = "ST-App-Key"
	AppKeyQuery  = "servicetitanapplicationkey"
)

// appKeyHeaderKey is AppKeyHeader in canonical form ("St-App-Key"), as
// the request's header map keys it: looked up by its documented spelling,
// the name would be canonicalised into a new string on every call.
var appKeyHeaderKey = http.CanonicalHeaderKey(AppKeyHeader)

// header is r.Header.Get(key) for a key already in canonical form,
// without checking its form again on every call.
func header(r *http.Request, key string) string {
	if v := r.Header[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Principal is who is calling: the verified token, its connection and app
// (their Scopes are left empty: the token's scopes are what count).
type Principal struct {
	Token      *Token
	Connection Connection
	App        App
}

// Authenticate runs the checks every API call passes, in this order: a valid
// token (401), an app key that is present and known (401) and belongs to the
// token's app (401), the path tenant equal to the token's (403), the
// connection still enabled (401), and the operation's scope (403). A token
// is valid only in the environment that issued it.
func (s *Service) Authenticate(r *http.Request, tenant int64, scope string) (*Principal, *apierr.Error) {
	p := new(Principal)
	if err := s.AuthenticateTo(p, r, tenant, scope, time.Time{}); err != nil {
		return nil, err
	}
	return p, nil
}

// AuthenticateTo is Authenticate setting *p to the principal, for a caller
// that keeps it with other per-request state in one allocation and has
// read the tenant's clock already (now; zero: read it here). Every field of
// *p is set when the call is let through; after a refusal *p may hold parts
// of a principal, to be ignored.
func (s *Service) AuthenticateTo(p *Principal, r *http.Request, tenant int64, scope string, now time.Time) *apierr.Error {
	raw := bearerToken(header(r, "Authorization"))
	if raw == "" {
		return tokenError(ErrTokenMissing)
	}
	tok, err := s.requestEnv(r).Tokens.VerifyFor(raw, tenant, now)
	if err != nil {
		return tokenError(err)
	}
	key := header(r, appKeyHeaderKey)
	if key == "" {
		key = r.URL.Query().Get(AppKeyQuery)
	}
	if key == "" {
		return apierr.New(http.StatusUnauthorized, "Access denied due to a missing app key.").
			Field(AppKeyHeader, "Send your application key in the ST-App-Key header (or the servicetitanapplicationkey query parameter).").
			WithCode(apierr.CodeNoAppKey)
	}
	appOK, connOK, sameApp := s.Registry.forCall(key, tok.ClientID, p)
	conn := &p.Connection
	if !appOK {
		return apierr.New(http.StatusUnauthorized, "Access denied due to an invalid app key.").
			Field(AppKeyHeader, "No application has this key.")
	}
	if !connOK {
		return tokenError(errors.New("the client this token was issued to no longer exists"))
	}
	if !sameApp {
		return apierr.New(http.StatusUnauthorized, "Access denied: the app key does not belong to the app this token was issued to.").
			Field(AppKeyHeader, "The token's client belongs to a different application.")
	}
	if tok.Tenant != tenant {
		return apierr.New(http.StatusForbidden, "Access denied: the token was issued for another tenant.").
			Field("tenant", "The token is for tenant "+strconv.FormatInt(tok.Tenant, 10)+", the path names tenant "+strconv.FormatInt(tenant, 10)+".")
	}
	if !conn.Enabled {
		return apierr.New(http.StatusUnauthorized, "Access denied: the tenant has disabled this app's connection.").
			Field("client_id", "The tenant admin disabled this client ID and secret.")
	}
	if tok.Generation < conn.TokenGeneration {
		return tokenError(errors.New("the access token was revoked"))
	}
	if scope != "" && !tok.Scopes[scope] {
		return apierr.New(http.StatusForbidden, "Access denied: the token lacks the scope this operation needs.").
			Field("scope", "This operation needs scope "+scope+".")
	}
	p.Token = tok
	return nil
}

// PeekTokenClientID names the client a token request authenticates as,
// reading the form and leaving the body for IssueToken to read again.
func PeekTokenClientID(r *http.Request) string {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxTokenRequest+1))
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return ""
	}
	if user, _, ok := r.BasicAuth(); ok {
		id, _ := url.QueryUnescape(user)
		return id
	}
	form, _ := url.ParseQuery(string(body))
	return form.Get("client_id")
}

// WriteOAuthError answers a token request with an RFC 6749 §5.2 error.
func WriteOAuthError(w http.ResponseWriter, code, description string) {
	WriteOAuthErrorStatus(w, http.StatusBadRequest, code, description)
}

// WriteOAuthErrorStatus answers a token request with an OAuth error body
// and another status (429 for a client over the token rate limit).
func WriteOAuthErrorStatus(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, oauthErr(code, description))
}

// TokenRefused is the 401 for a token refused for reason.
func TokenRefused(reason error) *apierr.Error { return tokenError(reason) }

// VerifiedClientID names the client of a request's token if stsim has
// verified the token's signature (expired or not), else "": for attributing
// refused calls in the journal to identities a client has proven only.
func (s *Service) VerifiedClientID(r *http.Request) string {
	raw := bearerToken(r.Header.Get("Authorization"))
	if raw == "" {
		return ""
	}
	return s.requestEnv(r).Tokens.Identify(raw)
}

// bearerToken accepts "Bearer <token>" and, like the official curl sample,
// a bare "<token>".
func bearerToken(h string) string {
	h = strings.TrimSpace(h)
	if strings.EqualFold(h, "Bearer") {
		return "" // "Bearer " with nothing after it: no token was sent
	}
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	if strings.ContainsRune(h, ' ') {
		return "" // another scheme, e.g. Basic
	}
	return h
}

// tokenError is the 401 for a missing or invalid token, with the RFC 6750
// WWW-Authenticate challenge ASP.NET's JWT bearer handler sends.
func tokenError(err error) *apierr.Error {
	desc := strings.ReplaceAll(err.Error(), `"`, "'")
	e := apierr.New(http.StatusUnauthorized, "Access denied: "+err.Error()+".").
		WithHeader("WWW-Authenticate", `Bearer error="invalid_token", error_description="`+desc+`"`)
	if errors.Is(err, ErrTokenExpired) {
		e.Code = apierr.CodeTokenExpired
	}
	return e
}
