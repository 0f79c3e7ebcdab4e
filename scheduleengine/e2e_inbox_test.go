package scheduleengine_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stsim/stsim/scheduleengine"
)

// Scenario 3 to its end: the office (stsim's control API playing the
// tenant's CSR) converts or dismisses the inbox booking while the client
// polls for it.

// noHeat is the demo tenant's "No heat" call reason, a reason to dismiss
// a booking with.
const noHeat = 1494

// officeClock is the simulator clock with the office at work: the first
// time the client sleeps between polls, the CSR acts (act, once set).
type officeClock struct {
	*simClock
	once sync.Once
	act  func()
}

func (c *officeClock) Sleep(ctx context.Context, d time.Duration) error {
	err := c.simClock.Sleep(ctx, d)
	if c.act != nil {
		c.once.Do(c.act)
	}
	return err
}

// startInbox starts stsim (with settings) and a client whose clock lets
// the office act (set its act) while the client sleeps between polls, and
// picks the work the client books and n open slots tomorrow.
func startInbox(t *testing.T, settings tenantSettings, n int) (*stsim, *scheduleengine.Client, *officeClock, work, []scheduleengine.Slot) {
	s := startSim(t, settings)
	office := &officeClock{simClock: s.clock}
	c := s.client(func(cfg *scheduleengine.Config) { cfg.Clock = office })
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	return s, c, office, w, slots(t, ctx, c, tomorrow(s, c), n, w)
}

// csr has the tenant's CSR convert (body: the CSR's changes, or nil) or
// dismiss a booking through the control API.
func (s *stsim) csr(action string, booking int64, body any) {
	s.t.Helper()
	s.control("POST", fmt.Sprintf("/_sim/tenants/%d/bookings/%d/%s", s.tenant, booking, action), body, nil, http.StatusOK)
}

