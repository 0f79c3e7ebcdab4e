package crm

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/extdata"
	"github.com/stsim/stsim/sim/resource"
)

// locationOut is Crm.V2.Locations.LocationResponse (and the export item).
type locationOut struct {
	ID           int64         `json:"id"`
	CustomerID   int64         `json:"customerId"`
	Active       bool          `json:"active"`
	Name         string        `json:"name"`
	Address      Address       `json:"address"`
	CustomFields []CustomField `json:"customFields"`
	CreatedOn    resource.Time `json:"createdOn"`
	CreatedByID  int64         `json:"createdById"`
	ModifiedOn   resource.Time `json:"modifiedOn"`
	MergedToID   *int64        `json:"mergedToId"`
	ZoneID       *int64        `json:"zoneId"`
	TagTypeIDs   []int64       `json:"tagTypeIds"`
	ExternalData []KV          `json:"externalData"`
	TaxZoneID    *int64        `json:"taxZoneId"`
}

func renderLocation(l *Location, guid string) locationOut {
	return locationOut{
		ID: l.ID, CustomerID: l.CustomerID, Active: l.Active, Name: l.Name, Address: l.Address,
		CustomFields: nonNil(l.CustomFields), CreatedOn: l.CreatedOn, CreatedByID: l.CreatedByID,
		ModifiedOn: l.ModifiedOn, MergedToID: l.MergedToID, ZoneID: l.ZoneID, TagTypeIDs: nonNil(l.TagTypeIDs),
		ExternalData: l.ExternalData.For(guid), TaxZoneID: l.TaxZoneID,
	}
}

// createdLocationOut is Crm.V2.Locations.CreateLocationResponse.
type createdLocationOut struct {
	locationOut
	Contacts []contactOut `json:"contacts"`
}

// newLocationIn is Crm.V2.Customers.NewLocation; CreateLocationRequest adds
// customerId.
type newLocationIn struct {
	Name         string          `json:"name"`
	Address      Address         `json:"address"`
	Contacts     []contactIn     `json:"contacts"`
	CustomFields []customFieldIn `json:"customFields"`
	TagTypeIDs   []int64         `json:"tagTypeIds"`
	ExternalData *extdata.Create `json:"externalData"`
}

// createLocation stores a location of an existing customer with its contacts.
func createLocation(tx *resource.Tx, field string, customerID int64, in newLocationIn) (*Location, []*Contact, error) {
	if err := requireText(field+".name", in.Name); err != nil {
		return nil, nil, err
	}
	fields, err := customFields(tx, field+".customFields", &LocationFieldTypes, in.CustomFields)
	if err != nil {
		return nil, nil, err
	}
	loc := &Location{
		Meta: resource.Meta{Active: true}, CustomerID: customerID, Name: in.Name, Address: in.Address,
		CustomFields: fields, TagTypeIDs: nonNil(in.TagTypeIDs), CreatedByID: IntegrationUserID,
		ExternalData: in.ExternalData.Apply(nil),
	}
	if err := resource.Create(tx, &Locations, loc); err != nil {
		return nil, nil, err
	}
	contacts := []*Contact{}
	for i, ci := range in.Contacts {
		contact, err := newContact(field+".contacts["+strconv.Itoa(i)+"]", ci, loc.ID)
		if err != nil {
			return nil, nil, err
		}
		if err := resource.Create(tx, &LocationContacts, contact); err != nil {
			return nil, nil, err
		}
		contacts = append(contacts, contact)
	}
	return loc, contacts, nil
}

type createLocationIn struct {
	newLocationIn
	CustomerID int64 `json:"customerId"`
}

