package scheduleengine_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stsim/stsim/scheduleengine"
)

// Scenario 4: the tenant's tokens stop working mid-session while 20 calls
// are in flight: they share one refresh, exactly one token request, and each
// call is replayed once.
func TestTokenRevokedUnder20ConcurrentCalls(t *testing.T) {
	s := startSim(t, tenantSettings{})
	c := s.client(func(c *scheduleengine.Config) { c.MaxInFlight = 20 })
	ctx := context.Background()
	if _, err := c.BookingProvider(ctx); err != nil { // warm the token
		t.Fatal(err)
	}
	before := s.counts()
	s.control("POST", "/_sim/connections/"+s.creds.ClientID+"/expire-tokens", nil, nil, http.StatusOK)
	concurrently(t, 20, func(int) error { _, err := c.BookingProvider(ctx); return err })
	n := s.counts().since(before)
	n.want(t, "token.Token_Create", 1)
	if got := n["crm.BookingProviderTags_GetList"]; got < 21 || got > 40 {
		t.Errorf("%d list calls for 20 callers, want each refused at most once and replayed", got)
	}
	s.lintClean()
}

// Scenario 4, as the token-expiry-storm scenario plays it: every token
// issued before it was switched on is refused as expired.
func TestTokenExpiryStorm(t *testing.T) {
	s := startSim(t, tenantSettings{})
	c := s.client(func(c *scheduleengine.Config) { c.MaxInFlight = 20 })
	ctx := context.Background()
	if _, err := c.BookingProvider(ctx); err != nil {
		t.Fatal(err)
	}
	before := s.counts()
	s.advance(time.Second) // the scenario refuses tokens issued before it starts
	s.activate("token-expiry-storm")
	concurrently(t, 20, func(int) error { _, err := c.BookingProvider(ctx); return err })
	s.counts().since(before).want(t, "token.Token_Create", 1)
	s.lintClean() // the scenario's forced 401s are not held against the client
}

// Scenario 4, natural expiry: the client renews ahead of expiry and never
// sends an expired token.
func TestTokenRenewedBeforeExpiry(t *testing.T) {
	s := startSim(t, tenantSettings{})
	c := s.client()
	ctx := context.Background()
	for range 4 {
		if _, err := c.BookingProvider(ctx); err != nil {
			t.Fatal(err)
		}
		s.advance(7 * time.Minute) // 7 minutes: the 15-minute token is renewed every other round
	}
	n := s.counts()
	n.want(t, "token.Token_Create", 2)
	if bad := s.counts(http.StatusUnauthorized); len(bad) > 0 {
		t.Errorf("401s: %v", bad)
	}
	s.lintClean()
}

