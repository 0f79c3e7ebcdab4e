package settings_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/settings"
	"github.com/stsim/stsim/sim/simtest"
)

// row decodes the members of any settings export item the tests read.
type row struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Active     bool   `json:"active"`
	ModifiedOn string `json:"modifiedOn"`
}

func pullFeed(t *testing.T, srv *simtest.Server, tok, feed, from string, recent bool) exportPage[row] {
	t.Helper()
	q := url.Values{}
	if from != "" {
		q.Set("from", from)
	}
	if recent {
		q.Set("includeRecentChanges", "true")
	}
	var p exportPage[row]
	srv.Do(t, "GET", ST+feed+"?"+q.Encode(), tok, nil).OK(t).JSON(t, &p)
	if p.ContinueFrom == "" || p.Data == nil {
		t.Fatalf("%s: no continueFrom or null data", feed)
	}
	return p
}

// TestExportFeeds: every feed carries every record (inactive ones too)
// once the 15-minute delay has passed, and a change reappears at the end.
func TestExportFeeds(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		counts := map[string]int{"/export/business-units": 4, "/export/technicians": 12, "/export/employees": 7, "/export/tag-types": 9}

		// Just seeded: nothing is visible yet, unless recent changes are asked for.
		for feed, n := range counts {
			if p := pullFeed(t, srv, tok, feed, "", false); len(p.Data) != 0 || p.HasMore {
				t.Fatalf("%s at start: %d rows", feed, len(p.Data))
			}
			if p := pullFeed(t, srv, tok, feed, "", true); len(p.Data) != n {
				t.Fatalf("%s with recent changes: %d rows, want %d", feed, len(p.Data), n)
			}
		}

		srv.Clock.Advance(16 * time.Minute)
		tok = srv.Token(t)
		tokens := map[string]string{}
		for feed, n := range counts {
			p := pullFeed(t, srv, tok, feed, "", false)
			inactive := 0
			for _, r := range p.Data {
				if !r.Active {
					inactive++
				}
			}
			if len(p.Data) != n || p.HasMore || inactive != 1 { // each kind has one inactive demo record
				t.Fatalf("%s after the delay: %d rows (%d inactive), want %d", feed, len(p.Data), inactive, n)
			}
			tokens[feed] = p.ContinueFrom
			// Nothing new after the token.
			if again := pullFeed(t, srv, tok, feed, p.ContinueFrom, false); len(again.Data) != 0 {
				t.Fatalf("%s re-pull: %d rows", feed, len(again.Data))
			}
		}

		// Change one record of each writable kind.
		hvac := buID(t, srv, tok, settings.BusinessUnitHVAC)
		tech := list[technician](t, srv, tok, "/technicians?name=Kowalski").Data[0]
		emp := list[employee](t, srv, tok, "/employees?name=Lisa").Data[0]
		idOf(t, srv.Do(t, "PATCH", at("/business-units/%d", hvac), tok, map[string]any{
			"externalData": map[string]any{"applicationGuid": otherApp, "externalData": []map[string]string{{"key": "k", "value": "v"}}}}))
		idOf(t, srv.Do(t, "PATCH", at("/technicians/%d", tech.ID), tok, map[string]any{"team": "East"}))
		srv.Do(t, "POST", at("/employees/%d/account-actions", emp.ID), tok, map[string]any{"action": "Deactivate"}).OK(t)
		newTech := idOf(t, srv.Do(t, "POST", ST+"/technicians", tok, newTechnicianBody(t, srv, tok, "Fresh Hire")))
		changed := map[string][]int64{
			"/export/business-units": {hvac}, "/export/technicians": {tech.ID, newTech},
			"/export/employees": {emp.ID}, "/export/tag-types": {},
		}
		for feed := range counts {
			if p := pullFeed(t, srv, tok, feed, tokens[feed], false); len(p.Data) != 0 {
				t.Fatalf("%s: a change showed before the delay", feed)
			}
		}
		srv.Clock.Advance(16 * time.Minute)
		tok = srv.Token(t)
		for feed, want := range changed {
			p := pullFeed(t, srv, tok, feed, tokens[feed], false)
			got := []int64{}
			for _, r := range p.Data {
				got = append(got, r.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s changes: %v, want %v", feed, got, want)
			}
			// The old token stays reusable.
			if again := pullFeed(t, srv, tok, feed, tokens[feed], false); len(again.Data) != len(want) {
				t.Fatalf("%s: token not reusable", feed)
			}
		}
		// A date start skips older changes.
		if p := pullFeed(t, srv, tok, "/export/technicians", "2100-01-01", false); len(p.Data) != 0 {
			t.Fatalf("future date: %d rows", len(p.Data))
		}
		if p := pullFeed(t, srv, tok, "/export/tag-types", "2000-01-01", false); len(p.Data) != 9 {
			t.Fatalf("past date: %d rows", len(p.Data))
		}
		// Tokens belong to one feed.
		srv.Do(t, "GET", ST+"/export/employees?from="+tokens["/export/technicians"], tok, nil).WantError(t, 400, "from")
		srv.Do(t, "GET", ST+"/export/tag-types?from=garbage!", tok, nil).WantError(t, 400, "from")
		srv.Do(t, "GET", ST+"/export/business-units?includeRecentChanges=perhaps", tok, nil).WantError(t, 400, "includeRecentChanges")
	})
}
