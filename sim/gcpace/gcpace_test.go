package gcpace

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

const mib = 1 << 20

func TestHeadroom(t *testing.T) {
	for _, c := range []struct {
		name string
		live uint64
		rate float64
		want uint64
	}{
		{"idle small heap: GOGC=100", 10 * mib, 0, 10 * mib},
		{"slow allocation: GOGC=100", 10 * mib, 4 * mib, 10 * mib},
		{"small heap under load: one collection per Period", 10 * mib, 80 * mib, 40 * mib},
		{"heavy load: at most MaxHeadroom", 10 * mib, 1000 * mib, MaxHeadroom},
		{"100 MiB heap: MaxHeadroom, not the live heap", 100 * mib, 0, MaxHeadroom},
		{"100k customers (150 MiB): half the live heap", 150 * mib, 0, 75 * mib},
		{"huge heap: half of it", 1000 * mib, 0, 500 * mib},
	} {
		if got := Headroom(c.live, c.rate); got != c.want {
			t.Errorf("%s: Headroom(%d MiB, %.0f MiB/s) = %.1f MiB, want %d MiB", c.name, c.live/mib, c.rate/mib, float64(got)/mib, c.want/mib)
		}
	}
}

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		headroom, base uint64
		want           int
	}{
		{10 * mib, 10 * mib, 100},
		{64 * mib, 16 * mib, 400},
		{64 * mib, 256 * mib, 25},
		{1, 1 << 40, 1}, // never 0, which would collect continuously
		{1, 0, 100},
	} {
		if got := Percent(c.headroom, c.base); got != c.want {
			t.Errorf("Percent(%d, %d) = %d, want %d", c.headroom, c.base, got, c.want)
		}
	}
}

// TestStepRate: the allocation rate is measured between two steps.
func TestStepRate(t *testing.T) {
	t0 := time.Unix(1000, 0)
	p := &pacer{lastAlloc: 1000 * mib, lastTime: t0}
	// 200 MiB in one second on a 10 MiB heap (12 MiB with stacks and
	// globals): 100 MiB wanted, MaxHeadroom given.
	if got, want := p.step(snapshot{live: 10 * mib, stacks: mib, globals: mib, allocs: 1200 * mib}, t0.Add(time.Second)), 64*100/12; got != want {
		t.Errorf("loaded step: GOGC %d, want %d", got, want)
	}
	// Then 6 MiB in three seconds: idle, GOGC=100 over the live heap.
	if got, want := p.step(snapshot{live: 10 * mib, stacks: mib, globals: mib, allocs: 1206 * mib}, t0.Add(4*time.Second)), 10*100/12; got != want {
		t.Errorf("idle step: GOGC %d, want %d", got, want)
	}
}

// TestPacerFollowsCollections starts the real pacer: each collection sets
// the GOGC it computed, and stopping it restores GOGC=100 for good.
func TestPacerFollowsCollections(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	p := start()
	steps := make(chan int, 16)
	p.mu.Lock()
	p.adjusted = func() { steps <- p.percent }
	p.mu.Unlock()
	for range 2 {
		runtime.GC()
		select {
		case percent := <-steps:
			if got := debug.SetGCPercent(percent); got != percent {
				t.Fatalf("GOGC is %d after the pacer set %d", got, percent)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no pacer step after a collection")
		}
	}
	p.stop()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC %d after stop, want 100", got)
	}
	runtime.GC()
	runtime.GC()
	p.mu.Lock()
	defer p.mu.Unlock()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC %d after collections of a stopped pacer, want 100", got)
	}
}
