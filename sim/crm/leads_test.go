package crm_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/simtest"
)

type leadRow struct {
	ID                 int64   `json:"id"`
	Status             string  `json:"status"`
	Priority           string  `json:"priority"`
	CustomerID         *int64  `json:"customerId"`
	LocationID         *int64  `json:"locationId"`
	BusinessUnitID     *int64  `json:"businessUnitId"`
	JobTypeID          *int64  `json:"jobTypeId"`
	CampaignID         int64   `json:"campaignId"`
	FollowUpDate       *string `json:"followUpDate"`
	TagTypeIDs         []int64 `json:"tagTypeIds"`
	DismissingReasonID *int64  `json:"dismissingReasonId"`
	Summary            *string `json:"summary"`
	CallReasonID       *int64  `json:"callReasonId"`
	LeadURL            *string `json:"leadUrl"`
	ModifiedOn         string  `json:"modifiedOn"`
	Active             *bool   `json:"active"`
}

// firstID reads the first record's id of any list.
func firstID(t *testing.T, srv *simtest.Server, tok, path string) int64 {
	t.Helper()
	var p page[struct {
		ID int64 `json:"id"`
	}]
	srv.Do(t, "GET", path, tok, nil).OK(t).JSON(t, &p)
	if len(p.Data) == 0 {
		t.Fatalf("%s is empty", path)
	}
	return p.Data[0].ID
}

func leadIDs(p page[leadRow]) []int64 {
	out := []int64{}
	for _, l := range p.Data {
		out = append(out, l.ID)
	}
	return out
}

