package marketing

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// Campaign categories. The list takes only the paging parameters, so it
// returns active and inactive categories alike, in ID order. Category
// names need not be unique: neither the document nor the contract says
// they must, so stsim does not invent the rule.

// categoryOut is Marketing.V2.CampaignCategoryResponse.
type categoryOut struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Active bool   `json:"active"`
	Type   string `json:"type"`
}

func renderCategory(_ *gin.Context, c *Category) categoryOut {
	return categoryOut{ID: c.ID, Name: c.Name, Active: c.Active, Type: categoryType(c)}
}

func categoryType(c *Category) string {
	if c.Type == "" {
		return CategoryRegular
	}
	return c.Type
}

// modificationOut is ModificationResponse.
type modificationOut struct {
	ID int64 `json:"id"`
}

type categoryIn struct {
	Name   *string `json:"name"`
	Active *bool   `json:"active"`
}

// nameOf checks a name member: required when required is set, never blank.
func nameOf(e *apierr.Error, in *string, required bool) {
	switch {
	case in == nil && required:
		e.Field("name", "name is required.")
	case in != nil && strings.TrimSpace(*in) == "":
		e.Field("name", "name must not be empty.")
	}
}

func badRequest() *apierr.Error {
	return apierr.New(http.StatusBadRequest, "One or more validation errors occurred.")
}

// failed returns e when it names a field, else nil.
func failed(e *apierr.Error) error {
	if len(e.Errors) > 0 {
		return e
	}
	return nil
}

// createCategory handles POST /categories: a new active Regular category.
func createCategory(c *gin.Context, call *api.Call) {
	var in categoryIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	e := badRequest()
	nameOf(e, in.Name, true)
	if err := failed(e); err != nil {
		call.Fail(c, err)
		return
	}
	var out modificationOut
	err := call.Update(func(tx *resource.Tx) error {
		cat := &Category{Meta: resource.Meta{Active: true}, Name: strings.TrimSpace(*in.Name), Type: CategoryRegular}
		if err := resource.Create(tx, &categories, cat); err != nil {
			return err
		}
		out = modificationOut{ID: cat.ID}
		return nil
	})
	call.Respond(c, out, err)
}

// updateCategory handles PATCH /categories/{id}: name (required by the
// document) and, when given, active. Campaigns of a deactivated category
// keep it.
func updateCategory(c *gin.Context, call *api.Call) {
	id, err := call.IDParam("id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	var in categoryIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	e := badRequest()
	nameOf(e, in.Name, false) // patch mode: a body without name (validation off) keeps it
	if err := failed(e); err != nil {
		call.Fail(c, err)
		return
	}
	var out modificationOut
	err = call.Update(func(tx *resource.Tx) error {
		cat, err := resource.Get(tx, &categories, id)
		if err != nil {
			return err
		}
		if in.Name != nil {
			cat.Name = strings.TrimSpace(*in.Name)
		}
		if in.Active != nil {
			cat.Active = *in.Active
		}
		if err := resource.Save(tx, &categories, cat); err != nil {
			return err
		}
		out = modificationOut{ID: cat.ID}
		return nil
	})
	call.Respond(c, out, err)
}

func categoryRoutes() api.Routes {
	return api.Routes{
		"marketing.CampaignCategories_GetList": api.List(&categories, api.ListSpec[Category, *Category]{}, renderCategory),
		"marketing.CampaignCategories_Get":     api.GetByID(&categories, renderCategory),
		"marketing.CampaignCategories_Create":  createCategory,
		"marketing.CampaignCategories_Update":  updateCategory,
	}
}
