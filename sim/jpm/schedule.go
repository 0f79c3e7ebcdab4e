package jpm

import (
	"errors"
	"time"

	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/schedule"
)

// jpm books its appointments with package schedule, which capacity and
// checkSlot read: every write that changes an appointment's booking (the
// appointment itself, one of its assignments, its job's business unit)
// files it again, in the same transaction. An appointment uses capacity
// unless it is deleted, Canceled or on Hold.
func init() {
	Appointments.OnWrite = func(tx *resource.Tx, _, a *Appointment) error { return book(tx, a) }
	Assignments.OnWrite = func(tx *resource.Tx, _, as *Assignment) error { return rebook(tx, as.AppointmentID) }
	Jobs.OnWrite = func(tx *resource.Tx, old, j *Job) error {
		if old != nil && old.BusinessUnitID == j.BusinessUnitID {
			return nil
		}
		ids, err := resource.Lookup(tx, &Appointments, "job", resource.IDKey(j.ID))
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := rebook(tx, id); err != nil {
				return err
			}
		}
		return nil
	}
}

// usesCapacity reports whether an appointment of this status takes time
// from capacity: a held one waits off the schedule, and Done and Working
// ones still occupied their time.
func usesCapacity(status string) bool { return status != ApptCanceled && status != ApptHold }

// book files an appointment's booking, or removes it.
func book(tx *resource.Tx, a *Appointment) error {
	if a.Deleted || !usesCapacity(a.Status) {
		return schedule.Unbook(tx, a.ID)
	}
	assigned, err := AssignedTo(tx, a.ID)
	if err != nil {
		return err
	}
	b := schedule.Booking{ID: a.ID, Start: a.Start.Time, End: a.End.Time, TechnicianIDs: make([]int64, 0, len(assigned))}
	for _, as := range assigned {
		b.TechnicianIDs = append(b.TechnicianIDs, as.TechnicianID)
	}
	switch job, err := JobByID(tx, a.JobID); {
	case err == nil:
		b.BusinessUnitID = job.BusinessUnitID
	case !errors.Is(err, resource.ErrNotFound):
		return err
	}
	return schedule.Book(tx, b)
}

// rebook files the booking of the appointment with this ID again.
func rebook(tx *resource.Tx, appointmentID int64) error {
	a, err := AppointmentByID(tx, appointmentID)
	if errors.Is(err, resource.ErrNotFound) {
		return schedule.Unbook(tx, appointmentID)
	}
	if err != nil {
		return err
	}
	return book(tx, a)
}

// checkSlot asks package schedule whether a strict tenant's slot has room
// for an appointment of job over [start, end) with the given technicians
// (409 when it has none).
func checkSlot(tx *resource.Tx, job *Job, start, end time.Time, technicianIDs []int64) error {
	var duration int64
	if jt, err := resource.Ref(tx, &JobTypes, job.JobTypeID); err == nil {
		duration = jt.Duration
	}
	return schedule.CheckSlot(tx, duration, job.BusinessUnitID, start, end, technicianIDs)
}

// IndexSchedule files every appointment with package schedule again (see
// schedule.Rebuild).
func IndexSchedule(tx *resource.Tx) error { return resource.Replay(tx, &Appointments) }
