package dispatch

import (
	"errors"
	"fmt"
	"time"

	"github.com/stsim/stsim/sim/optional"

	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/resource"
)

// Fixture describes dispatch.json: arrival windows, the business hours (one
// record), zones and teams, each in its create request's shape (a zone also
// lists its technicians), GPS pings as a provider posts them (with the
// provider's name), and the "schedules" generator: technician shifts and
// weekly team meetings around today.
var Fixture = fixture.Module{Name: "dispatch", Kinds: []fixture.Kind{
	{Name: "arrivalWindows", Schema: "Dispatch.V2.CreateArrivalWindowRequest", Extra: []string{"id"}, Decode: fixture.DecodeAs[arrivalWindowFixture]},
	{Name: "businessHours", Schema: "Dispatch.V2.CreateBusinessHourRequest", Decode: fixture.DecodeAs[businessHours]},
	{Name: "zones", Schema: "Dispatch.V2.CreateOrUpdateZoneRequestArgs", Extra: []string{"id", "active", "technicians"}, Decode: fixture.DecodeAs[zoneFixture]},
	{Name: "teams", Schema: "Dispatch.V2.CreateTeamRequest", Extra: []string{"id"}, Decode: fixture.DecodeAs[teamFixture]},
	{Name: "gpsPings", Schema: "Dispatch.V2.GpsPingCreateRequest", Extra: []string{"provider"}, Decode: fixture.DecodeAs[gpsPingFixture]},
}, Generators: []string{"schedules"},
	Writes: []any{ArrivalWindow{}, Team{}, Zone{}}}

type arrivalWindowFixture struct {
	ID int64 `json:"id"`
	arrivalWindowIn
}

type zoneFixture struct {
	fixture.Common
	zoneIn
	Technicians []int64 `json:"technicians"`
}

// gpsPingFixture is a ping as its provider posts it (unitId a technician
// ID), with the provider's name.
type gpsPingFixture struct {
	gpsPingIn
	Provider string `json:"provider"`
}

type teamFixture struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Active bool   `json:"active"`
}

// schedules are the settings of the schedules generator: for each of the
// technicians (in order), Normal shifts Monday–Friday 08:00–17:00 local from
// FromDay to ToDay (relative to today) and, for every second technician,
// Saturday 08:00–12:00; an OnCall Sunday 08:00–20:00 for the first; one
// afternoon of TimeOff (12:00–17:00) each, on a weekday that differs
// between technicians; and a weekly Monday 08:00–08:30 "Team meeting"
// non-job appointment that removes them from capacity planning.
type schedules struct {
	TechnicianIDs []int64 `json:"technicianIds"`
	FromDay       int     `json:"fromDay"`
	ToDay         int     `json:"toDay"`
}

// Seed writes the tenant's dispatch records from its fixture.
func Seed(tx *resource.Tx, in fixture.Input) error {
	windows, err := fixture.Decode[arrivalWindowFixture](in, "arrivalWindows")
	if err != nil {
		return err
	}
	hours, err := fixture.Decode[businessHours](in, "businessHours")
	if err != nil {
		return err
	}
	zoneRecs, err := fixture.Decode[zoneFixture](in, "zones")
	if err != nil {
		return err
	}
	teamRecs, err := fixture.Decode[teamFixture](in, "teams")
	if err != nil {
		return err
	}
	pings, err := fixture.Decode[gpsPingFixture](in, "gpsPings")
	if err != nil {
		return err
	}
	sched, generate, err := fixture.DecodeGenerator[schedules](in, "schedules")
	if err != nil {
		return err
	}
	for i, w := range windows {
		rec := &ArrivalWindow{Meta: resource.Meta{ID: w.ID, Active: true}}
		if err := w.apply(tx, rec); err != nil {
			return in.RecordError("arrivalWindows", i, err)
		}
		if err := resource.Create(tx, &ArrivalWindows, rec); err != nil {
			return err
		}
	}
	if len(hours) > 1 {
		return in.RecordError("businessHours", 1, fmt.Errorf("a tenant has one set of business hours"))
	}
	for _, h := range hours {
		if err := saveDoc(tx, businessHoursKey, h.withEmptyLists()); err != nil {
			return err
		}
	}
	for i, z := range zoneRecs {
		rec := &Zone{Meta: z.NewMeta(), CreatedByID: integrationUserID, Technicians: optional.NonNil(z.Technicians)}
		if err := z.apply(tx, rec, true); err != nil {
			return in.RecordError("zones", i, err)
		}
		rec.Zips, rec.Cities, rec.TerritoryNumbers = optional.NonNil(rec.Zips), optional.NonNil(rec.Cities), optional.NonNil(rec.TerritoryNumbers)
		rec.LocnNumbers, rec.ServiceDaysIDs, rec.BusinessUnits = optional.NonNil(rec.LocnNumbers), optional.NonNil(rec.ServiceDaysIDs), optional.NonNil(rec.BusinessUnits)
		if err := resource.Create(tx, &zones, rec); err != nil {
			return err
		}
	}
	by := integrationUserID
	for _, t := range teamRecs {
		name := t.Name
		if err := resource.Create(tx, &teams, &Team{Meta: resource.Meta{ID: t.ID, Active: t.Active}, Name: &name, CreatedByID: &by}); err != nil {
			return err
		}
	}
	if generate {
		now := in.Dates.Now.In(in.Dates.Loc)
		today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, in.Dates.Loc)
		if err := seedSchedules(tx, in.Dates.Loc, today, sched); err != nil {
			return err
		}
	}
	for i, p := range pings {
		// Stored as a provider's POST stores them: a refused ping stops the seed.
		if msg, err := storePing(tx, p.Provider, &p.gpsPingIn); err != nil {
			return err
		} else if msg != "" {
			return in.RecordError("gpsPings", i, errors.New(msg))
		}
	}
	return nil
}

