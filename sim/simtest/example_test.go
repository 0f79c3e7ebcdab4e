package simtest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/simtest"
)

// exampleT stands in for the *testing.T a real test gets, so these examples
// can run under `go test` with checked output. simtest calls only the
// methods below (the embedded interface is never used); it fails by
// panicking, which fails the example.
type exampleT struct {
	testing.TB
	failed   bool
	logs     strings.Builder
	cleanups []func()
}

func (t *exampleT) Helper()                 {}
func (t *exampleT) Failed() bool            { return t.failed }
func (t *exampleT) Cleanup(f func())        { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Logf(f string, a ...any) { fmt.Fprintf(&t.logs, f+"\n", a...) }
func (t *exampleT) Fatalf(f string, a ...any) {
	t.failed = true
	panic(fmt.Sprintf(f, a...))
}
func (t *exampleT) Fatal(a ...any) { t.Fatalf("%s", fmt.Sprint(a...)) }

// done runs the cleanups, as the testing package does when a test ends.
func (t *exampleT) done() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// A test starts a real server, fetches a token with the demo credentials
// and calls the API as a client would.
func Example() {
	t := &exampleT{} // in a test: func TestX(t *testing.T)
	defer t.done()

	srv := simtest.Start(t)
	tok := srv.Token(t)
	var customer struct{ Name string }
	srv.Do(t, "GET", simtest.CRM+"/customers/6", tok, nil).OK(t).JSON(t, &customer)
	fmt.Println(customer.Name)
	// Output: Jordan Ellison
}

// Each test can have a fresh, isolated tenant seeded from a fixture, with
// its own credentials (the secret is shown once, in this answer).
func Example_freshTenant() {
	t := &exampleT{}
	defer t.done()
	srv := simtest.Start(t)

	var created struct {
		TenantID    int64 `json:"tenantId"`
		Credentials []struct {
			ClientID, ClientSecret, AppKey string
		} `json:"credentials"`
	}
	srv.Control(t, "POST", "/_sim/tenants", map[string]any{"fixture": "demo"}).JSON(t, &created)
	c := created.Credentials[0]
	tok := srv.TokenFor(t, c.ClientID, c.ClientSecret)
	path := fmt.Sprintf("/crm/v2/tenant/%d/customers/6", created.TenantID)
	fmt.Println("own tenant:", srv.Call(t, "GET", path, tok, c.AppKey, nil).Status)
	fmt.Println("demo tenant with its token:", srv.Call(t, "GET", simtest.CRM+"/customers/6", tok, c.AppKey, nil).Status)
	// Output:
	// own tenant: 200
	// demo tenant with its token: 403
}

// Scenarios script failures for one tenant: here the app's limit drops to
// 5 calls per second, so the sixth call in a second gets a 429.
func Example_scenario() {
	t := &exampleT{}
	defer t.done()
	srv := simtest.Start(t)

	srv.Control(t, "POST", "/_sim/scenarios/throttle-burst/activate", map[string]any{"tenant": simtest.Tenant}).OK(t)
	tok := srv.Token(t)
	var statuses []int
	for range 6 {
		statuses = append(statuses, srv.Do(t, "GET", simtest.CRM+"/customers/6", tok, nil).Status)
	}
	fmt.Println(statuses)
	// Output: [200 200 200 200 200 429]
}

// The clock is frozen at Epoch; advancing it expires tokens without
// waiting (tokens last 15 minutes).
func Example_clock() {
	t := &exampleT{}
	defer t.done()
	srv := simtest.Start(t)

	tok := srv.Token(t)
	srv.Clock.Advance(16 * time.Minute)
	r := srv.Do(t, "GET", simtest.CRM+"/customers/6", tok, nil)
	fmt.Println(r.Status, r.Header.Get("WWW-Authenticate"))
	// Output: 401 Bearer error="invalid_token", error_description="the access token has expired (expired at 2026-11-23T15:15:00Z)"
}

// The request journal answers what the client did: how often it called an
// operation, and which mistakes the lint report sees.
func Example_journal() {
	t := &exampleT{}
	defer t.done()
	srv := simtest.Start(t)

	tok := srv.Token(t)
	for range 3 {
		srv.Do(t, "GET", simtest.CRM+"/customers/6", tok, nil).OK(t)
	}
	srv.Call(t, "GET", simtest.CRM+"/customers/6", tok, "", nil) // no ST-App-Key

	var counts struct{ Counts map[string]int }
	srv.Control(t, "GET", "/_sim/requests/counts?operation=Customers_Get", nil).OK(t).JSON(t, &counts)
	fmt.Println("Customers_Get called", counts.Counts["crm.Customers_Get"], "times")
	var lint struct{ Findings []struct{ Rule string } }
	srv.Control(t, "GET", "/_sim/lint?tenant=1234567", nil).OK(t).JSON(t, &lint)
	for _, f := range lint.Findings {
		fmt.Println("lint:", f.Rule)
	}
	// Output:
	// Customers_Get called 4 times
	// lint: missing-app-key
}

// Provider-level booking calls name the booking-provider tag the demo
// connection is bound to; look its ID up by name (the seed assigns it).
func Example_bookingProvider() {
	t := &exampleT{}
	defer t.done()
	srv := simtest.Start(t)
	tok := srv.Token(t)

	var tags struct{ Data []struct{ ID int64 } }
	srv.Do(t, "GET", simtest.CRM+"/booking-provider-tags?name=Schedule%20Engine", tok, nil).OK(t).JSON(t, &tags)
	provider := tags.Data[0].ID
	var booking struct {
		Status            string
		BookingProviderID int64
	}
	srv.Do(t, "POST", fmt.Sprintf("%s/booking-provider/%d/bookings", simtest.CRM, provider), tok, map[string]any{
		"source": "Schedule Engine", "name": "Avery Quinn", "summary": "No cooling upstairs",
		"isFirstTimeClient": true, "externalId": "se-1001",
		"contacts": []map[string]any{{"type": "Phone", "value": "630-555-0142"}},
	}).OK(t).JSON(t, &booking)
	fmt.Println(booking.Status, booking.BookingProviderID == provider)
	other := srv.Do(t, "POST", fmt.Sprintf("%s/booking-provider/%d/bookings", simtest.CRM, provider+1000), tok, map[string]any{
		"source": "x", "name": "x", "summary": "x", "isFirstTimeClient": true, "externalId": "x",
		"contacts": []map[string]any{{"type": "Phone", "value": "630-555-0143"}},
	})
	fmt.Println("another tag:", other.Status)
	// Output:
	// New true
	// another tag: 403
}

// TestAFailedTestShowsTheServerLog: when a test fails, Start's cleanup
// prints the end of the server's log, so the failure explains itself.
func TestAFailedTestShowsTheServerLog(t *testing.T) {
	fake := &exampleT{}
	srv := simtest.Start(fake)
	srv.Do(fake, "GET", simtest.CRM+"/customers/6", "", nil)
	fake.failed = true
	fake.done()
	if !strings.Contains(fake.logs.String(), "the stsim server's log") ||
		!strings.Contains(fake.logs.String(), "path=/crm/v2/tenant/1234567/customers/6 status=401") {
		t.Fatalf("a failed test's output lacks the server log:\n%s", fake.logs.String())
	}
	passing := &exampleT{}
	simtest.Start(passing)
	passing.done()
	if passing.logs.Len() != 0 {
		t.Fatalf("a passing test printed the server log:\n%s", passing.logs.String())
	}
}
