package sim

import (
	"testing"

	"github.com/stsim/stsim/sim/clock"
	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/oas"
)

// TestEmbeddedFixturesMatchTheSchemas checks the embedded demo set the way
// a -fixtures directory is checked at start (the embedded one is not, to
// keep start-up fast): every record passes its kind's OpenAPI schema.
func TestEmbeddedFixturesMatchTheSchemas(t *testing.T) {
	set, err := fixture.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Records) != len(Modules) {
		t.Errorf("the demo set has %d module files for %d modules", len(set.Records), len(Modules))
	}
	if err := set.Validate(oas.Load(nil), fixtureModules(), clock.NewVirtual().Now()); err != nil {
		t.Fatal(err)
	}
}
