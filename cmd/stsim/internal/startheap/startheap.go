// Package startheap asks the kernel to back the first part of the Go heap
// with transparent huge pages, as the stsim process starts. Importing it
// (for its init) is all there is to it. Go initialises packages in import
// path order once their imports are done, and this one imports little, so
// it runs ahead of the library inits that allocate most (GODEBUG=inittrace=1
// shows it before santhosh-tekuri/jsonschema's).
//
// Why: starting stsim allocates about 10 MB (package initialisation, the
// OpenAPI fragments, the demo tenant's seed) while the collector is off,
// and every fresh 4 KiB page costs a page fault. On a virtual machine a
// fault is dear: about 10 µs per page on the 2-core VM stsim's numbers come
// from, where a cold start took ~3,300 faults and ~30 ms of system time
// before its first authenticated 200. Where Linux gives huge pages only to
// memory that asks for them (transparent_hugepage "madvise", the usual
// setting), one 2 MiB fault replaces 512 small ones: with this package the
// same start took ~1,400 faults and about a fifth less CPU (see README,
// Performance).
//
// How: the runtime maps heap memory on demand, so advice on memory it has
// not mapped yet would be lost. init therefore allocates one Size buffer
// (mapping that much heap at once, without touching it), advises the
// 2 MiB-aligned span inside it, and collects it again at once, while the
// heap is still tiny: the runtime then hands the advised pages out to the
// allocations that follow.
//
// It does nothing where huge pages are "always" (nothing to gain) or
// "never", off Linux, with GODEBUG=disablethp=1 (the runtime's own switch
// against huge pages for the heap), or when GOMEMLIMIT is set (a Size
// buffer could be most of a small limit).
package startheap

import (
	"os"
	"runtime"
	"runtime/debug"
	"strings"
)

// Size is how much heap init advises: start-up and the first requests
// allocate well within it; later growth gets the kernel's default.
const Size = 32 << 20

// Advised reports the address range init advised; both zero when it
// advised nothing.
var Advised struct{ Start, End uintptr }

func init() {
	if !serving(os.Args[1:]) || !wanted(os.Getenv) {
		return
	}
	// With the collector on, allocating the buffer would start a cycle of
	// its own before the one below (two cycles: ~5 ms here, one: ~3 ms).
	percent := debug.SetGCPercent(-1)
	buf := make([]byte, Size)
	Advised.Start, Advised.End = adviseHuge(buf)
	buf = nil
	runtime.GC() // return the buffer's pages to the heap, advice kept
	debug.SetGCPercent(percent)
}

// serving reports whether the command line runs the server (stsim's
// default command): the others (a container's health check every few
// seconds, version, ops, help) allocate too little to gain from it.
func serving(args []string) bool {
	return len(args) == 0 || strings.HasPrefix(args[0], "-") || args[0] == "serve"
}

// wanted reports whether huge-page advice can help this process.
func wanted(getenv func(string) string) bool {
	if getenv("GOMEMLIMIT") != "" {
		return false
	}
	for _, setting := range strings.Split(getenv("GODEBUG"), ",") {
		if strings.TrimSpace(setting) == "disablethp=1" {
			return false
		}
	}
	return hugePagesOnAdvice()
}
