package scheduleengine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// Client is one scheduler connected to one tenant. It is safe for
// concurrent use.
type Client struct {
	cfg    Config
	tokens *tokenCache
	limit  *limiter
	log    *slog.Logger
	zone   *time.Location

	refMu sync.Mutex // guards ref
	ref   *referenceData
}

// New checks cfg and returns a client; it makes no call.
func New(cfg Config) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("schedule engine config: %w", err)
	}
	zone, _ := time.LoadLocation(cfg.TimeZone) // checked by withDefaults
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{cfg: cfg, tokens: cfg.Shared.tokenCache(&cfg), limit: cfg.Shared.limiter(&cfg), log: log, zone: zone}, nil
}

// Config returns the client's configuration with its defaults filled in.
func (c *Client) Config() Config { return c.cfg }

// Location is the tenant's time zone.
func (c *Client) Location() *time.Location { return c.zone }

// Token returns a valid access token, fetching one if needed.
func (c *Client) Token(ctx context.Context) (*Token, error) { return c.tokens.get(ctx, c, "") }

// TokenRequests is how many token requests this client's token cache has
// sent (shared with every scheduler on the same credentials).
func (c *Client) TokenRequests() int {
	c.tokens.mu.Lock()
	defer c.tokens.mu.Unlock()
	return c.tokens.fetches
}

// Reconnect clears a "needs new credentials" state and asks for a token
// once: the probe after a tenant restores a disabled app.
func (c *Client) Reconnect(ctx context.Context) error {
	c.tokens.reset("")
	_, err := c.Token(ctx)
	return err
}

// SetSecret installs a new client secret for every scheduler on these
// credentials and asks for a token once.
func (c *Client) SetSecret(ctx context.Context, secret string) error {
	c.tokens.reset(secret)
	_, err := c.Token(ctx)
	return err
}

// NeedsCredentials reports whether the token endpoint refused the
// credentials (invalid_client) and nothing has been retried since.
func (c *Client) NeedsCredentials() bool {
	c.tokens.mu.Lock()
	defer c.tokens.mu.Unlock()
	return c.tokens.refusal != nil
}

// call is one API request.
type call struct {
	method string
	path   string // below the API URL: /crm/v2/tenant/1/customers
	query  url.Values
	body   any // sent as JSON when not nil
	// read marks a call safe to repeat (GETs, capacity): it is retried on
	// 5xx answers and broken connections. Writes never are.
	read bool
}

// Do sends one API call with the client's token, app key, rate limit and
// retries (GETs are retried on 5xx; other methods are not) and decodes a 2xx
// answer into out. path is below the API URL ([Client.TenantPath]).
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	return c.do(ctx, call{method: method, path: path, query: query, body: body, read: method == http.MethodGet}, out)
}

// TenantPath is /{module}/v2/tenant/{tenant}/{rest}.
func (c *Client) TenantPath(module, rest string) string { return c.path(module, "%s", rest) }

// path builds /{module}/v2/tenant/{tenant}/{rest}.
func (c *Client) path(module, rest string, args ...any) string {
	return fmt.Sprintf("/%s/v2/tenant/%d/", module, c.cfg.TenantID) + fmt.Sprintf(rest, args...)
}

// maxBody bounds an API answer.
const maxBody = 32 << 20

