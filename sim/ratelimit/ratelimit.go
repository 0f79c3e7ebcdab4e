// Package ratelimit enforces ServiceTitan's API rate limit in stsim: at most
// 60 calls per second per application (app key) per tenant. The figure is
// ServiceTitan's documented limit (developer.servicetitan.io, the FAQ on app
// keys; see contract §5). Each (app key, tenant) pair has its own budget, so
// two apps on one tenant, or one app on two tenants, never affect each other.
//
// # Algorithm
//
// The limiter keeps an exact sliding log per key: a ring buffer of the times
// of that key's most recent admissions. A request at time now is admitted if
// and only if fewer than limit admissions of its key happened in the window
// (now-window, now]; that is, if the limit-th most recent admission happened
// at or before now-window. So in any sliding window no more than limit
// requests of a key are admitted, and a request is never refused unless limit
// admissions really happened in the window before it: a client offering more
// than the limit gets exactly the limit. A refused request is told how long
// until the oldest admission it is waiting on leaves the window
// ([Decision.RetryAfter]). Refused requests are not recorded.
//
// The limit is passed to every [Limiter.Allow] call rather than configured per
// key, so the caller applies whatever limit is in force (a scenario may lower
// one app's limit at run time). Changing the limit keeps the decision exact:
// the log always holds every admission that is still inside the window, so the
// new limit is compared with the true count. The ring grows on demand (never
// beyond the limit) and shrinks, keeping the newest entries, at the first
// admission under a limit less than half its size (the entries it drops have
// then left the window for good). A limit of zero or less means unlimited;
// such requests are admitted and not recorded.
//
// # Time
//
// Time comes from a [clock.Clock]. When a virtual clock has been moved back
// before a key's newest admission, the key's next Allow shifts its whole log
// back so that the newest admission is at the new now: the key is exactly as
// throttled as it was just after its last admission. It is never locked out
// for longer than one window, so tests can set the clock freely. Arbitrarily
// large jumps either way are handled. (The real clock never goes back: time
// is measured with its monotonic reading.)
//
// # Concurrency and memory
//
// There is no global lock on the hot path: keys live in a [sync.Map] and each
// key's log has its own mutex, so requests for different keys never wait for
// each other. A key costs a little memory for as long as it is tracked.
// [Limiter.Sweep] drops every key whose admissions have all left the window;
// while the clock moves forward such a key behaves exactly like a key never
// seen, so sweeping changes no decision. (Were a virtual clock then set back
// before its last admission, a swept key would start afresh where a kept one
// would be shifted as described above. A key whose last admission is later
// than the clock is kept until it is used again or the clock passes it by a
// window.) The server should call Sweep periodically, for instance through
// [Limiter.RunSweeper]; nothing is evicted otherwise. [Limiter.Reset],
// [Limiter.ResetTenant] and [Limiter.ResetAll] forget keys on purpose, as when
// a tenant is deleted or reset.
package ratelimit

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stsim/stsim/sim/clock"
)

// DefaultLimit is ServiceTitan's documented limit: 60 calls per second per
// application per tenant.
const DefaultLimit = 60

// DefaultWindow is the length of the sliding window DefaultLimit applies to.
const DefaultWindow = time.Second

const (
	// maxWindow bounds the window so that offset arithmetic cannot overflow.
	maxWindow = 1 << 59 // about 18 years
	// maxOffset is the largest admission offset kept relative to a bucket's
	// epoch before the bucket is rebased onto a new epoch.
	maxOffset = 1 << 61 // about 73 years
	// minRing is the capacity a new ring starts with, if the limit allows.
	minRing = 16
)

// Key identifies one rate-limit budget: one application on one tenant.
type Key struct {
	AppKey string // the application's key (the ST-App-Key header)
	Tenant int64  // the tenant ID
}

