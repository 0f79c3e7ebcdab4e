package settings_test

import (
	"bytes"
	"net/url"
	"slices"
	"testing"

	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
	"github.com/stsim/stsim/sim/simtest"
)

// TestDemoData lists every seeded record through the API with active=Any;
// strict response validation proves each one conforms to the schemas.
func TestDemoData(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)

	bus := list[businessUnit](t, srv, tok, "/business-units?active=Any&pageSize=100")
	wantUnits := []string{settings.BusinessUnitHVAC, settings.BusinessUnitPlumbing, settings.BusinessUnitElectrical, settings.BusinessUnitInactive}
	if got := names(bus.Data, func(b businessUnit) string { return b.Name }); !slices.Equal(got, wantUnits) {
		t.Fatalf("business units %v, want %v", got, wantUnits)
	}
	unitName := map[int64]string{}
	for _, b := range bus.Data {
		unitName[b.ID] = b.Name
		if b.Active != (b.Name != settings.BusinessUnitInactive) || b.Address["city"] != "Chicago" {
			t.Errorf("business unit %+v", b)
		}
	}
	if active := list[businessUnit](t, srv, tok, "/business-units"); len(active.Data) != 3 {
		t.Errorf("active business units: %d, want 3", len(active.Data))
	}

	techs := list[technician](t, srv, tok, "/technicians?active=Any&pageSize=100")
	if len(techs.Data) != 12 {
		t.Fatalf("%d technicians, want 12", len(techs.Data))
	}
	perUnit := map[string]int{}
	for _, tc := range techs.Data {
		if tc.BusinessUnitID == nil {
			t.Fatalf("technician without business unit: %+v", tc)
		}
		perUnit[unitName[*tc.BusinessUnitID]]++
		if tc.Active != (tc.Name != settings.InactiveTechnicianName) {
			t.Errorf("technician %s active=%v", tc.Name, tc.Active)
		}
		if tc.Home["city"] == nil || tc.LoginName == nil || tc.DailyGoal <= 0 || tc.BurdenRate <= 0 || tc.UserID == tc.ID {
			t.Errorf("technician %+v", tc)
		}
	}
	if perUnit[settings.BusinessUnitHVAC] != 5 || perUnit[settings.BusinessUnitPlumbing] != 4 || perUnit[settings.BusinessUnitElectrical] != 3 {
		t.Errorf("technicians per unit: %v", perUnit)
	}
	if active := list[technician](t, srv, tok, "/technicians?pageSize=100"); len(active.Data) != 11 {
		t.Errorf("active technicians: %d, want 11", len(active.Data))
	}

	emps := list[employee](t, srv, tok, "/employees?active=Any&pageSize=100")
	if len(emps.Data) != 7 || emps.Data[0].ID != settings.IntegrationEmployeeID || emps.Data[0].Name != settings.IntegrationEmployeeName ||
		emps.Data[0].Role != "Admin" || settings.IntegrationEmployeeID != crm.IntegrationUserID {
		t.Fatalf("employees: %+v", emps.Data)
	}
	users := map[int64]bool{}
	for _, e := range emps.Data {
		users[e.UserID] = true
	}
	for _, tc := range techs.Data {
		users[tc.UserID] = true
	}
	if len(users) != 19 {
		t.Errorf("userIds are not unique: %d distinct of 19", len(users))
	}

	tags := list[tagType](t, srv, tok, "/tag-types?active=Any&pageSize=100")
	want := []string{settings.TagVIP, settings.TagMember, settings.TagDoNotService, settings.TagWarranty, settings.TagCommercialAccount,
		settings.TagEstimateFollowUp, settings.TagPetsOnSite, settings.TagRideAlong, settings.TagInactive}
	if got := names(tags.Data, func(tt tagType) string { return tt.Name }); !slices.Equal(got, want) {
		t.Fatalf("tag types %v, want %v", got, want)
	}
	if active := list[tagType](t, srv, tok, "/tag-types"); len(active.Data) != 8 {
		t.Errorf("active tag types: %d, want 8", len(active.Data))
	}
}

// TestDemoSkills checks the skill vocabulary and the technicians' skills
// as capacity reads them (from the store, not the API).
func TestDemoSkills(t *testing.T) {
	st := simtest.Start(t).Store()
	err := resource.View(st, simtest.Tenant, simtest.Epoch, func(tx *resource.Tx) error {
		p, err := resource.List(tx, &settings.Technicians, resource.Query{Page: 1, PageSize: 100, Active: resource.ActiveAny}, resource.Select{}, nil)
		if err != nil {
			return err
		}
		covered := map[string]bool{}
		for _, tc := range p.Data {
			if len(tc.Skills) == 0 {
				t.Errorf("%s has no skills", tc.Name)
			}
			for _, s := range tc.Skills {
				if !slices.Contains(settings.AllSkills, s) {
					t.Errorf("%s has skill %q outside AllSkills", tc.Name, s)
				}
				covered[s] = true
			}
		}
		if len(covered) != len(settings.AllSkills) {
			t.Errorf("skills used: %v, vocabulary %v", covered, settings.AllSkills)
		}
		hvac := p.Data[0]
		if hvac.Name != "Marcus Reyes" || !hvac.HasSkills(settings.SkillHVAC, "gas") || hvac.HasSkills(settings.SkillPlumbing) {
			t.Errorf("HasSkills on %+v", hvac)
		}
		hvacUnit := *hvac.BusinessUnitID
		in, err := settings.TechniciansIn(tx, hvacUnit)
		if err != nil || len(in) != 4 || in[0].Name != "Marcus Reyes" {
			t.Errorf("TechniciansIn(HVAC): %d, %v", len(in), err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// settingsFeeds are the export feeds of the module.
var settingsFeeds = []string{"/export/business-units", "/export/technicians", "/export/employees", "/export/tag-types"}

// TestDemoSeedIsDeterministic: two backends export byte-identical feeds.
func TestDemoSeedIsDeterministic(t *testing.T) {
	var bodies [][]byte
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		var out bytes.Buffer
		for _, feed := range settingsFeeds {
			out.Write(srv.Do(t, "GET", ST+feed+"?includeRecentChanges=true&from="+url.QueryEscape(""), tok, nil).OK(t).Body)
		}
		bodies = append(bodies, out.Bytes())
	})
	if len(bodies) != 2 || !bytes.Equal(bodies[0], bodies[1]) || len(bodies[0]) < 5000 {
		t.Fatalf("feeds differ or are short: %d bodies", len(bodies))
	}
}
