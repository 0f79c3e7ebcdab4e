package scheduleengine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stsim/stsim/fixtures"
	"github.com/stsim/stsim/scheduleengine"
	"github.com/stsim/stsim/sim"
	"github.com/stsim/stsim/sim/clock"
	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/simtest"
)

// stsim is one test's simulator: in-process (simtest: strict response
// validation, a frozen clock) or, with STSIM_URL, a running stsim, where
// each test gets a fresh tenant. Everything goes through the HTTP API and
// the /_sim control API, so both work the same.
type stsim struct {
	t      *testing.T
	url    string
	http   *http.Client
	tenant int64
	creds  creds
	clock  *simClock
}

type creds struct{ ClientID, ClientSecret, AppKey string }

// tenantSettings are fixture changes a test needs (in-process only).
type tenantSettings struct {
	CapacityPolicy string
	TimeZone       string
	Private        bool // changes what every tenant shares (apps): needs its own server
	// RealTime runs the simulator clock at wall-clock speed (not frozen)
	// with this rate limit per second: for the test that waits a real
	// Retry-After.
	RealTime int
	// Epoch freezes the simulator clock here instead of simtest's epoch,
	// before the demo data (shifts around "today") is seeded.
	Epoch time.Time
	// Scenario adds a scenario file (its name is the file's) besides the
	// shipped ones.
	Scenario string
}

// startSim starts (or connects to) stsim with a tenant of these settings.
func startSim(t *testing.T, settings tenantSettings) *stsim {
	t.Helper()
	s := &stsim{t: t, http: &http.Client{Timeout: 30 * time.Second}}
	if remote := os.Getenv("STSIM_URL"); remote != "" {
		if settings != (tenantSettings{}) {
			t.Skip("needs a tenant with its own settings: runs in-process only")
		}
		s.url = strings.TrimRight(remote, "/")
		var out struct {
			TenantID    int64 `json:"tenantId"`
			Credentials []struct {
				AppKey, ClientID, ClientSecret string
			} `json:"credentials"`
		}
		s.control("POST", "/_sim/tenants", map[string]any{"fixture": "demo"}, &out, http.StatusCreated)
		s.tenant = out.TenantID
		c := out.Credentials[0]
		s.creds = creds{ClientID: c.ClientID, ClientSecret: c.ClientSecret, AppKey: c.AppKey}
		t.Cleanup(func() { s.control("DELETE", fmt.Sprintf("/_sim/tenants/%d", s.tenant), nil, nil, http.StatusNoContent) })
	} else {
		var opts []simtest.Option
		if settings.CapacityPolicy != "" || settings.TimeZone != "" {
			dir := fixtureDir(t, settings)
			opts = append(opts, simtest.WithConfig(func(c *config.Config) { c.FixturesDir = dir }))
		}
		if settings.Scenario != "" {
			dir := t.TempDir()
			name := strings.TrimPrefix(strings.SplitN(settings.Scenario, "\n", 2)[0], "name: ")
			if err := os.WriteFile(filepath.Join(dir, name+".yaml"), []byte(settings.Scenario), 0o644); err != nil {
				t.Fatal(err)
			}
			opts = append(opts, simtest.WithConfig(func(c *config.Config) { c.ScenariosDir = dir }))
		}
		if !settings.Epoch.IsZero() {
			opts = append(opts, func(o *sim.Options) { o.Clock = clock.NewFrozen(settings.Epoch) })
		}
		if settings.RealTime > 0 {
			opts = append(opts, func(o *sim.Options) { o.Clock = clock.NewVirtual(); o.Config.RateLimit = settings.RealTime })
		}
		srv := simtest.Start(t, opts...)
		s.url, s.http = srv.URL, &http.Client{Timeout: 30 * time.Second}
		s.tenant = simtest.Tenant
		s.creds = creds{ClientID: simtest.ClientID, ClientSecret: simtest.ClientSecret, AppKey: simtest.AppKey}
	}
	s.clock = &simClock{s: s}
	if settings.RealTime == 0 {
		s.control("POST", "/_sim/clock/freeze", map[string]any{"tenant": s.tenant}, nil, http.StatusOK)
	}
	return s
}

// fixtureDir writes the demo fixture set with changed tenant settings.
func fixtureDir(t *testing.T, settings tenantSettings) string {
	data, err := fs.ReadFile(fixtures.FS, "demo/tenant.json")
	if err != nil {
		t.Fatal(err)
	}
	var set map[string]any
	if err := json.Unmarshal(data, &set); err != nil {
		t.Fatal(err)
	}
	ten := set["tenant"].(map[string]any)
	if settings.CapacityPolicy != "" {
		ten["capacityPolicy"] = settings.CapacityPolicy
	}
	if settings.TimeZone != "" {
		ten["timeZone"] = settings.TimeZone
	}
	out, _ := json.Marshal(set)
	dir := t.TempDir()
	if err := os.CopyFS(dir, fixtures.FS); err != nil { // the records, in the module files
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "demo", "tenant.json"), out, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// control calls the control API and decodes the answer, failing the test
// on another status.
func (s *stsim) control(method, path string, body, out any, want int) {
	s.t.Helper()
	status, data := s.raw(method, path, body)
	if status != want {
		s.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			s.t.Fatalf("%s %s: %v: %s", method, path, err, data)
		}
	}
}

