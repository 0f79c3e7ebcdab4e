package crm

import (
	"strings"

	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
)

// Request and response shapes shared by customers and locations, named
// after the CRM document's schemas.

// contactIn is Crm.V2.Customers.NewCustomerContact and the contact create
// requests, Crm.V2.BookingContactModel and Crm.V2.ContactCreateRequest.
type contactIn struct {
	Type  string  `json:"type"`
	Value string  `json:"value"`
	Memo  *string `json:"memo"`
}

// check validates a contact request body.
func (in *contactIn) check() error { return checkContact("", in.Type, in.Value) }

// record builds the contact record of an owner.
func (in *contactIn) record(owner int64) *Contact {
	return &Contact{Meta: resource.Meta{Active: true}, OwnerID: owner, Type: in.Type, Value: in.Value, Memo: in.Memo}
}

// contactPatch is Crm.V2.Customers.UpdateCustomerContactRequest,
// Crm.V2.LocationContactUpdateRequest and
// Crm.V2.UpdateBookingContactRequest.
type contactPatch struct {
	Type  *string `json:"type"`
	Value *string `json:"value"`
	Memo  *string `json:"memo"`
}

// apply changes the members sent and checks that the result is still a
// valid contact.
func (in *contactPatch) apply(c *Contact) error {
	api.SetIf(&c.Type, in.Type)
	api.SetIf(&c.Value, in.Value)
	api.SetPtr(&c.Memo, in.Memo)
	return checkContact("", c.Type, c.Value)
}

// contactOut is Crm.V2.Customers.CustomerContact / Locations.LocationContact.
type contactOut struct {
	ID    int64   `json:"id"`
	Type  string  `json:"type"`
	Value string  `json:"value"`
	Memo  *string `json:"memo"`
}

// customFieldIn is Crm.V2.Customers.CustomFieldUpdateModel.
type customFieldIn struct {
	TypeID int64  `json:"typeId"`
	Value  string `json:"value"`
}

func contactsOut(cs []*Contact) []contactOut {
	out := make([]contactOut, 0, len(cs))
	for _, c := range cs {
		out = append(out, contactOut{ID: c.ID, Type: c.Type, Value: c.Value, Memo: c.Memo})
	}
	return out
}

// phoneSettings is Crm.V2.Customers.PhoneSettings.
type phoneSettings struct {
	PhoneNumber string `json:"phoneNumber"`
	DoNotText   bool   `json:"doNotText"`
}

// checkContact checks a contact's type (Phone, MobilePhone, Email or Fax:
// Crm.V2.ContactType, which some create requests type as a plain string)
// and value (not blank). prefix names the contact in a larger body
// ("contacts[0]."), or is "".
func checkContact(prefix, typ, value string) error {
	switch typ {
	case "Phone", "MobilePhone", "Email", "Fax":
	default:
		return apierr.BadRequest(prefix+"type", "type must be Phone, MobilePhone, Email or Fax.")
	}
	if strings.TrimSpace(value) == "" {
		return apierr.BadRequest(prefix+"value", "A contact needs a value.")
	}
	return nil
}

// addContact validates and stores a contact of an owner; field names the
// contact in the body ("contacts[0]").
func addContact(tx *resource.Tx, kind *resource.Kind[Contact], field string, in contactIn, owner int64) (*Contact, error) {
	if err := checkContact(field+".", in.Type, in.Value); err != nil {
		return nil, err
	}
	contact := in.record(owner)
	return contact, resource.Create(tx, kind, contact)
}

// customFields validates custom field values against a kind of custom field
// types and returns them with their names.
func customFields(tx *resource.Tx, field string, types *resource.Kind[CustomFieldType], in []customFieldIn) ([]CustomField, error) {
	out := make([]CustomField, 0, len(in))
	for i, f := range in {
		ft, err := resource.Get(tx, types, f.TypeID)
		if err != nil {
			return nil, apierr.BadRequest(field+"["+resource.IDKey(int64(i))+"].typeId", "No custom field type has id "+resource.IDKey(f.TypeID)+".")
		}
		name, value := ft.Name, f.Value
		out = append(out, CustomField{TypeID: f.TypeID, Name: &name, Value: &value})
	}
	return out, nil
}

// patchCustomFields checks the custom field values an update sent (nil:
// none) and merges them into current.
func patchCustomFields(tx *resource.Tx, types *resource.Kind[CustomFieldType], current []CustomField, in *[]customFieldIn) ([]CustomField, error) {
	if in == nil {
		return current, nil
	}
	fields, err := customFields(tx, "customFields", types, *in)
	if err != nil {
		return nil, err
	}
	return settings.MergeCustomFields(current, fields), nil
}
