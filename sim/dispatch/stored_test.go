package dispatch_test

import (
	"testing"
	"time"

	"github.com/stsim/stsim/sim/dispatch"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/resource/storedjson/storedjsontest"
)

// TestShiftStoredForm: a shift with every field set, and one with none but
// its ID, are appended exactly as MarshalStored writes them (TestSeedStoredForms
// in package sim checks every demo shift).
func TestShiftStoredForm(t *testing.T) {
	storedjsontest.CheckFilled(t, new(dispatch.Shift))
	storedjsontest.Check(t, &dispatch.Shift{Meta: resource.Meta{ID: 1}}, true)
}

// FuzzShiftStoredForm holds the shift's appender to MarshalStored on
// arbitrary strings, numbers and instants.
func FuzzShiftStoredForm(f *testing.F) {
	f.Add("Normal", "On call <night> & \"weekend\"", int64(42), int64(1796000000), true)
	f.Add("\u2028", "\xff\x01", int64(-1), int64(-62135596800), false)
	f.Fuzz(func(t *testing.T, typ, title string, n, sec int64, b bool) {
		start := resource.Stamp(time.Unix(sec, n))
		s := &dispatch.Shift{Meta: resource.Meta{ID: n, Seq: uint64(n), ModifiedOn: start}, ShiftType: typ, Title: title,
			TechnicianID: n, Start: start, End: resource.Stamp(time.Unix(sec+n, 0))}
		if b {
			s.Note, s.TimesheetCodeID = &title, &n
		}
		storedjsontest.Check(t, s, false)
	})
}
