package settings

import (
	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/resource"
)

// tagTypeOut is TenantSettings.V2.TagTypeResponse (and the export item,
// ExportTagTypeResponse, which has the same members). The mid-2025 document
// has no tag type create or update, so tag types come from the seed.
type tagTypeOut struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	TagTypeDetails
	Active     bool          `json:"active"`
	CreatedOn  resource.Time `json:"createdOn"`
	ModifiedOn resource.Time `json:"modifiedOn"`
}

func renderTagType(_ *gin.Context, t *TagType) tagTypeOut {
	return tagTypeOut{
		ID: t.ID, Name: t.Name, TagTypeDetails: t.TagTypeDetails,
		Active: t.Active, CreatedOn: t.CreatedOn, ModifiedOn: t.ModifiedOn,
	}
}
