package jpm

import (
	"time"

	"github.com/stsim/stsim/sim/resource"
)

// What other modules may read of jpm's records. They call these instead of
// reaching into the collections (see also AssignedTo, AssignTechnicians and
// UnassignTechnicians).

// JobByID returns a job (resource.ErrNotFound when there is none).
func JobByID(tx *resource.Tx, id int64) (*Job, error) { return resource.Get(tx, &Jobs, id) }

// JobTypeByID returns a job type, active or not (resource.ErrNotFound when
// there is none).
func JobTypeByID(tx *resource.Tx, id int64) (*JobType, error) { return resource.Get(tx, &JobTypes, id) }

// AppointmentByID returns an appointment (resource.ErrNotFound when there
// is none).
func AppointmentByID(tx *resource.Tx, id int64) (*Appointment, error) {
	return resource.Get(tx, &Appointments, id)
}

// AppointmentsIn returns the appointments of any status that overlap
// [from, to), in ID order. It reads only the days of the range (the "day"
// index).
func AppointmentsIn(tx *resource.Tx, from, to time.Time) ([]*Appointment, error) {
	ids, err := resource.LookupAny(tx, &Appointments, "day", resource.UTCDates(from, to)...)
	if err != nil {
		return nil, err
	}
	var out []*Appointment
	for _, id := range ids {
		a, err := resource.Get(tx, &Appointments, id)
		if err != nil {
			return nil, err
		}
		if a.Start.Before(to) && a.End.After(from) {
			out = append(out, a)
		}
	}
	return out, nil
}
