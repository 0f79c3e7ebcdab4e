package crm_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/simtest"
)

// contactRow decodes every contact response shape of the contact endpoints.
type contactRow struct {
	ID            int64   `json:"id"`
	Type          string  `json:"type"`
	Value         string  `json:"value"`
	Memo          *string `json:"memo"`
	CreatedOn     string  `json:"createdOn"`
	ModifiedOn    string  `json:"modifiedOn"`
	CustomerID    int64   `json:"customerId"`
	LocationID    int64   `json:"locationId"`
	PhoneSettings struct {
		PhoneNumber string `json:"phoneNumber"`
		DoNotText   bool   `json:"doNotText"`
	} `json:"phoneSettings"`
}

// crmAt formats a path under the demo tenant's CRM base.
func crmAt(format string, args ...any) string { return simtest.CRM + fmt.Sprintf(format, args...) }

func contactRows(t *testing.T, srv *simtest.Server, tok, path string) page[contactRow] {
	t.Helper()
	var p page[contactRow]
	srv.Do(t, "GET", path, tok, nil).OK(t).JSON(t, &p)
	return p
}

func contactIDs(p page[contactRow]) []int64 {
	out := []int64{}
	for _, c := range p.Data {
		out = append(out, c.ID)
	}
	return out
}

// wantEmpty fails unless r is a 200 with no body.
func wantEmpty(t *testing.T, r *simtest.Response) {
	t.Helper()
	r.OK(t)
	if len(r.Body) != 0 {
		t.Fatalf("want an empty body, got %s", r.Body)
	}
}

