package jpm

import (
	"slices"
	"strings"

	"github.com/stsim/stsim/sim/optional"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/extdata"
	"github.com/stsim/stsim/sim/resource"
)

// DefaultJobTypeDuration is the duration (seconds) of a job type created
// without one.
const DefaultJobTypeDuration = 3600

// jobTypeOut is Jpm.V2.JobTypeResponse.
type jobTypeOut struct {
	ID                                    int64         `json:"id"`
	Name                                  string        `json:"name"`
	BusinessUnitIDs                       []int64       `json:"businessUnitIds"`
	Skills                                []string      `json:"skills"`
	TagTypeIDs                            []int64       `json:"tagTypeIds"`
	Priority                              string        `json:"priority"`
	Duration                              int64         `json:"duration"`
	SoldThreshold                         *float64      `json:"soldThreshold"`
	Class                                 string        `json:"class"`
	Summary                               string        `json:"summary"`
	NoCharge                              bool          `json:"noCharge"`
	EnforceRecurringServiceEventSelection *bool         `json:"enforceRecurringServiceEventSelection"`
	InvoiceSignaturesRequired             bool          `json:"invoiceSignaturesRequired"`
	ModifiedOn                            resource.Time `json:"modifiedOn"`
	CreatedOn                             resource.Time `json:"createdOn"`
	ExternalData                          []KV          `json:"externalData"`
	Active                                bool          `json:"active"`
}

func renderJobType(c *gin.Context, jt *JobType) jobTypeOut {
	return renderJobTypeFor(jt, c.Query("externalDataApplicationGuid"))
}

func renderJobTypeFor(jt *JobType, guid string) jobTypeOut {
	return jobTypeOut{
		ID: jt.ID, Name: jt.Name, BusinessUnitIDs: optional.NonNil(jt.BusinessUnitIDs), Skills: optional.NonNil(jt.Skills),
		TagTypeIDs: optional.NonNil(jt.TagTypeIDs), Priority: jt.Priority, Duration: jt.Duration, SoldThreshold: jt.SoldThreshold,
		Class: jt.Class, Summary: jt.Summary, NoCharge: jt.NoCharge,
		EnforceRecurringServiceEventSelection: jt.EnforceRecurringServiceEventSelection,
		InvoiceSignaturesRequired:             jt.InvoiceSignaturesRequired, ModifiedOn: jt.ModifiedOn, CreatedOn: jt.CreatedOn,
		ExternalData: jt.ExternalData.For(guid), Active: jt.Active,
	}
}

// getJobType handles GET /job-types/{id}.
var getJobType = api.GetByID(&JobTypes, renderJobType)

// listJobTypes handles GET /job-types: name (contains, ignoring case),
// minDuration/maxDuration (seconds, inclusive), priority, ids, active
// (default True), the date filters, and orderBy (id|modifiedOn|createdOn)
// with orderByDirection (asc|ascending|desc|descending) instead of sort.
func listJobTypes(c *gin.Context, call *api.Call) {
	q, err := resource.ParseQuery(api.DocumentedQuery(c, api.PagingParams, api.DateParams, []string{"ids", "active"}), resource.ListOptions{DefaultActive: resource.ActiveTrue})
	if err != nil {
		call.Fail(c, err)
		return
	}
	r := newQueryReader(c)
	minDur, maxDur := r.int64("minDuration"), r.int64("maxDuration")
	priority := r.oneOf("priority", priorities)
	if v := r.q.Get("orderBy"); v != "" {
		fields := []string{"Id", "ModifiedOn", "CreatedOn"}
		if i := slices.IndexFunc(fields, func(f string) bool { return strings.EqualFold(f, v) }); i >= 0 {
			q.SortField = fields[i]
		} else {
			r.fail("orderBy", "orderBy must be id, modifiedOn or createdOn.")
		}
	}
	switch strings.ToLower(r.q.Get("orderByDirection")) {
	case "", "asc", "ascending":
	case "desc", "descending":
		q.SortDesc = true
		if q.SortField == "" {
			q.SortField = "Id"
		}
	default:
		r.fail("orderByDirection", "orderByDirection must be asc, ascending, desc or descending.")
	}
	if err := r.done(); err != nil {
		call.Fail(c, err)
		return
	}
	name := strings.ToLower(c.Query("name"))
	var page resource.Page[*JobType]
	err = call.View(func(tx *resource.Tx) error {
		page, err = resource.List(tx, &JobTypes, q, resource.Select{}, func(jt *JobType) bool {
			switch {
			case name != "" && !strings.Contains(strings.ToLower(jt.Name), name),
				minDur != nil && jt.Duration < *minDur,
				maxDur != nil && jt.Duration > *maxDur,
				priority != "" && jt.Priority != priority:
				return false
			}
			return true
		})
		return err
	})
	guid := c.Query("externalDataApplicationGuid")
	call.Respond(c, api.MapPage(page, func(jt *JobType) jobTypeOut { return renderJobTypeFor(jt, guid) }), err)
}

