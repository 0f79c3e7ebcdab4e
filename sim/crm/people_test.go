package crm_test

import (
	"testing"
	"time"

	"github.com/stsim/stsim/sim/simtest"
)

type personRow struct {
	ID          string  `json:"id"`
	ReferenceID *string `json:"referenceId"`
	Name        *string `json:"name"`
	Title       *string `json:"title"`
	IsArchived  bool    `json:"isArchived"`
	ModifiedOn  string  `json:"modifiedOn"`
}

type methodRow struct {
	ID        string  `json:"id"`
	ContactID string  `json:"contactId"`
	Type      string  `json:"type"`
	Value     string  `json:"value"`
	Memo      *string `json:"memo"`
}

func TestContactsAPI(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		c := create(t, srv, tok, "Mara Method", "555-0190")
		other := create(t, srv, tok, "Olaf Method", "555-0191")

		var p personRow
		srv.Do(t, "POST", crmAt("/contacts"), tok, map[string]any{"name": "Mara Method", "title": "Owner", "referenceId": "ref-1"}).OK(t).JSON(t, &p)
		if len(p.ID) != 36 || *p.Name != "Mara Method" || p.IsArchived {
			t.Fatalf("created contact: %+v", p)
		}
		srv.Do(t, "POST", crmAt("/contacts"), tok, map[string]any{"name": "Copy", "referenceId": "REF-1"}).WantError(t, 409, "")
		var got personRow
		srv.Do(t, "GET", crmAt("/contacts/%s", p.ID), tok, nil).OK(t).JSON(t, &got)
		if got.ID != p.ID || *got.Title != "Owner" || *got.ReferenceID != "ref-1" || got.ModifiedOn != p.ModifiedOn {
			t.Fatalf("get: %+v, created %+v", got, p)
		}
		srv.Clock.Advance(time.Minute)
		srv.Do(t, "PATCH", crmAt("/contacts/%s", p.ID), tok, map[string]any{"title": "Co-owner", "isArchived": false}).OK(t).JSON(t, &got)
		if *got.Title != "Co-owner" || *got.Name != "Mara Method" || got.ModifiedOn == p.ModifiedOn {
			t.Fatalf("patched contact: %+v", got)
		}
		srv.Do(t, "PUT", crmAt("/contacts/%s", p.ID), tok, map[string]any{"name": "Mara M.", "isArchived": false}).OK(t).JSON(t, &got)
		if *got.Name != "Mara M." || got.Title != nil || got.ReferenceID != nil {
			t.Fatalf("replaced contact: %+v", got)
		}

		// Contact methods belong to one contact.
		methods := crmAt("/contacts/%s/contact-methods", p.ID)
		var m methodRow
		srv.Do(t, "POST", methods, tok, map[string]any{"type": "MobilePhone", "value": "(555) 010-9999"}).OK(t).JSON(t, &m)
		if m.ContactID != p.ID || m.Type != "MobilePhone" {
			t.Fatalf("created method: %+v", m)
		}
		chosen := "0badc0de-0000-4000-8000-000000000001"
		srv.Do(t, "PUT", methods+"/"+chosen, tok, map[string]any{"type": "Email", "value": "mara@example.com"}).OK(t).JSON(t, &m)
		if m.ID != chosen {
			t.Fatalf("upsert kept id %s, want %s", m.ID, chosen)
		}
		srv.Do(t, "PATCH", methods+"/"+chosen, tok, map[string]any{"memo": "work"}).OK(t).JSON(t, &m)
		if *m.Memo != "work" || m.Value != "mara@example.com" {
			t.Fatalf("patched method: %+v", m)
		}
		srv.Do(t, "GET", methods+"/"+chosen, tok, nil).OK(t)
		var mp page[methodRow]
		srv.Do(t, "GET", methods+"?type=Email", tok, nil).OK(t).JSON(t, &mp)
		if len(mp.Data) != 1 || mp.Data[0].ID != chosen {
			t.Fatalf("methods?type=Email: %+v", mp.Data)
		}
		srv.Do(t, "GET", crmAt("/contacts/contact-methods?value=555.010.9999"), tok, nil).OK(t).JSON(t, &mp)
		if len(mp.Data) != 1 || mp.Data[0].ContactID != p.ID {
			t.Fatalf("search by phone: %+v", mp.Data)
		}

		// Another contact does not see this one's methods.
		var q personRow
		srv.Do(t, "POST", crmAt("/contacts"), tok, map[string]any{"name": "Quinn"}).OK(t).JSON(t, &q)
		srv.Do(t, "GET", crmAt("/contacts/%s/contact-methods/%s", q.ID, chosen), tok, nil).WantError(t, 404, "")
		srv.Do(t, "DELETE", crmAt("/contacts/%s/contact-methods/%s", q.ID, chosen), tok, nil).WantError(t, 404, "")

		// Relationships link contacts to customers and locations.
		rel := func(method string, related int64, slug string) *simtest.Response {
			return srv.Do(t, method, crmAt("/contacts/%s/relationships/%d/%s", p.ID, related, slug), tok, nil)
		}
		rel("POST", c.ID, "customer").OK(t)
		rel("POST", c.Locations[0].ID, "location").OK(t)
		rel("POST", c.ID, "customer").WantError(t, 409, "")
		rel("POST", 999999, "customer").WantError(t, 404, "")
		rel("POST", c.ID, "vendor").WantError(t, 400, "typeSlug")
		var rp page[struct {
			RelatedEntityID int64  `json:"relatedEntityId"`
			TypeName        string `json:"typeName"`
		}]
		srv.Do(t, "GET", crmAt("/contacts/%s/relationships?typeSlug=location", p.ID), tok, nil).OK(t).JSON(t, &rp)
		if len(rp.Data) != 1 || rp.Data[0].RelatedEntityID != c.Locations[0].ID || rp.Data[0].TypeName != "Location" {
			t.Fatalf("relationships: %+v", rp.Data)
		}
		var pp page[personRow]
		srv.Do(t, "GET", crmAt("/contacts/relationships/%d", c.ID), tok, nil).OK(t).JSON(t, &pp)
		if len(pp.Data) != 1 || pp.Data[0].ID != p.ID {
			t.Fatalf("contacts of the customer: %+v", pp.Data)
		}
		srv.Do(t, "GET", crmAt("/contacts/relationships/%d", other.ID), tok, nil).OK(t).JSON(t, &pp)
		if len(pp.Data) != 0 {
			t.Fatalf("contacts of another customer: %+v", pp.Data)
		}
		srv.Do(t, "DELETE", crmAt("/contacts/%s", p.ID), tok, nil).WantError(t, 409, "")
		rel("DELETE", c.ID, "customer").OK(t)
		rel("DELETE", c.ID, "customer").WantError(t, 404, "")
		rel("DELETE", c.Locations[0].ID, "location").OK(t)

		// Lists and filters.
		srv.Do(t, "GET", crmAt("/contacts?name=mara&isArchived=false"), tok, nil).OK(t).JSON(t, &pp)
		if len(pp.Data) != 1 || pp.Data[0].ID != p.ID {
			t.Fatalf("contacts?name=mara: %+v", pp.Data)
		}
		srv.Do(t, "GET", crmAt("/contacts?isArchived=true"), tok, nil).OK(t).JSON(t, &pp)
		for _, x := range pp.Data {
			if !x.IsArchived {
				t.Fatalf("isArchived=true listed %+v", x)
			}
		}

		// Deleting the contact deletes its methods.
		srv.Do(t, "DELETE", crmAt("/contacts/%s/contact-methods/%s", p.ID, chosen), tok, nil).OK(t)
		srv.Do(t, "GET", methods+"/"+chosen, tok, nil).WantError(t, 404, "")
		srv.Do(t, "DELETE", crmAt("/contacts/%s", p.ID), tok, nil).OK(t)
		srv.Do(t, "GET", crmAt("/contacts/%s", p.ID), tok, nil).WantError(t, 404, "")
		srv.Do(t, "GET", crmAt("/contacts/contact-methods?contactId=%s", p.ID), tok, nil).OK(t).JSON(t, &mp)
		if len(mp.Data) != 0 {
			t.Fatalf("methods of a deleted contact: %+v", mp.Data)
		}

		// Bad input.
		qm := crmAt("/contacts/%s/contact-methods", q.ID)
		srv.Do(t, "POST", qm, tok, map[string]any{"type": "Email", "value": " "}).WantError(t, 400, "value")
		srv.Do(t, "POST", qm, tok, map[string]any{"type": "Pager", "value": "1"}).WantError(t, 400, "")
		srv.Do(t, "GET", crmAt("/contacts/not-a-guid"), tok, nil).WantError(t, 400, "")
		srv.Do(t, "GET", crmAt("/contacts/%s", "00000000-0000-4000-8000-0000000fffff"), tok, nil).WantError(t, 404, "")
		srv.Do(t, "PATCH", crmAt("/contacts/%s", q.ID), tok, map[string]any{"name": "x"}).WantError(t, 400, "")
		srv.Do(t, "GET", crmAt("/contacts?isArchived=maybe"), tok, nil).WantError(t, 400, "isArchived")
		srv.Do(t, "POST", crmAt("/contacts/%s/contact-methods", "00000000-0000-4000-8000-0000000fffff"), tok, map[string]any{"type": "Email", "value": "a@b.c"}).WantError(t, 404, "")
	})
}

// TestDemoContacts: the demo tenant has contacts with methods and links.
func TestDemoContacts(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		var pp page[personRow]
		srv.Do(t, "GET", crmAt("/contacts/relationships/6"), tok, nil).OK(t).JSON(t, &pp)
		if len(pp.Data) != 1 || *pp.Data[0].Name != "Jordan Ellison" {
			t.Fatalf("contacts of customer 6: %+v", pp.Data)
		}
		var mp page[methodRow]
		srv.Do(t, "GET", crmAt("/contacts/%s/contact-methods", pp.Data[0].ID), tok, nil).OK(t).JSON(t, &mp)
		if len(mp.Data) != 2 {
			t.Fatalf("Jordan's methods: %+v", mp.Data)
		}
		srv.Do(t, "GET", crmAt("/contacts?isArchived=true"), tok, nil).OK(t).JSON(t, &pp)
		if len(pp.Data) != 1 {
			t.Fatalf("archived demo contacts: %+v", pp.Data)
		}
	})
}
