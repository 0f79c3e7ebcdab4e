package crm_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/simtest"
)

// The four CRM export feeds, by path under the tenant.
const (
	feedCustomers        = "/export/customers"
	feedLocations        = "/export/locations"
	feedCustomerContacts = "/export/customers/contacts"
	feedLocationContacts = "/export/locations/contacts"
)

var allFeeds = []string{feedCustomers, feedLocations, feedCustomerContacts, feedLocationContacts}

// feedRow decodes the members of every CRM export item the tests look at.
type feedRow struct {
	ID            int64            `json:"id"`
	Active        bool             `json:"active"`
	Name          string           `json:"name"`
	Type          string           `json:"type"`
	Value         string           `json:"value"`
	CustomerID    int64            `json:"customerId"`
	LocationID    int64            `json:"locationId"`
	DoNotService  bool             `json:"doNotService"`
	ModifiedOn    string           `json:"modifiedOn"`
	ExternalData  []map[string]any `json:"externalData"`
	CustomFields  []map[string]any `json:"customFields"`
	Address       map[string]any   `json:"address"`
	PhoneSettings map[string]any   `json:"phoneSettings"`
}

type feedPage struct {
	HasMore      bool      `json:"hasMore"`
	ContinueFrom string    `json:"continueFrom"`
	Data         []feedRow `json:"data"`
}

// pull fetches one page of a feed of the demo tenant.
func pull(t *testing.T, srv *simtest.Server, tok, feed, from string, recent bool) feedPage {
	t.Helper()
	q := url.Values{}
	if from != "" {
		q.Set("from", from)
	}
	if recent {
		q.Set("includeRecentChanges", "true")
	}
	var p feedPage
	srv.Do(t, "GET", simtest.CRM+feed+"?"+q.Encode(), tok, nil).OK(t).JSON(t, &p)
	if p.ContinueFrom == "" {
		t.Fatalf("%s: empty continueFrom", feed)
	}
	return p
}

// pullAll follows continueFrom until hasMore is false; it returns every row
// and the last token.
func pullAll(t *testing.T, srv *simtest.Server, tok, feed, from string, recent bool) ([]feedRow, string) {
	t.Helper()
	var rows []feedRow
	for range 100 {
		p := pull(t, srv, tok, feed, from, recent)
		rows = append(rows, p.Data...)
		from = p.ContinueFrom
		if !p.HasMore {
			return rows, from
		}
	}
	t.Fatalf("%s: more than 100 pages", feed)
	return nil, ""
}