// createJobTypeIn is Jpm.V2.CreateJobTypeRequest.
type createJobTypeIn struct {
	Name                                  string          `json:"name"`
	BusinessUnitIDs                       []int64         `json:"businessUnitIds"`
	Skills                                []string        `json:"skills"`
	TagTypeIDs                            []int64         `json:"tagTypeIds"`
	Priority                              *string         `json:"priority"`
	Duration                              *int64          `json:"duration"`
	SoldThreshold                         *float64        `json:"soldThreshold"`
	Class                                 *string         `json:"class"`
	Summary                               *string         `json:"summary"`
	NoCharge                              *bool           `json:"noCharge"`
	EnforceRecurringServiceEventSelection *bool           `json:"enforceRecurringServiceEventSelection"`
	InvoiceSignaturesRequired             *bool           `json:"invoiceSignaturesRequired"`
	ExternalData                          *extdata.Create `json:"externalData"`
}

// checkJobTypeName: not blank, and no other job type has it (ignoring case).
func checkJobTypeName(tx *resource.Tx, name string, self int64) error {
	if err := api.RequireText("name", name); err != nil {
		return err
	}
	page, err := resource.List(tx, &JobTypes, resource.Query{Page: 1, PageSize: 1, Active: resource.ActiveAny}, resource.Select{}, func(jt *JobType) bool {
		return jt.ID != self && strings.EqualFold(strings.TrimSpace(jt.Name), strings.TrimSpace(name))
	})
	if err != nil {
		return err
	}
	if len(page.Data) > 0 {
		return apierr.BadRequest("name", "Job type "+resource.IDKey(page.Data[0].ID)+" is already named '"+page.Data[0].Name+"'.")
	}
	return nil
}

func checkSkills(skills []string) error {
	for i, s := range skills {
		if strings.TrimSpace(s) == "" {
			return apierr.BadRequest("skills"+idx(i), "A skill must not be empty.")
		}
	}
	return nil
}

func checkDuration(d int64) error {
	if d < 0 {
		return apierr.BadRequest("duration", "duration is in seconds and must not be negative.")
	}
	return nil
}

// createJobType handles POST /job-types: name required and unique; the
// business units and tag types must exist; priority (default Normal) is
// Low|Normal|High|Urgent; duration in seconds (default 3600) not negative.
// A new job type is active.
var createJobType = api.Create((*createJobTypeIn).check, func(tx *resource.Tx, in *createJobTypeIn) (jobTypeOut, error) {
	if err := checkJobTypeName(tx, in.Name, 0); err != nil {
		return jobTypeOut{}, err
	}
	if err := checkBusinessUnits(tx, "businessUnitIds", in.BusinessUnitIDs); err != nil {
		return jobTypeOut{}, err
	}
	if err := checkTagTypes(tx, "tagTypeIds", in.TagTypeIDs); err != nil {
		return jobTypeOut{}, err
	}
	jt := &JobType{
		Meta: resource.Meta{Active: true}, Name: strings.TrimSpace(in.Name), BusinessUnitIDs: optional.NonNil(in.BusinessUnitIDs),
		Skills: optional.NonNil(in.Skills), TagTypeIDs: optional.NonNil(in.TagTypeIDs), Priority: *in.Priority, Duration: *in.Duration,
		SoldThreshold: in.SoldThreshold, Class: optional.Value(in.Class), Summary: optional.Value(in.Summary), NoCharge: optional.Value(in.NoCharge),
		EnforceRecurringServiceEventSelection: in.EnforceRecurringServiceEventSelection,
		InvoiceSignaturesRequired:             optional.Value(in.InvoiceSignaturesRequired), ExternalData: in.ExternalData.Apply(nil),
	}
	if err := resource.Create(tx, &JobTypes, jt); err != nil {
		return jobTypeOut{}, err
	}
	return renderJobTypeFor(jt, in.ExternalData.GUID()), nil
})

