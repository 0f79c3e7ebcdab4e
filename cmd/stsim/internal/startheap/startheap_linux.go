package startheap

import (
	"os"
	"strings"
	"syscall"
	"unsafe"
)

// hugePage is the size of an x86-64 / arm64 transparent huge page.
const hugePage = 2 << 20

// madvHugepage is MADV_HUGEPAGE (the syscall package does not name it).
const madvHugepage = 14

// thpSetting is where Linux says when it gives transparent huge pages.
const thpSetting = "/sys/kernel/mm/transparent_hugepage/enabled"

// hugePagesOnAdvice reports whether the kernel gives huge pages to memory
// advised MADV_HUGEPAGE and, by default, not to other memory.
func hugePagesOnAdvice() bool {
	data, err := os.ReadFile(thpSetting)
	return err == nil && strings.Contains(string(data), "[madvise]")
}

// adviseHuge advises the 2 MiB-aligned part of buf MADV_HUGEPAGE and
// returns it (zeros if the kernel refused).
func adviseHuge(buf []byte) (start, end uintptr) {
	p := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	start = (p + hugePage - 1) &^ (hugePage - 1)
	end = (p + uintptr(len(buf))) &^ (hugePage - 1)
	if end <= start {
		return 0, 0
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, start, end-start, madvHugepage); errno != 0 {
		return 0, 0
	}
	return start, end
}
