// Package csr plays a tenant's customer service representative at the
// Bookings inbox (ServiceTitan's Calls screen, contract §9): converting a
// booking into a job for a found or new customer, or dismissing it. No API
// lets an app accept or dismiss its own booking, so the control API calls
// this package, and a booking provider's client can test how it follows a
// booking to its job. Each decision is one transaction through the same
// code the API's handlers use (crm's customers and locations, jpm's jobs).
package csr

import (
	"errors"
	"net/http"
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

// ConvertWaiting is an office that converts every booking within wait:
// each New booking of tenant created at least wait before now is converted
// as Convert does with no changes, each in its own transaction. A booking
// the office cannot convert (no address and no phone of a customer, a
// full slot on a strict tenant) stays New. It returns the bookings
// converted.
func ConvertWaiting(st store.Store, tenant int64, now time.Time, wait time.Duration) ([]int64, error) {
	var due []int64
	err := resource.View(st, tenant, now, func(tx *resource.Tx) (err error) {
		due, err = crm.WaitingBookings(tx, now.Add(-wait))
		return err
	})
	if err != nil {
		return nil, err
	}
	var converted []int64
	for _, id := range due {
		_, err := Convert(st, tenant, now, id, Conversion{})
		var refused *apierr.Error
		switch {
		case err == nil:
			converted = append(converted, id)
		case errors.Is(err, resource.ErrNotFound), errors.As(err, &refused) && refused.Status < http.StatusInternalServerError:
			// gone, decided meanwhile, or not convertible: the office leaves it
		default:
			return converted, err
		}
	}
	return converted, nil
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
