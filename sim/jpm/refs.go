package jpm

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/marketing"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
)

// Checks of the records a request refers to. A reference that does not
// resolve is the request's fault: a 400 naming the member, not a 404.
// The named lookups they use read shared records (resource.Ref): nothing here
// or in their callers changes a record they return.

// refError is api.RefError.
var refError = api.RefError

// checkCustomerLocation: the customer exists and the location is one of
// its locations (contract §9: a location belongs to exactly one customer).
func checkCustomerLocation(tx *resource.Tx, customerID, locationID int64) error {
	if _, err := crm.CustomerByID(tx, customerID); err != nil {
		return refError(err, "customerId", "No customer has id "+resource.IDKey(customerID)+".")
	}
	loc, err := crm.LocationByID(tx, locationID)
	if err != nil {
		return refError(err, "locationId", "No location has id "+resource.IDKey(locationID)+".")
	}
	if loc.CustomerID != customerID {
		return apierr.BadRequest("locationId", "Location "+resource.IDKey(locationID)+" belongs to customer "+resource.IDKey(loc.CustomerID)+", not to customer "+resource.IDKey(customerID)+".")
	}
	return nil
}

func checkBusinessUnit(tx *resource.Tx, field string, id int64) error {
	bu, err := settings.BusinessUnitByID(tx, id)
	if err != nil {
		return refError(err, field, "No business unit has id "+resource.IDKey(id)+".")
	}
	if !bu.Active {
		return apierr.BadRequest(field, "Business unit "+resource.IDKey(id)+" is inactive.")
	}
	return nil
}

func activeJobType(tx *resource.Tx, field string, id int64) (*JobType, error) {
	jt, err := resource.Ref(tx, &JobTypes, id)
	if err != nil {
		return nil, refError(err, field, "No job type has id "+resource.IDKey(id)+".")
	}
	if !jt.Active {
		return nil, apierr.BadRequest(field, "Job type "+resource.IDKey(id)+" ("+jt.Name+") is inactive.")
	}
	return jt, nil
}

// checkMapping: when a job type lists business units, the job's business
// unit must be one of them (the tenant's job-type-to-BU mapping).
func checkMapping(jt *JobType, businessUnitID int64) error {
	if len(jt.BusinessUnitIDs) > 0 && !slices.Contains(jt.BusinessUnitIDs, businessUnitID) {
		return apierr.BadRequest("businessUnitId", "Job type "+resource.IDKey(jt.ID)+" ("+jt.Name+") is not mapped to business unit "+resource.IDKey(businessUnitID)+".")
	}
	return nil
}

func checkCampaign(tx *resource.Tx, id int64) error {
	if _, err := marketing.CampaignByID(tx, id); err != nil {
		return refError(err, "campaignId", "No campaign has id "+resource.IDKey(id)+".")
	}
	return nil
}

func checkTagTypes(tx *resource.Tx, field string, ids []int64) error {
	for i, id := range ids {
		if _, err := settings.TagTypeByID(tx, id); err != nil {
			return refError(err, field+idx(i), "No tag type has id "+resource.IDKey(id)+".")
		}
	}
	return nil
}

func checkBusinessUnits(tx *resource.Tx, field string, ids []int64) error {
	for i, id := range ids {
		if _, err := settings.BusinessUnitByID(tx, id); err != nil {
			return refError(err, field+idx(i), "No business unit has id "+resource.IDKey(id)+".")
		}
	}
	return nil
}

// checkUser: the integration user, an employee or a technician.
func checkUser(tx *resource.Tx, field string, id int64) error {
	if id == integrationUser {
		return nil
	}
	if ok, err := settings.IsUser(tx, id); err != nil || ok {
		return err
	}
	return apierr.BadRequest(field, "No employee or technician has id "+resource.IDKey(id)+".")
}

func checkTechnicians(tx *resource.Tx, field string, ids []int64) error {
	for i, id := range ids {
		if _, err := settings.ActiveTechnician(tx, id); err != nil {
			return apierr.BadRequest(field+idx(i), "No active technician has id "+resource.IDKey(id)+".")
		}
	}
	return nil
}

// customFieldIn is Jpm.V2.CustomFieldModel.
type customFieldIn struct {
	TypeID int64   `json:"typeId"`
	Value  *string `json:"value"`
}

// customFieldValues checks values against custom field types (the job or
// the project ones): the type exists, a Dropdown value is one of its
// options, a Numeric value is a number. A null value leaves the field out.
func customFieldValues(tx *resource.Tx, types *resource.Kind[CustomFieldType], field string, in []customFieldIn) ([]CustomField, error) {
	out := []CustomField{}
	for i, f := range in {
		name := field + idx(i)
		ft, err := resource.Get(tx, types, f.TypeID)
		if err != nil {
			return nil, refError(err, name+".typeId", "No "+strings.ToLower(types.Label)+" has id "+resource.IDKey(f.TypeID)+".")
		}
		if f.Value == nil {
			continue
		}
		v := *f.Value
		switch ft.DataType {
		case "Dropdown":
			if v != "" && !slices.Contains(ft.DataTypeOptions, v) {
				return nil, apierr.BadRequest(name+".value", "'"+v+"' is not an option of "+ft.Name+": "+strings.Join(ft.DataTypeOptions, ", ")+".")
			}
		case "Numeric":
			if _, err := strconv.ParseFloat(v, 64); v != "" && err != nil {
				return nil, apierr.BadRequest(name+".value", ft.Name+" takes a number, not '"+v+"'.")
			}
		}
		out = slices.DeleteFunc(out, func(c CustomField) bool { return c.TypeID == f.TypeID })
		out = append(out, CustomField{TypeID: f.TypeID, Name: ft.Name, Value: v})
	}
	return out, nil
}

// checkWindow checks an appointment's times: start before end, and an
// arrival window, when given, complete, ordered and overlapping the
// appointment. prefix is prepended to member names ("appointments[0].").
func checkWindow(prefix string, start, end time.Time, aws, awe *resource.Time) error {
	switch {
	case start.IsZero():
		return apierr.BadRequest(prefix+"start", "start is required.")
	case end.IsZero():
		return apierr.BadRequest(prefix+"end", "end is required.")
	case !start.Before(end):
		return apierr.BadRequest(prefix+"end", "end must be after start.")
	case aws == nil && awe == nil:
		return nil
	case aws == nil:
		return apierr.BadRequest(prefix+"arrivalWindowStart", "arrivalWindowEnd needs arrivalWindowStart too.")
	case awe == nil:
		return apierr.BadRequest(prefix+"arrivalWindowEnd", "arrivalWindowStart needs arrivalWindowEnd too.")
	case !aws.Before(awe.Time):
		return apierr.BadRequest(prefix+"arrivalWindowEnd", "arrivalWindowEnd must be after arrivalWindowStart.")
	case !aws.Before(end) || !awe.After(start):
		return apierr.BadRequest(prefix+"arrivalWindowStart", "The arrival window must overlap the appointment's start and end.")
	}
	return nil
}
