package dispatch

import (
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/schedule"
)

// Non-job appointments (meetings, training, breaks). Create and update
// take the same body; update replaces the members it is given. A repeating
// one is one record with its rule (frequency every interval days, weeks,
// months or years; weekly on daysOfWeek, else on its start's weekday;
// ending never, after countOccurrences, or on endOn's local date);
// occurrences keep their local start time across DST changes. allDay
// makes each occurrence cover whole local days (duration rounded up to
// days, at least one). Delete removes the whole series.

// Repeat frequencies and end types of non-job appointments.
var (
	njaFrequencies = []string{"Daily", "Weekly", "Monthly", "Yearly"}
	njaEndTypes    = []string{"Never", "After", "On"}
)

// event is what capacity needs of a non-job appointment (package schedule
// expands its repeats).
func (n *NonJobAppointment) event() schedule.Event {
	e := schedule.Event{ID: n.ID, TechnicianID: n.TechnicianID, Start: n.Start.Time, Duration: n.Duration,
		AllDay: n.AllDay, RemovesFromCapacity: n.RemoveTechnicianFromCapacityPlanning}
	if !n.Repeat {
		return e
	}
	r := &schedule.Rule{Frequency: deref(n.Frequency, "Daily"), Interval: int(deref(n.Interval, 1)), Count: -1}
	switch deref(n.EndType, "Never") {
	case "After":
		if n.CountOccurrences != nil {
			r.Count = int(*n.CountOccurrences)
		}
	case "On":
		if n.EndOn != nil {
			r.Until = n.EndOn.Time
		}
	}
	r.Days, _ = parseWeekdays(n.DaysOfWeek)
	e.Repeat = r
	return e
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// nonJobIn is Dispatch.V2.CreateNonJobAppointmentRequest and
// NonJobAppointmentUpdateRequest (the same members).
type nonJobIn struct {
	TechnicianID                         *int64  `json:"technicianId"`
	Start                                *string `json:"start"`
	Duration                             *string `json:"duration"`
	Name                                 *string `json:"name"`
	TimesheetCodeID                      *int64  `json:"timesheetCodeId"`
	Summary                              *string `json:"summary"`
	ClearDispatchBoard                   *bool   `json:"clearDispatchBoard"`
	ClearTechnicianView                  *bool   `json:"clearTechnicianView"`
	ShowOnTechnicianSchedule             *bool   `json:"showOnTechnicianSchedule"`
	RemoveTechnicianFromCapacityPlanning *bool   `json:"removeTechnicianFromCapacityPlanning"`
	AllDay                               *bool   `json:"allDay"`
	Repeat                               *bool   `json:"repeat"`
	CountOccurrences                     *int32  `json:"countOccurrences"`
	Interval                             *int32  `json:"interval"`
	Frequency                            *string `json:"frequency"`
	EndType                              *string `json:"endType"`
	EndOn                                *string `json:"endOn"`
	DaysOfWeek                           *string `json:"daysOfWeek"`
}

// apply checks the body and writes it into n. technicianId, start,
// duration and name are required (the document marks them so for create
// and update alike).
func (in *nonJobIn) apply(tx *resource.Tx, n *NonJobAppointment) error {
	p := badRequest()
	if in.TechnicianID == nil {
		p.Field("technicianId", "technicianId is required.")
	}
	start := requiredTime(p, "start", in.Start)
	if in.Duration == nil {
		p.Field("duration", "duration is required.")
	} else if secs, err := parseTimeSpan(*in.Duration); err != nil {
		p.Field("duration", err.Error())
	} else if secs < 0 || secs > 366*86400 {
		p.Field("duration", "duration must be between 00:00:00 and 366 days.")
	} else {
		n.Duration = secs
	}
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		p.Field("name", "name is required.")
	} else {
		n.Name = *in.Name
	}
	if in.Frequency != nil && !oneOf(*in.Frequency, njaFrequencies) {
		p.Field("frequency", "frequency must be Daily, Weekly, Monthly or Yearly.")
	}
	if in.EndType != nil && !oneOf(*in.EndType, njaEndTypes) {
		p.Field("endType", "endType must be Never, After or On.")
	}
	endOn := optionalTime(p, "endOn", in.EndOn)
	if in.DaysOfWeek != nil {
		days, err := parseWeekdays(*in.DaysOfWeek)
		if err != nil {
			p.Field("daysOfWeek", err.Error())
		}
		n.DaysOfWeek = formatWeekdays(days)
	}
	if err := p.orNil(); err != nil {
		return err
	}
	n.Start = resource.Stamp(start)
	setIf(&n.TimesheetCodeID, in.TimesheetCodeID)
	setIf(&n.Summary, in.Summary)
	setIf(&n.ClearDispatchBoard, in.ClearDispatchBoard)
	setIf(&n.ClearTechnicianView, in.ClearTechnicianView)
	setIf(&n.ShowOnTechnicianSchedule, in.ShowOnTechnicianSchedule)
	setIf(&n.RemoveTechnicianFromCapacityPlanning, in.RemoveTechnicianFromCapacityPlanning)
	setIf(&n.AllDay, in.AllDay)
	setIf(&n.Repeat, in.Repeat)
	setPtrIf(&n.CountOccurrences, in.CountOccurrences)
	setPtrIf(&n.Interval, in.Interval)
	setPtrIf(&n.Frequency, in.Frequency)
	setPtrIf(&n.EndType, in.EndType)
	if in.EndOn != nil {
		n.EndOn = resource.Stamp(endOn).Ptr()
	}
	if n.Duration == 0 && !n.AllDay {
		p.Field("duration", "duration must be more than 00:00:00 (or set allDay).")
	}
	if n.Repeat {
		if n.Frequency == nil {
			p.Field("frequency", "A repeating non-job appointment needs a frequency.")
		}
		if n.Interval != nil && *n.Interval < 1 {
			p.Field("interval", "interval must be 1 or more.")
		}
		switch deref(n.EndType, "Never") {
		case "After":
			if n.CountOccurrences == nil || *n.CountOccurrences < 1 {
				p.Field("countOccurrences", "endType After needs countOccurrences of 1 or more.")
			}
		case "On":
			if n.EndOn == nil {
				p.Field("endOn", "endType On needs endOn.")
			} else if n.EndOn.Before(n.Start.Time) {
				p.Field("endOn", "endOn must not be before start.")
			}
		}
	}
	if err := p.orNil(); err != nil {
		return err
	}
	if _, err := activeTechnician(tx, "technicianId", *in.TechnicianID); err != nil {
		return err
	}
	n.TechnicianID = *in.TechnicianID
	return nil
}