func TestLeads(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		campaign := firstID(t, srv, tok, "/marketing/v2/tenant/1234567/campaigns")
		bu := firstID(t, srv, tok, "/settings/v2/tenant/1234567/business-units")
		tag := firstID(t, srv, tok, "/settings/v2/tenant/1234567/tag-types")
		reason := firstID(t, srv, tok, "/jbce/v2/tenant/1234567/call-reasons")
		jobType := firstID(t, srv, tok, simtest.JPM+"/job-types")
		otherJobType := firstID(t, srv, tok, simtest.JPM+"/job-types?page=2&pageSize=1")
		retiredJobType := firstID(t, srv, tok, simtest.JPM+"/job-types?active=False")
		c := create(t, srv, tok, "Lena Leadwell", "555-0177")
		other := create(t, srv, tok, "Otto Otherlead", "555-0178")
		home := c.Locations[0].ID

		var l leadRow
		srv.Do(t, "POST", crmAt("/leads"), tok, map[string]any{
			"locationId": home, "campaignId": campaign, "businessUnitId": bu, "jobTypeId": jobType, "summary": "New boiler quote",
			"tagTypeIds": []int64{tag}, "priority": "High", "callReasonId": reason,
		}).OK(t).JSON(t, &l)
		if l.Status != "Open" || l.Priority != "High" || *l.CustomerID != c.ID || *l.LocationID != home || *l.BusinessUnitID != bu ||
			*l.JobTypeID != jobType || l.CampaignID != campaign || !slices.Equal(l.TagTypeIDs, []int64{tag}) || *l.CallReasonID != reason || l.LeadURL != nil {
			t.Fatalf("created lead: %+v", l)
		}
		var got leadRow
		srv.Do(t, "GET", crmAt("/leads/%d?genPermUrl=true", l.ID), tok, nil).OK(t).JSON(t, &got)
		if got.LeadURL == nil || *got.LeadURL != crm.LeadURLBase+fmt.Sprint(l.ID) {
			t.Fatalf("leadUrl: %+v", got.LeadURL)
		}

		// Update, follow-up, notes.
		srv.Clock.Advance(time.Minute)
		srv.Do(t, "PATCH", crmAt("/leads/%d", l.ID), tok, map[string]any{"priority": "Urgent", "jobTypeId": otherJobType}).OK(t).JSON(t, &got)
		if got.Priority != "Urgent" || *got.JobTypeID != otherJobType || got.ModifiedOn == l.ModifiedOn {
			t.Fatalf("updated lead: %+v", got)
		}
		when := srv.Clock.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
		var fu struct {
			LeadID       int64   `json:"leadId"`
			FollowUpDate string  `json:"followUpDate"`
			Text         *string `json:"text"`
			PinToTop     bool    `json:"pinToTop"`
		}
		srv.Do(t, "POST", crmAt("/leads/%d/follow-up", l.ID), tok, map[string]any{"followUpDate": when, "text": "Call back Thursday", "pinToTop": true}).OK(t).JSON(t, &fu)
		if fu.LeadID != l.ID || !fu.PinToTop || *fu.Text != "Call back Thursday" {
			t.Fatalf("follow-up: %+v", fu)
		}
		srv.Do(t, "POST", crmAt("/leads/%d/notes", l.ID), tok, map[string]any{"text": "Sent brochure"}).OK(t)
		if got := noteTexts(noteRows(t, srv, tok, crmAt("/leads/%d/notes", l.ID))); fmt.Sprint(got) != "[Call back Thursday Sent brochure]" {
			t.Fatalf("lead notes: %v", got)
		}
		srv.Do(t, "GET", crmAt("/leads/%d", l.ID), tok, nil).OK(t).JSON(t, &got)
		if got.FollowUpDate == nil {
			t.Fatalf("follow-up date not kept: %+v", got)
		}

		// A second lead without location; then lists and filters.
		var second leadRow
		srv.Do(t, "POST", crmAt("/leads"), tok, map[string]any{"customerId": other.ID, "campaignId": campaign, "summary": "Gutter guards"}).OK(t).JSON(t, &second)
		var form struct {
			LeadID int64 `json:"leadId"`
		}
		srv.Do(t, "POST", crmAt("/leads/form"), tok, map[string]any{"name": "Web Visitor", "email": "web@example.com", "summary": "Leaky faucet"}).OK(t).JSON(t, &form)
		srv.Do(t, "GET", crmAt("/leads/%d", form.LeadID), tok, nil).OK(t).JSON(t, &got)
		if got.CustomerID != nil || got.Status != "Open" || !strings.Contains(*got.Summary, "web@example.com") {
			t.Fatalf("lead from the form: %+v", got)
		}

		srv.Do(t, "POST", crmAt("/leads/%d/dismiss", second.ID), tok, map[string]any{"dismissingReasonId": 3}).OK(t)
		srv.Do(t, "GET", crmAt("/leads/%d", second.ID), tok, nil).OK(t).JSON(t, &got)
		if got.Status != "Dismissed" || *got.DismissingReasonID != 3 {
			t.Fatalf("dismissed lead: %+v", got)
		}
		// Only an open lead changes.
		srv.Do(t, "POST", crmAt("/leads/%d/dismiss", second.ID), tok, map[string]any{"dismissingReasonId": 3}).WantError(t, 400, "id")
		srv.Do(t, "PATCH", crmAt("/leads/%d", second.ID), tok, map[string]any{"priority": "Low"}).WantError(t, 400, "id")
		srv.Do(t, "POST", crmAt("/leads/%d/follow-up", second.ID), tok, map[string]any{"followUpDate": when}).WantError(t, 400, "id")

		var p page[leadRow]
		srv.Do(t, "GET", crmAt("/leads?customerId=%d", c.ID), tok, nil).OK(t).JSON(t, &p)
		if !slices.Equal(leadIDs(p), []int64{l.ID}) {
			t.Fatalf("leads?customerId: %v", leadIDs(p))
		}
		srv.Do(t, "GET", crmAt("/leads?status=Dismissed&createdOnOrAfter=%s", simtest.Epoch.Format(time.RFC3339)), tok, nil).OK(t).JSON(t, &p)
		if !slices.Contains(leadIDs(p), second.ID) || slices.Contains(leadIDs(p), l.ID) {
			t.Fatalf("leads?status=Dismissed: %v", leadIDs(p))
		}
		srv.Do(t, "GET", crmAt("/leads?withoutCustomer=true&pageSize=500"), tok, nil).OK(t).JSON(t, &p)
		if !slices.Contains(leadIDs(p), form.LeadID) || !slices.Contains(leadIDs(p), second.ID) || slices.Contains(leadIDs(p), l.ID) {
			t.Fatalf("leads?withoutCustomer=true: %v", leadIDs(p))
		}
		srv.Do(t, "GET", crmAt("/leads?customerCity=springfield&customerZip=62701&pageSize=500"), tok, nil).OK(t).JSON(t, &p)
		if !slices.Equal(leadIDs(p), []int64{l.ID, second.ID}) {
			t.Fatalf("leads by the customer's city and zip: %v", leadIDs(p))
		}
		srv.Do(t, "GET", crmAt("/leads?sort=-Id&pageSize=1&includeTotal=true"), tok, nil).OK(t).JSON(t, &p)
		if p.Data[0].ID != form.LeadID || !p.HasMore || *p.TotalCount < 3 {
			t.Fatalf("leads sorted by -Id: %+v", p)
		}

		// The export feed carries every lead with active.
		srv.Clock.Advance(16 * time.Minute)
		tok = srv.Token(t)
		var feed struct {
			Data []leadRow `json:"data"`
		}
		srv.Do(t, "GET", crmAt("/export/leads"), tok, nil).OK(t).JSON(t, &feed)
		if last := feed.Data[len(feed.Data)-1]; last.ID != second.ID || last.Active == nil || !*last.Active {
			t.Fatalf("lead feed ends with %+v", last)
		}

		// Bad input.
		post := func(b map[string]any) *simtest.Response { return srv.Do(t, "POST", crmAt("/leads"), tok, b) }
		post(map[string]any{"campaignId": campaign, "summary": " "}).WantError(t, 400, "summary")
		post(map[string]any{"campaignId": 999999, "summary": "x"}).WantError(t, 400, "campaignId")
		post(map[string]any{"campaignId": campaign, "summary": "x", "customerId": 999999}).WantError(t, 400, "customerId")
		post(map[string]any{"campaignId": campaign, "summary": "x", "customerId": other.ID, "locationId": home}).WantError(t, 400, "locationId")
		post(map[string]any{"campaignId": campaign, "summary": "x", "businessUnitId": 999999}).WantError(t, 400, "businessUnitId")
		post(map[string]any{"campaignId": campaign, "summary": "x", "tagTypeIds": []int64{999999}}).WantError(t, 400, "tagTypeIds[0]")
		post(map[string]any{"campaignId": campaign, "summary": "x", "callReasonId": 999999}).WantError(t, 400, "callReasonId")
		// jobTypeId names an active job type (jpm's): an unknown ID, another
		// kind's record or a retired job type is a 400 naming it.
		for _, id := range []int64{999999, c.ID, retiredJobType} {
			r := post(map[string]any{"campaignId": campaign, "summary": "x", "jobTypeId": id})
			r.WantError(t, 400, "jobTypeId")
			if !strings.Contains(string(r.Body), fmt.Sprint(id)) {
				t.Errorf("jobTypeId %d: message does not name it: %s", id, r.Body)
			}
		}
		srv.Do(t, "PATCH", crmAt("/leads/%d", l.ID), tok, map[string]any{"jobTypeId": 999999}).WantError(t, 400, "jobTypeId")
		post(map[string]any{"summary": "x"}).WantError(t, 400, "campaignId")
		srv.Do(t, "GET", crmAt("/leads/999999"), tok, nil).WantError(t, 404, "")
		srv.Do(t, "PATCH", crmAt("/leads/999999"), tok, map[string]any{"priority": "Low"}).WantError(t, 404, "")
		srv.Do(t, "POST", crmAt("/leads/%d/dismiss", l.ID), tok, map[string]any{"dismissingReasonId": 0}).WantError(t, 400, "dismissingReasonId")
		srv.Do(t, "POST", crmAt("/leads/999999/notes"), tok, map[string]any{"text": "x"}).WantError(t, 404, "")
		srv.Do(t, "POST", crmAt("/leads/form"), tok, map[string]any{"email": "x@example.com"}).WantError(t, 400, "name")
		srv.Do(t, "GET", crmAt("/leads?status=Won"), tok, nil).WantError(t, 400, "status")
		srv.Do(t, "GET", crmAt("/leads?isProspect=maybe"), tok, nil).WantError(t, 400, "isProspect")
		srv.Do(t, "GET", crmAt("/export/leads?from=garbage"), tok, nil).WantError(t, 400, "from")
	})
}

// TestDemoLeads: the demo tenant has leads in every state.
func TestDemoLeads(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		for status, want := range map[string]int{"Open": 3, "Dismissed": 1, "Converted": 1} {
			var p page[leadRow]
			srv.Do(t, "GET", crmAt("/leads?status=%s&includeTotal=true", status), tok, nil).OK(t).JSON(t, &p)
			if *p.TotalCount != want {
				t.Errorf("%d %s demo leads, want %d", *p.TotalCount, status, want)
			}
		}
		var p page[leadRow]
		srv.Do(t, "GET", crmAt("/leads?isProspect=false"), tok, nil).OK(t).JSON(t, &p)
		if len(p.Data) != 1 || *p.Data[0].CustomerID != crm.DemoCustomerID {
			t.Fatalf("converted demo leads: %+v", p.Data)
		}
	})
}
