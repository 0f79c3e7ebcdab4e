package crm

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/extdata"
	"github.com/stsim/stsim/sim/resource"
)

// TestCustomerJSONIsEncodingJSON holds customerOut.AppendJSON to
// encoding/json's bytes: every demo customer (with and without an
// application's external data), hand-made edge cases (escapes, HTML
// characters, invalid UTF-8, nil and empty slices, float forms) and random
// customers built from them.
func TestCustomerJSONIsEncodingJSON(t *testing.T) {
	check := func(name string, o customerOut) {
		t.Helper()
		want, wantErr := json.Marshal(o)
		got, err := o.AppendJSON([]byte("prefix"))
		if !bytes.HasPrefix(got, []byte("prefix")) {
			t.Fatalf("%s: AppendJSON dropped what it appended to: %q", name, got)
		}
		got = got[len("prefix"):]
		if !bytes.Equal(got, want) || (err == nil) != (wantErr == nil) {
			t.Fatalf("%s:\n got %s (%v)\nwant %s (%v)", name, got, err, want, wantErr)
		}
	}
	st, now := seededDemo(t)
	n := 0
	err := resource.View(st, 1, now, func(tx *resource.Tx) error {
		all, err := resource.All[Customer, *Customer](tx, &Customers, nil)
		for _, c := range all {
			for _, guid := range []string{"", "{6A2B5C2E-8F1D-4E7A-9C3B-1D2E3F4A5B6C}"} {
				check(c.Name, renderCustomer(c, guid))
				n++
			}
		}
		return err
	})
	if err != nil || n < 100 {
		t.Fatalf("%d demo renders, %v", n, err)
	}

	rv := newRandomValues(1, 2)
	r, text, textPtr, float, floatPtr := rv.Rand, rv.text, rv.textPtr, rv.float, rv.floatPtr
	years := func() time.Duration { return time.Duration(r.Int64N(int64(10 * 365 * 24 * time.Hour))) }
	for i := range 2000 {
		o := customerOut{
			ID: r.Int64() - r.Int64(), Active: r.IntN(2) == 0, Name: text(), Type: text(),
			Address: Address{Street: text(), Unit: textPtr(), City: text(), State: text(), Zip: text(), Country: text(), Latitude: floatPtr(), Longitude: floatPtr()},
			Balance: float(), DoNotMail: r.IntN(2) == 0, DoNotService: r.IntN(2) == 0,
			CreatedOn: resource.Stamp(now.Add(-years())), CreatedByID: r.Int64N(1e12), ModifiedOn: resource.Stamp(now.Add(years())),
		}
		if r.IntN(2) == 0 {
			id := r.Int64()
			o.MergedToID = &id
		}
		switch r.IntN(3) {
		case 1:
			o.CustomFields, o.TagTypeIDs, o.ExternalData = []CustomField{}, []int64{}, []KV{}
		case 2:
			for range r.IntN(4) {
				o.CustomFields = append(o.CustomFields, CustomField{TypeID: r.Int64N(1e9), Name: textPtr(), Value: textPtr()})
				o.TagTypeIDs = append(o.TagTypeIDs, r.Int64())
				o.ExternalData = append(o.ExternalData, extdata.KV{Key: text(), Value: text()})
			}
		}
		check("random customer "+strconv.Itoa(i), o)
	}
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		check("balance not finite", customerOut{Balance: bad})
		check("latitude not finite", customerOut{Address: Address{Latitude: &bad}})
	}
	var _ api.JSONAppender = (*customerOut)(nil)
}
