package crm

import (
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// JobTypeKind is the name of the jpm module's job-type kind. jpm builds on
// crm (a job belongs to a customer and location), so crm cannot import
// jpm; jpm declares its job types under this name, and crm reads them
// through jobTypes.
const JobTypeKind = "jpm.job-types"

// jobTypes is jpm's job types seen through the fields every record has:
// enough to check that a booking or lead names one.
var jobTypes = resource.Kind[resource.Meta]{Name: JobTypeKind, Label: "Job type"}

// checkJobType checks the job type a booking or lead names, when it names
// one: a missing one, or with mustBeActive an inactive one, is a 400
// naming the member.
func checkJobType(tx *resource.Tx, id *int64, mustBeActive bool) error {
	if id == nil {
		return nil
	}
	jt, err := resource.Get(tx, &jobTypes, *id)
	if err != nil {
		return api.RefError(err, "jobTypeId", "No job type has id "+resource.IDKey(*id)+".")
	}
	if mustBeActive && !jt.Active {
		return apierr.BadRequest("jobTypeId", "Job type "+resource.IDKey(*id)+" is inactive.")
	}
	return nil
}
