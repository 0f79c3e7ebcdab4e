package jbce

import (
	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/resource"
)

// Names of the demo call reasons (fixtures/demo/jbce.yaml), for tests.
const (
	ReasonNoHeat       = "No heat"
	ReasonACNotCooling = "AC not cooling"
	ReasonLeakingPipe  = "Leaking pipe"
	ReasonCloggedDrain = "Clogged drain"
	ReasonNoHotWater   = "No hot water"
	ReasonEstimate     = "Estimate request"       // lead
	ReasonMembership   = "Maintenance membership" // lead
	ReasonDuctCleaning = "Duct cleaning promo"    // lead, inactive
)

// Fixture describes jbce.yaml: call reasons, in the shape the API lists
// them (there is no create request).
var Fixture = fixture.Module{Name: "jbce", Kinds: []fixture.Kind{
	{Name: "callReasons", Schema: "Jbce.V2.CallReasonResponse", Optional: []string{"*"}, Decode: fixture.DecodeAs[callReasonFixture]},
}, Writes: []any{CallReason{}}}

type callReasonFixture struct {
	fixture.Common
	Name   string `json:"name"`
	IsLead bool   `json:"isLead"`
}

// Seed writes the tenant's call reasons from its fixture.
func Seed(tx *resource.Tx, in fixture.Input) error {
	reasons, err := fixture.Decode[callReasonFixture](in, "callReasons")
	if err != nil {
		return err
	}
	for _, r := range reasons {
		if err := resource.Create(tx, &CallReasons, &CallReason{Meta: r.NewMeta(), Name: r.Name, IsLead: r.IsLead}); err != nil {
			return err
		}
	}
	return nil
}
