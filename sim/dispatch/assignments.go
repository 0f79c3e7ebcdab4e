package dispatch

import (
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/jpm"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
)

// Appointment assignments live in package jpm (jobs create them); dispatch
// lists them, exports them, and assigns and unassigns technicians through
// jpm.AssignTechnicians and jpm.UnassignTechnicians. There is no replace:
// a client unassigns, then assigns (contract §9).
//
// Assign and unassign need a live appointment (404 otherwise) that is not
// Canceled or Done (409: the visit is over, its crew is history); assign
// needs active technicians (400 naming technicianIds[i]); unassigning a
// technician who is not assigned changes nothing. Both answer the
// appointment (Dispatch.V2.AppointmentResponse).

// assignmentOut is Dispatch.V2.AppointmentAssignmentResponse and
// ExportAppointmentAssignmentsResponse (the same members).
type assignmentOut struct {
	ID             int64         `json:"id"`
	TechnicianID   int64         `json:"technicianId"`
	TechnicianName string        `json:"technicianName"`
	AssignedByID   int64         `json:"assignedById"`
	AssignedOn     resource.Time `json:"assignedOn"`
	Status         string        `json:"status"`
	IsPaused       bool          `json:"isPaused"`
	JobID          int64         `json:"jobId"`
	AppointmentID  int64         `json:"appointmentId"`
	CreatedOn      resource.Time `json:"createdOn"`
	ModifiedOn     resource.Time `json:"modifiedOn"`
	Active         bool          `json:"active"`
}

// assignmentStatuses are Dispatch.V2.JobAppointmentAssignmentStatus.
var assignmentStatuses = []string{"Scheduled", "Dispatched", "Working", "Done"}

func renderAssignment(a *jpm.Assignment) assignmentOut {
	status := a.Status
	if !oneOf(status, assignmentStatuses) {
		status = "Scheduled"
	}
	return assignmentOut{
		ID: a.ID, TechnicianID: a.TechnicianID, TechnicianName: a.TechnicianName, AssignedByID: a.AssignedByID,
		AssignedOn: a.AssignedOn, Status: status, JobID: a.JobID, AppointmentID: a.AppointmentID,
		CreatedOn: a.CreatedOn, ModifiedOn: a.ModifiedOn, Active: a.Active,
	}
}

// appointmentOut is Dispatch.V2.AppointmentResponse.
type appointmentOut struct {
	ID                  int64          `json:"id"`
	JobID               int64          `json:"jobId"`
	AppointmentNumber   *string        `json:"appointmentNumber"`
	Start               resource.Time  `json:"start"`
	End                 resource.Time  `json:"end"`
	ArrivalWindowStart  *resource.Time `json:"arrivalWindowStart"`
	ArrivalWindowEnd    *resource.Time `json:"arrivalWindowEnd"`
	Status              string         `json:"status"`
	SpecialInstructions *string        `json:"specialInstructions"`
	CreatedOn           resource.Time  `json:"createdOn"`
	ModifiedOn          resource.Time  `json:"modifiedOn"`
}

func renderAppointment(a *jpm.Appointment) appointmentOut {
	var number *string
	if a.AppointmentNumber != "" {
		n := a.AppointmentNumber
		number = &n
	}
	return appointmentOut{
		ID: a.ID, JobID: a.JobID, AppointmentNumber: number, Start: a.Start, End: a.End,
		ArrivalWindowStart: a.ArrivalWindowStart, ArrivalWindowEnd: a.ArrivalWindowEnd, Status: a.Status,
		SpecialInstructions: a.SpecialInstructions, CreatedOn: a.CreatedOn, ModifiedOn: a.ModifiedOn,
	}
}

// assignIn is Dispatch.V2.AssignTechniciansRequest and
// UnassignTechniciansRequest.
type assignIn struct {
	JobAppointmentID *int64  `json:"jobAppointmentId"`
	TechnicianIDs    []int64 `json:"technicianIds"`
}

func (in *assignIn) check() error {
	p := badRequest()
	if in.JobAppointmentID == nil {
		p.Field("jobAppointmentId", "jobAppointmentId is required.")
	}
	if len(in.TechnicianIDs) == 0 {
		p.Field("technicianIds", "Give at least one technician.")
	}
	return p.orNil()
}

