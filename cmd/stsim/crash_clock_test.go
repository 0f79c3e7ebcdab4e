package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// ackedClock is a tenant whose own clock a writer advances a minute at a
// time while it switches a scenario on and off for the tenant: what was
// last acknowledged, and whether a call was in flight at the kill (its
// change may or may not have committed).
type ackedClock struct {
	tenant    int64
	minutes   int  // acknowledged advances
	advancing bool // an advance was in flight
	active    bool // the scenario is on, as last acknowledged
	switching bool // an activate or deactivate was in flight
}

// crashScenario is the scenario the clock writer switches for its tenant
// (nobody calls that tenant's API, so its effects touch no other writer).
const crashScenario = "flaky-5xx"

// moveClockUntilGone creates a tenant, then advances its clock and
// switches crashScenario for it until the server stops answering,
// recording each acknowledged step under mu.
func moveClockUntilGone(base string, mu *sync.Mutex, clocks *[]*ackedClock) {
	client := &http.Client{Timeout: 10 * time.Second}
	tn, ok := createTenant(client, base)
	if !ok {
		return
	}
	c := &ackedClock{tenant: tn.id}
	mu.Lock()
	*clocks = append(*clocks, c)
	mu.Unlock()
	step := func(inFlight *bool, url, body string, done func()) bool {
		mu.Lock()
		*inFlight = true
		mu.Unlock()
		var out json.RawMessage
		if !controlPost(client, url, body, &out) {
			return false
		}
		mu.Lock()
		*inFlight = false
		done()
		mu.Unlock()
		return true
	}
	scope := fmt.Sprintf(`{"tenant":%d}`, c.tenant)
	for {
		if !step(&c.advancing, base+"/_sim/clock/advance", fmt.Sprintf(`{"tenant":%d,"duration":"1m"}`, c.tenant), func() { c.minutes++ }) {
			return
		}
		mu.Lock()
		action := "activate"
		if c.active {
			action = "deactivate"
		}
		mu.Unlock()
		if !step(&c.switching, base+"/_sim/scenarios/"+crashScenario+"/"+action, scope, func() { c.active = !c.active }) {
			return
		}
	}
}

// checkClocks reports every tenant clock that is not its acknowledged
// number of minutes ahead of the wall clock (or one more, with an advance
// in flight), and every tenant whose scenario is not as acknowledged (or
// as switched in flight); it returns how many.
func checkClocks(t *testing.T, base string, clocks []*ackedClock) int {
	t.Helper()
	var scenario struct {
		Active []struct {
			Tenant int64 `json:"tenant"`
		} `json:"active"`
	}
	getJSON(t, base+"/_sim/scenarios/"+crashScenario, &scenario)
	lost := 0
	for _, c := range clocks {
		var clk struct {
			Now time.Time `json:"now"`
		}
		getJSON(t, fmt.Sprintf("%s/_sim/clock?tenant=%d", base, c.tenant), &clk)
		ahead := time.Until(clk.Now)
		near := func(minutes int) bool {
			d := ahead - time.Duration(minutes)*time.Minute
			return d > -10*time.Second && d < 10*time.Second
		}
		if !near(c.minutes) && !(c.advancing && near(c.minutes+1)) {
			t.Errorf("tenant %d: its clock is %v ahead of the wall clock after restart, acknowledged %d minutes (one more in flight: %v)",
				c.tenant, ahead, c.minutes, c.advancing)
			lost++
		}
		active := false
		for _, a := range scenario.Active {
			active = active || a.Tenant == c.tenant
		}
		if active != c.active && !c.switching {
			t.Errorf("tenant %d: %s active %v after restart, acknowledged %v", c.tenant, crashScenario, active, c.active)
			lost++
		}
	}
	return lost
}

func getJSON(t *testing.T, url string, out any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}
