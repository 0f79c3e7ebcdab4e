package crm

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/store"
)

// BenchmarkEncodeCustomerPage measures response encoding alone: a page of
// 50 seeded demo customers in their wire shape, through api.Marshal (what
// every response goes through) and, for comparison, encoding/json.
//
//	go test -run x -bench EncodeCustomerPage ./sim/crm/
func BenchmarkEncodeCustomerPage(b *testing.B) {
	st := store.OpenMemory()
	defer st.Close()
	now := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	demo, err := fixture.Load(nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := resource.Update(st, 1, now, func(tx *resource.Tx) error { return Seed(tx, demo.Input("crm", now)) }); err != nil {
		b.Fatal(err)
	}
	var page resource.Page[customerOut]
	err = resource.View(st, 1, now, func(tx *resource.Tx) error {
		p, err := resource.List(tx, &Customers, resource.Query{Page: 1, PageSize: 50, Active: resource.ActiveTrue}, resource.Select{}, nil)
		page = api.MapPage(p, func(c *Customer) customerOut { return renderCustomer(c, "") })
		return err
	})
	if err != nil || len(page.Data) != 50 {
		b.Fatalf("%d customers, %v", len(page.Data), err)
	}
	for _, enc := range []struct {
		name    string
		marshal func(any) ([]byte, error)
	}{{"api.Marshal", api.Marshal}, {"encoding-json", json.Marshal}} {
		b.Run(enc.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				data, err := enc.marshal(page)
				if err != nil {
					b.Fatal(err)
				}
				n = len(data)
			}
			b.SetBytes(int64(n))
		})
	}
}
