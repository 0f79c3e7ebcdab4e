package marketing_test

import (
	"fmt"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/marketing"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/simtest"
)

func TestDemoCampaigns(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		p := get[resource.Page[campaign]](t, srv, tok, "/campaigns?active=Any&includeTotal=true")
		want := fmt.Sprint(marketing.CampaignGoogleAds, ", ", marketing.CampaignYardSigns, ", ", marketing.CampaignWebsiteBooking, ", ",
			marketing.CampaignReferral, ", ", marketing.CampaignSpringMailer, ", ", marketing.CampaignDefault)
		if campaignNames(p) != want || *p.TotalCount != 6 {
			t.Fatalf("campaigns: %s", campaignNames(p))
		}
		defaults := 0
		for _, c := range p.Data {
			if c.Category == nil || c.Category.Name == "" || c.CampaignPhoneNumbers == nil ||
				c.CreatedOn != "2026-11-23T15:00:00.0000000Z" || c.ModifiedOn != c.CreatedOn {
				t.Errorf("campaign %+v", c)
			}
			if c.Active != (c.Name != marketing.CampaignSpringMailer) {
				t.Errorf("%s: active %v", c.Name, c.Active)
			}
			if c.IsDefaultCampaign {
				defaults++
			}
		}
		if defaults != 1 {
			t.Errorf("%d default campaigns", defaults)
		}
		g := p.Data[0]
		if g.Category.Name != marketing.CategoryDigital || !g.Category.Active || fmt.Sprint(g.CampaignPhoneNumbers) != "[(800) 555-0101]" ||
			g.Source == nil || *g.Source != "Google" || g.Medium == nil || *g.Medium != "Paid Search" || g.OtherSource != nil || g.OtherMedium != nil {
			t.Errorf("Google Ads: %+v", g)
		}
		if d := p.Data[5]; !d.IsDefaultCampaign || d.Source != nil {
			t.Errorf("default campaign: %+v", d)
		}
		one := get[campaign](t, srv, tok, at("/campaigns/%d", g.ID))
		if !reflect.DeepEqual(one, g) {
			t.Errorf("get %+v, list %+v", one, g)
		}
		// Only active campaigns by default.
		if p := get[resource.Page[campaign]](t, srv, tok, "/campaigns"); len(p.Data) != 5 {
			t.Fatalf("default list: %s", campaignNames(p))
		}
		if p := get[resource.Page[campaign]](t, srv, tok, "/campaigns?active=False"); campaignNames(p) != marketing.CampaignSpringMailer {
			t.Fatalf("active=False: %s", campaignNames(p))
		}
	})
}