func TestCustomerContacts(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		c := create(t, srv, tok, "Harper Quinn", "(217) 555-0170")
		other := create(t, srv, tok, "Indigo Ray", "217-555-0171")
		list := crmAt("/customers/%d/contacts", c.ID)

		p := contactRows(t, srv, tok, list)
		if len(p.Data) != 2 || p.Data[0].Type != "Phone" || p.Data[1].Value != "harper@example.com" {
			t.Fatalf("contacts of a new customer: %+v", p.Data)
		}
		if ps := p.Data[0].PhoneSettings; ps.PhoneNumber != "(217) 555-0170" || ps.DoNotText {
			t.Errorf("phoneSettings: %+v", ps)
		}
		if p.Data[1].PhoneSettings.PhoneNumber != "harper@example.com" || p.Data[0].CreatedOn == "" {
			t.Errorf("email contact: %+v", p.Data[1])
		}

		var made contactRow
		srv.Do(t, "POST", list, tok, map[string]any{"type": "MobilePhone", "value": "217 555 0199", "memo": "after 5pm"}).OK(t).JSON(t, &made)
		if made.ID == 0 || made.Type != "MobilePhone" || made.Memo == nil || *made.Memo != "after 5pm" || made.CreatedOn != made.ModifiedOn {
			t.Fatalf("created contact: %+v", made)
		}
		// The new number is found by the customers phone filter.
		var found page[customer]
		srv.Do(t, "GET", simtest.CRM+"/customers?phone=2175550199", tok, nil).OK(t).JSON(t, &found)
		if len(found.Data) != 1 || found.Data[0].ID != c.ID {
			t.Fatalf("phone filter after adding a contact: %+v", found.Data)
		}

		// Only the members sent change; modifiedOn moves, createdOn stays.
		srv.Clock.Advance(time.Minute)
		var patched contactRow
		one := crmAt("/customers/%d/contacts/%d", c.ID, made.ID)
		srv.Do(t, "PATCH", one, tok, map[string]any{"memo": "weekends"}).OK(t).JSON(t, &patched)
		if patched.Type != "MobilePhone" || patched.Value != "217 555 0199" || *patched.Memo != "weekends" {
			t.Fatalf("memo patch changed more than the memo: %+v", patched)
		}
		if patched.ModifiedOn == made.ModifiedOn || patched.CreatedOn != made.CreatedOn {
			t.Fatalf("patch stamps: created %s→%s, modified %s→%s", made.CreatedOn, patched.CreatedOn, made.ModifiedOn, patched.ModifiedOn)
		}
		srv.Do(t, "PATCH", one, tok, map[string]any{"type": "Phone", "value": "217-555-0200"}).OK(t).JSON(t, &patched)
		if patched.Type != "Phone" || patched.Value != "217-555-0200" || *patched.Memo != "weekends" {
			t.Fatalf("type+value patch: %+v", patched)
		}
		srv.Do(t, "GET", simtest.CRM+"/customers?phone=2175550199", tok, nil).OK(t).JSON(t, &found)
		if len(found.Data) != 0 {
			t.Fatalf("the old number still finds the customer: %+v", found.Data)
		}
		srv.Do(t, "PATCH", one, tok, map[string]any{"value": "  "}).WantError(t, 400, "value")
		srv.Do(t, "PATCH", one, tok, map[string]any{"type": "Pager"}).WantError(t, 400, "type")
		srv.Do(t, "POST", list, tok, map[string]any{"type": "Email", "value": " "}).WantError(t, 400, "value")
		srv.Do(t, "POST", list, tok, map[string]any{"type": "Telex", "value": "x"}).WantError(t, 400, "type")

		// A contact of another customer is not found through this one.
		otherContact := contactRows(t, srv, tok, crmAt("/customers/%d/contacts", other.ID)).Data[0].ID
		srv.Do(t, "PATCH", crmAt("/customers/%d/contacts/%d", c.ID, otherContact), tok, map[string]any{"memo": "x"}).WantError(t, 404, "")
		srv.Do(t, "DELETE", crmAt("/customers/%d/contacts/%d", c.ID, otherContact), tok, nil).WantError(t, 404, "")
		// A location contact ID is not a customer contact.
		srv.Do(t, "DELETE", crmAt("/customers/%d/contacts/%v", c.ID, c.Locations[0].Contacts[0]["id"]), tok, nil).WantError(t, 404, "")
		srv.Do(t, "GET", crmAt("/customers/999999/contacts"), tok, nil).WantError(t, 404, "")
		srv.Do(t, "POST", crmAt("/customers/999999/contacts"), tok, map[string]any{"type": "Phone", "value": "1"}).WantError(t, 404, "")
		srv.Do(t, "PATCH", crmAt("/customers/999999/contacts/%d", made.ID), tok, map[string]any{"memo": "x"}).WantError(t, 404, "")

		// Paging; an undocumented filter (createdOnOrAfter) is ignored.
		p = contactRows(t, srv, tok, list+"?pageSize=2&includeTotal=true&createdOnOrAfter=2100-01-01T00:00:00Z")
		if len(p.Data) != 2 || !p.HasMore || p.TotalCount == nil || *p.TotalCount != 3 {
			t.Fatalf("page 1 of 3: %d items, hasMore %v, total %v", len(p.Data), p.HasMore, p.TotalCount)
		}
		p = contactRows(t, srv, tok, list+"?pageSize=2&page=2")
		if fmt.Sprint(contactIDs(p)) != fmt.Sprint([]int64{made.ID}) || p.HasMore {
			t.Fatalf("page 2: %v hasMore %v", contactIDs(p), p.HasMore)
		}

		wantEmpty(t, srv.Do(t, "DELETE", one, tok, nil))
		if ids := contactIDs(contactRows(t, srv, tok, list)); len(ids) != 2 || ids[1] == made.ID {
			t.Fatalf("after delete: %v", ids)
		}
		srv.Do(t, "DELETE", one, tok, nil).WantError(t, 404, "")
		srv.Do(t, "PATCH", one, tok, map[string]any{"memo": "x"}).WantError(t, 404, "")
	})
}

