package jpm

import (
	"net/url"
	"time"

	"github.com/stsim/stsim/sim/api"
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

// AppointmentsOverlapping returns every live appointment, whatever its
// status, whose [start, end) overlaps [from, to), in ID order.
func AppointmentsOverlapping(tx *resource.Tx, from, to time.Time) ([]*Appointment, error) {
	return resource.All(tx, &Appointments, func(a *Appointment) bool { return a.Start.Before(to) && a.End.After(from) })
}

// AssignmentIDsOf returns the IDs of an appointment's assignments, live or
// not, ascending.
func AssignmentIDsOf(tx *resource.Tx, appointmentID int64) ([]int64, error) {
	return resource.Lookup(tx, &Assignments, "appointment", resource.IDKey(appointmentID))
}

// ListAssignments serves a list of assignments: dispatch owns the
// /appointment-assignments endpoint, jpm the records. spec's Select may
// use the "job" index.
func ListAssignments[W any](spec api.ListSpec[Assignment, *Assignment], render api.Render[*Assignment, W]) api.Handler {
	return api.List(&Assignments, spec, render)
}

// ParseAssignmentExport reads an export request for the assignments feed.
func ParseAssignmentExport(q url.Values, tenant int64) (resource.ExportQuery, error) {
	return resource.ParseExport(q, tenant, Assignments.Name)
}

// ExportAssignments returns a page of the assignments feed.
func ExportAssignments(tx *resource.Tx, tenant int64, q resource.ExportQuery) (resource.ExportPage[*Assignment], error) {
	return resource.Export[Assignment, *Assignment](tx, &Assignments, tenant, q)
}