// assignment runs an assign or unassign on the request's appointment.
func assignment(change func(tx *resource.Tx, appt *jpm.Appointment, in *assignIn) error) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		var in assignIn
		if err := api.Bind(c, &in); err != nil {
			call.Fail(c, err)
			return
		}
		if err := in.check(); err != nil {
			call.Fail(c, err)
			return
		}
		var out appointmentOut
		err := call.Update(func(tx *resource.Tx) error {
			appt, err := jpm.AppointmentByID(tx, *in.JobAppointmentID)
			if err != nil {
				return err
			}
			if appt.Status == jpm.ApptCanceled || appt.Status == jpm.ApptDone {
				return apierr.Conflict("Appointment " + resource.IDKey(appt.ID) + " is " + appt.Status + "; its technicians can no longer change.")
			}
			if err := change(tx, appt, &in); err != nil {
				return err
			}
			out = renderAppointment(appt)
			return nil
		})
		call.Respond(c, out, err)
	}
}

// assignTechnicians handles POST /appointment-assignments/assign-technicians.
var assignTechnicians = assignment(func(tx *resource.Tx, appt *jpm.Appointment, in *assignIn) error {
	return jpm.AssignTechnicians(tx, appt, in.TechnicianIDs, integrationUserID, "technicianIds")
})

// unassignTechnicians handles POST /appointment-assignments/unassign-technicians.
// A technician ID that names no technician at all is a 400.
var unassignTechnicians = assignment(func(tx *resource.Tx, appt *jpm.Appointment, in *assignIn) error {
	for i, id := range in.TechnicianIDs {
		if _, err := settings.TechnicianByID(tx, id); err != nil {
			return apierr.BadRequest("technicianIds["+itoa(i)+"]", "No technician has id "+resource.IDKey(id)+".")
		}
	}
	return jpm.UnassignTechnicians(tx, appt, in.TechnicianIDs)
})

// listAssignments handles GET /appointment-assignments: ids,
// appointmentIds (up to 50, from an index), jobId (from an index), active
// (default True), the four date filters and sort by Id, CreatedOn or
// ModifiedOn.
var listAssignments = jpm.ListAssignments(api.ListSpec[jpm.Assignment, *jpm.Assignment]{
	Options: resource.ListOptions{DefaultActive: resource.ActiveTrue, Sorts: resource.StandardSorts},
	Filter: func(c *gin.Context, tx *resource.Tx) (resource.Select, func(*jpm.Assignment) bool, error) {
		var sel resource.Select
		p := badRequest()
		if jobID, ok := queryID(c, p, "jobId"); ok {
			sel = resource.Select{Index: "job", Value: resource.IDKey(jobID)}
		}
		if v := c.Query("appointmentIds"); v != "" {
			ids, msg := resource.ParseIDs(v)
			if msg != "" {
				p.Field("appointmentIds", msg)
			}
			sel.IDs = []int64{}
			for _, apptID := range ids {
				found, err := jpm.AssignmentIDsOf(tx, apptID)
				if err != nil {
					return sel, nil, err
				}
				sel.IDs = append(sel.IDs, found...)
			}
		}
		return sel, nil, p.orNil()
	},
}, func(_ *gin.Context, a *jpm.Assignment) assignmentOut { return renderAssignment(a) })

// exportAssignments handles GET /export/appointment-assignments: the feed
// of every assignment (contract §6). Its active parameter (True, False or
// Any, the default: exports carry inactive records) filters the page after
// it is cut, so a page may hold fewer items; continueFrom still moves past
// the records left out.
func exportAssignments(c *gin.Context, call *api.Call) {
	active := strings.ToLower(c.Query("active"))
	if active != "" && active != "true" && active != "false" && active != "any" {
		call.Fail(c, apierr.BadRequest("active", "active must be True, Any or False."))
		return
	}
	q := url.Values{"from": {c.Query("from")}, "includeRecentChanges": {c.Query("includeRecentChanges")}}
	eq, err := jpm.ParseAssignmentExport(q, call.Tenant)
	if err != nil {
		call.Fail(c, err)
		return
	}
	var out resource.ExportPage[assignmentOut]
	err = call.View(func(tx *resource.Tx) error {
		page, err := jpm.ExportAssignments(tx, call.Tenant, eq)
		if err != nil {
			return err
		}
		out = resource.ExportPage[assignmentOut]{HasMore: page.HasMore, ContinueFrom: page.ContinueFrom, Data: []assignmentOut{}}
		for _, a := range page.Data {
			if (active == "true" && !a.Active) || (active == "false" && a.Active) {
				continue
			}
			out.Data = append(out.Data, renderAssignment(a))
		}
		return nil
	})
	call.Respond(c, out, err)
}
