package schedule

import (
	"fmt"
	"testing"
	"time"
)

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
