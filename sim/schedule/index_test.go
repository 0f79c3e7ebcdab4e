package schedule

import (
	"fmt"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/store"
)

// TestIndexFilesAndFinds books appointments of one hour, of several days
// (from before the range read), and of months; moves and unbooks some, and
// reads ranges: each booking overlapping a range comes once, moved ones only
// at their new time, unbooked ones not at all.
func TestIndexFilesAndFinds(t *testing.T) {
	st := store.OpenMemory()
	defer st.Close()
	day := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, time.UTC) }
	update := func(fn func(tx *resource.Tx) error) {
		t.Helper()
		if err := resource.Update(st, 1, day(1, 0), fn); err != nil {
			t.Fatal(err)
		}
	}
	found := func(from, to time.Time) string {
		t.Helper()
		var out []string
		err := resource.View(st, 1, day(1, 0), func(tx *resource.Tx) error {
			bs, err := BookingsIn(tx, from, to)
			for _, b := range bs {
				out = append(out, fmt.Sprintf("%d%v", b.ID, b.TechnicianIDs))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(out)
	}
	update(func(tx *resource.Tx) error {
		for _, b := range []Booking{
			{ID: 1, Start: day(10, 9), End: day(10, 10), TechnicianIDs: []int64{7}},
			{ID: 2, Start: day(8, 20), End: day(12, 4), BusinessUnitID: 3}, // four UTC dates, from before the 10th
			{ID: 3, Start: day(1, 0), End: day(1, 0).AddDate(0, 4, 0)},     // "long"
			{ID: 4, Start: day(11, 9), End: day(11, 10), TechnicianIDs: []int64{7, 8}},
			{ID: 5, Start: day(20, 9), End: day(20, 10)},
		} {
			if err := Book(tx, b); err != nil {
				return err
			}
		}
		return nil
	})
	if got := found(day(10, 0), day(12, 0)); got != "[1[7] 2[] 3[] 4[7 8]]" {
		t.Fatalf("10th and 11th: %s", got)
	}
	update(func(tx *resource.Tx) error {
		if err := Book(tx, Booking{ID: 1, Start: day(20, 11), End: day(20, 12), TechnicianIDs: []int64{8}}); err != nil { // moved
			return err
		}
		return Unbook(tx, 4)
	})
	if got := found(day(10, 0), day(12, 0)); got != "[2[] 3[]]" {
		t.Fatalf("after moving 1 and unbooking 4: %s", got)
	}
	if got := found(day(20, 0), day(21, 0)); got != "[1[8] 3[] 5[]]" {
		t.Fatalf("the 20th: %s", got)
	}
	if got := found(day(13, 0), day(14, 0)); got != "[3[]]" {
		t.Fatalf("the 13th: %s", got)
	}
}
