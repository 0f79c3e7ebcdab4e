package dispatch_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/simtest"
)

type assignmentRow struct {
	ID             int64  `json:"id"`
	TechnicianID   int64  `json:"technicianId"`
	TechnicianName string `json:"technicianName"`
	AssignedByID   int64  `json:"assignedById"`
	AssignedOn     string `json:"assignedOn"`
	Status         string `json:"status"`
	IsPaused       bool   `json:"isPaused"`
	JobID          int64  `json:"jobId"`
	AppointmentID  int64  `json:"appointmentId"`
	Active         bool   `json:"active"`
}

type appointmentRow struct {
	ID                  int64   `json:"id"`
	JobID               int64   `json:"jobId"`
	Start               string  `json:"start"`
	End                 string  `json:"end"`
	Status              string  `json:"status"`
	SpecialInstructions *string `json:"specialInstructions"`
}

func TestAppointmentAssignments(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := newEnv(t, backend)
		f := e.newFixture(3, 2*time.Hour)
		a, b, c := f.techs[0], f.techs[1], f.techs[2]
		eight, ten := local(2026, 11, 24, 8, 0), local(2026, 11, 24, 10, 0)
		first := e.book(f, eight, ten, a)
		second := e.book(f, ten, ten.Add(2*time.Hour))
		firstJob := e.jobOf(first)

		var appt appointmentRow
		e.ok("POST", "/appointment-assignments/assign-technicians", map[string]any{"jobAppointmentId": second, "technicianIds": []int64{b, c}}, &appt)
		if appt.ID != second || appt.Status != "Scheduled" || appt.Start != "2026-11-24T16:00:00.0000000Z" {
			t.Fatalf("assign answer: %+v", appt)
		}
		// Assigning again changes nothing.
		e.ok("POST", "/appointment-assignments/assign-technicians", map[string]any{"jobAppointmentId": second, "technicianIds": []int64{b}}, nil)

		var p page[assignmentRow]
		e.ok("GET", "/appointment-assignments?includeTotal=true", nil, &p)
		if *p.TotalCount != 3 {
			t.Fatalf("assignments: %+v", p)
		}
		for _, row := range p.Data {
			if row.TechnicianName == "" || row.AssignedByID != 1 || row.Status != "Scheduled" || !row.Active || row.AssignedOn == "" {
				t.Fatalf("row: %+v", row)
			}
		}
		e.ok("GET", fmt.Sprintf("/appointment-assignments?appointmentIds=%d&includeTotal=true", second), nil, &p)
		if *p.TotalCount != 2 {
			t.Fatalf("by appointment: %+v", p)
		}
		e.ok("GET", fmt.Sprintf("/appointment-assignments?jobId=%d", firstJob), nil, &p)
		if len(p.Data) != 1 || p.Data[0].TechnicianID != a || p.Data[0].AppointmentID != first {
			t.Fatalf("by job: %+v", p)
		}
		e.ok("GET", fmt.Sprintf("/appointment-assignments?jobId=%d&appointmentIds=%d", firstJob, second), nil, &p)
		if len(p.Data) != 0 {
			t.Fatalf("jobId and appointmentIds together: %+v", p)
		}

		// Unassign, then the inactive record shows with active=False/Any.
		e.ok("POST", "/appointment-assignments/unassign-technicians", map[string]any{"jobAppointmentId": second, "technicianIds": []int64{c}}, &appt)
		e.ok("GET", "/appointment-assignments?active=False", nil, &p)
		if len(p.Data) != 1 || p.Data[0].TechnicianID != c || p.Data[0].Active {
			t.Fatalf("inactive assignments: %+v", p)
		}
		e.ok("GET", "/appointment-assignments?active=Any&includeTotal=true&sort=-ModifiedOn", nil, &p)
		if *p.TotalCount != 3 {
			t.Fatalf("any: %+v", p)
		}
		// Unassigning a technician who is not assigned changes nothing.
		e.ok("POST", "/appointment-assignments/unassign-technicians", map[string]any{"jobAppointmentId": second, "technicianIds": []int64{c}}, nil)

		// Errors.
		e.do("POST", "/appointment-assignments/assign-technicians", map[string]any{"jobAppointmentId": 999999, "technicianIds": []int64{a}}).WantError(t, http.StatusNotFound, "")
		e.do("POST", "/appointment-assignments/unassign-technicians", map[string]any{"jobAppointmentId": 999999, "technicianIds": []int64{a}}).WantError(t, http.StatusNotFound, "")
		e.do("POST", "/appointment-assignments/assign-technicians", map[string]any{"jobAppointmentId": first, "technicianIds": []int64{999999}}).WantError(t, http.StatusBadRequest, "technicianIds[0]")
		e.do("POST", "/appointment-assignments/unassign-technicians", map[string]any{"jobAppointmentId": first, "technicianIds": []int64{999999}}).WantError(t, http.StatusBadRequest, "technicianIds[0]")
		e.do("POST", "/appointment-assignments/assign-technicians", map[string]any{"jobAppointmentId": first, "technicianIds": []int64{}}).WantError(t, http.StatusBadRequest, "technicianIds")
		e.deactivate(c)
		e.srv.Do(t, "PUT", fmt.Sprintf("/jpm/v2/tenant/%d/jobs/%d/complete", e.tenant, firstJob), e.tok,
			map[string]any{"completedOn": rfc(e.srv.Clock.Now())}).OK(t) // first is Done
		e.do("POST", "/appointment-assignments/assign-technicians", map[string]any{"jobAppointmentId": second, "technicianIds": []int64{a, c}}).WantError(t, http.StatusBadRequest, "technicianIds[1]")
		e.do("POST", "/appointment-assignments/assign-technicians", map[string]any{"jobAppointmentId": first, "technicianIds": []int64{b}}).WantError(t, http.StatusConflict, "")
		e.do("POST", "/appointment-assignments/unassign-technicians", map[string]any{"jobAppointmentId": first, "technicianIds": []int64{a}}).WantError(t, http.StatusConflict, "")
	})
}

