package resource

import "time"

// DayLayout is the form of the UTC-date index values UTCDates makes.
const DayLayout = "2006-01-02"

// UTCDates lists the UTC dates ("2006-01-02") that [start, end) touches, at
// least start's: the values under which a time-ranged record is indexed by
// day, so a lookup of a few days reads only their records.
func UTCDates(start, end time.Time) []string {
	start, end = start.UTC(), end.UTC()
	keys := []string{start.Format(DayLayout)}
	d := time.Date(start.Year(), start.Month(), start.Day()+1, 0, 0, 0, 0, time.UTC)
	for d.Before(end) {
		keys = append(keys, d.Format(DayLayout))
		d = d.AddDate(0, 0, 1)
	}
	return keys
}
