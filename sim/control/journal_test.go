package control_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/simtest"
)

type finding struct {
	Rule  string `json:"rule"`
	Count int    `json:"count"`
}

// TestJournalCountsAndLintsASloppyClient plays a client that makes every
// mistake the lint report knows, then checks the journal's answers.
func TestJournalCountsAndLintsASloppyClient(t *testing.T) {
	srv := simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.RateLimit = 3 }))
	customers := simtest.CRM + "/customers"
	var tokens []string
	// A fresh token for every call (and every call a list).
	for i := 0; i < 10; i++ {
		tok := srv.Token(t)
		tokens = append(tokens, tok)
		srv.Do(t, "GET", customers+"?pageSize=1", tok, nil).OK(t)
		srv.Clock.Advance(time.Second)
	}
	tok := srv.Token(t)
	// No app key.
	if r := srv.Call(t, "GET", customers, tok, "", nil); r.Status != 401 {
		t.Fatalf("no app key: %d", r.Status)
	}
	// A page past the end: page 1 of a name that matches nothing says hasMore=false.
	srv.Do(t, "GET", customers+"?name=zzzz&page=1", tok, nil).OK(t)
	srv.Do(t, "GET", customers+"?name=zzzz&page=2", tok, nil).OK(t)
	// 51 IDs.
	ids := make([]string, 51)
	for i := range ids {
		ids[i] = fmt.Sprint(i + 1)
	}
	srv.Do(t, "GET", customers+"?ids="+strings.Join(ids, ","), tok, nil).WantError(t, 400, "ids")
	// Over the limit of 3 per second, then an immediate retry.
	srv.Clock.Advance(time.Second)
	for i := 0; i < 3; i++ {
		srv.Do(t, "GET", customers+"?pageSize=1", tok, nil)
	}
	if r := srv.Do(t, "GET", customers+"?pageSize=1", tok, nil); r.Status != 429 {
		t.Fatalf("4th call in a second: %d", r.Status)
	}
	if r := srv.Do(t, "GET", customers+"?pageSize=1", tok, nil); r.Status != 429 {
		t.Fatalf("retry inside Retry-After: %d", r.Status)
	}
	// An expired token reused.
	srv.Clock.Advance(16 * time.Minute)
	if r := srv.Do(t, "GET", customers, tokens[0], nil); r.Status != 401 {
		t.Fatalf("expired token: %d", r.Status)
	}

	var lint struct{ Findings []finding }
	srv.Control(t, "GET", "/_sim/lint?tenant=1234567&clientId="+simtest.ClientID, nil).OK(t).JSON(t, &lint)
	got := map[string]int{}
	for _, f := range lint.Findings {
		got[f.Rule] = f.Count
	}
	for _, rule := range []string{"missing-app-key", "expired-token-reused", "ids-over-50", "retry-ignores-retry-after", "list-ignores-hasMore", "token-per-call"} {
		if got[rule] == 0 {
			t.Errorf("lint did not flag %s; findings %v", rule, got)
		}
	}

	var counts struct {
		Total  int            `json:"total"`
		Counts map[string]int `json:"counts"`
	}
	srv.Control(t, "GET", "/_sim/requests/counts?operation=Customers_GetList&clientId="+simtest.ClientID, nil).OK(t).JSON(t, &counts)
	if counts.Counts["crm.Customers_GetList"] != 20 {
		t.Errorf("Customers_GetList counted %d times, want 20: %v", counts.Counts["crm.Customers_GetList"], counts.Counts)
	}
	var limited struct {
		Count    int `json:"count"`
		Requests []struct {
			Status int    `json:"status"`
			Query  string `json:"query"`
		} `json:"requests"`
	}
	srv.Control(t, "GET", "/_sim/requests?status=429", nil).OK(t).JSON(t, &limited)
	if limited.Count != 2 {
		t.Errorf("requests?status=429 returned %d, want 2", limited.Count)
	}
	whole := string(srv.Control(t, "GET", "/_sim/requests", nil).OK(t).Body)
	for _, secret := range []string{simtest.ClientSecret, simtest.AppKey, tok[:30]} {
		if strings.Contains(whole, secret) {
			t.Fatalf("the journal contains %q", secret)
		}
	}
	srv.Control(t, "GET", "/_sim/requests?status=abc", nil).WantError(t, 400, "status")
	if r := srv.Control(t, "DELETE", "/_sim/requests", nil); r.Status != http.StatusNoContent {
		t.Fatalf("clear: %d", r.Status)
	}
	srv.Control(t, "GET", "/_sim/requests", nil).OK(t).JSON(t, &limited)
	if limited.Count != 0 {
		t.Fatalf("after clear: %d entries", limited.Count)
	}
}

func TestJournalIsBounded(t *testing.T) {
	srv := simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.JournalSize = 5 }))
	tok := srv.Token(t)
	for i := 0; i < 20; i++ {
		srv.Do(t, "GET", simtest.CRM+fmt.Sprintf("/customers?page=%d", i+1), tok, nil)
	}
	var out struct {
		Count    int `json:"count"`
		Requests []struct {
			Query string `json:"query"`
		} `json:"requests"`
	}
	srv.Control(t, "GET", "/_sim/requests", nil).OK(t).JSON(t, &out)
	if out.Count != 5 || out.Requests[4].Query != "page=20" {
		t.Fatalf("journal of size 5 holds %d entries, last %+v", out.Count, out.Requests)
	}
}

// TestLintNamesTheServersTokenLifetime: the advice on an expired token
// quotes -token-ttl, not ServiceTitan's default.
func TestLintNamesTheServersTokenLifetime(t *testing.T) {
	srv := simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.TokenTTL = 2 * time.Minute }))
	tok := srv.Token(t)
	srv.Clock.Advance(3 * time.Minute)
	if r := srv.Do(t, "GET", simtest.CRM+"/customers", tok, nil); r.Status != 401 {
		t.Fatalf("expired token: %d", r.Status)
	}
	var lint struct {
		Findings []struct{ Rule, Message string }
	}
	srv.Control(t, "GET", "/_sim/lint?tenant=1234567", nil).OK(t).JSON(t, &lint)
	for _, f := range lint.Findings {
		if f.Rule == "expired-token-reused" {
			if !strings.Contains(f.Message, "tokens last 120 s") {
				t.Fatalf("message %q does not name the 120 s lifetime", f.Message)
			}
			return
		}
	}
	t.Fatalf("no expired-token-reused finding: %+v", lint.Findings)
}
