package crm_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/simtest"
)

const guid = "8a3e5f9c-1111-4c2b-9a7e-000000000001"

func newCustomerBody(name, phone string) map[string]any {
	return map[string]any{
		"name": name, "type": "Residential",
		"address":  map[string]any{"street": "100 Main St", "city": "Springfield", "state": "IL", "zip": "62701", "country": "USA"},
		"contacts": []any{map[string]any{"type": "Phone", "value": phone}},
		"locations": []any{map[string]any{
			"name":     name + " home",
			"address":  map[string]any{"street": "100 Main St", "city": "Springfield", "state": "IL", "zip": "62701", "country": "USA"},
			"contacts": []any{map[string]any{"type": "Email", "value": strings.ToLower(strings.Fields(name)[0]) + "@example.com"}},
		}},
		"externalData": map[string]any{"applicationGuid": guid, "externalData": []any{map[string]any{"key": "seCustomerId", "value": "se-" + name}}},
	}
}

type customer struct {
	ID           int64            `json:"id"`
	Name         string           `json:"name"`
	Active       bool             `json:"active"`
	CreatedOn    string           `json:"createdOn"`
	ModifiedOn   string           `json:"modifiedOn"`
	ExternalData []map[string]any `json:"externalData"`
	Locations    []location       `json:"locations"`
	Contacts     []map[string]any `json:"contacts"`
	Address      map[string]any   `json:"address"`
	CustomFields []map[string]any `json:"customFields"`
}

type location struct {
	ID         int64            `json:"id"`
	CustomerID int64            `json:"customerId"`
	Name       string           `json:"name"`
	Contacts   []map[string]any `json:"contacts"`
}

type page[T any] struct {
	Page       int  `json:"page"`
	PageSize   int  `json:"pageSize"`
	HasMore    bool `json:"hasMore"`
	TotalCount *int `json:"totalCount"`
	Data       []T  `json:"data"`
}

func create(t *testing.T, srv *simtest.Server, tok, name, phone string) customer {
	t.Helper()
	var c customer
	srv.Do(t, "POST", simtest.CRM+"/customers", tok, newCustomerBody(name, phone)).OK(t).JSON(t, &c)
	return c
}

func TestCustomerCreateReadUpdate(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		c := create(t, srv, tok, "Dana Whitfield", "(217) 555-0101")
		if c.ID == 0 || !c.Active || len(c.Locations) != 1 || c.Locations[0].CustomerID != c.ID {
			t.Fatalf("created customer: %+v", c)
		}
		// The location's email was copied to the customer's contacts.
		if len(c.Contacts) != 2 || c.Contacts[1]["value"] != "dana@example.com" {
			t.Fatalf("customer contacts: %v", c.Contacts)
		}
		if !strings.HasSuffix(c.CreatedOn, "Z") || len(c.CreatedOn) != len("2026-11-23T15:00:00.0000000Z") {
			t.Fatalf("createdOn %q is not .NET style", c.CreatedOn)
		}
		if len(c.ExternalData) != 1 {
			t.Fatalf("create response externalData: %v", c.ExternalData)
		}

		var got customer
		srv.Do(t, "GET", fmt.Sprintf("%s/customers/%d", simtest.CRM, c.ID), tok, nil).OK(t).JSON(t, &got)
		if got.Name != "Dana Whitfield" || len(got.ExternalData) != 0 {
			t.Fatalf("get: %+v (externalData must be hidden without its GUID)", got)
		}

		srv.Clock.Advance(time.Minute) // within the token's 15 minutes
		var patched customer
		srv.Do(t, "PATCH", fmt.Sprintf("%s/customers/%d", simtest.CRM, c.ID), tok, map[string]any{
			"name":         "Dana W. Whitfield",
			"customFields": []any{map[string]any{"typeId": 2, "value": "4411"}},
			"externalData": map[string]any{"applicationGuid": guid, "patchMode": "Merge", "externalData": []any{map[string]any{"key": "tier", "value": "gold"}}},
		}).OK(t).JSON(t, &patched)
		if patched.Name != "Dana W. Whitfield" || patched.ModifiedOn == c.ModifiedOn || patched.CreatedOn != c.CreatedOn {
			t.Fatalf("patch: %+v", patched)
		}
		if len(patched.ExternalData) != 2 || len(patched.CustomFields) != 1 || patched.CustomFields[0]["name"] != "Gate code" {
			t.Fatalf("patch merged externalData/customFields wrongly: %+v", patched)
		}

		srv.Do(t, "GET", simtest.CRM+"/customers/999999", tok, nil).WantError(t, 404, "")
		srv.Do(t, "PATCH", simtest.CRM+"/customers/999999", tok, map[string]any{"name": "x"}).WantError(t, 404, "")
	})
}

func TestCustomerRules(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	body := newCustomerBody("No Location", "555-0100")
	body["locations"] = []any{}
	srv.Do(t, "POST", simtest.CRM+"/customers", tok, body).WantError(t, 400, "locations")

	body = newCustomerBody("Blank Name", "555-0100")
	body["name"] = "  "
	srv.Do(t, "POST", simtest.CRM+"/customers", tok, body).WantError(t, 400, "name")

	body = newCustomerBody("Bad Field", "555-0100")
	body["customFields"] = []any{map[string]any{"typeId": 424242, "value": "x"}}
	srv.Do(t, "POST", simtest.CRM+"/customers", tok, body).WantError(t, 400, "customFields[0].typeId")

	// A failed create leaves nothing behind.
	var p page[customer]
	srv.Do(t, "GET", simtest.CRM+"/customers?name=Bad%20Field", tok, nil).OK(t).JSON(t, &p)
	if len(p.Data) != 0 {
		t.Fatalf("a rejected create left %d customers", len(p.Data))
	}
}

