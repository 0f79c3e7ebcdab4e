package dispatch

import (
	"slices"
	"time"

	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
	"github.com/stsim/stsim/sim/tenant"
)

// Seed writes the demo tenant's dispatch data. It runs after the settings
// and jpm seeds, in the same transaction, and depends only on their
// business units and technicians and on tx.Now, so it is deterministic for
// a given start time. Everything is relative to the tenant's local date of
// tx.Now ("today"):
//
//   - arrival windows 08:00–10:00, 10:00–12:00, 12:00–14:00, 14:00–16:00 and
//     16:00–18:00 for every business unit but the last, which gets half-day
//     windows 08:00–12:00 and 12:00–16:00 (with one business unit it gets
//     the two-hour ones; with none, the two-hour windows serve all);
//   - business hours Monday–Friday 07–19, Saturday 08–14, Sunday closed;
//   - zones North Shore, West Suburbs and Chicago North Side (ZIP codes of
//     the CRM demo's places), for every business unit, the active
//     technicians dealt round-robin among them (a technician without a
//     main zone gets that zone as mainZoneId and in zoneIds);
//   - teams Red Team and Blue Team (active) and Night Crew (inactive);
//   - for every active technician, Normal shifts from 7 days before today
//     to 21 days after: Monday–Friday 08:00–17:00 local and, for every
//     second technician, Saturday 08:00–12:00; one afternoon of TimeOff
//     (12:00–17:00) each, on a weekday that differs between technicians;
//     and an OnCall Sunday 08:00–20:00 each week for the first technician;
//   - for every active technician, a weekly "Team meeting" non-job
//     appointment on Mondays 08:00–08:30 that removes them from capacity
//     planning.
func Seed(tx *resource.Tx) error {
	ts, err := tenant.Load(tx)
	if err != nil {
		return err
	}
	loc := location(ts.TimeZone)
	bus, err := all(tx, &settings.BusinessUnits, func(b *settings.BusinessUnit) bool { return b.Active })
	if err != nil {
		return err
	}
	techs, err := all(tx, &settings.Technicians, func(t *settings.Technician) bool { return t.Active })
	if err != nil {
		return err
	}
	if err := seedWindows(tx, bus); err != nil {
		return err
	}
	hours := businessHours{Weekdays: []timeRange{{7, 19}}, Saturday: []timeRange{{8, 14}}, Sunday: []timeRange{}}
	if err := saveDoc(tx, businessHoursKey, hours); err != nil {
		return err
	}
	if err := seedZones(tx, bus, techs); err != nil {
		return err
	}
	if err := seedTeams(tx); err != nil {
		return err
	}
	now := tx.Now.In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	return seedSchedules(tx, loc, today, techs)
}

func seedWindows(tx *resource.Tx, bus []*settings.BusinessUnit) error {
	twoHour := []slotDef{{8 * 3600, 7200}, {10 * 3600, 7200}, {12 * 3600, 7200}, {14 * 3600, 7200}, {16 * 3600, 7200}}
	halfDay := []slotDef{{8 * 3600, 4 * 3600}, {12 * 3600, 4 * 3600}}
	var twoHourBUs, halfDayBUs []int64
	for i, b := range bus {
		if i == len(bus)-1 && len(bus) > 1 {
			halfDayBUs = append(halfDayBUs, b.ID)
		} else {
			twoHourBUs = append(twoHourBUs, b.ID)
		}
	}
	create := func(defs []slotDef, buIDs []int64) error {
		for _, d := range defs {
			w := &ArrivalWindow{Meta: resource.Meta{Active: true}, Start: d.start, Duration: d.length, BusinessUnitIDs: nonNil(buIDs)}
			if err := resource.Create(tx, &ArrivalWindows, w); err != nil {
				return err
			}
		}
		return nil
	}
	if err := create(twoHour, twoHourBUs); err != nil {
		return err
	}
	if len(halfDayBUs) > 0 {
		return create(halfDay, halfDayBUs)
	}
	return nil
}

