package startheap

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestWanted: the user's switches turn the advice off; otherwise the
// kernel's setting decides.
func TestWanted(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	kernel := hugePagesOnAdvice()
	for _, tc := range []struct {
		vars map[string]string
		want bool
	}{
		{nil, kernel},
		{map[string]string{"GODEBUG": "gctrace=0"}, kernel},
		{map[string]string{"GOMEMLIMIT": "64MiB"}, false},
		{map[string]string{"GODEBUG": "disablethp=1"}, false},
		{map[string]string{"GODEBUG": "gctrace=1, disablethp=1"}, false},
		{map[string]string{"GODEBUG": "disablethp=0"}, kernel},
	} {
		if got := wanted(env(tc.vars)); got != tc.want {
			t.Errorf("wanted with %v = %v, want %v", tc.vars, got, tc.want)
		}
	}
}

// TestAdvisedHeapMayUseHugePages: where the kernel gives huge pages on
// advice, init left a 2 MiB-aligned heap range whose mapping carries the
// advice (VmFlags "hg" in /proc/self/smaps).
func TestAdvisedHeapMayUseHugePages(t *testing.T) {
	if !wanted(os.Getenv) {
		t.Skip("the kernel does not give huge pages on advice here, or GOMEMLIMIT/GODEBUG=disablethp=1 is set")
	}
	start, end := Advised.Start, Advised.End
	if start == 0 || end <= start || start%hugePage != 0 || end%hugePage != 0 {
		t.Fatalf("init advised [%#x, %#x), want a non-empty 2 MiB-aligned range", start, end)
	}
	if end-start < Size-2*hugePage {
		t.Errorf("advised %d bytes, want at least %d", end-start, Size-2*hugePage)
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	var covering bool // the current mapping contains start
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if lo, hi, ok := mappingRange(line); ok {
			covering = lo <= start && start < hi
			continue
		}
		if covering && strings.HasPrefix(line, "VmFlags:") {
			if !strings.Contains(" "+strings.TrimPrefix(line, "VmFlags:")+" ", " hg ") {
				t.Fatalf("the mapping holding the advised heap has %q, want the hg (huge page advice) flag", line)
			}
			return
		}
	}
	t.Fatalf("no mapping in /proc/self/smaps holds the advised address %#x", start)
}

// mappingRange parses a mapping's header line ("lo-hi perms ...").
func mappingRange(line string) (lo, hi uintptr, ok bool) {
	span, _, found := strings.Cut(line, " ")
	if !found {
		return 0, 0, false
	}
	a, b, found := strings.Cut(span, "-")
	if !found {
		return 0, 0, false
	}
	x, err1 := strconv.ParseUint(a, 16, 64)
	y, err2 := strconv.ParseUint(b, 16, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return uintptr(x), uintptr(y), true
}

// TestGapsHoldTheBufferHead: the buffer's pages below the advised range
// are held (gaps), so the heap's next allocations start in the advised
// range instead of in 4 KiB pages there: the last hold reaches the
// advised range from below it.
func TestGapsHoldTheBufferHead(t *testing.T) {
	if !wanted(os.Getenv) {
		t.Skip("the kernel does not give huge pages on advice here, or GOMEMLIMIT/GODEBUG=disablethp=1 is set")
	}
	if bufferStart == Advised.Start {
		t.Skip("the buffer started on a huge page boundary: nothing to hold")
	}
	if len(gaps) == 0 {
		t.Fatalf("no hold of the buffer's first pages [%#x, %#x)", bufferStart, Advised.Start)
	}
	last := gaps[len(gaps)-1]
	start := uintptr(unsafe.Pointer(unsafe.StringData(last.String())))
	if end := gapEnd(last); start >= Advised.Start || end < Advised.Start {
		t.Errorf("the last of %d holds is [%#x, %#x), want it to reach the advised range at %#x from below (buffer from %#x)", len(gaps), start, end, Advised.Start, bufferStart)
	}
}
