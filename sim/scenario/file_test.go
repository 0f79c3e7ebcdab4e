package scenario

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"
)

func TestShippedScenariosLoad(t *testing.T) {
	files, err := LoadAll(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"expired-secret", "revoked-secret", "app-disconnected", "token-expiry-storm", "throttle-burst",
		"flaky-5xx", "commit-then-500", "slow-network", "missing-scope", "slot-stolen", "office-converts"} {
		f, ok := files[name]
		if !ok {
			t.Errorf("scenario %s is not shipped", name)
			continue
		}
		if f.Description == "" || len(f.Rules) == 0 {
			t.Errorf("scenario %s has no description or rules", name)
		}
	}
}

func TestBadFilesAreRefusedNamingTheLine(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"unknown effect", "name: bad\ndescription: x\nrules:\n  - effect:\n      explode: true\n", "line 5"},
		{"wrong type", "name: bad\ndescription: x\nrules:\n  - match:\n      nth: first\n    effect: {reset: true}\n", "line 5"},
		{"no rules", "name: bad\ndescription: x\nrules: []\n", "line 3"},
		{"bad duration", "name: bad\ndescription: x\nrules:\n  - effect: {latency: soon}\n", "line 4"},
		{"not yaml", "name: [unclosed\n", "scenario bad.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to name %q", err, tt.want)
			}
		})
	}
	_, err := LoadAll(fstest.MapFS{"wrong-name.yaml": {Data: []byte("name: other\ndescription: x\nrules:\n  - effect: {reset: true}\n")}})
	if err == nil || !strings.Contains(err.Error(), "must match the file name") {
		t.Fatalf("a scenario named unlike its file: %v", err)
	}
}

