// Package cpuclock measures the CPU time a benchmark's process uses, for
// benchmarks that report cpu-ns/op next to ns/op: on a machine shared with
// other work, wall-clock ns/op grows with the load while CPU time per
// operation stays about what the operation costs.
package cpuclock

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Clock is the process's CPU time (user+system) when it was started.
type Clock struct {
	start time.Duration
	ok    bool
}

// Start reads the process's CPU time; where there is no /proc the clock
// reports nothing.
func Start() Clock {
	t, ok := processCPU()
	return Clock{start: t, ok: ok}
}

// Report adds cpu-ns/op: the process's CPU time since Start over b.N.
// /proc counts in 10 ms ticks, so it stays quiet for runs too short to
// measure (under half a second of CPU).
func (c Clock) Report(b *testing.B) {
	end, ok := processCPU()
	used := end - c.start
	if !c.ok || !ok || b.N == 0 || used < 500*time.Millisecond {
		return
	}
	b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// processCPU returns utime+stime of this process (fields 14 and 15 of
// /proc/self/stat, in USER_HZ ticks, which Linux fixes at 100 per second).
func processCPU() (time.Duration, bool) {
	data, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0, false
	}
	// The command name (field 2) may hold spaces; fields after it are plain.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(data[i+1:])) // f[0] is field 3
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	const tick = 10 * time.Millisecond
	return time.Duration(utime+stime) * tick, true
}
