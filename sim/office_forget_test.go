package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/clock"
	"github.com/stsim/stsim/sim/fixture"
)

// The office (office-converts) remembers the bookings it could not
// convert by tenant and booking ID; a tenant's records dropped and made
// again (a reset) may hold another booking with the same ID and change
// sequence, which the office must not take for the old one.
func TestResetMakesTheOfficeForgetTheTenant(t *testing.T) {
	clk := clock.NewFrozen(time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC))
	s, err := New(Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hs := httptest.NewServer(s.Handler())
	defer hs.Close()
	call := func(method, path, token string, body any) []byte {
		t.Helper()
		var r io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			r = strings.NewReader(string(b))
		}
		req, _ := http.NewRequest(method, hs.URL+path, r)
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("ST-App-Key", fixture.DemoAppKey)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, out)
		}
		return out
	}
	token := func() string {
		t.Helper()
		res, err := http.PostForm(hs.URL+"/connect/token", url.Values{"grant_type": {"client_credentials"},
			"client_id": {fixture.DemoClientID}, "client_secret": {fixture.DemoClientSecret}})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
			t.Fatalf("token: %v %+v", err, tok)
		}
		return tok.AccessToken
	}
	bookings := fmt.Sprintf("/crm/v2/tenant/%d/booking-provider/1995/bookings", fixture.DemoTenant)
	file := func(withAddress bool) int64 {
		t.Helper()
		body := map[string]any{"source": "Schedule Engine", "name": "Avery Quinn", "summary": "No heat", "isFirstTimeClient": true, "externalId": "se-1",
			"contacts": []any{map[string]any{"type": "Email", "value": "nobody@example.com"}}}
		if withAddress {
			body["address"] = map[string]any{"street": "12 Elm St", "city": "Naperville", "state": "IL", "zip": "60540", "country": "USA"}
		}
		var b struct{ ID int64 }
		if err := json.Unmarshal(call("POST", bookings, token(), body), &b); err != nil {
			t.Fatal(err)
		}
		return b.ID
	}

	stuck := file(false)
	clk.Advance(time.Hour)
	if got, err := s.office.ConvertWaiting(s.store, fixture.DemoTenant, clk.Now(), time.Hour); err != nil || len(got) != 0 {
		t.Fatalf("the office converted %v (%v), want the booking without an address left", got, err)
	}
	call("POST", fmt.Sprintf("/_sim/tenants/%d/reset", fixture.DemoTenant), "", nil)
	again := file(true)
	if again != stuck {
		t.Fatalf("after the reset the booking has ID %d, not %d: the test no longer makes the case", again, stuck)
	}
	if got, err := s.office.ConvertWaiting(s.store, fixture.DemoTenant, clk.Now(), 0); err != nil || len(got) != 1 || got[0] != again {
		t.Fatalf("after the reset the office converted %v (%v), want the new booking %d", got, err, again)
	}
}
