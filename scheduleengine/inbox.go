package scheduleengine

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// A booking in the Bookings inbox waits for the office: a CSR converts it
// into a job (status Converted, with jobId) or dismisses it (Dismissed,
// with dismissingReasonId). The API tells no one; the provider polls its
// bookings changed since its last look (modifiedOnOrAfter), one list for
// every booking it follows, and reads the job of each converted one.

// Booking statuses (Crm.V2.BookingStatus): New until the office decides.
// stsim's office converts or dismisses; a real tenant may also mark a
// booking Accepted, with or without a job.
const (
	BookingNew       = "New"
	BookingAccepted  = "Accepted"
	BookingConverted = "Converted"
	BookingDismissed = "Dismissed"
)

// ErrBookingDismissed is FollowBooking's answer when the office dismissed
// the booking: no job will come of it.
var ErrBookingDismissed = errors.New("the office dismissed the booking")

// InboxOutcome is what the office made of a booking: a job, or nothing.
type InboxOutcome struct {
	Booking Booking
	Job     *Job // the job the booking names (jobId), if it names one
}

// Dismissed reports whether the office dismissed the booking.
func (o InboxOutcome) Dismissed() bool { return o.Booking.Status == BookingDismissed }

// decided reports whether the office has decided on b: any status but
// New (Accepted too, a status stsim never sets).
func decided(b Booking) bool { return b.Status != BookingNew && b.Status != "" }

// inboxOverlap is how far before the newest modifiedOn it has seen a watch
// looks again: a change committed late with an earlier stamp is still
// found, and a re-read booking is only reported once.
const inboxOverlap = 5 * time.Second

// MaxFollowed is how many bookings one InboxWatch follows at once.
const MaxFollowed = 1000

// InboxWatch follows bookings of the connection's booking provider, by
// externalId, until the office decides on each. It is not safe for
// concurrent use: one goroutine follows, polls and unfollows.
type InboxWatch struct {
	c        *Client
	provider int64
	since    time.Time
	pending  map[string]bool // externalIds, in lower case as the API matches them
}

// WatchInbox starts a watch of the bookings changed on or after since.
func (c *Client) WatchInbox(ctx context.Context, since time.Time) (*InboxWatch, error) {
	bp, err := c.BookingProvider(ctx)
	if err != nil {
		return nil, err
	}
	return c.inboxWatch(bp, since), nil
}

func (c *Client) inboxWatch(provider int64, since time.Time) *InboxWatch {
	return &InboxWatch{c: c, provider: provider, since: since, pending: map[string]bool{}}
}

// Follow adds a booking to the watch; past MaxFollowed pending bookings it
// refuses (unfollow some, or start another watch).
func (w *InboxWatch) Follow(externalID string) error {
	k := inboxKey(externalID)
	if !w.pending[k] && len(w.pending) >= MaxFollowed {
		return fmt.Errorf("the watch follows %d bookings already, its most: unfollow one first", MaxFollowed)
	}
	w.pending[k] = true
	return nil
}

// Unfollow drops a booking from the watch: it is reported no more.
func (w *InboxWatch) Unfollow(externalID string) { delete(w.pending, inboxKey(externalID)) }

// Pending is how many followed bookings the office has not decided on.
func (w *InboxWatch) Pending() int { return len(w.pending) }

func inboxKey(externalID string) string { return strings.ToLower(strings.TrimSpace(externalID)) }

// Poll reads the provider's bookings changed since the last poll (every
// page) and returns the followed ones the office has decided on, each once,
// with the job of each that names one. When a read fails, Poll returns
// only the error, and the next poll looks again at everything this one
// would have reported.
func (w *InboxWatch) Poll(ctx context.Context) ([]InboxOutcome, error) {
	q := url.Values{"modifiedOnOrAfter": {w.since.UTC().Format(time.RFC3339Nano)}}
	changed, err := List[Booking](ctx, w.c, w.c.path("crm", "booking-provider/%d/bookings", w.provider), q, 0, 0)
	if err != nil {
		return nil, err
	}
	var out []InboxOutcome
	reported := map[string]bool{}
	newest := w.since
	for _, b := range changed {
		if b.ModifiedOn.After(newest) {
			newest = b.ModifiedOn
		}
		k := inboxKey(b.ExternalID)
		if !w.pending[k] || reported[k] || !decided(b) {
			continue
		}
		o, err := w.c.outcome(ctx, b)
		if err != nil {
			return nil, err
		}
		reported[k] = true
		out = append(out, o)
	}
	for k := range reported {
		delete(w.pending, k)
	}
	if since := newest.Add(-inboxOverlap); since.After(w.since) {
		w.since = since
	}
	return out, nil
}

// outcome reads the job a decided booking names, if it names one.
func (c *Client) outcome(ctx context.Context, b Booking) (InboxOutcome, error) {
	o := InboxOutcome{Booking: b}
	if b.JobID != nil {
		job, err := c.Job(ctx, *b.JobID)
		if err != nil {
			return o, fmt.Errorf("booking %d is %s with job %d: reading the job: %w", b.ID, b.Status, *b.JobID, err)
		}
		o.Job = job
	}
	return o, nil
}

// FollowBooking waits until the office decides on the booking with this
// externalId, polling every interval on the client's clock, until ctx
// ends; every <= 0 looks once (a booking still undecided is answered
// without an error). The office has decided once the booking's status is
// anything but New: converted or accepted, the outcome has the job the
// booking names (none if it names none); dismissed, the outcome comes
// with ErrBookingDismissed.
func (c *Client) FollowBooking(ctx context.Context, externalID string, every time.Duration) (*InboxOutcome, error) {
	bp, err := c.BookingProvider(ctx)
	if err != nil {
		return nil, err
	}
	b, err := c.inboxByExternalID(ctx, bp, externalID)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, fmt.Errorf("no booking of this provider has externalId %q", externalID)
	}
	if decided(*b) {
		return settle(c.outcome(ctx, *b))
	}
	if every <= 0 {
		return &InboxOutcome{Booking: *b}, nil
	}
	w := c.inboxWatch(bp, b.ModifiedOn)
	if err := w.Follow(externalID); err != nil {
		return nil, err
	}
	for {
		if err := c.cfg.Clock.Sleep(ctx, every); err != nil {
			return &InboxOutcome{Booking: *b}, fmt.Errorf("booking %d is still %s: %w", b.ID, b.Status, err)
		}
		got, err := w.Poll(ctx)
		if err != nil {
			return nil, err
		}
		if len(got) > 0 {
			return settle(got[0], nil)
		}
	}
}

// settle is an outcome as FollowBooking answers it.
func settle(o InboxOutcome, err error) (*InboxOutcome, error) {
	if err == nil && o.Dismissed() {
		reason := "no reason"
		if o.Booking.DismissingReasonID != nil {
			reason = fmt.Sprintf("call reason %d", *o.Booking.DismissingReasonID)
		}
		err = fmt.Errorf("booking %d (%s): %w", o.Booking.ID, reason, ErrBookingDismissed)
	}
	return &o, err
}
