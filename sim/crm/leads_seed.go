package crm

import (
	"github.com/stsim/stsim/sim/marketing"
	"github.com/stsim/stsim/sim/resource"
)

// SeedLeads writes the demo leads, in the tenant's default campaign. It
// runs after every module's seed (so no earlier ID moves):
//
//	Open       customer 8 at its first location, High, follow-up tomorrow,
//	           one note ("Wants a quote for a second AC unit")
//	Open       customer 14 (commercial), no location, Normal
//	Open       no customer: a web lead form (Riley Quinn)
//	Dismissed  customer 9, reason 1
//	Converted  customer 6 (Jordan Ellison), at its first location
//
// A fixture without a default campaign gets no demo leads.
func SeedLeads(tx *resource.Tx) error {
	campaign, err := marketing.DefaultCampaign(tx)
	if err != nil {
		return nil
	}
	firstLocation := func(customer int64) (*int64, *int64, error) {
		if ok, err := resource.Exists(tx, &Customers, customer); err != nil || !ok {
			return nil, nil, err
		}
		locs, err := resource.Lookup(tx, &Locations, "customer", resource.IDKey(customer))
		if err != nil || len(locs) == 0 {
			return &customer, nil, err
		}
		return &customer, &locs[0], nil
	}
	followUp := resource.Stamp(tx.Now.AddDate(0, 0, 1))
	reason := int64(1)
	leads := []struct {
		customer  int64
		located   bool
		lead      Lead
		firstNote string
	}{
		{DemoDuplicateCustomerID, true, Lead{Status: LeadOpen, Priority: "High", Summary: "Second AC unit for the upstairs.", FollowUpDate: &followUp}, "Wants a quote for a second AC unit"},
		{DemoCommercialCustomerID, false, Lead{Status: LeadOpen, Priority: "Normal", Summary: "Rooftop unit maintenance contract for three sites."}, ""},
		{0, false, Lead{Status: LeadOpen, Priority: "Normal", Summary: "Web lead form: Riley Quinn\nEmail: riley.quinn@example.com\nPhone: (630) 555-0199\nWater heater making noise."}, ""},
		{DemoDuplicateCustomerID2, true, Lead{Status: LeadDismissed, Priority: "Low", Summary: "Asked about duct cleaning; not interested.", DismissingReasonID: &reason}, ""},
		{DemoCustomerID, true, Lead{Status: LeadConverted, Priority: "Normal", Summary: "Furnace tune-up requested by phone."}, ""},
	}
	for _, d := range leads {
		l := d.lead
		l.Active, l.CampaignID, l.CreatedByID, l.TagTypeIDs = true, campaign.ID, IntegrationUserID, []int64{}
		if d.customer != 0 {
			customer, location, err := firstLocation(d.customer)
			if err != nil {
				return err
			}
			l.CustomerID = customer
			if d.located {
				l.LocationID = location
			}
		}
		if err := resource.Create(tx, &Leads, &l); err != nil {
			return err
		}
		if d.firstNote != "" {
			if _, err := addNote(tx, &LeadNotes, l.ID, noteIn{Text: d.firstNote}); err != nil {
				return err
			}
		}
	}
	return nil
}
