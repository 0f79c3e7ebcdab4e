package crm_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/optional"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/simtest"
)

type bookingTag struct {
	ID          int64  `json:"id"`
	TagName     string `json:"tagName"`
	Description string `json:"description"`
	Type        string `json:"type"`
	CreatedOn   string `json:"createdOn"`
	ModifiedOn  string `json:"modifiedOn"`
	Active      *bool  `json:"active"`
}

type booking struct {
	ID                int64          `json:"id"`
	Source            string         `json:"source"`
	Name              string         `json:"name"`
	Summary           *string        `json:"summary"`
	Status            string         `json:"status"`
	ExternalID        string         `json:"externalId"`
	BookingProviderID int64          `json:"bookingProviderId"`
	Start             string         `json:"start"`
	CreatedOn         string         `json:"createdOn"`
	ModifiedOn        string         `json:"modifiedOn"`
	Address           map[string]any `json:"address"`
	CustomerType      *string        `json:"customerType"`
	Priority          *string        `json:"priority"`
	CampaignID        *int64         `json:"campaignId"`
	JobTypeID         *int64         `json:"jobTypeId"`
	IsFirstTimeClient *bool          `json:"isFirstTimeClient"`
	UploadedImages    []string       `json:"uploadedImages"`
	Active            *bool          `json:"active"` // export items only
}

type bookingContact struct {
	ID         int64  `json:"id"`
	Type       string `json:"type"`
	Value      string `json:"value"`
	Memo       string `json:"memo"`
	ModifiedOn string `json:"modifiedOn"`
}

type bookingFeed struct {
	HasMore      bool      `json:"hasMore"`
	ContinueFrom string    `json:"continueFrom"`
	Data         []booking `json:"data"`
}

func newProviderTag(t *testing.T, srv *simtest.Server, tok, name string) bookingTag {
	t.Helper()
	var tag bookingTag
	srv.Do(t, "POST", simtest.CRM+"/booking-provider-tags", tok, map[string]any{"tagName": name, "description": name + " bookings"}).OK(t).JSON(t, &tag)
	return tag
}

func providerBookings(provider int64) string {
	return fmt.Sprintf("%s/booking-provider/%d/bookings", simtest.CRM, provider)
}

// newBookingBody is a valid booking reachable by phone only.
func newBookingBody(name, externalID string) map[string]any {
	return map[string]any{
		"source": "Schedule Engine", "name": name, "summary": "AC not cooling",
		"isFirstTimeClient": true, "externalId": externalID,
		"contacts": []any{map[string]any{"type": "MobilePhone", "value": "(217) 555-0170"}},
	}
}

func newBooking(t *testing.T, srv *simtest.Server, tok string, provider int64, body map[string]any) booking {
	t.Helper()
	var b booking
	srv.Do(t, "POST", providerBookings(provider), tok, body).OK(t).JSON(t, &b)
	return b
}

// startUnrestricted starts a server whose demo connection is explicitly "No
// Restriction", whatever the demo seed binds it to, and returns a token.
func startUnrestricted(t *testing.T, opts ...simtest.Option) (*simtest.Server, string) {
	t.Helper()
	srv := simtest.Start(t, opts...)
	restrictTo(t, srv, 0)
	return srv, srv.Token(t)
}

func restrictTo(t *testing.T, srv *simtest.Server, tagID int64) {
	t.Helper()
	if err := srv.Auth().Registry.SetBookingProvider(simtest.ClientID, tagID); err != nil {
		t.Fatal(err)
	}
}

func bookingIDs(bs []booking) string {
	var ids []int64
	for _, b := range bs {
		ids = append(ids, b.ID)
	}
	return fmt.Sprint(ids)
}