// Decision is the outcome of one [Limiter.Allow] call.
type Decision struct {
	// Allowed reports whether the request was admitted.
	Allowed bool
	// Limit is the limit the request was judged against; 0 means unlimited.
	Limit int
	// Remaining is how many more requests the key could make right now,
	// after this one. It is 0 when the request was refused, and meaningless
	// (0) when Limit is 0.
	Remaining int
	// RetryAfter is, for a refused request, how long until a request of the
	// same key would be admitted (with the same limit and no other traffic).
	// It is in (0, window] when Allowed is false, and 0 otherwise. See
	// [RetryAfterSeconds] for the Retry-After header.
	RetryAfter time.Duration
}

// Unlimited reports whether no limit applied to the request.
func (d Decision) Unlimited() bool { return d.Limit <= 0 }

// RetryAfterSeconds converts a retry delay into whole seconds for an HTTP
// Retry-After header: rounded up, and at least 1.
func RetryAfterSeconds(d time.Duration) int {
	if d <= 0 {
		return 1
	}
	s := d / time.Second
	if d%time.Second != 0 {
		s++
	}
	return int(s)
}

// Limiter holds the sliding logs of every key. Its methods are safe for
// concurrent use. Create one with [New].
type Limiter struct {
	now    func(tenant int64) time.Time // the clock a key's tenant follows
	window int64                        // the window length in nanoseconds, in (0, maxWindow]
	keys   sync.Map                     // Key -> *bucket
}

// New returns a limiter that reads time from c and counts admissions over a
// sliding window of the given length. A window of zero or less means
// [DefaultWindow]; windows longer than about 18 years are shortened to that.
func New(c clock.Clock, window time.Duration) *Limiter {
	if c == nil {
		c = clock.Real{}
	}
	return NewPerTenant(func(int64) time.Time { return c.Now() }, window)
}

// NewPerTenant returns a limiter whose keys follow their tenant's clock
// (now is called with the key's tenant, under the key's lock).
func NewPerTenant(now func(tenant int64) time.Time, window time.Duration) *Limiter {
	if window <= 0 {
		window = DefaultWindow
	}
	if window > maxWindow {
		window = maxWindow
	}
	return &Limiter{now: now, window: int64(window)}
}

// Window returns the length of the sliding window.
func (l *Limiter) Window() time.Duration { return time.Duration(l.window) }

// Allow decides whether a request of key k is admitted now under the given
// limit (requests per window), and records it if so. A limit of zero or less
// means unlimited: the request is admitted and not recorded.
func (l *Limiter) Allow(k Key, limit int) Decision {
	if limit <= 0 {
		return Decision{Allowed: true}
	}
	for {
		b := l.bucket(k)
		b.mu.Lock()
		if b.dead {
			// Swept or reset after we found it; it is no longer in the map.
			b.mu.Unlock()
			continue
		}
		d := b.allow(l.now(k.Tenant), l.window, limit)
		b.mu.Unlock()
		return d
	}
}

// bucket returns k's bucket, creating it if need be.
func (l *Limiter) bucket(k Key) *bucket {
	if v, ok := l.keys.Load(k); ok {
		return v.(*bucket)
	}
	v, _ := l.keys.LoadOrStore(k, new(bucket))
	return v.(*bucket)
}

// Reset forgets every admission of key k, as if it had never been seen.
func (l *Limiter) Reset(k Key) {
	if v, ok := l.keys.Load(k); ok {
		l.drop(k, v.(*bucket))
	}
}

// ResetTenant forgets every key of the given tenant, for instance when the
// tenant is deleted or reset. It takes time proportional to the number of
// keys tracked.
func (l *Limiter) ResetTenant(tenant int64) {
	l.keys.Range(func(k, v any) bool {
		if k.(Key).Tenant == tenant {
			l.drop(k.(Key), v.(*bucket))
		}
		return true
	})
}

// ResetAll forgets every key.
func (l *Limiter) ResetAll() {
	l.keys.Range(func(k, v any) bool {
		l.drop(k.(Key), v.(*bucket))
		return true
	})
}

// drop removes b, the bucket of k, from the map and marks it dead so that an
// Allow call that already holds a pointer to it looks the key up again.
func (l *Limiter) drop(k Key, b *bucket) {
	b.mu.Lock()
	if !b.dead {
		b.dead = true
		l.keys.CompareAndDelete(k, b)
	}
	b.mu.Unlock()
}

