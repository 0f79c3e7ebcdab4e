package marketing

import (
	"time"

	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
)

// Names of the demo campaigns, for other modules' seeds and for tests.
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

// Seed writes the demo tenant's marketing data: five categories (one
// inactive), six campaigns (one inactive, one default) on the first active
// business unit, and monthly costs. It runs after the settings seed; with
// no business unit the campaigns have none. Costs are dated relative to the
// clock (Google Ads: this month and the two before; Yard Signs: last month)
// except the spring 2025 mailer's.
func Seed(tx *resource.Tx) error {
	cats := map[string]*Category{}
	for _, c := range []Category{
		{Meta: resource.Meta{Active: true}, Name: CategoryDigital, Type: CategoryRegular},
		{Meta: resource.Meta{Active: true}, Name: CategoryPrint, Type: CategoryRegular},
		{Meta: resource.Meta{Active: true}, Name: CategoryReferral, Type: CategoryRegular},
		{Meta: resource.Meta{Active: true}, Name: CategoryLSA, Type: CategoryGoogleHomeServices},
		{Meta: resource.Meta{Active: false}, Name: CategoryRadio, Type: CategoryRegular},
	} {
		if err := resource.Create(tx, &Categories, &c); err != nil {
			return err
		}
		cats[c.Name] = &c
	}
	bu, err := firstBusinessUnit(tx)
	if err != nil {
		return err
	}
	type demo struct {
		name, category, phone, source, medium string
		active, isDefault                     bool
	}
	camps := map[string]*Campaign{}
	for _, d := range []demo{
		{CampaignGoogleAds, CategoryDigital, "(800) 555-0101", "Google", "Paid Search", true, false},
		{CampaignYardSigns, CategoryPrint, "(800) 555-0102", "Yard Sign", "Print", true, false},
		{CampaignWebsiteBooking, CategoryDigital, "", "Website", "Online Booking", true, false},
		{CampaignReferral, CategoryReferral, "", "Referral", "Word of Mouth", true, false},
		{CampaignSpringMailer, CategoryPrint, "(800) 555-0105", "Direct Mail", "Mail", false, false},
		{CampaignDefault, CategoryReferral, "", "", "", true, true},
	} {
		camp := &Campaign{
			Meta: resource.Meta{Active: d.active}, Name: d.name, CategoryID: &cats[d.category].ID,
			BusinessUnitID: bu, PhoneNumbers: []string{}, IsDefaultCampaign: d.isDefault,
			Source: nonEmpty(d.source), Medium: nonEmpty(d.medium),
		}
		if d.phone != "" {
			camp.PhoneNumbers = []string{d.phone}
		}
		if err := resource.Create(tx, &Campaigns, camp); err != nil {
			return err
		}
		camps[d.name] = camp
	}
	month := time.Date(tx.Now.Year(), tx.Now.Month(), 1, 0, 0, 0, 0, time.UTC)
	type cost struct {
		campaign string
		month    time.Time
		daily    float64
	}
	for _, c := range []cost{
		{CampaignGoogleAds, month.AddDate(0, -2, 0), 42.50},
		{CampaignGoogleAds, month.AddDate(0, -1, 0), 48.00},
		{CampaignGoogleAds, month, 55.25},
		{CampaignYardSigns, month.AddDate(0, -1, 0), 3.20},
		{CampaignSpringMailer, time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), 18.00},
		{CampaignSpringMailer, time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), 18.00},
	} {
		rec := &Cost{Meta: resource.Meta{Active: true}, CampaignID: camps[c.campaign].ID,
			Year: c.month.Year(), Month: int(c.month.Month()), DailyCost: c.daily}
		if err := resource.Create(tx, &Costs, rec); err != nil {
			return err
		}
	}
	return nil
}

// firstBusinessUnit returns the ID of the tenant's first active business
// unit, or nil when it has none.
func firstBusinessUnit(tx *resource.Tx) (*int64, error) {
	q := resource.Query{Page: 1, PageSize: 1, Active: resource.ActiveTrue}
	page, err := resource.List(tx, &settings.BusinessUnits, q, resource.Select{}, nil)
	if err != nil || len(page.Data) == 0 {
		return nil, err
	}
	return &page.Data[0].ID, nil
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
