package settings_test

import (
	"math"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/resource/storedjson/storedjsontest"
	"github.com/stsim/stsim/sim/settings"
)

// TestStoredFormIsMarshalStored: technicians, employees, business units and
// user roles with every field set, and with none but their ID, are appended
// exactly as MarshalStored writes them. (TestSeedStoredForms in package sim
// checks every demo record.)
func TestStoredFormIsMarshalStored(t *testing.T) {
	storedjsontest.CheckFilled(t, new(settings.Technician))
	storedjsontest.CheckFilled(t, new(settings.Employee))
	storedjsontest.CheckFilled(t, new(settings.BusinessUnit))
	storedjsontest.CheckFilled(t, new(settings.UserRole))

	meta := resource.Meta{ID: 1}
	storedjsontest.Check(t, &settings.Technician{Meta: meta}, true)
	storedjsontest.Check(t, &settings.Employee{Meta: meta}, true)
	storedjsontest.Check(t, &settings.BusinessUnit{Meta: meta}, true)
	storedjsontest.Check(t, &settings.UserRole{Meta: meta}, true)
	// Empty but present: empty lists and objects, zero elements.
	empty, zero := "", 0.0
	storedjsontest.Check(t, &settings.Technician{Meta: meta, RoleIDs: []int64{}, Home: &settings.Address{Unit: &empty, Latitude: &zero},
		Positions: []string{""}, CustomFields: []settings.CustomField{{}}, Skills: []string{}}, true)
	storedjsontest.Check(t, &settings.Employee{Meta: meta, Positions: []string{}, CustomFields: []settings.CustomField{}}, true)
	storedjsontest.Check(t, &settings.BusinessUnit{Meta: meta, BusinessUnitDetails: settings.BusinessUnitDetails{Address: &settings.BusinessUnitAddress{},
		DefaultTaxRate: &zero}, ExternalData: settings.ExternalData{}, Skills: []string{}}, true)
	// Left to the general encoder: two applications' external data, NaN.
	storedjsontest.Check(t, &settings.BusinessUnit{Meta: meta, ExternalData: settings.ExternalData{"b": {{Key: "k"}}, "a": {{Value: "v"}}}}, false)
	nan := math.NaN()
	storedjsontest.Check(t, &settings.BusinessUnit{Meta: meta, BusinessUnitDetails: settings.BusinessUnitDetails{DefaultTaxRate: &nan}}, false)
	storedjsontest.Check(t, &settings.Technician{Meta: meta, BurdenRate: nan}, false)
}

// FuzzStoredForm holds the appenders to MarshalStored on arbitrary
// strings and numbers in their records' fields.
func FuzzStoredForm(f *testing.F) {
	f.Add("Ada Tech", "ada@example.com", int64(7), 33.45, 1e21, true)
	f.Add("a&b <c>", "\u2028\xff\"\\", int64(-1), -0.0, 1e-7, false)
	f.Fuzz(func(t *testing.T, s1, s2 string, n int64, f1, f2 float64, b bool) {
		meta := resource.Meta{ID: n, Seq: uint64(n), Active: b, CreatedOn: resource.Stamp(time.Unix(n, 0))}
		fields := []settings.CustomField{{TypeID: n, Name: &s1, Value: &s2}}
		storedjsontest.Check(t, &settings.Technician{Meta: meta, Name: s1, UserID: n, BusinessUnitID: &n, RoleIDs: []int64{n}, Email: &s2,
			Home: &settings.Address{Street: s1, City: s2, Zip: &s1, Latitude: &f1, Longitude: &f2}, DailyGoal: f1, LicenseType: s2,
			Positions: []string{s1, s2}, CustomFields: fields, BurdenRate: f2, Bio: &s1, AccountLocked: b, Skills: []string{s2}}, false)
		storedjsontest.Check(t, &settings.Employee{Meta: meta, Name: s2, Role: s1, LoginName: &s1, Positions: []string{s2}, CustomFields: fields}, false)
		storedjsontest.Check(t, &settings.BusinessUnit{Meta: meta, Name: s1, BusinessUnitDetails: settings.BusinessUnitDetails{OfficialName: &s2,
			DefaultTaxRate: &f1, Address: &settings.BusinessUnitAddress{Street: &s1, Country: &s2}, FranchiseID: &s1},
			ExternalData: settings.ExternalData{s2: {{Key: s1, Value: s2}}}, Skills: []string{s1}}, false)
		storedjsontest.Check(t, &settings.UserRole{Meta: meta, Name: s1, EmployeeType: s2}, false)
	})
}

