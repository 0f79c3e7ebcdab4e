package marketing_test

import (
	"testing"

	"github.com/stsim/stsim/sim/marketing"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/simtest"
)

func costList(items []cost) string {
	return nameList(items, func(c cost) string { return at("%d-%02d:%g", c.Year, c.Month, c.DailyCost) })
}

func TestDemoCosts(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		google := demoCampaign(t, srv, tok, marketing.CampaignGoogleAds)
		mailer := demoCampaign(t, srv, tok, marketing.CampaignSpringMailer)
		referral := demoCampaign(t, srv, tok, marketing.CampaignReferral)

		// The test clock starts in November 2026.
		p := get[resource.Page[cost]](t, srv, tok, at("/campaigns/%d/costs?includeTotal=true", google.ID))
		if got := costList(p.Data); got != "2026-09:42.5, 2026-10:48, 2026-11:55.25" || *p.TotalCount != 3 || p.HasMore {
			t.Fatalf("Google Ads costs: %s (%+v)", got, p)
		}
		if got := costList(get[resource.Page[cost]](t, srv, tok, at("/campaigns/%d/costs", mailer.ID)).Data); got != "2025-03:18, 2025-04:18" {
			t.Fatalf("mailer costs: %s", got)
		}
		if p := get[resource.Page[cost]](t, srv, tok, at("/campaigns/%d/costs", referral.ID)); len(p.Data) != 0 || p.Data == nil {
			t.Fatalf("referral costs: %+v", p)
		}
		one := get[cost](t, srv, tok, at("/costs/%d", p.Data[1].ID))
		if one != p.Data[1] {
			t.Fatalf("get cost: %+v, want %+v", one, p.Data[1])
		}

		for query, want := range map[string]string{
			"year=2026":                   "2026-09:42.5, 2026-10:48, 2026-11:55.25",
			"year=2025":                   "",
			"month=10":                    "2026-10:48",
			"year=2026&month=11":          "2026-11:55.25",
			"year=2025&month=11":          "",
			"pageSize=2":                  "2026-09:42.5, 2026-10:48",
			"pageSize=2&page=2":           "2026-11:55.25",
			"pageSize=1&page=2&year=2026": "2026-10:48",
		} {
			t.Run(query, func(t *testing.T) {
				if got := costList(get[resource.Page[cost]](t, srv, tok, at("/campaigns/%d/costs?%s", google.ID, query)).Data); got != want {
					t.Fatalf("got %q, want %q", got, want)
				}
			})
		}
		if p := get[resource.Page[cost]](t, srv, tok, at("/campaigns/%d/costs?pageSize=2", google.ID)); !p.HasMore || p.PageSize != 2 {
			t.Fatalf("hasMore: %+v", p)
		}
	})
}

func TestCostCreateUpdate(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		yard := demoCampaign(t, srv, tok, marketing.CampaignYardSigns)
		mailer := demoCampaign(t, srv, tok, marketing.CampaignSpringMailer)

		c := send[cost](t, srv, tok, "POST", "/costs", map[string]any{"campaignId": yard.ID, "year": 2026, "month": 12, "dailyCost": 4.75})
		if c.ID == 0 || c != (cost{ID: c.ID, Year: 2026, Month: 12, DailyCost: 4.75}) {
			t.Fatalf("created: %+v", c)
		}
		if got := get[cost](t, srv, tok, at("/costs/%d", c.ID)); got != c {
			t.Fatalf("get: %+v", got)
		}
		if got := costList(get[resource.Page[cost]](t, srv, tok, at("/campaigns/%d/costs", yard.ID)).Data); got != "2026-10:3.2, 2026-12:4.75" {
			t.Fatalf("yard costs: %s", got)
		}
		// Inactive campaigns may have costs; zero is a valid cost.
		send[cost](t, srv, tok, "POST", "/costs", map[string]any{"campaignId": mailer.ID, "year": 2025, "month": 5, "dailyCost": 0})

		upd := send[struct{ ID int64 }](t, srv, tok, "PATCH", at("/costs/%d", c.ID), map[string]any{"dailyCost": 6})
		if upd.ID != c.ID {
			t.Fatalf("update answered %d", upd.ID)
		}
		if got := get[cost](t, srv, tok, at("/costs/%d", c.ID)); got.DailyCost != 6 || got.Year != 2026 || got.Month != 12 {
			t.Fatalf("after update: %+v", got)
		}
	})
}

