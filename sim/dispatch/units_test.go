package dispatch

import (
	"fmt"
	"testing"
	"time"
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

func TestSpans(t *testing.T) {
	s := normalize([]span{{10, 20}, {0, 5}, {15, 30}, {5, 7}, {40, 40}})
	if fmt.Sprint(s) != "[{0 7} {10 30}]" {
		t.Fatalf("normalize: %v", s)
	}
	m := s.minus(spans{{2, 3}, {6, 12}, {25, 50}})
	if fmt.Sprint(m) != "[{0 2} {3 6} {12 25}]" || m.total() != 18 || m.longest() != 13 {
		t.Fatalf("minus: %v", m)
	}
	if !m.covers(span{13, 20}) || m.covers(span{5, 7}) {
		t.Fatal("covers")
	}
	if c := s.clip(3, 12); fmt.Sprint(c) != "[{3 7} {10 12}]" {
		t.Fatalf("clip: %v", c)
	}
}

func TestDayKeys(t *testing.T) {
	at := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, time.UTC) }
	if k := dayKeys(at(7, 22), at(8, 2)); fmt.Sprint(k) != "[2026-03-07 2026-03-08]" {
		t.Fatalf("across midnight: %v", k)
	}
	if k := dayKeys(at(7, 8), at(8, 0)); fmt.Sprint(k) != "[2026-03-07]" {
		t.Fatalf("ending at midnight: %v", k)
	}
	if k := dayKeys(at(1, 0), at(1, 0).AddDate(0, 3, 0)); fmt.Sprint(k) != "[long]" {
		t.Fatalf("three months: %v", k)
	}
}
