package jpm

import (
	"strings"

	"github.com/stsim/stsim/sim/optional"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// appointmentOut is Jpm.V2.AppointmentResponse.
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
	CustomerID          int64          `json:"customerId"`
	Unused              bool           `json:"unused"`
	CreatedByID         int64          `json:"createdById"`
	IsConfirmed         bool           `json:"isConfirmed"`
}

func renderAppointment(a *Appointment) appointmentOut {
	return appointmentOut{
		ID: a.ID, JobID: a.JobID, AppointmentNumber: optional.Ptr(a.AppointmentNumber), Start: a.Start, End: a.End,
		ArrivalWindowStart: a.ArrivalWindowStart, ArrivalWindowEnd: a.ArrivalWindowEnd, Status: a.Status,
		SpecialInstructions: a.SpecialInstructions, CreatedOn: a.CreatedOn, ModifiedOn: a.ModifiedOn,
		CustomerID: a.CustomerID, Unused: a.Unused, CreatedByID: a.CreatedByID, IsConfirmed: a.IsConfirmed,
	}
}

// getAppointment handles GET /appointments/{id}.
var getAppointment = api.GetByID(&Appointments, func(_ *gin.Context, a *Appointment) appointmentOut { return renderAppointment(a) })

// listAppointments handles GET /appointments: ids, jobId, customerId and
// number from indexes, technicianId through the live assignments, status,
// startsOnOrAfter/startsBefore, unused, the date filters and sort (Id,
// ModifiedOn, CreatedOn). projectId keeps the appointments of the
// project's jobs.
var listAppointments = api.List(&Appointments, api.ListSpec[Appointment, *Appointment]{
	Options: resource.ListOptions{Sorts: resource.StandardSorts},
	Filter: func(c *gin.Context, tx *resource.Tx) (resource.Select, func(*Appointment) bool, error) {
		r := newQueryReader(c)
		jobID, projectID := r.int64("jobId"), r.int64("projectId")
		number := r.q.Get("number")
		status := r.oneOf("status", appointmentStatuses)
		from, before := r.time("startsOnOrAfter"), r.time("startsBefore")
		techID, customerID := r.int64("technicianId"), r.int64("customerId")
		unused := r.bool("unused")
		if err := r.done(); err != nil {
			return resource.Select{}, nil, err
		}
		var sel resource.Select
		switch {
		case jobID != nil:
			sel.Index, sel.Value = "job", resource.IDKey(*jobID)
		case customerID != nil:
			sel.Index, sel.Value = "customer", resource.IDKey(*customerID)
		case number != "":
			sel.Index, sel.Value = "number", strings.ToLower(number)
		}
		if techID != nil {
			as, err := technicianAssignments(tx, *techID)
			if err != nil {
				return sel, nil, err
			}
			ids := []int64{}
			for _, a := range as {
				ids = append(ids, a.AppointmentID)
			}
			sel.Narrow(ids)
		}
		if projectID != nil {
			jobs, err := resource.Lookup(tx, &Jobs, "project", resource.IDKey(*projectID))
			if err != nil {
				return sel, nil, err
			}
			ids := []int64{}
			for _, job := range jobs {
				appts, err := resource.Lookup(tx, &Appointments, "job", resource.IDKey(job))
				if err != nil {
					return sel, nil, err
				}
				ids = append(ids, appts...)
			}
			sel.Narrow(ids)
		}
		return sel, func(a *Appointment) bool {
			switch {
			case jobID != nil && a.JobID != *jobID,
				customerID != nil && a.CustomerID != *customerID,
				number != "" && !strings.EqualFold(a.AppointmentNumber, number),
				status != "" && a.Status != status,
				unused != nil && a.Unused != *unused,
				!inRange(a.Start.Time, from, before):
				return false
			}
			return true
		}, nil
	},
}, func(_ *gin.Context, a *Appointment) appointmentOut { return renderAppointment(a) })

// addAppointmentIn is Jpm.V2.AppointmentAddRequest.
type addAppointmentIn struct {
	JobID               int64          `json:"jobId"`
	Start               resource.Time  `json:"start"`
	End                 resource.Time  `json:"end"`
	ArrivalWindowStart  *resource.Time `json:"arrivalWindowStart"`
	ArrivalWindowEnd    *resource.Time `json:"arrivalWindowEnd"`
	TechnicianIDs       []int64        `json:"technicianIds"`
	SpecialInstructions *string        `json:"specialInstructions"`
}

