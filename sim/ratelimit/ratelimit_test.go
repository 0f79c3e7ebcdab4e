package ratelimit

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/clock"
)

var t0 = time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)

func newFrozen(window time.Duration) (*Limiter, *clock.Virtual) {
	clk := clock.NewFrozen(t0)
	return New(clk, window), clk
}

var (
	appA1 = Key{AppKey: "ak1.app-a", Tenant: 1}
	appB1 = Key{AppKey: "ak1.app-b", Tenant: 1}
	appA2 = Key{AppKey: "ak1.app-a", Tenant: 2}
)

// offer makes n requests of k with the given limit at the current time and
// returns how many were admitted and the last decision.
func offer(l *Limiter, k Key, limit, n int) (admitted int, last Decision) {
	for range n {
		last = l.Allow(k, limit)
		if last.Allowed {
			admitted++
		}
	}
	return admitted, last
}

func TestBurstAtOneInstant(t *testing.T) {
	for _, limit := range []int{1, 2, 5, DefaultLimit, 100} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			l, clk := newFrozen(time.Second)
			for i := range 2 * limit {
				d := l.Allow(appA1, limit)
				if i < limit {
					want := Decision{Allowed: true, Limit: limit, Remaining: limit - 1 - i}
					if d != want {
						t.Fatalf("request %d: got %+v, want %+v", i+1, d, want)
					}
					continue
				}
				want := Decision{Limit: limit, RetryAfter: time.Second}
				if d != want {
					t.Fatalf("request %d: got %+v, want %+v", i+1, d, want)
				}
			}

			clk.Advance(999 * time.Millisecond)
			if d := l.Allow(appA1, limit); d.Allowed || d.RetryAfter != time.Millisecond {
				t.Fatalf("after 999ms: got %+v, want refused with RetryAfter 1ms", d)
			}

			clk.Advance(time.Millisecond)
			got, last := offer(l, appA1, limit, 2*limit)
			if got != limit {
				t.Fatalf("after 1s: %d admitted, want %d", got, limit)
			}
			if last.RetryAfter != time.Second {
				t.Fatalf("after 1s: RetryAfter %v, want 1s", last.RetryAfter)
			}
		})
	}
}

// TestSlidingWindowProperty checks the limiter against the definition by brute
// force: (a) no sliding window ever holds more than limit admissions, and (b) a
// request is refused only if limit admissions really happened in the window
// before it. Together these say the limiter admits exactly what it should.
// It also checks Remaining and RetryAfter against the admission record.
func TestSlidingWindowProperty(t *testing.T) {
	const window = time.Second
	for _, tc := range []struct {
		limit int
		seed  int64
	}{
		{1, 1}, {3, 2}, {10, 3}, {DefaultLimit, 4}, {DefaultLimit, 5}, {DefaultLimit, 6}, {200, 7},
	} {
		t.Run(fmt.Sprintf("limit=%d/seed=%d", tc.limit, tc.seed), func(t *testing.T) {
			rng := rand.New(rand.NewSource(tc.seed))
			arrivals := burstyArrivals(rng, 10*time.Second, tc.limit)
			l, clk := newFrozen(window)

			var admitted []time.Duration // offsets from t0, in order
			// inWindow counts admissions in (at-window, at].
			inWindow := func(at time.Duration) int {
				lo := sort.Search(len(admitted), func(i int) bool { return admitted[i] > at-window })
				hi := sort.Search(len(admitted), func(i int) bool { return admitted[i] > at })
				return hi - lo
			}
			refused := 0
			for _, at := range arrivals {
				clk.Set(t0.Add(at))
				d := l.Allow(appA1, tc.limit)
				if d.Allowed {
					admitted = append(admitted, at)
					if n := inWindow(at); n > tc.limit {
						t.Fatalf("at %v: %d admissions in the window, limit %d", at, n, tc.limit)
					} else if d.Remaining != tc.limit-n {
						t.Fatalf("at %v: Remaining %d, want %d", at, d.Remaining, tc.limit-n)
					}
					continue
				}
				refused++
				if n := inWindow(at); n != tc.limit {
					t.Fatalf("at %v: refused with only %d admissions in the window, limit %d", at, n, tc.limit)
				}
				// The refusal lasts until the limit-th newest admission leaves.
				want := admitted[len(admitted)-tc.limit] + window - at
				if d.RetryAfter != want {
					t.Fatalf("at %v: RetryAfter %v, want %v", at, d.RetryAfter, want)
				}
			}
			// (a) over every window, not only those ending at an admission:
			// the maximum is always reached at a window ending at one.
			for i, at := range admitted {
				if n := inWindow(at); n > tc.limit {
					t.Fatalf("admission %d at %v: %d in the window, limit %d", i, at, n, tc.limit)
				}
			}
			if refused == 0 || len(admitted) < tc.limit {
				t.Fatalf("test load too light: %d admitted, %d refused", len(admitted), refused)
			}
			t.Logf("%d offered, %d admitted, %d refused", len(arrivals), len(admitted), refused)
		})
	}
}

