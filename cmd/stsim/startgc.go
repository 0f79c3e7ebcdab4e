package main

import (
	"os"
	"runtime/debug"
	"sync"
	"time"
)

// startupHeapLimit bounds the heap while the collector is off at start-up:
// past it the collector runs as usual (a large -fixtures set or data file).
const startupHeapLimit = 256 << 20

// collectAfterReady is how long the collector stays off once the server is
// ready: the clients that waited for it send their first requests at once,
// and those should not share one core with the first collection of the
// start-up heap (measured on one core: the second GET after ready 1.0-1.6
// ms with the collection running, 0.4 ms without). startupHeapLimit still
// bounds the heap meanwhile.
const collectAfterReady = 200 * time.Millisecond

// startupGC holds the collector's settings while one or more servers in
// this process start (tests run several at once).
var startupGC struct {
	sync.Mutex
	starting int
	percent  int
	limit    int64
}

// collectLaterDuringStartup turns the garbage collector off (up to
// startupHeapLimit) until the returned function is called, once the server
// is ready. Start-up allocates its data in one burst (seeding the demo
// tenant); on one core, collecting several times during it took longer
// than the seed itself (a start-up profile: background marking and mark
// assists ~20% of CPU; median start to the first 200 about halved with
// GOGC=off). A GOGC or GOMEMLIMIT set by the user is left alone.
func collectLaterDuringStartup() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	startupGC.Lock()
	if startupGC.starting == 0 {
		startupGC.limit = debug.SetMemoryLimit(startupHeapLimit)
		startupGC.percent = debug.SetGCPercent(-1)
	}
	startupGC.starting++
	startupGC.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			startupGC.Lock()
			defer startupGC.Unlock()
			if startupGC.starting--; startupGC.starting == 0 {
				debug.SetGCPercent(startupGC.percent)
				debug.SetMemoryLimit(startupGC.limit)
			}
		})
	}
}