func TestBookingProviderTags(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv, tok := startUnrestricted(t, backend)
		a := newProviderTag(t, srv, tok, "Acme Booking")
		if a.ID == 0 || a.Type != "V2Api" || a.Description != "Acme Booking bookings" || a.Active != nil {
			t.Fatalf("created tag: %+v", a)
		}
		srv.Clock.Advance(time.Minute)
		b := newProviderTag(t, srv, tok, "Web Form")

		// Names are unique per tenant, ignoring case and blanks.
		srv.Do(t, "POST", simtest.CRM+"/booking-provider-tags", tok, map[string]any{"tagName": " acme BOOKING ", "description": ""}).WantError(t, 409, "tagName")
		srv.Do(t, "POST", simtest.CRM+"/booking-provider-tags", tok, map[string]any{"tagName": "  ", "description": ""}).WantError(t, 400, "tagName")
		srv.Do(t, "POST", simtest.CRM+"/booking-provider-tags", tok, map[string]any{"tagName": "No description"}).WantError(t, 400, "")

		var got bookingTag
		srv.Do(t, "GET", fmt.Sprintf("%s/booking-provider-tags/%d", simtest.CRM, a.ID), tok, nil).OK(t).JSON(t, &got)
		if got.TagName != "Acme Booking" || got.Active == nil || !*got.Active || got.CreatedOn != a.CreatedOn {
			t.Fatalf("get tag: %+v", got)
		}
		srv.Do(t, "GET", simtest.CRM+"/booking-provider-tags/999999", tok, nil).WantError(t, 404, "")

		list := func(query string) page[bookingTag] {
			var p page[bookingTag]
			srv.Do(t, "GET", simtest.CRM+"/booking-provider-tags?"+query, tok, nil).OK(t).JSON(t, &p)
			return p
		}
		tagIDs := func(p page[bookingTag]) string {
			var ids []int64
			for _, tag := range p.Data {
				ids = append(ids, tag.ID)
			}
			return fmt.Sprint(ids)
		}
		// The demo tenant's seed already holds the demo connection's "Schedule Engine" tag.
		seeded := list("name=schedule%20engine")
		if len(seeded.Data) != 1 {
			t.Fatalf("seeded Schedule Engine tag: %+v", seeded)
		}
		if got := tagIDs(list("name=acme")); got != fmt.Sprint([]int64{a.ID}) {
			t.Errorf("name filter: %v", got)
		}
		if got := tagIDs(list("sort=-Id")); got != fmt.Sprint([]int64{b.ID, a.ID, seeded.Data[0].ID}) {
			t.Errorf("sort=-Id: %v", got)
		}
		if got := tagIDs(list(fmt.Sprintf("ids=%d", b.ID))); got != fmt.Sprint([]int64{b.ID}) {
			t.Errorf("ids: %v", got)
		}
		if got := tagIDs(list("createdOnOrAfter=" + url.QueryEscape(simtest.Epoch.Add(time.Minute).Format(time.RFC3339)))); got != fmt.Sprint([]int64{b.ID}) {
			t.Errorf("createdOnOrAfter: %v", got)
		}
		if p := list("pageSize=1&includeTotal=true"); len(p.Data) != 1 || !p.HasMore || p.TotalCount == nil || *p.TotalCount != 3 || p.Data[0].Active == nil {
			t.Errorf("paging: %+v", p)
		}
		srv.Do(t, "GET", simtest.CRM+"/booking-provider-tags?sort=TagName", tok, nil).WantError(t, 400, "sort")

		srv.Clock.Advance(time.Minute)
		var patched bookingTag
		srv.Do(t, "PATCH", fmt.Sprintf("%s/booking-provider-tags/%d", simtest.CRM, b.ID), tok, map[string]any{"tagName": "Website", "description": "form on the site"}).OK(t).JSON(t, &patched)
		if patched.TagName != "Website" || patched.Description != "form on the site" || patched.ModifiedOn == b.ModifiedOn || patched.Active != nil {
			t.Fatalf("patched tag: %+v", patched)
		}
		// Keeping one's own name is no conflict; taking another's is.
		srv.Do(t, "PATCH", fmt.Sprintf("%s/booking-provider-tags/%d", simtest.CRM, b.ID), tok, map[string]any{"tagName": "website"}).OK(t)
		srv.Do(t, "PATCH", fmt.Sprintf("%s/booking-provider-tags/%d", simtest.CRM, b.ID), tok, map[string]any{"tagName": "Acme Booking"}).WantError(t, 409, "tagName")
		srv.Do(t, "PATCH", simtest.CRM+"/booking-provider-tags/999999", tok, map[string]any{"description": "x"}).WantError(t, 404, "")
	})
}