// burstyArrivals returns sorted arrival offsets over span: a background load
// around the limit plus bursts of several times the limit, many of them at
// the very same instant.
func burstyArrivals(rng *rand.Rand, span time.Duration, limit int) []time.Duration {
	var out []time.Duration
	// Background: about limit/2 per second, uniformly spread.
	for range int(span/time.Second) * max(limit/2, 1) {
		out = append(out, time.Duration(rng.Int63n(int64(span))))
	}
	// Bursts: 20 of them, each up to 3×limit requests within ≤ 50ms, some
	// at a single instant, some on a coarse millisecond grid.
	for range 20 {
		start := time.Duration(rng.Int63n(int64(span)))
		n := 1 + rng.Intn(3*limit)
		switch rng.Intn(3) {
		case 0:
			for range n {
				out = append(out, start)
			}
		case 1:
			for range n {
				out = append(out, start+time.Duration(rng.Intn(50))*time.Millisecond)
			}
		default:
			for range n {
				out = append(out, start+time.Duration(rng.Int63n(int64(50*time.Millisecond))))
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func TestEvenOverload(t *testing.T) {
	// 120 requests per second, evenly spaced, for 5 seconds, against 60/s.
	const rate, seconds = 120, 5
	l, clk := newFrozen(time.Second)
	perSecond := make([]int, seconds)
	for i := range rate * seconds {
		at := time.Duration(int64(i) * int64(time.Second) / rate)
		clk.Set(t0.Add(at))
		if l.Allow(appA1, DefaultLimit).Allowed {
			perSecond[at/time.Second]++
		}
	}
	for s, n := range perSecond {
		if n != DefaultLimit {
			t.Errorf("second %d: %d admitted, want %d (all: %v)", s, n, DefaultLimit, perSecond)
		}
	}
}

func TestIndependentKeys(t *testing.T) {
	l, _ := newFrozen(time.Second)
	if n, _ := offer(l, appA1, DefaultLimit, 100); n != DefaultLimit {
		t.Fatalf("app A on tenant 1: %d admitted, want %d", n, DefaultLimit)
	}
	for _, k := range []Key{appB1, appA2} {
		if n, _ := offer(l, k, DefaultLimit, 100); n != DefaultLimit {
			t.Errorf("%+v: %d admitted after app A on tenant 1 was exhausted, want %d", k, n, DefaultLimit)
		}
	}
	if d := l.Allow(appA1, DefaultLimit); d.Allowed {
		t.Errorf("app A on tenant 1 admitted again: %+v", d)
	}
}

func TestLimitChanges(t *testing.T) {
	ms := time.Millisecond
	type step struct {
		at      time.Duration // since t0
		limit   int
		offered int
		want    int           // admitted
		retry   time.Duration // RetryAfter of the last request if refused
	}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"lowered with room left", []step{
			{0, 60, 3, 3, 0},
			{0, 5, 10, 2, time.Second},
			{0, 60, 100, 55, time.Second},
		}},
		{"lowered while over the new limit", []step{
			{0, 60, 60, 60, time.Second},
			{100 * ms, 5, 1, 0, 900 * ms},
			{200 * ms, 60, 1, 0, 800 * ms}, // raising it back does not forget the 60
			{1000 * ms, 5, 10, 5, time.Second},
			{1000 * ms, 60, 100, 55, time.Second},
		}},
		{"raised", []step{
			{0, 5, 10, 5, time.Second},
			{500 * ms, 60, 100, 55, 500 * ms},
			{1000 * ms, 60, 100, 5, 500 * ms},
			{1500 * ms, 60, 100, 55, 500 * ms},
		}},
		{"lowered to 1 and unlimited", []step{
			{0, 60, 30, 30, 0},
			{0, 0, 1000, 1000, 0},
			{0, 60, 100, 30, time.Second},
			{999 * ms, 1, 1, 0, ms},
			{1000 * ms, 1, 3, 1, time.Second},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, clk := newFrozen(time.Second)
			for i, s := range tc.steps {
				clk.Set(t0.Add(s.at))
				got, last := offer(l, appA1, s.limit, s.offered)
				if got != s.want {
					t.Fatalf("step %d: %d admitted, want %d", i, got, s.want)
				}
				if !last.Allowed && last.RetryAfter != s.retry {
					t.Fatalf("step %d: RetryAfter %v, want %v", i, last.RetryAfter, s.retry)
				}
			}
		})
	}
}

func TestRingShrinksAfterLimitLowered(t *testing.T) {
	l, clk := newFrozen(time.Second)
	offer(l, appA1, 60, 60)
	ringLen := func() int {
		v, _ := l.keys.Load(appA1)
		b := v.(*bucket)
		b.mu.Lock()
		defer b.mu.Unlock()
		return len(b.ring)
	}
	if n := ringLen(); n != 60 {
		t.Fatalf("ring holds %d, want 60", n)
	}
	clk.Advance(500 * time.Millisecond)
	offer(l, appA1, 5, 1) // the 60 are still in the window: keep them all
	if n := ringLen(); n != 60 {
		t.Fatalf("ring shrank to %d while its entries were in the window", n)
	}
	clk.Advance(500 * time.Millisecond)
	if n, _ := offer(l, appA1, 5, 10); n != 5 {
		t.Fatalf("%d admitted, want 5", n)
	}
	if n := ringLen(); n != 5 {
		t.Fatalf("ring holds %d after the old entries left the window, want 5", n)
	}
}

func TestRingGrowsOnDemand(t *testing.T) {
	l, _ := newFrozen(time.Second)
	const huge = 1 << 40 // a ring this large could not be allocated
	if n, _ := offer(l, appA1, huge, 1000); n != 1000 {
		t.Fatalf("%d admitted, want 1000", n)
	}
	v, _ := l.keys.Load(appA1)
	if c := len(v.(*bucket).ring); c > 2048 {
		t.Fatalf("ring capacity %d for 1000 admissions", c)
	}
	if d := l.Allow(appA1, 1<<62); !d.Allowed || d.Remaining != 1<<62-1001 {
		t.Fatalf("got %+v", d)
	}
}

func TestUnlimited(t *testing.T) {
	l, _ := newFrozen(time.Second)
	for _, limit := range []int{0, -1} {
		d := l.Allow(appA1, limit)
		if want := (Decision{Allowed: true}); d != want || !d.Unlimited() {
			t.Fatalf("limit %d: got %+v, want %+v", limit, d, want)
		}
	}
	offer(l, appA1, 0, 1000)
	if l.Len() != 0 {
		t.Fatalf("unlimited requests created %d keys", l.Len())
	}
	if n, _ := offer(l, appA1, 60, 100); n != 60 {
		t.Fatalf("%d admitted after unlimited requests, want 60", n)
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want int
	}{
		{-time.Hour, 1},
		{-1, 1},
		{0, 1},
		{1, 1},
		{999 * time.Millisecond, 1},
		{time.Second, 1},
		{time.Second + 1, 2},
		{1001 * time.Millisecond, 2},
		{2 * time.Second, 2},
		{59*time.Second + 1, 60},
		{time.Hour, 3600},
		{math.MaxInt64, int(math.MaxInt64/time.Second) + 1},
	} {
		if got := RetryAfterSeconds(tc.d); got != tc.want {
			t.Errorf("RetryAfterSeconds(%v) = %d, want %d", tc.d, got, tc.want)
		}
	}
}

func TestClockGoesBackwards(t *testing.T) {
	l, clk := newFrozen(time.Second)
	clk.Set(t0.Add(time.Hour))
	offer(l, appA1, 60, 40)
	clk.Advance(600 * time.Millisecond)
	offer(l, appA1, 60, 20)

	// An hour back: the log moves with the clock, so the key is exactly as
	// throttled as it was right after its last admission.
	clk.Set(t0)
	if d := l.Allow(appA1, 60); d.Allowed || d.RetryAfter != 400*time.Millisecond {
		t.Fatalf("after going back: got %+v, want refused for 400ms", d)
	}
	clk.Advance(400 * time.Millisecond)
	if n, d := offer(l, appA1, 60, 60); n != 40 || d.RetryAfter != 600*time.Millisecond {
		t.Fatalf("%d admitted (want 40), last %+v", n, d)
	}
	clk.Advance(600 * time.Millisecond)
	if n, _ := offer(l, appA1, 60, 60); n != 20 {
		t.Fatalf("%d admitted, want 20", n)
	}
	// A small step back behaves the same way.
	clk.Advance(-time.Millisecond)
	if d := l.Allow(appA1, 60); d.Allowed || d.RetryAfter != 400*time.Millisecond {
		t.Fatalf("after stepping back 1ms: got %+v", d)
	}
}

func TestHugeClockJumps(t *testing.T) {
	l, clk := newFrozen(time.Second)
	var prev time.Time
	for i, at := range []time.Time{
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		t0,
		t0.Add(200 * 365 * 24 * time.Hour),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		t0.Add(maxOffset - 500*time.Millisecond),
		t0.Add(maxOffset + 1),
		time.Unix(0, 0),
	} {
		// The key is full when the clock jumps. Forwards, all of that has
		// left the window; backwards, the key is exactly as throttled as it
		// was right after its last admission.
		clk.Set(at)
		want, retry := DefaultLimit, time.Second
		if i > 0 && at.Before(prev) {
			want = 0
		}
		if n, d := offer(l, appA1, DefaultLimit, 100); n != want || d.RetryAfter != retry {
			t.Fatalf("jump %d to %v: %d admitted (want %d), last %+v", i, at, n, want, d)
		}
		clk.Advance(time.Second)
		if n, d := offer(l, appA1, DefaultLimit, 100); n != DefaultLimit || d.RetryAfter != time.Second {
			t.Fatalf("a second after %v: %d admitted (want %d), last %+v", at, n, DefaultLimit, d)
		}
		prev = clk.Now()
	}
}

// TestRebaseKeepsWindow crosses the point where a bucket rebases its epoch
// while admissions are still inside the window.
func TestRebaseKeepsWindow(t *testing.T) {
	l, clk := newFrozen(time.Second)
	l.Allow(appA1, 60) // sets the epoch at t0
	clk.Set(t0.Add(maxOffset - 500*time.Millisecond))
	if n, _ := offer(l, appA1, 60, 30); n != 30 {
		t.Fatalf("%d admitted, want 30", n)
	}
	clk.Set(t0.Add(maxOffset + 200*time.Millisecond))
	if n, d := offer(l, appA1, 60, 100); n != 30 || d.RetryAfter != 300*time.Millisecond {
		t.Fatalf("after rebase: %d admitted (want 30), last %+v", n, d)
	}
	clk.Advance(300 * time.Millisecond)
	if n, d := offer(l, appA1, 60, 100); n != 30 || d.RetryAfter != 700*time.Millisecond {
		t.Fatalf("%d admitted (want 30), last %+v", n, d)
	}

	// Again with a wrapped ring holding an admission that can never count
	// again, then the clock set back to check the gaps survived.
	ms := time.Millisecond
	l, clk = newFrozen(time.Second)
	for _, s := range []struct {
		at             time.Duration
		offered, want  int
		lastRetryAfter time.Duration
	}{
		{0, 2, 2, 0},                         // epoch at t0; [0 0]
		{maxOffset - 1700*ms, 2, 2, 0},       // [0 0 A A]
		{maxOffset - 600*ms, 2, 2, 0},        // [A A B B], wrapped; A has left for good
		{maxOffset + 300*ms, 3, 2, 100 * ms}, // rebase: A pinned; [B B C C]
		{maxOffset + 350*ms, 1, 0, 50 * ms},
		{-time.Hour, 1, 0, 100 * ms},          // back: C at now, B 900ms before
		{-time.Hour + 100*ms, 3, 2, 900 * ms}, // B has left; [C C D D]
	} {
		clk.Set(t0.Add(s.at))
		n, d := offer(l, appA1, 4, s.offered)
		if n != s.want || d.RetryAfter != s.lastRetryAfter {
			t.Fatalf("at %v: %d admitted (want %d), last %+v (want RetryAfter %v)", s.at, n, s.want, d, s.lastRetryAfter)
		}
	}
}

func TestResets(t *testing.T) {
	l, _ := newFrozen(time.Second)
	keys := []Key{appA1, appB1, appA2, {AppKey: "ak1.app-c", Tenant: 3}}
	exhaust := func() {
		for _, k := range keys {
			offer(l, k, 10, 10)
		}
	}
	admitted := func(k Key) bool { return l.Allow(k, 10).Allowed }

	exhaust()
	l.Reset(appA1)
	if !admitted(appA1) || admitted(appB1) || admitted(appA2) {
		t.Fatal("Reset(appA1) did not reset exactly appA1")
	}
	l.Reset(Key{AppKey: "nobody", Tenant: 9}) // unknown key: no-op

	exhaust()
	l.ResetTenant(1)
	if !admitted(appA1) || !admitted(appB1) || admitted(appA2) || admitted(keys[3]) {
		t.Fatal("ResetTenant(1) did not reset exactly tenant 1")
	}
	if l.Len() != 4 {
		t.Fatalf("Len %d, want 4", l.Len())
	}

	exhaust()
	l.ResetAll()
	if l.Len() != 0 {
		t.Fatalf("Len %d after ResetAll", l.Len())
	}
	for _, k := range keys {
		if n, _ := offer(l, k, 10, 20); n != 10 {
			t.Fatalf("%+v: %d admitted after ResetAll, want 10", k, n)
		}
	}
}

func TestSweep(t *testing.T) {
	l, clk := newFrozen(time.Second)
	offer(l, appA1, 60, 60)
	clk.Advance(500 * time.Millisecond)
	offer(l, appB1, 60, 60)
	if n := l.Sweep(); n != 0 || l.Len() != 2 {
		t.Fatalf("swept %d at once, %d left", n, l.Len())
	}
	clk.Advance(499 * time.Millisecond)
	if n := l.Sweep(); n != 0 {
		t.Fatalf("swept %d keys with admissions in the window", n)
	}
	clk.Advance(time.Millisecond) // appA1's admissions have all left
	if n := l.Sweep(); n != 1 || l.Len() != 1 {
		t.Fatalf("swept %d, %d left; want 1, 1", n, l.Len())
	}
	if d := l.Allow(appB1, 60); d.Allowed {
		t.Fatalf("appB1 admitted after sweep: %+v", d)
	}
	clk.Advance(500 * time.Millisecond)
	if n := l.Sweep(); n != 1 || l.Len() != 0 {
		t.Fatalf("swept %d, %d left; want 1, 0", n, l.Len())
	}

	// A key last used in the "future" of a clock set back is kept (its next
	// use will shift it to now) until it is used again and then idle for a
	// window, or until the clock passes it by a window.
	clk.Set(t0.Add(time.Hour))
	offer(l, appA1, 60, 1)
	offer(l, appB1, 60, 1)
	clk.Set(t0)
	for range 2 {
		if n := l.Sweep(); n != 0 {
			t.Fatalf("swept %d after the clock went back", n)
		}
		clk.Advance(time.Second)
	}
	if d := l.Allow(appA1, 1); d.Allowed || d.RetryAfter != time.Second {
		t.Fatalf("after the clock went back: got %+v, want refused for 1s", d)
	}
	clk.Advance(time.Second)
	if n := l.Sweep(); n != 1 || l.Len() != 1 {
		t.Fatalf("swept %d, %d left; want 1, 1", n, l.Len())
	}
	clk.Set(t0.Add(time.Hour + time.Second))
	if n := l.Sweep(); n != 1 || l.Len() != 0 {
		t.Fatalf("swept %d, %d left; want 1, 0", n, l.Len())
	}
}

func TestRunSweeper(t *testing.T) {
	l, clk := newFrozen(time.Second)
	offer(l, appA1, 60, 1)
	clk.Advance(time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		l.RunSweeper(ctx, time.Millisecond)
		close(done)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for l.Len() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("RunSweeper did not sweep")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	l.RunSweeper(ctx, 0) // default interval; returns at once
}

func TestNewDefaults(t *testing.T) {
	if w := New(nil, 0).Window(); w != DefaultWindow {
		t.Errorf("window %v, want %v", w, DefaultWindow)
	}
	if w := New(clock.Real{}, -time.Second).Window(); w != DefaultWindow {
		t.Errorf("window %v, want %v", w, DefaultWindow)
	}
	if w := New(clock.Real{}, 1<<62).Window(); w != maxWindow {
		t.Errorf("window %v, want %v", w, time.Duration(maxWindow))
	}
	if d := New(nil, 0).Allow(appA1, 1); !d.Allowed {
		t.Errorf("real clock: got %+v", d)
	}
}

// TestConcurrentExact hammers a few keys from 100 goroutines with the clock
// frozen: each key must admit exactly its limit. Sweeps and resets of other
// keys run alongside. Run it with -race.
func TestConcurrentExact(t *testing.T) {
	const goroutines, perKey, rounds = 100, 30, 3
	keys := []Key{appA1, appB1, appA2, {AppKey: "ak1.app-c", Tenant: 1}}
	limits := []int{60, 1, 60, 17}
	bystander := Key{AppKey: "bystander", Tenant: 99}
	l, clk := newFrozen(time.Second)
	for round := range rounds {
		// All keys are idle now (after round 0), so the sweeper can evict
		// them while the workers race to use them.
		counts := make([]atomic.Int64, len(keys))
		var wg sync.WaitGroup
		stop := make(chan struct{})
		var side sync.WaitGroup
		side.Add(1)
		go func() {
			defer side.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				l.Sweep()
				l.Allow(bystander, 5)
				l.Reset(bystander)
				l.ResetTenant(99)
			}
		}()
		for g := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range perKey * len(keys) {
					j := (g + i) % len(keys)
					if l.Allow(keys[j], limits[j]).Allowed {
						counts[j].Add(1)
					}
				}
			}()
		}
		wg.Wait()
		close(stop)
		side.Wait()
		for j := range keys {
			if got := counts[j].Load(); got != int64(limits[j]) {
				t.Errorf("round %d, key %+v: %d admitted, want %d", round, keys[j], got, limits[j])
			}
		}
		clk.Advance(time.Second)
	}
}