// do sends cl, retrying as the failure allows, and decodes a 2xx answer
// into out (when not nil).
func (c *Client) do(ctx context.Context, cl call, out any) error {
	var payload []byte
	if cl.body != nil {
		var err error
		if payload, err = json.Marshal(cl.body); err != nil {
			return err
		}
	}
	target := c.cfg.Env.APIURL + cl.path
	if len(cl.query) > 0 {
		target += "?" + cl.query.Encode()
	}
	stale := ""
	replayed := false
	tries5xx, tries429 := 0, 0
	for {
		tok, err := c.tokens.get(ctx, c, stale)
		if err != nil {
			return err
		}
		body, status, header, err := c.send(ctx, cl.method, target, tok.Access, payload)
		if err != nil {
			if cl.read && tries5xx < c.cfg.Retries5xx {
				tries5xx++
				c.log.Warn("retrying a read after a broken answer", "path", cl.path, "err", err, "try", tries5xx)
				if err := c.cfg.Clock.Sleep(ctx, backoff(tries5xx)); err != nil {
					return err
				}
				continue
			}
			return &NetworkError{Op: cl.method + " " + cl.path, Err: err}
		}
		if status >= 200 && status < 300 {
			if out == nil || len(body) == 0 {
				return nil
			}
			if err := json.Unmarshal(body, out); err != nil {
				return fmt.Errorf("%s %s: answer is not the expected JSON: %v", cl.method, cl.path, err)
			}
			return nil
		}
		apiErr := decodeError(cl.method, cl.path, status, header, body, c.cfg.Clock.Now())
		switch {
		case status == http.StatusUnauthorized && !replayed:
			// The token expired or was revoked: refresh once (shared with
			// every goroutine that got the same 401) and replay.
			replayed, stale = true, tok.Access
			continue
		case status == http.StatusTooManyRequests && tries429 < c.cfg.Retries429:
			tries429++ // the limiter already holds every caller until Retry-After
			if apiErr.RetryAfter == 0 && tries429 > 1 {
				// No Retry-After, again: back off further on this call.
				if err := c.cfg.Clock.Sleep(ctx, backoff(tries429)); err != nil {
					return err
				}
			}
			continue
		case status >= 500 && cl.read && tries5xx < c.cfg.Retries5xx:
			tries5xx++
			wait := max(backoff(tries5xx), apiErr.RetryAfter)
			c.log.Warn("retrying a read after a server error", "path", cl.path, "status", status, "traceId", apiErr.TraceID, "wait", wait)
			if err := c.cfg.Clock.Sleep(ctx, wait); err != nil {
				return err
			}
			continue
		}
		c.log.Info("API refused a call", "err", apiErr.Error(), "traceId", apiErr.TraceID)
		return apiErr
	}
}

// send makes one HTTP exchange through the rate limiter and reads the
// whole, bounded answer.
func (c *Client) send(ctx context.Context, method, target, token string, payload []byte) ([]byte, int, http.Header, error) {
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("ST-App-Key", c.cfg.AppKey)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if err := c.limit.acquire(ctx, c.cfg.Clock); err != nil {
		return nil, 0, nil, err
	}
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		c.limit.release(c.cfg.Clock.Now(), false, 0)
		return nil, 0, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusTooManyRequests {
		wait := retryAfter(resp.Header, c.cfg.Clock.Now())
		if wait <= 0 {
			wait = backoff(1) // no Retry-After: back off anyway
		}
		c.limit.release(c.cfg.Clock.Now(), true, wait)
	} else {
		c.limit.release(c.cfg.Clock.Now(), false, 0)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, 0, nil, err
	}
	if len(body) > maxBody {
		return nil, 0, nil, errors.New("answer larger than 32 MiB")
	}
	return body, resp.StatusCode, resp.Header, nil
}

// decodeError reads ServiceTitan's error body, or keeps the status alone.
func decodeError(method, path string, status int, h http.Header, body []byte, now time.Time) *APIError {
	e := &APIError{Method: method, Path: path, Status: status, RetryAfter: retryAfter(h, now), TraceID: h.Get("X-Trace-Id")}
	var b struct {
		Title   string              `json:"title"`
		TraceID string              `json:"traceId"`
		Errors  map[string][]string `json:"errors"`
	}
	if json.Unmarshal(body, &b) == nil {
		e.Title, e.Errors = b.Title, b.Errors
		if b.TraceID != "" {
			e.TraceID = b.TraceID
		}
	}
	if e.Title == "" {
		e.Title = http.StatusText(status)
	}
	return e
}

// retryAfter reads Retry-After as seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// backoff is the wait before retry n (1, 2, …): exponential from 200 ms,
// capped at 5 s, with jitter over its upper half.
func backoff(n int) time.Duration {
	d := 200 * time.Millisecond << min(n-1, 5)
	d = min(d, 5*time.Second)
	return d/2 + rand.N(d/2+1)
}
