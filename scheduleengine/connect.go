package scheduleengine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Problem names what an onboarding failure means.
type Problem string

// The onboarding problems Connect tells apart.
const (
	ProblemUnreachable      Problem = "unreachable"       // no answer from a base URL
	ProblemWrongEnvironment Problem = "wrong-environment" // credentials unknown here: integration vs production
	ProblemWrongSecret      Problem = "wrong-secret"      // secret wrong, expired or revoked
	ProblemDisabledApp      Problem = "disabled-app"      // the tenant disabled the connection
	ProblemWrongTenant      Problem = "wrong-tenant"      // credentials of another tenant
	ProblemWrongAppKey      Problem = "wrong-app-key"
	ProblemMissingScope     Problem = "missing-scope"    // new app version not accepted
	ProblemBookingProvider  Problem = "booking-provider" // the connection's booking-provider binding
	ProblemOther            Problem = "other"
)

// Step is one onboarding check.
type Step struct {
	Name    string        `json:"name"`
	OK      bool          `json:"ok"`
	Detail  string        `json:"detail"`
	Took    time.Duration `json:"tookNs"`
	Problem Problem       `json:"problem,omitempty"`
	Fix     string        `json:"fix,omitempty"`
}

// ConnectReport is the outcome of Connect, step by step.
type ConnectReport struct {
	Connected         bool    `json:"connected"`
	Steps             []Step  `json:"steps"`
	BookingProviderID int64   `json:"bookingProviderId,omitempty"`
	Problem           Problem `json:"problem,omitempty"`
}

// Failed is the failing step, if any.
func (r *ConnectReport) Failed() *Step {
	for i := range r.Steps {
		if !r.Steps[i].OK {
			return &r.Steps[i]
		}
	}
	return nil
}

// RequiredScopes are the scopes the booking flow uses.
var RequiredScopes = []string{
	"tn.stt.businessunits:r", "tn.jpm.jobtypes:r", "tn.mrk.campaigns:r", "tn.dis.arrivalwindows:r",
	"tn.jpm.jobcancelreasons:r", "tn.dis.capacity:w", "tn.crm.customers:r", "tn.crm.customers:w",
	"tn.crm.locations:r", "tn.crm.locations:w", "tn.jpm.jobs:r", "tn.jpm.jobs:w",
	"tn.jpm.appointments:r", "tn.jpm.appointments:w", "tn.crm.bookingprovidertags:r",
	"tn.crm.bookings:r", "tn.crm.bookings:w",
}

// Connect runs the onboarding checks once: a fresh token, its tenant and
// scopes, one cheap API call, and the booking provider. It stops at the
// first failing step and says what it means and how to fix it.
func (c *Client) Connect(ctx context.Context) *ConnectReport {
	rep := &ConnectReport{}
	run := func(name string, check func(*Step) error) bool {
		s := Step{Name: name}
		start := time.Now()
		err := check(&s)
		s.Took = time.Since(start)
		s.OK = err == nil
		if err != nil {
			if s.Problem == "" {
				s.Problem, s.Fix = diagnose(c, err)
			}
			s.Detail = err.Error()
			rep.Problem = s.Problem
		}
		rep.Steps = append(rep.Steps, s)
		return s.OK
	}
	var tok *Token
	ok := run("token", func(s *Step) error {
		c.tokens.reset("")
		var err error
		if tok, err = c.Token(ctx); err == nil {
			s.Detail = fmt.Sprintf("token from %s, valid until %s", c.cfg.Env.AuthURL, tok.Expires.UTC().Format(time.RFC3339))
		}
		return err
	}) && run("tenant", func(s *Step) error {
		if tok.Tenant != "" && tok.Tenant != strconv.FormatInt(c.cfg.TenantID, 10) {
			s.Problem = ProblemWrongTenant
			s.Fix = "use the tenant ID these credentials were issued for, or the client ID and secret of tenant " + strconv.FormatInt(c.cfg.TenantID, 10)
			return fmt.Errorf("these credentials belong to tenant %s, not %d", tok.Tenant, c.cfg.TenantID)
		}
		s.Detail = "the token is for tenant " + strconv.FormatInt(c.cfg.TenantID, 10)
		return nil
	}) && run("scopes", func(s *Step) error {
		if tok.Scopes == nil {
			s.Detail = "the token lists no scopes; the API will say"
			return nil
		}
		var missing []string
		for _, sc := range RequiredScopes {
			if !slices.Contains(tok.Scopes, sc) {
				missing = append(missing, sc)
			}
		}
		if len(missing) > 0 {
			s.Problem = ProblemMissingScope
			s.Fix = "the tenant admin accepts the app's current version (Settings → Integrations → API Application Access), which grants the scopes"
			return fmt.Errorf("the token lacks %s", strings.Join(missing, ", "))
		}
		s.Detail = fmt.Sprintf("all %d scopes the booking flow uses", len(RequiredScopes))
		return nil
	}) && run("api call", func(s *Step) error {
		_, err := List[named](ctx, c, c.path("settings", "business-units"), url.Values{"pageSize": {"1"}}, 1, 1)
		if err == nil {
			s.Detail = "GET " + c.cfg.Env.APIURL + c.path("settings", "business-units") + "?pageSize=1 answered 200"
		}
		return err
	}) && run("booking provider", func(s *Step) error {
		bp, err := c.BookingProvider(ctx)
		if err != nil {
			s.Problem = ProblemBookingProvider
			s.Fix = "create the booking-provider tag and choose it when connecting the app, or configure its ID"
			return err
		}
		rep.BookingProviderID = bp
		if _, err := c.inboxByExternalID(ctx, bp, "connect-check"); err != nil {
			return err
		}
		s.Detail = fmt.Sprintf("bookings go to /crm/v2/tenant/%d/booking-provider/%d/bookings", c.cfg.TenantID, bp)
		// The tenant-level list is closed to a bound connection: say so
		// here rather than let a newcomer meet the 403 later.
		err = c.do(ctx, call{method: "GET", path: c.path("crm", "bookings"), query: url.Values{"pageSize": {"1"}}, read: true}, nil)
		if StatusOf(err) == http.StatusForbidden {
			s.Detail += fmt.Sprintf("; the tenant-level /bookings answers 403 because the tenant bound this connection to booking-provider tag %d (expected: use the provider-level path)", bp)
		}
		return nil
	})
	rep.Connected = ok
	return rep
}

