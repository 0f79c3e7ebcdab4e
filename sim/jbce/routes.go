package jbce

import (
	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/resource"
)

// callReasonOut is Jbce.V2.CallReasonResponse.
type callReasonOut struct {
	ID         int64         `json:"id"`
	Name       string        `json:"name"`
	IsLead     bool          `json:"isLead"`
	Active     bool          `json:"active"`
	CreatedOn  resource.Time `json:"createdOn"`
	ModifiedOn resource.Time `json:"modifiedOn"`
}

func renderCallReason(_ *gin.Context, r *CallReason) callReasonOut {
	return callReasonOut{ID: r.ID, Name: r.Name, IsLead: r.IsLead, Active: r.Active, CreatedOn: r.CreatedOn, ModifiedOn: r.ModifiedOn}
}

// Routes returns the operations of this module that stsim emulates: the
// call-reason list, with active (default True), the four date filters and
// sort by Id, ModifiedOn or CreatedOn, as the document's prose lists.
func Routes() api.Routes {
	return api.Routes{
		"jbce.CallReasons_Get": api.List(&CallReasons, api.ListSpec[CallReason, *CallReason]{
			Options: resource.ListOptions{DefaultActive: resource.ActiveTrue, Sorts: resource.StandardSorts},
		}, renderCallReason),
	}
}
