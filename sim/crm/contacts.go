package crm

import (
	"slices"
	"strings"

	"github.com/stsim/stsim/sim/optional"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// contactRoutes lists the handlers of customer and location contacts, notes
// (notes.go), tags (tags.go) and the custom field type lists.
func contactRoutes() api.Routes {
	return api.Routes{
		"crm.Customers_GetContactList":          api.ListChildren(customerContacts, api.PagingParams, renderCustomerContact),
		"crm.Customers_CreateContact":           createContact(customerContacts, renderCustomerContact),
		"crm.Customers_UpdateContact":           api.UpdateChild(customerContacts, "contactId", updateContact[*Customer], renderCustomerContact),
		"crm.Customers_DeleteContact":           api.DeleteChild(customerContacts, "contactId", nil),
		"crm.Customers_GetModifiedContactsList": listContactsByOwners(&CustomerContacts, "customerIds", []string{"modifiedBefore", "modifiedOnOrAfter"}, renderCustomerContactWithOwner),
		"crm.Locations_GetContactList":          api.ListChildren(locationContacts, api.PagingParams, renderLocationContact),
		"crm.Locations_CreateContact":           createContact(locationContacts, renderLocationContact),
		"crm.Locations_UpdateContact":           api.UpdateChild(locationContacts, "contactId", updateContact[*Location], renderLocationContact),
		"crm.Locations_DeleteContact":           api.DeleteChild(locationContacts, "contactId", nil),
		"crm.Locations_GetLocationsContactsList": listContactsByOwners(&locationContactRecords, "locationIds",
			[]string{"modifiedBefore", "modifiedOnOrAfter", "createdBefore", "createdOnOrAfter"}, renderLocationContactWithOwner),

		"crm.Customers_GetNotes":   api.ListChildren(customerNotes, noteParams, renderNote),
		"crm.Customers_CreateNote": createCustomerNote,
		"crm.Customers_DeleteNote": api.DeleteChild(customerNotes, "noteId", nil),
		"crm.Locations_GetNotes":   api.ListChildren(locationNotes, noteParams, renderNote),
		"crm.Locations_CreateNote": createLocationNote,
		"crm.Locations_DeleteNote": api.DeleteChild(locationNotes, "noteId", nil),

		"crm.Customers_CreateTag": addTag(&Customers, customerTags, renderCustomerTags),
		"crm.Customers_DeleteTag": removeTag(&Customers, customerTags),
		"crm.Locations_CreateTag": addTag(&Locations, locationTags, renderLocationTags),
		"crm.Locations_DeleteTag": removeTag(&Locations, locationTags),
		"crm.BulkTags_AddTags":    bulkTags(true),
		"crm.BulkTags_RemoveTags": bulkTags(false),

		"crm.Customers_GetCustomFieldTypes": listCustomFieldTypes(&customerFieldTypes),
		"crm.Locations_GetCustomFieldTypes": listCustomFieldTypes(&locationFieldTypes),
	}
}

// Contacts and notes of customers and of locations, served under their
// owner's path: an unknown owner is a 404, and so is a contact or note of
// another owner.
var (
	customerContacts = api.ChildrenOf(api.OwnerKind(&Customers), &CustomerContacts, "owner")
	locationContacts = api.ChildrenOf(api.OwnerKind(&Locations), &locationContactRecords, "owner")
	customerNotes    = api.ChildrenOf(api.OwnerKind(&Customers), &customerNoteRecords, "owner")
	locationNotes    = api.ChildrenOf(api.OwnerKind(&Locations), &locationNoteRecords, "owner")
)

// noteParams are the query parameters the note lists document; the contact
// lists take paging only.
var noteParams = slices.Concat(api.PagingParams, api.DateParams)

// The contact lists (GET /customers/{id}/contacts and
// /locations/{id}/contacts) give the owner's live contacts in ID order,
// paged. Deleting a contact (DELETE …/contacts/{contactId}, 200 with no
// body) marks it deleted: lists and gets lose it, the export feeds report
// the deletion.

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

// listContactsByOwners handles GET /customers/contacts and
// /locations/contacts: contacts of many owners, each item naming its owner.
// ownersParam (customerIds / locationIds) takes at most 50 IDs; unknown
// owners simply match nothing. ServiceTitan's description of these
// operations says a request must give the owners or one of the date filters
// in required (customers: modifiedBefore/modifiedOnOrAfter; locations: any
// of the four); a request with none of them is a 400 naming ownersParam.
func listContactsByOwners[W any](kind *resource.Kind[Contact], ownersParam string, required []string, render func(*Contact) W) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		query := api.DocumentedQuery(c, api.PagingParams, api.DateParams)
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
					ids, err := resource.Lookup(tx, kind, "owner", resource.IDKey(owner))
					if err != nil {
						return err
					}
					sel.IDs = append(sel.IDs, ids...)
				}
			}
			page, err = resource.List(tx, kind, q, sel, nil)
			return err
		})
		call.Respond(c, api.MapPage(page, render), err)
	}
}

// createContact handles POST /customers/{id}/contacts and
// /locations/{id}/contacts. The type must be Phone, MobilePhone, Email or
// Fax and the value not blank; the owner must exist (404).
func createContact[O, W any](owners api.Children[O, Contact, *Contact], render func(*Contact) W) api.Handler {
	return api.CreateChild(owners, (*contactIn).check, func(tx *resource.Tx, _ O, id int64, in *contactIn) (*Contact, error) {
		contact := in.record(id)
		return contact, resource.Create(tx, owners.Kind, contact)
	}, render)
}

// updateContact serves PATCH /customers/{id}/contacts/{contactId} and the
// location equivalent: only the members sent change, and the result must
// still be a valid contact. modifiedOn moves; createdOn stays.
func updateContact[O any](_ *resource.Tx, _ O, contact *Contact, in *contactPatch) error {
	return in.apply(contact)
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
	return customFieldTypeOut{ID: f.ID, Name: f.Name, DataType: f.DataType, DataTypeOptions: optional.NonNil(f.DataTypeOptions),
		CreatedOn: f.CreatedOn, ModifiedOn: f.ModifiedOn}
}

// listCustomFieldTypes handles GET /customers/custom-fields and
// /locations/custom-fields: paged, sortable by Id, ModifiedOn and CreatedOn,
// with the date filters. Unlike most lists these answer page=0 with a 400
// (contract §6, from the T-gotchas live notes).
func listCustomFieldTypes(kind *resource.Kind[CustomFieldType]) api.Handler {
	return api.NoPageZero(func(c *gin.Context, call *api.Call) {
		query := api.DocumentedQuery(c, api.PagingParams, api.DateParams, []string{"sort"})
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
		call.Respond(c, api.MapPage(page, renderCustomFieldType), err)
	})
}