func TestDemoLookups(t *testing.T) {
	srv := simtest.Start(t)
	err := resource.View(srv.Store(), simtest.Tenant, srv.Clock.Now(), func(tx *resource.Tx) error {
		c, err := marketing.FindCampaign(tx, "website booking")
		if err != nil || c.Name != marketing.CampaignWebsiteBooking {
			t.Errorf("FindCampaign: %+v, %v", c, err)
		}
		if _, err := marketing.FindCampaign(tx, "No such campaign"); err == nil {
			t.Error("FindCampaign found a missing campaign")
		}
		d, err := marketing.DefaultCampaign(tx)
		if err != nil || d.Name != marketing.CampaignDefault {
			t.Errorf("DefaultCampaign: %+v, %v", d, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCampaignCreateUpdate(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		bu, _ := businessUnits(t, srv)
		printCat := demoCategory(t, srv, tok, marketing.CategoryPrint)
		digital := demoCategory(t, srv, tok, marketing.CategoryDigital)

		srv.Clock.Advance(time.Minute)
		c := send[campaign](t, srv, tok, "POST", "/campaigns", map[string]any{
			"name": "Fall Postcards", "businessUnitId": bu.ID, "categoryId": printCat.ID, "active": true, "dnis": "800-555-0199",
		})
		if c.ID == 0 || c.Name != "Fall Postcards" || !c.Active || c.Category == nil || c.Category.ID != printCat.ID ||
			c.Category.Name != marketing.CategoryPrint || c.BusinessUnit == nil || c.BusinessUnit.ID != bu.ID ||
			c.BusinessUnit.Name != bu.Name || fmt.Sprint(c.CampaignPhoneNumbers) != "[800-555-0199]" || c.IsDefaultCampaign ||
			c.CreatedOn != "2026-11-23T15:01:00.0000000Z" || c.ModifiedOn != c.CreatedOn || c.Source != nil {
			t.Fatalf("created: %+v", c)
		}
		if got := get[campaign](t, srv, tok, at("/campaigns/%d", c.ID)); !reflect.DeepEqual(got, c) {
			t.Fatalf("get %+v, created %+v", got, c)
		}
		// Names may repeat.
		dup := send[campaign](t, srv, tok, "POST", "/campaigns", map[string]any{
			"name": "Fall Postcards", "businessUnitId": bu.ID, "categoryId": printCat.ID, "active": false,
		})
		if dup.ID == c.ID || dup.Active || len(dup.CampaignPhoneNumbers) != 0 || dup.CampaignPhoneNumbers == nil {
			t.Fatalf("duplicate: %+v", dup)
		}

		srv.Clock.Advance(time.Minute)
		u := send[campaign](t, srv, tok, "PATCH", at("/campaigns/%d", c.ID), map[string]any{
			"name": "Fall Postcards 2026", "businessUnitId": bu.ID, "categoryId": digital.ID, "active": false,
		})
		if u.ID != c.ID || u.Name != "Fall Postcards 2026" || u.Active || u.Category.ID != digital.ID ||
			fmt.Sprint(u.CampaignPhoneNumbers) != "[800-555-0199]" || u.CreatedOn != c.CreatedOn || u.ModifiedOn != "2026-11-23T15:02:00.0000000Z" {
			t.Fatalf("updated (dnis absent keeps the number): %+v", u)
		}
		u = send[campaign](t, srv, tok, "PATCH", at("/campaigns/%d", c.ID), map[string]any{
			"name": "Fall Postcards 2026", "businessUnitId": bu.ID, "categoryId": digital.ID, "active": true, "dnis": "+1 (888) 555-0123",
		})
		if !u.Active || fmt.Sprint(u.CampaignPhoneNumbers) != "[+1 (888) 555-0123]" {
			t.Fatalf("dnis replaced: %+v", u)
		}
		u = send[campaign](t, srv, tok, "PATCH", at("/campaigns/%d", c.ID), map[string]any{
			"name": "Fall Postcards 2026", "businessUnitId": bu.ID, "categoryId": digital.ID, "active": true, "dnis": nil,
		})
		if len(u.CampaignPhoneNumbers) != 0 || u.CampaignPhoneNumbers == nil {
			t.Fatalf("dnis null clears: %+v", u)
		}
		// The campaign keeps a category that was deactivated after it was chosen.
		send[struct{ ID int64 }](t, srv, tok, "PATCH", at("/categories/%d", digital.ID), map[string]any{"name": digital.Name, "active": false})
		u = send[campaign](t, srv, tok, "PATCH", at("/campaigns/%d", c.ID), map[string]any{
			"name": "Renamed", "businessUnitId": bu.ID, "categoryId": digital.ID, "active": true,
		})
		if u.Name != "Renamed" || u.Category.Active {
			t.Fatalf("kept inactive category: %+v", u)
		}
		// With validation off, a partial body patches only what it has.
		var partial campaign
		unvalidated(t, srv, tok, "PATCH", at("/campaigns/%d", c.ID), map[string]any{"active": false}).OK(t).JSON(t, &partial)
		if partial.Name != "Renamed" || partial.Active {
			t.Fatalf("partial patch: %+v", partial)
		}
	})
}

func TestCampaignErrors(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	bu, closed := businessUnits(t, srv)
	printCat := demoCategory(t, srv, tok, marketing.CategoryPrint)
	radio := demoCategory(t, srv, tok, marketing.CategoryRadio)
	yard := demoCampaign(t, srv, tok, marketing.CampaignYardSigns)
	body := func(change map[string]any) map[string]any {
		b := map[string]any{"name": "X", "businessUnitId": bu.ID, "categoryId": printCat.ID, "active": true}
		for k, v := range change {
			if v == nil {
				delete(b, k)
			} else {
				b[k] = v
			}
		}
		return b
	}

	srv.Do(t, "GET", mkt+"/campaigns/999999", tok, nil).WantError(t, 404, "")
	srv.Do(t, "PATCH", mkt+"/campaigns/999999", tok, body(nil)).WantError(t, 404, "")
	srv.Do(t, "GET", mkt+"/campaigns/xyz", tok, nil).WantError(t, 400, "id")
	for _, method := range []string{"POST", "PATCH"} {
		path := "/campaigns"
		if method == "PATCH" {
			path = at("/campaigns/%d", yard.ID)
		}
		for name, tc := range map[string]struct {
			change map[string]any
			field  string
		}{
			"unknown category":     {map[string]any{"categoryId": 999999}, "categoryId"},
			"inactive category":    {map[string]any{"categoryId": radio.ID}, "categoryId"},
			"campaign as category": {map[string]any{"categoryId": yard.ID}, "categoryId"},
			"unknown unit":         {map[string]any{"businessUnitId": 999999}, "businessUnitId"},
			"inactive unit":        {map[string]any{"businessUnitId": closed.ID}, "businessUnitId"},
			"blank name":           {map[string]any{"name": " "}, "name"},
			"short dnis":           {map[string]any{"dnis": "12345"}, "dnis"},
			"wordy dnis":           {map[string]any{"dnis": "call us"}, "dnis"},
		} {
			t.Run(method+" "+name, func(t *testing.T) {
				srv.Do(t, method, mkt+path, tok, body(tc.change)).WantError(t, 400, tc.field)
			})
		}
	}
	// Both bad references are named at once.
	r := srv.Do(t, "POST", mkt+"/campaigns", tok, body(map[string]any{"categoryId": 999999, "businessUnitId": 999998}))
	r.WantError(t, 400, "categoryId")
	r.WantError(t, 400, "businessUnitId")
	// Missing members: request validation, then the handler's own check.
	for _, field := range []string{"name", "businessUnitId", "categoryId", "active"} {
		srv.Do(t, "POST", mkt+"/campaigns", tok, body(map[string]any{field: nil})).WantError(t, 400, field)
		unvalidated(t, srv, tok, "POST", "/campaigns", body(map[string]any{field: nil})).WantError(t, 400, field)
	}
	srv.Do(t, "POST", mkt+"/campaigns", tok, body(map[string]any{"isDefaultCampaign": true})).WantError(t, 400, "isDefaultCampaign")
	// A failed update changes nothing.
	if got := demoCampaign(t, srv, tok, marketing.CampaignYardSigns); !reflect.DeepEqual(got, yard) {
		t.Fatalf("failed updates changed the campaign: %+v", got)
	}
}

func TestCampaignFilters(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		bu, _ := businessUnits(t, srv)
		printCat := demoCategory(t, srv, tok, marketing.CategoryPrint)
		seeded := srv.Clock.Now()
		srv.Clock.Advance(time.Minute)
		later := srv.Clock.Now()
		fresh := send[campaign](t, srv, tok, "POST", "/campaigns", map[string]any{
			"name": "Door Hangers", "businessUnitId": bu.ID, "categoryId": printCat.ID, "active": true, "dnis": "8005550102",
		})
		srv.Clock.Advance(time.Minute)
		yard := demoCampaign(t, srv, tok, marketing.CampaignYardSigns)
		send[campaign](t, srv, tok, "PATCH", at("/campaigns/%d", yard.ID), map[string]any{
			"name": yard.Name, "businessUnitId": bu.ID, "categoryId": printCat.ID, "active": true,
		})
		modified := srv.Clock.Now()
		ts := func(tm time.Time) string { return url.QueryEscape(tm.Format(time.RFC3339)) }
		mailer := demoCampaign(t, srv, tok, marketing.CampaignSpringMailer)
		google := demoCampaign(t, srv, tok, marketing.CampaignGoogleAds)

		for query, want := range map[string]string{
			"name=SIGN":              "Yard Signs",
			"name=er&active=Any":     "Referral Program, Spring 2025 Mailer, Door Hangers",
			"name=nothing-like-this": "",
			at("ids=%d,%d,%d", mailer.ID, google.ID, fresh.ID):          "Google Ads, Door Hangers",
			at("ids=%d,%d&active=Any", mailer.ID, google.ID):            "Google Ads, Spring 2025 Mailer",
			"campaignPhoneNumber=8005550101":                            "Google Ads",
			"campaignPhoneNumber=" + url.QueryEscape("+1 800-555-0102"): "Yard Signs, Door Hangers",
			"campaignPhoneNumber=(800)555-0105":                         "",
			"campaignPhoneNumber=(800)555-0105&active=Any":              "Spring 2025 Mailer",
			"campaignPhoneNumber=none":                                  "",
			"campaignPhoneNumber=8005550102&name=door":                  "Door Hangers",
			"createdOnOrAfter=" + ts(later):                             "Door Hangers",
			"createdBefore=" + ts(later):                                "Google Ads, Yard Signs, Website Booking, Referral Program, Direct Call",
			"createdBefore=" + ts(seeded):                               "",
			"modifiedOnOrAfter=" + ts(modified):                         "Yard Signs",
			"modifiedBefore=" + ts(later) + "&active=False":             "Spring 2025 Mailer",
			"sort=-CreatedOn&pageSize=2":                                "Door Hangers, Direct Call",
			"sort=-ModifiedOn&pageSize=2":                               "Yard Signs, Door Hangers",
			"sort=%2BModifiedOn&pageSize=2":                             "Google Ads, Website Booking",
			"sort=-Id&active=Any&pageSize=3":                            "Door Hangers, Direct Call, Spring 2025 Mailer",
		} {
			t.Run(query, func(t *testing.T) {
				if got := campaignNames(get[resource.Page[campaign]](t, srv, tok, "/campaigns?"+query)); got != want {
					t.Fatalf("got %q, want %q", got, want)
				}
			})
		}
	})
}

func TestCampaignPagingAndBadQueries(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	p := get[resource.Page[campaign]](t, srv, tok, "/campaigns?active=Any&page=2&pageSize=4&includeTotal=true")
	if p.Page != 2 || p.PageSize != 4 || len(p.Data) != 2 || p.HasMore || *p.TotalCount != 6 ||
		campaignNames(p) != marketing.CampaignSpringMailer+", "+marketing.CampaignDefault {
		t.Fatalf("page 2: %+v", p)
	}
	if p := get[resource.Page[campaign]](t, srv, tok, "/campaigns?pageSize=2"); len(p.Data) != 2 || !p.HasMore || p.TotalCount != nil {
		t.Fatalf("page 1: %+v", p)
	}
	for query, field := range map[string]string{
		"sort=Name":                          "sort",
		"active=Sometimes":                   "active",
		"ids=1,x":                            "ids",
		"pageSize=-1":                        "pageSize",
		"createdOnOrAfter=soon":              "createdOnOrAfter",
		"createdBefore=2026-02-30T00:00:00Z": "createdBefore",
		"modifiedBefore=nope":                "modifiedBefore",
	} {
		t.Run(query, func(t *testing.T) {
			srv.Do(t, "GET", mkt+"/campaigns?"+query, tok, nil).WantError(t, 400, field)
		})
	}
	var ids string
	for i := range 51 {
		ids += at("%d,", i+1)
	}
	srv.Do(t, "GET", mkt+"/campaigns?ids="+ids, tok, nil).WantError(t, 400, "ids")
}
