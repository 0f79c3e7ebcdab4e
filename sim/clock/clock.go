// Package clock is stsim's single source of time. Token issue and expiry, the
// rate limiter, record stamps, export visibility and capacity all read a Clock,
// so a test (or the /_sim/clock control API) can move time instead of waiting.
package clock

import (
	"errors"
	"sync"
	"time"
)

// Clock tells the current time.
type Clock interface {
	Now() time.Time
}

// Real is the wall clock.
type Real struct{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// Virtual is a clock that can be frozen, set and advanced, and otherwise runs
// at wall-clock speed from an offset. The zero value is not usable; use
// NewVirtual.
type Virtual struct {
	mu     sync.RWMutex // guards the fields below
	frozen bool
	at     time.Time     // the frozen instant, when frozen
	offset time.Duration // added to the wall clock, when running
	wall   func() time.Time
}

// NewVirtual returns a running virtual clock that starts equal to the wall clock.
func NewVirtual() *Virtual { return &Virtual{wall: time.Now} }

// NewFrozen returns a virtual clock frozen at t, as tests want it.
func NewFrozen(t time.Time) *Virtual { return &Virtual{wall: time.Now, frozen: true, at: t} }

// Now returns the virtual time. A running clock reads the wall clock under
// the lock, so a Now that starts after a Set, Advance or Resume returned
// never gives a time from before the move; a frozen clock does not read
// the wall clock at all.
func (v *Virtual) Now() time.Time {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.frozen {
		return v.at
	}
	return v.wall().Add(v.offset)
}

// At is the reading Now would give at the wall-clock instant wall (a
// time.Now the caller read anyway): the same clock without reading the
// wall clock again, which costs ~0.1 µs on a virtual machine. It applies
// the clock as it is at the call to the caller's earlier reading, so it
// can give a time before a Set that returned in between: At suits a stamp
// of the reading's moment (a request's start), not a time that must follow
// a move that returned.
func (v *Virtual) At(wall time.Time) time.Time {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.frozen {
		return v.at
	}
	return wall.Add(v.offset)
}

// Advance moves the clock forward by d (backward if d is negative).
func (v *Virtual) Advance(d time.Duration) time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.frozen {
		v.at = v.at.Add(d)
		return v.at
	}
	v.offset += d
	return v.wall().Add(v.offset)
}

// Set moves the clock to t, keeping it frozen or running as it was.
func (v *Virtual) Set(t time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.frozen {
		v.at = t
		return
	}
	v.offset = t.Sub(v.wall())
}

// The range a virtual clock may be moved within. Every consumer of the
// clock can represent it: int64 nanoseconds since 1970 (rate limiter),
// durations from the wall clock (a running clock's offset) and RFC 3339.
var (
	Earliest = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	Latest   = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// ErrOutOfRange is returned by a move that would leave [Earliest, Latest].
var ErrOutOfRange = errors.New("clock: the time would leave the range " +
	Earliest.Format(time.RFC3339) + " to " + Latest.Format(time.RFC3339))

func inRange(t time.Time) bool { return !t.Before(Earliest) && !t.After(Latest) }

// TryAdvance moves the clock by d, like Advance, unless that would leave
// the clock's range (or overflow): then it leaves the clock alone and
// returns ErrOutOfRange.
func (v *Virtual) TryAdvance(d time.Duration) (time.Time, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	now := v.at
	if !v.frozen {
		now = v.wall().Add(v.offset)
	}
	to := now.Add(d)
	if (d > 0 && !to.After(now)) || (d < 0 && !to.Before(now)) || !inRange(to) {
		return now, ErrOutOfRange
	}
	if v.frozen {
		v.at = to
	} else {
		v.offset += d
	}
	return to, nil
}

// TrySet moves the clock to t, like Set, unless t is outside the clock's
// range: then it returns ErrOutOfRange.
func (v *Virtual) TrySet(t time.Time) error {
	if !inRange(t) {
		return ErrOutOfRange
	}
	v.Set(t)
	return nil
}

// Freeze stops the clock at its current time.
func (v *Virtual) Freeze() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.frozen {
		v.at = v.wall().Add(v.offset)
		v.frozen = true
	}
	return v.at
}

// Resume lets a frozen clock run again from the instant it was frozen at.
func (v *Virtual) Resume() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.frozen {
		v.offset = v.at.Sub(v.wall())
		v.frozen = false
	}
	return v.wall().Add(v.offset)
}

// Frozen reports whether the clock is frozen.
func (v *Virtual) Frozen() bool {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.frozen
}

// State is a virtual clock's setting as a data file keeps it: a frozen
// clock's instant, or a running clock's offset from the wall clock, so a
// running clock brought back after a restart runs on from the wall clock
// plus the same offset.
type State struct {
	Frozen bool          `json:"frozen"`
	At     time.Time     `json:"at,omitzero"`     // the frozen instant
	Offset time.Duration `json:"offset,omitzero"` // added to the wall clock when running
}

// State returns the clock's setting.
func (v *Virtual) State() State {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.frozen {
		return State{Frozen: true, At: v.at}
	}
	return State{Offset: v.offset}
}

// SetState gives the clock a setting State returned.
func (v *Virtual) SetState(s State) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.frozen, v.at, v.offset = s.Frozen, s.At, s.Offset
}

// FromState returns a new virtual clock with a setting State returned: a
// scratch copy to try a move on before it is stored and applied.
func FromState(s State) *Virtual {
	v := NewVirtual()
	v.SetState(s)
	return v
}

// Tenants gives every tenant the global clock until one is given its own,
// which starts where the global clock is and then moves on its own.
type Tenants struct {
	Global *Virtual

	mu  sync.RWMutex // guards own
	own map[int64]*Virtual
}

// NewTenants returns per-tenant clocks over global.
func NewTenants(global *Virtual) *Tenants { return &Tenants{Global: global, own: map[int64]*Virtual{}} }

// For returns the clock a tenant follows.
func (t *Tenants) For(tenant int64) *Virtual {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if c, ok := t.own[tenant]; ok {
		return c
	}
	return t.Global
}

// Now is the time on a tenant's clock.
func (t *Tenants) Now(tenant int64) time.Time { return t.For(tenant).Now() }

// At is the time on a tenant's clock at the wall-clock instant wall (see
// Virtual.At).
func (t *Tenants) At(tenant int64, wall time.Time) time.Time { return t.For(tenant).At(wall) }

// SetOwn gives a tenant its own clock with setting s (see State).
func (t *Tenants) SetOwn(tenant int64, s State) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if c, ok := t.own[tenant]; ok {
		c.SetState(s) // the same clock, for callers that hold it
		return
	}
	t.own[tenant] = FromState(s)
}

// Drop makes a tenant follow the global clock again.
func (t *Tenants) Drop(tenant int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.own, tenant)
}

// HasOwn reports whether a tenant has its own clock.
func (t *Tenants) HasOwn(tenant int64) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	_, ok := t.own[tenant]
	return ok
}