func TestEnsureBookingProviderTag(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv, tok := startUnrestricted(t, backend)
		existing := newProviderTag(t, srv, tok, "Web Form")
		var first, again, found int64
		err := resource.Update(srv.Store(), simtest.Tenant, srv.Clock.Now(), func(tx *resource.Tx) error {
			var err error
			if first, err = crm.EnsureBookingProviderTag(tx, "Schedule Engine"); err != nil {
				return err
			}
			if again, err = crm.EnsureBookingProviderTag(tx, "schedule engine"); err != nil {
				return err
			}
			found, err = crm.EnsureBookingProviderTag(tx, "Web Form")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if first == 0 || again != first || found != existing.ID {
			t.Fatalf("ensure: first %d, again %d, existing %d (want %d)", first, again, found, existing.ID)
		}
		var tag bookingTag
		srv.Do(t, "GET", fmt.Sprintf("%s/booking-provider-tags/%d", simtest.CRM, first), tok, nil).OK(t).JSON(t, &tag)
		if tag.TagName != "Schedule Engine" || tag.Type != "V2Api" {
			t.Fatalf("ensured tag: %+v", tag)
		}
	})
}

func TestBookingCreateReadUpdate(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv, tok := startUnrestricted(t, backend)
		p := newProviderTag(t, srv, tok, "Acme Booking")

		body := newBookingBody("Riley Park", "SE-1")
		body["address"] = map[string]any{"street": "12 Elm St", "city": "Springfield", "state": "IL", "zip": "62704", "country": "USA"}
		body["start"] = "2026-11-24T14:00:00Z"
		body["customerType"] = "commercial"
		body["priority"] = "High"
		var campaigns struct{ Data []struct{ ID int64 } }
		srv.Do(t, "GET", "/marketing/v2/tenant/1234567/campaigns", tok, nil).OK(t).JSON(t, &campaigns)
		campaign := campaigns.Data[0].ID
		body["campaignId"] = 999999 // not a campaign: 400 naming it
		srv.Do(t, "POST", providerBookings(p.ID), tok, body).WantError(t, 400, "campaignId")
		body["campaignId"] = campaign
		// jobTypeId names a job type (the jpm module's): an unknown ID or
		// another kind's record is a 400 naming it.
		for _, id := range []int64{999999, campaign} {
			body["jobTypeId"] = id
			r := srv.Do(t, "POST", providerBookings(p.ID), tok, body)
			r.WantError(t, 400, "jobTypeId")
			if !strings.Contains(string(r.Body), fmt.Sprintf("No job type has id %d.", id)) {
				t.Errorf("jobTypeId %d: %s", id, r.Body)
			}
		}
		var jobTypes struct{ Data []struct{ ID int64 } }
		srv.Do(t, "GET", simtest.JPM+"/job-types", tok, nil).OK(t).JSON(t, &jobTypes)
		jobType := jobTypes.Data[0].ID
		body["jobTypeId"] = jobType
		body["uploadedImages"] = []any{"https://example.com/a.jpg"}
		b1 := newBooking(t, srv, tok, p.ID, body)
		if b1.Status != "New" || b1.BookingProviderID != p.ID || b1.Start != "2026-11-24T14:00:00.0000000Z" ||
			optional.Value(b1.CustomerType) != "Commercial" || optional.Value(b1.Priority) != "High" || b1.CampaignID == nil || *b1.CampaignID != campaign || optional.Value(b1.JobTypeID) != jobType ||
			b1.Address["street"] != "12 Elm St" || b1.IsFirstTimeClient == nil || !*b1.IsFirstTimeClient || len(b1.UploadedImages) != 1 || b1.Active != nil {
			t.Fatalf("created booking: %+v", b1)
		}
		srv.Clock.Advance(time.Minute)
		b2 := newBooking(t, srv, tok, p.ID, newBookingBody("Sam Ortiz", "SE-2"))
		if b2.Start != b2.CreatedOn || b2.Address != nil || b2.UploadedImages == nil || b2.CustomerType != nil {
			t.Fatalf("booking without start/address: %+v", b2)
		}

		for _, path := range []string{fmt.Sprintf("%s/%d", providerBookings(p.ID), b1.ID), fmt.Sprintf("%s/bookings/%d", simtest.CRM, b1.ID)} {
			var got booking
			srv.Do(t, "GET", path, tok, nil).OK(t).JSON(t, &got)
			if got.ID != b1.ID || got.Name != "Riley Park" || got.ExternalID != "SE-1" || optional.Value(got.Summary) != "AC not cooling" {
				t.Fatalf("GET %s: %+v", path, got)
			}
		}
		srv.Do(t, "GET", providerBookings(p.ID)+"/999999", tok, nil).WantError(t, 404, "")
		srv.Do(t, "GET", simtest.CRM+"/bookings/999999", tok, nil).WantError(t, 404, "")

		list := func(base, query string) page[booking] {
			var pg page[booking]
			srv.Do(t, "GET", base+"?"+query, tok, nil).OK(t).JSON(t, &pg)
			return pg
		}
		for _, base := range []string{providerBookings(p.ID), simtest.CRM + "/bookings"} {
			if got := bookingIDs(list(base, "externalId=se-2").Data); got != fmt.Sprint([]int64{b2.ID}) {
				t.Errorf("%s externalId: %v", base, got)
			}
			if got := bookingIDs(list(base, "sort=-CreatedOn").Data); got != fmt.Sprint([]int64{b2.ID, b1.ID}) {
				t.Errorf("%s sort: %v", base, got)
			}
			if got := bookingIDs(list(base, fmt.Sprintf("ids=%d,999999", b1.ID)).Data); got != fmt.Sprint([]int64{b1.ID}) {
				t.Errorf("%s ids: %v", base, got)
			}
			if got := bookingIDs(list(base, "createdBefore="+url.QueryEscape(simtest.Epoch.Add(time.Minute).Format(time.RFC3339))).Data); got != fmt.Sprint([]int64{b1.ID}) {
				t.Errorf("%s createdBefore: %v", base, got)
			}
			if pg := list(base, "page=2&pageSize=1&includeTotal=true"); bookingIDs(pg.Data) != fmt.Sprint([]int64{b2.ID}) || pg.HasMore || *pg.TotalCount != 2 || pg.Page != 2 {
				t.Errorf("%s paging: %+v", base, pg)
			}
			if pg := list(base, "externalId=nope"); len(pg.Data) != 0 || pg.Data == nil {
				t.Errorf("%s unknown externalId: %+v", base, pg)
			}
		}

		srv.Clock.Advance(time.Minute)
		var patched booking
		srv.Do(t, "PATCH", fmt.Sprintf("%s/%d", providerBookings(p.ID), b2.ID), tok, map[string]any{
			"name": "Sam Ortiz-Lee", "summary": "Furnace noise", "priority": "Urgent", "externalId": "SE-2b",
			"address":      map[string]any{"street": "5 Oak Ave", "unit": "2B", "city": "Springfield", "state": "IL", "zip": "62704", "country": "USA"},
			"customerType": "Residential", "start": "2026-11-25T09:30:00Z",
		}).OK(t).JSON(t, &patched)
		if patched.Name != "Sam Ortiz-Lee" || optional.Value(patched.Summary) != "Furnace noise" || optional.Value(patched.Priority) != "Urgent" ||
			patched.Address["unit"] != "2B" || patched.Start != "2026-11-25T09:30:00.0000000Z" || patched.ModifiedOn == b2.ModifiedOn ||
			patched.CreatedOn != b2.CreatedOn || patched.Source != "Schedule Engine" || patched.Status != "New" {
			t.Fatalf("patched booking: %+v", patched)
		}
		if got := bookingIDs(list(simtest.CRM+"/bookings", "externalId=SE-2b").Data); got != fmt.Sprint([]int64{b2.ID}) {
			t.Errorf("externalId index after patch: %v", got)
		}
		if got := list(simtest.CRM+"/bookings", "externalId=SE-2").Data; len(got) != 0 {
			t.Errorf("old externalId still matches: %v", bookingIDs(got))
		}
		srv.Do(t, "PATCH", fmt.Sprintf("%s/%d", providerBookings(p.ID), b2.ID), tok, map[string]any{"name": " "}).WantError(t, 400, "name")
		srv.Do(t, "PATCH", fmt.Sprintf("%s/%d", providerBookings(p.ID), b2.ID), tok, map[string]any{"businessUnitId": 999999}).WantError(t, 400, "businessUnitId")
		srv.Do(t, "PATCH", fmt.Sprintf("%s/%d", providerBookings(p.ID), b2.ID), tok, map[string]any{"jobTypeId": 999999}).WantError(t, 400, "jobTypeId")
		srv.Do(t, "PATCH", fmt.Sprintf("%s/%d", providerBookings(p.ID), b2.ID), tok, map[string]any{"jobTypeId": jobTypes.Data[1].ID}).OK(t).JSON(t, &patched)
		if optional.Value(patched.JobTypeID) != jobTypes.Data[1].ID {
			t.Fatalf("jobTypeId after patch: %+v", patched)
		}
		srv.Do(t, "PATCH", providerBookings(p.ID)+"/999999", tok, map[string]any{"name": "x"}).WantError(t, 404, "")
	})
}

