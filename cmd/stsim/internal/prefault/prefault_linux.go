package prefault

import (
	"runtime"
	"syscall"
	"unsafe"

	"github.com/stsim/stsim/cmd/stsim/internal/cmdline"
)

// madvPopulateRead is MADV_POPULATE_READ (Linux 5.14; package syscall
// does not name it): fault the range's pages in, as reads would.
const madvPopulateRead = 22

// inBinary is read-only data of the binary: its address finds the
// binary's mappings.
const inBinary = "stsim prefault"

func init() {
	godebug, _ := syscall.Getenv("GODEBUG")
	if !wanted(godebug, min(runtime.NumCPU(), runtime.GOMAXPROCS(0))) {
		close(Done)
		return
	}
	go populate() // even its reads of /proc cost the main thread ~0.3 ms
}

// populate faults the binary's read-only mappings in, when the process
// serves, and closes Done.
func populate() {
	defer close(Done)
	if !cmdline.Serving(splitArgs(readFile("/proc/self/cmdline", 4<<10))) {
		return
	}
	ranges := readOnlyMappings(readFile("/proc/self/maps", 64<<10), uintptr(unsafe.Pointer(unsafe.StringData(inBinary))))
	for _, r := range ranges {
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, r.start, r.end-r.start, madvPopulateRead); errno != 0 {
			Refused = true // before Linux 5.14: EINVAL
			return
		}
	}
}

// readFile reads up to limit bytes of a /proc file (nil on error).
func readFile(name string, limit int) []byte {
	fd, err := syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	defer syscall.Close(fd)
	buf := make([]byte, 0, limit)
	for len(buf) < limit {
		n, err := syscall.Read(fd, buf[len(buf):limit])
		if n <= 0 || err != nil {
			break
		}
		buf = buf[:len(buf)+n]
	}
	return buf
}