func TestCustomerListFilters(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		a := create(t, srv, tok, "Avery Stone", "(312) 555-0142")
		b := create(t, srv, tok, "Blake Stone", "312.555.0199")
		dup := create(t, srv, tok, "Avery Stone Jr", "+1 312 555 0142") // same phone as a
		list := func(query string) page[customer] {
			var p page[customer]
			srv.Do(t, "GET", simtest.CRM+"/customers?"+query, tok, nil).OK(t).JSON(t, &p)
			return p
		}
		ids := func(p page[customer]) []int64 {
			var out []int64
			for _, c := range p.Data {
				out = append(out, c.ID)
			}
			return out
		}
		if got := ids(list("phone=3125550142")); fmt.Sprint(got) != fmt.Sprint([]int64{a.ID, dup.ID}) {
			t.Errorf("phone filter ignoring format: %v", got)
		}
		if got := ids(list("name=stone&sort=-Id")); fmt.Sprint(got) != fmt.Sprint([]int64{dup.ID, b.ID, a.ID}) {
			t.Errorf("name contains + sort: %v", got)
		}
		if got := ids(list(url.Values{"externalDataApplicationGuid": {guid}, "externalDataKey": {"seCustomerId"}, "externalDataValues": {"se-Blake Stone,se-nobody"}}.Encode())); fmt.Sprint(got) != fmt.Sprint([]int64{b.ID}) {
			t.Errorf("external data filter: %v", got)
		}
		if p := list(fmt.Sprintf("ids=%d,%d&externalDataApplicationGuid=%s", a.ID, b.ID, guid)); len(p.Data) != 2 || len(p.Data[0].ExternalData) != 1 {
			t.Errorf("ids + guid: %+v", p.Data)
		}
		if p := list("zip=62701&city=springfield&includeTotal=true&pageSize=2"); *p.TotalCount != 3 || len(p.Data) != 2 || !p.HasMore {
			t.Errorf("zip + city paging: total %v, %d items, hasMore %v", p.TotalCount, len(p.Data), p.HasMore)
		}
		srv.Do(t, "GET", simtest.CRM+"/customers?sort=+Name", tok, nil).WantError(t, 400, "sort")
		srv.Do(t, "GET", simtest.CRM+"/customers?externalDataKey=x", tok, nil).WantError(t, 400, "externalDataApplicationGuid")
	})
}

func TestLocationsBelongToOneCustomer(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		a := create(t, srv, tok, "Casey Brook", "555-0111")
		b := create(t, srv, tok, "Drew Brook", "555-0112")
		var loc location
		srv.Do(t, "POST", simtest.CRM+"/locations", tok, map[string]any{
			"customerId": a.ID, "name": "Lake house",
			"address":  map[string]any{"street": "9 Shore Rd", "city": "Lakeview", "state": "IL", "zip": "60601", "country": "USA"},
			"contacts": []any{map[string]any{"type": "MobilePhone", "value": "555-0199"}},
		}).OK(t).JSON(t, &loc)
		if loc.CustomerID != a.ID || len(loc.Contacts) != 1 {
			t.Fatalf("location: %+v", loc)
		}
		srv.Do(t, "POST", simtest.CRM+"/locations", tok, map[string]any{
			"customerId": 987654, "name": "Nowhere",
			"address": map[string]any{"street": "1 A St", "city": "B", "state": "IL", "zip": "60601", "country": "USA"},
		}).WantError(t, 400, "customerId")

		var p page[location]
		srv.Do(t, "GET", fmt.Sprintf("%s/locations?customerId=%d", simtest.CRM, a.ID), tok, nil).OK(t).JSON(t, &p)
		if len(p.Data) != 2 {
			t.Fatalf("customer %d has %d locations, want 2", a.ID, len(p.Data))
		}
		// Moving the location to customer b.
		srv.Do(t, "PATCH", fmt.Sprintf("%s/locations/%d", simtest.CRM, loc.ID), tok, map[string]any{"customerId": b.ID}).OK(t)
		srv.Do(t, "GET", fmt.Sprintf("%s/locations?customerId=%d", simtest.CRM, b.ID), tok, nil).OK(t).JSON(t, &p)
		if len(p.Data) != 2 {
			t.Fatalf("after the move customer %d has %d locations, want 2", b.ID, len(p.Data))
		}
		srv.Do(t, "PATCH", fmt.Sprintf("%s/locations/%d", simtest.CRM, loc.ID), tok, map[string]any{"customerId": 55555}).WantError(t, 400, "customerId")
	})
}

func TestTenantsAreIsolated(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	c := create(t, srv, tok, "Emery Vale", "555-0133")
	// Another tenant with its own connection cannot see tenant 1234567's data
	// even by ID, and its lists are empty.
	other := startOtherTenant(t, srv)
	r := srv.Do(t, "GET", fmt.Sprintf("/crm/v2/tenant/7654321/customers/%d", c.ID), other, nil)
	r.WantError(t, 404, "")
	var p page[customer]
	srv.Do(t, "GET", "/crm/v2/tenant/7654321/customers", other, nil).OK(t).JSON(t, &p)
	if len(p.Data) != 0 {
		t.Fatalf("tenant 7654321 sees %d customers", len(p.Data))
	}
}
