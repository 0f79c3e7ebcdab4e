package crm_test

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/resource"
)

// fill sets every exported field of v, recursively, to a non-zero value
// (slices get two elements, maps one entry): a record so filled shows
// every member of its stored form, so an appender that misses a field
// (one added to the type later) writes different bytes.
func fill(t *testing.T, v reflect.Value, n *int) {
	t.Helper()
	*n++
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[resource.Time]() {
			v.Set(reflect.ValueOf(resource.Stamp(time.Date(2026, 1, 2, 3, 4, 5, *n*100, time.UTC))))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), n)
			}
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), n)
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d <&> \"é\"", *n))
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Uint64:
		v.SetUint(uint64(*n))
	case reflect.Float64:
		v.SetFloat(float64(*n) + 0.25)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		fill(t, s.Index(0), n)
		fill(t, s.Index(1), n)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		key, val := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(t, key, n)
		fill(t, val, n)
		m.SetMapIndex(key, val)
		v.Set(m)
	default:
		t.Fatalf("fill: a %s field (teach fill and the appenders its stored form)", v.Type())
	}
}

// checkStored holds rec's AppendStored to resource.MarshalStored; writable
// says it must not leave rec to the general encoder.
func checkStored(t *testing.T, rec resource.StoredAppender, writable bool) {
	t.Helper()
	got, ok := rec.AppendStored(nil)
	want, err := resource.MarshalStored(rec)
	if err != nil {
		if ok {
			t.Fatalf("%T appended %s where MarshalStored fails: %v", rec, got, err)
		}
		return
	}
	if ok && !bytes.Equal(got, want) {
		t.Fatalf("%T:\nappended %s\nwant     %s", rec, got, want)
	}
	if !ok && writable {
		t.Fatalf("%T left to the general encoder: %s", rec, want)
	}
}

// TestStoredFormIsMarshalStored: records with every field set, and with
// none but their ID, are appended exactly as MarshalStored writes them.
// (TestSeedStoredForms in package sim checks every demo record.)
func TestStoredFormIsMarshalStored(t *testing.T) {
	n := 0
	full := func(rec any) {
		fill(t, reflect.ValueOf(rec).Elem(), &n)
	}
	c, l, cu := new(crm.Contact), new(crm.Location), new(crm.Customer)
	full(c)
	full(l)
	full(cu)
	checkStored(t, c, true)
	checkStored(t, l, true)
	checkStored(t, cu, true)

	meta := resource.Meta{ID: 1}
	checkStored(t, &crm.Contact{Meta: meta}, true)
	checkStored(t, &crm.Location{Meta: meta}, true)
	checkStored(t, &crm.Customer{Meta: meta}, true)
	empty := ""
	checkStored(t, &crm.Customer{Meta: meta, Address: crm.Address{Unit: &empty}, CustomFields: []crm.CustomField{}, TagTypeIDs: []int64{},
		ExternalData: crm.ExternalData{}}, true)
	checkStored(t, &crm.Location{Meta: meta, CustomFields: []crm.CustomField{{}}, ExternalData: crm.ExternalData{"g": {}}}, true)
	// Left to the general encoder: two applications' external data (it
	// orders them) and a null list.
	checkStored(t, &crm.Customer{Meta: meta, ExternalData: crm.ExternalData{"b": {{Key: "k"}}, "a": {{Value: "v"}}}}, false)
	checkStored(t, &crm.Location{Meta: meta, ExternalData: crm.ExternalData{"a": nil}}, false)
}

// FuzzStoredForm holds the appenders to MarshalStored on arbitrary
// strings and numbers in their records' fields.
func FuzzStoredForm(f *testing.F) {
	f.Add("Phone", "555-0100", int64(7), 33.45, -112.07, true)
	f.Add("Email", "a&b <c@d.example>", int64(-1), 0.0, 1e21, false)
	f.Add("\u2028", "\xff\x00\"\\", int64(1<<40), 1e-7, -0.0, true)
	f.Fuzz(func(t *testing.T, s1, s2 string, n int64, f1, f2 float64, b bool) {
		meta := resource.Meta{ID: n, Seq: uint64(n), Active: b, CreatedOn: resource.Stamp(time.Unix(n, 0))}
		checkStored(t, &crm.Contact{Meta: meta, OwnerID: n, Type: s1, Value: s2, Memo: &s1, DoNotText: b}, false)
		addr := crm.Address{Street: s1, Unit: &s2, City: s2, Zip: s1, Latitude: &f1, Longitude: &f2}
		ext := crm.ExternalData{s1: {{Key: s2, Value: s1}}}
		fields := []crm.CustomField{{TypeID: n, Name: &s1, Value: &s2}}
		checkStored(t, &crm.Location{Meta: meta, CustomerID: n, Name: s2, Address: addr, CustomFields: fields, TagTypeIDs: []int64{n},
			ZoneID: &n, ExternalData: ext}, false)
		checkStored(t, &crm.Customer{Meta: meta, Name: s1, Type: s2, Address: addr, Balance: f1, CustomFields: fields,
			DoNotService: b, MergedToID: &n, ExternalData: ext}, false)
	})
}