// diagnose explains an onboarding error.
func diagnose(c *Client, err error) (Problem, string) {
	var te *TokenError
	var ae *APIError
	var ne *NetworkError
	switch {
	case errors.As(err, &te):
		d := strings.ToLower(te.Description)
		switch {
		case te.Code != "invalid_client":
			if te.Status == http.StatusNotFound {
				return ProblemWrongEnvironment, "the auth URL " + c.cfg.Env.AuthURL + " has no token endpoint: check --auth-url"
			}
			return ProblemOther, "the token endpoint refused the request: " + te.Code
		case strings.Contains(d, "disabled"):
			return ProblemDisabledApp, "the tenant admin restores the app under Settings → Integrations → API Application Access"
		case strings.Contains(d, "unknown client") || strings.Contains(d, "environment"):
			return ProblemWrongEnvironment, "this client ID is not known at " + c.cfg.Env.AuthURL + ": integration and production credentials differ; check --auth-url/--api-url and --client-id"
		case strings.Contains(d, "secret"):
			return ProblemWrongSecret, "generate a new client secret (it is shown once) and configure it"
		}
		return ProblemWrongSecret, "invalid_client: the secret is wrong or expired, the client ID belongs to another environment, or the tenant disabled the app"
	case errors.As(err, &ae):
		field := func(name string) string { return strings.Join(ae.Field(name), " ") }
		switch {
		case ae.Status == http.StatusUnauthorized && field("ST-App-Key") != "":
			return ProblemWrongAppKey, "configure the app key of the app these credentials belong to: " + field("ST-App-Key")
		case ae.Status == http.StatusUnauthorized && strings.Contains(strings.ToLower(ae.Title), "disabled"):
			return ProblemDisabledApp, "the tenant admin restores the app under Settings → Integrations → API Application Access"
		case ae.Status == http.StatusUnauthorized:
			// A fresh token, refused even after one more: the API does not
			// trust this token endpoint.
			return ProblemWrongEnvironment, "the API at " + c.cfg.Env.APIURL + " refuses tokens from " + c.cfg.Env.AuthURL + ": the auth and API URLs must name the same environment (integration or production)"
		case ae.Status == http.StatusForbidden && field("tenant") != "":
			return ProblemWrongTenant, field("tenant")
		case ae.Status == http.StatusForbidden && field("booking_provider") != "":
			return ProblemBookingProvider, field("booking_provider")
		case ae.Status == http.StatusForbidden:
			return ProblemMissingScope, "a 403 means a missing scope or another tenant's path: the tenant admin accepts the app's current version; " + field("scope")
		case ae.Status == http.StatusNotFound:
			return ProblemWrongEnvironment, "the API URL " + c.cfg.Env.APIURL + " does not serve the V2 API: check --api-url"
		}
		return ProblemOther, "see the error and its traceId"
	case errors.As(err, &ne):
		return ProblemUnreachable, "no answer: check the URL, network and proxy (" + ne.Op + ")"
	}
	return ProblemOther, ""
}
