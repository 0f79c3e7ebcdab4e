package dispatch

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/resource"
)

// TestCapacityJSONIsEncodingJSON checks that capacity answers are written
// byte for byte as encoding/json writes them: a computed 14-day answer, and
// names and numbers that need escaping or exponents.
func TestCapacityJSONIsEncodingJSON(t *testing.T) {
	same := func(what string, out capacityOut) {
		t.Helper()
		want, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		if got := out.encode(); string(got) != string(want) {
			t.Fatalf("%s:\n got %s\nwant %s", what, got, want)
		}
	}
	st, start, jobType := benchData(t)
	for _, skillBased := range []bool{false, true} {
		err := resource.View(st, benchTenant, start, func(tx *resource.Tx) error {
			out, err := computeCapacity(tx, capacityQuery{from: start, to: start.AddDate(0, 0, 14), jobTypeID: jobType, skillBased: skillBased})
			if len(out.Availabilities) != 70 {
				t.Fatalf("%d slots", len(out.Availabilities))
			}
			same("computed", out)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	yes, no := true, false
	same("empty", capacityOut{TimeStamp: resource.Stamp(start), Availabilities: []availabilityOut{}})
	same("odd", capacityOut{TimeStamp: resource.Stamp(start.Add(123456789 * time.Nanosecond)), Availabilities: []availabilityOut{{
		Start: "2026-03-08T08:00:00-05:00", End: "2026-03-08T10:00:00-05:00", StartUtc: "2026-03-08T13:00:00Z", EndUtc: "2026-03-08T15:00:00Z",
		BusinessUnitIDs: []int64{}, TotalAvailability: 2.0 / 3, OpenAvailability: -1e-7,
		Technicians: []capacityTechOut{
			{ID: 1, Name: `Zoë "Z" O'Neil <&> \ ` + "\u2028\t\x01", Status: "Available", HasRequiredSkills: &yes},
			{ID: -2, Name: "", Status: "Unavailable", HasRequiredSkills: &no},
			{ID: 3, Name: "bad \xff utf-8", Status: "Unavailable"},
		},
	}, {
		BusinessUnitIDs: []int64{5, 6}, TotalAvailability: 1e21, OpenAvailability: 123456.25, Technicians: []capacityTechOut{},
		IsAvailable: true, IsExceedingIdealBookingPercentage: true,
	}}})
}

// BenchmarkCapacityJSON writes the 14-day, 50-technician answer of
// BenchmarkCapacity14Days50Techs.
func BenchmarkCapacityJSON(b *testing.B) {
	st, start, jobType := benchData(b)
	var out capacityOut
	err := resource.View(st, benchTenant, start, func(tx *resource.Tx) (err error) {
		out, err = computeCapacity(tx, capacityQuery{from: start, to: start.AddDate(0, 0, 14), jobTypeID: jobType, skillBased: true})
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out.encode()
		}
	})
}
