package crm_test

import (
	"testing"
	"time"

	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/resource/storedjson/storedjsontest"
)

// TestStoredFormIsMarshalStored: records with every field set, and with
// none but their ID, are appended exactly as MarshalStored writes them.
// (TestSeedStoredForms in package sim checks every demo record.)
func TestStoredFormIsMarshalStored(t *testing.T) {
	storedjsontest.CheckFilled(t, new(crm.Contact))
	storedjsontest.CheckFilled(t, new(crm.Location))
	storedjsontest.CheckFilled(t, new(crm.Customer))
	storedjsontest.CheckFilled(t, new(crm.Lead))

	meta := resource.Meta{ID: 1}
	storedjsontest.Check(t, &crm.Contact{Meta: meta}, true)
	storedjsontest.Check(t, &crm.Location{Meta: meta}, true)
	storedjsontest.Check(t, &crm.Customer{Meta: meta}, true)
	storedjsontest.Check(t, &crm.Lead{Meta: meta}, true)
	storedjsontest.Check(t, &crm.Lead{Meta: meta, FollowUpDate: new(resource.Time), TagTypeIDs: []int64{}}, true)
	empty := ""
	storedjsontest.Check(t, &crm.Customer{Meta: meta, Address: crm.Address{Unit: &empty}, CustomFields: []crm.CustomField{}, TagTypeIDs: []int64{},
		ExternalData: crm.ExternalData{}}, true)
	storedjsontest.Check(t, &crm.Location{Meta: meta, CustomFields: []crm.CustomField{{}}, ExternalData: crm.ExternalData{"g": {}}}, true)
	// Left to the general encoder: two applications' external data (it
	// orders them) and a null list.
	storedjsontest.Check(t, &crm.Customer{Meta: meta, ExternalData: crm.ExternalData{"b": {{Key: "k"}}, "a": {{Value: "v"}}}}, false)
	storedjsontest.Check(t, &crm.Location{Meta: meta, ExternalData: crm.ExternalData{"a": nil}}, false)
}

// FuzzStoredForm holds the appenders to MarshalStored on arbitrary
// strings and numbers in their records' fields.
func FuzzStoredForm(f *testing.F) {
	f.Add("Phone", "555-0100", int64(7), 33.45, -112.07, true)
	f.Add("Email", "a&b <c@d.example>", int64(-1), 0.0, 1e21, false)
	f.Add("\u2028", "\xff\x00\"\\", int64(1<<40), 1e-7, -0.0, true)
	f.Fuzz(func(t *testing.T, s1, s2 string, n int64, f1, f2 float64, b bool) {
		meta := resource.Meta{ID: n, Seq: uint64(n), Active: b, CreatedOn: resource.Stamp(time.Unix(n, 0))}
		storedjsontest.Check(t, &crm.Contact{Meta: meta, OwnerID: n, Type: s1, Value: s2, Memo: &s1, DoNotText: b}, false)
		addr := crm.Address{Street: s1, Unit: &s2, City: s2, Zip: s1, Latitude: &f1, Longitude: &f2}
		ext := crm.ExternalData{s1: {{Key: s2, Value: s1}}}
		fields := []crm.CustomField{{TypeID: n, Name: &s1, Value: &s2}}
		storedjsontest.Check(t, &crm.Location{Meta: meta, CustomerID: n, Name: s2, Address: addr, CustomFields: fields, TagTypeIDs: []int64{n},
			ZoneID: &n, ExternalData: ext}, false)
		storedjsontest.Check(t, &crm.Customer{Meta: meta, Name: s1, Type: s2, Address: addr, Balance: f1, CustomFields: fields,
			DoNotService: b, MergedToID: &n, ExternalData: ext}, false)
		followUp := resource.Stamp(time.Unix(n, int64(f2)))
		storedjsontest.Check(t, &crm.Lead{Meta: meta, Status: s1, Priority: s2, CustomerID: &n, FollowUpDate: &followUp, TagTypeIDs: []int64{n},
			Summary: s2, CallReasonID: &n}, false)
	})
}