// createLocationHandler handles POST /locations, under an existing customer.
func createLocationHandler(c *gin.Context, call *api.Call) {
	var in createLocationIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	var out createdLocationOut
	err := call.Update(func(tx *resource.Tx) error {
		if ok, err := resource.Exists(tx, &Customers, in.CustomerID); err != nil || !ok {
			return firstErr(err, apierr.BadRequest("customerId", "No customer has id "+idKey(in.CustomerID)+"."))
		}
		loc, contacts, err := createLocation(tx, "body", in.CustomerID, in.newLocationIn)
		if err != nil {
			return err
		}
		out = createdLocationOut{locationOut: renderLocation(loc, in.ExternalData.GUID()), Contacts: contactsOut(contacts)}
		return nil
	})
	call.Respond(c, out, err)
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// getLocation handles GET /locations/{id}.
func getLocation(c *gin.Context, call *api.Call) {
	id, err := call.IDParam("id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	var out locationOut
	err = call.View(func(tx *resource.Tx) error {
		loc, err := resource.Get(tx, &Locations, id)
		if err == nil {
			out = renderLocation(loc, c.Query("externalDataApplicationGuid"))
		}
		return err
	})
	call.Respond(c, out, err)
}

// listLocations handles GET /locations; customerId, zip and external data
// come from indexes.
func listLocations(c *gin.Context, call *api.Call) {
	q, err := resource.ParseQuery(c.Request.URL.Query(), resource.ListOptions{DefaultActive: resource.ActiveTrue, Sorts: resource.StandardSorts})
	if err != nil {
		call.Fail(c, err)
		return
	}
	ext, err := extdata.ParseFilter(c)
	if err != nil {
		call.Fail(c, err)
		return
	}
	where := addressFilter(c, func(l *Location) *Address { return &l.Address })
	name := strings.ToLower(c.Query("name"))
	var page resource.Page[*Location]
	err = call.View(func(tx *resource.Tx) error {
		sel := resource.Select{}
		switch {
		case c.Query("customerId") != "":
			sel = resource.Select{Index: "customer", Value: c.Query("customerId")}
		case c.Query("zip") != "":
			sel = resource.Select{Index: "zip", Value: strings.ToLower(c.Query("zip"))}
		}
		if ext != nil {
			ids, err := extdata.Lookup(tx, &Locations, ext)
			if err != nil {
				return err
			}
			sel.IDs = ids
		}
		zip := strings.ToLower(c.Query("zip"))
		page, err = resource.List(tx, &Locations, q, sel, func(l *Location) bool {
			return (name == "" || strings.Contains(strings.ToLower(l.Name), name)) &&
				(zip == "" || strings.ToLower(l.Address.Zip) == zip) && where(l)
		})
		return err
	})
	guid := c.Query("externalDataApplicationGuid")
	call.Respond(c, mapPage(page, func(l *Location) locationOut { return renderLocation(l, guid) }), err)
}

type updateLocationIn struct {
	CustomerID   *int64           `json:"customerId"`
	Name         *string          `json:"name"`
	Address      *Address         `json:"address"`
	Active       *bool            `json:"active"`
	TaxZoneID    *int64           `json:"taxZoneId"`
	CustomFields *[]customFieldIn `json:"customFields"`
	TagTypeIDs   *[]int64         `json:"tagTypeIds"`
	ExternalData *extdata.Patch   `json:"externalData"`
}

// updateLocation handles PATCH /locations/{id}. Moving a location to another
// customer needs that customer to exist.
func updateLocation(c *gin.Context, call *api.Call) {
	id, err := call.IDParam("id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	var in updateLocationIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	if in.Name != nil {
		if err := requireText("name", *in.Name); err != nil {
			call.Fail(c, err)
			return
		}
	}
	var out locationOut
	err = call.Update(func(tx *resource.Tx) error {
		loc, err := resource.Get(tx, &Locations, id)
		if err != nil {
			return err
		}
		if in.CustomerID != nil && *in.CustomerID != loc.CustomerID {
			if ok, err := resource.Exists(tx, &Customers, *in.CustomerID); err != nil || !ok {
				return firstErr(err, apierr.BadRequest("customerId", "No customer has id "+idKey(*in.CustomerID)+"."))
			}
			loc.CustomerID = *in.CustomerID
		}
		setIf(&loc.Name, in.Name)
		setIf(&loc.Address, in.Address)
		setIf(&loc.Active, in.Active)
		setIf(&loc.TagTypeIDs, in.TagTypeIDs)
		if in.TaxZoneID != nil {
			loc.TaxZoneID = in.TaxZoneID
		}
		if in.CustomFields != nil {
			fields, err := customFields(tx, "customFields", &LocationFieldTypes, *in.CustomFields)
			if err != nil {
				return err
			}
			loc.CustomFields = mergeCustomFields(loc.CustomFields, fields)
		}
		loc.ExternalData = in.ExternalData.Apply(loc.ExternalData)
		if err := resource.Save(tx, &Locations, loc); err != nil {
			return err
		}
		guid := ""
		if in.ExternalData != nil {
			guid = in.ExternalData.ApplicationGUID
		}
		out = renderLocation(loc, guid)
		return nil
	})
	call.Respond(c, out, err)
}
