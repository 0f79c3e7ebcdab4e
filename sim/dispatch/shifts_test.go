package dispatch_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/simtest"
)

type shiftRow struct {
	ID              int64   `json:"id"`
	ShiftType       string  `json:"shiftType"`
	Title           string  `json:"title"`
	Note            *string `json:"note"`
	Active          bool    `json:"active"`
	TechnicianID    int64   `json:"technicianId"`
	Start           string  `json:"start"`
	End             string  `json:"end"`
	TimesheetCodeID *int64  `json:"timesheetCodeId"`
	CreatedOn       string  `json:"createdOn"`
	ModifiedOn      string  `json:"modifiedOn"`
}

func TestTechnicianShifts(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := newEnv(t, backend)
		f := e.newFixture(2, time.Hour)
		a, b := f.techs[0], f.techs[1]

		// Weekly on Monday, Wednesday and Friday across the fall-back change:
		// the local times stay 08:00–17:00.
		var created struct {
			Created          bool       `json:"created"`
			TechnicianShifts []shiftRow `json:"technicianShifts"`
		}
		e.ok("POST", "/technician-shifts", map[string]any{
			"technicianIds": []int64{a, b}, "shiftType": "Normal", "title": "Day shift", "note": "Van 12",
			"start": rfc(local(2026, 10, 26, 8, 0)), "end": rfc(local(2026, 10, 26, 17, 0)),
			"repeatType": "Weekly", "shiftDays": "Monday,Wednesday,Friday", "repeatEndDate": rfc(local(2026, 11, 6, 0, 0)),
			"timesheetCodeId": 77,
		}, &created)
		if !created.Created || len(created.TechnicianShifts) != 12 {
			t.Fatalf("want 2 technicians × 6 days: %+v", created)
		}
		starts := map[string]bool{}
		for _, s := range created.TechnicianShifts {
			if s.TechnicianID == a {
				starts[s.Start] = true
			}
			if s.TimesheetCodeID == nil || *s.TimesheetCodeID != 77 || s.Note == nil || !s.Active {
				t.Fatalf("created shift: %+v", s)
			}
		}
		for _, want := range []string{"2026-10-26T13:00:00.0000000Z", "2026-10-30T13:00:00.0000000Z", "2026-11-02T14:00:00.0000000Z", "2026-11-06T14:00:00.0000000Z"} {
			if !starts[want] {
				t.Fatalf("no shift starts at %s: %v", want, starts)
			}
		}

		// Daily every other day, TimeOff, for b.
		e.ok("POST", "/technician-shifts", map[string]any{
			"technicianIds": []int64{b}, "shiftType": "TimeOff", "title": "Vacation",
			"start": rfc(local(2026, 11, 9, 0, 0)), "end": rfc(local(2026, 11, 9, 23, 0)),
			"repeatType": "Daily", "repeatInterval": 2, "repeatEndDate": rfc(local(2026, 11, 13, 12, 0)),
		}, &created)
		if len(created.TechnicianShifts) != 3 || created.TechnicianShifts[2].Start != "2026-11-13T06:00:00.0000000Z" {
			t.Fatalf("daily every 2 days: %+v", created.TechnicianShifts)
		}

		list := func(query string) page[shiftRow] {
			var p page[shiftRow]
			e.ok("GET", "/technician-shifts?"+query, nil, &p)
			return p
		}
		if p := list("includeTotal=true"); *p.TotalCount != 15 || len(p.Data) != 15 {
			t.Fatalf("all shifts: %+v", p)
		}
		if p := list(fmt.Sprintf("technicianId=%d&includeTotal=true", a)); *p.TotalCount != 6 {
			t.Fatalf("technician a: %d", *p.TotalCount)
		}
		if p := list("shiftType=TimeOff&includeTotal=true"); *p.TotalCount != 3 {
			t.Fatalf("time off: %d", *p.TotalCount)
		}
		if p := list("titleContains=VACA&noteContains=&includeTotal=true"); *p.TotalCount != 3 {
			t.Fatalf("titleContains: %d", *p.TotalCount)
		}
		if p := list("noteContains=van&includeTotal=true"); *p.TotalCount != 12 {
			t.Fatalf("noteContains: %d", *p.TotalCount)
		}
		window := fmt.Sprintf("startsOnOrAfter=%s&endsOnOrBefore=%s&includeTotal=true", "2026-11-02T00:00:00Z", "2026-11-07T00:00:00Z")
		if p := list(window); *p.TotalCount != 6 {
			t.Fatalf("date window: %d", *p.TotalCount)
		}
		p := list("sort=-Id&pageSize=2")
		if len(p.Data) != 2 || !p.HasMore || p.Data[0].ID < p.Data[1].ID {
			t.Fatalf("sorted page: %+v", p)
		}
		e.do("GET", "/technician-shifts?shiftType=Night", nil).WantError(t, http.StatusBadRequest, "shiftType")

		// Get, update, delete.
		id := p.Data[0].ID
		var got shiftRow
		e.ok("GET", fmt.Sprintf("/technician-shifts/%d", id), nil, &got)
		if got.ID != id || got.Title != "Vacation" {
			t.Fatalf("get: %+v", got)
		}
		e.advance(time.Minute)
		var updated struct {
			TechnicianShifts []shiftRow `json:"technicianShifts"`
		}
		e.ok("PATCH", fmt.Sprintf("/technician-shifts/%d", id), map[string]any{"title": "Holiday", "note": "Thanksgiving", "shiftType": "TimeOff"}, &updated)
		if len(updated.TechnicianShifts) != 1 || updated.TechnicianShifts[0].Title != "Holiday" || *updated.TechnicianShifts[0].Note != "Thanksgiving" ||
			updated.TechnicianShifts[0].ModifiedOn == got.ModifiedOn {
			t.Fatalf("update: %+v", updated)
		}
		e.do("PATCH", fmt.Sprintf("/technician-shifts/%d", id), map[string]any{"end": rfc(local(2026, 11, 1, 0, 0))}).WantError(t, http.StatusBadRequest, "end")
		var deleted struct {
			Message string `json:"message"`
			ID      int64  `json:"id"`
		}
		e.ok("DELETE", fmt.Sprintf("/technician-shifts/%d", id), nil, &deleted)
		if deleted.ID != id || deleted.Message == "" {
			t.Fatalf("delete: %+v", deleted)
		}
		e.do("GET", fmt.Sprintf("/technician-shifts/%d", id), nil).WantError(t, http.StatusNotFound, "")
		e.do("DELETE", fmt.Sprintf("/technician-shifts/%d", id), nil).WantError(t, http.StatusNotFound, "")
		e.do("PATCH", "/technician-shifts/999999", map[string]any{"title": "x"}).WantError(t, http.StatusNotFound, "")

		// Bulk delete removes what lies wholly inside the range.
		var bulk struct {
			Message    string  `json:"message"`
			DeletedIDs []int64 `json:"deletedIds"`
		}
		e.ok("POST", "/technician-shifts/bulk-delete", map[string]any{"start": "2026-10-28T00:00:00Z", "end": "2026-11-03T00:00:00Z"}, &bulk)
		if len(bulk.DeletedIDs) != 6 { // Oct 28, Oct 30 and Nov 2 for both technicians
			t.Fatalf("bulk delete: %+v", bulk)
		}
		if p := list("includeTotal=true"); *p.TotalCount != 8 {
			t.Fatalf("after bulk delete: %d", *p.TotalCount)
		}
		e.do("POST", "/technician-shifts/bulk-delete", map[string]any{"start": "2026-11-02T00:00:00Z", "end": "2026-11-01T00:00:00Z"}).WantError(t, http.StatusBadRequest, "end")

		// Validation.
		base := func() map[string]any {
			return map[string]any{"technicianIds": []int64{a}, "shiftType": "Normal", "title": "x",
				"start": rfc(local(2026, 12, 1, 8, 0)), "end": rfc(local(2026, 12, 1, 17, 0)), "repeatType": "Never"}
		}
		bad := base()
		bad["technicianIds"] = []int64{a, 999999}
		e.do("POST", "/technician-shifts", bad).WantError(t, http.StatusBadRequest, "technicianIds[1]")
		bad = base()
		bad["end"] = rfc(local(2026, 12, 1, 7, 0))
		e.do("POST", "/technician-shifts", bad).WantError(t, http.StatusBadRequest, "end")
		bad = base()
		bad["repeatType"] = "Weekly"
		e.do("POST", "/technician-shifts", bad).WantError(t, http.StatusBadRequest, "repeatEndDate")
		bad = base()
		bad["repeatType"], bad["repeatEndDate"], bad["shiftDays"] = "Weekly", rfc(local(2026, 12, 30, 0, 0)), "Funday"
		e.do("POST", "/technician-shifts", bad).WantError(t, http.StatusBadRequest, "shiftDays")
		e.deactivate(a) // an inactive technician gets no shifts
		e.do("POST", "/technician-shifts", base()).WantError(t, http.StatusBadRequest, "technicianIds[0]")
		if p := list("includeTotal=true"); *p.TotalCount != 8 {
			t.Fatalf("a failed create wrote shifts: %d", *p.TotalCount)
		}
	})
}
