package dispatch

import (
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/tenant"
)

// Technician shifts. Create makes one shift per technician and occurrence:
// repeatType Never gives one; Daily repeats every repeatInterval days and
// Weekly every repeatInterval weeks (on shiftDays, else on the start's
// weekday; Daily also keeps to shiftDays when given) up to repeatEndDate's
// local date, inclusive. Occurrences keep the local wall-clock start and
// end times in the tenant's zone, so an 08:00–17:00 shift stays 08:00–17:00
// across DST changes. At most maxShiftsPerCreate shifts per request.

var shiftTypes = []string{ShiftNormal, ShiftOnCall, ShiftTimeOff}

const maxShiftsPerCreate = 5000

// shiftOut is Dispatch.V2.TechnicianShiftResponse.
type shiftOut struct {
	ID              int64         `json:"id"`
	ShiftType       string        `json:"shiftType"`
	Title           string        `json:"title"`
	Note            *string       `json:"note"`
	Active          bool          `json:"active"`
	TechnicianID    int64         `json:"technicianId"`
	Start           resource.Time `json:"start"`
	End             resource.Time `json:"end"`
	TimesheetCodeID *int64        `json:"timesheetCodeId"`
	CreatedOn       resource.Time `json:"createdOn"`
	ModifiedOn      resource.Time `json:"modifiedOn"`
}

func renderShift(s *Shift) shiftOut {
	return shiftOut{
		ID: s.ID, ShiftType: s.ShiftType, Title: s.Title, Note: s.Note, Active: s.Active, TechnicianID: s.TechnicianID,
		Start: s.Start, End: s.End, TimesheetCodeID: s.TimesheetCodeID, CreatedOn: s.CreatedOn, ModifiedOn: s.ModifiedOn,
	}
}

// createShiftIn is Dispatch.V2.CreateTechnicianShiftRequest.
type createShiftIn struct {
	TechnicianIDs   []int64 `json:"technicianIds"`
	ShiftType       *string `json:"shiftType"`
	Title           *string `json:"title"`
	Start           *string `json:"start"`
	End             *string `json:"end"`
	Note            *string `json:"note"`
	TimesheetCodeID *int64  `json:"timesheetCodeId"`
	RepeatType      *string `json:"repeatType"`
	RepeatEndDate   *string `json:"repeatEndDate"`
	RepeatInterval  *int32  `json:"repeatInterval"`
	ShiftDays       *string `json:"shiftDays"`
}

// shiftCreatedOut is Dispatch.V2.TechnicianShiftCreateResponse.
type shiftCreatedOut struct {
	Created          bool       `json:"created"`
	TechnicianShifts []shiftOut `json:"technicianShifts"`
}

// occurrence is one shift's start and end.
type occurrence struct{ start, end time.Time }

// plan checks the body and lists the occurrences of the shift.
func (in *createShiftIn) plan(loc *time.Location) ([]occurrence, error) {
	p := badRequest()
	if len(in.TechnicianIDs) == 0 {
		p.Field("technicianIds", "Give at least one technician.")
	}
	if in.ShiftType == nil || !oneOf(*in.ShiftType, shiftTypes) {
		p.Field("shiftType", "shiftType must be Normal, OnCall or TimeOff.")
	}
	if in.Title == nil || strings.TrimSpace(*in.Title) == "" {
		p.Field("title", "title is required.")
	}
	start := requiredTime(p, "start", in.Start)
	end := requiredTime(p, "end", in.End)
	if !start.IsZero() && !end.IsZero() && !end.After(start) {
		p.Field("end", "end must be after start.")
	}
	repeat := deref(in.RepeatType, "")
	if !oneOf(repeat, []string{"Never", "Daily", "Weekly"}) {
		p.Field("repeatType", "repeatType must be Never, Daily or Weekly.")
	}
	interval := int(deref(in.RepeatInterval, 1))
	if interval < 1 {
		p.Field("repeatInterval", "repeatInterval must be 1 or more.")
	}
	days, err := parseWeekdays(deref(in.ShiftDays, ""))
	if err != nil {
		p.Field("shiftDays", err.Error())
	}
	repeatEnd := optionalTime(p, "repeatEndDate", in.RepeatEndDate)
	if repeat == "Daily" || repeat == "Weekly" {
		if repeatEnd.IsZero() {
			p.Field("repeatEndDate", "A repeating shift needs repeatEndDate.")
		} else if !start.IsZero() && repeatEnd.Before(start) {
			p.Field("repeatEndDate", "repeatEndDate must not be before start.")
		}
	}
	if err := p.orNil(); err != nil {
		return nil, err
	}
	if repeat == "Never" {
		return []occurrence{{start, end}}, nil
	}
	ls, le := start.In(loc), end.In(loc)
	re := repeatEnd.In(loc)
	lastDate := time.Date(re.Year(), re.Month(), re.Day(), 0, 0, 0, 0, time.UTC)
	firstDate := time.Date(ls.Year(), ls.Month(), ls.Day(), 0, 0, 0, 0, time.UTC)
	if repeat == "Weekly" && len(days) == 0 {
		days = []time.Weekday{ls.Weekday()}
	}
	var out []occurrence
	for date := firstDate; !date.After(lastDate); date = date.AddDate(0, 0, 1) {
		offset := int(date.Sub(firstDate).Hours() / 24)
		switch repeat {
		case "Daily":
			if offset%interval != 0 || (len(days) > 0 && !containsDay(days, date.Weekday())) {
				continue
			}
		case "Weekly":
			week := (offset + int(firstDate.Weekday())) / 7
			if week%interval != 0 || !containsDay(days, date.Weekday()) {
				continue
			}
		}
		if len(out) == maxShiftsPerCreate {
			return nil, apierr.BadRequest("repeatEndDate", "One request may create at most "+strconv.Itoa(maxShiftsPerCreate)+" shifts per technician.")
		}
		out = append(out, occurrence{
			start: time.Date(ls.Year(), ls.Month(), ls.Day()+offset, ls.Hour(), ls.Minute(), ls.Second(), ls.Nanosecond(), loc),
			end:   time.Date(le.Year(), le.Month(), le.Day()+offset, le.Hour(), le.Minute(), le.Second(), le.Nanosecond(), loc),
		})
	}
	return out, nil
}