// TestAllowRetriesDroppedBucket makes Allow find a bucket that is dropped
// while it waits for the bucket's lock: it must not record the admission in
// the dropped bucket (which would be lost) but look the key up again.
func TestAllowRetriesDroppedBucket(t *testing.T) {
	l, _ := newFrozen(time.Second)
	l.Allow(appA1, 1) // the key is now full
	v, _ := l.keys.Load(appA1)
	b := v.(*bucket)
	b.mu.Lock()
	done := make(chan Decision)
	go func() { done <- l.Allow(appA1, 1) }()
	time.Sleep(20 * time.Millisecond) // let Allow find b and wait for its lock
	b.dead = true                     // as Reset does, under b's lock
	l.keys.CompareAndDelete(appA1, b)
	b.mu.Unlock()
	if d := <-done; !d.Allowed {
		t.Fatalf("after reset: got %+v", d)
	}
	if v, _ := l.keys.Load(appA1); v == b {
		t.Fatal("the dropped bucket is back in the map")
	}
	if d := l.Allow(appA1, 1); d.Allowed {
		t.Fatalf("admission was lost: got %+v", d)
	}
}

// model is an obviously correct sliding log with the limiter's documented
// semantics, used to check the limiter exactly. It keeps a key's admissions
// that are later than its newest admission minus the window (older ones can
// never count again) and, when the clock has gone back before a key's newest
// admission, shifts the key's whole log so that admission is at the new now.
type model struct {
	window int64
	logs   map[Key][]int64 // admission times, oldest first
}

