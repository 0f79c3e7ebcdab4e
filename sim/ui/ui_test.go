package ui_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stsim/stsim/sim/auth"
	"github.com/stsim/stsim/sim/simtest"
)

// chromium finds a Chromium or Chrome binary, or skips the test.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium binary found (apt-get install -y chromium); .ci/run installs it, so CI runs this test")
	return ""
}

// browser starts a headless Chromium with a fresh profile for one test.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 1000),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// TestDashboardEndToEnd drives the dashboard in a real headless browser:
// connect an app, generate its secret (and use it), disable the connection,
// switch a scenario on, and watch an API call appear in the journal.
func TestDashboardEndToEnd(t *testing.T) {
	ctx := browser(t)
	srv := simtest.Start(t)
	if err := srv.Auth().Registry.AddApp(auth.App{ID: "dispatch-board", Name: "Dispatch Board",
		Key: "ak1.dispatchboard00000000001", Scopes: []string{"tn.crm.customers:r"}}); err != nil {
		t.Fatal(err)
	}
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			shown, _ := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS("#error")))
			t.Fatalf("%s: %v (the page's error line: %q)", what, err, shown)
		}
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("reading %s: %v", sel, err)
		}
		return v
	}
	row := `//section[@id="connections"]//tr[td[1][normalize-space()="Dispatch Board"]]`

	run("open the page", chromedp.Navigate(srv.URL+"/_sim/ui/"),
		chromedp.WaitVisible(chromedp.CSS(`#connections tbody tr`)))

	run("connect an app", chromedp.SetValue(chromedp.CSS(`#connect-app`), "dispatch-board"),
		chromedp.Click(chromedp.CSS(`#connect`)),
		chromedp.WaitVisible(chromedp.Search(row)))
	conns := srv.Auth().Registry.Connections(simtest.Tenant)
	var clientID string
	for _, c := range conns {
		if c.AppID == "dispatch-board" {
			clientID = c.ClientID
		}
	}
	if clientID == "" {
		t.Fatalf("the page's Connect New App made no connection: %+v", conns)
	}

	run("generate a secret", chromedp.Click(chromedp.Search(row+`//button[@data-slot="1"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#secret-once`)))
	shownClient, secret := text("#secret-client"), text("#secret-value")
	if shownClient != clientID || !strings.HasPrefix(secret, "cs1.") {
		t.Fatalf("the page showed secret %q for %q, want a cs1. secret for %s", secret, shownClient, clientID)
	}
	srv.TokenFor(t, clientID, secret) // the shown secret works at the token endpoint

	run("disable the connection", chromedp.Click(chromedp.Search(row+`//button[contains(@class,"disable")]`)),
		chromedp.WaitVisible(chromedp.Search(row+`//button[contains(@class,"restore")]`)))
	if c, _ := srv.Auth().Registry.Connection(clientID); c.Enabled {
		t.Fatal("Disable in the page left the connection enabled")
	}

	run("restore it", chromedp.Click(chromedp.Search(row+`//button[contains(@class,"restore")]`)),
		chromedp.WaitVisible(chromedp.Search(row+`//button[contains(@class,"disable")]`)))
	if c, _ := srv.Auth().Registry.Connection(clientID); !c.Enabled {
		t.Fatal("Restore in the page left the connection disabled")
	}

	run("switch a scenario on", chromedp.Click(chromedp.CSS(`input[data-scenario="throttle-burst"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[data-scenario="throttle-burst"]:checked`)))
	var sc struct {
		Active []struct{ Tenant int64 } `json:"active"`
	}
	srv.Control(t, "GET", "/_sim/scenarios/throttle-burst", nil).OK(t).JSON(t, &sc)
	if len(sc.Active) != 1 || sc.Active[0].Tenant != simtest.Tenant {
		t.Fatalf("the scenario toggle did not activate throttle-burst for the tenant: %+v", sc)
	}

	srv.Do(t, "GET", simtest.CRM+"/customers/6", srv.Token(t), nil).OK(t)
	run("see the call in the journal", chromedp.WaitVisible(chromedp.Search(
		`//section[@id="journal"]//td[normalize-space()="crm.Customers_Get"]`)))

	// The data browser took the new connection's credentials when its secret
	// was generated; it fetches a real token and lists customers.
	run("browse customers", chromedp.Click(chromedp.CSS(`#d-load`)),
		chromedp.WaitVisible(chromedp.CSS(`#data tbody tr`)))
	if got, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#d-client"))); got != clientID {
		t.Errorf("the data browser uses %q, want the new connection %s", got, clientID)
	}

	// The office converts a booking the provider filed (under the demo
	// connection's tag, whose ID the demo fixture fixes).
	var booking struct{ ID int64 }
	srv.Do(t, "POST", simtest.CRM+"/booking-provider/1995/bookings", srv.Token(t), map[string]any{
		"source": "Schedule Engine", "name": "Avery Quinn", "summary": "No cooling", "isFirstTimeClient": true, "externalId": "se-ui",
		"contacts": []any{map[string]any{"type": "Phone", "value": "630-555-0142"}},
		"address":  map[string]any{"street": "12 Elm St", "city": "Naperville", "state": "IL", "zip": "60540", "country": "USA"}}).OK(t).JSON(t, &booking)
	run("convert the booking", chromedp.SetValue(chromedp.CSS(`#b-id`), strconv.FormatInt(booking.ID, 10)),
		chromedp.Click(chromedp.CSS(`#b-convert`)),
		chromedp.WaitVisible(chromedp.Search(`//p[@id="b-result"][contains(., "converted: job")]`)))
	var after struct {
		Status string
		JobID  *int64
	}
	srv.Do(t, "GET", fmt.Sprintf("%s/booking-provider/1995/bookings/%d", simtest.CRM, booking.ID), srv.Token(t), nil).OK(t).JSON(t, &after)
	if after.Status != "Converted" || after.JobID == nil || !strings.Contains(text("#b-result"), fmt.Sprintf("job %d", *after.JobID)) {
		t.Errorf("after Convert in the page: booking %+v, page says %q", after, text("#b-result"))
	}

	if path := os.Getenv("STSIM_SCREENSHOT"); path != "" {
		run("settle", chromedp.Sleep(1500*time.Millisecond)) // one more live refresh of journal and rate limits
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