func seedZones(tx *resource.Tx, bus []*settings.BusinessUnit, techs []*settings.Technician) error {
	zones := []Zone{
		{Name: "North Shore", Zips: []string{"60201", "60202", "60076", "60091", "60025", "60062", "60035"},
			Cities: []string{"Evanston", "Skokie", "Wilmette", "Glenview", "Northbrook", "Highland Park"}, TerritoryNumbers: []string{"N-1"}},
		{Name: "West Suburbs", Zips: []string{"60302", "60402", "60126", "60148", "60187", "60540", "60563", "60515"},
			Cities: []string{"Oak Park", "Berwyn", "Elmhurst", "Lombard", "Wheaton", "Naperville", "Downers Grove"}, TerritoryNumbers: []string{"W-1"},
			ServiceDaysEnabled: true, ServiceDaysIDs: []int32{1, 2, 3, 4, 5}},
		{Name: "Chicago North Side", Zips: []string{"60614", "60657", "60613", "60618", "60625", "60640", "60622", "60647"},
			Cities: []string{"Chicago"}, TerritoryNumbers: []string{"C-1"}},
	}
	var buIDs []int64
	for _, b := range bus {
		buIDs = append(buIDs, b.ID)
	}
	for i, t := range techs {
		z := &zones[i%len(zones)]
		z.Technicians = append(z.Technicians, t.ID)
	}
	for i := range zones {
		z := &zones[i]
		z.Active, z.CreatedByID, z.BusinessUnits = true, integrationUserID, nonNil(buIDs)
		z.LocnNumbers, z.ServiceDaysIDs, z.Technicians = []string{}, nonNil(z.ServiceDaysIDs), nonNil(z.Technicians)
		if err := resource.Create(tx, &Zones, z); err != nil {
			return err
		}
	}
	// The technicians' own zone fields (settings leaves them to dispatch):
	// a technician without a main zone gets the one dealt to them.
	for i, t := range techs {
		if t.MainZoneID != nil {
			continue
		}
		zoneID := zones[i%len(zones)].ID
		t.MainZoneID = &zoneID
		if !slices.Contains(t.ZoneIDs, zoneID) {
			t.ZoneIDs = append(t.ZoneIDs, zoneID)
		}
		if err := resource.Save(tx, &settings.Technicians, t); err != nil {
			return err
		}
	}
	return nil
}

func seedTeams(tx *resource.Tx) error {
	by := integrationUserID
	for _, t := range []struct {
		name   string
		active bool
	}{{"Red Team", true}, {"Blue Team", true}, {"Night Crew", false}} {
		name := t.name
		if err := resource.Create(tx, &Teams, &Team{Meta: resource.Meta{Active: t.active}, Name: &name, CreatedByID: &by}); err != nil {
			return err
		}
	}
	return nil
}

// Demo schedule range, in days relative to today.
const (
	seedFromDay = -7
	seedToDay   = 21
)

func seedSchedules(tx *resource.Tx, loc *time.Location, today time.Time, techs []*settings.Technician) error {
	at := func(day, hour, minute int) resource.Time {
		return resource.Stamp(time.Date(today.Year(), today.Month(), today.Day()+day, hour, minute, 0, 0, loc))
	}
	shift := func(techID int64, kind, title string, day, from, to int) error {
		s := &Shift{Meta: resource.Meta{Active: true}, ShiftType: kind, Title: title, TechnicianID: techID, Start: at(day, from, 0), End: at(day, to, 0)}
		return resource.Create(tx, &Shifts, s)
	}
	for i, t := range techs {
		offDay := seedFromDay + 2 + (i*5)%(seedToDay-seedFromDay-2)
		for day := seedFromDay; day <= seedToDay; day++ {
			wd := today.AddDate(0, 0, day).Weekday()
			var err error
			switch {
			case wd >= time.Monday && wd <= time.Friday:
				err = shift(t.ID, ShiftNormal, "Day shift", day, 8, 17)
			case wd == time.Saturday && i%2 == 0:
				err = shift(t.ID, ShiftNormal, "Saturday half day", day, 8, 12)
			case wd == time.Sunday && i == 0:
				err = shift(t.ID, ShiftOnCall, "On call", day, 8, 20)
			}
			if err != nil {
				return err
			}
		}
		for offDay < seedToDay && (today.AddDate(0, 0, offDay).Weekday() == time.Saturday || today.AddDate(0, 0, offDay).Weekday() == time.Sunday) {
			offDay++
		}
		note := "Personal appointment"
		off := &Shift{Meta: resource.Meta{Active: true}, ShiftType: ShiftTimeOff, Title: "Afternoon off", Note: &note,
			TechnicianID: t.ID, Start: at(offDay, 12, 0), End: at(offDay, 17, 0)}
		if err := resource.Create(tx, &Shifts, off); err != nil {
			return err
		}
		monday := seedFromDay - (int(today.AddDate(0, 0, seedFromDay).Weekday())+6)%7
		freq, interval := "Weekly", int32(1)
		meeting := &NonJobAppointment{
			Meta: resource.Meta{Active: true}, TechnicianID: t.ID, Start: at(monday, 8, 0), Name: "Team meeting", Duration: 1800,
			Summary: "Weekly safety and dispatch meeting", RemoveTechnicianFromCapacityPlanning: true, ShowOnTechnicianSchedule: true,
			CreatedByID: integrationUserID, Repeat: true, Interval: &interval, Frequency: &freq, DaysOfWeek: "Monday",
		}
		never := "Never"
		meeting.EndType = &never
		if err := resource.Create(tx, &NonJobAppointments, meeting); err != nil {
			return err
		}
	}
	return nil
}
