//go:build !linux

package startheap

// Huge-page advice is a Linux matter.
func hugePagesOnAdvice() bool { return false }

func adviseHuge([]byte) (start, end uintptr) { return 0, 0 }
