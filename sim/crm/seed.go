package crm

import (
	"fmt"

	"github.com/stsim/stsim/sim/optional"

	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/resource"
)

// Fixture describes crm.json: the customer and location custom field types
// (in their read schemas: the API cannot create them), literal customers
// (Crm.V2.Customers.CreateCustomerRequest with their locations and
// contacts, plus the stored-only id, active and balance, and a location's
// active), contacts, booking-provider tags, leads (leadKinds, written by
// SeedLeads) and the "customers" generator (see demoGen).
var Fixture = fixture.Module{Name: "crm", Kinds: append([]fixture.Kind{
	{Name: "customerCustomFieldTypes", Schema: "Crm.V2.Customers.CustomFieldTypeResponse", Extra: []string{"active"}, Optional: []string{"*"}, Decode: fixture.DecodeAs[fieldTypeFixture]},
	{Name: "locationCustomFieldTypes", Schema: "Crm.V2.Locations.CustomFieldTypeResponse", Extra: []string{"active"}, Optional: []string{"*"}, Decode: fixture.DecodeAs[fieldTypeFixture]},
	{Name: "customers", Schema: "Crm.V2.Customers.CreateCustomerRequest", Extra: []string{"id", "active", "balance", "locations.active"}, Decode: fixture.DecodeAs[customerFixture]},
	{Name: "contacts", Schema: "Crm.V2.CreateContactRequest", Extra: []string{"id", "active", "isArchived", "contactMethods", "relationships"}, Decode: fixture.DecodeAs[contactFixture]},
	{Name: "bookingProviderTags", Schema: "Crm.V2.CreateBookingProviderTagRequest", Extra: []string{"id", "active"}, Decode: fixture.DecodeAs[tagFixture]},
}, leadKinds...), Generators: []string{"customers"},
	Writes: []any{BookingProviderTag{}, ContactMethod{}, CustomFieldType{}, Note{}, Person{}, Relationship{}}}

type fieldTypeFixture struct {
	fixture.Common
	Name            string   `json:"name"`
	DataType        string   `json:"dataType"`
	DataTypeOptions []string `json:"dataTypeOptions"`
}

type customerFixture struct {
	fixture.Common
	createCustomerIn
	Balance   float64           `json:"balance"`
	Locations []locationFixture `json:"locations"`
}

type locationFixture struct {
	newLocationIn
	Active *bool `json:"active"`
}

// Seed writes the tenant's CRM records from its fixture: the custom field
// types, then the literal and generated customers, all customers first (so
// their IDs are contiguous), then their locations, then customer and
// location contacts.
func Seed(tx *resource.Tx, in fixture.Input) error {
	var ft demoFieldTypes
	for _, kind := range []struct {
		name  string
		store *resource.Kind[CustomFieldType]
		into  map[string]**CustomFieldType
	}{
		{"customerCustomFieldTypes", &customerFieldTypes, map[string]**CustomFieldType{"Gate code": &ft.gateCode, "Preferred contact time": &ft.contactTime}},
		{"locationCustomFieldTypes", &locationFieldTypes, map[string]**CustomFieldType{"Equipment location": &ft.equipment, "Pets on site": &ft.pets}},
	} {
		types, err := fixture.Decode[fieldTypeFixture](in, kind.name)
		if err != nil {
			return err
		}
		for _, t := range types {
			rec := &CustomFieldType{Meta: t.NewMeta(), Name: t.Name, DataType: t.DataType, DataTypeOptions: t.DataTypeOptions}
			if err := resource.Create(tx, kind.store, rec); err != nil {
				return err
			}
			if p, ok := kind.into[t.Name]; ok {
				*p = rec
			}
		}
	}
	literal, err := fixture.Decode[customerFixture](in, "customers")
	if err != nil {
		return err
	}
	custs := make([]*demoCustomer, 0, len(literal))
	for i, c := range literal {
		dc, err := literalCustomer(tx, c)
		if err != nil {
			return in.RecordError("customers", i, err)
		}
		custs = append(custs, dc)
	}
	gen, ok, err := fixture.DecodeGenerator[generateCustomers](in, "customers")
	if err != nil {
		return err
	}
	if ok {
		if gen.Count < 0 || gen.Count > maxGenerated {
			return in.GeneratorError("customers", fmt.Errorf("count must be 0 to %d (the demo phone numbers run out beyond it), not %d", maxGenerated, gen.Count))
		}
		custs = append(custs, gen.run(ft, custs)...)
	}
	if err := seedDemo(tx, custs); err != nil {
		return err
	}
	if err := seedContacts(tx, in); err != nil {
		return err
	}
	return seedBookingProviderTags(tx, in)
}

// literalCustomer turns a fixture customer into the records to write.
func literalCustomer(tx *resource.Tx, c customerFixture) (*demoCustomer, error) {
	fields, err := customFields(tx, "customFields", &customerFieldTypes, c.CustomFields)
	if err != nil {
		return nil, err
	}
	if c.Type == "" {
		c.Type = "Residential"
	}
	dc := &demoCustomer{rec: Customer{
		Meta: c.NewMeta(), Name: c.Name, Type: c.Type, Address: c.Address, CustomFields: fields, Balance: c.Balance,
		TagTypeIDs: optional.NonNil(c.TagTypeIDs), DoNotMail: optional.Value(c.DoNotMail), DoNotService: optional.Value(c.DoNotService),
		CreatedByID: IntegrationUserID, ExternalData: c.ExternalData.Apply(nil),
	}}
	for _, ci := range c.Contacts {
		dc.contacts = append(dc.contacts, ci.record(0))
	}
	for i, l := range c.Locations {
		fields, err := customFields(tx, fmt.Sprintf("locations[%d].customFields", i), &locationFieldTypes, l.CustomFields)
		if err != nil {
			return nil, err
		}
		dl := &demoLocation{rec: Location{
			Meta: resource.Meta{Active: l.Active == nil || *l.Active}, Name: l.Name, Address: l.Address, CustomFields: fields,
			TagTypeIDs: optional.NonNil(l.TagTypeIDs), CreatedByID: IntegrationUserID, ExternalData: l.ExternalData.Apply(nil),
		}}
		for _, ci := range l.Contacts {
			dl.contacts = append(dl.contacts, ci.record(0))
		}
		dc.locations = append(dc.locations, dl)
	}
	return dc, nil
}
