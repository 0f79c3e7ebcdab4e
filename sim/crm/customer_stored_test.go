package crm

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/extdata"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/resource/storedjson/storedjsontest"
	"github.com/stsim/stsim/sim/store"
)

// storedDemo returns the bytes the demo seed stored in each of the
// records buckets named, as the store holds them: read with the store's
// own Scan, not decoded and encoded again, so a decoder held to the generic
// one on them meets what it reads in production.
func storedDemo(t testing.TB, buckets ...string) (docs [][]byte) {
	st, _ := seededDemo(t)
	err := st.View(1, func(tx store.Tx) error {
		for _, bucket := range buckets {
			n := len(docs)
			err := tx.Scan(bucket, nil, func(_, value []byte) bool {
				docs = append(docs, value)
				return true
			})
			if err != nil {
				return err
			}
			if len(docs) == n {
				t.Fatalf("no demo records in %s", bucket)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// storedCustomers are the stored forms of varied customers: every demo
// customer's stored bytes and random ones with every member set, unset,
// empty, escaped.
func storedCustomers(t testing.TB) (docs [][]byte) {
	add := func(c *Customer) {
		data, err := resource.MarshalStored(c)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, data)
	}
	docs = storedDemo(t, "r/"+Customers.Name)
	rv := newRandomValues(5, 6)
	stamp := func() resource.Time {
		if rv.IntN(5) == 0 {
			return resource.Time{}
		}
		return resource.Stamp(time.Date(1+rv.IntN(9999), time.January, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rv.Int64N(int64(366 * 24 * time.Hour)))))
	}
	for range 2000 {
		c := &Customer{
			Meta: resource.Meta{ID: rv.Int64() - rv.Int64(), CreatedOn: stamp(), ModifiedOn: stamp(), Active: rv.IntN(2) == 0,
				Deleted: rv.IntN(5) == 0, Seq: rv.Uint64() >> rv.IntN(64)},
			Name: rv.text(), Type: rv.text(),
			Address: Address{Street: rv.text(), Unit: rv.textPtr(), City: rv.text(), State: rv.text(), Zip: rv.text(), Country: rv.text(),
				Latitude: rv.floatPtr(), Longitude: rv.floatPtr()},
			Balance: rv.float(), DoNotMail: rv.IntN(2) == 0, DoNotService: rv.IntN(2) == 0, CreatedByID: rv.Int64N(1e12),
		}
		if rv.IntN(2) == 0 {
			id := rv.Int64() - rv.Int64()
			c.MergedToID = &id
		}
		switch rv.IntN(3) {
		case 1:
			c.CustomFields, c.TagTypeIDs, c.ExternalData = []CustomField{}, []int64{}, ExternalData{}
		case 2:
			for range rv.IntN(4) {
				c.CustomFields = append(c.CustomFields, CustomField{TypeID: rv.Int64N(1e9), Name: rv.textPtr(), Value: rv.textPtr()})
				c.TagTypeIDs = append(c.TagTypeIDs, rv.Int64()-rv.Int64())
				if c.ExternalData == nil {
					c.ExternalData = ExternalData{}
				}
				guid := rv.text()
				c.ExternalData[guid] = append(c.ExternalData[guid], extdata.KV{Key: rv.text(), Value: rv.text()})
			}
		}
		add(c)
	}
	return docs
}

// checkAllStoredDecoders holds the customer's, location's and contact's
// own decoders to the generic one on data.
func checkAllStoredDecoders(t *testing.T, name string, data []byte) {
	t.Helper()
	storedjsontest.CheckDecoder[Customer](t, name, data)
	storedjsontest.CheckDecoder[Location](t, name, data)
	storedjsontest.CheckDecoder[Contact](t, name, data)
}

// TestStoredDecodersReadAsGeneric: the customer's own decoder reads every
// stored customer (demo and random ones) itself, as the generic decoder
// does, back into what was stored, and so do the location's and contact's
// for the demo ones; forms cut short or with a byte changed, and odd
// hand-written ones, they read (if at all) as the generic decoder does
// too. Records with every field set are read by their own decoders: a
// field added to a type later, and not read, would leave every such
// record to the generic decoder.
func TestStoredDecodersReadAsGeneric(t *testing.T) {
	for i, data := range storedCustomers(t) {
		name := "customer " + strconv.Itoa(i)
		storedjsontest.CheckReadsStoredForm[Customer](t, name, data)
		for cut := 0; cut < len(data); cut += 1 + len(data)/40 {
			checkAllStoredDecoders(t, name+" cut", data[:cut])
			changed := bytes.Clone(data)
			changed[cut] ^= 1 << (cut % 7)
			checkAllStoredDecoders(t, name+" changed", changed)
		}
	}
	for i, data := range storedDemo(t, "r/"+Locations.Name) {
		storedjsontest.CheckReadsStoredForm[Location](t, "demo location "+strconv.Itoa(i), data)
	}
	for i, data := range storedDemo(t, "r/"+CustomerContacts.Name, "r/"+locationContactRecords.Name) {
		storedjsontest.CheckReadsStoredForm[Contact](t, "demo contact "+strconv.Itoa(i), data)
	}
	for _, odd := range []string{
		`{"id":1,"id":2}`, `{"name":"a","name":"b"}`, `{"unknown":1}`, `{"id":1.0}`, `{"id":1e3}`, `{"id":01}`, `{"id":-0}`,
		`{"balance":-0}`, `{"balance":1E+2}`, `{"balance":.5}`, `{"balance":1e400}`, `{"seq":-1}`, `{"mergedToId":null}`,
		`{"createdOn":"2026-02-30T00:00:00.0000000Z"}`, `{"createdOn":"2026-02-28T24:00:00.0000000Z"}`, `{"createdOn":"2024-02-29T23:59:59.9999999Z"}`,
		`{"createdOn":"2026-01-01T00:00:00Z"}`, `{"createdOn":null}`, `{ "id":1}`, `{"id":1} `, `{"id":1}{}`,
		`{"name":"\ud83d\ude00 \u00e9 \/ \" \\ \b\f\n\r\t"}`, `{"name":"\ud83d"}`, `{"name":"\ude00x"}`, `{"name":"\ud83d\u0041"}`, `{"name":"\x"}`,
		`{"name":"caf\u00E9"}`, `{"name":"` + "\xff" + `"}`, `{"name":"` + "\x01" + `"}`, `{"memo":"m","value":"v","zoneId":3,"taxZoneId":-4}`,
		`{"externalData":{"g":[{"key":"k","value":"v"}],"g":[]}}`, `{"externalData":{"g":[{"key":"k","key":"v"}]}}`, `{"externalData":{}}`,
		`{"tagTypeIds":[1,-2,9223372036854775807,-9223372036854775808]}`, `{"tagTypeIds":[9223372036854775808]}`, `{"tagTypeIds":[]}`,
		`{"customFields":[{"typeId":1,"name":null}]}`, `{"address":{"unit":"","latitude":0,"longitude":-0.0}}`, `{"doNotMail":true,"doNotService":false}`,
	} {
		checkAllStoredDecoders(t, odd, []byte(odd))
	}
	for _, rec := range []any{new(Customer), new(Location), new(Contact)} {
		storedjsontest.Fill(t, rec)
		switch rec := rec.(type) {
		case *Customer:
			storedjsontest.CheckReadsStored(t, "filled customer", rec)
		case *Location:
			storedjsontest.CheckReadsStored(t, "filled location", rec)
		case *Contact:
			storedjsontest.CheckReadsStored(t, "filled contact", rec)
		}
	}
}

// FuzzStoredDecoders: whatever a customer's, location's or contact's own
// decoder reads, the generic decoder reads the same.
//
//	go test -run '^$' -fuzz FuzzStoredDecoders -fuzztime 10s ./sim/crm/
func FuzzStoredDecoders(f *testing.F) {
	docs := storedCustomers(f)
	for _, data := range docs[:200] {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAllStoredDecoders(t, "fuzz", data)
	})
}
