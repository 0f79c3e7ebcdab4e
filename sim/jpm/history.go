package jpm

import (
	"errors"
	"time"

	"github.com/stsim/stsim/sim/optional"

	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/resource"
)

// History event types stsim writes (ServiceTitan publishes no list).
const (
	EventBooked               = "Job Booked"
	EventUpdated              = "Job Updated"
	EventCanceled             = "Job Canceled"
	EventCancellationRemoved  = "Job Cancellation Removed"
	EventJobHold              = "Job Put On Hold"
	EventCompleted            = "Job Completed"
	EventAppointmentAdded     = "Appointment Added"
	EventAppointmentDeleted   = "Appointment Deleted"
	EventRescheduled          = "Appointment Rescheduled"
	EventAppointmentHold      = "Appointment Put On Hold"
	EventAppointmentUnhold    = "Appointment Hold Removed"
	EventConfirmed            = "Appointment Confirmed"
	EventUnconfirmed          = "Appointment Confirmation Removed"
	EventInstructions         = "Special Instructions Updated"
	EventTechnicianAssigned   = "Technician Assigned"
	EventTechnicianUnassigned = "Technician Unassigned"
)

// integrationUser is who API writes are attributed to.
var integrationUser = crm.IntegrationUserID

// appendHistory adds an entry to a job's history, dated now, by the
// integration user.
func appendHistory(tx *resource.Tx, jobID int64, event, memo string) error {
	return appendHistoryAt(tx, jobID, event, memo, tx.Now, integrationUser)
}

// appendHistoryAt adds an entry with an explicit date and employee.
func appendHistoryAt(tx *resource.Tx, jobID int64, event, memo string, at time.Time, by int64) error {
	id, err := resource.NewID(tx)
	if err != nil {
		return err
	}
	entry := HistoryEntry{ID: id, EmployeeID: optional.Ptr(by), EventType: event, Date: resource.Stamp(at), UsedSchedulingTool: schedulingManual, Memo: memo}
	h, err := resource.Get(tx, &JobHistories, jobID)
	if errors.Is(err, resource.ErrNotFound) {
		return resource.Create(tx, &JobHistories, &History{Meta: resource.Meta{ID: jobID, Active: true}, Entries: []HistoryEntry{entry}})
	}
	if err != nil {
		return err
	}
	h.Entries = append(h.Entries, entry)
	return resource.Save(tx, &JobHistories, h)
}

// jobHistory returns a job's history entries in the order they happened.
func jobHistory(tx *resource.Tx, jobID int64) ([]HistoryEntry, error) {
	h, err := resource.Get(tx, &JobHistories, jobID)
	if errors.Is(err, resource.ErrNotFound) {
		return []HistoryEntry{}, nil
	}
	if err != nil {
		return nil, err
	}
	return optional.NonNil(h.Entries), nil
}

// logsOf loads the records of a job-indexed kind, in ID order.
func logsOf[T any, P resource.Record[T]](tx *resource.Tx, kind *resource.Kind[T], jobID int64) ([]P, error) {
	return resource.LookupRecords[T, P](tx, kind, "job", resource.IDKey(jobID))
}

// addBookedLog records that a job was booked, for its first appointment.
func addBookedLog(tx *resource.Tx, job *Job, first *Appointment, by int64) error {
	return resource.Create(tx, &JobBookedLogs, &BookedLog{
		Meta: resource.Meta{Active: true}, JobID: job.ID, AppointmentID: first.ID, Start: first.Start,
		ArrivalWindowStart: first.ArrivalWindowStart, ArrivalWindowEnd: first.ArrivalWindowEnd, CreatedByID: by,
	})
}

// deactivateLogs marks a job's active logs of kind (JobBookedLogs or
// JobCanceledLogs) inactive.
func deactivateLogs[T any, P resource.Record[T]](tx *resource.Tx, kind *resource.Kind[T], jobID int64) error {
	logs, err := logsOf[T, P](tx, kind, jobID)
	if err != nil {
		return err
	}
	return resource.Deactivate(tx, kind, logs)
}

// deactivateBookedLogs marks a job's active booked logs inactive.
func deactivateBookedLogs(tx *resource.Tx, jobID int64) error {
	return deactivateLogs(tx, &JobBookedLogs, jobID)
}
