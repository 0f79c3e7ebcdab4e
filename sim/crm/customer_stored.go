package crm

import (
	"github.com/stsim/stsim/sim/extdata"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
)

// Customers, their locations and contacts read their own stored form
// (resource.StoredDecoder; stored.go writes it): a list decodes every
// record its kind's cache does not hold (at 100k customers, most of a zip
// page's 25), and go-json-experiment's reflection was most of that cost.
// Anything but the form the store writes (a member this reader does not
// know included) falls back to the generic decoder
// (TestStoredDecodersReadAsGeneric, FuzzStoredDecoders).

// DecodeStored reads the customer's stored form.
func (c *Customer) DecodeStored(r *resource.StoredReader) {
	const first = resource.MetaMembers // Meta's members are numbered below
	r.Object(func(name string) int {
		switch name {
		case "name":
			c.Name = r.String()
			return first
		case "type":
			c.Type = r.String()
			return first + 1
		case "address":
			c.Address.decodeStored(r)
			return first + 2
		case "customFields":
			c.CustomFields = settings.DecodeStoredFields(r)
			return first + 3
		case "balance":
			c.Balance = r.Float()
			return first + 4
		case "tagTypeIds":
			c.TagTypeIDs = r.Ints()
			return first + 5
		case "doNotMail":
			c.DoNotMail = r.Bool()
			return first + 6
		case "doNotService":
			c.DoNotService = r.Bool()
			return first + 7
		case "createdById":
			c.CreatedByID = r.Int()
			return first + 8
		case "mergedToId":
			c.MergedToID = r.IntPtr()
			return first + 9
		case "externalData":
			c.ExternalData = extdata.DecodeStored(r)
			return first + 10
		}
		return c.Meta.DecodeStoredMember(name, r)
	})
}

// decodeStored reads a stored address.
func (a *Address) decodeStored(r *resource.StoredReader) {
	r.Object(func(name string) int {
		switch name {
		case "street":
			a.Street = r.String()
			return 0
		case "unit":
			a.Unit = r.StringPtr()
			return 1
		case "city":
			a.City = r.String()
			return 2
		case "state":
			a.State = r.String()
			return 3
		case "zip":
			a.Zip = r.String()
			return 4
		case "country":
			a.Country = r.String()
			return 5
		case "latitude":
			a.Latitude = r.FloatPtr()
			return 6
		case "longitude":
			a.Longitude = r.FloatPtr()
			return 7
		}
		return -1
	})
}

// DecodeStored reads the contact's stored form (a phone filter reads one
// contact per customer it finds).
func (c *Contact) DecodeStored(r *resource.StoredReader) {
	const first = resource.MetaMembers
	r.Object(func(name string) int {
		switch name {
		case "ownerId":
			c.OwnerID = r.Int()
			return first
		case "type":
			c.Type = r.String()
			return first + 1
		case "value":
			c.Value = r.String()
			return first + 2
		case "memo":
			c.Memo = r.StringPtr()
			return first + 3
		case "doNotText":
			c.DoNotText = r.Bool()
			return first + 4
		}
		return c.Meta.DecodeStoredMember(name, r)
	})
}

// DecodeStored reads the location's stored form.
func (l *Location) DecodeStored(r *resource.StoredReader) {
	const first = resource.MetaMembers
	r.Object(func(name string) int {
		switch name {
		case "customerId":
			l.CustomerID = r.Int()
			return first
		case "name":
			l.Name = r.String()
			return first + 1
		case "address":
			l.Address.decodeStored(r)
			return first + 2
		case "customFields":
			l.CustomFields = settings.DecodeStoredFields(r)
			return first + 3
		case "tagTypeIds":
			l.TagTypeIDs = r.Ints()
			return first + 4
		case "createdById":
			l.CreatedByID = r.Int()
			return first + 5
		case "mergedToId":
			l.MergedToID = r.IntPtr()
			return first + 6
		case "zoneId":
			l.ZoneID = r.IntPtr()
			return first + 7
		case "taxZoneId":
			l.TaxZoneID = r.IntPtr()
			return first + 8
		case "externalData":
			l.ExternalData = extdata.DecodeStored(r)
			return first + 9
		}
		return l.Meta.DecodeStoredMember(name, r)
	})
}