// addAppointment handles POST /appointments: a new appointment on an
// existing job (jobId unknown: 400). A canceled or completed job takes no
// new appointment (409). Times follow the create rules, the slot is
// checked for room (checkSlot), technicians are assigned, and the job's history
// records it. A job on hold stays on hold; the new appointment is Scheduled.
func addAppointment(c *gin.Context, call *api.Call) {
	var in addAppointmentIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	if err := checkWindow("", in.Start.Time, in.End.Time, in.ArrivalWindowStart, in.ArrivalWindowEnd); err != nil {
		call.Fail(c, err)
		return
	}
	var out appointmentOut
	err := call.Update(func(tx *resource.Tx) error {
		job, err := resource.Get(tx, &Jobs, in.JobID)
		if err != nil {
			return refError(err, "jobId", "No job has id "+resource.IDKey(in.JobID)+".")
		}
		if err := finished(job, "given new appointments"); err != nil {
			return err
		}
		if err := checkTechnicians(tx, "technicianIds", in.TechnicianIDs); err != nil {
			return err
		}
		job.AppointmentSeq++
		appt, err := newAppointment(tx, job, job.AppointmentSeq, appointmentIn{
			Start: in.Start, End: in.End, ArrivalWindowStart: in.ArrivalWindowStart, ArrivalWindowEnd: in.ArrivalWindowEnd, TechnicianIDs: in.TechnicianIDs,
		}, in.SpecialInstructions, "")
		if err != nil {
			return err
		}
		if err := resource.Save(tx, &Jobs, job); err != nil { // the job's appointment members changed
			return err
		}
		if err := appendHistory(tx, job.ID, EventAppointmentAdded, "Appointment "+appt.AppointmentNumber+" added for "+appt.Start.UTC().Format("2006-01-02 15:04")+" UTC."); err != nil {
			return err
		}
		out = renderAppointment(appt)
		return nil
	})
	call.Respond(c, out, err)
}

// appointmentAction reads the id, binds the body (if any) and runs fn on the
// live appointment and its job in one transaction. fn returns what to answer
// with (nil: the empty 200 of an action endpoint).
func appointmentAction[In any](bind bool, fn func(tx *resource.Tx, appt *Appointment, job *Job, in *In) (any, error)) api.Handler {
	return api.Action(api.OwnerKind(&Appointments), bind, nil, func(tx *resource.Tx, _ int64, appt *Appointment, in *In) (any, error) {
		job, err := resource.Get(tx, &Jobs, appt.JobID)
		if err != nil {
			return nil, err
		}
		return fn(tx, appt, job, in)
	})
}

// deleteAppointment handles DELETE /appointments/{id} (contract §9: an
// appointment is deleted, never canceled on its own). 409 ("Appointment is
// in the state that doesn't allow deletion") for the job's only
// appointment, one being worked or done, or one of a canceled or completed
// job. Its assignments end, and the job's history records it.
var deleteAppointment = appointmentAction(false, func(tx *resource.Tx, appt *Appointment, job *Job, _ *struct{}) (any, error) {
	if err := finished(job, "changed"); err != nil {
		return nil, err
	}
	if appt.Status == ApptWorking || appt.Status == ApptDone {
		return nil, apierr.Conflict("Appointment " + appt.AppointmentNumber + " is " + appt.Status + "; it cannot be deleted.")
	}
	appts, err := jobAppointments(tx, job.ID)
	if err != nil {
		return nil, err
	}
	if len(appts) <= 1 {
		return nil, apierr.Conflict("Appointment " + appt.AppointmentNumber + " is the only appointment of job " + job.JobNumber + "; a job always has one. Cancel the job instead.")
	}
	techs, err := assignedTechnicianIDs(tx, appt.ID)
	if err != nil {
		return nil, err
	}
	if err := UnassignTechnicians(tx, appt, techs); err != nil {
		return nil, err
	}
	if err := resource.Delete(tx, &Appointments, appt); err != nil {
		return nil, err
	}
	if err := resource.Save(tx, &Jobs, job); err != nil { // the job's appointment members changed
		return nil, err
	}
	return nil, appendHistory(tx, job.ID, EventAppointmentDeleted, "Appointment "+appt.AppointmentNumber+" deleted.")
})

