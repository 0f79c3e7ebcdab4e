package marketing

import (
	"time"

	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/resource"
)

// Names of the demo campaigns (fixtures/demo/marketing.yaml), for tests.
const (
	CampaignGoogleAds      = "Google Ads"
	CampaignYardSigns      = "Yard Signs"
	CampaignWebsiteBooking = "Website Booking" // online booking's campaign
	CampaignReferral       = "Referral Program"
	CampaignSpringMailer   = "Spring 2025 Mailer" // inactive
	CampaignDefault        = "Direct Call"        // the default campaign
)

// Names of the demo campaign categories.
const (
	CategoryDigital  = "Digital"
	CategoryPrint    = "Print"
	CategoryReferral = "Referral"
	CategoryLSA      = "Google Local Services" // type GoogleHomeServices
	CategoryRadio    = "Radio"                 // inactive
)

// Fixture describes marketing.yaml: campaign categories, campaigns and
// their monthly costs, each in its create request's shape. A cost may give
// monthOffset (0: this month, -1: last month) instead of year and month.
var Fixture = fixture.Module{Name: "marketing", Kinds: []fixture.Kind{
	{Name: "categories", Schema: "Marketing.V2.CampaignCategoryCreateRequest", Extra: []string{"id", "active", "type"}, Decode: fixture.DecodeAs[categoryFixture]},
	{Name: "campaigns", Schema: "Marketing.V2.CampaignUpsertRequest", Extra: []string{"id", "isDefaultCampaign", "source", "medium"}, Decode: fixture.DecodeAs[campaignFixture]},
	{Name: "costs", Schema: "Marketing.V2.CreateCampaignCostRequest", Extra: []string{"id", "monthOffset"}, Optional: []string{"year", "month"}, Decode: fixture.DecodeAs[costFixture]},
}, Writes: []any{Campaign{}, Category{}, Cost{}}}

type categoryFixture struct {
	fixture.Common
	Name string `json:"name"`
	Type string `json:"type"`
}

type campaignFixture struct {
	ID                int64   `json:"id"`
	Name              string  `json:"name"`
	BusinessUnitID    *int64  `json:"businessUnitId"`
	CategoryID        *int64  `json:"categoryId"`
	Dnis              string  `json:"dnis"`
	Active            bool    `json:"active"`
	IsDefaultCampaign bool    `json:"isDefaultCampaign"`
	Source            *string `json:"source"`
	Medium            *string `json:"medium"`
}

type costFixture struct {
	ID          int64   `json:"id"`
	CampaignID  int64   `json:"campaignId"`
	Year        int     `json:"year"`
	Month       int     `json:"month"`
	MonthOffset *int    `json:"monthOffset"`
	DailyCost   float64 `json:"dailyCost"`
}

// Seed writes the tenant's marketing records from its fixture.
func Seed(tx *resource.Tx, in fixture.Input) error {
	cats, err := fixture.Decode[categoryFixture](in, "categories")
	if err != nil {
		return err
	}
	camps, err := fixture.Decode[campaignFixture](in, "campaigns")
	if err != nil {
		return err
	}
	costRecs, err := fixture.Decode[costFixture](in, "costs")
	if err != nil {
		return err
	}
	for _, c := range cats {
		if c.Type == "" {
			c.Type = CategoryRegular
		}
		if err := resource.Create(tx, &categories, &Category{Meta: c.NewMeta(), Name: c.Name, Type: c.Type}); err != nil {
			return err
		}
	}
	for _, c := range camps {
		camp := &Campaign{
			Meta: resource.Meta{ID: c.ID, Active: c.Active}, Name: c.Name, CategoryID: c.CategoryID, BusinessUnitID: c.BusinessUnitID,
			PhoneNumbers: []string{}, IsDefaultCampaign: c.IsDefaultCampaign, Source: c.Source, Medium: c.Medium,
		}
		if c.Dnis != "" {
			camp.PhoneNumbers = []string{c.Dnis}
		}
		if err := resource.Create(tx, &Campaigns, camp); err != nil {
			return err
		}
	}
	today := in.Dates.Now.In(in.Dates.Loc)
	for _, c := range costRecs {
		if c.MonthOffset != nil {
			m := time.Date(today.Year(), today.Month()+time.Month(*c.MonthOffset), 1, 0, 0, 0, 0, time.UTC)
			c.Year, c.Month = m.Year(), int(m.Month())
		}
		rec := &Cost{Meta: resource.Meta{ID: c.ID, Active: true}, CampaignID: c.CampaignID, Year: c.Year, Month: c.Month, DailyCost: c.DailyCost}
		if err := resource.Create(tx, &costs, rec); err != nil {
			return err
		}
	}
	return nil
}
