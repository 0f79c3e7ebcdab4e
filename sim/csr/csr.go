// Package csr plays a tenant's customer service representative at the
// Bookings inbox (ServiceTitan's Calls screen, contract §9): converting a
// booking into a job for a found or new customer, or dismissing it. The
// mid-2025 API stsim emulates lets an app neither accept nor dismiss its
// own booking (the 2025/26 scopes add a dismiss, not emulated), so the
// control API calls this package, and a booking provider's client can test how it follows a
// booking to its job. Each decision is one transaction through the same
// code the API's handlers use (crm's customers and locations, jpm's jobs).
package csr

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/jpm"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/store"
)

// Conversion is what the CSR chose on the job form; every member is
// optional, the booking's values (then defaults) fill the rest.
type Conversion struct {
	LocationID     int64      `json:"locationId"` // 0: found or created from the booking
	JobTypeID      *int64     `json:"jobTypeId"`
	BusinessUnitID *int64     `json:"businessUnitId"`
	CampaignID     *int64     `json:"campaignId"`
	Priority       *string    `json:"priority"`
	Start          *time.Time `json:"start"`
}

// Converted is a converted booking and what was booked for it.
type Converted struct {
	Booking any `json:"booking"` // Crm.V2.BookingResponse
	crm.BookingCustomer
	JobID         int64 `json:"jobId"`
	AppointmentID int64 `json:"appointmentId"`
}

// Dismissal is the CSR's reason for dismissing a booking: a call reason.
type Dismissal struct {
	DismissingReasonID int64 `json:"dismissingReasonId"`
}

// Dismissed is a dismissed booking.
type Dismissed struct {
	Booking any `json:"booking"` // Crm.V2.BookingResponse
}

// Convert converts a New booking of tenant at now: the customer and
// location (crm.CustomerForBooking), the job with its first appointment
// (jpm.BookInboxJob), then the booking Converted with its jobId and a new
// modifiedOn, all in one transaction. A booking that is not New is a 409,
// a missing one a 404.
func Convert(st store.Store, tenant int64, now time.Time, bookingID int64, in Conversion) (Converted, error) {
	var out Converted
	err := resource.Update(st, tenant, now, func(tx *resource.Tx) error {
		b, err := crm.OpenBooking(tx, bookingID)
		if err != nil {
			return err
		}
		cust, err := crm.CustomerForBooking(tx, b, in.LocationID)
		if err != nil {
			return err
		}
		start := b.Starts().Time
		jobID, apptID, err := jpm.BookInboxJob(tx, jpm.InboxJob{
			BookingID: b.ID, CustomerID: cust.CustomerID, LocationID: cust.LocationID, Summary: b.Summary,
			Booking: jpm.JobForm{JobTypeID: b.JobTypeID, BusinessUnitID: b.BusinessUnitID, CampaignID: b.CampaignID, Priority: b.Priority, Start: &start},
			CSR:     jpm.JobForm{JobTypeID: in.JobTypeID, BusinessUnitID: in.BusinessUnitID, CampaignID: in.CampaignID, Priority: in.Priority, Start: in.Start},
		})
		if err != nil {
			return err
		}
		if err := crm.MarkConverted(tx, b, jobID); err != nil {
			return err
		}
		out = Converted{Booking: crm.RenderBooking(b), BookingCustomer: cust, JobID: jobID, AppointmentID: apptID}
		return nil
	})
	return out, err
}

// Office is a tenant's office working the Bookings inbox on its own (the
// office-converts scenario): it converts the bookings that have waited,
// every booking provider's alike, as one office works one inbox. Its work
// per look is bounded: at most MaxAttempts conversions, and a booking it
// could not convert is not tried again until it changes or wait more has
// passed. It is safe for concurrent use; its zero value is ready.
type Office struct {
	mu   sync.Mutex
	left map[leftKey]left // bookings it could not convert, at most MaxLeft
	// forgets counts Forget's calls: a look that began before one does not
	// leave what it read from records since dropped.
	forgets uint64
}

// Bounds of an Office's work: conversions tried per look, and bookings
// remembered as not convertible (past it, one is forgotten and may be
// tried once more).
const (
	MaxAttempts = 20
	MaxLeft     = 10000
)

type leftKey struct{ tenant, booking int64 }

// left is a booking the office could not convert: as it was then (its
// change sequence), and when it looks again.
type left struct {
	seq     uint64
	retryAt time.Time
}