func seedSchedules(tx *resource.Tx, loc *time.Location, today time.Time, s schedules) error {
	at := func(day, hour, minute int) resource.Time {
		return resource.Stamp(time.Date(today.Year(), today.Month(), today.Day()+day, hour, minute, 0, 0, loc))
	}
	shift := func(techID int64, kind, title string, day, from, to int) error {
		s := &Shift{Meta: resource.Meta{Active: true}, ShiftType: kind, Title: title, TechnicianID: techID, Start: at(day, from, 0), End: at(day, to, 0)}
		return resource.Create(tx, &Shifts, s)
	}
	span := max(s.ToDay-s.FromDay-2, 1)
	for i, techID := range s.TechnicianIDs {
		offDay := s.FromDay + 2 + (i*5)%span
		for day := s.FromDay; day <= s.ToDay; day++ {
			wd := today.AddDate(0, 0, day).Weekday()
			var err error
			switch {
			case wd >= time.Monday && wd <= time.Friday:
				err = shift(techID, ShiftNormal, "Day shift", day, 8, 17)
			case wd == time.Saturday && i%2 == 0:
				err = shift(techID, ShiftNormal, "Saturday half day", day, 8, 12)
			case wd == time.Sunday && i == 0:
				err = shift(techID, ShiftOnCall, "On call", day, 8, 20)
			}
			if err != nil {
				return err
			}
		}
		for offDay < s.ToDay && (today.AddDate(0, 0, offDay).Weekday() == time.Saturday || today.AddDate(0, 0, offDay).Weekday() == time.Sunday) {
			offDay++
		}
		note := "Personal appointment"
		off := &Shift{Meta: resource.Meta{Active: true}, ShiftType: ShiftTimeOff, Title: "Afternoon off", Note: &note,
			TechnicianID: techID, Start: at(offDay, 12, 0), End: at(offDay, 17, 0)}
		if err := resource.Create(tx, &Shifts, off); err != nil {
			return err
		}
		monday := s.FromDay - (int(today.AddDate(0, 0, s.FromDay).Weekday())+6)%7
		freq, interval, never := "Weekly", int32(1), "Never"
		meeting := &NonJobAppointment{
			Meta: resource.Meta{Active: true}, TechnicianID: techID, Start: at(monday, 8, 0), Name: "Team meeting", Duration: 1800,
			Summary: "Weekly safety and dispatch meeting", RemoveTechnicianFromCapacityPlanning: true, ShowOnTechnicianSchedule: true,
			CreatedByID: integrationUserID, Repeat: true, Interval: &interval, Frequency: &freq, DaysOfWeek: "Monday", EndType: &never,
		}
		if err := resource.Create(tx, &NonJobAppointments, meeting); err != nil {
			return err
		}
	}
	return nil
}
