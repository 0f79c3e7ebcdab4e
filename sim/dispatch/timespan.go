package dispatch

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Durations travel as .NET TimeSpan strings (the document's
// "string(duration)"; its own examples are "09:00" and "11:00"). stsim
// writes the TimeSpan "c" form, [d.]hh:mm:ss, and reads that form, hh:mm,
// and ISO 8601 durations (PT2H30M, P1DT4H) since some clients send those.

// formatTimeSpan writes seconds as [d.]hh:mm:ss.
func formatTimeSpan(secs int64) string {
	sign := ""
	if secs < 0 {
		sign, secs = "-", -secs
	}
	d, rest := secs/86400, secs%86400
	hms := fmt.Sprintf("%02d:%02d:%02d", rest/3600, rest%3600/60, rest%60)
	if d > 0 {
		return fmt.Sprintf("%s%d.%s", sign, d, hms)
	}
	return sign + hms
}

// parseTimeSpan reads a TimeSpan ("08:00", "08:00:00", "1.02:00:00",
// "08:00:00.0000000") or an ISO 8601 duration ("PT8H") into seconds.
func parseTimeSpan(v string) (int64, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, errors.New("a duration is required")
	}
	if v[0] == 'P' || v[0] == 'p' {
		return parseISODuration(v)
	}
	neg := false
	if v[0] == '-' {
		neg, v = true, v[1:]
	}
	var days int64
	if i := strings.IndexByte(v, '.'); i >= 0 && i < strings.IndexByte(v, ':') {
		d, err := strconv.ParseInt(v[:i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("'%s' is not a TimeSpan", v)
		}
		days, v = d, v[i+1:]
	}
	parts := strings.Split(v, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("'%s' is not a TimeSpan such as 08:00:00", v)
	}
	if len(parts) == 3 { // drop fractional seconds
		parts[2], _, _ = strings.Cut(parts[2], ".")
	} else {
		parts = append(parts, "0")
	}
	limits := []int64{24, 60, 60}
	var secs int64
	for i, p := range parts {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n < 0 || n >= limits[i] {
			return 0, fmt.Errorf("'%s' is not a TimeSpan such as 08:00:00", v)
		}
		secs = secs*60 + n
	}
	secs += days * 86400
	if neg {
		secs = -secs
	}
	return secs, nil
}

// parseISODuration reads PnDTnHnMnS (weeks, months and years are refused:
// they have no fixed length).
func parseISODuration(v string) (int64, error) {
	bad := fmt.Errorf("'%s' is not a duration such as PT2H or 02:00:00", v)
	s := strings.ToUpper(v[1:])
	var secs int64
	inTime, any := false, false
	for s != "" {
		if s[0] == 'T' {
			inTime, s = true, s[1:]
			continue
		}
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		if i == 0 || i == len(s) {
			return 0, bad
		}
		n, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, bad
		}
		unit := s[i]
		s = s[i+1:]
		switch {
		case unit == 'D' && !inTime:
			secs += int64(n * 86400)
		case unit == 'H' && inTime:
			secs += int64(n * 3600)
		case unit == 'M' && inTime:
			secs += int64(n * 60)
		case unit == 'S' && inTime:
			secs += int64(n)
		default:
			return 0, bad
		}
		any = true
	}
	if !any {
		return 0, bad
	}
	return secs, nil
}

// weekdayNames are .NET DayOfWeek names, index = value (0 Sunday).
var weekdayNames = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

// parseWeekdays reads a list of days ("Monday,Wednesday", "Mo We",
// "Mon;Tue", "1,3"): names or their first two or more letters, or .NET
// DayOfWeek numbers (0 Sunday … 6 Saturday). The result is sorted and
// without repeats; an empty string gives none.
func parseWeekdays(v string) ([]time.Weekday, error) {
	var set [7]bool
	fields := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '|' })
	for _, f := range fields {
		day := -1
		if n, err := strconv.Atoi(f); err == nil {
			if n >= 0 && n <= 6 {
				day = n
			}
		} else if len(f) >= 2 {
			for i, name := range weekdayNames {
				if strings.HasPrefix(strings.ToLower(name), strings.ToLower(f)) {
					day = i
					break
				}
			}
		}
		if day < 0 {
			return nil, fmt.Errorf("'%s' is not a day of the week", f)
		}
		set[day] = true
	}
	var out []time.Weekday
	for i, on := range set {
		if on {
			out = append(out, time.Weekday(i))
		}
	}
	return out, nil
}

// formatWeekdays writes days as comma-separated names.
func formatWeekdays(days []time.Weekday) string {
	names := make([]string, len(days))
	for i, d := range days {
		names[i] = weekdayNames[d]
	}
	return strings.Join(names, ",")
}
