package jpm

import (
	"slices"
	"strings"

	"github.com/stsim/stsim/sim/optional"

	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// Job state changes. Each one is a single transaction that moves the job,
// its appointments (and their assignments), its logs and its history
// together.

// reasonIn is Jpm.V2.CancelJobRequest and Jpm.V2.HoldJobRequest (and
// HoldAppointmentRequest).
type reasonIn struct {
	ReasonID int64  `json:"reasonId"`
	Memo     string `json:"memo"`
}

// activeReason returns an active reason of kind, or a 400 naming reasonId.
func activeReason(tx *resource.Tx, kind *resource.Kind[Reason], id int64) (*Reason, error) {
	r, err := resource.Get(tx, kind, id)
	if err != nil {
		return nil, refError(err, "reasonId", "No "+strings.ToLower(kind.Label)+" has id "+resource.IDKey(id)+".")
	}
	if !r.Active {
		return nil, apierr.BadRequest("reasonId", kind.Label+" "+resource.IDKey(id)+" ("+r.Name+") is inactive.")
	}
	return r, nil
}

// jobAction wraps the shape every job action shares: read the id, bind the
// body (if any), run fn on the live job in one transaction, answer 200 with
// no body.
func jobAction[In any](bind bool, fn func(tx *resource.Tx, job *Job, in *In) error) api.Handler {
	return api.Action(loadJob, bind, nil, func(tx *resource.Tx, _ int64, job *Job, in *In) (any, error) {
		return nil, fn(tx, job, in)
	})
}

// finished reports a job that no longer changes state: 409 for completed
// and canceled jobs.
func finished(job *Job, action string) error {
	switch job.JobStatus {
	case JobCompleted:
		return apierr.Conflict("Job " + job.JobNumber + " is completed; it cannot be " + action + ".")
	case JobCanceled:
		return apierr.Conflict("Job " + job.JobNumber + " is canceled; it cannot be " + action + ".")
	}
	return nil
}

// setAppointments moves the job's appointments whose status is in from to
// status to.
func setAppointments(tx *resource.Tx, jobID int64, from []string, to string) error {
	appts, err := jobAppointments(tx, jobID)
	if err != nil {
		return err
	}
	for _, a := range appts {
		if slices.Contains(from, a.Status) {
			a.Status = to
			if err := resource.Save(tx, &Appointments, a); err != nil {
				return err
			}
		}
	}
	return nil
}

// cancelJob handles PUT /jobs/{id}/cancel (contract §9: jobs are never
// deleted, only canceled). reasonId must be an active cancel reason. The
// job and every appointment not yet done become Canceled, a canceled-log
// entry records reason and memo, the booked log goes inactive, and history
// records it. A completed or already canceled job is a 409.
var cancelJob = jobAction(true, func(tx *resource.Tx, job *Job, in *reasonIn) error {
	reason, err := activeReason(tx, &CancelReasons, in.ReasonID)
	if err != nil {
		return err
	}
	if err := finished(job, "canceled"); err != nil {
		return err
	}
	job.JobStatus = JobCanceled
	if err := resource.Save(tx, &Jobs, job); err != nil {
		return err
	}
	if err := setAppointments(tx, job.ID, []string{ApptScheduled, ApptDispatched, ApptWorking, ApptHold}, ApptCanceled); err != nil {
		return err
	}
	if err := resource.Create(tx, &JobCanceledLogs, &CanceledLog{
		Meta: resource.Meta{Active: true}, JobID: job.ID, ReasonID: reason.ID, Memo: optional.Ptr(in.Memo), CreatedByID: integrationUser,
	}); err != nil {
		return err
	}
	if err := deactivateBookedLogs(tx, job.ID); err != nil {
		return err
	}
	return appendHistory(tx, job.ID, EventCanceled, reason.Name+": "+in.Memo)
})

// removeCancellation handles PUT /jobs/{id}/remove-cancellation: a canceled
// job goes back to Scheduled with its canceled appointments, its canceled
// log goes inactive and a new booked-log entry records the rebooking. A job
// that is not canceled is a 409.
var removeCancellation = jobAction(false, func(tx *resource.Tx, job *Job, _ *struct{}) error {
	if job.JobStatus != JobCanceled {
		return apierr.Conflict("Job " + job.JobNumber + " is not canceled (it is " + job.JobStatus + ").")
	}
	job.JobStatus = JobScheduled
	if err := resource.Save(tx, &Jobs, job); err != nil {
		return err
	}
	if err := setAppointments(tx, job.ID, []string{ApptCanceled}, ApptScheduled); err != nil {
		return err
	}
	if err := deactivateLogs(tx, &JobCanceledLogs, job.ID); err != nil {
		return err
	}
	appts, err := jobAppointments(tx, job.ID)
	if err != nil {
		return err
	}
	if len(appts) > 0 {
		if err := addBookedLog(tx, job, appts[0], integrationUser); err != nil {
			return err
		}
	}
	return appendHistory(tx, job.ID, EventCancellationRemoved, "The cancellation was removed; the job is scheduled again.")
})

// holdJob handles PUT /jobs/{id}/hold. reasonId must be an active hold
// reason. The job goes on Hold with its appointments that have not started
// (Scheduled or Dispatched); removing the hold from those appointments
// (DELETE /appointments/{id}/hold) brings the job back to Scheduled. A
// completed, canceled or already held job is a 409.
var holdJob = jobAction(true, func(tx *resource.Tx, job *Job, in *reasonIn) error {
	reason, err := activeReason(tx, &HoldReasons, in.ReasonID)
	if err != nil {
		return err
	}
	if err := finished(job, "put on hold"); err != nil {
		return err
	}
	if job.JobStatus == JobHold {
		return apierr.Conflict("Job " + job.JobNumber + " is already on hold.")
	}
	job.JobStatus = JobHold
	if err := resource.Save(tx, &Jobs, job); err != nil {
		return err
	}
	appts, err := jobAppointments(tx, job.ID)
	if err != nil {
		return err
	}
	for _, a := range appts {
		if a.Status == ApptScheduled || a.Status == ApptDispatched {
			a.Status, a.HoldReasonID, a.HoldMemo = ApptHold, &reason.ID, optional.Ptr(in.Memo)
			if err := resource.Save(tx, &Appointments, a); err != nil {
				return err
			}
		}
	}
	return appendHistory(tx, job.ID, EventJobHold, reason.Name+": "+in.Memo)
})

// completeIn is Jpm.V2.CompleteJobRequest.
type completeIn struct {
	CompletedOn resource.Time `json:"completedOn"`
}

// completeJob handles PUT /jobs/{id}/complete. It is a 409 ("Job already
// completed or cancelled or has no assigned technicians") when the job is
// completed or canceled, or no technician is assigned to any of its
// appointments. Otherwise the job is Completed on completedOn, its
// appointments Done (an appointment nobody was assigned to is marked
// unused) and their assignments Done.
var completeJob = jobAction(true, func(tx *resource.Tx, job *Job, in *completeIn) error {
	if in.CompletedOn.IsZero() {
		return apierr.BadRequest("completedOn", "completedOn is required.")
	}
	if err := finished(job, "completed"); err != nil {
		return err
	}
	appts, err := jobAppointments(tx, job.ID)
	if err != nil {
		return err
	}
	assigned := map[int64]bool{}
	for _, a := range appts {
		techs, err := assignedTechnicianIDs(tx, a.ID)
		if err != nil {
			return err
		}
		assigned[a.ID] = len(techs) > 0
	}
	if !slices.ContainsFunc(appts, func(a *Appointment) bool { return assigned[a.ID] }) {
		return apierr.Conflict("Job " + job.JobNumber + " has no assigned technicians; assign one before completing it.")
	}
	job.JobStatus, job.CompletedOn = JobCompleted, optional.Ptr(resource.Stamp(in.CompletedOn.Time))
	if err := resource.Save(tx, &Jobs, job); err != nil {
		return err
	}
	for _, a := range appts {
		a.Status, a.Unused = ApptDone, !assigned[a.ID]
		if err := resource.Save(tx, &Appointments, a); err != nil {
			return err
		}
		if err := setAssignmentStatus(tx, a.ID, "Done"); err != nil {
			return err
		}
	}
	return appendHistory(tx, job.ID, EventCompleted, "Completed on "+job.CompletedOn.UTC().Format("2006-01-02 15:04")+" UTC.")
})