func TestBookingNeedsNameAndAddressOrContact(t *testing.T) {
	srv, tok := startUnrestricted(t)
	p := newProviderTag(t, srv, tok, "Acme Booking")
	post := func(mutate func(map[string]any)) *simtest.Response {
		body := newBookingBody("Jordan Reyes", "SE-9")
		mutate(body)
		return srv.Do(t, "POST", providerBookings(p.ID), tok, body)
	}
	post(func(b map[string]any) { delete(b, "contacts") }).WantError(t, 400, "address")
	post(func(b map[string]any) {
		b["contacts"] = []any{map[string]any{"type": "Fax", "value": "555-0100"}}
	}).WantError(t, 400, "address")
	post(func(b map[string]any) {
		delete(b, "contacts")
		b["address"] = map[string]any{"street": " ", "city": "Springfield", "state": "IL", "zip": "62704", "country": "USA"}
	}).WantError(t, 400, "address")
	post(func(b map[string]any) { b["name"] = "  " }).WantError(t, 400, "name")
	post(func(b map[string]any) { delete(b, "summary") }).WantError(t, 400, "")
	post(func(b map[string]any) { delete(b, "externalId") }).WantError(t, 400, "")
	post(func(b map[string]any) { b["customerType"] = "Industrial" }).WantError(t, 400, "customerType")
	post(func(b map[string]any) {
		b["contacts"] = []any{map[string]any{"type": "Email", "value": " "}}
	}).WantError(t, 400, "contacts[0].value")

	// An address alone, or an email alone, is enough.
	post(func(b map[string]any) {
		delete(b, "contacts")
		b["address"] = map[string]any{"street": "1 Main St", "city": "Springfield", "state": "IL", "zip": "62704", "country": "USA"}
	}).OK(t)
	post(func(b map[string]any) {
		b["contacts"] = []any{map[string]any{"type": "Email", "value": "jordan@example.com"}}
	}).OK(t)

	// Nothing was left behind by the rejected creates.
	var pg page[booking]
	srv.Do(t, "GET", providerBookings(p.ID)+"?includeTotal=true", tok, nil).OK(t).JSON(t, &pg)
	if *pg.TotalCount != 2 {
		t.Fatalf("%d bookings, want 2", *pg.TotalCount)
	}
}

