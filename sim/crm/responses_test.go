package crm_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/stsim/stsim/sim/simtest"
)

// TestResponsesFollowQueryAndWrites checks what the response cache must
// keep apart: the external data a query's GUID shows, the get and export
// shapes of one customer, and a customer before and after a write.
func TestResponsesFollowQueryAndWrites(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	c := create(t, srv, tok, "Quinn Harlow", "(217) 555-0177")
	byID := fmt.Sprintf("%s/customers/%d", simtest.CRM, c.ID)
	withGUID := "externalDataApplicationGuid=" + url.QueryEscape(guid)
	get := func(path string) customer {
		t.Helper()
		var got customer
		srv.Do(t, "GET", path, tok, nil).OK(t).JSON(t, &got)
		return got
	}
	list := func(query string) customer {
		t.Helper()
		var p page[customer]
		srv.Do(t, "GET", fmt.Sprintf("%s/customers?ids=%d&%s", simtest.CRM, c.ID, query), tok, nil).OK(t).JSON(t, &p)
		if len(p.Data) != 1 {
			t.Fatalf("list %s: %d customers, want 1", query, len(p.Data))
		}
		return p.Data[0]
	}
	for range 2 { // the second round is answered from the cache
		if got := get(byID); len(got.ExternalData) != 0 {
			t.Fatalf("get without the GUID shows externalData %v", got.ExternalData)
		}
		if got := get(byID + "?" + withGUID); len(got.ExternalData) != 1 {
			t.Fatalf("get with the GUID shows externalData %v, want its one item", got.ExternalData)
		}
		if got := list("pageSize=5"); len(got.ExternalData) != 0 {
			t.Fatalf("list without the GUID shows externalData %v", got.ExternalData)
		}
		if got := list("pageSize=5&" + withGUID); len(got.ExternalData) != 1 {
			t.Fatalf("list with the GUID shows externalData %v, want its one item", got.ExternalData)
		}
	}
	// The export feed shows no external data, whatever the query and
	// whatever gets answered before.
	var feed struct {
		Data []customer `json:"data"`
	}
	srv.Do(t, "GET", simtest.CRM+"/export/customers?includeRecentChanges=true&"+withGUID, tok, nil).OK(t).JSON(t, &feed)
	found := false
	for _, e := range feed.Data {
		if e.ID == c.ID {
			found = true
			if len(e.ExternalData) != 0 {
				t.Fatalf("export item shows externalData %v", e.ExternalData)
			}
		}
	}
	if !found {
		t.Fatalf("customer %d not in the export feed", c.ID)
	}

	srv.Do(t, "PATCH", byID, tok, map[string]any{"name": "Quinn R. Harlow"}).OK(t)
	for range 2 {
		if got := get(byID + "?" + withGUID); got.Name != "Quinn R. Harlow" || len(got.ExternalData) != 1 {
			t.Fatalf("get after the update: %+v", got)
		}
		if got := list("pageSize=5"); got.Name != "Quinn R. Harlow" {
			t.Fatalf("list after the update shows %q", got.Name)
		}
	}
}
