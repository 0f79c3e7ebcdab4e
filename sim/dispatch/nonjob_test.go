package dispatch_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/simtest"
)

type nonJobRow struct {
	ID                                   int64   `json:"id"`
	TechnicianID                         int64   `json:"technicianId"`
	Start                                string  `json:"start"`
	Name                                 string  `json:"name"`
	Duration                             string  `json:"duration"`
	TimesheetCodeID                      int64   `json:"timesheetCodeId"`
	Summary                              string  `json:"summary"`
	RemoveTechnicianFromCapacityPlanning bool    `json:"removeTechnicianFromCapacityPlanning"`
	AllDay                               bool    `json:"allDay"`
	ShowOnTechnicianSchedule             bool    `json:"showOnTechnicianSchedule"`
	Active                               bool    `json:"active"`
	ModifiedOn                           *string `json:"modifiedOn"`
	Repeat                               *bool   `json:"repeat"`
	Frequency                            *string `json:"frequency"`
	DaysOfWeek                           *string `json:"daysOfWeek"`
}

func TestNonJobAppointments(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := newEnv(t, backend)
		f := e.newFixture(2, time.Hour)
		a, b := f.techs[0], f.techs[1]

		// A weekly meeting on Tuesdays and Thursdays, 08:00–09:00 local,
		// from Tuesday 2026-10-27, three times, across the DST change.
		var meeting nonJobRow
		e.ok("POST", "/non-job-appointments", map[string]any{
			"technicianId": a, "start": rfc(local(2026, 10, 27, 8, 0)), "duration": "01:00:00", "name": "Meeting",
			"timesheetCodeId": 5, "summary": "Weekly", "removeTechnicianFromCapacityPlanning": true, "showOnTechnicianSchedule": true,
			"repeat": true, "frequency": "Weekly", "interval": 1, "daysOfWeek": "Tu,th", "endType": "After", "countOccurrences": 3,
		}, &meeting)
		if meeting.ID == 0 || meeting.Duration != "01:00:00" || meeting.DaysOfWeek == nil || *meeting.DaysOfWeek != "Tuesday,Thursday" ||
			meeting.Repeat == nil || !*meeting.Repeat || meeting.ModifiedOn != nil || meeting.TimesheetCodeID != 5 {
			t.Fatalf("created: %+v", meeting)
		}
		for _, tc := range []struct {
			day   time.Time
			total float64
		}{{local(2026, 10, 27, 0, 0), 1}, {local(2026, 10, 29, 0, 0), 1}, {local(2026, 11, 3, 0, 0), 1}, {local(2026, 11, 5, 0, 0), 2}, {local(2026, 10, 28, 0, 0), 2}} {
			e.shift(a, "Normal", tc.day.Add(8*time.Hour), tc.day.Add(10*time.Hour))
			c := e.capacity(f, tc.day, tc.day.AddDate(0, 0, 1), 0, false)
			if got := c.slot(t, tc.day.Add(8*time.Hour)).TotalAvailability; got != tc.total {
				t.Fatalf("%s: 08:00 slot has %v hours, want %v", tc.day.Format("Mon Jan 2"), got, tc.total)
			}
		}

		var lunch nonJobRow
		e.ok("POST", "/non-job-appointments", map[string]any{
			"technicianId": b, "start": "2026-11-24T18:00:00Z", "duration": "00:45:00", "name": "Lunch",
		}, &lunch)
		var got nonJobRow
		e.ok("GET", fmt.Sprintf("/non-job-appointments/%d", lunch.ID), nil, &got)
		if got.Name != "Lunch" || got.Start != "2026-11-24T18:00:00.0000000Z" || got.ModifiedOn != nil || got.Repeat != nil || !got.Active {
			t.Fatalf("get: %+v", got)
		}

		var p page[nonJobRow]
		e.ok("GET", "/non-job-appointments?includeTotal=true", nil, &p)
		if *p.TotalCount != 2 || p.Data[0].ModifiedOn == nil {
			t.Fatalf("list: %+v", p)
		}
		for query, want := range map[string]int{
			fmt.Sprintf("technicianId=%d", b):                                            1,
			"startsOnOrAfter=2026-11-01T00:00:00Z":                                       1,
			"startsOnOrBefore=2026-11-01T00:00:00Z":                                      1,
			"timesheetCodeId=5":                                                          1,
			"showOnTechnicianSchedule=true":                                              1,
			"showOnTechnicianSchedule=false&activeOnly=true":                             1,
			fmt.Sprintf("ids=%d,%d", meeting.ID, lunch.ID):                               2,
			"startsOnOrAfter=2026-11-24T18:00:00Z&startsOnOrBefore=2026-11-24T18:00:00Z": 1,
		} {
			e.ok("GET", "/non-job-appointments?includeTotal=true&"+query, nil, &p)
			if *p.TotalCount != want {
				t.Fatalf("%s: %d, want %d", query, *p.TotalCount, want)
			}
		}

		e.ok("PUT", fmt.Sprintf("/non-job-appointments/%d", lunch.ID), map[string]any{
			"technicianId": a, "start": "2026-11-24T18:30:00Z", "duration": "PT30M", "name": "Late lunch", "allDay": false,
		}, &got)
		if got.TechnicianID != a || got.Name != "Late lunch" || got.Duration != "00:30:00" || got.Start != "2026-11-24T18:30:00.0000000Z" {
			t.Fatalf("update: %+v", got)
		}

		var deleted struct {
			Message string `json:"message"`
			ID      int64  `json:"id"`
		}
		e.ok("DELETE", fmt.Sprintf("/non-job-appointments/%d", lunch.ID), nil, &deleted)
		if deleted.ID != lunch.ID || deleted.Message == "" {
			t.Fatalf("delete: %+v", deleted)
		}
		e.do("GET", fmt.Sprintf("/non-job-appointments/%d", lunch.ID), nil).WantError(t, http.StatusNotFound, "")
		e.do("DELETE", fmt.Sprintf("/non-job-appointments/%d", lunch.ID), nil).WantError(t, http.StatusNotFound, "")

		base := func() map[string]any {
			return map[string]any{"technicianId": a, "start": "2026-11-24T18:00:00Z", "duration": "01:00:00", "name": "x"}
		}
		for field, change := range map[string]func(map[string]any){
			"technicianId":     func(m map[string]any) { m["technicianId"] = 999999 },
			"duration":         func(m map[string]any) { m["duration"] = "soon" },
			"name":             func(m map[string]any) { m["name"] = "  " },
			"frequency":        func(m map[string]any) { m["repeat"] = true },
			"countOccurrences": func(m map[string]any) { m["repeat"], m["frequency"], m["endType"] = true, "Daily", "After" },
			"endOn": func(m map[string]any) {
				m["repeat"], m["frequency"], m["endType"], m["endOn"] = true, "Daily", "On", "2026-11-01T00:00:00Z"
			},
			"daysOfWeek": func(m map[string]any) { m["daysOfWeek"] = "Caturday" },
		} {
			body := base()
			change(body)
			e.do("POST", "/non-job-appointments", body).WantError(t, http.StatusBadRequest, field)
		}
		e.do("PUT", "/non-job-appointments/999999", base()).WantError(t, http.StatusNotFound, "")
	})
}