func oneOf(v string, allowed []string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// nonJobFields are the members, up to createdOn, that getNonJobOut and
// nonJobOut share (in the document's order).
type nonJobFields struct {
	ID                                   int64         `json:"id"`
	TechnicianID                         int64         `json:"technicianId"`
	Start                                resource.Time `json:"start"`
	Name                                 string        `json:"name"`
	Duration                             string        `json:"duration"`
	TimesheetCodeID                      int64         `json:"timesheetCodeId"`
	Summary                              string        `json:"summary"`
	ClearDispatchBoard                   bool          `json:"clearDispatchBoard"`
	ClearTechnicianView                  bool          `json:"clearTechnicianView"`
	RemoveTechnicianFromCapacityPlanning bool          `json:"removeTechnicianFromCapacityPlanning"`
	AllDay                               bool          `json:"allDay"`
	ShowOnTechnicianSchedule             bool          `json:"showOnTechnicianSchedule"`
	Active                               bool          `json:"active"`
	CreatedOn                            resource.Time `json:"createdOn"`
}

func renderNonJobFields(n *NonJobAppointment) nonJobFields {
	return nonJobFields{
		ID: n.ID, TechnicianID: n.TechnicianID, Start: n.Start, Name: n.Name, Duration: formatTimeSpan(n.Duration),
		TimesheetCodeID: n.TimesheetCodeID, Summary: n.Summary, ClearDispatchBoard: n.ClearDispatchBoard,
		ClearTechnicianView: n.ClearTechnicianView, RemoveTechnicianFromCapacityPlanning: n.RemoveTechnicianFromCapacityPlanning,
		AllDay: n.AllDay, ShowOnTechnicianSchedule: n.ShowOnTechnicianSchedule, Active: n.Active, CreatedOn: n.CreatedOn,
	}
}

// getNonJobOut is Dispatch.V2.GetNonJobAppointmentResponse (get, update).
type getNonJobOut struct {
	nonJobFields
	CreatedByID int64 `json:"createdById"`
}

func renderGetNonJob(n *NonJobAppointment) getNonJobOut {
	return getNonJobOut{nonJobFields: renderNonJobFields(n), CreatedByID: n.CreatedByID}
}

// nonJobOut is Dispatch.V2.NonJobAppointmentResponse (list items): the
// members of getNonJobOut and modifiedOn.
type nonJobOut struct {
	nonJobFields
	ModifiedOn  resource.Time `json:"modifiedOn"`
	CreatedByID int64         `json:"createdById"`
}

func renderNonJob(n *NonJobAppointment) nonJobOut {
	return nonJobOut{nonJobFields: renderNonJobFields(n), ModifiedOn: n.ModifiedOn, CreatedByID: n.CreatedByID}
}

// createdNonJobOut is Dispatch.Contracts.NonJobAppointment.CreateNonJobAppointmentResult.
type createdNonJobOut struct {
	getNonJobOut
	Repeat           *bool          `json:"repeat"`
	CountOccurrences *int32         `json:"countOccurrences"`
	Interval         *int32         `json:"interval"`
	Frequency        *string        `json:"frequency"`
	EndType          *string        `json:"endType"`
	EndOn            *resource.Time `json:"endOn"`
	DaysOfWeek       string         `json:"daysOfWeek"`
}

func renderCreatedNonJob(n *NonJobAppointment) createdNonJobOut {
	repeat := n.Repeat
	return createdNonJobOut{
		getNonJobOut: renderGetNonJob(n), Repeat: &repeat, CountOccurrences: n.CountOccurrences, Interval: n.Interval,
		Frequency: n.Frequency, EndType: n.EndType, EndOn: n.EndOn, DaysOfWeek: n.DaysOfWeek,
	}
}

// createNonJob handles POST /non-job-appointments.
var createNonJob = createRecord(&NonJobAppointments, func() *NonJobAppointment {
	return &NonJobAppointment{Meta: resource.Meta{Active: true}, CreatedByID: integrationUserID}
}, (*nonJobIn).apply, renderCreatedNonJob)

// updateNonJob handles PUT /non-job-appointments/{id}. The document also
// lists a 409; stsim has no case that gives it.
var updateNonJob = updateRecord(&NonJobAppointments, (*nonJobIn).apply, renderGetNonJob)

// deleteNonJob handles DELETE /non-job-appointments/{id}.
var deleteNonJob = deleteRecordWithResult(&NonJobAppointments)

// listNonJobs handles GET /non-job-appointments: technicianId (from an
// index), startsOnOrAfter and startsOnOrBefore (the first occurrence's
// start, both inclusive), timesheetCodeId, activeOnly (default false),
// showOnTechnicianSchedule, ids, the four date filters and sort.
func listNonJobs(c *gin.Context, call *api.Call) {
	q, err := resource.ParseQuery(c.Request.URL.Query(), resource.ListOptions{Sorts: resource.StandardSorts})
	if err != nil {
		call.Fail(c, err)
		return
	}
	p := badRequest()
	techID, byTech := queryID(c, p, "technicianId")
	codeID, byCode := queryID(c, p, "timesheetCodeId")
	from, to := queryTime(c, p, "startsOnOrAfter"), queryTime(c, p, "startsOnOrBefore")
	activeOnly := queryBool(c, p, "activeOnly", false)
	byShow := c.Query("showOnTechnicianSchedule") != ""
	show := queryBool(c, p, "showOnTechnicianSchedule", false)
	if err := p.orNil(); err != nil {
		call.Fail(c, err)
		return
	}
	var page resource.Page[*NonJobAppointment]
	err = call.View(func(tx *resource.Tx) error {
		var sel resource.Select
		if byTech {
			sel = resource.Select{Index: "technician", Value: resource.IDKey(techID)}
		}
		page, err = resource.List(tx, &NonJobAppointments, q, sel, func(n *NonJobAppointment) bool {
			return (!byCode || n.TimesheetCodeID == codeID) && (!activeOnly || n.Active) &&
				(!byShow || n.ShowOnTechnicianSchedule == show) &&
				(from.IsZero() || !n.Start.Before(from)) && (to.IsZero() || !n.Start.After(to))
		})
		return err
	})
	call.Respond(c, mapPage(page, renderNonJob), err)
}

// getNonJob handles GET /non-job-appointments/{id}.
var getNonJob = api.GetByID(&NonJobAppointments, func(_ *gin.Context, n *NonJobAppointment) getNonJobOut { return renderGetNonJob(n) })
