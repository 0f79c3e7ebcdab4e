package main

import (
	"os"
	"runtime/debug"
	"testing"
)

// gcPercent reads the collector's setting.
func gcPercent() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

// TestStartupGCRestored: the collector is off while any server starts and
// back as it was once the last one is ready.
func TestStartupGCRestored(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOGC or GOMEMLIMIT is set: start-up leaves the collector alone")
	}
	before, limit := gcPercent(), debug.SetMemoryLimit(-1)
	first := collectLaterDuringStartup()
	second := collectLaterDuringStartup()
	if p := gcPercent(); p != -1 {
		t.Fatalf("GC percent %d while starting, want -1 (off)", p)
	}
	if l := debug.SetMemoryLimit(-1); l != startupHeapLimit {
		t.Fatalf("memory limit %d while starting, want %d", l, startupHeapLimit)
	}
	first()
	first() // a second call changes nothing
	if p := gcPercent(); p != -1 {
		t.Fatalf("GC percent %d while a server is still starting, want -1", p)
	}
	second()
	if p := gcPercent(); p != before {
		t.Fatalf("GC percent %d after start-up, want %d", p, before)
	}
	if l := debug.SetMemoryLimit(-1); l != limit {
		t.Fatalf("memory limit %d after start-up, want %d", l, limit)
	}
}