func rowIDs(rows []feedRow) []int64 {
	out := []int64{}
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

// deleteCustomerContact deletes through the API when the operation is
// emulated, and through the resource layer otherwise.
func deleteCustomerContact(t *testing.T, srv *simtest.Server, tok string, customerID, contactID int64) {
	t.Helper()
	r := srv.Do(t, "DELETE", fmt.Sprintf("%s/customers/%d/contacts/%d", simtest.CRM, customerID, contactID), tok, nil)
	if r.Status != 501 {
		r.OK(t)
		return
	}
	t.Logf("DELETE /customers/{id}/contacts/{contactId} is not emulated yet; deleting through the resource layer")
	err := resource.Update(srv.Store(), simtest.Tenant, srv.Clock.Now(), func(tx *resource.Tx) error {
		c, err := resource.Get(tx, &crm.CustomerContacts, contactID)
		if err != nil {
			return err
		}
		return resource.Delete(tx, &crm.CustomerContacts, c)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestExportFeeds(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)

		// The demo records were written at start: within the 15 minutes, so
		// a plain pull sees nothing yet, and includeRecentChanges sees them.
		seeded := map[string]int{}
		for _, feed := range allFeeds {
			if p := pull(t, srv, tok, feed, "", false); len(p.Data) != 0 || p.HasMore {
				t.Fatalf("%s right after start: %d rows (hasMore %v), want none", feed, len(p.Data), p.HasMore)
			}
			rows, _ := pullAll(t, srv, tok, feed, "", true)
			seeded[feed] = len(rows)
		}
		if seeded[feedCustomers] != crm.DemoCustomerCount || seeded[feedLocations] < crm.DemoCustomerCount ||
			seeded[feedCustomerContacts] < crm.DemoCustomerCount || seeded[feedLocationContacts] == 0 {
			t.Fatalf("demo records with includeRecentChanges: %v", seeded)
		}

		x := create(t, srv, tok, "Xavier Exportson", "(312) 555-0161")
		newIDs := map[string][]int64{
			feedCustomers:        {x.ID},
			feedLocations:        {x.Locations[0].ID},
			feedCustomerContacts: {int64(x.Contacts[0]["id"].(float64)), int64(x.Contacts[1]["id"].(float64))},
			feedLocationContacts: {int64(x.Locations[0].Contacts[0]["id"].(float64))},
		}
		srv.Clock.Advance(16 * time.Minute)
		tok = srv.Token(t) // the first token has expired

		tokens := map[string]string{}
		for _, feed := range allFeeds {
			rows, next := pullAll(t, srv, tok, feed, "", false)
			n := len(newIDs[feed])
			if len(rows) != seeded[feed]+n {
				t.Fatalf("%s after 16 minutes: %d rows, want %d", feed, len(rows), seeded[feed]+n)
			}
			if got := rowIDs(rows[len(rows)-n:]); fmt.Sprint(got) != fmt.Sprint(newIDs[feed]) {
				t.Fatalf("%s: last rows %v, want the new records %v", feed, got, newIDs[feed])
			}
			if p := pull(t, srv, tok, feed, next, false); len(p.Data) != 0 || p.HasMore {
				t.Fatalf("%s: pulling from the last token again gave %d rows", feed, len(p.Data))
			}
			tokens[feed] = next
		}
		// The export items' own members.
		custRows, _ := pullAll(t, srv, tok, feedCustomers, "", false)
		last := custRows[len(custRows)-1]
		if last.Name != "Xavier Exportson" || !last.Active || len(last.ExternalData) != 0 {
			t.Fatalf("exported customer: %+v (externalData must be empty: the feed names no application)", last)
		}
		ccRows, _ := pullAll(t, srv, tok, feedCustomerContacts, tokens[feedCustomerContacts], true)
		if len(ccRows) != 0 {
			t.Fatalf("nothing changed, yet the contacts feed moved: %+v", ccRows)
		}

		// Changes after the tokens: a new customer, an update, a deletion.
		srv.Clock.Advance(time.Minute)
		changedAt := srv.Clock.Now().UTC().Format(time.RFC3339)
		y := create(t, srv, tok, "Yolanda Exportson", "(312) 555-0162")
		srv.Do(t, "PATCH", fmt.Sprintf("%s/customers/%d", simtest.CRM, x.ID), tok, map[string]any{"name": "Xavier Q. Exportson"}).OK(t)
		srv.Do(t, "PATCH", fmt.Sprintf("%s/locations/%d", simtest.CRM, x.Locations[0].ID), tok, map[string]any{"name": "Xavier's place"}).OK(t)
		deleted := newIDs[feedCustomerContacts][0]
		deleteCustomerContact(t, srv, tok, x.ID, deleted)

		for _, feed := range allFeeds {
			if p := pull(t, srv, tok, feed, tokens[feed], false); len(p.Data) != 0 {
				t.Fatalf("%s: fresh changes visible without includeRecentChanges: %v", feed, rowIDs(p.Data))
			}
		}
		check := func(recent bool) {
			t.Helper()
			rows, _ := pullAll(t, srv, tok, feedCustomers, tokens[feedCustomers], recent)
			if fmt.Sprint(rowIDs(rows)) != fmt.Sprint([]int64{y.ID, x.ID}) || rows[1].Name != "Xavier Q. Exportson" {
				t.Fatalf("customers after the token (recent %v): %+v", recent, rows)
			}
			rows, _ = pullAll(t, srv, tok, feedLocations, tokens[feedLocations], recent)
			if fmt.Sprint(rowIDs(rows)) != fmt.Sprint([]int64{y.Locations[0].ID, x.Locations[0].ID}) || rows[1].Name != "Xavier's place" {
				t.Fatalf("locations after the token (recent %v): %+v", recent, rows)
			}
			rows, _ = pullAll(t, srv, tok, feedCustomerContacts, tokens[feedCustomerContacts], recent)
			if len(rows) != 3 || rows[2].ID != deleted || rows[2].Active || rows[2].CustomerID != x.ID {
				t.Fatalf("customer contacts after the token (recent %v): %+v; want Y's two, then the deleted one inactive", recent, rows)
			}
			if rows[0].CustomerID != y.ID || !rows[0].Active || rows[0].PhoneSettings["phoneNumber"] != "(312) 555-0162" {
				t.Fatalf("Y's contact in the feed: %+v", rows[0])
			}
			rows, _ = pullAll(t, srv, tok, feedLocationContacts, tokens[feedLocationContacts], recent)
			if len(rows) != 1 || rows[0].LocationID != y.Locations[0].ID {
				t.Fatalf("location contacts after the token (recent %v): %+v", recent, rows)
			}
		}
		check(true)
		srv.Clock.Advance(16 * time.Minute)
		tok = srv.Token(t)
		check(false)

		// A whole pull lists every record once, the updated ones at their new place.
		rows, _ := pullAll(t, srv, tok, feedCustomers, "", false)
		ids := rowIDs(rows)
		if len(rows) != crm.DemoCustomerCount+2 || ids[len(ids)-1] != x.ID || slices.Index(ids, x.ID) != len(ids)-1 {
			t.Fatalf("full customer pull: %d rows, tail %v", len(rows), ids[len(ids)-3:])
		}
		// from may also be a date: changes modified at or after it.
		rows, _ = pullAll(t, srv, tok, feedCustomers, changedAt, false)
		if fmt.Sprint(rowIDs(rows)) != fmt.Sprint([]int64{y.ID, x.ID}) {
			t.Fatalf("customers changed since %s: %v", changedAt, rowIDs(rows))
		}
	})
}

func TestExportTokensBelongToTheirFeedAndTenant(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	tokens := map[string]string{}
	for _, feed := range allFeeds {
		tokens[feed] = pull(t, srv, tok, feed, "", true).ContinueFrom
	}
	for i, feed := range allFeeds {
		other := allFeeds[(i+1)%len(allFeeds)]
		srv.Do(t, "GET", simtest.CRM+feed+"?from="+url.QueryEscape(tokens[other]), tok, nil).WantError(t, 400, "from")
	}
	srv.Do(t, "GET", simtest.CRM+feedCustomers+"?from=not-a-token", tok, nil).WantError(t, 400, "from")

	otherTok := startOtherTenant(t, srv)
	base := "/crm/v2/tenant/7654321"
	srv.Do(t, "GET", base+feedCustomers+"?from="+url.QueryEscape(tokens[feedCustomers]), otherTok, nil).WantError(t, 400, "from")
	// The other tenant's own feed is empty (it was never seeded) and its
	// token works there.
	var p feedPage
	srv.Do(t, "GET", base+feedCustomers+"?includeRecentChanges=true", otherTok, nil).OK(t).JSON(t, &p)
	if len(p.Data) != 0 || p.HasMore {
		t.Fatalf("unseeded tenant's customer feed: %+v", p)
	}
	srv.Do(t, "GET", base+feedCustomers+"?from="+url.QueryEscape(p.ContinueFrom), otherTok, nil).OK(t)
}

func TestExportPaging(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		// Enough customers for three pages, written straight to the store.
		const extra = 2*resource.ExportPageSize - crm.DemoCustomerCount + 150
		err := resource.Update(srv.Store(), simtest.Tenant, srv.Clock.Now(), func(tx *resource.Tx) error {
			for i := range extra {
				c := &crm.Customer{Meta: resource.Meta{Active: i%7 != 0}, Name: fmt.Sprintf("Paging Customer %d", i), Type: "Residential",
					Address: crm.Address{Street: fmt.Sprintf("%d Page St", i), City: "Chicago", State: "IL", Zip: "60601", Country: "USA"}}
				if err := resource.Create(tx, &crm.Customers, c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		srv.Clock.Advance(16 * time.Minute)
		tok := srv.Token(t)

		var all []int64
		from := ""
		for i, want := range []struct {
			n       int
			hasMore bool
		}{{resource.ExportPageSize, true}, {resource.ExportPageSize, true}, {150, false}} {
			p := pull(t, srv, tok, feedCustomers, from, false)
			if len(p.Data) != want.n || p.HasMore != want.hasMore {
				t.Fatalf("page %d: %d rows, hasMore %v; want %d, %v", i+1, len(p.Data), p.HasMore, want.n, want.hasMore)
			}
			all = append(all, rowIDs(p.Data)...)
			from = p.ContinueFrom
		}
		if len(all) != crm.DemoCustomerCount+extra || len(slices.Compact(slices.Sorted(slices.Values(all)))) != len(all) {
			t.Fatalf("paging returned %d rows, duplicates or gaps among them", len(all))
		}
		// A token stays reusable: the last one still answers, with nothing new.
		if p := pull(t, srv, tok, feedCustomers, from, false); len(p.Data) != 0 || p.HasMore || p.ContinueFrom != from {
			t.Fatalf("re-pull from the last token: %+v", p)
		}
	})
}
