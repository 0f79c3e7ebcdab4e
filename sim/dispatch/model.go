// Package dispatch emulates ServiceTitan's dispatch module (dispatch/v2):
// capacity, appointment assignments, technician shifts, arrival windows,
// business hours, zones, teams and non-job appointments.
//
// Records are stored through package resource; the assignment records
// themselves belong to package jpm (jobs create them) and are served here.
// Capacity is computed on every call from shifts, arrival windows,
// appointments, assignments and non-job appointments (see capacity.go).
package dispatch

import (
	"time"

	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/resource"
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

// Shifts is the technician-shift kind. "day" files a shift under every UTC
// date it touches (see dayKeys), so capacity reads only the shifts of the
// days it looks at.
var Shifts = resource.Kind[Shift]{Name: "dispatch.technician-shifts", Label: "Technician shift", Indexes: []resource.Index[Shift]{
	{Name: "technician", Keys: func(s *Shift) []string { return []string{resource.IDKey(s.TechnicianID)} }},
	{Name: "day", Keys: func(s *Shift) []string { return dayKeys(s.Start.Time, s.End.Time) }},
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

// Zones is the zone kind.
var Zones = resource.Kind[Zone]{Name: "dispatch.zones", Label: "Zone"}

// Team is a dispatch team.
type Team struct {
	resource.Meta
	Name        *string `json:"name"`
	CreatedByID *int64  `json:"createdById"`
}

// Teams is the team kind.
var Teams = resource.Kind[Team]{Name: "dispatch.teams", Label: "Team"}

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

// NonJobAppointments is the non-job-appointment kind. A repeating one is
// filed under "day" as dayRepeat, so capacity always reads it.
var NonJobAppointments = resource.Kind[NonJobAppointment]{Name: "dispatch.non-job-appointments", Label: "Non-job appointment", Indexes: []resource.Index[NonJobAppointment]{
	{Name: "technician", Keys: func(n *NonJobAppointment) []string { return []string{resource.IDKey(n.TechnicianID)} }},
	{Name: "day", Keys: func(n *NonJobAppointment) []string {
		if n.Repeat {
			return []string{dayRepeat}
		}
		start := n.Start.Time
		end := start.Add(time.Duration(n.Duration) * time.Second)
		if n.AllDay { // the local day is not known here: widen by a day each side
			start, end = start.Add(-24*time.Hour), end.Add(48*time.Hour)
		}
		return dayKeys(start, end)
	}},
}}

// Index values of the "day" indexes besides dates.
const (
	dayLong   = "long"   // spans more than maxDayKeys days
	dayRepeat = "repeat" // repeating non-job appointment
	dayLayout = resource.DayLayout
)

// maxDayKeys bounds the dates one record is filed under; longer records are
// filed under dayLong, which every day lookup reads too.
const maxDayKeys = 62

// dayKeys lists the UTC dates [start, end) touches (at least start's
// date), or just dayLong for a record longer than maxDayKeys days.
func dayKeys(start, end time.Time) []string {
	if end.Sub(start) > maxDayKeys*24*time.Hour {
		return []string{dayLong}
	}
	return resource.UTCDates(start, end)
}

// integrationUserID is who API writes are attributed to (createdBy,
// assignedById): the tenant's integration user.
const integrationUserID = crm.IntegrationUserID
