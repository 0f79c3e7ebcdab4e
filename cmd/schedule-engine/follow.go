package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/stsim/stsim/scheduleengine"
)

// cmdFollow follows a booking of the Bookings inbox (by the -booking-id
// given to book -inbox) until the office decides on it: exit 0 with its job
// when converted (or accepted with a job), 1 when dismissed, decided
// without a job, or still undecided.
func cmdFollow(ctx context.Context, a *app) error {
	id := a.fs.String("booking-id", "", "the booking's externalId, as given to book -inbox (required)")
	wait := a.fs.Duration("wait", 0, "how long to wait for the office's decision (0: look once)")
	every := a.fs.Duration("every", 30*time.Second, "with -wait: how often to poll")
	c, err := a.client()
	if err != nil {
		return err
	}
	if *id == "" || *every <= 0 {
		fmt.Fprintln(a.stderr, "schedule-engine follow: -booking-id is required, and -every must be positive")
		return errUsage
	}
	interval := time.Duration(0)
	if *wait > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *wait)
		defer cancel()
		interval = *every
	}
	got, err := c.FollowBooking(ctx, *id, interval)
	if got == nil {
		return err
	}
	if perr := a.print(got, func(w io.Writer) { printOutcome(w, got) }); perr != nil {
		return perr
	}
	switch {
	case errors.Is(err, scheduleengine.ErrBookingDismissed), err == nil && got.Job == nil:
		return errReported
	case errors.Is(err, context.DeadlineExceeded):
		return errReported
	}
	return err
}

func printOutcome(w io.Writer, o *scheduleengine.InboxOutcome) {
	b := o.Booking
	fmt.Fprintf(w, "booking %d (externalId %s) ", b.ID, b.ExternalID)
	switch {
	case o.Job != nil:
		fmt.Fprintf(w, "%s by the office: job %d (%s), customer %d, location %d, first appointment %d\n",
			decision(b.Status), o.Job.ID, o.Job.JobStatus, o.Job.CustomerID, o.Job.LocationID, o.Job.FirstAppointmentID)
	case o.Dismissed():
		reason := "no reason given"
		if b.DismissingReasonID != nil {
			reason = fmt.Sprintf("call reason %d", *b.DismissingReasonID)
		}
		fmt.Fprintf(w, "dismissed by the office (%s): no job will come of it\n", reason)
	case b.Status == scheduleengine.BookingNew:
		fmt.Fprintln(w, "is New: the office has not decided yet")
	default:
		fmt.Fprintf(w, "%s by the office, but it names no job (no jobId)\n", decision(b.Status))
	}
}

// decision is what the office did, in words, by the booking's status.
func decision(status string) string {
	switch status {
	case scheduleengine.BookingConverted:
		return "converted"
	case scheduleengine.BookingAccepted:
		return "accepted"
	}
	return "marked " + status
}