// check validates a new job type's priority (default Normal), duration
// (default DefaultJobTypeDuration) and skills, and fills in the defaults.
func (in *createJobTypeIn) check() error {
	priority := "Normal"
	if in.Priority != nil && *in.Priority != "" {
		var err error
		if priority, err = validPriority("priority", *in.Priority); err != nil {
			return err
		}
	}
	in.Priority = &priority
	duration := int64(DefaultJobTypeDuration)
	api.SetIf(&duration, in.Duration)
	if err := checkDuration(duration); err != nil {
		return err
	}
	in.Duration = &duration
	return checkSkills(in.Skills)
}

// updateJobTypeIn is Jpm.V2.UpdateJobTypeRequest.
type updateJobTypeIn struct {
	Name                                  *string          `json:"name"`
	BusinessUnitIDs                       *[]int64         `json:"businessUnitIds"`
	Skills                                *[]string        `json:"skills"`
	TagTypeIDs                            *[]int64         `json:"tagTypeIds"`
	Priority                              *string          `json:"priority"`
	Duration                              *int64           `json:"duration"`
	SoldThreshold                         api.Opt[float64] `json:"soldThreshold"`
	Class                                 *string          `json:"class"`
	Summary                               *string          `json:"summary"`
	NoCharge                              *bool            `json:"noCharge"`
	EnforceRecurringServiceEventSelection *bool            `json:"enforceRecurringServiceEventSelection"`
	InvoiceSignaturesRequired             *bool            `json:"invoiceSignaturesRequired"`
	ExternalData                          *extdata.Patch   `json:"externalData"`
}

// updateJobType handles PATCH /job-types/{id}: only the members sent change,
// under the create rules. The document has no active member, so a job type
// cannot be deactivated through the API.
var updateJobType = api.Patch(&JobTypes, nil, func(tx *resource.Tx, jt *JobType, in *updateJobTypeIn) error {
	if in.Name != nil {
		if err := checkJobTypeName(tx, *in.Name, jt.ID); err != nil {
			return err
		}
		jt.Name = strings.TrimSpace(*in.Name)
	}
	if in.BusinessUnitIDs != nil {
		if err := checkBusinessUnits(tx, "businessUnitIds", *in.BusinessUnitIDs); err != nil {
			return err
		}
		jt.BusinessUnitIDs = optional.NonNil(*in.BusinessUnitIDs)
	}
	if in.Skills != nil {
		if err := checkSkills(*in.Skills); err != nil {
			return err
		}
		jt.Skills = optional.NonNil(*in.Skills)
	}
	if in.TagTypeIDs != nil {
		if err := checkTagTypes(tx, "tagTypeIds", *in.TagTypeIDs); err != nil {
			return err
		}
		jt.TagTypeIDs = optional.NonNil(*in.TagTypeIDs)
	}
	if in.Priority != nil {
		var err error
		if jt.Priority, err = validPriority("priority", *in.Priority); err != nil {
			return err
		}
	}
	if in.Duration != nil {
		if err := checkDuration(*in.Duration); err != nil {
			return err
		}
		jt.Duration = *in.Duration
	}
	api.SetOpt(&jt.SoldThreshold, in.SoldThreshold)
	api.SetIf(&jt.Class, in.Class)
	api.SetIf(&jt.Summary, in.Summary)
	api.SetIf(&jt.NoCharge, in.NoCharge)
	api.SetPtr(&jt.EnforceRecurringServiceEventSelection, in.EnforceRecurringServiceEventSelection)
	api.SetIf(&jt.InvoiceSignaturesRequired, in.InvoiceSignaturesRequired)
	jt.ExternalData = in.ExternalData.Apply(jt.ExternalData)
	return nil
}, func(jt *JobType, in *updateJobTypeIn) jobTypeOut { return renderJobTypeFor(jt, in.ExternalData.GUID()) })