// rescheduleIn is Jpm.V2.AppointmentRescheduleRequest; every member is
// optional, and a null arrival window member clears the window.
type rescheduleIn struct {
	Start              *resource.Time         `json:"start"`
	End                *resource.Time         `json:"end"`
	ArrivalWindowStart api.Opt[resource.Time] `json:"arrivalWindowStart"`
	ArrivalWindowEnd   api.Opt[resource.Time] `json:"arrivalWindowEnd"`
}

// reschedule handles PATCH /appointments/{id}/reschedule: new start, end
// and arrival window, each optional (start must stay before end). When the
// times move and no arrival window is sent, the window moves with start.
// Room is asked for at the new time with the appointment's
// technicians (checkSlot, 409 when a strict tenant's slot is full;
// the appointment's old time still counts while the new one is checked).
// An appointment being worked, done or canceled is a 409. The job's history
// records the move.
func reschedule(c *gin.Context, call *api.Call) {
	appointmentAction(true, func(tx *resource.Tx, appt *Appointment, job *Job, in *rescheduleIn) (any, error) {
		switch appt.Status {
		case ApptWorking, ApptDone, ApptCanceled:
			return nil, apierr.Conflict("Appointment " + appt.AppointmentNumber + " is " + appt.Status + "; it cannot be rescheduled.")
		}
		if err := finished(job, "rescheduled"); err != nil {
			return nil, err
		}
		oldStart, oldEnd := appt.Start, appt.End
		start, end := appt.Start, appt.End
		api.SetIf(&start, in.Start)
		api.SetIf(&end, in.End)
		aws, awe := appt.ArrivalWindowStart, appt.ArrivalWindowEnd
		if in.ArrivalWindowStart.Set || in.ArrivalWindowEnd.Set {
			if in.ArrivalWindowStart.Set {
				aws = in.ArrivalWindowStart.Value
			}
			if in.ArrivalWindowEnd.Set {
				awe = in.ArrivalWindowEnd.Value
			}
		} else if shift := start.Sub(oldStart.Time); shift != 0 && aws != nil && awe != nil {
			aws, awe = optional.Ptr(resource.Stamp(aws.Add(shift))), optional.Ptr(resource.Stamp(awe.Add(shift)))
		}
		if err := checkWindow("", start.Time, end.Time, aws, awe); err != nil {
			return nil, err
		}
		techs, err := assignedTechnicianIDs(tx, appt.ID)
		if err != nil {
			return nil, err
		}
		if !start.Equal(oldStart.Time) || !end.Equal(oldEnd.Time) {
			if err := checkSlot(tx, job, start.Time, end.Time, techs); err != nil {
				return nil, err
			}
		}
		appt.Start, appt.End = resource.Stamp(start.Time), resource.Stamp(end.Time)
		appt.ArrivalWindowStart, appt.ArrivalWindowEnd = aws, awe
		if err := resource.Save(tx, &Appointments, appt); err != nil {
			return nil, err
		}
		if err := resource.Save(tx, &Jobs, job); err != nil { // first/last appointment may change
			return nil, err
		}
		memo := "Appointment " + appt.AppointmentNumber + " moved from " + oldStart.UTC().Format("2006-01-02 15:04") + " to " + appt.Start.UTC().Format("2006-01-02 15:04") + " UTC."
		if err := appendHistory(tx, job.ID, EventRescheduled, memo); err != nil {
			return nil, err
		}
		return renderAppointment(appt), nil
	})(c, call)
}

// holdAppointment handles PUT /appointments/{id}/hold: reasonId must be an
// active hold reason; only a Scheduled or Dispatched appointment can be put
// on hold (409 otherwise). The job's status does not change.
var holdAppointment = appointmentAction(true, func(tx *resource.Tx, appt *Appointment, job *Job, in *reasonIn) (any, error) {
	reason, err := activeReason(tx, &HoldReasons, in.ReasonID)
	if err != nil {
		return nil, err
	}
	if appt.Status != ApptScheduled && appt.Status != ApptDispatched {
		return nil, apierr.Conflict("Appointment " + appt.AppointmentNumber + " is " + appt.Status + "; only a scheduled or dispatched appointment can be put on hold.")
	}
	appt.Status, appt.HoldReasonID, appt.HoldMemo = ApptHold, &reason.ID, optional.Ptr(in.Memo)
	if err := resource.Save(tx, &Appointments, appt); err != nil {
		return nil, err
	}
	return nil, appendHistory(tx, job.ID, EventAppointmentHold, "Appointment "+appt.AppointmentNumber+": "+reason.Name+": "+in.Memo)
})

