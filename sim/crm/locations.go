package crm

import (
	"strconv"
	"strings"

	"github.com/stsim/stsim/sim/optional"

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
		CustomFields: optional.NonNil(l.CustomFields), CreatedOn: l.CreatedOn, CreatedByID: l.CreatedByID,
		ModifiedOn: l.ModifiedOn, MergedToID: l.MergedToID, ZoneID: l.ZoneID, TagTypeIDs: optional.NonNil(l.TagTypeIDs),
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
	if err := api.RequireText(field+".name", in.Name); err != nil {
		return nil, nil, err
	}
	fields, err := customFields(tx, field+".customFields", &locationFieldTypes, in.CustomFields)
	if err != nil {
		return nil, nil, err
	}
	loc := &Location{
		Meta: resource.Meta{Active: true}, CustomerID: customerID, Name: in.Name, Address: in.Address,
		CustomFields: fields, TagTypeIDs: optional.NonNil(in.TagTypeIDs), CreatedByID: IntegrationUserID,
		ExternalData: in.ExternalData.Apply(nil),
	}
	if err := resource.Create(tx, &Locations, loc); err != nil {
		return nil, nil, err
	}
	contacts := []*Contact{}
	for i, ci := range in.Contacts {
		contact, err := addContact(tx, &locationContactRecords, field+".contacts["+strconv.Itoa(i)+"]", ci, loc.ID)
		if err != nil {
			return nil, nil, err
		}
		contacts = append(contacts, contact)
	}
	return loc, contacts, nil
}

// customerExists checks the customerId of a location request: no such
// customer is a 400 naming it.
func customerExists(tx *resource.Tx, id int64) error {
	if ok, err := resource.Exists(tx, &Customers, id); err != nil || !ok {
		return firstErr(err, apierr.BadRequest("customerId", "No customer has id "+resource.IDKey(id)+"."))
	}
	return nil
}

type createLocationIn struct {
	newLocationIn
	CustomerID int64 `json:"customerId"`
}

// createLocationHandler handles POST /locations, under an existing customer.
var createLocationHandler = api.Create(nil, func(tx *resource.Tx, in *createLocationIn) (createdLocationOut, error) {
	if err := customerExists(tx, in.CustomerID); err != nil {
		return createdLocationOut{}, err
	}
	loc, contacts, err := createLocation(tx, "body", in.CustomerID, in.newLocationIn)
	if err != nil {
		return createdLocationOut{}, err
	}
	return createdLocationOut{locationOut: renderLocation(loc, in.ExternalData.GUID()), Contacts: contactsOut(contacts)}, nil
})

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// renderLocationFor renders a location with the external data of the
// application the query names.
func renderLocationFor(c *gin.Context, l *Location) locationOut {
	return renderLocation(l, c.Query(guidParam))
}

// getLocation handles GET /locations/{id}.
var getLocation = api.GetByID(&Locations, renderLocationFor)

// listLocations handles GET /locations; customerId, zip and external data
// come from indexes.
var listLocations = api.List(&Locations, api.ListSpec[Location, *Location]{
	Options: resource.ListOptions{DefaultActive: resource.ActiveTrue, Sorts: resource.StandardSorts},
	Filter: func(c *gin.Context, tx *resource.Tx) (resource.Select, func(*Location) bool, error) {
		sel := resource.Select{}
		ext, err := extdata.ParseFilter(c)
		if err != nil {
			return sel, nil, err
		}
		zip := strings.ToLower(c.Query("zip"))
		switch {
		case c.Query("customerId") != "":
			sel = resource.Select{Index: "customer", Value: c.Query("customerId")}
		case zip != "":
			sel = resource.Select{Index: "zip", Value: zip}
		}
		if ext != nil {
			ids, err := extdata.Lookup(tx, &Locations, ext)
			if err != nil {
				return sel, nil, err
			}
			sel.Narrow(ids)
		}
		return sel, api.All(api.Contains(c, "name", func(l *Location) string { return l.Name }),
			func(l *Location) bool { return zip == "" || strings.ToLower(l.Address.Zip) == zip },
			addressFilter(c, func(l *Location) *Address { return &l.Address })), nil
	},
}, renderLocationFor)

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
var updateLocation = api.Patch(&Locations, func(in *updateLocationIn) error { return checkName(in.Name) },
	func(tx *resource.Tx, loc *Location, in *updateLocationIn) error {
		if in.CustomerID != nil && *in.CustomerID != loc.CustomerID {
			if err := customerExists(tx, *in.CustomerID); err != nil {
				return err
			}
			loc.CustomerID = *in.CustomerID
		}
		api.SetIf(&loc.Name, in.Name)
		api.SetIf(&loc.Address, in.Address)
		api.SetIf(&loc.Active, in.Active)
		api.SetIf(&loc.TagTypeIDs, in.TagTypeIDs)
		api.SetPtr(&loc.TaxZoneID, in.TaxZoneID)
		fields, err := patchCustomFields(tx, &locationFieldTypes, loc.CustomFields, in.CustomFields)
		if err != nil {
			return err
		}
		loc.CustomFields = fields
		loc.ExternalData = in.ExternalData.Apply(loc.ExternalData)
		return nil
	}, func(loc *Location, in *updateLocationIn) locationOut {
		return renderLocation(loc, in.ExternalData.GUID())
	})
