package csr_test

import (
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/csr"
	"github.com/stsim/stsim/sim/simtest"
	"github.com/stsim/stsim/sim/store"
)

// countingStore counts write transactions, and fails the ones fail picks
// with errDisk before they run.
type countingStore struct {
	store.Store
	updates atomic.Int64
	fail    func(n int64) bool // n: the write's number, from 1
}

var errDisk = errors.New("disk on fire")

func (s *countingStore) Update(tenant int64, fn func(store.Tx) error) error {
	n := s.updates.Add(1)
	if s.fail != nil && s.fail(n) {
		return errDisk
	}
	return s.Store.Update(tenant, fn)
}

// inbox files bookings of the demo connection through the API.
type inbox struct {
	srv    *simtest.Server
	filed  int
	tok    string
	issued time.Time
}

// token is a token of the demo client, a fresh one every 10 minutes of
// simulator time (it lasts 15).
func (in *inbox) token(t *testing.T) string {
	if now := in.srv.Clock.Now(); in.tok == "" || now.Sub(in.issued) >= 10*time.Minute {
		in.tok, in.issued = in.srv.Token(t), now
	}
	return in.tok
}

const bookings = simtest.CRM + "/booking-provider/1995/bookings" // the demo connection's tag

var address = map[string]any{"street": "12 Elm St", "city": "Naperville", "state": "IL", "zip": "60540", "country": "USA"}

// file files a booking; with an address the office can convert it, without
// one (and with only an email) it cannot.
func (in *inbox) file(t *testing.T, convertible bool) int64 {
	t.Helper()
	body := map[string]any{"source": "Schedule Engine", "name": "Avery Quinn", "summary": "No heat", "isFirstTimeClient": true,
		"contacts": []any{map[string]any{"type": "Email", "value": "nobody@example.com"}}}
	if convertible {
		body["address"] = address
	}
	in.filed++
	body["externalId"] = fmt.Sprint("se-", in.filed)
	var b struct{ ID int64 }
	in.srv.Do(t, "POST", bookings, in.token(t), body).OK(t).JSON(t, &b)
	return b.ID
}

func (in *inbox) status(t *testing.T, id int64) string {
	t.Helper()
	var b struct{ Status string }
	in.srv.Do(t, "GET", fmt.Sprintf("%s/%d", bookings, id), in.token(t), nil).OK(t).JSON(t, &b)
	return b.Status
}

// The office's work per look is bounded: at most MaxAttempts conversions
// tried, and a booking it could not convert is not tried again until it
// changes or the wait passes again.
func TestOfficeBoundsItsWorkPerLook(t *testing.T) {
	srv := simtest.Start(t)
	in := &inbox{srv: srv}
	var stuck []int64
	for range csr.MaxAttempts + 10 {
		stuck = append(stuck, in.file(t, false))
	}
	st := &countingStore{Store: srv.Store()}
	var office csr.Office
	const wait = 10 * time.Minute
	srv.Clock.Advance(wait)
	look := func(wantWrites int64) []int64 {
		t.Helper()
		st.updates.Store(0)
		got, err := office.ConvertWaiting(st, simtest.Tenant, srv.Clock.Now(), wait)
		if err != nil {
			t.Fatal(err)
		}
		if n := st.updates.Load(); n != wantWrites {
			t.Fatalf("a look tried %d conversions (write transactions), want %d", n, wantWrites)
		}
		return got
	}
	look(csr.MaxAttempts) // the first MaxAttempts
	look(10)              // the rest
	look(0)               // none changed: nothing to try
	look(0)

	// A booking the provider changes is tried again, and converted.
	patched := map[string]any{"unit": ""}
	for k, v := range address {
		patched[k] = v
	}
	in.srv.Do(t, "PATCH", fmt.Sprintf("%s/%d", bookings, stuck[3]), in.token(t), map[string]any{"address": patched}).OK(t)
	if got := look(1); !slices.Equal(got, []int64{stuck[3]}) {
		t.Errorf("after a change: converted %v, want %d", got, stuck[3])
	}
	// A new one is tried once it has waited, first; then the office looks
	// again at the ones it left, at most MaxAttempts at a time.
	fresh := in.file(t, true)
	look(0)
	srv.Clock.Advance(wait)
	if got := look(csr.MaxAttempts); !slices.Equal(got, []int64{fresh}) {
		t.Errorf("converted %v, want the new booking %d", got, fresh)
	}
	left := len(stuck) - 1
	look(int64(left - (csr.MaxAttempts - 1)))
	look(0)
	for _, id := range stuck {
		if id != stuck[3] && in.status(t, id) != "New" {
			t.Errorf("booking %d: %s, want New", id, in.status(t, id))
		}
	}
}

// A booking whose conversion fails for another reason than a refusal
// does not stop the office: the later ones are converted, the error is
// returned once, and the failed one is tried again after the wait.
func TestOfficeGoesOnPastAFailure(t *testing.T) {
	srv := simtest.Start(t)
	in := &inbox{srv: srv}
	ids := []int64{in.file(t, true), in.file(t, true), in.file(t, true)}
	st := &countingStore{Store: srv.Store(), fail: func(n int64) bool { return n == 1 }}
	var office csr.Office
	const wait = 10 * time.Minute
	srv.Clock.Advance(wait)

	got, err := office.ConvertWaiting(st, simtest.Tenant, srv.Clock.Now(), wait)
	if !errors.Is(err, errDisk) || !slices.Equal(got, ids[1:]) {
		t.Fatalf("converted %v, %v; want %v and the failure of %d", got, err, ids[1:], ids[0])
	}
	st.fail = func(int64) bool { return true }
	st.updates.Store(0)
	if got, err := office.ConvertWaiting(st, simtest.Tenant, srv.Clock.Now(), wait); err != nil || len(got) != 0 || st.updates.Load() != 0 {
		t.Fatalf("second look: converted %v, %v, %d writes; want the failed booking left alone", got, err, st.updates.Load())
	}
	srv.Clock.Advance(wait)
	if got, err := office.ConvertWaiting(st, simtest.Tenant, srv.Clock.Now(), wait); err != nil || len(got) != 0 || st.updates.Load() != 1 {
		t.Fatalf("after the wait, failing again: converted %v, %v, %d writes; want it tried once, its error not returned twice", got, err, st.updates.Load())
	}
	srv.Clock.Advance(wait)
	st.fail = nil
	if got, err := office.ConvertWaiting(st, simtest.Tenant, srv.Clock.Now(), wait); err != nil || !slices.Equal(got, ids[:1]) {
		t.Fatalf("once the store works: converted %v, %v; want %d", got, err, ids[0])
	}
	for _, id := range ids {
		if s := in.status(t, id); s != "Converted" {
			t.Errorf("booking %d: %s, want Converted", id, s)
		}
	}
}
