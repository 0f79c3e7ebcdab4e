package crm_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/simtest"
)

// tagged decodes the members of a customer or location the tag tests read.
type tagged struct {
	ID         int64   `json:"id"`
	CustomerID int64   `json:"customerId"`
	LocationID int64   `json:"locationId"`
	TagTypeIDs []int64 `json:"tagTypeIds"`
	ModifiedOn string  `json:"modifiedOn"`
}

// demoTagTypes returns the IDs of the first n tag types of the demo tenant.
func demoTagTypes(t *testing.T, srv *simtest.Server, tok string, n int) []int64 {
	t.Helper()
	var page struct{ Data []struct{ ID int64 } }
	srv.Do(t, "GET", "/settings/v2/tenant/1234567/tag-types", tok, nil).OK(t).JSON(t, &page)
	if len(page.Data) < n {
		t.Fatalf("the demo tenant has %d tag types, the test needs %d", len(page.Data), n)
	}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = page.Data[i].ID
	}
	return ids
}

func tagsOf(t *testing.T, srv *simtest.Server, tok, path string) tagged {
	t.Helper()
	var v tagged
	srv.Do(t, "GET", simtest.CRM+path, tok, nil).OK(t).JSON(t, &v)
	return v
}

func TestCustomerTags(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		c := create(t, srv, tok, "Reese Moor", "555-0160")
		self := fmt.Sprintf("/customers/%d", c.ID)
		tt := demoTagTypes(t, srv, tok, 2)
		t7, t8 := tt[0], tt[1]
		both := fmt.Sprint([]int64{t7, t8})

		srv.Clock.Advance(time.Minute)
		var got tagged
		srv.Do(t, "POST", crmAt("%s/tags/%d", self, t7), tok, nil).OK(t).JSON(t, &got)
		if got.CustomerID != c.ID || fmt.Sprint(got.TagTypeIDs) != fmt.Sprint([]int64{t7}) {
			t.Fatalf("add tag 7: %+v", got)
		}
		srv.Do(t, "POST", crmAt("%s/tags/%d", self, t8), tok, nil).OK(t).JSON(t, &got)
		if fmt.Sprint(got.TagTypeIDs) != both {
			t.Fatalf("add tag 8: %+v", got)
		}
		// Adding a tag the customer has is a conflict and changes nothing.
		srv.Do(t, "POST", crmAt("%s/tags/%d", self, t7), tok, nil).WantError(t, 409, "")
		cust := tagsOf(t, srv, tok, self)
		if fmt.Sprint(cust.TagTypeIDs) != both || cust.ModifiedOn == c.ModifiedOn {
			t.Fatalf("customer after tagging: %+v (created modifiedOn %s)", cust, c.ModifiedOn)
		}

		wantEmpty(t, srv.Do(t, "DELETE", crmAt("%s/tags/%d", self, t7), tok, nil))
		if cust := tagsOf(t, srv, tok, self); fmt.Sprint(cust.TagTypeIDs) != fmt.Sprint([]int64{t8}) {
			t.Fatalf("after removing 7: %v", cust.TagTypeIDs)
		}
		srv.Do(t, "DELETE", crmAt("%s/tags/%d", self, t7), tok, nil).WantError(t, 404, "")
		srv.Do(t, "POST", crmAt("/customers/999999/tags/%d", t7), tok, nil).WantError(t, 404, "")
		srv.Do(t, "DELETE", crmAt("/customers/999999/tags/%d", t8), tok, nil).WantError(t, 404, "")
		// Tag types are the settings module's: an unknown one is not added.
		srv.Do(t, "POST", crmAt("%s/tags/999999", self), tok, nil).WantError(t, 404, "")
		srv.Do(t, "POST", crmAt("%s/tags/0", self), tok, nil).WantError(t, 400, "tagTypeId")
		srv.Do(t, "DELETE", crmAt("%s/tags/-3", self), tok, nil).WantError(t, 400, "tagTypeId")
	})
}

func TestLocationTags(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		c := create(t, srv, tok, "Sage Moor", "555-0161")
		self := fmt.Sprintf("/locations/%d", c.Locations[0].ID)
		t21 := demoTagTypes(t, srv, tok, 3)[2]
		one := fmt.Sprint([]int64{t21})

		var got tagged
		srv.Do(t, "POST", crmAt("%s/tags/%d", self, t21), tok, nil).OK(t).JSON(t, &got)
		if got.LocationID != c.Locations[0].ID || fmt.Sprint(got.TagTypeIDs) != one {
			t.Fatalf("add location tag: %+v", got)
		}
		srv.Do(t, "POST", crmAt("%s/tags/%d", self, t21), tok, nil).WantError(t, 409, "")
		if loc := tagsOf(t, srv, tok, self); fmt.Sprint(loc.TagTypeIDs) != one {
			t.Fatalf("location tags: %v", loc.TagTypeIDs)
		}
		// Location tags are not the customer's.
		if cust := tagsOf(t, srv, tok, fmt.Sprintf("/customers/%d", c.ID)); len(cust.TagTypeIDs) != 0 {
			t.Fatalf("customer got the location's tag: %v", cust.TagTypeIDs)
		}
		wantEmpty(t, srv.Do(t, "DELETE", crmAt("%s/tags/%d", self, t21), tok, nil))
		if loc := tagsOf(t, srv, tok, self); len(loc.TagTypeIDs) != 0 || loc.TagTypeIDs == nil {
			t.Fatalf("after removing: %v", loc.TagTypeIDs)
		}
		srv.Do(t, "DELETE", crmAt("%s/tags/%d", self, t21), tok, nil).WantError(t, 404, "")
		srv.Do(t, "POST", crmAt("/locations/999999/tags/%d", t21), tok, nil).WantError(t, 404, "")
		srv.Do(t, "POST", crmAt("%s/tags/0", self), tok, nil).WantError(t, 400, "tagTypeId")
	})
}

