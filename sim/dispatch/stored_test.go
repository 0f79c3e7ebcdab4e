package dispatch_test

import (
	"math"
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

// TestDispatchStoredForms: non-job appointments and GPS pings with every
// field set, with none but their ID, and with pointers to zero values, are
// appended exactly as MarshalStored writes them.
func TestDispatchStoredForms(t *testing.T) {
	storedjsontest.CheckFilled(t, new(dispatch.NonJobAppointment))
	storedjsontest.CheckFilled(t, new(dispatch.GPSPing))
	meta := resource.Meta{ID: 1}
	storedjsontest.Check(t, &dispatch.NonJobAppointment{Meta: meta}, true)
	storedjsontest.Check(t, &dispatch.GPSPing{Meta: meta}, true)
	zero, empty, speed := int32(0), "", 0.0
	storedjsontest.Check(t, &dispatch.NonJobAppointment{Meta: meta, CountOccurrences: &zero, Interval: &zero, Frequency: &empty,
		EndOn: new(resource.Time)}, true)
	storedjsontest.Check(t, &dispatch.GPSPing{Meta: meta, Speed: &speed}, true)
	nan := math.NaN()
	storedjsontest.Check(t, &dispatch.GPSPing{Meta: meta, Latitude: nan}, false)
}

// FuzzDispatchStoredForms holds the non-job appointment's and GPS ping's
// appenders to MarshalStored on arbitrary strings, numbers and instants.
func FuzzDispatchStoredForms(f *testing.F) {
	f.Add("Lunch", "Daily <&>", int64(42), int32(3), 33.45, int64(1796000000), true)
	f.Add("\u2028", "\xff\x01", int64(-1), int32(-1), -0.0, int64(-62135596800), false)
	f.Fuzz(func(t *testing.T, s1, s2 string, n int64, i int32, fl float64, sec int64, b bool) {
		tm := resource.Stamp(time.Unix(sec, n%1e9))
		meta := resource.Meta{ID: n, Seq: uint64(n), CreatedOn: tm, ModifiedOn: tm, Active: b}
		storedjsontest.Check(t, &dispatch.NonJobAppointment{Meta: meta, TechnicianID: n, Start: tm, Name: s1, Duration: n, Summary: s2,
			AllDay: b, Repeat: !b, CountOccurrences: &i, Interval: &i, Frequency: &s1, EndType: &s2, EndOn: &tm, DaysOfWeek: s2}, false)
		storedjsontest.Check(t, &dispatch.GPSPing{Meta: meta, Provider: s1, TechnicianID: n, UnitName: s2, EventTime: tm, Latitude: fl,
			Longitude: -fl, Speed: &fl, Street: s1, City: s2, Message: s1, StatusMessage: s2}, false)
	})
}
