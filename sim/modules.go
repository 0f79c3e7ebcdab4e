package sim

import (
	"maps"

	"github.com/stsim/stsim/openapi"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/dispatch"
	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/jbce"
	"github.com/stsim/stsim/sim/jpm"
	"github.com/stsim/stsim/sim/marketing"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
)

// Module is one simulated ServiceTitan API module: its document and the
// code that serves and seeds it.
type Module struct {
	openapi.Module
	Routes  func() api.Routes                       // the module's operation handlers
	Fixture fixture.Module                          // the kinds of records its fixture file holds
	Seed    func(*resource.Tx, fixture.Input) error // writes its records from its fixture file
	// SeedLast (optional) writes the records of its fixture file that name
	// records of modules later in the list, after every module's Seed.
	SeedLast func(*resource.Tx, fixture.Input) error
}

// Modules is the one list of simulated modules: cmd/specgen generates a
// document for each, the server routes and seeds them, `stsim ops` and the
// coverage test count them. Adding a module is a new package plus an entry
// here (then run cmd/specgen).
//
// Each module seeds its own records from fixtures/<set>/<name>.json. The
// order is the seed order: jobs need customers, business units, job
// types and campaigns; shifts and assignments need technicians and
// appointments. crm's leads name campaigns and job types, seeded after
// crm: SeedLast writes them.
var Modules = []Module{
	{openapi.Module{Name: "crm", Title: "CRM", Reference: "tenant-crm-v2.yaml", Export: "developer-portal export, 2025-07-11", Scope: "crm", Operations: 79},
		crm.Routes, crm.Fixture, crm.Seed, crm.SeedLeads},
	{openapi.Module{Name: "settings", Title: "Settings", Reference: "tenant-settings-v2.yaml", Export: "developer-portal export, 2025-06-17", Scope: "stt", Operations: 19},
		settings.Routes, settings.Fixture, settings.Seed, nil},
	{openapi.Module{Name: "marketing", Title: "Marketing", Reference: "tenant-marketing-v2.yml", Export: "2022 document, 2022-04-18", Scope: "mrk", Operations: 12},
		marketing.Routes, marketing.Fixture, marketing.Seed, nil},
	{openapi.Module{Name: "jbce", Title: "JBCE", Reference: "tenant-jbce-v2.json", Export: "developer-portal export, 2025-05-23", Scope: "jbce", Operations: 1},
		jbce.Routes, jbce.Fixture, jbce.Seed, nil},
	{openapi.Module{Name: "jpm", Title: "JPM", Reference: "tenant-jpm-v2.yaml", Export: "developer-portal export, 2025-06-17", Scope: "jpm", Operations: 55},
		jpm.Routes, jpm.Fixture, jpm.Seed, nil},
	{openapi.Module{Name: "dispatch", Title: "Dispatch", Reference: "tenant-dispatch-v2.yaml", Export: "developer-portal export, 2025-06-17", Scope: "dis", Operations: 36},
		dispatch.Routes, dispatch.Fixture, dispatch.Seed, nil},
}

// moduleRoutes gathers every module's handlers.
func moduleRoutes() api.Routes {
	routes := api.Routes{}
	for _, m := range Modules {
		maps.Copy(routes, m.Routes())
	}
	return routes
}

// fixtureModules describes every module's fixture file, for validation.
func fixtureModules() []fixture.Module {
	out := make([]fixture.Module, len(Modules))
	for i, m := range Modules {
		out[i] = m.Fixture
	}
	return out
}
