// Package storedjsontest holds record types' hand-written stored forms
// (resource.StoredAppender, package storedjson) to resource.MarshalStored
// in their packages' tests.
package storedjsontest

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/resource"
)

// Check holds rec's AppendStored to resource.MarshalStored: the same bytes,
// or false where MarshalStored fails. writable says rec holds only values
// the appender must write itself (not leave to the general encoder).
func Check(t testing.TB, rec resource.StoredAppender, writable bool) {
	t.Helper()
	got, ok := rec.AppendStored([]byte("prefix"))
	want, err := resource.MarshalStored(rec)
	if err != nil {
		if ok {
			t.Fatalf("%T appended %s where MarshalStored fails: %v", rec, got, err)
		}
		return
	}
	if ok && !bytes.Equal(got, append([]byte("prefix"), want...)) {
		t.Fatalf("%T:\nappended %s\nwant     prefix%s", rec, got, want)
	}
	if !ok && writable {
		t.Fatalf("%T left to the general encoder: %s", rec, want)
	}
}

// CheckFilled sets every exported field of the record rec points to,
// recursively, to a distinct non-zero value (slices get two elements, maps
// one entry) and Checks it: a record so filled shows every member of its
// stored form, so an appender that misses a field (one added to the type
// later) fails.
func CheckFilled(t testing.TB, rec resource.StoredAppender) {
	t.Helper()
	Fill(t, rec)
	Check(t, rec, true)
}

// Fill sets every field of the record rec points to as CheckFilled does
// (for the tests of records' own decoders, resource.StoredDecoder).
func Fill(t testing.TB, rec any) {
	t.Helper()
	n := 0
	fill(t, reflect.ValueOf(rec).Elem(), &n)
}

func fill(t testing.TB, v reflect.Value, n *int) {
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
	case reflect.Int, reflect.Int32, reflect.Int64:
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
		t.Fatalf("a %s field: teach storedjsontest and the appender its stored form", v.Type())
	}
}

// CheckDecoder decodes data with the record type's own decoder
// (resource.StoredDecoder) and the generic one: where the own decoder
// reads data, the generic one must read it too, into the same record. It
// returns the record read and whether the own decoder read it.
func CheckDecoder[T any, P resource.Record[T]](t testing.TB, name string, data []byte) (P, bool) {
	t.Helper()
	own, ok, generic, err := resource.DecodeBoth[T, P](data)
	if !ok {
		return generic, false
	}
	if err != nil {
		t.Fatalf("%s: own %T decoder read %q, the generic one failed: %v", name, own, data, err)
	}
	if !reflect.DeepEqual(own, generic) {
		t.Fatalf("%s: %q\n own     %+v\n generic %+v", name, data, own, generic)
	}
	return own, true
}

// CheckReadsStoredForm holds the own decoder of the record type to
// reading data, a stored form, itself (as the generic decoder reads it),
// back into the same stored form.
func CheckReadsStoredForm[T any, P resource.Record[T]](t testing.TB, name string, data []byte) {
	t.Helper()
	got, ok := CheckDecoder[T, P](t, name, data)
	if !ok {
		t.Fatalf("%s: own decoder did not read %s", name, data)
	}
	if again, err := resource.MarshalStored(got); err != nil || !bytes.Equal(again, data) {
		t.Fatalf("%s: read %+v from %s, which stores as %s (%v)", name, got, data, again, err)
	}
}

// CheckReadsStored is CheckReadsStoredForm on rec's stored form.
func CheckReadsStored[T any, P resource.Record[T]](t testing.TB, name string, rec P) {
	t.Helper()
	data, err := resource.MarshalStored(rec)
	if err != nil {
		t.Fatal(err)
	}
	CheckReadsStoredForm[T, P](t, name, data)
}

// CheckDecoderOnDamage holds the own decoder to the generic one on data
// cut short and with a byte changed at ~40 places.
func CheckDecoderOnDamage[T any, P resource.Record[T]](t testing.TB, name string, data []byte) {
	t.Helper()
	for cut := 0; cut < len(data); cut += 1 + len(data)/40 {
		CheckDecoder[T, P](t, name+" cut", data[:cut])
		changed := bytes.Clone(data)
		changed[cut] ^= 1 << (cut % 7)
		CheckDecoder[T, P](t, name+" changed", changed)
	}
}
