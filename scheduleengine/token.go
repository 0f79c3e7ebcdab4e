package scheduleengine

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrNeedsCredentials is wrapped by every error of a connection whose token
// request was refused with invalid_client: the secret is wrong, expired or
// revoked, or the tenant disabled the app. Nothing is retried until
// [Client.Reconnect] or [Client.SetSecret] succeeds.
var ErrNeedsCredentials = errors.New("the connection needs new credentials")

// TokenError is a refusal from the token endpoint (RFC 6749 §5.2).
type TokenError struct {
	Status      int
	Code        string // invalid_client, invalid_scope, …
	Description string
}

func (e *TokenError) Error() string {
	s := fmt.Sprintf("token request refused (%d %s)", e.Status, e.Code)
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// Is makes an invalid_client refusal match ErrNeedsCredentials.
func (e *TokenError) Is(target error) bool {
	return target == ErrNeedsCredentials && e.Code == "invalid_client"
}

// Token is an access token and what it says about itself.
type Token struct {
	Access  string
	Expires time.Time
	Tenant  string   // the JWT's tenant claim
	Scopes  []string // the JWT's scope claim
}

// tokenCache is one (environment, tenant, client ID)'s token with a single
// in-flight refresh shared by every goroutine.
type tokenCache struct {
	mu      sync.Mutex // guards the fields below
	tok     *Token
	refusal error   // a TokenError with invalid_client: stop until credentials change
	flight  *flight // the refresh in progress, if any
	fetches int     // token requests sent, for tests and diagnostics
	secret  string  // the client secret every scheduler on this cache uses
}

type flight struct {
	done chan struct{}
	tok  *Token
	err  error
}

// get returns a token valid for at least ahead, fetching one if needed.
// With stale set (a token the API just refused), it returns a different
// token: the one another goroutine already fetched, or a new one.
func (tc *tokenCache) get(ctx context.Context, c *Client, stale string) (*Token, error) {
	tc.mu.Lock()
	if tc.refusal != nil {
		err := tc.refusal
		tc.mu.Unlock()
		return nil, err
	}
	now := c.cfg.Clock.Now()
	if t := tc.tok; t != nil && t.Access != stale && now.Before(t.Expires.Add(-c.cfg.RefreshAhead)) {
		tc.mu.Unlock()
		return t, nil
	}
	f := tc.flight
	if f == nil {
		f = &flight{done: make(chan struct{})}
		tc.flight = f
		secret := tc.secret
		tc.mu.Unlock()
		f.tok, f.err = c.fetchToken(ctx, secret)
		tc.mu.Lock()
		tc.fetches++
		tc.flight = nil
		if f.err == nil {
			tc.tok = f.tok
		} else if errors.Is(f.err, ErrNeedsCredentials) {
			tc.tok, tc.refusal = nil, f.err
		}
		close(f.done)
	}
	tc.mu.Unlock()
	select {
	case <-f.done:
		return f.tok, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (tc *tokenCache) currentSecret() string {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return tc.secret
}

// reset forgets the token and any refusal, so the next call asks again;
// a non-empty secret replaces the stored one.
func (tc *tokenCache) reset(secret string) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	tc.tok, tc.refusal = nil, nil
	if secret != "" {
		tc.secret = secret
	}
}

// maxTokenBody bounds a token endpoint answer.
const maxTokenBody = 64 << 10

// fetchToken asks the token endpoint once.
func (c *Client) fetchToken(ctx context.Context, secret string) (*Token, error) {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.cfg.ClientID}, "client_secret": {secret}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.Env.AuthURL+"/connect/token", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, &NetworkError{Op: "token request to " + c.cfg.Env.AuthURL, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenBody))
	if err != nil {
		return nil, &NetworkError{Op: "reading the token answer", Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if json.Unmarshal(body, &e) != nil || e.Error == "" {
			return nil, &TokenError{Status: resp.StatusCode, Code: "http_" + strconv.Itoa(resp.StatusCode), Description: snippet(body)}
		}
		return nil, &TokenError{Status: resp.StatusCode, Code: e.Error, Description: e.Description}
	}
	var ok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &ok); err != nil || ok.AccessToken == "" || ok.ExpiresIn <= 0 {
		return nil, fmt.Errorf("token answer is not a token: %s", snippet(body))
	}
	t := &Token{Access: ok.AccessToken, Expires: c.cfg.Clock.Now().Add(time.Duration(ok.ExpiresIn) * time.Second)}
	t.Tenant, t.Scopes = claims(ok.AccessToken)
	return t, nil
}

// claims reads the tenant and scope claims of a JWT without verifying it:
// they only explain failures, the API decides.
func claims(jwt string) (tenant string, scopes []string) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", nil
	}
	var c struct {
		Tenant any             `json:"tenant"`
		Scope  json.RawMessage `json:"scope"`
	}
	if json.Unmarshal(raw, &c) != nil {
		return "", nil
	}
	switch v := c.Tenant.(type) {
	case string:
		tenant = v
	case float64:
		tenant = strconv.FormatInt(int64(v), 10)
	}
	if json.Unmarshal(c.Scope, &scopes) != nil {
		var one string
		if json.Unmarshal(c.Scope, &one) == nil {
			scopes = strings.Fields(one)
		}
	}
	return tenant, scopes
}

// snippet is the start of a body, for error messages.
func snippet(b []byte) string {
	const n = 200
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
