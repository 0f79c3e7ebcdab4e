package crm

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
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
	st, now := seededDemo(b)
	var page resource.Page[customerOut]
	err := resource.View(st, 1, now, func(tx *resource.Tx) error {
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

// BenchmarkListCustomersHandler runs the list handler alone (no routing,
// authentication or validation) on the demo tenant: a page of 50
// customers read, rendered and encoded, as GET /customers?pageSize=50
// answers it, and page 5 (200 customers skipped first).
//
//	go test -run x -bench ListCustomersHandler ./sim/crm/
func BenchmarkListCustomersHandler(b *testing.B) {
	gin.SetMode(gin.ReleaseMode)
	st, now := seededDemo(b)
	for _, query := range []string{"pageSize=50", "page=5&pageSize=50"} {
		b.Run(query, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				rec := httptest.NewRecorder()
				c, _ := gin.CreateTestContext(rec)
				c.Request = httptest.NewRequest(http.MethodGet, "/customers?"+query, nil)
				listCustomers(c, &api.Call{Store: st, Tenant: 1, Now: now})
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				n = rec.Body.Len()
			}
			b.SetBytes(int64(n))
		})
	}
}

// seededDemo returns a memory store holding the demo CRM data in tenant 1,
// and the time it was seeded at.
func seededDemo(b testing.TB) (store.Store, time.Time) {
	st := store.OpenMemory()
	b.Cleanup(func() { st.Close() })
	now := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	demo, err := fixture.Load(nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := resource.Update(st, 1, now, func(tx *resource.Tx) error { return Seed(tx, demo.Input("crm", now)) }); err != nil {
		b.Fatal(err)
	}
	return st, now
}
