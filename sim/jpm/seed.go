package jpm

import (
	"fmt"
	"strconv"
	"time"

	"github.com/stsim/stsim/sim/optional"

	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
)

// Fixture describes jpm.yaml: job custom field types, cancel and hold
// reasons (in their read schemas: the API cannot create them), job types
// (Jpm.V2.CreateJobTypeRequest) and jobs (Jpm.V2.JobCreateRequest with
// their appointments). A job may also carry its id, what became of it
// (jobStatus Completed, Canceled or Hold, with the cancel or hold request
// that did it) and, per appointment, isConfirmed and specialInstructions.
// Without a jobStatus a job's state follows the clock: done once its last
// appointment has ended, Working once it has started, Dispatched within two
// hours of its start (a job without technicians stays Scheduled). Projects
// and their reference lists follow the jobs (projectKinds).
var Fixture = fixture.Module{Name: "jpm", Kinds: append([]fixture.Kind{
	{Name: "jobCustomFieldTypes", Schema: "Jpm.V2.CustomFieldTypeResponse", Extra: []string{"active"}, Optional: []string{"*"}, Decode: fixture.DecodeAs[fieldTypeFixture]},
	{Name: "cancelReasons", Schema: "Jpm.V2.JobCancelReasonResponse", Optional: []string{"*"}, Decode: fixture.DecodeAs[reasonFixture]},
	{Name: "holdReasons", Schema: "Jpm.V2.JobHoldReasonResponse", Optional: []string{"*"}, Decode: fixture.DecodeAs[reasonFixture]},
	{Name: "jobTypes", Schema: "Jpm.V2.CreateJobTypeRequest", Extra: []string{"id", "active"}, Decode: fixture.DecodeAs[jobTypeFixture]},
	{Name: "jobs", Schema: "Jpm.V2.JobCreateRequest", Extra: []string{"id", "jobStatus", "cancel", "hold",
		"appointments.isConfirmed", "appointments.specialInstructions"}, Decode: fixture.DecodeAs[jobFixture]},
}, projectKinds...),
	Writes: []any{CanceledLog{}, CustomFieldType{}, Note{}, ProjectStatus{}, ProjectSubStatus{}, ProjectType{}, Reason{}}}

type fieldTypeFixture struct {
	fixture.Common
	Name            string   `json:"name"`
	DataType        string   `json:"dataType"`
	DataTypeOptions []string `json:"dataTypeOptions"`
}

type reasonFixture struct {
	fixture.Common
	Name string `json:"name"`
}

type jobTypeFixture struct {
	fixture.Common
	createJobTypeIn
}

// appointmentFixture is an appointment of a seeded job.
type appointmentFixture struct {
	appointmentIn
	IsConfirmed         bool    `json:"isConfirmed"`
	SpecialInstructions *string `json:"specialInstructions"`
}

type jobFixture struct {
	ID int64 `json:"id"`
	createJobIn
	Appointments []appointmentFixture `json:"appointments"`
	JobStatus    string               `json:"jobStatus"`
	Cancel       *reasonIn            `json:"cancel"`
	Hold         *reasonIn            `json:"hold"`
}

// Seed writes the tenant's jpm records from its fixture. Jobs are written
// as their history would have left them: stamped when they were booked
// (three days before their first appointment, or now) and last changed at
// their last event, with their appointments, technician assignments,
// booked and canceled logs and job history.
func Seed(tx *resource.Tx, in fixture.Input) error {
	fieldTypes, err := fixture.Decode[fieldTypeFixture](in, "jobCustomFieldTypes")
	if err != nil {
		return err
	}
	cancelReasons, err := fixture.Decode[reasonFixture](in, "cancelReasons")
	if err != nil {
		return err
	}
	holdReasons, err := fixture.Decode[reasonFixture](in, "holdReasons")
	if err != nil {
		return err
	}
	jobTypes, err := fixture.Decode[jobTypeFixture](in, "jobTypes")
	if err != nil {
		return err
	}
	jobs, err := fixture.Decode[jobFixture](in, "jobs")
	if err != nil {
		return err
	}
	for _, f := range fieldTypes {
		ft := &CustomFieldType{Meta: f.NewMeta(), Name: f.Name, DataType: f.DataType, DataTypeOptions: f.DataTypeOptions}
		if err := resource.Create(tx, &JobFieldTypes, ft); err != nil {
			return err
		}
	}
	for _, list := range []struct {
		kind    *resource.Kind[Reason]
		reasons []reasonFixture
	}{{&CancelReasons, cancelReasons}, {&HoldReasons, holdReasons}} {
		for _, r := range list.reasons {
			if err := resource.Create(tx, list.kind, &Reason{Meta: r.NewMeta(), Name: r.Name}); err != nil {
				return err
			}
		}
	}
	for _, t := range jobTypes {
		jt := &JobType{
			Meta: t.NewMeta(), Name: t.Name, BusinessUnitIDs: optional.NonNil(t.BusinessUnitIDs), Skills: t.Skills, Priority: optional.Value(t.Priority),
			Duration: optional.Value(t.Duration), TagTypeIDs: optional.NonNil(t.TagTypeIDs), Class: optional.Value(t.Class), Summary: optional.Value(t.Summary),
			ExternalData: t.ExternalData.Apply(nil),
		}
		if jt.Skills == nil {
			jt.Skills = []string{}
		}
		if err := resource.Create(tx, &JobTypes, jt); err != nil {
			return err
		}
	}
	for i, j := range jobs {
		if err := seedJob(tx, j); err != nil {
			return in.RecordError("jobs", i, err)
		}
	}
	return seedProjects(tx, in)
}