func TestModifiedCustomerContacts(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		a := create(t, srv, tok, "Jules Park", "555-0180")
		b := create(t, srv, tok, "Kai Park", "555-0181")
		all := crmAt("/customers/contacts")

		p := contactRows(t, srv, tok, fmt.Sprintf("%s?customerIds=%d", all, a.ID))
		if len(p.Data) != 2 || p.Data[0].CustomerID != a.ID || p.Data[1].CustomerID != a.ID {
			t.Fatalf("contacts of customer %d: %+v", a.ID, p.Data)
		}
		p = contactRows(t, srv, tok, fmt.Sprintf("%s?customerIds=%d,%d,424242&includeTotal=true", all, b.ID, a.ID))
		if *p.TotalCount != 4 || p.Data[0].CustomerID != a.ID || p.Data[3].CustomerID != b.ID {
			t.Fatalf("contacts of two customers: %+v", p.Data)
		}

		srv.Clock.Advance(time.Minute)
		since := srv.Clock.Now().UTC().Format(time.RFC3339)
		bContact := p.Data[2].ID
		srv.Do(t, "PATCH", crmAt("/customers/%d/contacts/%d", b.ID, bContact), tok, map[string]any{"memo": "changed"}).OK(t)
		p = contactRows(t, srv, tok, all+"?modifiedOnOrAfter="+since)
		if fmt.Sprint(contactIDs(p)) != fmt.Sprint([]int64{bContact}) || p.Data[0].CustomerID != b.ID {
			t.Fatalf("modified since %s: %+v", since, p.Data)
		}
		// The demo tenant has contacts of its own: narrow to a and b.
		p = contactRows(t, srv, tok, fmt.Sprintf("%s?customerIds=%d,%d&modifiedBefore=%s", all, a.ID, b.ID, since))
		if len(p.Data) != 3 {
			t.Fatalf("modified before %s: %d contacts, want 3", since, len(p.Data))
		}

		// Without customerIds or a modified filter the request is incomplete.
		srv.Do(t, "GET", all, tok, nil).WantError(t, 400, "customerIds")
		srv.Do(t, "GET", all+"?createdOnOrAfter="+since, tok, nil).WantError(t, 400, "customerIds")
		ids := make([]string, 51)
		for i := range ids {
			ids[i] = fmt.Sprint(i + 1)
		}
		srv.Do(t, "GET", all+"?customerIds="+strings.Join(ids, ","), tok, nil).WantError(t, 400, "customerIds")
		srv.Do(t, "GET", all+"?customerIds="+strings.Join(ids[:50], ","), tok, nil).OK(t)
		srv.Do(t, "GET", all+"?customerIds=1,x", tok, nil).WantError(t, 400, "customerIds")
	})
}

func TestLocationContacts(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		c := create(t, srv, tok, "Lane Ortiz", "555-0190")
		d := create(t, srv, tok, "Mika Ortiz", "555-0191")
		loc, otherLoc := c.Locations[0].ID, d.Locations[0].ID
		list := crmAt("/locations/%d/contacts", loc)

		p := contactRows(t, srv, tok, list)
		if len(p.Data) != 1 || p.Data[0].Value != "lane@example.com" || p.Data[0].PhoneSettings.PhoneNumber != "lane@example.com" {
			t.Fatalf("contacts of a new location: %+v", p.Data)
		}
		var made contactRow
		srv.Do(t, "POST", list, tok, map[string]any{"type": "Fax", "value": "555-0999"}).OK(t).JSON(t, &made)
		if made.Type != "Fax" || made.Memo != nil || made.PhoneSettings.PhoneNumber != "555-0999" {
			t.Fatalf("created location contact: %+v", made)
		}
		// Location contacts are separate from the customer's.
		if n := len(contactRows(t, srv, tok, crmAt("/customers/%d/contacts", c.ID)).Data); n != 2 {
			t.Fatalf("customer has %d contacts after a location contact was added, want 2", n)
		}

		srv.Clock.Advance(time.Minute)
		one := crmAt("/locations/%d/contacts/%d", loc, made.ID)
		var patched contactRow
		srv.Do(t, "PATCH", one, tok, map[string]any{"value": "555-1000", "memo": "office"}).OK(t).JSON(t, &patched)
		if patched.Type != "Fax" || patched.Value != "555-1000" || *patched.Memo != "office" || patched.ModifiedOn == made.ModifiedOn || patched.CreatedOn != made.CreatedOn {
			t.Fatalf("patched location contact: %+v (was %+v)", patched, made)
		}

		otherContact := contactRows(t, srv, tok, crmAt("/locations/%d/contacts", otherLoc)).Data[0].ID
		srv.Do(t, "PATCH", crmAt("/locations/%d/contacts/%d", loc, otherContact), tok, map[string]any{"memo": "x"}).WantError(t, 404, "")
		srv.Do(t, "DELETE", crmAt("/locations/%d/contacts/%d", loc, otherContact), tok, nil).WantError(t, 404, "")
		srv.Do(t, "GET", crmAt("/locations/999999/contacts"), tok, nil).WantError(t, 404, "")
		srv.Do(t, "POST", crmAt("/locations/999999/contacts"), tok, map[string]any{"type": "Phone", "value": "1"}).WantError(t, 404, "")
		srv.Do(t, "POST", list, tok, map[string]any{"type": "Phone"}).WantError(t, 400, "value")

		all := crmAt("/locations/contacts")
		p = contactRows(t, srv, tok, fmt.Sprintf("%s?locationIds=%d,%d", all, otherLoc, loc))
		// In contact ID order: loc's email, otherLoc's email, then the fax.
		if len(p.Data) != 3 || p.Data[0].LocationID != loc || p.Data[1].LocationID != otherLoc || p.Data[2].ID != made.ID || p.Data[2].LocationID != loc {
			t.Fatalf("contacts of two locations: %+v", p.Data)
		}
		since := srv.Clock.Now().UTC().Format(time.RFC3339)
		if ids := contactIDs(contactRows(t, srv, tok, all+"?modifiedOnOrAfter="+since)); fmt.Sprint(ids) != fmt.Sprint([]int64{made.ID}) {
			t.Fatalf("modified since %s: %v", since, ids)
		}
		// The location variant also accepts a created filter alone.
		if n := len(contactRows(t, srv, tok, all+"?createdBefore="+since).Data); n == 0 {
			t.Fatalf("created before %s: none", since)
		}
		if n := len(contactRows(t, srv, tok, fmt.Sprintf("%s?locationIds=%d,%d&createdBefore=%s", all, loc, otherLoc, since)).Data); n != 3 {
			t.Fatalf("created before %s: %d, want 3", since, n)
		}
		srv.Do(t, "GET", all, tok, nil).WantError(t, 400, "locationIds")

		wantEmpty(t, srv.Do(t, "DELETE", one, tok, nil))
		if ids := contactIDs(contactRows(t, srv, tok, list)); len(ids) != 1 {
			t.Fatalf("after delete: %v", ids)
		}
		if n := len(contactRows(t, srv, tok, fmt.Sprintf("%s?locationIds=%d", all, loc)).Data); n != 1 {
			t.Fatalf("the deleted contact is still listed by locationIds (%d)", n)
		}
		srv.Do(t, "DELETE", one, tok, nil).WantError(t, 404, "")
	})
}

