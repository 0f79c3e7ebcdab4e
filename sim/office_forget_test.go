package sim

// An internal test: it reaches the server's office (simtest cannot be
// used here, it imports this package), so it speaks HTTP with a few
// helpers of its own.

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
	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/fixture"
)

// officeServer is a strict server on a frozen clock, and the demo
// tenant's credentials (a tenant made again gets new ones).
type officeServer struct {
	t                      *testing.T
	s                      *Server
	clk                    *clock.Virtual
	url                    string
	clientID, clientSecret string
}

func startOfficeServer(t *testing.T) *officeServer {
	cfg := config.Defaults()
	cfg.StrictResponses = true
	clk := clock.NewFrozen(time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC))
	s, err := New(Options{Config: cfg, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { hs.Close(); _ = s.Close() })
	return &officeServer{t: t, s: s, clk: clk, url: hs.URL, clientID: fixture.DemoClientID, clientSecret: fixture.DemoClientSecret}
}

// call sends a JSON request (with the demo app's key and token when token
// is set), wants want, and returns the body.
func (o *officeServer) call(method, path, token string, body any, want int) []byte {
	o.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, o.url+path, r)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("ST-App-Key", fixture.DemoAppKey)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		o.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		o.t.Fatalf("%s %s: %d %s, want %d", method, path, res.StatusCode, out, want)
	}
	return out
}

func (o *officeServer) token() string {
	o.t.Helper()
	res, err := http.PostForm(o.url+"/connect/token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {o.clientID}, "client_secret": {o.clientSecret}})
	if err != nil {
		o.t.Fatal(err)
	}
	defer res.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		o.t.Fatalf("token: %v %+v", err, tok)
	}
	return tok.AccessToken
}

// file files a booking of the demo connection; without an address (and
// with only an email) the office cannot convert it.
func (o *officeServer) file(withAddress bool) int64 {
	o.t.Helper()
	body := map[string]any{"source": "Schedule Engine", "name": "Avery Quinn", "summary": "No heat", "isFirstTimeClient": true, "externalId": "se-1",
		"contacts": []any{map[string]any{"type": "Email", "value": "nobody@example.com"}}}
	if withAddress {
		body["address"] = map[string]any{"street": "12 Elm St", "city": "Naperville", "state": "IL", "zip": "60540", "country": "USA"}
	}
	path := fmt.Sprintf("/crm/v2/tenant/%d/booking-provider/1995/bookings", fixture.DemoTenant)
	var b struct{ ID int64 }
	if err := json.Unmarshal(o.call("POST", path, o.token(), body, http.StatusOK), &b); err != nil {
		o.t.Fatal(err)
	}
	return b.ID
}

// The office (office-converts) remembers the bookings it could not
// convert by tenant, booking ID and change sequence. Records dropped and
// seeded again (a reset, a tenant deleted and created with its ID) may
// hold another booking with the same ID and sequence: the office must not
// take it for the one it left. (A snapshot restored does not: IDs handed
// out after the snapshot are not handed out again.)
func TestReplacedRecordsMakeTheOfficeForget(t *testing.T) {
	tenant := fmt.Sprintf("/_sim/tenants/%d", fixture.DemoTenant)
	for _, c := range []struct {
		name    string
		replace func(o *officeServer) // after the office left a booking
	}{
		{"reset", func(o *officeServer) { o.call("POST", tenant+"/reset", "", nil, http.StatusOK) }},
		{"deleted, created with its ID", func(o *officeServer) {
			o.call("DELETE", tenant, "", nil, http.StatusNoContent)
			var made struct {
				Credentials []struct{ ClientID, ClientSecret string }
			}
			if err := json.Unmarshal(o.call("POST", "/_sim/tenants", "", map[string]any{"id": fixture.DemoTenant}, http.StatusCreated), &made); err != nil || len(made.Credentials) == 0 {
				t.Fatalf("the tenant made again: %v %+v", err, made)
			}
			o.clientID, o.clientSecret = made.Credentials[0].ClientID, made.Credentials[0].ClientSecret
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := startOfficeServer(t)
			stuck := o.file(false)
			o.clk.Advance(time.Hour)
			if got, err := o.s.office.ConvertWaiting(o.s.store, fixture.DemoTenant, o.clk.Now(), time.Hour); err != nil || len(got) != 0 {
				t.Fatalf("the office converted %v (%v), want the booking without an address left", got, err)
			}
			c.replace(o)
			again := o.file(true)
			if again != stuck {
				t.Fatalf("in the new records the booking has ID %d, not %d: the test no longer makes the case", again, stuck)
			}
			if got, err := o.s.office.ConvertWaiting(o.s.store, fixture.DemoTenant, o.clk.Now(), 0); err != nil || len(got) != 1 || got[0] != again {
				t.Fatalf("the office converted %v (%v), want the new booking %d", got, err, again)
			}
		})
	}
}