func containsDay(days []time.Weekday, d time.Weekday) bool {
	for _, x := range days {
		if x == d {
			return true
		}
	}
	return false
}

// createShifts handles POST /technician-shifts.
func createShifts(c *gin.Context, call *api.Call) {
	var in createShiftIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	var out shiftCreatedOut
	err := call.Update(func(tx *resource.Tx) error {
		ts, err := tenant.Load(tx)
		if err != nil {
			return err
		}
		occs, err := in.plan(ts.Location())
		if err != nil {
			return err
		}
		if len(occs)*len(in.TechnicianIDs) > maxShiftsPerCreate {
			return apierr.BadRequest("repeatEndDate", "One request may create at most "+strconv.Itoa(maxShiftsPerCreate)+" shifts.")
		}
		out = shiftCreatedOut{Created: true, TechnicianShifts: []shiftOut{}}
		for i, techID := range in.TechnicianIDs {
			if _, err := activeTechnician(tx, "technicianIds["+strconv.Itoa(i)+"]", techID); err != nil {
				return err
			}
			for _, o := range occs {
				s := &Shift{
					Meta: resource.Meta{Active: true}, ShiftType: *in.ShiftType, Title: *in.Title, Note: in.Note,
					TechnicianID: techID, Start: resource.Stamp(o.start), End: resource.Stamp(o.end), TimesheetCodeID: in.TimesheetCodeID,
				}
				if err := resource.Create(tx, &Shifts, s); err != nil {
					return err
				}
				out.TechnicianShifts = append(out.TechnicianShifts, renderShift(s))
			}
		}
		return nil
	})
	call.Respond(c, out, err)
}

// updateShiftIn is Dispatch.V2.UpdateTechnicianShiftRequest: every member
// optional; those given replace the shift's.
type updateShiftIn struct {
	ShiftType       *string `json:"shiftType"`
	Title           *string `json:"title"`
	Start           *string `json:"start"`
	End             *string `json:"end"`
	Note            *string `json:"note"`
	TimesheetCodeID *int64  `json:"timesheetCodeId"`
}

// shiftUpdatedOut is Dispatch.V2.TechnicianShiftUpdateResponse.
type shiftUpdatedOut struct {
	TechnicianShifts []shiftOut `json:"technicianShifts"`
}