// fileInbox files a booking for a new caller at slot's start.
func fileInbox(t *testing.T, ctx context.Context, c *scheduleengine.Client, w work, slot scheduleengine.Slot) (scheduleengine.InboxRequest, *scheduleengine.InboxBooked) {
	t.Helper()
	req := scheduleengine.InboxRequest{BookingID: scheduleengine.NewBookingID(), Party: newParty(), Start: &slot.Start,
		BusinessUnitID: w.businessUnit, JobTypeID: w.jobType, FirstTime: true, Summary: "No heat"}
	b, err := c.BookInbox(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	return req, b
}

// watchNew starts a watch and files n bookings, in the open slots in
// turn, for it to follow.
func watchNew(t *testing.T, ctx context.Context, s *stsim, c *scheduleengine.Client, w work, open []scheduleengine.Slot, n int) (*scheduleengine.InboxWatch, []*scheduleengine.InboxBooked) {
	t.Helper()
	watch, err := c.WatchInbox(ctx, s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	var filed []*scheduleengine.InboxBooked
	for i := range n {
		req, b := fileInbox(t, ctx, c, w, open[i%len(open)])
		if err := watch.Follow(req.BookingID); err != nil {
			t.Fatal(err)
		}
		filed = append(filed, b)
	}
	return watch, filed
}

// The booking is converted while the client waits: its poll on
// modifiedOnOrAfter finds the jobId and reads the job; a resubmission
// finds the converted booking instead of filing another.
func TestBookingsInboxConverted(t *testing.T) {
	s, c, office, w, open := startInbox(t, tenantSettings{}, 1)
	ctx, slot := context.Background(), open[0]
	req, filed := fileInbox(t, ctx, c, w, slot)
	office.act = func() { s.csr("convert", filed.Booking.ID, nil) }

	wait, cancel := context.WithTimeout(ctx, 30*time.Second) // of wall time: the office acts on the first sleep
	defer cancel()
	got, err := c.FollowBooking(wait, req.BookingID, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	b, job := got.Booking, got.Job
	if b.Status != scheduleengine.BookingConverted || b.JobID == nil || job == nil || job.ID != *b.JobID {
		t.Fatalf("outcome %+v (job %+v), want Converted with its job read", b, job)
	}
	if job.BookingID == nil || *job.BookingID != b.ID || job.JobStatus != "Scheduled" || job.JobTypeID != w.jobType ||
		job.BusinessUnitID != w.businessUnit || job.FirstAppointmentID == 0 {
		t.Errorf("job %+v, want Scheduled for booking %d with its job type and business unit", job, b.ID)
	}
	ap, err := c.Appointment(ctx, job.FirstAppointmentID)
	if err != nil || !ap.Start.Equal(slot.Start) {
		t.Errorf("appointment %+v (%v), want it at the booking's start %v", ap, err, slot.Start)
	}

	again, err := c.BookInbox(ctx, req)
	if err != nil || !again.Existing || again.Booking.ID != b.ID || again.Booking.Status != scheduleengine.BookingConverted {
		t.Fatalf("resubmission: %+v, %v; want the converted booking %d", again, err, b.ID)
	}
	// Once decided, following it again answers at once.
	if got, err := c.FollowBooking(ctx, req.BookingID, time.Minute); err != nil || got.Job == nil || got.Job.ID != job.ID {
		t.Errorf("following a converted booking: %+v, %v", got, err)
	}

	n := s.counts()
	n.want(t, "crm.Bookings_Create", 1)
	n.want(t, "jpm.Jobs_Create", 0) // the office booked the job
	n.want(t, "crm.Customers_Create", 0)
	// By externalId: the first filing, the follow's first look, the
	// resubmission and the second follow; one modifiedOnOrAfter poll.
	n.want(t, "crm.Bookings_GetList2", 5)
	n.want(t, "jpm.Jobs_Get", 2)
	s.lintClean()
}

// The office dismisses the booking: the client says so, and no job comes.
func TestBookingsInboxDismissed(t *testing.T) {
	s, c, office, w, open := startInbox(t, tenantSettings{}, 1)
	ctx, slot := context.Background(), open[0]
	req, filed := fileInbox(t, ctx, c, w, slot)
	office.act = func() { s.csr("dismiss", filed.Booking.ID, map[string]any{"dismissingReasonId": noHeat}) }

	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	got, err := c.FollowBooking(wait, req.BookingID, time.Minute)
	if !errors.Is(err, scheduleengine.ErrBookingDismissed) {
		t.Fatalf("err %v, want ErrBookingDismissed", err)
	}
	if !got.Dismissed() || got.Job != nil || got.Booking.DismissingReasonID == nil || *got.Booking.DismissingReasonID != noHeat {
		t.Errorf("outcome %+v, want Dismissed for call reason %d without a job", got, noHeat)
	}
	n := s.counts()
	n.want(t, "jpm.Jobs_Get", 0)
	n.want(t, "crm.Bookings_GetList2", 3)
	s.lintClean()
}

// One watch follows several bookings with one list per poll: bookings
// still New stay pending, decided ones are reported once, and a poll
// with nothing new reports nothing.
func TestInboxWatchFollowsSeveral(t *testing.T) {
	s, c, _, w, open := startInbox(t, tenantSettings{}, 2)
	ctx := context.Background()
	watch, filed := watchNew(t, ctx, s, c, w, open, 3)
	before := s.counts()
	if got, err := watch.Poll(ctx); err != nil || len(got) != 0 || watch.Pending() != 3 {
		t.Fatalf("first poll: %+v, %v, %d pending; want nothing decided yet", got, err, watch.Pending())
	}
	s.advance(time.Minute)
	s.csr("convert", filed[0].Booking.ID, nil)
	s.csr("dismiss", filed[1].Booking.ID, map[string]any{"dismissingReasonId": noHeat})
	got, err := watch.Poll(ctx)
	if err != nil || len(got) != 2 || watch.Pending() != 1 {
		t.Fatalf("second poll: %+v, %v, %d pending; want the converted and the dismissed one", got, err, watch.Pending())
	}
	for _, o := range got {
		switch o.Booking.ID {
		case filed[0].Booking.ID:
			if o.Job == nil || o.Dismissed() {
				t.Errorf("converted booking: %+v", o)
			}
		case filed[1].Booking.ID:
			if o.Job != nil || !o.Dismissed() {
				t.Errorf("dismissed booking: %+v", o)
			}
		default:
			t.Errorf("reported %+v, which is still New", o.Booking)
		}
	}
	if again, err := watch.Poll(ctx); err != nil || len(again) != 0 {
		t.Errorf("third poll: %+v, %v; want nothing new", again, err)
	}
	n := s.counts().since(before)
	n.want(t, "crm.Bookings_GetList2", 3)
	n.want(t, "jpm.Jobs_Get", 1)
	s.lintClean()
}

// With the office-converts scenario the office converts a booking once it
// has waited 10 minutes, with no control call: the client polling every
// 5 minutes finds the job on its second poll.
func TestBookingsInboxOfficeScenario(t *testing.T) {
	s, c, _, w, open := startInbox(t, tenantSettings{}, 1)
	ctx, slot := context.Background(), open[0]
	s.activate("office-converts")
	req, filed := fileInbox(t, ctx, c, w, slot)
	before := s.counts()

	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	got, err := c.FollowBooking(wait, req.BookingID, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if got.Job == nil || got.Booking.ID != filed.Booking.ID || got.Job.BookingID == nil || *got.Job.BookingID != filed.Booking.ID {
		t.Fatalf("outcome %+v (job %+v), want booking %d converted with its job", got.Booking, got.Job, filed.Booking.ID)
	}
	n := s.counts().since(before)
	n.want(t, "crm.Bookings_GetList2", 3) // the first look, then a poll at 5 and at 10 minutes
	n.want(t, "jpm.Jobs_Get", 1)
	s.lintClean()
}

// A poll whose read of a job fails reports nothing and loses nothing: the
// next poll reports every booking decided meanwhile.
func TestInboxWatchPollFailsWhole(t *testing.T) {
	s, c, _, w, open := startInbox(t, tenantSettings{Scenario: `name: second-job-read-fails
description: The second read of a job is refused.
rules:
  - match: {operation: jpm.Jobs_Get, nth: 2}
    effect: {status: 403, title: "Access denied."}
`}, 2)
	ctx := context.Background()
	watch, filed := watchNew(t, ctx, s, c, w, open, 2)
	s.advance(time.Minute)
	s.csr("convert", filed[0].Booking.ID, nil)
	s.csr("convert", filed[1].Booking.ID, nil)
	s.activate("second-job-read-fails")
	if got, err := watch.Poll(ctx); err == nil || len(got) != 0 || watch.Pending() != 2 {
		t.Fatalf("failing poll: %+v, %v, %d pending; want only the error, both still pending", got, err, watch.Pending())
	}
	got, err := watch.Poll(ctx)
	if err != nil || len(got) != 2 || watch.Pending() != 0 {
		t.Fatalf("next poll: %+v, %v, %d pending; want both converted bookings", got, err, watch.Pending())
	}
	for _, o := range got {
		if o.Job == nil || o.Job.BookingID == nil || *o.Job.BookingID != o.Booking.ID {
			t.Errorf("outcome %+v (job %+v), want the booking's job", o.Booking, o.Job)
		}
	}
	// A booking no longer followed is not reported.
	req, b := fileInbox(t, ctx, c, w, open[0])
	if err := watch.Follow(req.BookingID); err != nil {
		t.Fatal(err)
	}
	watch.Unfollow(req.BookingID)
	s.advance(time.Minute)
	s.csr("dismiss", b.Booking.ID, map[string]any{"dismissingReasonId": noHeat})
	if got, err := watch.Poll(ctx); err != nil || len(got) != 0 || watch.Pending() != 0 {
		t.Errorf("after unfollowing: %+v, %v, %d pending; want nothing", got, err, watch.Pending())
	}
}