func (m *model) allow(k Key, now int64, limit int) Decision {
	if limit <= 0 {
		return Decision{Allowed: true}
	}
	log := m.logs[k]
	if n := len(log); n > 0 && now < log[n-1] {
		shift := now - log[n-1]
		for i := range log {
			log[i] += shift
		}
	}
	cutoff := now - m.window
	var inWindow []int64
	for _, e := range log {
		if e > cutoff {
			inWindow = append(inWindow, e)
		}
	}
	if len(inWindow) >= limit {
		return Decision{Limit: limit, RetryAfter: time.Duration(inWindow[len(inWindow)-limit] - cutoff)}
	}
	// now is the newest admission: drop those that can never count again.
	m.logs[k] = append(inWindow, now)
	return Decision{Allowed: true, Limit: limit, Remaining: limit - len(inWindow) - 1}
}

// sweep drops the keys whose admissions have all left the window at now.
func (m *model) sweep(now int64) {
	for k, log := range m.logs {
		if len(log) == 0 || log[len(log)-1] <= now-m.window {
			delete(m.logs, k)
		}
	}
}

var fuzzKeys = []Key{appA1, appB1, appA2, {AppKey: "ak1.app-b", Tenant: 2}}

// fuzzAnchors are far-apart instants (offsets from t0) the fuzzer can jump to.
var fuzzAnchors = []int64{0, -maxOffset, maxOffset - int64(time.Second), maxOffset + 1, 1 << 62, -(1 << 62), int64(time.Hour)}

