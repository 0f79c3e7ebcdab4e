package scheduleengine_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stsim/stsim/scheduleengine"
)

// Scenario 8: several schedulers sharing one tenant's credentials, plus a
// sync poller, under a 5-per-second throttle: every booking goes through,
// none twice, and nothing is sent inside a Retry-After. The 429s use their
// own retry budget: one 5xx retry would not have carried them.
func TestThrottlingBurst(t *testing.T) {
	s := startSim(t, tenantSettings{})
	shared := scheduleengine.NewShared()
	// One call in flight per (app, tenant): with more, calls already on
	// the wire when a 429 comes back land inside its Retry-After, which
	// stsim's lint (rightly, from the server's side) reports.
	cfg := func(c *scheduleengine.Config) { c.Shared, c.MaxInFlight, c.Retries5xx = shared, 1, 1 }
	ctx := context.Background()
	probe := s.client(cfg)
	w := pickWork(t, ctx, probe)
	open := slots(t, ctx, probe, tomorrow(s, probe), 2, w)
	s.activate("throttle-burst")
	before := s.counts(http.StatusOK)

	const schedulers = 3
	var wg sync.WaitGroup
	errs := make([]error, schedulers+1)
	jobs := make([]int64, schedulers)
	for i := range schedulers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := s.client(cfg).Book(ctx, scheduleengine.BookingRequest{Party: newParty(), BusinessUnitID: w.businessUnit, JobTypeID: w.jobType, Slot: open[i%len(open)]})
			if err == nil {
				jobs[i] = res.JobID
			}
			errs[i] = err
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _, errs[schedulers] = s.client(cfg).NewStatusSync(scheduleengine.MemoryCursor{}, true).Poll(ctx,
			func(scheduleengine.Job) error { return nil }, func(scheduleengine.Appointment) error { return nil })
	}()
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	s.counts(http.StatusOK).since(before).want(t, "jpm.Jobs_Create", schedulers) // 429s are refusals, not writes
	if throttled := s.counts(http.StatusTooManyRequests); throttled.total() < 2 {
		t.Errorf("only %v 429s: the throttle was not exercised", throttled)
	}
	for i, id := range jobs {
		if id == 0 {
			t.Errorf("scheduler %d booked nothing", i)
		}
	}
	s.lintClean()
}

// Scenario 8, the variant without Retry-After: a third of the calls get a
// bare 429. The client backs off on its own budget and books once.
func TestThrottledWithoutRetryAfter(t *testing.T) {
	s := startSim(t, tenantSettings{Scenario: `name: bare-429
description: A third of the calls answer 429 without Retry-After.
seed: 7
rules:
  - match: {probability: 0.33}
    effect: {status: 429, title: "Too many requests."}
`})
	c := s.client(func(c *scheduleengine.Config) { c.Retries5xx = 1 })
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	slot := slots(t, ctx, c, tomorrow(s, c), 1, w)[0]
	s.activate("bare-429")
	res := book(t, ctx, c, newParty(), w, slot)
	if bare := s.counts(http.StatusTooManyRequests); bare.total() < 2 {
		t.Errorf("only %v bare 429s: the scenario was not exercised", bare)
	}
	s.deactivate("bare-429")
	if n := jobsWithBookingID(t, ctx, c, res.BookingID); n != 1 {
		t.Errorf("%d jobs for the booking, want 1", n)
	}
	s.lintClean()
}

