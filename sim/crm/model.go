// Package crm emulates ServiceTitan's CRM module (crm/v2): customers,
// locations, their contacts, notes and tags, booking-provider tags,
// bookings, and the CRM export feeds. Records are stored through package
// resource; this package holds the domain rules (contract §9) and the wire
// shapes of the CRM OpenAPI document.
package crm

import (
	"strings"

	"github.com/stsim/stsim/sim/extdata"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
)

// IntegrationUserID is the employee that API writes are attributed to
// (createdById). The demo tenant's seed reserves it.
const IntegrationUserID int64 = 1

// Address is a customer's or location's address.
type Address struct {
	Street    string   `json:"street"`
	Unit      *string  `json:"unit"`
	City      string   `json:"city"`
	State     string   `json:"state"`
	Zip       string   `json:"zip"`
	Country   string   `json:"country"`
	Latitude  *float64 `json:"latitude"`
	Longitude *float64 `json:"longitude"`
}

// CustomField is a custom field value on a customer or location: the same
// shape as settings' (and stored by its helpers).
type CustomField = settings.CustomField

// KV and ExternalData are the external-data types every module shares.
type (
	KV           = extdata.KV
	ExternalData = extdata.Data
)

// Customer is a customer record.
type Customer struct {
	resource.Meta
	Name         string        `json:"name"`
	Type         string        `json:"type"`
	Address      Address       `json:"address"`
	CustomFields []CustomField `json:"customFields"`
	Balance      float64       `json:"balance"`
	TagTypeIDs   []int64       `json:"tagTypeIds"`
	DoNotMail    bool          `json:"doNotMail"`
	DoNotService bool          `json:"doNotService"`
	CreatedByID  int64         `json:"createdById"`
	MergedToID   *int64        `json:"mergedToId"`
	ExternalData ExternalData  `json:"externalData"`
}

// Location is a service location; it belongs to exactly one customer.
type Location struct {
	resource.Meta
	CustomerID   int64         `json:"customerId"`
	Name         string        `json:"name"`
	Address      Address       `json:"address"`
	CustomFields []CustomField `json:"customFields"`
	TagTypeIDs   []int64       `json:"tagTypeIds"`
	CreatedByID  int64         `json:"createdById"`
	MergedToID   *int64        `json:"mergedToId"`
	ZoneID       *int64        `json:"zoneId"`
	TaxZoneID    *int64        `json:"taxZoneId"`
	ExternalData ExternalData  `json:"externalData"`
}

// Contact is a phone number, email or fax of a customer or a location.
// Customer and location contacts are separate records even when equal.
type Contact struct {
	resource.Meta
	OwnerID   int64   `json:"ownerId"` // the customer or location
	Type      string  `json:"type"`
	Value     string  `json:"value"`
	Memo      *string `json:"memo"`
	DoNotText bool    `json:"doNotText"`
}

// Kinds of the CRM module.
var (
	Customers = resource.Kind[Customer]{Name: "crm.customers", Label: "Customer", Indexes: []resource.Index[Customer]{
		{Name: "zip", Keys: func(c *Customer) []string { return []string{strings.ToLower(c.Address.Zip)} }},
		{Name: "ext", Keys: func(c *Customer) []string { return c.ExternalData.IndexKeys() }},
	}}
	Locations = resource.Kind[Location]{Name: "crm.locations", Label: "Location", Indexes: []resource.Index[Location]{
		{Name: "customer", Keys: func(l *Location) []string { return []string{resource.IDKey(l.CustomerID)} }},
		{Name: "zip", Keys: func(l *Location) []string { return []string{strings.ToLower(l.Address.Zip)} }},
		{Name: "ext", Keys: func(l *Location) []string { return l.ExternalData.IndexKeys() }},
	}}
	CustomerContacts       = resource.Kind[Contact]{Name: "crm.customer-contacts", Label: "Contact", Indexes: contactIndexes}
	locationContactRecords = resource.Kind[Contact]{Name: "crm.location-contacts", Label: "Contact", Indexes: contactIndexes}
)

var contactIndexes = []resource.Index[Contact]{
	{Name: "owner", Keys: func(c *Contact) []string { return []string{resource.IDKey(c.OwnerID)} }},
	{Name: "phone", Keys: func(c *Contact) []string {
		if c.Type == "Phone" || c.Type == "MobilePhone" {
			return []string{NormalizePhone(c.Value)}
		}
		return nil
	}},
}

// NormalizePhone reduces a phone number to its last ten digits, so
// "(555) 010-4477", "555.010.4477" and "+1 555 010 4477" all match
// (contract §9: phone search ignores formatting).
func NormalizePhone(v string) string {
	d := make([]byte, 0, len(v)) // one allocation (the seed files ~700 phones)
	for i := 0; i < len(v); i++ {
		if c := v[i]; c >= '0' && c <= '9' { // no byte of a multi-byte rune is a digit
			d = append(d, c)
		}
	}
	if len(d) > 10 {
		d = d[len(d)-10:]
	}
	return string(d)
}

// CustomFieldType is a custom field defined for customers or locations.
type CustomFieldType struct {
	resource.Meta
	Name            string   `json:"name"`
	DataType        string   `json:"dataType"`
	DataTypeOptions []string `json:"dataTypeOptions"`
}

// Custom field types of customers and of locations.
var (
	customerFieldTypes = resource.Kind[CustomFieldType]{Name: "crm.customer-custom-fields", Label: "Custom field type"}
	locationFieldTypes = resource.Kind[CustomFieldType]{Name: "crm.location-custom-fields", Label: "Custom field type"}
)

// CustomerByID returns a customer to read, for another module's reference
// check (resource.ErrNotFound when there is none). It may be shared
// (resource.Ref): the caller must not change it.
func CustomerByID(tx *resource.Tx, id int64) (*Customer, error) {
	return resource.Ref(tx, &Customers, id)
}

// LocationByID returns a location to read (resource.ErrNotFound when there
// is none). It may be shared (resource.Ref): the caller must not change it.
func LocationByID(tx *resource.Tx, id int64) (*Location, error) {
	return resource.Ref(tx, &Locations, id)
}
