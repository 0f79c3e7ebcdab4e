package crm

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// contactRoutes lists the handlers of customer and location contacts, notes
// (notes.go), tags (tags.go) and the custom field type lists.
func contactRoutes() api.Routes {
	return api.Routes{
		"crm.Customers_GetContactList":          listContacts(customerExists, &CustomerContacts, renderCustomerContact),
		"crm.Customers_CreateContact":           createContact(customerExists, &CustomerContacts, renderCustomerContact),
		"crm.Customers_UpdateContact":           updateContact(customerExists, &CustomerContacts, renderCustomerContact),
		"crm.Customers_DeleteContact":           deleteContact(customerExists, &CustomerContacts),
		"crm.Customers_GetModifiedContactsList": listContactsByOwners(&CustomerContacts, "customerIds", []string{"modifiedBefore", "modifiedOnOrAfter"}, renderCustomerContactWithOwner),
		"crm.Locations_GetContactList":          listContacts(locationExists, &LocationContacts, renderLocationContact),
		"crm.Locations_CreateContact":           createContact(locationExists, &LocationContacts, renderLocationContact),
		"crm.Locations_UpdateContact":           updateContact(locationExists, &LocationContacts, renderLocationContact),
		"crm.Locations_DeleteContact":           deleteContact(locationExists, &LocationContacts),
		"crm.Locations_GetLocationsContactsList": listContactsByOwners(&LocationContacts, "locationIds",
			[]string{"modifiedBefore", "modifiedOnOrAfter", "createdBefore", "createdOnOrAfter"}, renderLocationContactWithOwner),

		"crm.Customers_GetNotes":   listNotes(customerExists, &CustomerNotes),
		"crm.Customers_CreateNote": createCustomerNote,
		"crm.Customers_DeleteNote": deleteNote(customerExists, &CustomerNotes),
		"crm.Locations_GetNotes":   listNotes(locationExists, &LocationNotes),
		"crm.Locations_CreateNote": createLocationNote,
		"crm.Locations_DeleteNote": deleteNote(locationExists, &LocationNotes),

		"crm.Customers_CreateTag": addTag(&Customers, customerTags, renderCustomerTags),
		"crm.Customers_DeleteTag": removeTag(&Customers, customerTags),
		"crm.Locations_CreateTag": addTag(&Locations, locationTags, renderLocationTags),
		"crm.Locations_DeleteTag": removeTag(&Locations, locationTags),
		"crm.BulkTags_AddTags":    bulkTags(true),
		"crm.BulkTags_RemoveTags": bulkTags(false),

		"crm.Customers_GetCustomFieldTypes": listCustomFieldTypes(&CustomerFieldTypes),
		"crm.Locations_GetCustomFieldTypes": listCustomFieldTypes(&LocationFieldTypes),
	}
}

// ownerCheck loads a contact's or note's owner: nil if it exists, else its 404.
type ownerCheck func(tx *resource.Tx, id int64) error

func customerExists(tx *resource.Tx, id int64) error {
	_, err := resource.Get(tx, &Customers, id)
	return err
}

func locationExists(tx *resource.Tx, id int64) error {
	_, err := resource.Get(tx, &Locations, id)
	return err
}

// Query parameters the list operations of this file document.
var (
	pagingParams = []string{"page", "pageSize", "includeTotal"}
	dateParams   = []string{"createdBefore", "createdOnOrAfter", "modifiedBefore", "modifiedOnOrAfter"}
)

// documentedQuery keeps only the named query parameters, so a parameter an
// operation does not document (ids, active, sort, a date filter) is ignored
// as ServiceTitan ignores unknown parameters, instead of filtering.
func documentedQuery(c *gin.Context, names ...[]string) url.Values {
	all := c.Request.URL.Query()
	out := url.Values{}
	for _, group := range names {
		for _, n := range group {
			if v, ok := all[n]; ok {
				out[n] = v
			}
		}
	}
	return out
}

// Wire shapes of contacts read through the contact endpoints. Member order
// follows each schema.

