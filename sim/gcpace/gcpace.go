// Package gcpace sizes the garbage collector's headroom for a server whose
// live heap ranges from a few megabytes (the demo tenant) to hundreds (100k
// customers in the memory store), where one fixed GOGC is wrong at both
// ends: GOGC=100 collects a 15 MB heap every ~900 get-by-ID calls (12% of
// the CPU, and a collection in progress on one core is what the slowest
// 1% of calls wait for) but lets a 150 MB heap grow to 300 MB before
// collecting it.
//
// After every collection the pacer sets the next one's headroom (the bytes
// the program may allocate before it) from the live heap and the
// allocation rate since the previous collection:
//
//	headroom = min(max(live, rate × Period), max(MaxHeadroom, live/2))
//
// Idle, it is about GOGC=100 of the live heap (the heap at rest does not grow); under load a
// small heap collects about once per Period instead of once per live-heap
// of garbage; a large heap keeps at most max(MaxHeadroom, live/2) of
// garbage. A GOGC environment variable turns the pacer off (the runtime
// then does what it says); GOMEMLIMIT still applies on top.
package gcpace

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

const (
	// Period is how often, at most, a small heap is collected under load.
	Period = 500 * time.Millisecond
	// MaxHeadroom bounds the garbage between collections, unless half the
	// live heap is more.
	MaxHeadroom = 64 << 20
)

// Headroom returns the bytes to let the program allocate before the next
// collection, given the live heap and the allocation rate (bytes/s).
func Headroom(live uint64, rate float64) uint64 {
	want := max(live, uint64(rate*Period.Seconds()))
	return min(want, max(MaxHeadroom, live/2))
}

// Percent is the GOGC value that gives headroom over a heap whose live
// part, goroutine stacks and globals (what the runtime's GOGC multiplies)
// total base bytes. It is at least 1 (0 would collect continuously).
func Percent(headroom, base uint64) int {
	if base == 0 {
		return 100
	}
	return max(1, int(headroom*100/base))
}

// pacer re-arms a finalizer after every collection to set the next GOGC.
type pacer struct {
	samples []metrics.Sample

	mu        sync.Mutex // guards the fields below (Stop may race a finalizer)
	stopped   bool
	lastAlloc uint64    // cumulative bytes allocated at the last step
	lastTime  time.Time // when
	percent   int       // the GOGC the last step set
	adjusted  func()    // called after each step (tests)
}

// The metrics the pacer reads, in the order of snapshot's fields.
var metricNames = []string{"/gc/heap/live:bytes", "/gc/scan/stack:bytes", "/gc/scan/globals:bytes", "/gc/heap/allocs:bytes"}

// snapshot is what the pacer reads after a collection.
type snapshot struct {
	live, stacks, globals uint64 // bytes
	allocs                uint64 // bytes allocated since the program started
}

// running is the process's pacer, if one is installed (GOGC is global).
var running struct {
	sync.Mutex
	p *pacer
}

// Start installs the pacer unless the GOGC environment variable is set or
// a pacer is already installed; it returns a function that removes it
// again (restoring GOGC=100), or nil when it did not start. Call it when
// the server has started: the allocation of startup itself is not load.
func Start() (stop func()) {
	running.Lock()
	defer running.Unlock()
	if os.Getenv("GOGC") != "" || running.p != nil {
		return nil
	}
	p := start()
	running.p = p
	return func() {
		p.stop()
		running.Lock()
		defer running.Unlock()
		if running.p == p {
			running.p = nil
		}
	}
}

func start() *pacer {
	p := &pacer{samples: make([]metrics.Sample, len(metricNames))}
	for i, name := range metricNames {
		p.samples[i].Name = name
	}
	p.lastAlloc, p.lastTime = p.read().allocs, time.Now()
	p.arm()
	return p
}

// stop removes the pacer and restores GOGC=100.
func (p *pacer) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stopped = true
	debug.SetGCPercent(100)
}

// read returns the current values of the pacer's metrics.
func (p *pacer) read() snapshot {
	metrics.Read(p.samples)
	var v [4]uint64
	for i, s := range p.samples {
		if s.Value.Kind() == metrics.KindUint64 {
			v[i] = s.Value.Uint64()
		}
	}
	return snapshot{live: v[0], stacks: v[1], globals: v[2], allocs: v[3]}
}

// sentinel is the object whose finalizer marks a finished collection; it
// holds a pointer so that it is never combined with other tiny objects
// (whose finalizers may never run).
type sentinel struct{ _ *pacer }

// arm makes the next collection call adjust.
func (p *pacer) arm() {
	runtime.SetFinalizer(&sentinel{}, func(*sentinel) {
		if p.adjust() {
			p.arm()
		}
	})
}

// adjust sets GOGC for the next cycle from the one that just ended; it
// reports false once the pacer is stopped.
func (p *pacer) adjust() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return false
	}
	p.percent = p.step(p.read(), time.Now())
	debug.SetGCPercent(p.percent)
	if p.adjusted != nil {
		p.adjusted()
	}
	return true
}

// step returns the GOGC for the next cycle, given the metrics at its
// start, and remembers them for the next step's allocation rate.
func (p *pacer) step(m snapshot, now time.Time) int {
	rate := 0.0
	if elapsed := now.Sub(p.lastTime).Seconds(); elapsed > 0 && m.allocs >= p.lastAlloc {
		rate = float64(m.allocs-p.lastAlloc) / elapsed
	}
	p.lastAlloc, p.lastTime = m.allocs, now
	return Percent(Headroom(m.live, rate), m.live+m.stacks+m.globals)
}
