package crm

import (
	"slices"
	"strconv"
	"strings"

	"github.com/stsim/stsim/sim/optional"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/extdata"
	"github.com/stsim/stsim/sim/resource"
)

// customerOut is Crm.V2.Customers.CustomerResponse (and the export item).
type customerOut struct {
	ID           int64         `json:"id"`
	Active       bool          `json:"active"`
	Name         string        `json:"name"`
	Type         string        `json:"type"`
	Address      Address       `json:"address"`
	CustomFields []CustomField `json:"customFields"`
	Balance      float64       `json:"balance"`
	TagTypeIDs   []int64       `json:"tagTypeIds"`
	DoNotMail    bool          `json:"doNotMail"`
	DoNotService bool          `json:"doNotService"`
	CreatedOn    resource.Time `json:"createdOn"`
	CreatedByID  int64         `json:"createdById"`
	ModifiedOn   resource.Time `json:"modifiedOn"`
	MergedToID   *int64        `json:"mergedToId"`
	ExternalData []KV          `json:"externalData"`
}

func renderCustomer(c *Customer, guid string) customerOut {
	return customerOut{
		ID: c.ID, Active: c.Active, Name: c.Name, Type: c.Type, Address: c.Address,
		CustomFields: optional.NonNil(c.CustomFields), Balance: c.Balance, TagTypeIDs: optional.NonNil(c.TagTypeIDs),
		DoNotMail: c.DoNotMail, DoNotService: c.DoNotService, CreatedOn: c.CreatedOn, CreatedByID: c.CreatedByID,
		ModifiedOn: c.ModifiedOn, MergedToID: c.MergedToID, ExternalData: c.ExternalData.For(guid),
	}
}

// createdCustomerOut is Crm.V2.Customers.CreatedCustomerResponse.
type createdCustomerOut struct {
	customerOut
	Locations []createdLocationOut `json:"locations"`
	Contacts  []contactOut         `json:"contacts"`
}

type createCustomerIn struct {
	Name         string          `json:"name"`
	Type         string          `json:"type"`
	DoNotMail    *bool           `json:"doNotMail"`
	DoNotService *bool           `json:"doNotService"`
	Locations    []newLocationIn `json:"locations"`
	Address      Address         `json:"address"`
	Contacts     []contactIn     `json:"contacts"`
	CustomFields []customFieldIn `json:"customFields"`
	TagTypeIDs   []int64         `json:"tagTypeIds"`
	ExternalData *extdata.Create `json:"externalData"`
}

// createCustomer handles POST /customers (newCustomer).
var createCustomer = api.Create((*createCustomerIn).check, newCustomer)

// newCustomer stores a checked new customer, its locations (a customer
// always has at least one, contract §9) and their contacts in tx. A
// contact given on a new location is also copied to the customer, as
// ServiceTitan does.
func newCustomer(tx *resource.Tx, in *createCustomerIn) (createdCustomerOut, error) {
	fields, err := customFields(tx, "customFields", &customerFieldTypes, in.CustomFields)
	if err != nil {
		return createdCustomerOut{}, err
	}
	cust := &Customer{
		Meta: resource.Meta{Active: true}, Name: in.Name, Type: in.Type, Address: in.Address,
		CustomFields: fields, TagTypeIDs: optional.NonNil(in.TagTypeIDs), DoNotMail: optional.Value(in.DoNotMail),
		DoNotService: optional.Value(in.DoNotService), CreatedByID: IntegrationUserID, ExternalData: in.ExternalData.Apply(nil),
	}
	if err := resource.Create(tx, &Customers, cust); err != nil {
		return createdCustomerOut{}, err
	}
	var custContacts []*Contact
	addCustomerContact := func(field string, ci contactIn) error {
		contact, err := addContact(tx, &CustomerContacts, field, ci, cust.ID)
		if err != nil {
			return err
		}
		custContacts = append(custContacts, contact)
		return nil
	}
	for i, ci := range in.Contacts {
		if err := addCustomerContact("contacts["+strconv.Itoa(i)+"]", ci); err != nil {
			return createdCustomerOut{}, err
		}
	}
	out := createdCustomerOut{customerOut: renderCustomer(cust, in.ExternalData.GUID()), Locations: []createdLocationOut{}}
	for i, nl := range in.Locations {
		field := "locations[" + strconv.Itoa(i) + "]"
		loc, contacts, err := createLocation(tx, field, cust.ID, nl)
		if err != nil {
			return createdCustomerOut{}, err
		}
		for j, lc := range nl.Contacts {
			if err := addCustomerContact(field+".contacts["+strconv.Itoa(j)+"]", lc); err != nil {
				return createdCustomerOut{}, err
			}
		}
		out.Locations = append(out.Locations, createdLocationOut{locationOut: renderLocation(loc, nl.ExternalData.GUID()), Contacts: contactsOut(contacts)})
	}
	out.Contacts = contactsOut(custContacts)
	return out, nil
}