// customerContactOut is Crm.V2.Customers.CustomerContactWithModifiedOnResponse.
type customerContactOut struct {
	ID            int64         `json:"id"`
	Type          string        `json:"type"`
	Value         string        `json:"value"`
	Memo          *string       `json:"memo"`
	ModifiedOn    resource.Time `json:"modifiedOn"`
	PhoneSettings phoneSettings `json:"phoneSettings"`
	CreatedOn     resource.Time `json:"createdOn"`
}

// customerContactWithOwnerOut is
// Crm.V2.Customers.CustomerContactWithModifiedOnAndCustomerIdResponse.
type customerContactWithOwnerOut struct {
	ModifiedOn    resource.Time `json:"modifiedOn"`
	PhoneSettings phoneSettings `json:"phoneSettings"`
	CreatedOn     resource.Time `json:"createdOn"`
	ID            int64         `json:"id"`
	Type          string        `json:"type"`
	Value         string        `json:"value"`
	Memo          *string       `json:"memo"`
	CustomerID    int64         `json:"customerId"`
}

// locationContactOut is Crm.V2.LocationContactResponse.
type locationContactOut struct {
	ID            int64         `json:"id"`
	Type          string        `json:"type"`
	Value         string        `json:"value"`
	Memo          *string       `json:"memo"`
	PhoneSettings phoneSettings `json:"phoneSettings"`
	ModifiedOn    resource.Time `json:"modifiedOn"`
	CreatedOn     resource.Time `json:"createdOn"`
}

// locationContactWithOwnerOut is Crm.V2.LocationsContactResponse.
type locationContactWithOwnerOut struct {
	locationContactOut
	LocationID int64 `json:"locationId"`
}

// phoneSettingsOf fills phoneSettings, which every contact response
// carries: phoneNumber is the contact's value as stored (ServiceTitan
// returns it for email and fax contacts too).
func phoneSettingsOf(c *Contact) phoneSettings {
	return phoneSettings{PhoneNumber: c.Value, DoNotText: c.DoNotText}
}

func renderCustomerContact(c *Contact) customerContactOut {
	return customerContactOut{ID: c.ID, Type: c.Type, Value: c.Value, Memo: c.Memo,
		ModifiedOn: c.ModifiedOn, PhoneSettings: phoneSettingsOf(c), CreatedOn: c.CreatedOn}
}

func renderCustomerContactWithOwner(c *Contact) customerContactWithOwnerOut {
	return customerContactWithOwnerOut{ModifiedOn: c.ModifiedOn, PhoneSettings: phoneSettingsOf(c), CreatedOn: c.CreatedOn,
		ID: c.ID, Type: c.Type, Value: c.Value, Memo: c.Memo, CustomerID: c.OwnerID}
}

func renderLocationContact(c *Contact) locationContactOut {
	return locationContactOut{ID: c.ID, Type: c.Type, Value: c.Value, Memo: c.Memo,
		PhoneSettings: phoneSettingsOf(c), ModifiedOn: c.ModifiedOn, CreatedOn: c.CreatedOn}
}

func renderLocationContactWithOwner(c *Contact) locationContactWithOwnerOut {
	return locationContactWithOwnerOut{locationContactOut: renderLocationContact(c), LocationID: c.OwnerID}
}

// ownedContact loads a live contact of one owner. A contact of another
// customer or location is a 404, as if it did not exist.
func ownedContact(tx *resource.Tx, kind *resource.Kind[Contact], owner, id int64) (*Contact, error) {
	contact, err := resource.Get(tx, kind, id)
	if err != nil {
		return nil, err
	}
	if contact.OwnerID != owner {
		return nil, apierr.NotFound(kind.Label, id)
	}
	return contact, nil
}

// bodyContact validates a contact request body with newContact and names
// the failing member the way request validation does ("value", not
// "body.value").
func bodyContact(in contactIn, owner int64) (*Contact, error) {
	contact, err := newContact("body", in, owner)
	var e *apierr.Error
	if errors.As(err, &e) {
		renamed := map[string][]string{}
		for field, msgs := range e.Errors {
			renamed[strings.TrimPrefix(field, "body.")] = msgs
		}
		e.Errors = renamed
	}
	return contact, err
}

