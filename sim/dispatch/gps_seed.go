package dispatch

import (
	"fmt"
	"time"

	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/schedule"
	"github.com/stsim/stsim/sim/settings"
	"github.com/stsim/stsim/sim/tenant"
)

// SeedGPS writes the demo GPS pings: every active technician assigned to
// an appointment of today (the tenant's local date) has sent three pings
// from the demo provider "stsim-demo-gps", 30, 20 and 10 minutes before
// tx.Now, drifting east from home, so technician tracking works for
// today's appointments from the start.
func SeedGPS(tx *resource.Tx) error {
	ts, err := tenant.Load(tx)
	if err != nil {
		return err
	}
	loc := ts.Location()
	now := tx.Now.In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	bookings, err := schedule.BookingsIn(tx, today, today.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	busy := map[int64]bool{}
	for _, b := range bookings {
		for _, id := range b.TechnicianIDs {
			busy[id] = true
		}
	}
	techs, err := settings.ActiveTechnicians(tx, func(t *settings.Technician) bool {
		return busy[t.ID] && t.Home != nil && t.Home.Latitude != nil && t.Home.Longitude != nil
	})
	if err != nil {
		return err
	}
	for _, t := range techs {
		for i, ago := range []time.Duration{30, 20, 10} {
			speed := 25.0 + float64(i)*5
			p := &GPSPing{Meta: resource.Meta{Active: true}, Provider: "stsim-demo-gps", TechnicianID: t.ID,
				UnitName: "Truck " + resource.IDKey(t.ID), EventTime: resource.Stamp(tx.Now.Add(-ago * time.Minute)),
				Latitude: *t.Home.Latitude, Longitude: *t.Home.Longitude + 0.01*float64(i), Speed: &speed,
				Street: t.Home.Street, City: t.Home.City, Region: "IL", PostalCode: deref(t.Home.Zip, ""),
				Message: "En route", ExternalID: fmt.Sprintf("demo-%d-%d", t.ID, i), StatusMessage: "Moving"}
			if err := resource.Create(tx, &gpsPings, p); err != nil {
				return err
			}
		}
	}
	return nil
}
