package jbce

import "github.com/stsim/stsim/sim/resource"

// Names of the demo call reasons, for other modules and tests.
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

// Seed writes the demo tenant's call reasons: eight, three of them leads,
// one (a lead) inactive.
func Seed(tx *resource.Tx) error {
	for _, r := range []CallReason{
		{Meta: resource.Meta{Active: true}, Name: ReasonNoHeat},
		{Meta: resource.Meta{Active: true}, Name: ReasonACNotCooling},
		{Meta: resource.Meta{Active: true}, Name: ReasonLeakingPipe},
		{Meta: resource.Meta{Active: true}, Name: ReasonCloggedDrain},
		{Meta: resource.Meta{Active: true}, Name: ReasonNoHotWater},
		{Meta: resource.Meta{Active: true}, Name: ReasonEstimate, IsLead: true},
		{Meta: resource.Meta{Active: true}, Name: ReasonMembership, IsLead: true},
		{Meta: resource.Meta{Active: false}, Name: ReasonDuctCleaning, IsLead: true},
	} {
		if err := resource.Create(tx, &CallReasons, &r); err != nil {
			return err
		}
	}
	return nil
}