// listContacts handles GET /customers/{id}/contacts and
// /locations/{id}/contacts: the owner's live contacts in ID order, paged.
// The operations document only page, pageSize and includeTotal. An unknown
// owner is a 404.
func listContacts[W any](owner ownerCheck, kind *resource.Kind[Contact], render func(*Contact) W) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		id, err := call.IDParam("id")
		if err != nil {
			call.Fail(c, err)
			return
		}
		q, err := resource.ParseQuery(documentedQuery(c, pagingParams), resource.ListOptions{})
		if err != nil {
			call.Fail(c, err)
			return
		}
		var page resource.Page[*Contact]
		err = call.View(func(tx *resource.Tx) error {
			if err := owner(tx, id); err != nil {
				return err
			}
			page, err = resource.List(tx, kind, q, resource.Select{Index: "owner", Value: idKey(id)}, nil)
			return err
		})
		call.Respond(c, mapPage(page, render), err)
	}
}

// listContactsByOwners handles GET /customers/contacts and
// /locations/contacts: contacts of many owners, each item naming its owner.
// ownersParam (customerIds / locationIds) takes at most 50 IDs; unknown
// owners simply match nothing. ServiceTitan's description of these
// operations says a request must give the owners or one of the date filters
// in required (customers: modifiedBefore/modifiedOnOrAfter; locations: any
// of the four); a request with none of them is a 400 naming ownersParam.
func listContactsByOwners[W any](kind *resource.Kind[Contact], ownersParam string, required []string, render func(*Contact) W) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		query := documentedQuery(c, pagingParams, dateParams)
		q, err := resource.ParseQuery(query, resource.ListOptions{})
		if err != nil {
			call.Fail(c, err)
			return
		}
		owners, msg := resource.ParseIDs(c.Query(ownersParam))
		if msg != "" {
			call.Fail(c, apierr.BadRequest(ownersParam, msg))
			return
		}
		given := owners != nil
		for _, name := range required {
			given = given || query.Get(name) != ""
		}
		if !given {
			call.Fail(c, apierr.BadRequest(ownersParam, "Give "+ownersParam+" or one of "+strings.Join(required, ", ")+"."))
			return
		}
		var page resource.Page[*Contact]
		err = call.View(func(tx *resource.Tx) error {
			sel := resource.Select{}
			if owners != nil {
				sel.IDs = []int64{}
				for _, owner := range owners {
					ids, err := resource.Lookup(tx, kind, "owner", idKey(owner))
					if err != nil {
						return err
					}
					sel.IDs = append(sel.IDs, ids...)
				}
			}
			page, err = resource.List(tx, kind, q, sel, nil)
			return err
		})
		call.Respond(c, mapPage(page, render), err)
	}
}

// createContact handles POST /customers/{id}/contacts and
// /locations/{id}/contacts. The type must be Phone, MobilePhone, Email or
// Fax and the value not blank; the owner must exist (404).
func createContact[W any](owner ownerCheck, kind *resource.Kind[Contact], render func(*Contact) W) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		id, err := call.IDParam("id")
		if err != nil {
			call.Fail(c, err)
			return
		}
		var in contactIn
		if err := api.Bind(c, &in); err != nil {
			call.Fail(c, err)
			return
		}
		if _, err := bodyContact(in, id); err != nil {
			call.Fail(c, err)
			return
		}
		var out W
		err = call.Update(func(tx *resource.Tx) error {
			if err := owner(tx, id); err != nil {
				return err
			}
			contact, err := bodyContact(in, id)
			if err != nil {
				return err
			}
			if err := resource.Create(tx, kind, contact); err != nil {
				return err
			}
			out = render(contact)
			return nil
		})
		call.Respond(c, out, err)
	}
}

// contactPatch is Crm.V2.Customers.UpdateCustomerContactRequest and
// Crm.V2.LocationContactUpdateRequest.
type contactPatch struct {
	Type  *string `json:"type"`
	Value *string `json:"value"`
	Memo  *string `json:"memo"`
}