// runOps interprets ops, three bytes per operation, against a limiter and the
// model, failing on the first difference or broken invariant.
func runOps(t *testing.T, window time.Duration, ops []byte) {
	clk := clock.NewFrozen(t0)
	l := New(clk, window)
	m := &model{window: int64(window), logs: map[Key][]int64{}}
	var now int64 // offset from t0
	for i := 0; i+3 <= len(ops); i += 3 {
		k := fuzzKeys[ops[i]&3]
		kind := ops[i] >> 2 // 0..63
		now += int64(int8(ops[i+1])) * int64(time.Millisecond) * 16
		limit := int(ops[i+2]%10) - 1 // -1..8
		switch {
		case kind == 0:
			l.Reset(k)
			delete(m.logs, k)
			continue
		case kind == 1:
			l.ResetTenant(k.Tenant)
			for mk := range m.logs {
				if mk.Tenant == k.Tenant {
					delete(m.logs, mk)
				}
			}
			continue
		case kind == 2:
			l.ResetAll()
			clear(m.logs)
			continue
		case kind <= 4:
			now = fuzzAnchors[int(ops[i+1])%len(fuzzAnchors)]
		}
		clk.Set(t0.Add(time.Duration(now)))
		if kind <= 6 {
			l.Sweep()
			m.sweep(now)
			if got, want := l.Len(), len(m.logs); got != want {
				t.Fatalf("op %d: %d keys after Sweep, want %d", i/3, got, want)
			}
			continue
		}
		got := l.Allow(k, limit)
		want := m.allow(k, now, limit)
		if got != want {
			t.Fatalf("op %d: Allow(%+v, %d) at %v = %+v, want %+v", i/3, k, limit, time.Duration(now), got, want)
		}
		if limit > 0 {
			if got.Allowed && (got.Remaining < 0 || got.Remaining >= limit || got.RetryAfter != 0) {
				t.Fatalf("op %d: bad admission %+v", i/3, got)
			}
			if !got.Allowed && (got.Remaining != 0 || got.RetryAfter <= 0 || got.RetryAfter > window) {
				t.Fatalf("op %d: bad refusal %+v", i/3, got)
			}
			if n := len(m.logs[k]); n > limit && got.Allowed {
				t.Fatalf("op %d: %d admissions in the window, limit %d", i/3, n, limit)
			}
		}
	}
}

