package sim

import (
	"maps"

	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/dispatch"
	"github.com/stsim/stsim/sim/jbce"
	"github.com/stsim/stsim/sim/jpm"
	"github.com/stsim/stsim/sim/marketing"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
)

// moduleRoutes gathers every module's handlers. Modules do not import each
// other's handlers; the one cross-module hook (booking asks dispatch for
// room in a slot) is wired here.
func moduleRoutes() api.Routes {
	routes := api.Routes{}
	for _, m := range []api.Routes{
		crm.Routes(), settings.Routes(), marketing.Routes(), jbce.Routes(),
		jpm.Routes(jpm.Deps{CheckSlot: dispatch.CheckSlot}), dispatch.Routes(),
	} {
		maps.Copy(routes, m)
	}
	return routes
}

// moduleSeeds write a tenant's demo data, in dependency order: jobs need
// customers, business units, job types and campaigns; shifts and
// assignments need technicians and appointments.
var moduleSeeds = []func(*resource.Tx) error{
	crm.Seed, settings.Seed, marketing.Seed, jbce.Seed, jpm.Seed, dispatch.Seed,
}
