package scheduleengine

import (
	"context"
	"sync"
	"time"
)

// limiter keeps one (app key, tenant) under ServiceTitan's 60 calls per
// second: an exact sliding window of the last second's calls, a cap on calls
// in flight, and a pause that every caller honours after a 429 until its
// Retry-After has passed. After a 429 it sends one call at a time until a
// call succeeds, so calls already queued do not land inside the pause.
type limiter struct {
	mu        sync.Mutex // guards the fields below
	rate      int
	maxFlight int
	sent      []time.Time // send times within the last second, oldest first
	inFlight  int
	pausedTil time.Time
	cautious  bool // after a 429: one call in flight until one succeeds
	wake      chan struct{}
}

func newLimiter(rate, maxFlight int) *limiter {
	return &limiter{rate: rate, maxFlight: maxFlight, wake: make(chan struct{})}
}

// acquire waits until a call may be sent and counts it as sent; release
// must follow.
func (l *limiter) acquire(ctx context.Context, clk Clock) error {
	for {
		l.mu.Lock()
		now := clk.Now()
		l.forget(now)
		wait := time.Duration(0)
		switch {
		case now.Before(l.pausedTil):
			wait = l.pausedTil.Sub(now)
		case len(l.sent) >= l.rate:
			wait = l.sent[0].Add(time.Second).Sub(now)
		}
		limit := l.maxFlight
		if l.cautious {
			limit = 1
		}
		if wait <= 0 && l.inFlight < limit {
			l.sent = append(l.sent, now)
			l.inFlight++
			l.mu.Unlock()
			return nil
		}
		wake := l.wake
		l.mu.Unlock()
		if wait > 0 {
			if err := clk.Sleep(ctx, wait); err != nil {
				return err
			}
			continue
		}
		select { // at the in-flight cap: wait for a release
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// release ends a call; throttled reports a 429, retryAfter its pause.
func (l *limiter) release(now time.Time, throttled bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight--
	if throttled {
		l.cautious = true
		if until := now.Add(retryAfter); until.After(l.pausedTil) {
			l.pausedTil = until
		}
	} else {
		l.cautious = false
	}
	close(l.wake)
	l.wake = make(chan struct{})
}

// forget drops send times older than one second; l.mu must be held.
func (l *limiter) forget(now time.Time) {
	cut := 0
	for cut < len(l.sent) && !l.sent[cut].After(now.Add(-time.Second)) {
		cut++
	}
	l.sent = l.sent[cut:]
}
