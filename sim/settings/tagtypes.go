package settings

import (
	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/resource"
)

// tagTypeOut is TenantSettings.V2.TagTypeResponse (and the export item,
// ExportTagTypeResponse, which has the same members). The mid-2025 document
// has no tag type create or update, so tag types come from the seed.
type tagTypeOut struct {
	ID                            int64         `json:"id"`
	Name                          string        `json:"name"`
	Color                         string        `json:"color"`
	Code                          string        `json:"code"`
	Importance                    *string       `json:"importance"`
	IsConversionOpportunity       bool          `json:"isConversionOpportunity"`
	AllowToUseOnTimesheetActivity bool          `json:"allowToUseOnTimesheetActivity"`
	Active                        bool          `json:"active"`
	CreatedOn                     resource.Time `json:"createdOn"`
	ModifiedOn                    resource.Time `json:"modifiedOn"`
}

func renderTagType(_ *gin.Context, t *TagType) tagTypeOut {
	return tagTypeOut{
		ID: t.ID, Name: t.Name, Color: t.Color, Code: t.Code, Importance: t.Importance,
		IsConversionOpportunity: t.IsConversionOpportunity, AllowToUseOnTimesheetActivity: t.AllowToUseOnTimesheetActivity,
		Active: t.Active, CreatedOn: t.CreatedOn, ModifiedOn: t.ModifiedOn,
	}
}