func TestModelScripted(t *testing.T) {
	const allowA, allowB, sweep, jump = 7 << 2, 7<<2 | 1, 5 << 2, 3 << 2
	var ops []byte
	for range 12 {
		ops = append(ops, allowA, 0, 6) // limit 5
	}
	for range 10 {
		ops = append(ops, allowB, 8, 9)     // +128ms, limit 8
		ops = append(ops, allowA, 0xf8, 6)  // -128ms
		ops = append(ops, sweep, 40, 0)     // +640ms
		ops = append(ops, jump, 3, 0)       // to just before the rebase point
		ops = append(ops, allowA, 1, 3)     // limit 2
		ops = append(ops, allowA, 60, 3)    // +960ms, crossing it
		ops = append(ops, allowA, 0x80, 9)  // -2048ms
		ops = append(ops, 0<<2|1, 0, 0)     // Reset(appB1)
		ops = append(ops, allowB, 0, 0)     // unlimited
		ops = append(ops, 1<<2|2, 0, 0)     // ResetTenant(2)
		ops = append(ops, jump, 5, 0)       // to -2^62
		ops = append(ops, allowA, 0, 1)     // limit 0
		ops = append(ops, allowA, 0, 2)     // limit 1
		ops = append(ops, jump, 4, 0)       // to 2^62
		ops = append(ops, allowA+2, 255, 4) // appA2, -16ms, limit 3
	}
	for _, w := range []time.Duration{time.Second, 100 * time.Millisecond, 2 * time.Second} {
		runOps(t, w, ops)
	}
}

func TestModelRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(42))
	for range 200 {
		ops := make([]byte, 3*rng.Intn(500))
		rng.Read(ops)
		// Mostly small steps forward, to build up bursts.
		for i := 1; i < len(ops); i += 3 {
			if rng.Intn(4) > 0 {
				ops[i] %= 4
			}
		}
		runOps(t, time.Duration(1+rng.Intn(2000))*time.Millisecond, ops)
	}
}

// FuzzAllow feeds operation sequences (which key, a time step that may be
// negative or a jump across decades, a limit that may be unlimited, plus
// sweeps and resets) to the limiter and checks every decision against the
// model, and the invariants: never more than limit in a window, a refusal
// always has a positive RetryAfter within the window, no panic.
func FuzzAllow(f *testing.F) {
	f.Add(uint16(1000), []byte{28, 0, 6, 28, 0, 6, 28, 0, 6, 28, 0, 6, 28, 0, 6, 28, 0, 6, 28, 62, 6, 28, 2, 6})
	f.Add(uint16(999), []byte{29, 1, 9, 28, 0xf8, 6, 20, 40, 0, 12, 3, 0, 28, 1, 3, 28, 60, 3, 28, 0x80, 9})
	f.Add(uint16(50), []byte{30, 5, 2, 30, 5, 2, 30, 0xfb, 2, 31, 0, 0, 4, 0, 0, 8, 0, 0, 16, 4, 0, 31, 0, 3})
	f.Fuzz(func(t *testing.T, windowMs uint16, ops []byte) {
		if len(ops) > 3*2000 {
			ops = ops[:3*2000]
		}
		runOps(t, time.Duration(windowMs%2000+1)*time.Millisecond, ops)
	})
}