func TestRestrictedConnectionUsesOnlyItsProvider(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv, tok := startUnrestricted(t, backend)
		own := newProviderTag(t, srv, tok, "Acme Booking")
		other := newProviderTag(t, srv, tok, "Web Form")
		theirs := newBooking(t, srv, tok, other.ID, newBookingBody("Other Provider", "WF-1"))

		restrictTo(t, srv, own.ID)
		// The connection is read on every request, so a token issued before
		// the binding is restricted at once, like a new one.
		fresh := srv.Token(t)
		for name, tk := range map[string]string{"old token": tok, "new token": fresh} {
			t.Run(name, func(t *testing.T) {
				mine := newBooking(t, srv, tk, own.ID, newBookingBody("Own Provider", "SE-1"))
				if mine.BookingProviderID != own.ID {
					t.Fatalf("booking provider %d, want %d", mine.BookingProviderID, own.ID)
				}
				srv.Do(t, "GET", fmt.Sprintf("%s/%d", providerBookings(own.ID), mine.ID), tk, nil).OK(t)
				srv.Do(t, "GET", providerBookings(own.ID), tk, nil).OK(t)

				// Another provider's path: 403, whether or not the tag exists.
				srv.Do(t, "GET", providerBookings(other.ID), tk, nil).WantError(t, 403, "booking_provider")
				srv.Do(t, "GET", fmt.Sprintf("%s/%d", providerBookings(other.ID), theirs.ID), tk, nil).WantError(t, 403, "booking_provider")
				srv.Do(t, "POST", providerBookings(other.ID), tk, newBookingBody("x", "x")).WantError(t, 403, "booking_provider")
				srv.Do(t, "GET", providerBookings(987654), tk, nil).WantError(t, 403, "booking_provider")

				// Tenant-level bookings endpoints and the export are the tenant's.
				for _, path := range []string{
					"/bookings", fmt.Sprintf("/bookings/%d", mine.ID), fmt.Sprintf("/bookings/%d/contacts", mine.ID), "/export/bookings",
				} {
					srv.Do(t, "GET", simtest.CRM+path, tk, nil).WantError(t, 403, "booking_provider")
				}
				// Tags stay readable: they are not bookings.
				srv.Do(t, "GET", simtest.CRM+"/booking-provider-tags", tk, nil).OK(t)
			})
		}

		restrictTo(t, srv, 0) // back to No Restriction
		var pg page[booking]
		srv.Do(t, "GET", simtest.CRM+"/bookings", tok, nil).OK(t).JSON(t, &pg)
		if len(pg.Data) != 3 {
			t.Fatalf("unrestricted tenant list has %d bookings, want 3", len(pg.Data))
		}
	})
}

