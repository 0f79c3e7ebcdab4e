package resource

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
)

// richRecord has a field of every shape the modules' records use.
type richRecord struct {
	Meta
	Name     string            `json:"name"`
	Note     *string           `json:"note"`
	Count    int64             `json:"count"`
	Ref      *int64            `json:"ref"`
	Amount   float64           `json:"amount"`
	Lat      *float64          `json:"lat"`
	Flag     bool              `json:"flag"`
	IDs      []int64           `json:"ids"`
	Parts    []richPart        `json:"parts"`
	Extra    map[string][]part `json:"extra"`
	Nested   richPart          `json:"nested"`
	When     *Time             `json:"when"`
	Untagged string
}

type richPart struct {
	Key   string  `json:"key"`
	Value *string `json:"value"`
	At    Time    `json:"at"`
}

type part struct {
	K string `json:"k"`
	V string `json:"v"`
}

// TestReadOptionsReadAsEncodingJSON: what decode reads from a stored
// record (as encode writes it today, as encoding/json wrote records before
// zero members were left out, with explicit nulls, and with odd text) is
// what encoding/json's behaviour (storedOptions) reads.
func TestReadOptionsReadAsEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	texts := []string{"", "plain", `q"uote \ back`, "<&>", "café ☕ 𝄞", "tab\t\n\u2028", "bad \xff utf-8"}
	text := func() string { return texts[r.IntN(len(texts))] }
	maybe := func() bool { return r.IntN(3) == 0 }
	var docs [][]byte
	for range 500 {
		rec := richRecord{Meta: Meta{ID: r.Int64N(1e12), CreatedOn: Stamp(t0.Add(time.Duration(r.Int64N(1e15)))), Active: r.IntN(2) == 0, Deleted: maybe(), Seq: r.Uint64N(1e9)},
			Name: text(), Count: r.Int64() - r.Int64(), Amount: r.NormFloat64() * 1e6, Flag: r.IntN(2) == 0, Untagged: text(),
			Nested: richPart{Key: text(), At: Stamp(t0)}}
		if maybe() {
			s := text()
			rec.Note, rec.Nested.Value = &s, &s
		}
		if maybe() {
			n, f := r.Int64(), r.Float64()
			rec.Ref, rec.Lat, rec.When = &n, &f, Stamp(t0).Ptr()
		}
		for range r.IntN(3) {
			rec.IDs = append(rec.IDs, r.Int64())
			rec.Parts = append(rec.Parts, richPart{Key: text(), At: Stamp(t0.Add(time.Hour))})
			if rec.Extra == nil {
				rec.Extra = map[string][]part{}
			}
			rec.Extra[text()] = append(rec.Extra[text()], part{K: text(), V: text()})
		}
		if maybe() {
			rec.IDs, rec.Parts = []int64{}, []richPart{}
		}
		stored, err := encode(&rec)
		if err != nil {
			t.Fatal(err)
		}
		old, err := json.Marshal(&rec) // records written before zero members were left out
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, stored, old)
	}
	docs = append(docs,
		[]byte(`{"id":1,"note":null,"ref":null,"ids":null,"parts":null,"extra":null,"when":null,"nested":{"value":null}}`),
		[]byte(`{"id":2,"name":"first","name":"second"}`), // encoding/json keeps the last
		[]byte("{\"id\":3,\"name\":\"bad \xff\xfe\"}"),
		[]byte(`{"id":4,"unknown":{"deep":[1,2,{"x":null}]},"Untagged":"u","createdOn":"2026-03-01T12:00:00.1234567Z"}`),
		[]byte(` { "id" : 5 , "amount" : 1e3 , "ids" : [ ] } `),
	)
	for _, doc := range docs {
		var want, got richRecord
		wantErr := jsonv2.Unmarshal(doc, &want, storedOptions)
		err := decode(doc, "", &got)
		if (err == nil) != (wantErr == nil) || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s:\n read %+v (%v)\n want %+v (%v)", doc, got, err, want, wantErr)
		}
	}
}
