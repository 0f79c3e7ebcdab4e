package crm_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/simtest"
)

type noteRow struct {
	ID          int64  `json:"id"`
	Text        string `json:"text"`
	IsPinned    bool   `json:"isPinned"`
	CreatedByID int64  `json:"createdById"`
	CreatedOn   string `json:"createdOn"`
	ModifiedOn  string `json:"modifiedOn"`
}

func noteRows(t *testing.T, srv *simtest.Server, tok, path string) page[noteRow] {
	t.Helper()
	var p page[noteRow]
	srv.Do(t, "GET", path, tok, nil).OK(t).JSON(t, &p)
	return p
}

func noteTexts(p page[noteRow]) []string {
	out := []string{}
	for _, n := range p.Data {
		out = append(out, n.Text)
	}
	return out
}

// addLocation adds a second location to a customer and returns its ID.
func addLocation(t *testing.T, srv *simtest.Server, tok string, customerID int64, name string) int64 {
	t.Helper()
	var loc location
	srv.Do(t, "POST", simtest.CRM+"/locations", tok, map[string]any{
		"customerId": customerID, "name": name,
		"address": map[string]any{"street": "2 Side St", "city": "Springfield", "state": "IL", "zip": "62702", "country": "USA"},
	}).OK(t).JSON(t, &loc)
	return loc.ID
}

func TestCustomerNotes(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		c := create(t, srv, tok, "Nico Hale", "555-0140")
		other := create(t, srv, tok, "Oakley Hale", "555-0141")
		home := c.Locations[0].ID
		cabin := addLocation(t, srv, tok, c.ID, "Cabin")
		notes := crmAt("/customers/%d/notes", c.ID)

		if p := noteRows(t, srv, tok, notes); len(p.Data) != 0 || p.Data == nil {
			t.Fatalf("a new customer has notes: %+v", p)
		}
		var first noteRow
		srv.Do(t, "POST", notes, tok, map[string]any{"text": "Dog in the yard", "pinToTop": true, "addToLocations": true}).OK(t).JSON(t, &first)
		if first.ID == 0 || first.Text != "Dog in the yard" || !first.IsPinned || first.CreatedByID != 1 || first.CreatedOn != first.ModifiedOn {
			t.Fatalf("created note: %+v", first)
		}
		// addToLocations put a pinned copy on each of the customer's locations.
		for _, loc := range []int64{home, cabin} {
			p := noteRows(t, srv, tok, crmAt("/locations/%d/notes", loc))
			if len(p.Data) != 1 || p.Data[0].Text != "Dog in the yard" || !p.Data[0].IsPinned || p.Data[0].ID == first.ID {
				t.Fatalf("location %d notes: %+v", loc, p.Data)
			}
		}
		if p := noteRows(t, srv, tok, crmAt("/customers/%d/notes", other.ID)); len(p.Data) != 0 {
			t.Fatalf("another customer got the note: %+v", p.Data)
		}

		srv.Clock.Advance(time.Minute)
		since := srv.Clock.Now().UTC().Format(time.RFC3339)
		var second noteRow
		srv.Do(t, "POST", notes, tok, map[string]any{"text": "Call before arriving"}).OK(t).JSON(t, &second)
		if second.IsPinned {
			t.Fatalf("pinToTop absent, but the note is pinned: %+v", second)
		}
		if n := len(noteRows(t, srv, tok, crmAt("/locations/%d/notes", home)).Data); n != 1 {
			t.Fatalf("a note without addToLocations reached the location (%d notes)", n)
		}
		// ID order, pinned or not; paging and the date filters.
		if got := noteTexts(noteRows(t, srv, tok, notes)); fmt.Sprint(got) != "[Dog in the yard Call before arriving]" {
			t.Fatalf("notes: %v", got)
		}
		if p := noteRows(t, srv, tok, notes+"?pageSize=1&includeTotal=true"); len(p.Data) != 1 || !p.HasMore || *p.TotalCount != 2 {
			t.Fatalf("paging: %+v", p)
		}
		if got := noteTexts(noteRows(t, srv, tok, notes+"?createdOnOrAfter="+since)); fmt.Sprint(got) != "[Call before arriving]" {
			t.Fatalf("createdOnOrAfter: %v", got)
		}
		if got := noteTexts(noteRows(t, srv, tok, notes+"?modifiedBefore="+since)); fmt.Sprint(got) != "[Dog in the yard]" {
			t.Fatalf("modifiedBefore: %v", got)
		}

		srv.Do(t, "POST", notes, tok, map[string]any{"text": "   "}).WantError(t, 400, "text")
		srv.Do(t, "POST", notes, tok, map[string]any{"pinToTop": true}).WantError(t, 400, "text")
		srv.Do(t, "GET", crmAt("/customers/999999/notes"), tok, nil).WantError(t, 404, "")
		srv.Do(t, "POST", crmAt("/customers/999999/notes"), tok, map[string]any{"text": "x"}).WantError(t, 404, "")
		srv.Do(t, "DELETE", crmAt("/customers/999999/notes/%d", first.ID), tok, nil).WantError(t, 404, "")
		// A note of this customer is not found through another one.
		srv.Do(t, "DELETE", crmAt("/customers/%d/notes/%d", other.ID, first.ID), tok, nil).WantError(t, 404, "")

		wantEmpty(t, srv.Do(t, "DELETE", crmAt("/customers/%d/notes/%d", c.ID, first.ID), tok, nil))
		if got := noteTexts(noteRows(t, srv, tok, notes)); fmt.Sprint(got) != "[Call before arriving]" {
			t.Fatalf("after delete: %v", got)
		}
		// The copies on the locations are separate notes and stay.
		if n := len(noteRows(t, srv, tok, crmAt("/locations/%d/notes", cabin)).Data); n != 1 {
			t.Fatalf("deleting the customer's note removed the location copy (%d left)", n)
		}
		srv.Do(t, "DELETE", crmAt("/customers/%d/notes/%d", c.ID, first.ID), tok, nil).WantError(t, 404, "")
	})
}

