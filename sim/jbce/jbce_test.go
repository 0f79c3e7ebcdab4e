package jbce_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/jbce"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/simtest"
)

const base = "/jbce/v2/tenant/1234567/call-reasons"

type reason struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	IsLead     bool   `json:"isLead"`
	Active     bool   `json:"active"`
	CreatedOn  string `json:"createdOn"`
	ModifiedOn string `json:"modifiedOn"`
}

type page struct {
	Page       int      `json:"page"`
	PageSize   int      `json:"pageSize"`
	TotalCount *int     `json:"totalCount"`
	HasMore    bool     `json:"hasMore"`
	Data       []reason `json:"data"`
}

func list(t *testing.T, srv *simtest.Server, tok, query string) page {
	t.Helper()
	var p page
	srv.Do(t, "GET", base+"?"+query, tok, nil).OK(t).JSON(t, &p)
	return p
}

func names(p page) []string {
	out := []string{}
	for _, r := range p.Data {
		out = append(out, r.Name)
	}
	return out
}

func TestDemoCallReasons(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		all := list(t, srv, tok, "active=Any&includeTotal=true")
		if len(all.Data) != 8 || all.TotalCount == nil || *all.TotalCount != 8 || all.HasMore {
			t.Fatalf("active=Any: %+v", all)
		}
		want := map[string][2]bool{ // isLead, active
			jbce.ReasonNoHeat: {false, true}, jbce.ReasonACNotCooling: {false, true}, jbce.ReasonLeakingPipe: {false, true},
			jbce.ReasonCloggedDrain: {false, true}, jbce.ReasonNoHotWater: {false, true}, jbce.ReasonEstimate: {true, true},
			jbce.ReasonMembership: {true, true}, jbce.ReasonDuctCleaning: {true, false},
		}
		for i, r := range all.Data {
			w, ok := want[r.Name]
			if !ok || r.IsLead != w[0] || r.Active != w[1] {
				t.Errorf("unexpected call reason %+v", r)
			}
			if i > 0 && r.ID <= all.Data[i-1].ID {
				t.Errorf("not in ID order: %v", names(all))
			}
			if r.CreatedOn != "2026-11-23T15:00:00.0000000Z" || r.ModifiedOn != r.CreatedOn {
				t.Errorf("%s: createdOn %s modifiedOn %s", r.Name, r.CreatedOn, r.ModifiedOn)
			}
		}
		// active defaults to True.
		if p := list(t, srv, tok, ""); len(p.Data) != 7 || p.TotalCount != nil || p.Page != 1 || p.PageSize != 50 {
			t.Fatalf("default list: %+v", p)
		}
		if p := list(t, srv, tok, "active=False"); fmt.Sprint(names(p)) != "["+jbce.ReasonDuctCleaning+"]" {
			t.Fatalf("active=False: %v", names(p))
		}
	})
}

func TestCallReasonsPagingSortDates(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		p := list(t, srv, tok, "pageSize=3&page=3&includeTotal=true")
		if len(p.Data) != 1 || p.HasMore || *p.TotalCount != 7 || p.Page != 3 || p.PageSize != 3 {
			t.Fatalf("page 3 of 3: %+v", p)
		}
		if p := list(t, srv, tok, "pageSize=3&page=2"); len(p.Data) != 3 || !p.HasMore {
			t.Fatalf("page 2 of 3: %+v", p)
		}
		asc := list(t, srv, tok, "active=Any&sort=%2BId")
		desc := list(t, srv, tok, "active=Any&sort=-Id")
		if len(desc.Data) != 8 || desc.Data[0].ID != asc.Data[7].ID || desc.Data[7].ID != asc.Data[0].ID {
			t.Fatalf("sort=-Id: %v vs %v", names(desc), names(asc))
		}

		// A call reason added a minute later (there is no create operation).
		srv.Clock.Advance(time.Minute)
		later := srv.Clock.Now()
		err := resource.Update(srv.Store(), simtest.Tenant, later, func(tx *resource.Tx) error {
			return resource.Create(tx, &jbce.CallReasons, &jbce.CallReason{Meta: resource.Meta{Active: true}, Name: "Gas smell", IsLead: false})
		})
		if err != nil {
			t.Fatal(err)
		}
		at := url.QueryEscape(later.Format(time.RFC3339))
		if p := list(t, srv, tok, "createdOnOrAfter="+at); fmt.Sprint(names(p)) != "[Gas smell]" {
			t.Fatalf("createdOnOrAfter: %v", names(p))
		}
		if p := list(t, srv, tok, "createdBefore="+at); len(p.Data) != 7 {
			t.Fatalf("createdBefore: %v", names(p))
		}
		if p := list(t, srv, tok, "modifiedOnOrAfter="+at); fmt.Sprint(names(p)) != "[Gas smell]" {
			t.Fatalf("modifiedOnOrAfter: %v", names(p))
		}
		if p := list(t, srv, tok, "modifiedBefore="+at+"&active=Any"); len(p.Data) != 8 {
			t.Fatalf("modifiedBefore: %v", names(p))
		}
		if p := list(t, srv, tok, "sort=-CreatedOn"); p.Data[0].Name != "Gas smell" {
			t.Fatalf("sort=-CreatedOn: %v", names(p))
		}
		if p := list(t, srv, tok, "sort=ModifiedOn"); p.Data[len(p.Data)-1].Name != "Gas smell" {
			t.Fatalf("sort=ModifiedOn: %v", names(p))
		}
	})
}

func TestCallReasonsBadRequests(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	for query, field := range map[string]string{
		"sort=Name":                 "sort",
		"active=Maybe":              "active",
		"pageSize=0":                "pageSize",
		"pageSize=5001":             "pageSize",
		"page=x":                    "page",
		"createdBefore=yesterday":   "createdBefore",
		"modifiedOnOrAfter=2026-13": "modifiedOnOrAfter",
	} {
		t.Run(query, func(t *testing.T) {
			srv.Do(t, "GET", base+"?"+query, tok, nil).WantError(t, 400, field)
		})
	}
}
