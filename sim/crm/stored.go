package crm

import (
	"github.com/stsim/stsim/sim/extdata"
	"github.com/stsim/stsim/sim/resource/storedjson"
	"github.com/stsim/stsim/sim/settings"
)

// Contacts, locations and customers write their own stored form
// (resource.StoredAppender): they are 1,400 of the demo seed's ~2,000
// records, and encoding them through reflection was ~22% of its CPU.
// The bytes are resource.MarshalStored's (TestStoredFormIsMarshalStored,
// FuzzStoredForm).

// AppendStored appends the contact's stored form.
func (c *Contact) AppendStored(b []byte) ([]byte, bool) {
	w := storedjson.Begin(b, &c.Meta)
	w.Int("ownerId", c.OwnerID)
	w.String("type", c.Type)
	w.String("value", c.Value)
	w.StringPtr("memo", c.Memo)
	w.Bool("doNotText", c.DoNotText)
	return w.End()
}

// AppendStored appends the location's stored form.
func (l *Location) AppendStored(b []byte) ([]byte, bool) {
	w := storedjson.Begin(b, &l.Meta)
	w.Int("customerId", l.CustomerID)
	w.String("name", l.Name)
	l.Address.appendStored(&w)
	settings.AppendStoredFields(&w, l.CustomFields)
	w.Ints("tagTypeIds", l.TagTypeIDs)
	w.Int("createdById", l.CreatedByID)
	w.IntPtr("mergedToId", l.MergedToID)
	w.IntPtr("zoneId", l.ZoneID)
	w.IntPtr("taxZoneId", l.TaxZoneID)
	extdata.AppendStored(&w, l.ExternalData)
	return w.End()
}

// AppendStored appends the customer's stored form.
func (c *Customer) AppendStored(b []byte) ([]byte, bool) {
	w := storedjson.Begin(b, &c.Meta)
	w.String("name", c.Name)
	w.String("type", c.Type)
	c.Address.appendStored(&w)
	settings.AppendStoredFields(&w, c.CustomFields)
	w.Float("balance", c.Balance)
	w.Ints("tagTypeIds", c.TagTypeIDs)
	w.Bool("doNotMail", c.DoNotMail)
	w.Bool("doNotService", c.DoNotService)
	w.Int("createdById", c.CreatedByID)
	w.IntPtr("mergedToId", c.MergedToID)
	extdata.AppendStored(&w, c.ExternalData)
	return w.End()
}

// AppendStored appends the lead's stored form (a few demo leads, but the
// encoder of this type was among the costliest go-json-experiment built in
// a fresh process).
func (l *Lead) AppendStored(b []byte) ([]byte, bool) {
	w := storedjson.Begin(b, &l.Meta)
	w.String("status", l.Status)
	w.String("priority", l.Priority)
	w.IntPtr("customerId", l.CustomerID)
	w.IntPtr("locationId", l.LocationID)
	w.IntPtr("businessUnitId", l.BusinessUnitID)
	w.IntPtr("jobTypeId", l.JobTypeID)
	w.Int("campaignId", l.CampaignID)
	w.TimePtr("followUpDate", l.FollowUpDate)
	w.Int("createdById", l.CreatedByID)
	w.Ints("tagTypeIds", l.TagTypeIDs)
	w.IntPtr("dismissingReasonId", l.DismissingReasonID)
	w.String("summary", l.Summary)
	w.IntPtr("callReasonId", l.CallReasonID)
	return w.End()
}

// appendStored writes the address member unless the address is zero.
func (a *Address) appendStored(w *storedjson.Writer) {
	if *a == (Address{}) {
		return
	}
	w.Object("address")
	w.String("street", a.Street)
	w.StringPtr("unit", a.Unit)
	w.String("city", a.City)
	w.String("state", a.State)
	w.String("zip", a.Zip)
	w.String("country", a.Country)
	w.FloatPtr("latitude", a.Latitude)
	w.FloatPtr("longitude", a.Longitude)
	w.Close('}')
}
