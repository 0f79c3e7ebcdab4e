package scheduleengine

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Date is a calendar day in the tenant's zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// DateOf is the calendar day of t in t's location.
func DateOf(t time.Time) Date { return Date{t.Year(), t.Month(), t.Day()} }

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// At is wall-clock time of day off (from midnight) on d in zone, as UTC.
// time.Date applies the zone's offset of that very date, so a window keeps
// its local time across DST changes.
func (d Date) At(zone *time.Location, off time.Duration) time.Time {
	h, m, s := int(off/time.Hour), int(off%time.Hour/time.Minute), int(off%time.Minute/time.Second)
	return time.Date(d.Year, d.Month, d.Day, h, m, s, 0, zone).UTC()
}

// AddDays is the day n days after d.
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// WindowUTC converts an arrival window on date d in zone to UTC.
func WindowUTC(d Date, zone *time.Location, w ArrivalWindow) (start, end time.Time, err error) {
	off, err := timeOfDay(w.Start)
	if err != nil {
		return start, end, fmt.Errorf("arrival window %d start: %w", w.ID, err)
	}
	dur, err := timeOfDay(w.Duration)
	if err != nil {
		return start, end, fmt.Errorf("arrival window %d duration: %w", w.ID, err)
	}
	// The end is local too: on a DST day a 01:00 + 2h window ends at local
	// 03:00, whatever the elapsed time.
	return d.At(zone, off), d.At(zone, off+dur), nil
}

var isoDuration = regexp.MustCompile(`^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$`)

// timeOfDay reads "hh:mm[:ss]" or an ISO-8601 time duration ("PT8H").
func timeOfDay(s string) (time.Duration, error) {
	if m := isoDuration.FindStringSubmatch(s); m != nil && s != "PT" {
		var d time.Duration
		for i, unit := range []time.Duration{time.Hour, time.Minute, time.Second} {
			if m[i+1] != "" {
				n, _ := strconv.Atoi(m[i+1])
				d += time.Duration(n) * unit
			}
		}
		return d, nil
	}
	var h, m, sec int
	if n, _ := fmt.Sscanf(s, "%d:%d:%d", &h, &m, &sec); n < 2 || h < 0 || h > 24 || m < 0 || m > 59 || sec < 0 || sec > 59 {
		return 0, fmt.Errorf("%q is not a time of day", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second, nil
}
