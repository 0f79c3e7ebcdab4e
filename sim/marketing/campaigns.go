package marketing

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
)

// Campaigns follow the 2022 document plus the fields and list filters seen
// live in 2026 (openapi/README.md, contract §7–§8). Rules stsim applies
// where the document is silent:
//   - Names need not be unique, among active campaigns or at all: neither
//     the document nor the contract says so, and stsim does not invent it.
//   - categoryId and businessUnitId must name an existing, active category
//     and business unit (400 naming the member). An update that keeps a
//     campaign's current category or business unit accepts it even if it
//     has since been deactivated.
//   - dnis, the tracking number, becomes campaignPhoneNumbers ([dnis]); it
//     must have 7 to 15 digits. On update an absent dnis keeps the numbers,
//     null or "" removes them. Numbers may repeat across campaigns.
//   - The body is the 2022 CampaignUpsertRequest, so isDefaultCampaign,
//     source, medium, otherSource and otherMedium cannot be set through the
//     API; the demo data carries them.
//   - campaignPhoneNumber matches any of a campaign's numbers by digits
//     (a leading North American 1 is ignored). sort takes Id, ModifiedOn
//     and CreatedOn, the fields most ServiceTitan lists sort by.

// campaignOut is Marketing.V2.CampaignResponse with the live-2026 fields.
type campaignOut struct {
	ID                   int64           `json:"id"`
	Name                 string          `json:"name"`
	ModifiedOn           resource.Time   `json:"modifiedOn"`
	Active               bool            `json:"active"`
	Category             *campaignCatOut `json:"category"`
	BusinessUnit         *businessUnit   `json:"businessUnit"`
	CampaignPhoneNumbers []string        `json:"campaignPhoneNumbers"`
	CreatedOn            resource.Time   `json:"createdOn"`
	IsDefaultCampaign    bool            `json:"isDefaultCampaign"`
	Medium               *string         `json:"medium"`
	OtherMedium          *string         `json:"otherMedium"`
	OtherSource          *string         `json:"otherSource"`
	Source               *string         `json:"source"`
}

// campaignCatOut is Marketing.V2.CampaignResponseCategory.
type campaignCatOut struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Active bool   `json:"active"`
}

type businessUnit struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// renderer renders campaigns inside one transaction, reading each category
// and business unit once.
type renderer struct {
	tx   *resource.Tx
	cats map[int64]*campaignCatOut
	bus  map[int64]*businessUnit
}

func newRenderer(tx *resource.Tx) *renderer {
	return &renderer{tx: tx, cats: map[int64]*campaignCatOut{}, bus: map[int64]*businessUnit{}}
}

func (r *renderer) category(id *int64) (*campaignCatOut, error) {
	if id == nil {
		return nil, nil
	}
	if out, ok := r.cats[*id]; ok {
		return out, nil
	}
	cat, err := resource.Get(r.tx, &categories, *id)
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	var out *campaignCatOut
	if cat != nil {
		out = &campaignCatOut{ID: cat.ID, Name: cat.Name, Active: cat.Active}
	}
	r.cats[*id] = out
	return out, nil
}

func (r *renderer) businessUnit(id *int64) (*businessUnit, error) {
	if id == nil {
		return nil, nil
	}
	if out, ok := r.bus[*id]; ok {
		return out, nil
	}
	bu, err := settings.BusinessUnitByID(r.tx, *id)
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	var out *businessUnit
	if bu != nil {
		out = &businessUnit{ID: bu.ID, Name: bu.Name}
	}
	r.bus[*id] = out
	return out, nil
}

func (r *renderer) campaign(c *Campaign) (campaignOut, error) {
	cat, err := r.category(c.CategoryID)
	if err != nil {
		return campaignOut{}, err
	}
	bu, err := r.businessUnit(c.BusinessUnitID)
	if err != nil {
		return campaignOut{}, err
	}
	phones := c.PhoneNumbers
	if phones == nil {
		phones = []string{}
	}
	return campaignOut{
		ID: c.ID, Name: c.Name, ModifiedOn: c.ModifiedOn, Active: c.Active, Category: cat, BusinessUnit: bu,
		CampaignPhoneNumbers: phones, CreatedOn: c.CreatedOn, IsDefaultCampaign: c.IsDefaultCampaign,
		Medium: c.Medium, OtherMedium: c.OtherMedium, OtherSource: c.OtherSource, Source: c.Source,
	}, nil
}

// getCampaign handles GET /campaigns/{id}.
func getCampaign(c *gin.Context, call *api.Call) {
	id, err := call.IDParam("id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	var out campaignOut
	err = call.View(func(tx *resource.Tx) error {
		camp, err := resource.Get(tx, &Campaigns, id)
		if err != nil {
			return err
		}
		out, err = newRenderer(tx).campaign(camp)
		return err
	})
	call.Respond(c, out, err)
}

// listCampaigns handles GET /campaigns: the shared parameters (active
// defaults to True), name (contains, ignoring case) and
// campaignPhoneNumber (from the phone index).
func listCampaigns(c *gin.Context, call *api.Call) {
	q, err := resource.ParseQuery(c.Request.URL.Query(), resource.ListOptions{DefaultActive: resource.ActiveTrue, Sorts: resource.StandardSorts})
	if err != nil {
		call.Fail(c, err)
		return
	}
	name := api.Contains(c, "name", func(camp *Campaign) string { return camp.Name })
	var out resource.Page[campaignOut]
	err = call.View(func(tx *resource.Tx) error {
		var sel resource.Select
		if phone, ok := c.GetQuery("campaignPhoneNumber"); ok && phone != "" {
			if digits := NormalizePhone(phone); digits != "" {
				sel = resource.Select{Index: "phone", Value: digits}
			} else {
				sel = resource.Select{IDs: []int64{}} // no digits: no number matches
			}
		}
		page, err := resource.List(tx, &Campaigns, q, sel, name)
		if err != nil {
			return err
		}
		out = resource.Page[campaignOut]{Page: page.Page, PageSize: page.PageSize, TotalCount: page.TotalCount, HasMore: page.HasMore, Data: make([]campaignOut, 0, len(page.Data))}
		r := newRenderer(tx)
		for _, camp := range page.Data {
			o, err := r.campaign(camp)
			if err != nil {
				return err
			}
			out.Data = append(out.Data, o)
		}
		return nil
	})
	call.Respond(c, out, err)
}

// campaignIn is Marketing.V2.CampaignUpsertRequest. Pointers tell a missing
// member from a zero one when request validation is off or warns.
type campaignIn struct {
	Name           *string          `json:"name"`
	BusinessUnitID *int64           `json:"businessUnitId"`
	DNIS           optional[string] `json:"dnis"`
	CategoryID     *int64           `json:"categoryId"`
	Active         *bool            `json:"active"`
}

// optional is a nullable body member that tells absent from null.
type optional[T any] struct {
	Set   bool
	Value *T
}

func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	o.Value = new(T)
	return json.Unmarshal(b, o.Value)
}

