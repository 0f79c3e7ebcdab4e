package jpm

import (
	"errors"
	"slices"
	"time"

	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/schedule"
)

// jpm books its appointments with package schedule, which capacity and
// checkSlot read: every write that changes an appointment's booking (the
// appointment itself, one of its live assignments, its job's business
// unit) files it again, in the same transaction. An appointment uses
// capacity unless it is deleted, Canceled or on Hold.
func init() {
	Appointments.OnWrite = func(tx *resource.Tx, _, a *Appointment) error {
		if deferred(tx, a.ID, a) {
			return nil
		}
		return book(tx, a)
	}
	Assignments.OnWrite = func(tx *resource.Tx, old, as *Assignment) error {
		if old != nil && old.Active == as.Active && old.Deleted == as.Deleted &&
			old.AppointmentID == as.AppointmentID && old.TechnicianID == as.TechnicianID {
			return nil // e.g. a status change: the booking is what it was
		}
		return refile(tx, as.AppointmentID)
	}
	Jobs.OnWrite = func(tx *resource.Tx, old, j *Job) error {
		if old != nil && old.BusinessUnitID == j.BusinessUnitID {
			return nil
		}
		ids, err := resource.Lookup(tx, &Appointments, "job", resource.IDKey(j.ID))
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := refile(tx, id); err != nil {
				return err
			}
		}
		return nil
	}
}

// fileOnce runs fn, a run of writes that may change the same appointments'
// bookings several times (a new appointment and each of its technicians,
// an assignment change of several technicians), and then files each of
// those appointments once: during fn the write hooks only note them. In a
// run already going on, fn joins it.
func fileOnce(tx *resource.Tx, fn func() error) error {
	if runOf(tx) != nil {
		return fn()
	}
	run, err := noting(tx, fn)
	if err != nil {
		return err
	}
	for _, n := range run.appointments {
		var err error
		if n.written != nil {
			err = book(tx, n.written)
		} else {
			err = rebook(tx, n.id)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// noting runs fn as tx's run and returns what the hooks noted; the run
// ends however fn does.
func noting(tx *resource.Tx, fn func() error) (*bookingRun, error) {
	run := &bookingRun{}
	tx.SetLocal(runKey{}, run)
	defer tx.SetLocal(runKey{}, nil)
	return run, fn()
}

// runKey keeps a transaction's run of writes (resource.Tx.Local).
type runKey struct{}

// runOf returns the run tx is in, nil if none.
func runOf(tx *resource.Tx) *bookingRun {
	run, _ := tx.Local(runKey{}).(*bookingRun)
	return run
}

// bookingRun lists the appointments a run of writes will file, in the
// order first noted.
type bookingRun struct{ appointments []noted }

// noted is an appointment a run will file: as last written in the run (a
// copy), or, when the run did not write it, read afresh.
type noted struct {
	id      int64
	written *Appointment
}

// deferred notes an appointment for the run tx is in, if any, with the
// record just written (nil: not written), and reports whether it did.
func deferred(tx *resource.Tx, appointmentID int64, written *Appointment) bool {
	run := runOf(tx)
	if run == nil {
		return false
	}
	i := slices.IndexFunc(run.appointments, func(n noted) bool { return n.id == appointmentID })
	if i < 0 {
		i = len(run.appointments)
		run.appointments = append(run.appointments, noted{id: appointmentID})
	}
	if written != nil {
		cp := *written // as stored now, whatever the caller changes next
		run.appointments[i].written = &cp
	}
	return true
}

// refile files an appointment's booking again now or, in a run, at its end.
func refile(tx *resource.Tx, appointmentID int64) error {
	if deferred(tx, appointmentID, nil) {
		return nil
	}
	return rebook(tx, appointmentID)
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
