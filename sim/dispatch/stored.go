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
