package dispatch

import (
	"testing"
)

func TestTimeSpans(t *testing.T) {
	for in, want := range map[string]int64{
		"09:00": 9 * 3600, "08:30:15": 8*3600 + 30*60 + 15, "1.02:00:00": 26 * 3600, "08:00:00.0000000": 8 * 3600,
		"PT2H30M": 9000, "P1DT1H": 90000, "pt45m": 2700, "-01:00:00": -3600,
	} {
		got, err := parseTimeSpan(in)
		if err != nil || got != want {
			t.Errorf("parseTimeSpan(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "9", "24:00", "08:60", "ab:cd", "P1W", "PT", "P1H"} {
		if got, err := parseTimeSpan(bad); err == nil {
			t.Errorf("parseTimeSpan(%q) = %d, want an error", bad, got)
		}
	}
	for secs, want := range map[int64]string{0: "00:00:00", 9000: "02:30:00", 90061: "1.01:01:01", 86400: "1.00:00:00"} {
		if got := formatTimeSpan(secs); got != want {
			t.Errorf("formatTimeSpan(%d) = %q, want %q", secs, got, want)
		}
	}
	days, err := parseWeekdays("mo, Wed;FRIDAY 0")
	if err != nil || formatWeekdays(days) != "Sunday,Monday,Wednesday,Friday" {
		t.Errorf("parseWeekdays: %v %v", days, err)
	}
	if _, err := parseWeekdays("M"); err == nil {
		t.Error("a one-letter day is ambiguous")
	}
}