// TestLoadAllReadsJSONScenarios loads a scenario written as JSON beside a
// YAML one, and refuses a JSON one that breaks the schema.
func TestLoadAllReadsJSONScenarios(t *testing.T) {
	files, err := LoadAll(fstest.MapFS{
		"as-json.json": {Data: []byte(`{"name":"as-json","description":"x","rules":[{"effect":{"status":503}}]}`)},
		"as-yaml.yml":  {Data: []byte("name: as-yaml\ndescription: x\nrules:\n  - effect: {reset: true}\n")},
		"notes.txt":    {Data: []byte("not a scenario")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files["as-json"] == nil || files["as-json"].Rules[0].Effect.Status != 503 || files["as-yaml"] == nil {
		t.Fatalf("loaded %v", files)
	}
	_, err = LoadAll(fstest.MapFS{"bad.json": {Data: []byte(`{"name":"bad","description":"x","rules":[{"effect":{"status":42}}]}`)}})
	if err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Fatalf("a JSON scenario breaking the schema: %v", err)
	}
}

func TestMatchingNthEveryAfterProbability(t *testing.T) {
	f, err := Parse("t.yaml", []byte(`name: t
description: test
seed: 7
rules:
  - match: {operation: Customers_Get, nth: 2}
    effect: {status: 500}
  - match: {operation: crm.Customers_GetList, every: 3}
    effect: {status: 502}
  - match: {path: /jpm/v2/tenant/*/jobs, after: 10m}
    effect: {status: 503}
  - match: {operation: Jobs_Get, probability: 0.5}
    effect: {status: 504}
`))
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(map[string]*File{"t": f})
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := e.Activate("t", 1, "", t0); err != nil {
		t.Fatal(err)
	}
	status := func(op, path string, tenant int64, now time.Time) int {
		h := e.Match(Request{Tenant: tenant, Operation: op, Path: path, Method: "GET", Now: now}, nil)
		if h == nil {
			return 0
		}
		return h.Effect.Status
	}
	if got := []int{status("crm.Customers_Get", "", 1, t0), status("crm.Customers_Get", "", 1, t0), status("crm.Customers_Get", "", 1, t0)}; got[0] != 0 || got[1] != 500 || got[2] != 0 {
		t.Errorf("nth 2: %v", got)
	}
	var every []int
	for i := 0; i < 6; i++ {
		every = append(every, status("crm.Customers_GetList", "", 1, t0))
	}
	if every[2] != 502 || every[5] != 502 || every[0] != 0 || every[3] != 0 {
		t.Errorf("every 3: %v", every)
	}
	if s := status("jpm.Jobs_GetList", "/jpm/v2/tenant/1/jobs", 1, t0.Add(9*time.Minute)); s != 0 {
		t.Errorf("after 10m matched at 9m: %d", s)
	}
	if s := status("jpm.Jobs_GetList", "/jpm/v2/tenant/1/jobs", 1, t0.Add(11*time.Minute)); s != 503 {
		t.Errorf("after 10m at 11m: %d", s)
	}
	if s := status("crm.Customers_Get", "", 2, t0); s != 0 {
		t.Errorf("an activation for tenant 1 matched tenant 2: %d", s)
	}
	// A seeded probability repeats exactly after a restart.
	run := func() []int {
		e.Activate("t", 1, "", t0)
		var out []int
		for i := 0; i < 20; i++ {
			out = append(out, status("jpm.Jobs_Get", "", 1, t0))
		}
		return out
	}
	first, second := run(), run()
	hits := 0
	for i := range first {
		if first[i] != second[i] {
			t.Fatalf("seeded probability differs between runs: %v vs %v", first, second)
		}
		if first[i] == 504 {
			hits++
		}
	}
	if hits == 0 || hits == 20 {
		t.Fatalf("probability 0.5 hit %d of 20", hits)
	}
	if gone := e.DeactivateWhere(func(a *Activation) bool { return DeactivatedBy(a, "t", 1, "") }); len(gone) != 1 || !e.Idle() {
		t.Fatal("deactivate did not clear the activation")
	}
}

func TestWriteMatchesChangesNotQueries(t *testing.T) {
	m := Match{Write: true}
	for _, tc := range []struct {
		method, op string
		want       bool
	}{
		{"POST", "jpm.Jobs_Create", true},
		{"PATCH", "jpm.Appointments_Reschedule", true},
		{"DELETE", "jpm.Appointments_Delete", true},
		{"GET", "jpm.Jobs_GetList", false},
		{"POST", "dispatch.Capacity_GetList", false}, // a query sent as a POST
	} {
		if got := m.static(Request{Method: tc.method, Operation: tc.op}); got != tc.want {
			t.Errorf("write matches %s %s: %v, want %v", tc.method, tc.op, got, tc.want)
		}
	}
}

// TestEngineReadsScenariosWhenFirstNeeded: an engine made with
// NewEngineFunc matches requests without reading its scenarios, and reads
// them once.
func TestEngineReadsScenariosWhenFirstNeeded(t *testing.T) {
	shipped, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	reads := 0
	e := NewEngineFunc(func() map[string]*File { reads++; return shipped })
	if h := e.Match(Request{Tenant: 1, Operation: "crm.Customers_Get", Method: "GET", Now: time.Now()}, nil); h != nil || reads != 0 {
		t.Fatalf("a request with no scenario active: effect %v, scenarios read %d times", h, reads)
	}
	if _, err := e.Activate("flaky-5xx", 1, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.Scenario("slow-network"); !ok || len(e.Scenarios()) != len(shipped) || reads != 1 {
		t.Fatalf("scenarios read %d times, want once", reads)
	}
}

// TestInsertKeepsActivationOrder: Match tries activations in Seq order,
// also when they are inserted out of order (as a restart brings them back),
// and an insert replaces an activation of the same scope.
func TestInsertKeepsActivationOrder(t *testing.T) {
	parse := func(name string, status int) *File {
		f, err := Parse(name+".yaml", fmt.Appendf(nil, "name: %s\ndescription: Every call answers %d.\nrules:\n  - effect: {status: %d}\n", name, status, status))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	e := NewEngine(map[string]*File{"first": parse("first", 500), "second": parse("second", 503)})
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	second, err := e.NewActivation("second", 0, "", t0)
	if err != nil {
		t.Fatal(err)
	}
	second.Seq = 9
	first, _ := e.NewActivation("first", 0, "", t0)
	first.Seq = 4
	e.Insert(second)
	e.Insert(first)
	if h := e.Match(Request{Tenant: 1, Method: "GET"}, nil); h == nil || h.Scenario != "first" {
		t.Fatalf("the lower Seq did not match first: %+v", h)
	}
	again, _ := e.NewActivation("first", 0, "", t0.Add(time.Hour))
	if again.Seq <= 9 {
		t.Fatalf("a new activation got Seq %d, not above the inserted 9", again.Seq)
	}
	e.Insert(again)
	active := e.Active()
	if len(active) != 2 || active[0] != second || active[1] != again {
		t.Fatalf("after re-activating first: %v", active)
	}
	if _, err := e.NewActivation("missing", 0, "", t0); err == nil {
		t.Fatal("an unknown scenario was activated")
	}
}

// TestMatchWhileActivationsChange: requests match while the control API
// switches scenarios on and off. The engine replaces its list of
// activations instead of editing the one a Match may be reading; under
// -race an edit in place fails this test.
func TestMatchWhileActivationsChange(t *testing.T) {
	files := map[string]*File{}
	for _, name := range []string{"a", "b", "c"} {
		f, err := Parse(name+".yaml", []byte("name: "+name+"\ndescription: test\nrules:\n  - match: {operation: crm.Customers_Get}\n    effect: {status: 503}\n"))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = f
	}
	e := NewEngine(files)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var matched atomic.Int64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-done:
				return
			default:
			}
			if e.Match(Request{Tenant: 1, Operation: "crm.Customers_Get", Method: "GET", Now: t0}, nil) != nil {
				matched.Add(1)
			}
		}
	}()
	// Switch on and off at least 300 times, and until requests have
	// matched while it went on (an even step leaves tenant 1 an activation).
	for i := 0; i < 300 || matched.Load() == 0; i++ {
		if i == 1_000_000 {
			t.Fatal("no request matched while tenant 1 had activations")
		}
		name := []string{"a", "b", "c"}[i%3]
		if _, err := e.Activate(name, int64(1+i%2), "", t0); err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 {
			e.DeactivateWhere(func(a *Activation) bool { return DeactivatedBy(a, name, 0, "") })
		}
	}
	close(done)
	<-stopped
}