func TestBookingsAreIsolatedBetweenProviders(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv, tok := startUnrestricted(t, backend)
		a := newProviderTag(t, srv, tok, "Acme Booking")
		b := newProviderTag(t, srv, tok, "Web Form")
		ba := newBooking(t, srv, tok, a.ID, newBookingBody("Provider A", "X-1"))
		bb := newBooking(t, srv, tok, b.ID, newBookingBody("Provider B", "X-1"))

		// The tenant sees every provider's bookings.
		var pg page[booking]
		srv.Do(t, "GET", simtest.CRM+"/bookings?externalId=X-1", tok, nil).OK(t).JSON(t, &pg)
		if got := bookingIDs(pg.Data); got != fmt.Sprint([]int64{ba.ID, bb.ID}) {
			t.Fatalf("tenant list: %v", got)
		}
		srv.Do(t, "GET", fmt.Sprintf("%s/bookings/%d", simtest.CRM, bb.ID), tok, nil).OK(t)

		// A provider sees only its own, even with the same externalId.
		srv.Do(t, "GET", providerBookings(a.ID)+"?externalId=X-1", tok, nil).OK(t).JSON(t, &pg)
		if got := bookingIDs(pg.Data); got != fmt.Sprint([]int64{ba.ID}) {
			t.Fatalf("provider A list: %v", got)
		}
		srv.Do(t, "GET", fmt.Sprintf("%s?ids=%d", providerBookings(a.ID), bb.ID), tok, nil).OK(t).JSON(t, &pg)
		if len(pg.Data) != 0 {
			t.Fatalf("provider A lists B's booking: %v", bookingIDs(pg.Data))
		}
		bOnA := fmt.Sprintf("%s/%d", providerBookings(a.ID), bb.ID)
		srv.Do(t, "GET", bOnA, tok, nil).WantError(t, 404, "")
		srv.Do(t, "PATCH", bOnA, tok, map[string]any{"name": "hijack"}).WantError(t, 404, "")
		srv.Do(t, "GET", bOnA+"/contacts", tok, nil).WantError(t, 404, "")
		srv.Do(t, "POST", bOnA+"/contacts", tok, map[string]any{"type": "Email", "value": "x@example.com"}).WantError(t, 404, "")

		// An unknown provider tag is a 404 naming the booking provider.
		for _, r := range []*simtest.Response{
			srv.Do(t, "GET", providerBookings(987654), tok, nil),
			srv.Do(t, "POST", providerBookings(987654), tok, newBookingBody("Nobody", "N-1")),
			srv.Do(t, "GET", fmt.Sprintf("%s/%d", providerBookings(987654), ba.ID), tok, nil),
		} {
			r.WantError(t, 404, "booking_provider")
		}
	})
}