// concurrently runs fn n times at once and fails on any error.
func concurrently(t *testing.T, n int, fn func(i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn(i)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

// Scenario 5: the secret is rotated mid-session. The refresh gets
// invalid_client, the client stops in "needs new credentials" without
// writing or looping, and the same booking intent goes through once the
// new secret is installed.
func TestSecretRevokedMidSession(t *testing.T) {
	s := startSim(t, tenantSettings{})
	c := s.client()
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	slot := slots(t, ctx, c, tomorrow(s, c), 1, w)[0]

	var rotated struct {
		ClientSecret string `json:"clientSecret"`
	}
	s.control("POST", "/_sim/connections/"+s.creds.ClientID+"/secrets/2", nil, &rotated, http.StatusOK)
	s.control("DELETE", "/_sim/connections/"+s.creds.ClientID+"/secrets/1", nil, nil, http.StatusOK)
	s.control("POST", "/_sim/connections/"+s.creds.ClientID+"/expire-tokens", nil, nil, http.StatusOK)
	before := s.counts()

	intent := scheduleengine.BookingRequest{BookingID: scheduleengine.NewBookingID(), Party: newParty(), BusinessUnitID: w.businessUnit, JobTypeID: w.jobType, Slot: slot}
	for range 3 {
		_, err := c.Book(ctx, intent)
		if !errors.Is(err, scheduleengine.ErrNeedsCredentials) || !c.NeedsCredentials() {
			t.Fatalf("book: %v, want ErrNeedsCredentials", err)
		}
	}
	n := s.counts().since(before)
	n.want(t, "token.Token_Create", 1) // one refusal, then no more asking
	for op := range n {
		if strings.HasSuffix(op, "_Create") && op != "token.Token_Create" {
			t.Errorf("%s called while the credentials were refused", op)
		}
	}
	if err := c.SetSecret(ctx, rotated.ClientSecret); err != nil {
		t.Fatal(err)
	}
	res, err := c.Book(ctx, intent)
	if err != nil || res.JobID == 0 {
		t.Fatalf("book after the new secret: %+v, %v", res, err)
	}
	s.counts().since(before).want(t, "jpm.Jobs_Create", 1)
	s.lintClean()
}

// Scenario 5 as the revoked-secret scenario plays it: the token endpoint
// refuses; the client asks once and stops.
func TestRevokedSecretScenario(t *testing.T) {
	s := startSim(t, tenantSettings{})
	s.activate("revoked-secret")
	c := s.client()
	ctx := context.Background()
	for range 5 {
		if _, err := c.Reference(ctx); !errors.Is(err, scheduleengine.ErrNeedsCredentials) {
			t.Fatalf("err %v, want ErrNeedsCredentials", err)
		}
	}
	n := s.counts()
	n.want(t, "token.Token_Create", 1)
	if n.total() != 0 {
		t.Errorf("API calls without a token: %v", n)
	}
	connectFails(t, c, "token", scheduleengine.ProblemWrongSecret)
}

// Scenario 6: the tenant disables the app, then restores it. Cached tokens
// stop working, the client stops without retry loops, a probe after the
// restore reconnects, and the queued intent is written once.
func TestAppDisconnectedThenRestored(t *testing.T) {
	s := startSim(t, tenantSettings{})
	c := s.client()
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	slot := slots(t, ctx, c, tomorrow(s, c), 1, w)[0]
	intent := scheduleengine.BookingRequest{BookingID: scheduleengine.NewBookingID(), Party: newParty(), BusinessUnitID: w.businessUnit, JobTypeID: w.jobType, Slot: slot}

	s.control("POST", "/_sim/connections/"+s.creds.ClientID+"/disable", nil, nil, http.StatusOK)
	before := s.counts()
	if _, err := c.Book(ctx, intent); !errors.Is(err, scheduleengine.ErrNeedsCredentials) {
		t.Fatalf("book while disabled: %v, want ErrNeedsCredentials", err)
	}
	if err := c.Reconnect(ctx); !errors.Is(err, scheduleengine.ErrNeedsCredentials) { // the probe, still disabled
		t.Fatalf("probe while disabled: %v", err)
	}
	n := s.counts().since(before)
	n.want(t, "token.Token_Create", 2) // the refresh after the 401, the probe
	if n.total() != 1 {
		t.Errorf("API calls while disabled: %v, want only the one that met the 401", n)
	}
	connectFails(t, s.client(), "token", scheduleengine.ProblemDisabledApp)

	s.control("POST", "/_sim/connections/"+s.creds.ClientID+"/restore", nil, nil, http.StatusOK)
	if err := c.Reconnect(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := c.Book(ctx, intent); err != nil {
			t.Fatal(err)
		}
	}
	s.counts().since(before).want(t, "jpm.Jobs_Create", 1)
}

// Scenario 7: the job-write scope is gone. The 403 names the scope, and it
// is not retried.
func TestMissingScopeNotRetried(t *testing.T) {
	s := startSim(t, tenantSettings{})
	c := s.client()
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	slot := slots(t, ctx, c, tomorrow(s, c), 1, w)[0]
	s.activate("missing-scope")
	_, err := c.Book(ctx, scheduleengine.BookingRequest{Party: newParty(), BusinessUnitID: w.businessUnit, JobTypeID: w.jobType, Slot: slot})
	var ae *scheduleengine.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusForbidden || !strings.Contains(err.Error(), "tn.jpm.jobs:w") {
		t.Fatalf("err %v, want a 403 naming tn.jpm.jobs:w", err)
	}
	s.counts().want(t, "jpm.Jobs_Create", 1)
	s.lintClean()
}