func TestCostErrors(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	google := demoCampaign(t, srv, tok, marketing.CampaignGoogleAds)
	category := demoCategory(t, srv, tok, marketing.CategoryDigital)
	body := func(change map[string]any) map[string]any {
		b := map[string]any{"campaignId": google.ID, "year": 2027, "month": 1, "dailyCost": 10}
		for k, v := range change {
			if v == nil {
				delete(b, k)
			} else {
				b[k] = v
			}
		}
		return b
	}
	srv.Do(t, "GET", mkt+"/costs/999999", tok, nil).WantError(t, 404, "")
	srv.Do(t, "GET", mkt+at("/costs/%d", google.ID), tok, nil).WantError(t, 404, "") // a campaign's ID is not a cost's
	srv.Do(t, "PATCH", mkt+"/costs/999999", tok, map[string]any{"dailyCost": 1}).WantError(t, 404, "")
	srv.Do(t, "GET", mkt+"/campaigns/999999/costs", tok, nil).WantError(t, 404, "")
	srv.Do(t, "GET", mkt+at("/campaigns/%d/costs", category.ID), tok, nil).WantError(t, 404, "")

	for name, tc := range map[string]struct {
		change map[string]any
		field  string
	}{
		"unknown campaign":     {map[string]any{"campaignId": 999999}, "campaignId"},
		"category as campaign": {map[string]any{"campaignId": category.ID}, "campaignId"},
		"month 0":              {map[string]any{"month": 0}, "month"},
		"month 13":             {map[string]any{"month": 13}, "month"},
		"year 1850":            {map[string]any{"year": 1850}, "year"},
		"negative cost":        {map[string]any{"dailyCost": -0.01}, "dailyCost"},
		"duplicate month":      {map[string]any{"year": 2026, "month": 10}, "month"},
	} {
		t.Run(name, func(t *testing.T) {
			srv.Do(t, "POST", mkt+"/costs", tok, body(tc.change)).WantError(t, 400, tc.field)
		})
	}
	for _, field := range []string{"campaignId", "year", "month", "dailyCost"} {
		srv.Do(t, "POST", mkt+"/costs", tok, body(map[string]any{field: nil})).WantError(t, 400, field)
		unvalidated(t, srv, tok, "POST", "/costs", body(map[string]any{field: nil})).WantError(t, 400, field)
	}
	p := get[resource.Page[cost]](t, srv, tok, at("/campaigns/%d/costs", google.ID))
	srv.Do(t, "PATCH", mkt+at("/costs/%d", p.Data[0].ID), tok, map[string]any{"dailyCost": -5}).WantError(t, 400, "dailyCost")
	srv.Do(t, "PATCH", mkt+at("/costs/%d", p.Data[0].ID), tok, map[string]any{"dailyCost": "lots"}).WantError(t, 400, "dailyCost")
	unvalidated(t, srv, tok, "PATCH", at("/costs/%d", p.Data[0].ID), map[string]any{}).WantError(t, 400, "dailyCost")
	for query, field := range map[string]string{"month=13": "month", "month=0": "month", "year=abc": "year", "year=99": "year", "pageSize=0": "pageSize"} {
		srv.Do(t, "GET", mkt+at("/campaigns/%d/costs?%s", google.ID, query), tok, nil).WantError(t, 400, field)
	}
	// Nothing above changed the costs.
	if got := costList(get[resource.Page[cost]](t, srv, tok, at("/campaigns/%d/costs", google.ID)).Data); got != "2026-09:42.5, 2026-10:48, 2026-11:55.25" {
		t.Fatalf("costs changed: %s", got)
	}
}
