package schedule

import "time"

// maxOccurrenceSteps bounds the work of expanding one repeat rule.
const maxOccurrenceSteps = 20000

// occurrences lists the event's occurrences that overlap [from, to), in
// the time zone loc: each starts at the first one's local time of day
// (across DST changes too), or covers whole local days when AllDay
// (Duration rounded up to days, at least one).
func (e *Event) occurrences(loc *time.Location, from, to time.Time) []span {
	first := e.Start.In(loc)
	length := time.Duration(e.Duration) * time.Second
	lo, hi := from.Unix(), to.Unix()
	at := func(y int, m time.Month, d int) span {
		if e.AllDay {
			days := max(1, int((length+24*time.Hour-time.Second)/(24*time.Hour)))
			return spanOf(time.Date(y, m, d, 0, 0, 0, 0, loc), time.Date(y, m, d+days, 0, 0, 0, 0, loc))
		}
		s := time.Date(y, m, d, first.Hour(), first.Minute(), first.Second(), 0, loc)
		return spanOf(s, s.Add(length))
	}
	var out []span
	r := e.Repeat
	if r == nil {
		if sp := at(first.Date()); sp.from < hi && sp.to > lo {
			out = append(out, sp)
		}
		return out
	}
	interval := max(1, r.Interval)
	var last time.Time // the last local date
	if !r.Until.IsZero() {
		u := r.Until.In(loc)
		last = time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, loc)
	}
	days := r.Days
	if len(days) == 0 {
		days = []time.Weekday{first.Weekday()}
	}
	y, m, d := first.Date()
	k0 := 0
	if r.Count < 0 && from.After(first) { // skip the steps wholly before from
		switch r.Frequency {
		case "Daily":
			k0 = max(0, int(from.Sub(first)/(time.Duration(interval)*24*time.Hour))-1)
		case "Weekly":
			k0 = max(0, int(from.Sub(first)/(time.Duration(interval)*7*24*time.Hour))-1)
		}
	}
	count := 0
	for k := k0; k < k0+maxOccurrenceSteps; k++ {
		var dates []time.Time
		switch r.Frequency {
		case "Weekly":
			weekStart := d - int(first.Weekday()) + k*interval*7
			for _, wd := range days {
				if date := time.Date(y, m, weekStart+int(wd), 0, 0, 0, 0, loc); !date.Before(time.Date(y, m, d, 0, 0, 0, 0, loc)) {
					dates = append(dates, date)
				}
			}
		case "Monthly":
			if date := time.Date(y, m+time.Month(k*interval), d, 0, 0, 0, 0, loc); date.Day() == d {
				dates = append(dates, date)
			}
		case "Yearly":
			if date := time.Date(y+k*interval, m, d, 0, 0, 0, 0, loc); date.Day() == d {
				dates = append(dates, date)
			}
		default: // Daily
			dates = append(dates, time.Date(y, m, d+k*interval, 0, 0, 0, 0, loc))
		}
		for _, date := range dates {
			if !last.IsZero() && date.After(last) {
				return out
			}
			if count++; r.Count >= 0 && count > r.Count {
				return out
			}
			sp := at(date.Date())
			if sp.from >= hi {
				return out
			}
			if sp.to > lo {
				out = append(out, sp)
			}
		}
	}
	return out
}
