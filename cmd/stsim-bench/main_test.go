package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
)

// TestMain lets the test binary serve as the ceiling, as the command does.
func TestMain(m *testing.M) {
	if addr := os.Getenv(ceilingEnv); addr != "" {
		fmt.Fprintln(os.Stderr, serveCeiling(addr))
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// TestRunTiny runs every part of the bench with tiny durations: the binary
// is built and started, every workload answers (a wrong status fails the
// run), and the report has a row for each. It asserts that the bench works,
// not how fast anything is.
func TestRunTiny(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts stsim several times")
	}
	var out, errs bytes.Buffer
	code := run(context.Background(), []string{"-d", "100ms", "-c", "2", "-rounds", "1", "-cold", "1", "-cold-bbolt", "20", "-rss", "20"}, &out, &errs)
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errs.String(), out.String())
	}
	report := out.String()
	for _, w := range workloads {
		if !strings.Contains(report, "| "+w.name+" | 2 | ") {
			t.Errorf("no row for %s:\n%s", w.name, report)
		}
	}
	if runtime.NumCPU() > 1 && !strings.Contains(report, "| default (") {
		t.Errorf("no cold-start row at Go's default GOMAXPROCS on %d CPUs:\n%s", runtime.NumCPU(), report)
	}
	for _, want := range []string{"stsim to its first authenticated 200", "the floor (a bare server linked with stsim's libraries", "| servers' GOMAXPROCS | stsim | ceiling | floor | stsim accepting connections | stsim token 200 |", "| 1 | ", "cold start on a bbolt file with 20 more customers", "at rest (demo tenant)", "with 20 more customers"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
}

func TestFlags(t *testing.T) {
	var errs bytes.Buffer
	for _, args := range [][]string{{"-w", "nope"}, {"-c", "x"}, {"-rss", "-5"}, {"-d", "0"}, {"-cold-bbolt", "-1"}} {
		if code := run(context.Background(), args, &bytes.Buffer{}, &errs); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
