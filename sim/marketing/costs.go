package marketing

import (
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// Campaign costs: one record per campaign and month, holding the daily
// cost. Rules stsim applies where the document is silent:
//   - POST /costs with a campaignId that names no campaign is a 400 naming
//     campaignId: the ID is a body member, and the operation documents 400
//     only. Inactive campaigns may have costs.
//   - A second cost for the same campaign, year and month is a 400 naming
//     month (update the existing one instead).
//   - year is 1900–9999, month 1–12, dailyCost zero or more.
//   - GET /campaigns/{id}/costs of an unknown campaign is a 404; costs list
//     in ID order, filtered by year and month when given.

// costOut is Marketing.V2.CampaignCostResponse.
type costOut struct {
	ID        int64   `json:"id"`
	Year      int     `json:"year"`
	Month     int     `json:"month"`
	DailyCost float64 `json:"dailyCost"`
}

func renderCost(_ *gin.Context, c *Cost) costOut {
	return costOut{ID: c.ID, Year: c.Year, Month: c.Month, DailyCost: c.DailyCost}
}

// costIn is Marketing.V2.CreateCampaignCostRequest and (dailyCost only)
// Marketing.V2.UpdateCampaignCostRequest.
type costIn struct {
	CampaignID *int64   `json:"campaignId"`
	Year       *int     `json:"year"`
	Month      *int     `json:"month"`
	DailyCost  *float64 `json:"dailyCost"`
}

func checkYear(e *apierr.Error, field string, y int) {
	if y < 1900 || y > 9999 {
		e.Field(field, field+" must be from 1900 to 9999.")
	}
}

func checkMonth(e *apierr.Error, field string, m int) {
	if m < 1 || m > 12 {
		e.Field(field, field+" must be from 1 to 12.")
	}
}

func checkDailyCost(e *apierr.Error, v *float64) {
	switch {
	case v == nil:
		e.Field("dailyCost", "dailyCost is required.")
	case *v < 0:
		e.Field("dailyCost", "dailyCost must not be negative.")
	}
}

// createCost handles POST /costs and answers with the new cost.
func createCost(c *gin.Context, call *api.Call) {
	var in costIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	e := badRequest()
	if in.CampaignID == nil {
		e.Field("campaignId", "campaignId is required.")
	}
	if in.Year == nil {
		e.Field("year", "year is required.")
	} else {
		checkYear(e, "year", *in.Year)
	}
	if in.Month == nil {
		e.Field("month", "month is required.")
	} else {
		checkMonth(e, "month", *in.Month)
	}
	checkDailyCost(e, in.DailyCost)
	if err := failed(e); err != nil {
		call.Fail(c, err)
		return
	}
	var out costOut
	err := call.Update(func(tx *resource.Tx) error {
		camp, err := resource.Get(tx, &Campaigns, *in.CampaignID)
		if isNotFound(err) {
			return apierr.BadRequest("campaignId", "No campaign has id "+resource.IDKey(*in.CampaignID)+".")
		}
		if err != nil {
			return err
		}
		existing, err := campaignCosts(tx, camp.ID, *in.Year, *in.Month)
		if err != nil {
			return err
		}
		if len(existing) > 0 {
			return apierr.BadRequest("month", "Campaign "+resource.IDKey(camp.ID)+" already has a cost for "+
				strconv.Itoa(*in.Year)+"-"+strconv.Itoa(*in.Month)+" (id "+resource.IDKey(existing[0].ID)+"); update it instead.")
		}
		cost := &Cost{Meta: resource.Meta{Active: true}, CampaignID: camp.ID, Year: *in.Year, Month: *in.Month, DailyCost: *in.DailyCost}
		if err := resource.Create(tx, &costs, cost); err != nil {
			return err
		}
		out = renderCost(c, cost)
		return nil
	})
	call.Respond(c, out, err)
}

// campaignCosts returns a campaign's costs of one year and month.
func campaignCosts(tx *resource.Tx, campaignID int64, year, month int) ([]*Cost, error) {
	q := resource.Query{Page: 1, PageSize: resource.MaxPageSize}
	page, err := resource.List(tx, &costs, q, resource.Select{Index: "campaign", Value: resource.IDKey(campaignID)},
		func(c *Cost) bool { return c.Year == year && c.Month == month })
	return page.Data, err
}

// updateCost handles PATCH /costs/{id}: the daily cost.
func updateCost(c *gin.Context, call *api.Call) {
	id, err := call.IDParam("id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	var in costIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	e := badRequest()
	checkDailyCost(e, in.DailyCost)
	if err := failed(e); err != nil {
		call.Fail(c, err)
		return
	}
	var out modificationOut
	err = call.Update(func(tx *resource.Tx) error {
		cost, err := resource.Get(tx, &costs, id)
		if err != nil {
			return err
		}
		cost.DailyCost = *in.DailyCost
		if err := resource.Save(tx, &costs, cost); err != nil {
			return err
		}
		out = modificationOut{ID: cost.ID}
		return nil
	})
	call.Respond(c, out, err)
}

// listCosts handles GET /campaigns/{id}/costs with the year and month
// filters.
func listCosts(c *gin.Context, call *api.Call) {
	id, err := call.IDParam("id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	q, err := resource.ParseQuery(c.Request.URL.Query(), resource.ListOptions{})
	if err != nil {
		call.Fail(c, err)
		return
	}
	e := badRequest()
	year := intParam(c, e, "year", checkYear)
	month := intParam(c, e, "month", checkMonth)
	if err := failed(e); err != nil {
		call.Fail(c, err)
		return
	}
	var out resource.Page[costOut]
	err = call.View(func(tx *resource.Tx) error {
		if _, err := resource.Get(tx, &Campaigns, id); err != nil {
			return err
		}
		page, err := resource.List(tx, &costs, q, resource.Select{Index: "campaign", Value: resource.IDKey(id)}, func(cost *Cost) bool {
			return (year == nil || cost.Year == *year) && (month == nil || cost.Month == *month)
		})
		if err != nil {
			return err
		}
		out = resource.Page[costOut]{Page: page.Page, PageSize: page.PageSize, TotalCount: page.TotalCount, HasMore: page.HasMore, Data: make([]costOut, 0, len(page.Data))}
		for _, cost := range page.Data {
			out.Data = append(out.Data, renderCost(c, cost))
		}
		return nil
	})
	call.Respond(c, out, err)
}

// intParam reads an optional integer query parameter and checks its range.
func intParam(c *gin.Context, e *apierr.Error, name string, check func(*apierr.Error, string, int)) *int {
	v := c.Query(name)
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		e.Field(name, "The value '"+v+"' is not a valid whole number.")
		return nil
	}
	check(e, name, n)
	return &n
}

func costRoutes() api.Routes {
	return api.Routes{
		"marketing.Campaigns_GetCosts":   listCosts,
		"marketing.CampaignCosts_Get":    api.GetByID(&costs, renderCost),
		"marketing.CampaignCosts_Create": createCost,
		"marketing.CampaignCosts_Update": updateCost,
	}
}