// Sweep drops every key whose admissions have all left the window, and
// returns how many it dropped. While the clock moves forward such a key
// behaves exactly like one never seen, so sweeping changes no decision; it
// only bounds memory (see the package documentation for a clock set back).
// Sweep takes time proportional to the number of keys tracked but holds no
// lock other than one key's at a time, so it does not stall Allow calls for
// other keys.
func (l *Limiter) Sweep() int {
	dropped := 0
	l.keys.Range(func(k, v any) bool {
		b := v.(*bucket)
		b.mu.Lock()
		// The clock is read under the key's lock, as Allow reads it.
		if !b.dead && b.idle(l.now(k.(Key).Tenant), l.window) {
			b.dead = true
			l.keys.CompareAndDelete(k, b)
			dropped++
		}
		b.mu.Unlock()
		return true
	})
	return dropped
}

// RunSweeper calls [Limiter.Sweep] every interval of wall-clock time until
// ctx is done. An interval of zero or less means the window, or one second if
// the window is shorter.
func (l *Limiter) RunSweeper(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = max(time.Duration(l.window), time.Second)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			l.Sweep()
		}
	}
}

// Len returns the number of keys currently tracked.
func (l *Limiter) Len() int {
	n := 0
	l.keys.Range(func(any, any) bool {
		n++
		return true
	})
	return n
}

// bucket is one key's sliding log. Admission times are stored as nanosecond
// offsets from epoch, oldest first, in non-decreasing order. Every admission
// of the key that is not in the ring has left the window for good.
type bucket struct {
	mu    sync.Mutex // guards all the fields below
	dead  bool       // removed from the Limiter's map; never used again
	epoch time.Time  // the instant the offsets in ring are measured from
	ring  []int64    // admission offsets; len(ring) is the capacity
	head  int        // index in ring of the oldest admission held
	n     int        // number of admissions held, at most len(ring)
}

// at returns the i-th oldest admission held, for 0 <= i < b.n.
func (b *bucket) at(i int) int64 {
	j := b.head + i
	if j >= len(b.ring) {
		j -= len(b.ring)
	}
	return b.ring[j]
}

// allow is Allow for one key; b.mu must be held.
func (b *bucket) allow(now time.Time, window int64, limit int) Decision {
	t := b.offset(now, window)
	cutoff := t - window // admissions at or before cutoff are outside the window
	if b.n >= limit {
		if oldest := b.at(b.n - limit); oldest > cutoff {
			return Decision{Limit: limit, RetryAfter: time.Duration(oldest - cutoff)}
		}
	}
	b.push(t, cutoff, limit)
	if len(b.ring)/2 > limit {
		// The limit was lowered. At most limit admissions are in the window
		// now (counting this one) and, t being the newest, those outside it
		// can never count again: keeping the newest limit loses nothing.
		b.resize(limit, min(b.n, limit))
	}
	return Decision{Allowed: true, Limit: limit, Remaining: limit - b.countAfter(cutoff)}
}

// idle reports whether all of b's admissions are outside the window at now,
// without changing b; b.mu must be held. A bucket whose newest admission is
// later than now (the clock went back) is not idle: its next Allow will shift
// it to now, and sweeping must not change what that Allow decides.
func (b *bucket) idle(now time.Time, window int64) bool {
	if b.n == 0 {
		return true
	}
	t := int64(now.Sub(b.epoch)) // saturates rather than overflows
	newest := b.at(b.n - 1)
	return t >= newest && newest <= t-window
}