// Scenario 8, on the wall clock: the client waits a real Retry-After.
func TestRetryAfterHonouredOnTheWallClock(t *testing.T) {
	s := startSim(t, tenantSettings{RealTime: 4})
	c := s.client(func(c *scheduleengine.Config) {
		c.Clock, c.MaxInFlight, c.BookingProviderID = scheduleengine.WallClock, 1, 0
	})
	ctx := context.Background()
	start := time.Now()
	for range 6 { // 4 per second allowed: the fifth call meets a 429
		if _, err := c.BookingProvider(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if throttled := s.counts(http.StatusTooManyRequests); throttled.total() == 0 {
		t.Fatal("no 429: the limit was not reached")
	}
	if waited := time.Since(start); waited < 500*time.Millisecond {
		t.Errorf("six calls took %v: the Retry-After was not waited out", waited)
	}
	s.lintClean()
}

// fillSlot books jobs with another scheduler until one technician is left
// in the slot.
func fillSlot(t *testing.T, ctx context.Context, s *stsim, w work, slot scheduleengine.Slot) {
	t.Helper()
	other := s.client()
	for range 12 {
		left := -1
		for _, sl := range slots(t, ctx, other, scheduleengine.DateOf(slot.Start.In(other.Location())), 1, w) {
			if sl.Start.Equal(slot.Start) {
				left = sl.Technicians
			}
		}
		if left == 1 {
			return
		}
		if left < 1 {
			t.Fatalf("the slot filled up before one technician was left")
		}
		book(t, ctx, other, newParty(), w, slot)
	}
	t.Fatal("could not fill the slot")
}

// jobsIn counts the active jobs whose first appointment starts at the slot.
func jobsIn(t *testing.T, ctx context.Context, c *scheduleengine.Client, slot scheduleengine.Slot) int {
	t.Helper()
	got, err := scheduleengine.List[scheduleengine.Appointment](ctx, c, c.TenantPath("jpm", "appointments"),
		query("startsOnOrAfter", slot.Start.Format(time.RFC3339), "startsBefore", slot.Start.Add(time.Minute).Format(time.RFC3339)), 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range got {
		if a.Start.Equal(slot.Start) && a.Status != "Canceled" {
			n++
		}
	}
	return n
}

// Scenario 9, strict tenant: the last technician is taken between the
// client's capacity read and its booking; stsim answers 409, the client
// reports the slot taken, and the next slot books.
func TestSlotStolenStrict(t *testing.T) {
	s := startSim(t, tenantSettings{CapacityPolicy: "strict"})
	c := s.client()
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	open := slots(t, ctx, c, tomorrow(s, c), 1, w)
	slot := open[0]
	fillSlot(t, ctx, s, w, slot)
	inSlot := jobsIn(t, ctx, c, slot)

	before := s.counts()
	s.activate("slot-stolen")
	_, err := c.Book(ctx, scheduleengine.BookingRequest{Party: newParty(), BusinessUnitID: w.businessUnit, JobTypeID: w.jobType, Slot: slot})
	if !errors.Is(err, scheduleengine.ErrSlotTaken) {
		t.Fatalf("book: %v, want ErrSlotTaken", err)
	}
	s.deactivate("slot-stolen")
	if got := jobsIn(t, ctx, c, slot); got != inSlot+1 { // the competitor's, not ours
		t.Errorf("%d jobs in the slot, want %d", got, inSlot+1)
	}
	s.counts().since(before).want(t, "jpm.Jobs_Create", 1)
	// The client re-reads capacity: the slot is gone, the next one books.
	again := slots(t, ctx, c, tomorrow(s, c), 1, w)
	for _, sl := range again {
		if sl.Start.Equal(slot.Start) {
			t.Fatalf("the full slot is still offered: %+v", sl)
		}
	}
	book(t, ctx, c, newParty(), w, again[0])
	s.lintClean()
}

// Scenario 9, lenient tenant: another scheduler takes the last technician
// after the client read capacity; the client's re-check just before
// writing sees it and does not write.
func TestSlotTakenLenientRecheck(t *testing.T) {
	s := startSim(t, tenantSettings{})
	c := s.client()
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	slot := slots(t, ctx, c, tomorrow(s, c), 1, w)[0]
	fillSlot(t, ctx, s, w, slot)
	book(t, ctx, s.client(), newParty(), w, slot) // the competitor takes the last one
	inSlot := jobsIn(t, ctx, c, slot)

	before := s.counts()
	_, err := c.Book(ctx, scheduleengine.BookingRequest{Party: newParty(), BusinessUnitID: w.businessUnit, JobTypeID: w.jobType, Slot: slot})
	if !errors.Is(err, scheduleengine.ErrSlotTaken) {
		t.Fatalf("book: %v, want ErrSlotTaken", err)
	}
	s.counts().since(before).want(t, "jpm.Jobs_Create", 0)
	if got := jobsIn(t, ctx, c, slot); got != inSlot {
		t.Errorf("%d jobs in the slot, want %d", got, inSlot)
	}
	s.lintClean()
}

// Scenario 9, lenient tenant with the slot-stolen scenario: the competing
// booking lands during the client's own write, after its re-check; the
// tenant accepts both, and the client's look after writing reports the
// over-booking for dispatch.
func TestSlotStolenLenientReportsOverbooking(t *testing.T) {
	s := startSim(t, tenantSettings{})
	c := s.client()
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	slot := slots(t, ctx, c, tomorrow(s, c), 1, w)[0]
	fillSlot(t, ctx, s, w, slot)
	s.activate("slot-stolen")
	res, err := c.Book(ctx, scheduleengine.BookingRequest{Party: newParty(), BusinessUnitID: w.businessUnit, JobTypeID: w.jobType, Slot: slot})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Overbooked {
		t.Errorf("booking %+v not reported as over-booked", res)
	}
	s.lintClean()
}