// check validates a new customer (a name and at least one location) and
// defaults its type to Residential.
func (in *createCustomerIn) check() error {
	if err := api.RequireText("name", in.Name); err != nil {
		return err
	}
	if len(in.Locations) == 0 {
		return apierr.BadRequest("locations", "A customer needs at least one location.")
	}
	if in.Type == "" {
		in.Type = "Residential"
	}
	return nil
}

// guidParam names the application whose external data a response shows.
const guidParam = "externalDataApplicationGuid"

// renderCustomerFor renders a customer with the external data of the
// application the query names.
func renderCustomerFor(c *gin.Context, cu *Customer) customerOut {
	return renderCustomer(cu, c.Query(guidParam))
}

// getCustomer handles GET /customers/{id}.
var getCustomer = api.GetByID(&Customers, renderCustomerFor)

// listCustomers handles GET /customers with every filter the document lists.
// phone, zip and external data are answered from indexes; the rest filter
// the candidates.
var listCustomers = api.List(&Customers, api.ListSpec[Customer, *Customer]{
	Options: resource.ListOptions{DefaultActive: resource.ActiveTrue, Sorts: resource.StandardSorts},
	Filter: func(c *gin.Context, tx *resource.Tx) (resource.Select, func(*Customer) bool, error) {
		sel := resource.Select{}
		ext, err := extdata.ParseFilter(c)
		if err != nil {
			return sel, nil, err
		}
		if zip := c.Query("zip"); zip != "" {
			sel = resource.Select{Index: "zip", Value: strings.ToLower(zip)}
		}
		if phone := c.Query("phone"); phone != "" {
			ids, err := phoneOwners(tx, &CustomerContacts, phone)
			if err != nil {
				return sel, nil, err
			}
			sel.Narrow(ids)
		}
		if ext != nil {
			ids, err := extdata.Lookup(tx, &Customers, ext)
			if err != nil {
				return sel, nil, err
			}
			sel.Narrow(ids)
		}
		return sel, api.All(api.Contains(c, "name", func(cu *Customer) string { return cu.Name }),
			addressFilter(c, func(cu *Customer) *Address { return &cu.Address })), nil
	},
}, renderCustomerFor)

type updateCustomerIn struct {
	Name         *string          `json:"name"`
	Type         *string          `json:"type"`
	Address      *Address         `json:"address"`
	CustomFields *[]customFieldIn `json:"customFields"`
	ExternalData *extdata.Patch   `json:"externalData"`
	DoNotMail    *bool            `json:"doNotMail"`
	DoNotService *bool            `json:"doNotService"`
	Active       *bool            `json:"active"`
	TagTypeIDs   *[]int64         `json:"tagTypeIds"`
}

// checkName: a name, when sent, must not be blank.
func checkName(name *string) error {
	if name == nil {
		return nil
	}
	return api.RequireText("name", *name)
}

// updateCustomer handles PATCH /customers/{id}: only the members sent change.
var updateCustomer = api.Patch(&Customers, func(in *updateCustomerIn) error { return checkName(in.Name) },
	func(tx *resource.Tx, cust *Customer, in *updateCustomerIn) error {
		api.SetIf(&cust.Name, in.Name)
		api.SetIf(&cust.Type, in.Type)
		api.SetIf(&cust.Address, in.Address)
		api.SetIf(&cust.DoNotMail, in.DoNotMail)
		api.SetIf(&cust.DoNotService, in.DoNotService)
		api.SetIf(&cust.Active, in.Active)
		api.SetIf(&cust.TagTypeIDs, in.TagTypeIDs)
		fields, err := patchCustomFields(tx, &customerFieldTypes, cust.CustomFields, in.CustomFields)
		if err != nil {
			return err
		}
		cust.CustomFields = fields
		cust.ExternalData = in.ExternalData.Apply(cust.ExternalData)
		return nil
	}, func(cust *Customer, in *updateCustomerIn) customerOut {
		return renderCustomer(cust, in.ExternalData.GUID())
	})

// phoneOwners finds the owners of contacts with this number, however formatted.
func phoneOwners(tx *resource.Tx, kind *resource.Kind[Contact], phone string) ([]int64, error) {
	contacts, err := resource.LookupRecords(tx, kind, "phone", NormalizePhone(phone))
	if err != nil {
		return nil, err
	}
	owners := []int64{}
	for _, contact := range contacts {
		if !slices.Contains(owners, contact.OwnerID) {
			owners = append(owners, contact.OwnerID)
		}
	}
	return owners, nil
}