func TestCustomFieldTypes(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	type fieldType struct {
		ID              int64    `json:"id"`
		Name            string   `json:"name"`
		DataType        string   `json:"dataType"`
		DataTypeOptions []string `json:"dataTypeOptions"`
		CreatedOn       string   `json:"createdOn"`
	}
	get := func(path string) page[fieldType] {
		var p page[fieldType]
		srv.Do(t, "GET", simtest.CRM+path, tok, nil).OK(t).JSON(t, &p)
		return p
	}
	p := get("/customers/custom-fields?includeTotal=true")
	if len(p.Data) != 2 || *p.TotalCount != 2 || p.Data[0].Name != "Gate code" || p.Data[0].DataTypeOptions == nil || len(p.Data[0].DataTypeOptions) != 0 {
		t.Fatalf("customer custom fields: %+v", p.Data)
	}
	if d := p.Data[1]; d.DataType != "Dropdown" || fmt.Sprint(d.DataTypeOptions) != "[Morning Afternoon Evening]" || d.CreatedOn == "" {
		t.Fatalf("dropdown field: %+v", d)
	}
	if p := get("/customers/custom-fields?sort=-Id&pageSize=1&page=1"); len(p.Data) != 1 || p.Data[0].Name != "Preferred contact time" || !p.HasMore {
		t.Fatalf("sort=-Id: %+v", p)
	}
	if p := get("/customers/custom-fields?createdBefore=2000-01-01T00:00:00Z"); len(p.Data) != 0 {
		t.Fatalf("createdBefore 2000: %+v", p.Data)
	}
	if p := get("/locations/custom-fields?sort=%2BCreatedOn"); len(p.Data) != 2 || p.Data[0].Name != "Equipment location" || p.Data[1].DataType != "Checkbox" {
		t.Fatalf("location custom fields: %+v", p.Data)
	}
	// Unlike most lists, these reject page=0.
	srv.Do(t, "GET", simtest.CRM+"/customers/custom-fields?page=0", tok, nil).WantError(t, http.StatusBadRequest, "page")
	srv.Do(t, "GET", simtest.CRM+"/locations/custom-fields?page=0", tok, nil).WantError(t, http.StatusBadRequest, "page")
	srv.Do(t, "GET", simtest.CRM+"/customers/custom-fields?sort=Name", tok, nil).WantError(t, http.StatusBadRequest, "sort")
}
