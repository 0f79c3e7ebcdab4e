// Package dispatch emulates ServiceTitan's dispatch module (dispatch/v2):
// capacity, appointment assignments, technician shifts, arrival windows,
// business hours, zones, teams and non-job appointments.
//
// Records are stored through package resource; the assignment records
// themselves belong to package jpm (jobs create them) and are served here.
// Capacity is computed on every call from the arrival windows and package
// schedule's board (capacity.go); dispatch files its shifts and non-job
// appointments with schedule on every write (the init below), jpm its
// appointments. dispatch imports jpm and schedule; neither imports
// dispatch.
package dispatch

import (
	"errors"

	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/schedule"
)

// Shift types (Dispatch.V2.ShiftType). Normal shifts give capacity, TimeOff
// takes it away, OnCall changes nothing.
const (
	ShiftNormal  = "Normal"
	ShiftOnCall  = "OnCall"
	ShiftTimeOff = "TimeOff"
)

// Shift is a technician shift; Normal shifts give capacity.
type Shift struct {
	resource.Meta
	ShiftType       string        `json:"shiftType"` // Normal, OnCall or TimeOff
	Title           string        `json:"title"`
	Note            *string       `json:"note"`
	TechnicianID    int64         `json:"technicianId"`
	Start           resource.Time `json:"start"`
	End             resource.Time `json:"end"`
	TimesheetCodeID *int64        `json:"timesheetCodeId,omitempty"`
}

// Shifts is the technician-shift kind. Package schedule keeps what
// capacity needs of every shift (see the init below).
var Shifts = resource.Kind[Shift]{Name: "dispatch.technician-shifts", Label: "Technician shift", Indexes: []resource.Index[Shift]{
	{Name: "technician", Keys: func(s *Shift) []string { return []string{resource.IDKey(s.TechnicianID)} }},
}}

// ArrivalWindow is a time of day (Start, seconds after local midnight) and a
// length (Duration, seconds) in which a technician arrives, for some
// business units (all of them when BusinessUnitIDs is empty). Capacity
// slots are the active windows, day by day, in the tenant's time zone.
type ArrivalWindow struct {
	resource.Meta
	Start           int64   `json:"start"`
	Duration        int64   `json:"duration"`
	BusinessUnitIDs []int64 `json:"businessUnitIds"`
}

// ArrivalWindows is the arrival-window kind.
var ArrivalWindows = resource.Kind[ArrivalWindow]{Name: "dispatch.arrival-windows", Label: "Arrival window"}

// Zone is a dispatch zone: ZIP codes, cities, territory and LOCN numbers,
// service days, business units and technicians. The V2 zone requests do
// not set technicians (settings owns the technician-zone link); the seed
// fills Technicians and responses show them.
type Zone struct {
	resource.Meta
	Name               string   `json:"name"`
	Zips               []string `json:"zips"`
	Cities             []string `json:"cities"`
	TerritoryNumbers   []string `json:"territoryNumbers"`
	LocnNumbers        []string `json:"locnNumbers"`
	ServiceDaysEnabled bool     `json:"serviceDaysEnabled"`
	ServiceDaysIDs     []int32  `json:"serviceDaysIds"` // .NET DayOfWeek: 0 Sunday … 6 Saturday
	BusinessUnits      []int64  `json:"businessUnits"`
	Technicians        []int64  `json:"technicians"`
	CreatedByID        int64    `json:"createdById"`
}

// zones is the zone kind.
var zones = resource.Kind[Zone]{Name: "dispatch.zones", Label: "Zone"}

// Team is a dispatch team.
type Team struct {
	resource.Meta
	Name        *string `json:"name"`
	CreatedByID *int64  `json:"createdById"`
}

// teams is the team kind.
var teams = resource.Kind[Team]{Name: "dispatch.teams", Label: "Team"}

// NonJobAppointment is a technician's calendar event that is not a job:
// a meeting, training, a lunch break. It may repeat (Frequency, Interval,
// DaysOfWeek, EndType with CountOccurrences or EndOn). For capacity it
// either removes the technician's time (RemoveTechnicianFromCapacityPlanning,
// like TimeOff) or books it (like an appointment); see capacity.go.
type NonJobAppointment struct {
	resource.Meta
	TechnicianID                         int64          `json:"technicianId"`
	Start                                resource.Time  `json:"start"`
	Name                                 string         `json:"name"`
	Duration                             int64          `json:"duration"` // seconds
	TimesheetCodeID                      int64          `json:"timesheetCodeId"`
	Summary                              string         `json:"summary"`
	ClearDispatchBoard                   bool           `json:"clearDispatchBoard"`
	ClearTechnicianView                  bool           `json:"clearTechnicianView"`
	RemoveTechnicianFromCapacityPlanning bool           `json:"removeTechnicianFromCapacityPlanning"`
	AllDay                               bool           `json:"allDay"`
	ShowOnTechnicianSchedule             bool           `json:"showOnTechnicianSchedule"`
	CreatedByID                          int64          `json:"createdById"`
	Repeat                               bool           `json:"repeat"`
	CountOccurrences                     *int32         `json:"countOccurrences"`
	Interval                             *int32         `json:"interval"`
	Frequency                            *string        `json:"frequency"` // Daily, Weekly, Monthly, Yearly
	EndType                              *string        `json:"endType"`   // Never, After, On
	EndOn                                *resource.Time `json:"endOn"`
	DaysOfWeek                           string         `json:"daysOfWeek"`
}

// NonJobAppointments is the non-job-appointment kind. Package schedule
// keeps what capacity needs of every one (see the init below).
var NonJobAppointments = resource.Kind[NonJobAppointment]{Name: "dispatch.non-job-appointments", Label: "Non-job appointment", Indexes: []resource.Index[NonJobAppointment]{
	{Name: "technician", Keys: func(n *NonJobAppointment) []string { return []string{resource.IDKey(n.TechnicianID)} }},
}}

// Every write of a shift or a non-job appointment tells package schedule:
// an active Normal or TimeOff shift gives or takes working time, an
// active non-job appointment books or takes it; anything else gives none.
func init() {
	Shifts.OnWrite = func(tx *resource.Tx, _, s *Shift) error {
		if s.Deleted || !s.Active || (s.ShiftType != ShiftNormal && s.ShiftType != ShiftTimeOff) {
			return schedule.RemoveShift(tx, s.ID)
		}
		return schedule.PutShift(tx, schedule.Shift{ID: s.ID, TechnicianID: s.TechnicianID, Start: s.Start.Time, End: s.End.Time, TimeOff: s.ShiftType == ShiftTimeOff})
	}
	NonJobAppointments.OnWrite = func(tx *resource.Tx, _, n *NonJobAppointment) error {
		if n.Deleted || !n.Active {
			return schedule.RemoveEvent(tx, n.ID)
		}
		return schedule.PutEvent(tx, n.event())
	}
}

// IndexSchedule files every shift and non-job appointment with package
// schedule again (see schedule.Rebuild).
func IndexSchedule(tx *resource.Tx) error {
	return errors.Join(resource.Replay(tx, &Shifts), resource.Replay(tx, &NonJobAppointments))
}

// integrationUserID is who API writes are attributed to (createdBy,
// assignedById): the tenant's integration user.
const integrationUserID = crm.IntegrationUserID