// updateShift handles PATCH /technician-shifts/{id}.
func updateShift(c *gin.Context, call *api.Call) {
	id, err := call.IDParam("id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	var in updateShiftIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	p := badRequest()
	if in.ShiftType != nil && !oneOf(*in.ShiftType, shiftTypes) {
		p.Field("shiftType", "shiftType must be Normal, OnCall or TimeOff.")
	}
	if in.Title != nil && strings.TrimSpace(*in.Title) == "" {
		p.Field("title", "title must not be empty.")
	}
	start, end := optionalTime(p, "start", in.Start), optionalTime(p, "end", in.End)
	if err := p.orNil(); err != nil {
		call.Fail(c, err)
		return
	}
	var out shiftUpdatedOut
	err = call.Update(func(tx *resource.Tx) error {
		s, err := resource.Get(tx, &Shifts, id)
		if err != nil {
			return err
		}
		setIf(&s.ShiftType, in.ShiftType)
		setIf(&s.Title, in.Title)
		setPtrIf(&s.Note, in.Note)
		setPtrIf(&s.TimesheetCodeID, in.TimesheetCodeID)
		if !start.IsZero() {
			s.Start = resource.Stamp(start)
		}
		if !end.IsZero() {
			s.End = resource.Stamp(end)
		}
		if !s.End.After(s.Start.Time) {
			return apierr.BadRequest("end", "end must be after start.")
		}
		if err := resource.Save(tx, &Shifts, s); err != nil {
			return err
		}
		out = shiftUpdatedOut{TechnicianShifts: []shiftOut{renderShift(s)}}
		return nil
	})
	call.Respond(c, out, err)
}

// deleteShift handles DELETE /technician-shifts/{id}.
var deleteShift = deleteRecordWithResult(&Shifts)

// bulkDeleteIn is Dispatch.V2.BulkDeleteTechnicianShiftRequest.
type bulkDeleteIn struct {
	Start *string `json:"start"`
	End   *string `json:"end"`
}

// bulkDeletedOut is Dispatch.Contracts.TechnicianShift.BulkDeleteTechnicianShiftResult.
type bulkDeletedOut struct {
	Message    string  `json:"message"`
	DeletedIDs []int64 `json:"deletedIds"`
}

// bulkDeleteShifts handles POST /technician-shifts/bulk-delete: it deletes
// every shift (of any technician and type) lying wholly inside
// [start, end]; shifts that cross a bound stay.
func bulkDeleteShifts(c *gin.Context, call *api.Call) {
	var in bulkDeleteIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	p := badRequest()
	start, end := requiredTime(p, "start", in.Start), requiredTime(p, "end", in.End)
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		p.Field("end", "end must not be before start.")
	}
	if err := p.orNil(); err != nil {
		call.Fail(c, err)
		return
	}
	var out bulkDeletedOut
	err := call.Update(func(tx *resource.Tx) error {
		doomed, err := resource.All(tx, &Shifts, func(s *Shift) bool { return !s.Start.Before(start) && !s.End.After(end) })
		if err != nil {
			return err
		}
		out = bulkDeletedOut{DeletedIDs: []int64{}}
		for _, s := range doomed {
			if err := resource.Delete(tx, &Shifts, s); err != nil {
				return err
			}
			out.DeletedIDs = append(out.DeletedIDs, s.ID)
		}
		out.Message = strconv.Itoa(len(doomed)) + " technician shifts were deleted."
		return nil
	})
	call.Respond(c, out, err)
}

// listShifts handles GET /technician-shifts: startsOnOrAfter (start at or
// after), endsOnOrBefore (end at or before), shiftType, technicianId (from
// an index), titleContains and noteContains (ignoring case), active
// (default True), the four date filters and sort by Id, CreatedOn or
// ModifiedOn.
func listShifts(c *gin.Context, call *api.Call) {
	q, err := resource.ParseQuery(c.Request.URL.Query(), resource.ListOptions{DefaultActive: resource.ActiveTrue, Sorts: resource.StandardSorts})
	if err != nil {
		call.Fail(c, err)
		return
	}
	p := badRequest()
	from, to := queryTime(c, p, "startsOnOrAfter"), queryTime(c, p, "endsOnOrBefore")
	techID, byTech := queryID(c, p, "technicianId")
	shiftType := c.Query("shiftType")
	if shiftType != "" && !oneOf(shiftType, shiftTypes) {
		p.Field("shiftType", "shiftType must be Normal, OnCall or TimeOff.")
	}
	if err := p.orNil(); err != nil {
		call.Fail(c, err)
		return
	}
	where := api.All(
		api.Contains(c, "titleContains", func(s *Shift) string { return s.Title }),
		api.Contains(c, "noteContains", func(s *Shift) string { return deref(s.Note, "") }),
		func(s *Shift) bool {
			return (shiftType == "" || s.ShiftType == shiftType) &&
				(from.IsZero() || !s.Start.Before(from)) && (to.IsZero() || !s.End.After(to))
		},
	)
	var page resource.Page[*Shift]
	err = call.View(func(tx *resource.Tx) error {
		var sel resource.Select
		if byTech {
			sel = resource.Select{Index: "technician", Value: resource.IDKey(techID)}
		}
		page, err = resource.List(tx, &Shifts, q, sel, where)
		return err
	})
	call.Respond(c, mapPage(page, renderShift), err)
}

// getShift handles GET /technician-shifts/{id}.
var getShift = api.GetByID(&Shifts, func(_ *gin.Context, s *Shift) shiftOut { return renderShift(s) })