// removeHold handles DELETE /appointments/{id}/hold: 409 ("Appointment is
// not on hold") unless it is on hold; it goes back to Scheduled. A job on
// hold goes back to Scheduled once none of its appointments is on hold.
var removeHold = appointmentAction(false, func(tx *resource.Tx, appt *Appointment, job *Job, _ *struct{}) (any, error) {
	if appt.Status != ApptHold {
		return nil, apierr.Conflict("Appointment " + appt.AppointmentNumber + " is not on hold.")
	}
	appt.Status, appt.HoldReasonID, appt.HoldMemo = ApptScheduled, nil, nil
	if err := resource.Save(tx, &Appointments, appt); err != nil {
		return nil, err
	}
	if job.JobStatus == JobHold {
		appts, err := jobAppointments(tx, job.ID)
		if err != nil {
			return nil, err
		}
		held := false
		for _, a := range appts {
			held = held || a.Status == ApptHold
		}
		if !held {
			job.JobStatus = JobScheduled
			if err := resource.Save(tx, &Jobs, job); err != nil {
				return nil, err
			}
		}
	}
	return nil, appendHistory(tx, job.ID, EventAppointmentUnhold, "Appointment "+appt.AppointmentNumber+" is no longer on hold.")
})

// confirmAppointment handles PUT /appointments/{id}/confirmation: sets
// isConfirmed; 409 ("Appointment is already confirmed") when it is, or when
// the appointment is canceled.
var confirmAppointment = appointmentAction(false, func(tx *resource.Tx, appt *Appointment, job *Job, _ *struct{}) (any, error) {
	if appt.IsConfirmed {
		return nil, apierr.Conflict("Appointment " + appt.AppointmentNumber + " is already confirmed.")
	}
	if appt.Status == ApptCanceled {
		return nil, apierr.Conflict("Appointment " + appt.AppointmentNumber + " is canceled.")
	}
	appt.IsConfirmed = true
	if err := resource.Save(tx, &Appointments, appt); err != nil {
		return nil, err
	}
	return nil, appendHistory(tx, job.ID, EventConfirmed, "Appointment "+appt.AppointmentNumber+" confirmed.")
})

// unconfirmAppointment handles DELETE /appointments/{id}/confirmation:
// clears isConfirmed; 409 ("Appointment was not confirmed") when it was not.
var unconfirmAppointment = appointmentAction(false, func(tx *resource.Tx, appt *Appointment, job *Job, _ *struct{}) (any, error) {
	if !appt.IsConfirmed {
		return nil, apierr.Conflict("Appointment " + appt.AppointmentNumber + " was not confirmed.")
	}
	appt.IsConfirmed = false
	if err := resource.Save(tx, &Appointments, appt); err != nil {
		return nil, err
	}
	return nil, appendHistory(tx, job.ID, EventUnconfirmed, "Appointment "+appt.AppointmentNumber+" confirmation removed.")
})

// specialInstructionsIn is Jpm.V2.UpdateAppointmentSpecialInstructionsRequest.
type specialInstructionsIn struct {
	SpecialInstructions *string `json:"specialInstructions"`
}

// updateSpecialInstructions handles PUT
// /appointments/{id}/special-instructions: replaces the text (empty
// clears it) and answers with the appointment. A canceled appointment is a
// 409.
var updateSpecialInstructions = appointmentAction(true, func(tx *resource.Tx, appt *Appointment, job *Job, in *specialInstructionsIn) (any, error) {
	if in.SpecialInstructions == nil {
		return nil, apierr.BadRequest("specialInstructions", "specialInstructions is required.")
	}
	if appt.Status == ApptCanceled {
		return nil, apierr.Conflict("Appointment " + appt.AppointmentNumber + " is canceled.")
	}
	appt.SpecialInstructions = in.SpecialInstructions
	if *in.SpecialInstructions == "" {
		appt.SpecialInstructions = nil
	}
	if err := resource.Save(tx, &Appointments, appt); err != nil {
		return nil, err
	}
	if err := appendHistory(tx, job.ID, EventInstructions, "Appointment "+appt.AppointmentNumber+" special instructions updated."); err != nil {
		return nil, err
	}
	return renderAppointment(appt), nil
})