func TestLocationNotes(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		c := create(t, srv, tok, "Parker Lund", "555-0150")
		d := create(t, srv, tok, "Quinn Lund", "555-0151")
		loc, otherLoc := c.Locations[0].ID, d.Locations[0].ID
		notes := crmAt("/locations/%d/notes", loc)

		var kept, copied noteRow
		srv.Do(t, "POST", notes, tok, map[string]any{"text": "Gate sticks", "pinToTop": false}).OK(t).JSON(t, &kept)
		srv.Do(t, "POST", notes, tok, map[string]any{"text": "Spare key under mat", "pinToTop": true, "addToCustomer": true}).OK(t).JSON(t, &copied)
		if kept.IsPinned || !copied.IsPinned || copied.CreatedByID != 1 {
			t.Fatalf("location notes: %+v %+v", kept, copied)
		}
		if got := noteTexts(noteRows(t, srv, tok, notes)); fmt.Sprint(got) != "[Gate sticks Spare key under mat]" {
			t.Fatalf("location notes: %v", got)
		}
		// addToCustomer copied only the second note to the location's customer.
		p := noteRows(t, srv, tok, crmAt("/customers/%d/notes", c.ID))
		if fmt.Sprint(noteTexts(p)) != "[Spare key under mat]" || !p.Data[0].IsPinned || p.Data[0].ID == copied.ID {
			t.Fatalf("customer notes: %+v", p.Data)
		}
		if n := len(noteRows(t, srv, tok, crmAt("/customers/%d/notes", d.ID)).Data); n != 0 {
			t.Fatalf("another customer got %d notes", n)
		}

		srv.Do(t, "POST", notes, tok, map[string]any{"text": ""}).WantError(t, 400, "text")
		srv.Do(t, "GET", crmAt("/locations/999999/notes"), tok, nil).WantError(t, 404, "")
		srv.Do(t, "POST", crmAt("/locations/999999/notes"), tok, map[string]any{"text": "x", "addToCustomer": true}).WantError(t, 404, "")
		srv.Do(t, "DELETE", crmAt("/locations/%d/notes/%d", otherLoc, kept.ID), tok, nil).WantError(t, 404, "")
		// A customer note ID is not a location note.
		srv.Do(t, "DELETE", crmAt("/locations/%d/notes/%d", loc, p.Data[0].ID), tok, nil).WantError(t, 404, "")

		wantEmpty(t, srv.Do(t, "DELETE", crmAt("/locations/%d/notes/%d", loc, kept.ID), tok, nil))
		if got := noteTexts(noteRows(t, srv, tok, notes)); fmt.Sprint(got) != "[Spare key under mat]" {
			t.Fatalf("after delete: %v", got)
		}
		srv.Do(t, "DELETE", crmAt("/locations/%d/notes/%d", loc, kept.ID), tok, nil).WantError(t, 404, "")
	})
}