func TestBookingContacts(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv, tok := startUnrestricted(t, backend)
		p := newProviderTag(t, srv, tok, "Acme Booking")
		b := newBooking(t, srv, tok, p.ID, newBookingBody("Quinn Avery", "SE-1")) // no address, one phone
		contacts := fmt.Sprintf("%s/%d/contacts", providerBookings(p.ID), b.ID)

		list := func(path string) page[bookingContact] {
			var pg page[bookingContact]
			srv.Do(t, "GET", path, tok, nil).OK(t).JSON(t, &pg)
			return pg
		}
		pg := list(contacts)
		if len(pg.Data) != 1 || pg.Data[0].Type != "MobilePhone" || pg.Data[0].Memo != "" {
			t.Fatalf("contacts from create: %+v", pg.Data)
		}
		phone := pg.Data[0]

		var email bookingContact
		srv.Do(t, "POST", contacts, tok, map[string]any{"type": "Email", "value": "quinn@example.com", "memo": "work"}).OK(t).JSON(t, &email)
		if email.ID == 0 || email.Memo != "work" || email.ModifiedOn == "" {
			t.Fatalf("created contact: %+v", email)
		}
		srv.Do(t, "POST", contacts, tok, map[string]any{"type": "Pager", "value": "1"}).WantError(t, 400, "type")
		srv.Do(t, "POST", fmt.Sprintf("%s/999999/contacts", providerBookings(p.ID)), tok, map[string]any{"type": "Email", "value": "a@b.c"}).WantError(t, 404, "")

		// Tenant-level and provider-level lists agree; paging works.
		tenantList := list(fmt.Sprintf("%s/bookings/%d/contacts?pageSize=1&includeTotal=true", simtest.CRM, b.ID))
		if len(tenantList.Data) != 1 || !tenantList.HasMore || *tenantList.TotalCount != 2 || tenantList.Data[0].ID != phone.ID {
			t.Fatalf("tenant contact list: %+v", tenantList)
		}

		srv.Clock.Advance(time.Minute)
		r := srv.Do(t, "PATCH", fmt.Sprintf("%s/%d", contacts, email.ID), tok, map[string]any{"value": "quinn@home.example.com"}).OK(t)
		if got := r.Map(t); len(got) != 3 || got["value"] != "quinn@home.example.com" || got["type"] != "Email" || got["memo"] != "work" {
			t.Fatalf("patch answer (the UpdateBookingContactRequest shape): %v", got)
		}
		srv.Do(t, "PATCH", fmt.Sprintf("%s/%d", contacts, email.ID), tok, map[string]any{"value": ""}).WantError(t, 400, "value")
		srv.Do(t, "PATCH", fmt.Sprintf("%s/999999", contacts), tok, map[string]any{"value": "x"}).WantError(t, 404, "")

		// A contact of another booking is not this booking's.
		other := newBooking(t, srv, tok, p.ID, newBookingBody("Other", "SE-2"))
		otherContacts := list(fmt.Sprintf("%s/%d/contacts", providerBookings(p.ID), other.ID)).Data
		srv.Do(t, "DELETE", fmt.Sprintf("%s/%d", contacts, otherContacts[0].ID), tok, nil).WantError(t, 404, "")

		// Without an address the booking keeps a phone or email: deleting the
		// phone is fine, then the email cannot go nor become a fax.
		r = srv.Do(t, "DELETE", fmt.Sprintf("%s/%d", contacts, phone.ID), tok, nil).OK(t)
		if len(r.Body) != 0 {
			t.Fatalf("delete answered a body: %s", r.Body)
		}
		srv.Do(t, "DELETE", fmt.Sprintf("%s/%d", contacts, phone.ID), tok, nil).WantError(t, 404, "")
		srv.Do(t, "DELETE", fmt.Sprintf("%s/%d", contacts, email.ID), tok, nil).WantError(t, 409, "contactId")
		srv.Do(t, "PATCH", fmt.Sprintf("%s/%d", contacts, email.ID), tok, map[string]any{"type": "Fax"}).WantError(t, 409, "contactId")
		pg = list(contacts)
		if len(pg.Data) != 1 || pg.Data[0].ID != email.ID || pg.Data[0].Value != "quinn@home.example.com" {
			t.Fatalf("contacts after delete: %+v", pg.Data)
		}

		// With an address, the last contact may go.
		srv.Do(t, "PATCH", fmt.Sprintf("%s/%d", providerBookings(p.ID), b.ID), tok, map[string]any{
			"address": map[string]any{"street": "3 Birch Ln", "unit": "", "city": "Springfield", "state": "IL", "zip": "62704", "country": "USA"},
		}).OK(t)
		srv.Do(t, "DELETE", fmt.Sprintf("%s/%d", contacts, email.ID), tok, nil).OK(t)
		if pg = list(contacts); len(pg.Data) != 0 || pg.Data == nil {
			t.Fatalf("contacts after deleting all: %+v", pg)
		}
	})
}

