package scenario

import (
	"io/fs"
	"testing"
	"time"

	"github.com/stsim/stsim/scenarios"
)

// FuzzScenarioFile feeds arbitrary scenario files through Parse and, when
// one is accepted, activates it and matches requests: never a panic, and an
// accepted file only ever yields effects the pipeline can apply (an error
// status, a bounded delay).
func FuzzScenarioFile(f *testing.F) {
	shipped, err := fs.Glob(scenarios.FS, "*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range shipped {
		data, err := fs.ReadFile(scenarios.FS, name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("name: x\nrules:\n  - match: {operation: '*'}\n    effect: {status: 99}\n"))
	f.Add([]byte("name: x\nrules: [{match: {probability: 2}, effect: {latency: 99999h}}]\n"))
	now := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	requests := []Request{
		{Tenant: 1234567, ClientID: "c", AppID: "a", Operation: "crm.Customers_Create", Method: "POST", Path: "/crm/v2/tenant/1234567/customers", Now: now},
		{Tenant: 1234567, ClientID: "c", AppID: "a", Operation: "token.Token_Create", Method: "POST", Path: "/connect/token", Now: now},
		{Tenant: 7, Operation: "jpm.Jobs_GetList", Method: "GET", Path: "/jpm/v2/tenant/7/jobs", Now: now.Add(time.Hour)},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		e := NewEngine(map[string]*File{file.Name: file})
		if _, err := e.Activate(file.Name, 0, "", now); err != nil {
			return
		}
		for range 3 {
			for _, r := range requests {
				hit := e.Match(r, nil)
				if hit == nil {
					continue
				}
				fx := hit.Effect
				if fx.Status != 0 && (fx.Status < 400 || fx.Status > 599) {
					t.Fatalf("accepted effect status %d", fx.Status)
				}
				if fx.Delay() < 0 || fx.Delay() > 10*time.Minute || fx.Trickle() < 0 || fx.Trickle() > 10*time.Minute {
					t.Fatalf("accepted delay %s / trickle %s", fx.Delay(), fx.Trickle())
				}
				if fx.RetryAfter < 0 || fx.RateLimit < 0 {
					t.Fatalf("accepted negative retryAfter %d or rateLimit %d", fx.RetryAfter, fx.RateLimit)
				}
			}
		}
	})
}
