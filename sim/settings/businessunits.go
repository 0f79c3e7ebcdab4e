package settings

import (
	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/extdata"
	"github.com/stsim/stsim/sim/resource"
)

// businessUnitOut is TenantSettings.V2.BusinessUnitResponse (and the export
// item, ExportBusinessUnitResponse, which has the same members). tenant is
// always null: stsim keeps no tenant profile (account code, franchise) to
// fill it with.
type businessUnitOut struct {
	ID     int64  `json:"id"`
	Active bool   `json:"active"`
	Name   string `json:"name"`
	BusinessUnitDetails
	Tenant       *struct{}     `json:"tenant"`
	CreatedOn    resource.Time `json:"createdOn"`
	ModifiedOn   resource.Time `json:"modifiedOn"`
	ExternalData []KV          `json:"externalData"`
}

// renderBusinessUnit shows the external data of the application named by
// externalDataApplicationGuid (none without it, and in exports).
func renderBusinessUnit(c *gin.Context, b *BusinessUnit) businessUnitOut {
	return businessUnitOut{
		ID: b.ID, Active: b.Active, Name: b.Name, BusinessUnitDetails: b.BusinessUnitDetails,
		CreatedOn: b.CreatedOn, ModifiedOn: b.ModifiedOn,
		ExternalData: b.ExternalData.For(c.Query("externalDataApplicationGuid")),
	}
}

// businessUnitFilter applies name (contains, ignoring case).
func businessUnitFilter(c *gin.Context, _ *resource.Tx) (resource.Select, func(*BusinessUnit) bool, error) {
	return resource.Select{}, api.Contains(c, "name", func(b *BusinessUnit) string { return b.Name }), nil
}

// updateBusinessUnitIn is TenantSettings.V2.UpdateBusinessUnitRequest: the
// API can change a business unit's external data only.
type updateBusinessUnitIn struct {
	ExternalData *extdata.Patch `json:"externalData"`
}

// updateBusinessUnit handles PATCH /business-units/{id} and answers
// ModificationResponse ({id}). A body without externalData changes nothing
// and writes nothing.
var updateBusinessUnit = api.Action(api.OwnerKind(&BusinessUnits), true, func(in *updateBusinessUnitIn) error {
	return in.ExternalData.Check("externalData") // nil: nothing to check
}, func(tx *resource.Tx, id int64, b *BusinessUnit, in *updateBusinessUnitIn) (any, error) {
	if in.ExternalData != nil {
		b.ExternalData = in.ExternalData.Apply(b.ExternalData)
		if err := resource.Save(tx, &BusinessUnits, b); err != nil {
			return nil, err
		}
	}
	return idOut{ID: id}, nil
})
