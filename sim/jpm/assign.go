package jpm

import (
	"slices"
	"strconv"

	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
)

// AssignedTo lists an appointment's live assignments.
func AssignedTo(tx *resource.Tx, appointmentID int64) ([]*Assignment, error) {
	return resource.LookupActive(tx, &Assignments, "appointment", resource.IDKey(appointmentID))
}

// AssignTechnicians assigns active technicians to an appointment; assigning
// one already assigned changes nothing. field names the request member in
// errors (e.g. "technicianIds" or "appointments[0].technicianIds"). Each new
// assignment is also written to the job's history. The appointment's
// booking is filed once, after the last assignment.
func AssignTechnicians(tx *resource.Tx, appt *Appointment, technicianIDs []int64, byID int64, field string) error {
	return fileOnce(tx, func() error { return assign(tx, appt, technicianIDs, byID, field) })
}

// assign is AssignTechnicians without filing the booking.
func assign(tx *resource.Tx, appt *Appointment, technicianIDs []int64, byID int64, field string) error {
	current, err := AssignedTo(tx, appt.ID)
	if err != nil {
		return err
	}
	for i, techID := range technicianIDs {
		tech, err := settings.ActiveTechnician(tx, techID)
		if err != nil {
			return apierr.BadRequest(field+"["+strconv.Itoa(i)+"]", "No active technician has id "+resource.IDKey(techID)+".")
		}
		if slices.ContainsFunc(current, func(a *Assignment) bool { return a.TechnicianID == techID }) {
			continue
		}
		a := &Assignment{
			Meta: resource.Meta{Active: true}, AppointmentID: appt.ID, JobID: appt.JobID, TechnicianID: techID,
			TechnicianName: tech.Name, AssignedByID: byID, AssignedOn: resource.Stamp(tx.Now), Status: "Scheduled",
		}
		if err := resource.Create(tx, &Assignments, a); err != nil {
			return err
		}
		current = append(current, a)
		memo := tech.Name + " assigned to appointment " + appt.AppointmentNumber + "."
		if err := appendHistoryAt(tx, appt.JobID, EventTechnicianAssigned, memo, tx.Now, byID); err != nil {
			return err
		}
	}
	return nil
}

// UnassignTechnicians ends the given technicians' assignments to an
// appointment (the records stay, inactive, for the export feed) and writes
// each to the job's history; the booking is filed once, after the last.
func UnassignTechnicians(tx *resource.Tx, appt *Appointment, technicianIDs []int64) error {
	return fileOnce(tx, func() error { return unassign(tx, appt, technicianIDs) })
}

// unassign is UnassignTechnicians without filing the booking.
func unassign(tx *resource.Tx, appt *Appointment, technicianIDs []int64) error {
	current, err := AssignedTo(tx, appt.ID)
	if err != nil {
		return err
	}
	for _, a := range current {
		if slices.Contains(technicianIDs, a.TechnicianID) {
			a.Active = false
			if err := resource.Save(tx, &Assignments, a); err != nil {
				return err
			}
			memo := a.TechnicianName + " unassigned from appointment " + appt.AppointmentNumber + "."
			if err := appendHistory(tx, appt.JobID, EventTechnicianUnassigned, memo); err != nil {
				return err
			}
		}
	}
	return nil
}

// assignedTechnicianIDs lists the technicians assigned to an appointment.
func assignedTechnicianIDs(tx *resource.Tx, appointmentID int64) ([]int64, error) {
	as, err := AssignedTo(tx, appointmentID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(as))
	for _, a := range as {
		ids = append(ids, a.TechnicianID)
	}
	return ids, nil
}

// setAssignmentStatus moves an appointment's live assignments to status.
func setAssignmentStatus(tx *resource.Tx, appointmentID int64, status string) error {
	as, err := AssignedTo(tx, appointmentID)
	if err != nil {
		return err
	}
	for _, a := range as {
		if a.Status != status {
			a.Status = status
			if err := resource.Save(tx, &Assignments, a); err != nil {
				return err
			}
		}
	}
	return nil
}