// updateContact handles PATCH /customers/{id}/contacts/{contactId} and the
// location equivalent: only the members sent change, and the result must
// still be a valid contact. modifiedOn moves; createdOn stays.
func updateContact[W any](owner ownerCheck, kind *resource.Kind[Contact], render func(*Contact) W) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		id, err := call.IDParam("id")
		if err != nil {
			call.Fail(c, err)
			return
		}
		contactID, err := call.IDParam("contactId")
		if err != nil {
			call.Fail(c, err)
			return
		}
		var in contactPatch
		if err := api.Bind(c, &in); err != nil {
			call.Fail(c, err)
			return
		}
		var out W
		err = call.Update(func(tx *resource.Tx) error {
			if err := owner(tx, id); err != nil {
				return err
			}
			contact, err := ownedContact(tx, kind, id, contactID)
			if err != nil {
				return err
			}
			setIf(&contact.Type, in.Type)
			setIf(&contact.Value, in.Value)
			if in.Memo != nil {
				contact.Memo = in.Memo
			}
			if _, err := bodyContact(contactIn{Type: contact.Type, Value: contact.Value, Memo: contact.Memo}, id); err != nil {
				return err
			}
			if err := resource.Save(tx, kind, contact); err != nil {
				return err
			}
			out = render(contact)
			return nil
		})
		call.Respond(c, out, err)
	}
}

// deleteContact handles DELETE /customers/{id}/contacts/{contactId} and the
// location equivalent: 200 with no body. The record is marked deleted, so
// lists and gets lose it while the export feeds report the deletion.
func deleteContact(owner ownerCheck, kind *resource.Kind[Contact]) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		id, err := call.IDParam("id")
		if err != nil {
			call.Fail(c, err)
			return
		}
		contactID, err := call.IDParam("contactId")
		if err != nil {
			call.Fail(c, err)
			return
		}
		err = call.Update(func(tx *resource.Tx) error {
			if err := owner(tx, id); err != nil {
				return err
			}
			contact, err := ownedContact(tx, kind, id, contactID)
			if err != nil {
				return err
			}
			return resource.Delete(tx, kind, contact)
		})
		call.RespondEmpty(c, err)
	}
}

// customFieldTypeOut is Crm.V2.Customers.CustomFieldTypeResponse and
// Crm.V2.Locations.CustomFieldTypeResponse.
type customFieldTypeOut struct {
	ID              int64         `json:"id"`
	Name            string        `json:"name"`
	DataType        string        `json:"dataType"`
	DataTypeOptions []string      `json:"dataTypeOptions"`
	CreatedOn       resource.Time `json:"createdOn"`
	ModifiedOn      resource.Time `json:"modifiedOn"`
}

func renderCustomFieldType(f *CustomFieldType) customFieldTypeOut {
	return customFieldTypeOut{ID: f.ID, Name: f.Name, DataType: f.DataType, DataTypeOptions: nonNil(f.DataTypeOptions),
		CreatedOn: f.CreatedOn, ModifiedOn: f.ModifiedOn}
}

// listCustomFieldTypes handles GET /customers/custom-fields and
// /locations/custom-fields: paged, sortable by Id, ModifiedOn and CreatedOn,
// with the date filters. Unlike most lists these answer page=0 with a 400
// (contract §6, from the T-gotchas live notes).
func listCustomFieldTypes(kind *resource.Kind[CustomFieldType]) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		query := documentedQuery(c, pagingParams, dateParams, []string{"sort"})
		if v := query.Get("page"); v != "" {
			if n, err := strconv.Atoi(v); err == nil && n == 0 {
				call.Fail(c, apierr.BadRequest("page", "page must be 1 or more."))
				return
			}
		}
		q, err := resource.ParseQuery(query, resource.ListOptions{Sorts: resource.StandardSorts})
		if err != nil {
			call.Fail(c, err)
			return
		}
		var page resource.Page[*CustomFieldType]
		err = call.View(func(tx *resource.Tx) error {
			page, err = resource.List(tx, kind, q, resource.Select{}, nil)
			return err
		})
		call.Respond(c, mapPage(page, renderCustomFieldType), err)
	}
}
