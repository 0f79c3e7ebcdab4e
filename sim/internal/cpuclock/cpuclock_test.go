package cpuclock

import (
	"crypto/sha256"
	"os"
	"testing"
)

// TestProcessCPUAdvancesWithWork: on Linux the clock reads /proc and counts
// the CPU this process burns.
func TestProcessCPUAdvancesWithWork(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc: the clock reports nothing here")
	}
	start, ok := processCPU()
	if !ok {
		t.Fatal("processCPU could not read /proc/self/stat")
	}
	sum := sha256.Sum256(nil)
	for i := 0; ; i++ { // hash until a 10 ms tick passes (a few million hashes at most)
		sum = sha256.Sum256(sum[:])
		if i%10000 != 0 {
			continue
		}
		now, ok := processCPU()
		if !ok || now < start {
			t.Fatalf("processCPU went from %v to %v (ok %v)", start, now, ok)
		}
		if now > start {
			return
		}
		if i > 50_000_000 {
			t.Fatalf("CPU time stayed at %v over %d hashes", start, i)
		}
	}
}
