// Package marketing emulates ServiceTitan's marketing module (marketing/v2):
// campaigns, their categories and costs.
package marketing

import (
	"net/http"
	"strings"

	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// Campaign is a marketing campaign; every job names one.
type Campaign struct {
	resource.Meta
	Name       string `json:"name"`
	CategoryID *int64 `json:"categoryId"`
	// BusinessUnitID refers to a settings business unit (nil: none).
	BusinessUnitID *int64 `json:"businessUnitId"`
	// PhoneNumbers are the campaign's tracking numbers (its DNIS), as given.
	PhoneNumbers []string `json:"phoneNumbers"`
	// IsDefaultCampaign marks the tenant's default campaign; only seeds set it
	// (the request bodies of the marketing document cannot).
	IsDefaultCampaign bool `json:"isDefaultCampaign"`
	// The 2026 attribution fields; only seeds set them.
	Source      *string `json:"source"`
	Medium      *string `json:"medium"`
	OtherSource *string `json:"otherSource"`
	OtherMedium *string `json:"otherMedium"`
}

// Category groups campaigns.
type Category struct {
	resource.Meta
	Name string `json:"name"`
	// Type is Regular or GoogleHomeServices ("" is read as Regular).
	Type string `json:"type"`
}

// Cost is what a campaign costs per day in one month.
type Cost struct {
	resource.Meta
	CampaignID int64   `json:"campaignId"`
	Year       int     `json:"year"`
	Month      int     `json:"month"`
	DailyCost  float64 `json:"dailyCost"`
}

// Category types of the document's Marketing.V2.CampaignCategoryType.
const (
	CategoryRegular            = "Regular"
	CategoryGoogleHomeServices = "GoogleHomeServices"
)

// Kinds of the marketing module.
var (
	Campaigns = resource.Kind[Campaign]{Name: "marketing.campaigns", Label: "Campaign", Indexes: []resource.Index[Campaign]{
		{Name: "phone", Keys: func(c *Campaign) []string {
			keys := make([]string, 0, len(c.PhoneNumbers))
			for _, p := range c.PhoneNumbers {
				keys = append(keys, NormalizePhone(p))
			}
			return keys
		}},
	}}
	categories = resource.Kind[Category]{Name: "marketing.categories", Label: "Campaign category"}
	costs      = resource.Kind[Cost]{Name: "marketing.campaign-costs", Label: "Campaign cost", Indexes: []resource.Index[Cost]{
		{Name: "campaign", Keys: func(c *Cost) []string { return []string{resource.IDKey(c.CampaignID)} }},
	}}
)

// NormalizePhone reduces a phone number to its digits, without the North
// American country code, so "+1 (800) 555-0101" and "8005550101" match.
func NormalizePhone(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	return d
}

// CampaignByID returns a campaign to read (resource.ErrNotFound when there
// is none). It may be shared (resource.Ref): the caller must not change it.
func CampaignByID(tx *resource.Tx, id int64) (*Campaign, error) {
	return resource.Ref(tx, &Campaigns, id)
}

// FindCampaign returns the campaign with this name (exact, ignoring case;
// active or not), the lowest ID first when names repeat, or a 404.
func FindCampaign(tx *resource.Tx, name string) (*Campaign, error) {
	return findCampaign(tx, "No campaign is named '"+name+"'.", func(c *Campaign) bool { return strings.EqualFold(c.Name, name) })
}

// DefaultCampaign returns the tenant's default campaign, or a 404.
func DefaultCampaign(tx *resource.Tx) (*Campaign, error) {
	return findCampaign(tx, "The tenant has no default campaign.", func(c *Campaign) bool { return c.IsDefaultCampaign })
}

func findCampaign(tx *resource.Tx, notFound string, where func(*Campaign) bool) (*Campaign, error) {
	q := resource.Query{Page: 1, PageSize: 1, Active: resource.ActiveAny}
	page, err := resource.List(tx, &Campaigns, q, resource.Select{}, where)
	if err != nil {
		return nil, err
	}
	if len(page.Data) == 0 {
		return nil, apierr.New(http.StatusNotFound, notFound)
	}
	return page.Data[0], nil
}

// CampaignExists reports whether a campaign exists (active or not).
func CampaignExists(tx *resource.Tx, id int64) (bool, error) {
	return resource.Exists(tx, &Campaigns, id)
}