// ConvertWaiting converts the New bookings of tenant created at least wait
// before now, oldest first, as Convert does with no changes, each in its
// own transaction, at most MaxAttempts of them. A booking the office
// cannot convert (no address and no phone of a customer, a full slot on
// a strict tenant) stays New and is left until it changes or wait more
// has passed; one that fails otherwise is left the same way, and its
// error is returned the first time only (joined with the others), so a
// caller that logs it logs it once. It returns the bookings converted.
func (o *Office) ConvertWaiting(st store.Store, tenant int64, now time.Time, wait time.Duration) ([]int64, error) {
	o.mu.Lock()
	since := o.forgets
	o.mu.Unlock()
	var due []crm.WaitingBooking
	err := resource.View(st, tenant, now, func(tx *resource.Tx) (err error) {
		due, err = crm.WaitingBookings(tx, now.Add(-wait))
		return err
	})
	if err != nil {
		return nil, err
	}
	var converted []int64
	var failed []error
	try := func(b crm.WaitingBooking) {
		_, err := Convert(st, tenant, now, b.ID, Conversion{})
		var refused *apierr.Error
		switch {
		case err == nil:
			converted = append(converted, b.ID)
		case errors.Is(err, resource.ErrNotFound):
			// gone meanwhile
		case errors.As(err, &refused) && refused.Status < http.StatusInternalServerError:
			o.leave(tenant, b, now.Add(wait), since) // decided meanwhile, or not convertible
		default:
			if o.leave(tenant, b, now.Add(wait), since) {
				failed = append(failed, fmt.Errorf("booking %d: %w", b.ID, err))
			}
		}
	}
	// Bookings not tried as they are first, then the ones left earlier
	// whose time to look again has come.
	var again []crm.WaitingBooking
	attempts := 0
	for _, b := range due {
		if attempts == MaxAttempts {
			break
		}
		switch o.look(tenant, b, now) {
		case lookNow:
			attempts++
			try(b)
		case lookAgain:
			again = append(again, b)
		}
	}
	for _, b := range again[:min(len(again), MaxAttempts-attempts)] {
		try(b)
	}
	return converted, errors.Join(failed...)
}

// How the office treats a waiting booking.
const (
	lookNow   = iota // not tried as it is
	lookAgain        // left as it is, and the time to look again has come
	leaveIt          // left as it is, until later
)

// look tells how the office treats b at now.
func (o *Office) look(tenant int64, b crm.WaitingBooking, now time.Time) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch l, ok := o.left[leftKey{tenant, b.ID}]; {
	case !ok || l.seq != b.Seq:
		return lookNow
	case now.Before(l.retryAt):
		return leaveIt
	}
	return lookAgain
}

// leave remembers that the office could not convert b, until retryAt,
// unless a Forget came since the look that read b began (since: forgets
// then); it reports whether b is newly left (not left before as it is).
func (o *Office) leave(tenant int64, b crm.WaitingBooking, retryAt time.Time, since uint64) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.forgets != since {
		return true // b may be of records dropped meanwhile
	}
	if o.left == nil {
		o.left = map[leftKey]left{}
	}
	k := leftKey{tenant, b.ID}
	prev, known := o.left[k]
	if !known && len(o.left) >= MaxLeft {
		for old := range o.left { // forget any one: it is tried once more
			delete(o.left, old)
			break
		}
	}
	o.left[k] = left{seq: b.Seq, retryAt: retryAt}
	return !known || prev.seq != b.Seq
}

// Forget drops what the office remembers of a tenant's bookings, whose
// records were dropped or replaced (a booking of the new records may have
// an ID and change sequence the office left before).
func (o *Office) Forget(tenant int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.forgets++
	for k := range o.left {
		if k.tenant == tenant {
			delete(o.left, k)
		}
	}
}

// Dismiss dismisses a New booking of tenant at now for a call reason: the
// booking Dismissed with its dismissingReasonId and a new modifiedOn. A
// booking that is not New is a 409, a missing one a 404, a reason that is
// no active call reason a 400.
func Dismiss(st store.Store, tenant int64, now time.Time, bookingID int64, in Dismissal) (Dismissed, error) {
	var out Dismissed
	err := resource.Update(st, tenant, now, func(tx *resource.Tx) error {
		b, err := crm.OpenBooking(tx, bookingID)
		if err != nil {
			return err
		}
		if err := crm.MarkDismissed(tx, b, in.DismissingReasonID); err != nil {
			return err
		}
		out = Dismissed{Booking: crm.RenderBooking(b)}
		return nil
	})
	return out, err
}
