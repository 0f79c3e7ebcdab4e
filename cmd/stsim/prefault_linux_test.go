package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stsim/stsim/cmd/stsim/internal/prefault"
)

// prefaultChildEnv makes TestBinaryIsPrefaulted only report, in a child.
const prefaultChildEnv = "STSIM_TEST_PREFAULT_CHILD"

// TestBinaryIsPrefaulted: this test binary's command line serves, so
// package prefault's goroutine mapped every page of its read-only
// mappings (text, read-only data): their Rss in /proc/self/smaps is their
// whole size. A child of this binary started with GODEBUG=stsimprefault=0
// has well under all of them resident, so a prefault that maps nothing
// fails the test.
func TestBinaryIsPrefaulted(t *testing.T) {
	if os.Getenv(prefaultChildEnv) != "" {
		t.Logf("resident %.4f", residentBinary(t))
		return
	}
	if runtime.NumCPU() < 2 || runtime.GOMAXPROCS(0) < 2 || strings.Contains(os.Getenv("GODEBUG"), "stsimprefault=0") {
		t.Skip("one CPU, GOMAXPROCS=1 or GODEBUG=stsimprefault=0: no prefault")
	}
	select {
	case <-prefault.Done:
	case <-time.After(10 * time.Second):
		t.Fatal("the prefault goroutine has not returned after 10 s")
	}
	if prefault.Refused {
		t.Skip("the kernel refused MADV_POPULATE_READ (Linux before 5.14?)")
	}
	// All of it, less what the kernel may have reclaimed since.
	if got := residentBinary(t); got < 0.99 {
		t.Errorf("%.1f%% of the binary's read-only mappings resident, want all", 100*got)
	}

	child := exec.Command(os.Args[0], "-test.run=^TestBinaryIsPrefaulted$", "-test.v")
	child.Env = append(os.Environ(), prefaultChildEnv+"=1", "GODEBUG=stsimprefault=0")
	out, err := child.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`resident (\S+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("child did not report:\n%s", out)
	}
	if off, _ := strconv.ParseFloat(string(m[1]), 64); off >= 0.95 {
		t.Errorf("without the prefault %.1f%% of the binary's read-only mappings are resident too: this test cannot tell whether it works", 100*off)
	}
}

// residentBinary returns the share of the pages of this binary's
// read-only mappings that are mapped into the process (Rss over Size in
// /proc/self/smaps).
func residentBinary(t *testing.T) float64 {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	header := regexp.MustCompile(`^[0-9a-f]+-[0-9a-f]+ (\S+) \S+ \S+ \S+\s+(.*)$`)
	var mine bool // the current mapping is one of the binary's read-only ones
	var size, rss uint64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if m := header.FindStringSubmatch(line); m != nil {
			mine = !strings.Contains(m[1], "w") && strings.TrimSuffix(m[2], " (deleted)") == exe
			continue
		}
		if !mine {
			continue
		}
		for _, field := range []struct {
			name string
			sum  *uint64
		}{{"Size:", &size}, {"Rss:", &rss}} {
			if v, ok := strings.CutPrefix(line, field.name); ok {
				kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				if err != nil {
					t.Fatalf("smaps: %q: %v", line, err)
				}
				*field.sum += kb
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if size == 0 {
		t.Fatalf("no read-only mapping of %s in /proc/self/smaps", exe)
	}
	return float64(rss) / float64(size)
}
