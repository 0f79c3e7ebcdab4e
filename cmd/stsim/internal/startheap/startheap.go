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
// allocations that follow. The buffer's pages below that span stay held
// (gaps), or they would be handed out first, as 4 KiB pages.
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
	"unsafe"

	"github.com/stsim/stsim/cmd/stsim/internal/cmdline"
)

// Size is how much heap init advises: start-up and the first requests
// allocate well within it; later growth gets the kernel's default.
const Size = 32 << 20

// Advised reports the address range init advised; both zero when it
// advised nothing.
var Advised struct{ Start, End uintptr }

func init() {
	if !cmdline.Serving(os.Args[1:]) || !wanted(os.Getenv) {
		return
	}
	// With the collector on, allocating the buffer would start a cycle of
	// its own before the one below (two cycles: ~5 ms here, one: ~3 ms).
	percent := debug.SetGCPercent(-1)
	buf := make([]byte, Size)
	bufferStart = uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	Advised.Start, Advised.End = adviseHuge(buf)
	buf = nil
	runtime.GC() // return the buffer's pages to the heap, advice kept
	holdHead()
	debug.SetGCPercent(percent)
}

// gaps hold, for good, the buffer's pages below the first huge page
// boundary in it (up to 2 MiB less a page; 1.5 MiB in one start). The
// heap hands out its lowest free pages first: left free, they went to the
// start's next allocations as 4 KiB pages (~380 page faults in that
// start) before any of the advised ones. The runtime does not touch them:
// they cost address space, not memory.
var gaps []*strings.Builder

// bufferStart is where the buffer began.
var bufferStart uintptr

// holdHead fills gaps. A hold lands on the lowest free pages that fit:
// the buffer's first ones, or a free run just below them (then a second
// hold takes what is left), or pages the collection gave a goroutine's
// stack are skipped (the hold then reaches as far into the advised range,
// holding untouched pages there instead).
func holdHead() {
	for range 4 {
		next := bufferStart
		if n := len(gaps); n > 0 {
			next = gapEnd(gaps[n-1])
		}
		if next >= Advised.Start {
			return
		}
		gaps = append(gaps, holdUnused(Advised.Start-next))
	}
}

// gapEnd is where a hold ends.
func gapEnd(b *strings.Builder) uintptr {
	return uintptr(unsafe.Pointer(unsafe.StringData(b.String()))) + uintptr(b.Cap())
}

// holdUnused allocates n bytes of heap the runtime does not zero
// (strings.Builder's Grow leaves them as the kernel gave them) and touches
// only its first byte, which says where it is: after the collection, the
// lowest free pages that fit, which are the buffer's first ones unless a
// gap the heap freed earlier fits n.
func holdUnused(n uintptr) *strings.Builder {
	b := new(strings.Builder)
	b.Grow(int(n))
	b.WriteByte(0)
	return b
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