// seedJob writes one job and what its history left behind.
func seedJob(tx *resource.Tx, spec jobFixture) error {
	now := tx.Now
	if len(spec.Appointments) == 0 {
		return fmt.Errorf("a job needs at least one appointment")
	}
	jt, err := resource.Get(tx, &JobTypes, spec.JobTypeID)
	if err != nil {
		return fmt.Errorf("jobTypeId: %w", err)
	}
	first, lastSpec := spec.Appointments[0], spec.Appointments[len(spec.Appointments)-1]
	bookedAt := minTime(first.Start.Add(-72*time.Hour), now)

	id := spec.ID
	if id == 0 {
		if id, err = resource.NewID(tx); err != nil {
			return err
		}
	}
	job := &Job{
		Meta: resource.Meta{ID: id, Active: true}, JobNumber: strconv.FormatInt(id, 10), CustomerID: spec.CustomerID, LocationID: spec.LocationID,
		BusinessUnitID: spec.BusinessUnitID, JobTypeID: spec.JobTypeID, CampaignID: spec.CampaignID, Priority: spec.Priority,
		JobStatus: JobScheduled, Summary: spec.Summary, CustomFields: []CustomField{}, TagTypeIDs: optional.NonNil(spec.TagTypeIDs),
		NotificationsEnabled: true, CreatedByID: integrationUser, AppointmentSeq: len(spec.Appointments), ExternalData: spec.ExternalData.Apply(nil),
	}
	// The history is written once, at the end: one record per job.
	hist := &History{Meta: resource.Meta{ID: id, Active: true}}
	record := func(event, memo string, at time.Time) error {
		eid, err := resource.NewID(tx)
		hist.Entries = append(hist.Entries, HistoryEntry{ID: eid, EmployeeID: optional.Ptr(integrationUser), EventType: event, Date: resource.Stamp(at), UsedSchedulingTool: schedulingManual, Memo: memo})
		return err
	}
	if err := record(EventBooked, "Booked "+jt.Name+" by phone.", bookedAt); err != nil {
		return err
	}
	var appts []*Appointment
	for k, a := range spec.Appointments {
		rec := &Appointment{
			Meta: resource.Meta{Active: true}, JobID: id, CustomerID: spec.CustomerID, AppointmentNumber: job.JobNumber + "-" + strconv.Itoa(k+1),
			Start: a.Start, End: a.End, ArrivalWindowStart: a.ArrivalWindowStart, ArrivalWindowEnd: a.ArrivalWindowEnd,
			Status: ApptScheduled, IsConfirmed: a.IsConfirmed, SpecialInstructions: a.SpecialInstructions, CreatedByID: integrationUser,
		}
		appts = append(appts, rec)
	}
	techs := make([][]*settings.Technician, len(appts))
	assigned := false
	for k, a := range spec.Appointments {
		for _, techID := range a.TechnicianIDs {
			t, err := settings.ActiveTechnician(tx, techID)
			if err != nil {
				return fmt.Errorf("appointments[%d].technicianIds: %w", k, err)
			}
			techs[k] = append(techs[k], t)
			assigned = true
		}
	}

	// What became of the job: its jobStatus or, for an open one, the clock.
	last := appts[len(appts)-1]
	jobStatus, apptStatus, assignStatus := JobScheduled, ApptScheduled, "Scheduled"
	changed := bookedAt // when the job last changed
	eventAt := maxTime(minTime(first.Start.Add(-24*time.Hour), now), bookedAt)
	switch {
	case spec.JobStatus == JobCanceled:
		jobStatus, apptStatus, changed = JobCanceled, ApptCanceled, eventAt
	case spec.JobStatus == JobHold:
		jobStatus, apptStatus, changed = JobHold, ApptHold, eventAt
	case spec.JobStatus != "" && spec.JobStatus != JobCompleted && spec.JobStatus != JobScheduled:
		return fmt.Errorf("jobStatus %q: a seeded job is Completed, Canceled, Hold or (by default) as the clock has it", spec.JobStatus)
	case !assigned:
	case spec.JobStatus == JobCompleted || !lastSpec.End.After(now):
		jobStatus, apptStatus, assignStatus, changed = JobCompleted, ApptDone, "Done", last.End.Time
		job.CompletedOn = optional.Ptr(last.End)
	case !first.Start.After(now):
		jobStatus, apptStatus, assignStatus, changed = JobInProgress, ApptWorking, "Working", first.Start.Time
	case first.Start.Sub(now) <= 2*time.Hour:
		jobStatus, apptStatus, assignStatus, changed = JobDispatched, ApptDispatched, "Dispatched", maxTime(first.Start.Add(-2*time.Hour), bookedAt)
	}
	changed = minTime(changed, now)
	job.JobStatus = jobStatus
	if err := resource.CreateAt(tx, &Jobs, job, bookedAt, changed); err != nil {
		return err
	}
	var hold *Reason
	if jobStatus == JobHold {
		if spec.Hold == nil {
			return fmt.Errorf("a job on hold needs hold: {reasonId, memo}")
		}
		if hold, err = resource.Get(tx, &HoldReasons, spec.Hold.ReasonID); err != nil {
			return fmt.Errorf("hold.reasonId: %w", err)
		}
	}
	err = fileOnce(tx, func() error { // each appointment's booking once, with its technicians
		for k, a := range appts {
			a.Status = apptStatus
			if k > 0 && jobStatus != JobCompleted && jobStatus != JobCanceled && jobStatus != JobHold {
				a.Status = ApptScheduled // a later visit has not started
			}
			if a.Status == ApptHold {
				a.HoldReasonID, a.HoldMemo = &hold.ID, optional.Ptr(spec.Hold.Memo)
			}
			if err := resource.CreateAt(tx, &Appointments, a, bookedAt, changed); err != nil {
				return err
			}
			for _, t := range techs[k] {
				status := assignStatus
				if a.Status == ApptScheduled || a.Status == ApptHold || a.Status == ApptCanceled {
					status = "Scheduled"
				}
				if err := resource.CreateAt(tx, &Assignments, &Assignment{
					Meta: resource.Meta{Active: true}, AppointmentID: a.ID, JobID: id, TechnicianID: t.ID, TechnicianName: t.Name,
					AssignedByID: integrationUser, AssignedOn: resource.Stamp(bookedAt), Status: status,
				}, bookedAt, changed); err != nil {
					return err
				}
				if err := record(EventTechnicianAssigned, t.Name+" assigned to appointment "+a.AppointmentNumber+".", bookedAt); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := atTime(tx, bookedAt, func() error { return addBookedLog(tx, job, appts[0], integrationUser) }); err != nil {
		return err
	}
	switch jobStatus {
	case JobCompleted:
		if err := record(EventCompleted, "Completed by the technician.", last.End.Time); err != nil {
			return err
		}
	case JobCanceled:
		if spec.Cancel == nil {
			return fmt.Errorf("a canceled job needs cancel: {reasonId, memo}")
		}
		reason, err := resource.Get(tx, &CancelReasons, spec.Cancel.ReasonID)
		if err != nil {
			return fmt.Errorf("cancel.reasonId: %w", err)
		}
		memo := spec.Cancel.Memo
		err = atTime(tx, eventAt, func() error {
			if err := resource.Create(tx, &JobCanceledLogs, &CanceledLog{Meta: resource.Meta{Active: true}, JobID: id, ReasonID: reason.ID, Memo: &memo, CreatedByID: integrationUser}); err != nil {
				return err
			}
			return deactivateBookedLogs(tx, id)
		})
		if err != nil {
			return err
		}
		if err := record(EventCanceled, reason.Name+": "+memo, eventAt); err != nil {
			return err
		}
	case JobHold:
		if err := record(EventJobHold, hold.Name+": "+spec.Hold.Memo, eventAt); err != nil {
			return err
		}
	}
	return resource.CreateAt(tx, &JobHistories, hist, bookedAt, hist.Entries[len(hist.Entries)-1].Date.Time)
}

// atTime runs fn with the transaction's clock at t (no later than now), so
// that the records fn writes are stamped then.
func atTime(tx *resource.Tx, t time.Time, fn func() error) error {
	now := tx.Now
	defer func() { tx.Now = now }()
	tx.Now = minTime(t, now)
	return fn()
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
