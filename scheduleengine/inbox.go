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

// Booking statuses the office's decision sets.
const (
	BookingConverted = "Converted"
	BookingDismissed = "Dismissed"
)

// ErrBookingDismissed is FollowBooking's answer when the office dismissed
// the booking: no job will come of it.
var ErrBookingDismissed = errors.New("the office dismissed the booking")

// InboxOutcome is what the office made of a booking: a job, or nothing.
type InboxOutcome struct {
	Booking Booking
	Job     *Job // the job a Converted booking became
}

// Dismissed reports whether the office dismissed the booking.
func (o InboxOutcome) Dismissed() bool { return o.Booking.Status == BookingDismissed }

// decided reports whether the office has decided on b.
func decided(b Booking) bool { return b.Status == BookingConverted || b.Status == BookingDismissed }

// inboxOverlap is how far before the newest modifiedOn it has seen a watch
// looks again: a change committed late with an earlier stamp is still
// found, and a re-read booking is only reported once.
const inboxOverlap = 5 * time.Second

// InboxWatch follows bookings of the connection's booking provider, by
// externalId, until the office decides on each.
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

// Follow adds a booking to the watch.
func (w *InboxWatch) Follow(externalID string) { w.pending[inboxKey(externalID)] = true }

// Pending is how many followed bookings the office has not decided on.
func (w *InboxWatch) Pending() int { return len(w.pending) }

func inboxKey(externalID string) string { return strings.ToLower(strings.TrimSpace(externalID)) }

// Poll reads the provider's bookings changed since the last poll (every
// page) and returns the followed ones the office has decided on, each once,
// with the job of each converted one.
func (w *InboxWatch) Poll(ctx context.Context) ([]InboxOutcome, error) {
	q := url.Values{"modifiedOnOrAfter": {w.since.UTC().Format(time.RFC3339Nano)}}
	changed, err := List[Booking](ctx, w.c, w.c.path("crm", "booking-provider/%d/bookings", w.provider), q, 0, 0)
	if err != nil {
		return nil, err
	}
	var out []InboxOutcome
	newest := w.since
	for _, b := range changed {
		if b.ModifiedOn.After(newest) {
			newest = b.ModifiedOn
		}
		if !w.pending[inboxKey(b.ExternalID)] || !decided(b) {
			continue
		}
		o, err := w.c.outcome(ctx, b)
		if err != nil {
			return out, err
		}
		delete(w.pending, inboxKey(b.ExternalID))
		out = append(out, o)
	}
	if since := newest.Add(-inboxOverlap); since.After(w.since) {
		w.since = since
	}
	return out, nil
}

// outcome reads the job a decided booking became, if it became one.
func (c *Client) outcome(ctx context.Context, b Booking) (InboxOutcome, error) {
	o := InboxOutcome{Booking: b}
	if b.Status == BookingConverted && b.JobID != nil {
		job, err := c.Job(ctx, *b.JobID)
		if err != nil {
			return o, fmt.Errorf("booking %d was converted into job %d: reading the job: %w", b.ID, *b.JobID, err)
		}
		o.Job = job
	}
	return o, nil
}

// FollowBooking waits until the office decides on the booking with this
// externalId, polling every interval on the client's clock, until ctx
// ends; every <= 0 looks once (a booking still undecided is answered
// without an error). A dismissed booking returns its outcome with
// ErrBookingDismissed.
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
	w.Follow(externalID)
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