func BenchmarkAllow(b *testing.B) {
	b.Run("single-key/real-clock", func(b *testing.B) {
		// Mostly refusals: 60 admissions per second of a far higher rate.
		l := New(clock.Real{}, time.Second)
		for b.Loop() {
			l.Allow(appA1, DefaultLimit)
		}
	})
	b.Run("single-key/frozen-clock", func(b *testing.B) {
		// The limiter's own cost: a frozen clock is cheaper to read than
		// the real one (time.Now costs ~20ns on bare metal, more on VMs).
		l := New(clock.NewFrozen(t0), time.Second)
		for b.Loop() {
			l.Allow(appA1, DefaultLimit)
		}
	})
	b.Run("single-key/admit", func(b *testing.B) {
		// Every request admitted: the clock advances 1/60 s per request,
		// so the ring is full and each admission replaces the oldest.
		clk := clock.NewFrozen(t0)
		l := New(clk, time.Second)
		for b.Loop() {
			clk.Advance(time.Second/DefaultLimit + 1)
			if !l.Allow(appA1, DefaultLimit).Allowed {
				b.Fatal("refused")
			}
		}
	})
	b.Run("many-keys/real-clock", func(b *testing.B) {
		keys := benchKeys(1024)
		l := New(clock.Real{}, time.Second)
		i := 0
		for b.Loop() {
			l.Allow(keys[i&1023], DefaultLimit)
			i++
		}
	})
}

func BenchmarkAllowParallel(b *testing.B) {
	keys := benchKeys(1024)
	b.Run("many-keys", func(b *testing.B) {
		l := New(clock.Real{}, time.Second)
		var seed atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			i := int(seed.Add(7919))
			for pb.Next() {
				l.Allow(keys[i&1023], DefaultLimit)
				i++
			}
		})
	})
	b.Run("one-key", func(b *testing.B) {
		l := New(clock.Real{}, time.Second)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				l.Allow(appA1, DefaultLimit)
			}
		})
	})
}

func benchKeys(n int) []Key {
	keys := make([]Key, n)
	for i := range keys {
		keys[i] = Key{AppKey: fmt.Sprintf("ak1.app-%d", i%37), Tenant: int64(1000 + i)}
	}
	return keys
}

func TestUsageCountsAdmissionsInTheWindow(t *testing.T) {
	clk := clock.NewFrozen(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	l := New(clk, time.Second)
	a, b := Key{AppKey: "a", Tenant: 2}, Key{AppKey: "b", Tenant: 1}
	for range 3 {
		l.Allow(a, 10)
	}
	l.Allow(b, 10)
	got := l.Usage()
	if len(got) != 2 || got[0] != (Usage{b, 1}) || got[1] != (Usage{a, 3}) {
		t.Fatalf("Usage = %+v", got)
	}
	clk.Advance(1500 * time.Millisecond)
	l.Allow(a, 10)
	if got := l.Usage(); len(got) != 1 || got[0] != (Usage{a, 1}) {
		t.Fatalf("after the window moved: %+v", got)
	}
	if d := l.Allow(a, 2); !d.Allowed || d.Remaining != 0 {
		t.Fatalf("Usage changed a decision: %+v", d)
	}
}
