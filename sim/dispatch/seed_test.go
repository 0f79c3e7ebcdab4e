package dispatch_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/dispatch"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
	"github.com/stsim/stsim/sim/simtest"
)

// TestDemoSeed reads the demo tenant's dispatch data through the API.
func TestDemoSeed(t *testing.T) {
	e := demoEnv(t)
	var bus int
	e.update(func(tx *resource.Tx) error {
		units, err := settings.ActiveBusinessUnits(tx)
		bus = len(units)
		return err
	})
	var windows page[windowRow]
	e.ok("GET", "/arrival-windows?pageSize=100", nil, &windows)
	want := 5
	if bus > 1 {
		want = 7
	}
	if len(windows.Data) != want || windows.Data[0].Start != "08:00:00" || windows.Data[0].Duration != "02:00:00" {
		t.Fatalf("with %d business units, windows: %+v", bus, windows.Data)
	}
	var hours hoursDoc
	e.ok("GET", "/business-hours", nil, &hours)
	if len(hours.Weekdays) != 1 || hours.Weekdays[0].FromHour != 7 || hours.Weekdays[0].ToHour != 19 ||
		len(hours.Saturday) != 1 || hours.Saturday[0].ToHour != 14 || len(hours.Sunday) != 0 {
		t.Fatalf("business hours: %+v", hours)
	}
	var zones page[zoneRow]
	e.ok("GET", "/zones", nil, &zones)
	if len(zones.Data) != 3 || zones.Data[0].Name != "North Shore" || len(zones.Data[1].ServiceDays) != 5 {
		t.Fatalf("zones: %+v", zones.Data)
	}
	var teams page[teamRow]
	e.ok("GET", "/teams", nil, &teams)
	if len(teams.Data) != 2 {
		t.Fatalf("active teams: %+v", teams.Data)
	}
	e.ok("GET", "/teams?includeInactive=true", nil, &teams)
	if len(teams.Data) != 3 {
		t.Fatalf("all teams: %+v", teams.Data)
	}
	var c capacity
	e.ok("POST", "/capacity", map[string]any{"startsOnOrAfter": "2026-11-24T00:00:00-06:00", "endsOnOrBefore": "2026-11-25T00:00:00-06:00", "skillBasedAvailability": false}, &c)
	if len(c.Availabilities) < 5 {
		t.Fatalf("demo capacity: %+v", c.Availabilities)
	}
	var techs int
	e.update(func(tx *resource.Tx) error {
		active, err := settings.ActiveTechnicians(tx, func(*settings.Technician) bool { return true })
		techs = len(active)
		return err
	})
	if techs > 0 { // the seeded shifts make the demo's Tuesday bookable
		open := 0.0
		for _, a := range c.Availabilities {
			open += a.OpenAvailability
		}
		if open <= 0 {
			t.Fatalf("the demo tenant has %d technicians but no open capacity: %+v", techs, c.Availabilities)
		}
		for _, z := range zones.Data {
			if len(z.Technicians) == 0 {
				t.Fatalf("zone without technicians: %+v", z)
			}
		}
	}
}

// TestSeedWithTechnicians checks the demo tenant's generated schedules
// (fixtures/demo/dispatch.yaml), that each module seeds its own records
// (technicians carry their zones from settings.yaml), and determinism.
func TestSeedWithTechnicians(t *testing.T) {
	now := simtest.Epoch // Monday 2026-11-23 09:00 in Chicago
	srv, other := simtest.Start(t), simtest.Start(t)

	read := func(srv *simtest.Server) (shifts []*dispatch.Shift, windows []*dispatch.ArrivalWindow, njas int) {
		err := resource.View(srv.Store(), simtest.Tenant, now, func(tx *resource.Tx) error {
			q := resource.Query{Page: 1, PageSize: 100000}
			s, err := resource.List(tx, &dispatch.Shifts, q, resource.Select{}, nil)
			if err != nil {
				return err
			}
			w, err := resource.List(tx, &dispatch.ArrivalWindows, q, resource.Select{}, nil)
			if err != nil {
				return err
			}
			n, err := resource.List(tx, &dispatch.NonJobAppointments, q, resource.Select{}, nil)
			shifts, windows, njas = s.Data, w.Data, len(n.Data)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	shifts, windows, njas := read(srv)
	again, _, _ := read(other)
	a, _ := json.Marshal(shifts)
	b, _ := json.Marshal(again)
	if string(a) != string(b) {
		t.Fatal("the seed is not deterministic")
	}
	if len(windows) != 7 || windows[5].Duration != 4*3600 || len(windows[5].BusinessUnitIDs) != 1 {
		t.Fatalf("windows: %+v", windows)
	}
	if njas != 11 {
		t.Fatalf("team meetings: %d", njas)
	}
	// Days -7…21 from Monday Nov 23: 20 weekdays and 4 Saturdays (Nov 28,
	// Dec 5, 12 and Nov 21); Sundays Nov 22, 29, Dec 6, 13.
	kinds := map[int64]map[string]int{}
	for _, s := range shifts {
		if kinds[s.TechnicianID] == nil {
			kinds[s.TechnicianID] = map[string]int{}
		}
		kinds[s.TechnicianID][s.ShiftType]++
		if s.ShiftType == dispatch.ShiftNormal && s.Title == "Day shift" {
			start, end := s.Start.In(chicago), s.End.In(chicago)
			if start.Hour() != 8 || end.Hour() != 17 || start.Weekday() == time.Saturday || start.Weekday() == time.Sunday {
				t.Fatalf("day shift %s – %s", start, end)
			}
		}
	}
	err := resource.View(srv.Store(), simtest.Tenant, now, func(tx *resource.Tx) error {
		techs, err := settings.ActiveTechnicians(tx, func(*settings.Technician) bool { return true })
		for _, tech := range techs {
			if tech.MainZoneID == nil || len(tech.ZoneIDs) != 1 || tech.ZoneIDs[0] != *tech.MainZoneID {
				t.Errorf("technician %d zones: %v %v", tech.ID, tech.MainZoneID, tech.ZoneIDs)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(kinds) != 11 {
		t.Fatalf("technicians with shifts: %d", len(kinds))
	}
	for tech, k := range kinds {
		if k[dispatch.ShiftTimeOff] != 1 || k[dispatch.ShiftNormal] < 20 {
			t.Fatalf("technician %d: %+v", tech, k)
		}
	}
}
