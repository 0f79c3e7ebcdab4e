package dispatch

import "github.com/stsim/stsim/sim/resource/storedjson"

// AppendStored appends the shift's stored form (resource.StoredAppender):
// the demo seed writes 270 shifts, its most after the CRM records. The
// bytes are resource.MarshalStored's (TestShiftStoredForm, FuzzShiftStoredForm).
func (s *Shift) AppendStored(b []byte) ([]byte, bool) {
	w := storedjson.Begin(b, &s.Meta)
	w.String("shiftType", s.ShiftType)
	w.String("title", s.Title)
	w.StringPtr("note", s.Note)
	w.Int("technicianId", s.TechnicianID)
	w.Time("start", s.Start)
	w.Time("end", s.End)
	w.IntPtr("timesheetCodeId", s.TimesheetCodeID)
	return w.End()
}

// AppendStored appends the non-job appointment's stored form: the demo
// seed writes a dozen, and this wide type's encoder was among the costliest
// go-json-experiment built in a fresh process (TestDispatchStoredForms).
func (a *NonJobAppointment) AppendStored(b []byte) ([]byte, bool) {
	w := storedjson.Begin(b, &a.Meta)
	w.Int("technicianId", a.TechnicianID)
	w.Time("start", a.Start)
	w.String("name", a.Name)
	w.Int("duration", a.Duration)
	w.Int("timesheetCodeId", a.TimesheetCodeID)
	w.String("summary", a.Summary)
	w.Bool("clearDispatchBoard", a.ClearDispatchBoard)
	w.Bool("clearTechnicianView", a.ClearTechnicianView)
	w.Bool("removeTechnicianFromCapacityPlanning", a.RemoveTechnicianFromCapacityPlanning)
	w.Bool("allDay", a.AllDay)
	w.Bool("showOnTechnicianSchedule", a.ShowOnTechnicianSchedule)
	w.Int("createdById", a.CreatedByID)
	w.Bool("repeat", a.Repeat)
	w.Int32Ptr("countOccurrences", a.CountOccurrences)
	w.Int32Ptr("interval", a.Interval)
	w.StringPtr("frequency", a.Frequency)
	w.StringPtr("endType", a.EndType)
	w.TimePtr("endOn", a.EndOn)
	w.String("daysOfWeek", a.DaysOfWeek)
	return w.End()
}

// AppendStored appends the GPS ping's stored form (the same reason).
func (p *GPSPing) AppendStored(b []byte) ([]byte, bool) {
	w := storedjson.Begin(b, &p.Meta)
	w.String("provider", p.Provider)
	w.Int("technicianId", p.TechnicianID)
	w.String("unitName", p.UnitName)
	w.Time("eventTime", p.EventTime)
	w.Float("latitude", p.Latitude)
	w.Float("longitude", p.Longitude)
	w.FloatPtr("speed", p.Speed)
	w.String("street", p.Street)
	w.String("city", p.City)
	w.String("region", p.Region)
	w.String("postalCode", p.PostalCode)
	w.String("message", p.Message)
	w.String("externalId", p.ExternalID)
	w.String("statusMessage", p.StatusMessage)
	return w.End()
}
