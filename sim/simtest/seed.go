package simtest

import (
	"slices"
	"testing"

	"github.com/stsim/stsim/sim"
	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/tenant"
)

// Seed writes records into a tenant as the module's fixture file would
// (fixtures/<set>/<module>.json; fixtures/demo/README.md lists the kinds):
// kinds maps a kind of that file to its records, written as the file
// writes them. A test builds its own world this way, also on a tenant
// without the demo seed, through the module's own seed rather than its
// collections. Records other records name give their "id" (the tenant's
// ID sequence then skips those IDs); in the demo tenant pick IDs above
// its records', such as 900001.
func (s *Server) Seed(t testing.TB, tenantID int64, module string, kinds map[string][]any) {
	t.Helper()
	i := slices.IndexFunc(sim.Modules, func(m sim.Module) bool { return m.Name == module })
	if i < 0 {
		t.Fatalf("simtest.Seed: no module %q", module)
	}
	m := sim.Modules[i]
	seeds := []func(*resource.Tx, fixture.Input) error{m.Seed}
	if m.SeedLast != nil {
		seeds = append(seeds, m.SeedLast)
	}
	err := resource.Update(s.Store(), tenantID, s.Clock.Now(), func(tx *resource.Tx) error {
		settings, err := tenant.Load(tx)
		if err != nil {
			return err
		}
		return fixture.SeedRecords(tx, module, kinds, settings.Location(), seeds...)
	})
	if err != nil {
		t.Fatalf("simtest.Seed %s: %v", module, err)
	}
}