func TestAssignmentExport(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := newEnv(t, backend)
		f := e.newFixture(2, 2*time.Hour)
		eight, ten := local(2026, 11, 24, 8, 0), local(2026, 11, 24, 10, 0)
		// Booked through the jobs API, so the assignments are new changes.
		var job struct {
			FirstAppointmentID int64 `json:"firstAppointmentId"`
		}
		e.booker(f)(eight, ten, f.techs[0], f.techs[1]).OK(t).JSON(t, &job)
		appt := job.FirstAppointmentID

		type export struct {
			HasMore      bool            `json:"hasMore"`
			ContinueFrom string          `json:"continueFrom"`
			Data         []assignmentRow `json:"data"`
		}
		var x export
		e.ok("GET", "/export/appointment-assignments", nil, &x)
		if len(x.Data) != 0 || x.ContinueFrom == "" {
			t.Fatalf("changes are hidden for 15 minutes: %+v", x)
		}
		e.ok("GET", "/export/appointment-assignments?includeRecentChanges=true", nil, &x)
		if len(x.Data) != 2 {
			t.Fatalf("recent changes: %+v", x)
		}

		// After 16 minutes the old token has expired: a new one reads the feed.
		old := e.tok
		e.srv.Clock.Advance(16 * time.Minute)
		if r := e.srv.Do(t, "GET", e.path("/export/appointment-assignments"), old, nil); r.Status != http.StatusUnauthorized {
			t.Fatalf("expired token: %d", r.Status)
		}
		e.refresh()
		e.ok("GET", "/export/appointment-assignments", nil, &x)
		if len(x.Data) != 2 || x.HasMore {
			t.Fatalf("after the delay: %+v", x)
		}
		token := x.ContinueFrom

		e.ok("POST", "/appointment-assignments/unassign-technicians", map[string]any{"jobAppointmentId": appt, "technicianIds": []int64{f.techs[1]}}, nil)
		e.ok("GET", "/export/appointment-assignments?includeRecentChanges=true&from="+token, nil, &x)
		if len(x.Data) != 1 || x.Data[0].TechnicianID != f.techs[1] || x.Data[0].Active {
			t.Fatalf("the unassignment: %+v", x)
		}
		e.ok("GET", "/export/appointment-assignments?includeRecentChanges=true&active=True", nil, &x)
		if len(x.Data) != 1 || x.Data[0].TechnicianID != f.techs[0] {
			t.Fatalf("active=True: %+v", x)
		}
		e.ok("GET", "/export/appointment-assignments?includeRecentChanges=true&active=False", nil, &x)
		if len(x.Data) != 1 || x.Data[0].TechnicianID != f.techs[1] {
			t.Fatalf("active=False: %+v", x)
		}
		e.do("GET", "/export/appointment-assignments?from=nonsense", nil).WantError(t, http.StatusBadRequest, "from")
	})
}