// TestStoredDecodersReadAsGeneric: the technician's, business unit's and
// user role's own decoders read their stored forms (every field set, empty
// lists and objects) themselves, as the generic decoder does, back into the
// same form; forms cut short or with a byte changed, and odd ones, they
// read (if at all) as the generic decoder does too. (TestSeedStoredForms in
// package sim reads every demo record.)
func TestStoredDecodersReadAsGeneric(t *testing.T) {
	tech, unit, role := new(settings.Technician), new(settings.BusinessUnit), new(settings.UserRole)
	storedjsontest.Fill(t, tech)
	storedjsontest.Fill(t, unit)
	storedjsontest.Fill(t, role)
	storedjsontest.CheckReadsStored(t, "filled technician", tech)
	storedjsontest.CheckReadsStored(t, "filled business unit", unit)
	storedjsontest.CheckReadsStored(t, "filled user role", role)
	empty, zero := "", 0.0
	storedjsontest.CheckReadsStored(t, "empty technician", &settings.Technician{RoleIDs: []int64{}, ZoneIDs: []int64{}, Home: &settings.Address{Unit: &empty,
		Latitude: &zero}, Positions: []string{""}, CustomFields: []settings.CustomField{{}}, Skills: []string{}})
	storedjsontest.CheckReadsStored(t, "empty business unit", &settings.BusinessUnit{BusinessUnitDetails: settings.BusinessUnitDetails{
		Address: &settings.BusinessUnitAddress{}, DefaultTaxRate: &zero}, ExternalData: settings.ExternalData{}, Skills: []string{}})
	for _, rec := range []resource.StoredAppender{tech, unit, role} {
		data, err := resource.MarshalStored(rec)
		if err != nil {
			t.Fatal(err)
		}
		checkBothDecoders(t, "damaged", data, true)
	}
	for _, odd := range []string{
		`{"id":1,"id":2}`, `{"name":"a","name":"b"}`, `{"unknown":1}`, `{"home":null}`, `{"address":null}`, `{"skills":null}`,
		`{"skills":["a",1]}`, `{"positions":["\u00e9\ud83d\ude00"]}`, `{"home":{"street":"s","street":"t"}}`, `{"address":{"zip":1}}`,
		`{"customFields":[{"typeId":1,"name":null}]}`, `{"dailyGoal":1e400}`, `{"defaultTaxRate":-0}`, `{"email":"e","phoneNumber":"p"}`,
	} {
		checkBothDecoders(t, odd, []byte(odd), false)
	}
}

func checkBothDecoders(t *testing.T, name string, data []byte, damage bool) {
	t.Helper()
	storedjsontest.CheckDecoder[settings.Technician](t, name, data)
	storedjsontest.CheckDecoder[settings.BusinessUnit](t, name, data)
	storedjsontest.CheckDecoder[settings.UserRole](t, name, data)
	if damage {
		storedjsontest.CheckDecoderOnDamage[settings.Technician](t, name, data)
		storedjsontest.CheckDecoderOnDamage[settings.BusinessUnit](t, name, data)
		storedjsontest.CheckDecoderOnDamage[settings.UserRole](t, name, data)
	}
}

// FuzzStoredDecoders: whatever the technician's, business unit's or user
// role's own decoder reads, the generic decoder reads the same.
func FuzzStoredDecoders(f *testing.F) {
	for _, rec := range []resource.StoredAppender{new(settings.Technician), new(settings.BusinessUnit), new(settings.UserRole)} {
		storedjsontest.Fill(f, rec)
		data, err := resource.MarshalStored(rec)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkBothDecoders(t, "fuzz", data, false)
	})
}
