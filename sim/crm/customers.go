package crm

import (
	"slices"
	"strconv"
	"strings"

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
		CustomFields: nonNil(c.CustomFields), Balance: c.Balance, TagTypeIDs: nonNil(c.TagTypeIDs),
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

// createCustomer handles POST /customers: the customer, its locations (a
// customer always has at least one, contract §9) and their contacts in one
// transaction. A contact given on a new location is also copied to the
// customer, as ServiceTitan does.
func createCustomer(c *gin.Context, call *api.Call) {
	var in createCustomerIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	if err := requireText("name", in.Name); err != nil {
		call.Fail(c, err)
		return
	}
	if len(in.Locations) == 0 {
		call.Fail(c, apierr.BadRequest("locations", "A customer needs at least one location."))
		return
	}
	if in.Type == "" {
		in.Type = "Residential"
	}
	var out createdCustomerOut
	err := call.Update(func(tx *resource.Tx) error {
		fields, err := customFields(tx, "customFields", &CustomerFieldTypes, in.CustomFields)
		if err != nil {
			return err
		}
		cust := &Customer{
			Meta: resource.Meta{Active: true}, Name: in.Name, Type: in.Type, Address: in.Address,
			CustomFields: fields, TagTypeIDs: nonNil(in.TagTypeIDs), DoNotMail: deref(in.DoNotMail),
			DoNotService: deref(in.DoNotService), CreatedByID: IntegrationUserID, ExternalData: in.ExternalData.Apply(nil),
		}
		if err := resource.Create(tx, &Customers, cust); err != nil {
			return err
		}
		var custContacts []*Contact
		addCustomerContact := func(field string, ci contactIn) error {
			contact, err := newContact(field, ci, cust.ID)
			if err != nil {
				return err
			}
			custContacts = append(custContacts, contact)
			return resource.Create(tx, &CustomerContacts, contact)
		}
		for i, ci := range in.Contacts {
			if err := addCustomerContact("contacts["+strconv.Itoa(i)+"]", ci); err != nil {
				return err
			}
		}
		out = createdCustomerOut{customerOut: renderCustomer(cust, in.ExternalData.GUID()), Locations: []createdLocationOut{}}
		for i, nl := range in.Locations {
			field := "locations[" + strconv.Itoa(i) + "]"
			loc, contacts, err := createLocation(tx, field, cust.ID, nl)
			if err != nil {
				return err
			}
			for j, lc := range nl.Contacts {
				if err := addCustomerContact(field+".contacts["+strconv.Itoa(j)+"]", lc); err != nil {
					return err
				}
			}
			out.Locations = append(out.Locations, createdLocationOut{locationOut: renderLocation(loc, nl.ExternalData.GUID()), Contacts: contactsOut(contacts)})
		}
		out.Contacts = contactsOut(custContacts)
		return nil
	})
	call.Respond(c, out, err)
}

func guidOf(in *extdata.Create) string {
	if in == nil {
		return ""
	}
	return in.ApplicationGUID
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// getCustomer handles GET /customers/{id}.
func getCustomer(c *gin.Context, call *api.Call) {
	id, err := call.IDParam("id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	var out customerOut
	err = call.View(func(tx *resource.Tx) error {
		cust, err := resource.Get(tx, &Customers, id)
		if err == nil {
			out = renderCustomer(cust, c.Query("externalDataApplicationGuid"))
		}
		return err
	})
	call.Respond(c, out, err)
}

// listCustomers handles GET /customers with every filter the document lists.
// phone, zip and external data are answered from indexes; the rest filter
// the candidates.
func listCustomers(c *gin.Context, call *api.Call) {
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
	where := addressFilter(c, func(cu *Customer) *Address { return &cu.Address })
	name := strings.ToLower(c.Query("name"))
	var page resource.Page[*Customer]
	err = call.View(func(tx *resource.Tx) error {
		sel := resource.Select{}
		if zip := c.Query("zip"); zip != "" {
			sel = resource.Select{Index: "zip", Value: strings.ToLower(zip)}
		}
		if phone := c.Query("phone"); phone != "" {
			ids, err := phoneOwners(tx, &CustomerContacts, phone)
			if err != nil {
				return err
			}
			sel.IDs = ids
		}
		if ext != nil {
			ids, err := extdata.Lookup(tx, &Customers, ext)
			if err != nil {
				return err
			}
			sel.IDs = intersectOrSet(sel.IDs, ids)
		}
		page, err = resource.List(tx, &Customers, q, sel, func(cu *Customer) bool {
			return (name == "" || strings.Contains(strings.ToLower(cu.Name), name)) && where(cu)
		})
		return err
	})
	guid := c.Query("externalDataApplicationGuid")
	call.Respond(c, mapPage(page, func(cu *Customer) customerOut { return renderCustomer(cu, guid) }), err)
}

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

// updateCustomer handles PATCH /customers/{id}: only the members sent change.
func updateCustomer(c *gin.Context, call *api.Call) {
	id, err := call.IDParam("id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	var in updateCustomerIn
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
	var out customerOut
	err = call.Update(func(tx *resource.Tx) error {
		cust, err := resource.Get(tx, &Customers, id)
		if err != nil {
			return err
		}
		setIf(&cust.Name, in.Name)
		setIf(&cust.Type, in.Type)
		setIf(&cust.Address, in.Address)
		setIf(&cust.DoNotMail, in.DoNotMail)
		setIf(&cust.DoNotService, in.DoNotService)
		setIf(&cust.Active, in.Active)
		setIf(&cust.TagTypeIDs, in.TagTypeIDs)
		if in.CustomFields != nil {
			fields, err := customFields(tx, "customFields", &CustomerFieldTypes, *in.CustomFields)
			if err != nil {
				return err
			}
			cust.CustomFields = mergeCustomFields(cust.CustomFields, fields)
		}
		cust.ExternalData = in.ExternalData.Apply(cust.ExternalData)
		if err := resource.Save(tx, &Customers, cust); err != nil {
			return err
		}
		guid := ""
		if in.ExternalData != nil {
			guid = in.ExternalData.ApplicationGUID
		}
		out = renderCustomer(cust, guid)
		return nil
	})
	call.Respond(c, out, err)
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// mapPage renders a page of records.
func mapPage[R, W any](p resource.Page[R], render func(R) W) resource.Page[W] {
	out := resource.Page[W]{Page: p.Page, PageSize: p.PageSize, TotalCount: p.TotalCount, HasMore: p.HasMore, Data: make([]W, 0, len(p.Data))}
	for _, r := range p.Data {
		out.Data = append(out.Data, render(r))
	}
	return out
}

// phoneOwners finds the owners of contacts with this number, however formatted.
func phoneOwners(tx *resource.Tx, kind *resource.Kind[Contact], phone string) ([]int64, error) {
	contactIDs, err := resource.Lookup(tx, kind, "phone", NormalizePhone(phone))
	if err != nil {
		return nil, err
	}
	owners := []int64{}
	for _, id := range contactIDs {
		contact, err := resource.Get(tx, kind, id)
		if err != nil {
			continue
		}
		if !slices.Contains(owners, contact.OwnerID) {
			owners = append(owners, contact.OwnerID)
		}
	}
	return owners, nil
}

func intersectOrSet(current, more []int64) []int64 {
	if current == nil {
		return more
	}
	out := []int64{}
	for _, id := range current {
		if slices.Contains(more, id) {
			out = append(out, id)
		}
	}
	return out
}
