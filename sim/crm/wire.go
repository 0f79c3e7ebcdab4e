package crm

import (
	"strings"

	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// Request and response shapes shared by customers and locations, named
// after the CRM document's schemas.

// contactIn is Crm.V2.Customers.NewCustomerContact and the contact create
// requests.
type contactIn struct {
	Type  string  `json:"type"`
	Value string  `json:"value"`
	Memo  *string `json:"memo"`
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

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// newContact validates and builds a contact record of an owner.
func newContact(field string, in contactIn, owner int64) (*Contact, error) {
	switch in.Type {
	case "Phone", "MobilePhone", "Email", "Fax":
	default:
		return nil, apierr.BadRequest(field+".type", "type must be Phone, MobilePhone, Email or Fax.")
	}
	if strings.TrimSpace(in.Value) == "" {
		return nil, apierr.BadRequest(field+".value", "A contact needs a value.")
	}
	return &Contact{Meta: resource.Meta{Active: true}, OwnerID: owner, Type: in.Type, Value: in.Value, Memo: in.Memo}, nil
}

// customFields validates custom field values against a kind of custom field
// types and returns them with their names.
func customFields(tx *resource.Tx, field string, types *resource.Kind[CustomFieldType], in []customFieldIn) ([]CustomField, error) {
	out := make([]CustomField, 0, len(in))
	for i, f := range in {
		ft, err := resource.Get(tx, types, f.TypeID)
		if err != nil {
			return nil, apierr.BadRequest(field+"["+idKey(int64(i))+"].typeId", "No custom field type has id "+idKey(f.TypeID)+".")
		}
		name, value := ft.Name, f.Value
		out = append(out, CustomField{TypeID: f.TypeID, Name: &name, Value: &value})
	}
	return out, nil
}

// mergeCustomFields updates the values of the given types and keeps the rest.
func mergeCustomFields(current, updates []CustomField) []CustomField {
	out := append([]CustomField{}, current...)
	for _, u := range updates {
		found := false
		for i := range out {
			if out[i].TypeID == u.TypeID {
				out[i], found = u, true
			}
		}
		if !found {
			out = append(out, u)
		}
	}
	return out
}

func requireText(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return apierr.BadRequest(field, field+" must not be empty.")
	}
	return nil
}