func TestNonJobRepeatRules(t *testing.T) {
	e := newEnv(t)
	f := e.newFixture(1, time.Hour)
	tech := f.techs[0]
	// A daily all-day event every third day, ending on 2026-11-30: it
	// removes the whole 08:00–10:00 slot on the days it falls on.
	e.ok("POST", "/non-job-appointments", map[string]any{
		"technicianId": tech, "start": rfc(local(2026, 11, 20, 0, 0)), "duration": "00:00:00", "name": "Training week",
		"allDay": true, "removeTechnicianFromCapacityPlanning": true,
		"repeat": true, "frequency": "Daily", "interval": 3, "endType": "On", "endOn": rfc(local(2026, 11, 30, 0, 0)),
	}, nil)
	// A monthly event on the 24th, 08:00–09:00, never ending, that books time.
	e.ok("POST", "/non-job-appointments", map[string]any{
		"technicianId": tech, "start": rfc(local(2026, 9, 24, 8, 0)), "duration": "01:00:00", "name": "Monthly review",
		"repeat": true, "frequency": "Monthly", "endType": "Never",
	}, nil)
	for d := 20; d <= 30; d++ {
		e.shift(tech, "Normal", local(2026, 11, d, 8, 0), local(2026, 11, d, 17, 0))
	}
	c := e.capacity(f, local(2026, 11, 20, 0, 0), local(2026, 12, 1, 0, 0), 0, false)
	for d := 20; d <= 30; d++ {
		s := c.slot(t, local(2026, 11, d, 8, 0))
		total, open := 2.0, 2.0
		if (d-20)%3 == 0 {
			total, open = 0, 0
		}
		if d == 24 {
			open = 1
		}
		if s.TotalAvailability != total || s.OpenAvailability != open {
			t.Fatalf("Nov %d: %+v, want total %v open %v", d, s, total, open)
		}
	}
}