func TestBookingExport(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv, tok := startUnrestricted(t, backend)
		a := newProviderTag(t, srv, tok, "Acme Booking")
		b := newProviderTag(t, srv, tok, "Web Form")
		ba := newBooking(t, srv, tok, a.ID, newBookingBody("Export A", "E-1"))
		bb := newBooking(t, srv, tok, b.ID, newBookingBody("Export B", "E-2"))
		pull := func(tok, query string) bookingFeed {
			var f bookingFeed
			srv.Do(t, "GET", simtest.CRM+"/export/bookings?"+query, tok, nil).OK(t).JSON(t, &f)
			return f
		}

		// Changes show 15 minutes late unless recent changes are asked for.
		if f := pull(tok, ""); len(f.Data) != 0 || f.HasMore || f.ContinueFrom == "" {
			t.Fatalf("fresh changes are visible at once: %+v", f)
		}
		f := pull(tok, "includeRecentChanges=true")
		if bookingIDs(f.Data) != fmt.Sprint([]int64{ba.ID, bb.ID}) || f.Data[0].Active == nil || !*f.Data[0].Active || f.Data[1].BookingProviderID != b.ID {
			t.Fatalf("includeRecentChanges: %+v", f)
		}

		srv.Clock.Advance(16 * time.Minute)
		tok = srv.Token(t) // the old token expired after 15 minutes
		f = pull(tok, "")
		if bookingIDs(f.Data) != fmt.Sprint([]int64{ba.ID, bb.ID}) || f.Data[0].Status != "New" {
			t.Fatalf("export after the delay: %+v", f)
		}
		if again := pull(tok, "from="+f.ContinueFrom); len(again.Data) != 0 {
			t.Fatalf("continueFrom repeats records: %v", bookingIDs(again.Data))
		}

		// A change moves the booking to the head of the feed.
		srv.Do(t, "PATCH", fmt.Sprintf("%s/%d", providerBookings(a.ID), ba.ID), tok, map[string]any{"summary": "changed"}).OK(t)
		if next := pull(tok, "from="+f.ContinueFrom); len(next.Data) != 0 {
			t.Fatalf("the change is visible before the delay: %v", bookingIDs(next.Data))
		}
		srv.Clock.Advance(16 * time.Minute)
		tok = srv.Token(t)
		next := pull(tok, "from="+f.ContinueFrom)
		if bookingIDs(next.Data) != fmt.Sprint([]int64{ba.ID}) || optional.Value(next.Data[0].Summary) != "changed" {
			t.Fatalf("changed booking in the feed: %+v", next)
		}
		srv.Do(t, "GET", simtest.CRM+"/export/bookings?from=garbage", tok, nil).WantError(t, 400, "from")
	})
}