// check validates a body without the store: required members on create,
// a non-blank name, a dnis with 7 to 15 digits.
func (in *campaignIn) check(create bool) error {
	e := badRequest()
	nameOf(e, in.Name, create)
	if create {
		if in.BusinessUnitID == nil {
			e.Field("businessUnitId", "businessUnitId is required.")
		}
		if in.CategoryID == nil {
			e.Field("categoryId", "categoryId is required.")
		}
		if in.Active == nil {
			e.Field("active", "active is required.")
		}
	}
	if in.DNIS.Value != nil && strings.TrimSpace(*in.DNIS.Value) != "" {
		if n := len(NormalizePhone(*in.DNIS.Value)); n < 7 || n > 15 {
			e.Field("dnis", "dnis must be a phone number of 7 to 15 digits.")
		}
	}
	return failed(e)
}

// apply checks the references of a body in tx and writes it onto camp
// (a new campaign has ID 0).
func (in *campaignIn) apply(tx *resource.Tx, camp *Campaign) error {
	e := badRequest()
	if in.CategoryID != nil && (camp.CategoryID == nil || *camp.CategoryID != *in.CategoryID) {
		cat, err := resource.Get(tx, &categories, *in.CategoryID)
		switch {
		case isNotFound(err):
			e.Field("categoryId", "No campaign category has id "+resource.IDKey(*in.CategoryID)+".")
		case err != nil:
			return err
		case !cat.Active:
			e.Field("categoryId", "Campaign category "+resource.IDKey(cat.ID)+" is inactive.")
		}
	}
	if in.BusinessUnitID != nil && (camp.BusinessUnitID == nil || *camp.BusinessUnitID != *in.BusinessUnitID) {
		bu, err := settings.BusinessUnitByID(tx, *in.BusinessUnitID)
		switch {
		case isNotFound(err):
			e.Field("businessUnitId", "No business unit has id "+resource.IDKey(*in.BusinessUnitID)+".")
		case err != nil:
			return err
		case !bu.Active:
			e.Field("businessUnitId", "Business unit "+resource.IDKey(bu.ID)+" is inactive.")
		}
	}
	if err := failed(e); err != nil {
		return err
	}
	if in.Name != nil {
		camp.Name = strings.TrimSpace(*in.Name)
	}
	if in.CategoryID != nil {
		camp.CategoryID = new(*in.CategoryID)
	}
	if in.BusinessUnitID != nil {
		camp.BusinessUnitID = new(*in.BusinessUnitID)
	}
	if in.Active != nil {
		camp.Active = *in.Active
	}
	if in.DNIS.Set {
		camp.PhoneNumbers = []string{}
		if v := in.DNIS.Value; v != nil && strings.TrimSpace(*v) != "" {
			camp.PhoneNumbers = []string{strings.TrimSpace(*v)}
		}
	}
	return nil
}

// upsertCampaign handles POST /campaigns (create) and PATCH /campaigns/{id}
// (update); both answer with the campaign.
func upsertCampaign(create bool) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		var id int64
		if !create {
			var err error
			if id, err = call.IDParam("id"); err != nil {
				call.Fail(c, err)
				return
			}
		}
		var in campaignIn
		if err := api.Bind(c, &in); err != nil {
			call.Fail(c, err)
			return
		}
		if err := in.check(create); err != nil {
			call.Fail(c, err)
			return
		}
		var out campaignOut
		err := call.Update(func(tx *resource.Tx) error {
			camp := &Campaign{PhoneNumbers: []string{}}
			if !create {
				var err error
				if camp, err = resource.Get(tx, &Campaigns, id); err != nil {
					return err
				}
			}
			if err := in.apply(tx, camp); err != nil {
				return err
			}
			var err error
			if create {
				err = resource.Create(tx, &Campaigns, camp)
			} else {
				err = resource.Save(tx, &Campaigns, camp)
			}
			if err != nil {
				return err
			}
			out, err = newRenderer(tx).campaign(camp)
			return err
		})
		call.Respond(c, out, err)
	}
}

func isNotFound(err error) bool { return errors.Is(err, resource.ErrNotFound) }

func campaignRoutes() api.Routes {
	return api.Routes{
		"marketing.Campaigns_GetList": listCampaigns,
		"marketing.Campaigns_Get":     getCampaign,
		"marketing.Campaigns_Create":  upsertCampaign(true),
		"marketing.Campaigns_Update":  upsertCampaign(false),
	}
}
