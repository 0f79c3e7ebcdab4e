package clock

import (
	"testing"
	"time"
)

func TestFrozenAdvanceSetResume(t *testing.T) {
	start := time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC)
	c := NewFrozen(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("frozen Now = %v, want %v", got, start)
	}
	c.Advance(16 * time.Minute)
	if got, want := c.Now(), start.Add(16*time.Minute); !got.Equal(want) {
		t.Fatalf("after Advance Now = %v, want %v", got, want)
	}
	later := start.Add(48 * time.Hour)
	c.Set(later)
	if !c.Now().Equal(later) {
		t.Fatalf("after Set Now = %v, want %v", c.Now(), later)
	}
	c.Resume()
	if c.Frozen() {
		t.Fatal("Resume left the clock frozen")
	}
	if d := c.Now().Sub(later); d < 0 || d > time.Second {
		t.Fatalf("resumed clock is %v from where it was frozen", d)
	}
}

func TestRunningAdvanceKeepsOffset(t *testing.T) {
	c := NewVirtual()
	c.Advance(time.Hour)
	if d := time.Until(c.Now()); d < 59*time.Minute || d > 61*time.Minute {
		t.Fatalf("running clock offset = %v, want about 1h", d)
	}
	frozenAt := c.Freeze()
	if !c.Now().Equal(frozenAt) {
		t.Fatal("Freeze did not stop the clock")
	}
}

// TestAtReadsTheClockAtAGivenWallInstant: a running clock's reading at a
// wall instant is that instant plus its offset; a frozen clock's is its
// frozen instant.
func TestAtReadsTheClockAtAGivenWallInstant(t *testing.T) {
	wall := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	running := NewVirtual()
	running.Advance(90 * time.Minute)
	if got, want := running.At(wall), wall.Add(90*time.Minute); !got.Equal(want) {
		t.Errorf("running clock At = %v, want %v", got, want)
	}
	frozenAt := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tenants := NewTenants(NewFrozen(frozenAt))
	if got := tenants.At(7, wall); !got.Equal(frozenAt) {
		t.Errorf("frozen clock At = %v, want %v", got, frozenAt)
	}
	own := FromState(tenants.Global.State()) // a tenant's own clock starts where the global one is
	own.Advance(time.Hour)
	tenants.SetOwn(8, own.State())
	if got, want := tenants.At(8, wall), frozenAt.Add(time.Hour); !got.Equal(want) {
		t.Errorf("a tenant's own clock At = %v, want %v", got, want)
	}
}

// TestNowFollowsAMoveThatReturned: a Set that returns while a Now is
// reading the wall clock must not leave that Now behind the time it set.
// The test's wall clock runs the Set from inside Now's wall-clock reading
// whenever the lock is free there (the reading is not guarded); when Now
// holds the lock, a Set would wait for it and cannot overtake.
func TestNowFollowsAMoveThatReturned(t *testing.T) {
	base := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	target := base.Add(72 * time.Hour)
	ticks := 0
	inNow, moved := false, false
	c := &Virtual{}
	c.wall = func() time.Time {
		ticks++ // each reading is a microsecond after the last
		reading := base.Add(time.Duration(ticks) * time.Microsecond)
		if inNow && c.mu.TryLock() {
			c.mu.Unlock()
			inNow = false
			c.Set(target)
			moved = true
		}
		return reading
	}
	inNow = true
	got := c.Now()
	if moved && got.Before(target) {
		t.Fatalf("Now = %v after a Set(%v) that returned during it", got, target)
	}
	c.Set(target)
	if got := c.Now(); got.Before(target) {
		t.Fatalf("Now = %v after Set(%v)", got, target)
	}
}

// TestFrozenNowDoesNotReadTheWallClock: a frozen clock's reading is its
// frozen instant, with no wall-clock read (~0.1 µs on a virtual machine).
func TestFrozenNowDoesNotReadTheWallClock(t *testing.T) {
	at := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	c := NewFrozen(at)
	c.wall = func() time.Time {
		t.Error("a frozen clock's Now read the wall clock")
		return time.Now()
	}
	if got := c.Now(); !got.Equal(at) {
		t.Fatalf("frozen Now = %v, want %v", got, at)
	}
}

// TestStateKeepsOffsetOrInstant: a running clock's State is its offset, so
// a clock made from it runs on from the wall clock plus that offset; a
// frozen clock's is its instant.
func TestStateKeepsOffsetOrInstant(t *testing.T) {
	c := NewVirtual()
	c.Advance(-72 * time.Hour)
	st := c.State()
	if st.Frozen || st.Offset != -72*time.Hour {
		t.Fatalf("running state %+v, want an offset of -72h", st)
	}
	if d := time.Until(FromState(st).Now()); d < -73*time.Hour || d > -71*time.Hour {
		t.Fatalf("a clock from the state is %v off the wall clock, want -72h", d)
	}
	at := time.Date(2031, 5, 1, 8, 0, 0, 0, time.UTC)
	c.Freeze()
	c.Set(at)
	if got := FromState(c.State()); !got.Frozen() || !got.Now().Equal(at) {
		t.Fatalf("a clock from a frozen state: frozen %v at %v, want %v", got.Frozen(), got.Now(), at)
	}
	tenants := NewTenants(NewVirtual())
	tenants.SetOwn(3, NewVirtual().State())
	held := tenants.For(3)
	tenants.SetOwn(3, c.State())
	if !held.Now().Equal(at) || tenants.For(3) != held {
		t.Fatalf("SetOwn replaced the tenant's clock or did not set it: %v", held.Now())
	}
	tenants.SetOwn(4, st)
	if !tenants.HasOwn(4) || tenants.For(4).Frozen() {
		t.Fatal("SetOwn did not give tenant 4 its own running clock")
	}
}
