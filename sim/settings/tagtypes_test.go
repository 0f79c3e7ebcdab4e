package settings_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stsim/stsim/sim/settings"
	"github.com/stsim/stsim/sim/simtest"
)

func TestTagTypeList(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	all := list[tagType](t, srv, tok, "/tag-types?active=Any")
	byName := map[string]tagType{}
	for _, tt := range all.Data {
		byName[tt.Name] = tt
	}
	if vip := byName[settings.TagVIP]; vip.Code != "VIP" || vip.Color != "#D4AF37" || *vip.Importance != "High" || !vip.Active {
		t.Fatalf("VIP: %+v", vip)
	}
	if e := byName[settings.TagEstimateFollowUp]; !e.IsConversionOpportunity || e.AllowToUseOnTimesheetActivity {
		t.Fatalf("estimate follow-up: %+v", e)
	}
	if r := byName[settings.TagRideAlong]; !r.AllowToUseOnTimesheetActivity || r.Importance != nil {
		t.Fatalf("ride-along: %+v", r)
	}

	nameOf := func(tt tagType) string { return tt.Name }
	active := names(list[tagType](t, srv, tok, "/tag-types").Data, nameOf)
	if len(active) != 8 || slices.Contains(active, settings.TagInactive) {
		t.Fatalf("active tag types: %v", active)
	}
	if got := names(list[tagType](t, srv, tok, "/tag-types?active=False").Data, nameOf); !slices.Equal(got, []string{settings.TagInactive}) {
		t.Fatalf("inactive tag types: %v", got)
	}
	desc := names(list[tagType](t, srv, tok, "/tag-types?sort=-Id").Data, nameOf)
	rev := slices.Clone(active)
	slices.Reverse(rev)
	if !slices.Equal(desc, rev) {
		t.Fatalf("sort=-Id: %v", desc)
	}
	if got := names(list[tagType](t, srv, tok, "/tag-types?sort=%2BcreatedOn").Data, nameOf); !slices.Equal(got, active) {
		t.Fatalf("sort=+createdOn: %v", got)
	}
	// tag-types documents no ids filter: one is ignored.
	if got := list[tagType](t, srv, tok, fmt.Sprintf("/tag-types?ids=%d", byName[settings.TagVIP].ID)); len(got.Data) != 8 {
		t.Fatalf("ids narrowed the tag type list to %d", len(got.Data))
	}
	p := list[tagType](t, srv, tok, "/tag-types?pageSize=3&page=3&includeTotal=true&active=Any")
	if *p.TotalCount != 9 || p.HasMore || len(p.Data) != 3 || p.Data[2].Name != settings.TagInactive {
		t.Fatalf("page 3: %+v", p)
	}
	if p := list[tagType](t, srv, tok, "/tag-types?createdBefore=2000-01-01T00:00:00Z"); len(p.Data) != 0 {
		t.Fatalf("createdBefore: %+v", p)
	}
	if p := list[tagType](t, srv, tok, "/tag-types?modifiedOnOrAfter=2000-01-01T00:00:00Z&modifiedBefore=2100-01-01T00:00:00Z"); len(p.Data) != 8 {
		t.Fatalf("modified window: %d", len(p.Data))
	}
	srv.Do(t, "GET", ST+"/tag-types?sort=Name", tok, nil).WantError(t, 400, "sort")
	srv.Do(t, "GET", ST+"/tag-types?active=sometimes", tok, nil).WantError(t, 400, "active")
	srv.Do(t, "GET", ST+"/tag-types?page=-1", tok, nil).WantError(t, 400, "page")
}