func (s *stsim) raw(method, path string, body any) (int, []byte) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.http.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// client makes a reference client on the tenant, driven by the simulator's
// clock, with its own token cache and rate budget.
func (s *stsim) client(mutate ...func(*scheduleengine.Config)) *scheduleengine.Client {
	s.t.Helper()
	cfg := scheduleengine.Config{
		Env:      scheduleengine.Env{AuthURL: s.url, APIURL: s.url},
		TenantID: s.tenant, ClientID: s.creds.ClientID, ClientSecret: s.creds.ClientSecret, AppKey: s.creds.AppKey,
		Clock: s.clock, Shared: scheduleengine.NewShared(), HTTPClient: s.http,
	}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := scheduleengine.New(cfg)
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// activate switches a scenario on for the tenant until the test ends (or
// deactivate).
func (s *stsim) activate(name string) {
	s.t.Helper()
	s.control("POST", "/_sim/scenarios/"+name+"/activate", map[string]any{"tenant": s.tenant}, nil, http.StatusOK)
	s.t.Cleanup(func() { s.deactivate(name) })
}

func (s *stsim) deactivate(name string) {
	s.raw("POST", "/_sim/scenarios/"+name+"/deactivate", map[string]any{"tenant": s.tenant})
}

// counts are calls per operation in the journal.
type counts map[string]int

// counts reads the journal's per-operation counts for the test's client,
// optionally only for one status.
func (s *stsim) counts(status ...int) counts {
	s.t.Helper()
	q := url.Values{"tenant": {fmt.Sprint(s.tenant)}, "clientId": {s.creds.ClientID}}
	if len(status) > 0 {
		q.Set("status", fmt.Sprint(status[0]))
	}
	var out struct {
		Counts counts `json:"counts"`
	}
	s.control("GET", "/_sim/requests/counts?"+q.Encode(), nil, &out, http.StatusOK)
	return out.Counts
}

// since is what was called after the earlier snapshot.
func (c counts) since(before counts) counts {
	out := counts{}
	for k, v := range c {
		if d := v - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

func (c counts) total() int {
	n := 0
	for k, v := range c {
		if k != "token.Token_Create" {
			n += v
		}
	}
	return n
}

// want fails unless the operation was called n times.
func (c counts) want(t *testing.T, op string, n int) {
	t.Helper()
	if c[op] != n {
		t.Errorf("%s called %d times, want %d (all calls: %v)", op, c[op], n, c)
	}
}

// lintClean fails on any finding of stsim's lint report for the client.
func (s *stsim) lintClean() {
	s.t.Helper()
	var out struct {
		Findings []struct {
			Rule, Message, Example string
			Count                  int
		} `json:"findings"`
	}
	q := url.Values{"tenant": {fmt.Sprint(s.tenant)}, "clientId": {s.creds.ClientID}}
	s.control("GET", "/_sim/lint?"+q.Encode(), nil, &out, http.StatusOK)
	for _, f := range out.Findings {
		s.t.Errorf("lint: %s ×%d: %s (e.g. trace %s)", f.Rule, f.Count, f.Message, f.Example)
	}
}

// setClock moves the tenant's clock to t.
func (s *stsim) setClock(at time.Time) {
	s.t.Helper()
	s.control("POST", "/_sim/clock/set", map[string]any{"tenant": s.tenant, "time": at.UTC().Format(time.RFC3339Nano)}, nil, http.StatusOK)
}

func (s *stsim) advance(d time.Duration) {
	s.t.Helper()
	s.control("POST", "/_sim/clock/advance", map[string]any{"tenant": s.tenant, "duration": d.String()}, nil, http.StatusOK)
}

// simClock is the tenant's simulator clock as the client's Clock: Sleep
// moves simulated time forward instead of waiting, so rate windows,
// Retry-After and token lifetimes pass at once and exactly as stsim sees
// them. Concurrent sleepers move it to the latest of their wake-up times.
type simClock struct {
	s  *stsim
	mu sync.Mutex // serialises moves, so the clock never goes back
}

func (c *simClock) Now() time.Time {
	status, data := c.s.raw("GET", fmt.Sprintf("/_sim/clock?tenant=%d", c.s.tenant), nil)
	var out struct {
		Now time.Time `json:"now"`
	}
	if status != http.StatusOK || json.Unmarshal(data, &out) != nil {
		panic(fmt.Sprintf("reading the simulator clock: %d %s", status, data))
	}
	return out.Now
}

func (c *simClock) Sleep(ctx context.Context, d time.Duration) error {
	wake := c.Now().Add(d)
	c.mu.Lock()
	defer c.mu.Unlock()
	if now := c.Now(); now.Before(wake) {
		status, data := c.s.raw("POST", "/_sim/clock/advance", map[string]any{"tenant": c.s.tenant, "duration": wake.Sub(now).String()})
		if status != http.StatusOK {
			panic(fmt.Sprintf("advancing the simulator clock: %d %s", status, data))
		}
	}
	return ctx.Err()
}
