// Package clock is stsim's single source of time. Token issue and expiry, the
// rate limiter, record stamps, export visibility and capacity all read a Clock,
// so a test (or the /_sim/clock control API) can move time instead of waiting.
package clock

import (
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

// Now returns the virtual time.
func (v *Virtual) Now() time.Time {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.frozen {
		return v.at
	}
	return v.wall().Add(v.offset)
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