func TestBulkTags(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		a := create(t, srv, tok, "Tatum Vale", "555-0162")
		b := create(t, srv, tok, "Uma Vale", "555-0163")
		tagsNow := func(id int64) string {
			return fmt.Sprint(tagsOf(t, srv, tok, fmt.Sprintf("/customers/%d", id)).TagTypeIDs)
		}
		bulk := simtest.CRM + "/tags"
		tt := demoTagTypes(t, srv, tok, 4)
		t3, t4, t5, t6 := tt[0], tt[1], tt[2], tt[3]
		tags := func(ids ...int64) string { return fmt.Sprint(ids) }

		wantEmpty(t, srv.Do(t, "PUT", bulk, tok, map[string]any{"customerIds": []int64{a.ID, b.ID}, "tagTypeIds": []int64{t3, t4}}))
		if tagsNow(a.ID) != tags(t3, t4) || tagsNow(b.ID) != tags(t3, t4) {
			t.Fatalf("after bulk add: a %s, b %s", tagsNow(a.ID), tagsNow(b.ID))
		}
		// Idempotent: adding tags again (and a duplicate ID) is fine.
		wantEmpty(t, srv.Do(t, "PUT", bulk, tok, map[string]any{"customerIds": []int64{a.ID, a.ID}, "tagTypeIds": []int64{t4, t5}}))
		if tagsNow(a.ID) != tags(t3, t4, t5) {
			t.Fatalf("after second bulk add: %s", tagsNow(a.ID))
		}

		// A missing customer fails the whole request; nothing changes.
		srv.Do(t, "PUT", bulk, tok, map[string]any{"customerIds": []int64{b.ID, 999999}, "tagTypeIds": []int64{t6}}).WantError(t, 400, "customerIds[1]")
		srv.Do(t, "DELETE", bulk, tok, map[string]any{"customerIds": []int64{999998, a.ID}, "tagTypeIds": []int64{t3}}).WantError(t, 400, "customerIds[0]")
		if tagsNow(a.ID) != tags(t3, t4, t5) || tagsNow(b.ID) != tags(t3, t4) {
			t.Fatalf("a failed bulk request changed tags: a %s, b %s", tagsNow(a.ID), tagsNow(b.ID))
		}

		// An unknown tag type fails a bulk add; nothing changes.
		srv.Do(t, "PUT", bulk, tok, map[string]any{"customerIds": []int64{b.ID}, "tagTypeIds": []int64{t5, 999999}}).WantError(t, 400, "tagTypeIds[1]")
		if tagsNow(b.ID) != tags(t3, t4) {
			t.Fatalf("a bulk add with an unknown tag type changed tags: %s", tagsNow(b.ID))
		}

		// Removing tags a customer lacks (even unknown ones) is not an error.
		wantEmpty(t, srv.Do(t, "DELETE", bulk, tok, map[string]any{"customerIds": []int64{a.ID, b.ID}, "tagTypeIds": []int64{t3, t5, 99}}))
		if tagsNow(a.ID) != tags(t4) || tagsNow(b.ID) != tags(t4) {
			t.Fatalf("after bulk remove: a %s, b %s", tagsNow(a.ID), tagsNow(b.ID))
		}

		srv.Do(t, "PUT", bulk, tok, map[string]any{"customerIds": []int64{}, "tagTypeIds": []int64{1}}).WantError(t, 400, "customerIds")
		srv.Do(t, "PUT", bulk, tok, map[string]any{"customerIds": []int64{a.ID}, "tagTypeIds": []int64{}}).WantError(t, 400, "tagTypeIds")
		srv.Do(t, "PUT", bulk, tok, map[string]any{"customerIds": []int64{a.ID}, "tagTypeIds": []int64{2, 0}}).WantError(t, 400, "tagTypeIds[1]")
		srv.Do(t, "DELETE", bulk, tok, map[string]any{"customerIds": []int64{a.ID}}).WantError(t, 400, "tagTypeIds")
	})
}