// offset returns now as an offset from b.epoch, first moving the epoch if the
// clock went back or far forward; b.mu must be held, and the caller is about
// to decide a request. On return the offset is at least the newest admission
// held and at most maxOffset, and every admission held is at least
// -window.
//
// An admission at or before newest-window can never count again, whatever the
// clock does: the newest admission only moves later relative to it, and
// shifting the log preserves the gap. Such admissions may be pinned anywhere
// at or before newest-window, or dropped.
func (b *bucket) offset(now time.Time, window int64) int64 {
	if b.n == 0 {
		b.epoch, b.head = now, 0
		return 0
	}
	t := int64(now.Sub(b.epoch)) // saturates rather than overflows
	newest := b.at(b.n - 1)
	switch {
	case t < newest:
		// The clock went back: shift the whole log back so that its newest
		// admission is now. Moving the epoch does that in O(1).
		b.epoch = now.Add(-time.Duration(newest))
		return newest
	case t <= maxOffset:
		return t
	case newest <= t-window:
		// Far forward, and every admission has left the window, so once
		// this request is admitted (it will be) none can count again.
		b.epoch, b.head, b.n = now, 0, 0
		return 0
	}
	// Far forward with admissions still in the window: rebase onto the
	// newest admission, pinning those that can never count again at -window.
	for i := range b.n {
		j := b.head + i
		if j >= len(b.ring) {
			j -= len(b.ring)
		}
		if e := b.ring[j]; e <= newest-window {
			b.ring[j] = -window
		} else {
			b.ring[j] = e - newest
		}
	}
	b.epoch = b.epoch.Add(time.Duration(newest))
	return t - newest // in [0, window)
}

// push records an admission at t, growing the ring if every slot holds an
// admission still inside the window; b.mu must be held. The caller has
// checked that fewer than the limit of the admissions held are later than
// cutoff = t-window, and admissions at or before it will never count again
// once t is the newest.
func (b *bucket) push(t, cutoff int64, limit int) {
	c := len(b.ring)
	if b.n < c {
		j := b.head + b.n
		if j >= c {
			j -= c
		}
		b.ring[j] = t
		b.n++
		return
	}
	if c > 0 && b.ring[b.head] <= cutoff {
		// The oldest admission has left the window for good: reuse its slot.
		b.ring[b.head] = t
		if b.head++; b.head == c {
			b.head = 0
		}
		return
	}
	// Every slot is inside the window, so fewer than the limit are held
	// (else the request would have been refused) and growing to at most
	// the limit leaves room. Capacity starts small and doubles, so a huge
	// limit costs memory only for the admissions actually made.
	b.resize(min(max(2*c, minRing), limit), b.n)
	b.ring[b.n] = t
	b.n++
}

// resize moves the newest keep admissions into a new ring of capacity c, with
// the oldest at index 0; b.mu must be held.
func (b *bucket) resize(c, keep int) {
	ring := make([]int64, c)
	for i := range keep {
		ring[i] = b.at(b.n - keep + i)
	}
	b.ring, b.head, b.n = ring, 0, keep
}

// countAfter returns how many admissions held are later than cutoff; b.mu
// must be held.
func (b *bucket) countAfter(cutoff int64) int {
	// Binary search for the oldest admission later than cutoff.
	lo, hi := 0, b.n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if b.at(mid) <= cutoff {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return b.n - lo
}

// Usage is one key's admissions inside the window.
type Usage struct {
	Key      Key
	InWindow int
}

// Usage lists every tracked key with its admissions inside the window now,
// sorted by tenant and app key; keys idle for the whole window are left out.
// It changes no decision.
func (l *Limiter) Usage() []Usage {
	var out []Usage
	l.keys.Range(func(k, v any) bool {
		key, b := k.(Key), v.(*bucket)
		b.mu.Lock()
		if !b.dead && b.n > 0 {
			t := max(int64(l.now(key.Tenant).Sub(b.epoch)), b.at(b.n-1)) // a clock set back counts as the newest admission
			if n := b.countAfter(t - l.window); n > 0 {
				out = append(out, Usage{Key: key, InWindow: n})
			}
		}
		b.mu.Unlock()
		return true
	})
	slices.SortFunc(out, func(a, b Usage) int {
		if a.Key.Tenant != b.Key.Tenant {
			return cmp.Compare(a.Key.Tenant, b.Key.Tenant)
		}
		return strings.Compare(a.Key.AppKey, b.Key.AppKey)
	})
	return out
}
