package crm

import (
	"slices"
	"strings"
	"time"

	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/jbce"
	"github.com/stsim/stsim/sim/optional"
	"github.com/stsim/stsim/sim/resource"
)

// What the tenant's CSR does with a booking of the Bookings inbox (the
// Calls screen, contract §9): the mid-2025 API emulated here lets an app
// neither accept nor dismiss its own booking (the 2025/26 scopes add a
// dismiss with a call reason and memo, not emulated), so the control API
// plays the CSR (package csr). These are the
// CRM halves of that work: the booking's state, and the customer and
// location its job is booked for.

// Statuses a CSR's decision moves a New booking to.
const (
	BookingConverted = "Converted"
	BookingDismissed = "Dismissed"
)

// OpenBooking loads a booking its tenant's CSR can still decide on: 404
// when there is none, 409 when it was converted or dismissed already.
func OpenBooking(tx *resource.Tx, id int64) (*Booking, error) {
	b, err := resource.Get(tx, &bookings, id)
	if err != nil {
		return nil, err
	}
	if b.Status != bookingStatusNew {
		msg := "Booking " + resource.IDKey(id) + " is " + b.Status
		if b.JobID != nil {
			msg += " (job " + resource.IDKey(*b.JobID) + ")"
		}
		return nil, apierr.Conflict(msg+": only a New booking can be converted or dismissed.").
			Field("status", "The booking's status is "+b.Status+", not New.")
	}
	return b, nil
}

// WaitingBooking is a New booking waiting for the office: its ID and the
// change sequence of its last write (any later write changes it).
type WaitingBooking struct {
	ID  int64
	Seq uint64
}

// WaitingBookings are the New bookings created at or before cutoff,
// oldest first, of every booking provider (the office works one inbox):
// those an office that answers within some time converts.
func WaitingBookings(tx *resource.Tx, cutoff time.Time) ([]WaitingBooking, error) {
	waiting, err := resource.All(tx, &bookings, func(b *Booking) bool {
		return b.Status == bookingStatusNew && !b.CreatedOn.After(cutoff)
	})
	if err != nil {
		return nil, err
	}
	out := make([]WaitingBooking, len(waiting))
	for i, b := range waiting {
		out[i] = WaitingBooking{ID: b.ID, Seq: b.Seq}
	}
	return out, nil
}

// MarkConverted records that b's job was booked: Converted, with the job,
// modified now (so modifiedOnOrAfter polls see it).
func MarkConverted(tx *resource.Tx, b *Booking, jobID int64) error {
	b.Status, b.JobID = BookingConverted, &jobID
	return resource.Save(tx, &bookings, b)
}

// MarkDismissed records that b was dismissed for a reason: reasonID must
// name an active call reason (a booking is dismissed with one, contract
// §7's dismiss operation), else 400 naming dismissingReasonId.
func MarkDismissed(tx *resource.Tx, b *Booking, reasonID int64) error {
	if ok, err := jbce.ActiveCallReason(tx, reasonID); err != nil || !ok {
		return firstErr(err, apierr.BadRequest("dismissingReasonId", "No active call reason has id "+resource.IDKey(reasonID)+"."))
	}
	b.Status, b.DismissingReasonID = BookingDismissed, &reasonID
	return resource.Save(tx, &bookings, b)
}

// RenderBooking is a booking as Crm.V2.BookingResponse shows it.
func RenderBooking(b *Booking) any { return renderBooking(b) }

// BookingCustomer is the customer and location a booking's job is booked
// for, and whether the CSR created them.
type BookingCustomer struct {
	CustomerID  int64 `json:"customerId"`
	LocationID  int64 `json:"locationId"`
	NewCustomer bool  `json:"customerCreated"`
	NewLocation bool  `json:"locationCreated"`
}

// CustomerForBooking finds or creates the customer and location of a
// booking's job, as a CSR accepting it does:
//   - locationID != 0: the CSR picked that location (400 naming
//     locationId when there is none), and its customer;
//   - else the customer one of the booking's phone numbers belongs to (the
//     Calls screen's phone search, ignoring formatting; several: the
//     lowest ID of those with a location at the booking's address, else
//     the lowest ID), at its location with the booking's address (street
//     and zip, ignoring case and blanks), else at a new location with that
//     address, else (the booking has none) at its first active location;
//   - else a new customer with the booking's name, customer type
//     (Residential by default), address and contacts, at one location
//     with that address, named like the customer.
//
// A booking with neither an address nor a matching phone needs locationID
// (400 naming it).
func CustomerForBooking(tx *resource.Tx, b *Booking, locationID int64) (BookingCustomer, error) {
	if locationID != 0 {
		loc, err := resource.Get(tx, &Locations, locationID)
		if err != nil {
			return BookingCustomer{}, api.RefError(err, "locationId", "No location has id "+resource.IDKey(locationID)+".")
		}
		return BookingCustomer{CustomerID: loc.CustomerID, LocationID: loc.ID}, nil
	}
	contacts, err := resource.LookupRecords(tx, &bookingContacts, "owner", resource.IDKey(b.ID))
	if err != nil {
		return BookingCustomer{}, err
	}
	matched, err := phoneMatches(tx, contacts)
	if err != nil {
		return BookingCustomer{}, err
	}
	var fallback *Location
	for _, id := range matched {
		locs, err := resource.LookupRecords(tx, &Locations, "customer", resource.IDKey(id))
		if err != nil {
			return BookingCustomer{}, err
		}
		for _, loc := range locs {
			if !loc.Active {
				continue
			}
			if hasAddress(b.Address) && sameAddress(loc.Address, *b.Address) {
				return BookingCustomer{CustomerID: id, LocationID: loc.ID}, nil
			}
			if fallback == nil {
				fallback = loc
			}
		}
	}
	switch {
	case len(matched) > 0 && hasAddress(b.Address):
		loc, _, err := createLocation(tx, "address", matched[0], newLocationIn{Name: b.Name, Address: addressOf(b.Address)})
		if err != nil {
			return BookingCustomer{}, err
		}
		return BookingCustomer{CustomerID: matched[0], LocationID: loc.ID, NewLocation: true}, nil
	case fallback != nil:
		return BookingCustomer{CustomerID: fallback.CustomerID, LocationID: fallback.ID}, nil
	case !hasAddress(b.Address):
		return BookingCustomer{}, apierr.BadRequest("locationId", "Booking "+resource.IDKey(b.ID)+" has no address and none of its phone numbers belongs to a customer with a location: pick the location (locationId).")
	}
	in := &createCustomerIn{Name: b.Name, Type: optional.Value(b.CustomerType), Address: addressOf(b.Address),
		Locations: []newLocationIn{{Name: b.Name, Address: addressOf(b.Address)}}}
	for _, c := range contacts {
		in.Contacts = append(in.Contacts, contactIn{Type: c.Type, Value: c.Value, Memo: c.Memo})
	}
	if err := in.check(); err != nil {
		return BookingCustomer{}, err
	}
	out, err := newCustomer(tx, in)
	if err != nil {
		return BookingCustomer{}, err
	}
	return BookingCustomer{CustomerID: out.ID, LocationID: out.Locations[0].ID, NewCustomer: true, NewLocation: true}, nil
}

// phoneMatches are the active, unmerged customers (lowest ID first) that
// own one of the contacts' phone numbers.
func phoneMatches(tx *resource.Tx, contacts []*Contact) ([]int64, error) {
	var ids []int64
	for _, c := range contacts {
		if c.Type != "Phone" && c.Type != "MobilePhone" {
			continue
		}
		owners, err := phoneOwners(tx, &CustomerContacts, c.Value)
		if err != nil {
			return nil, err
		}
		for _, id := range owners {
			if slices.Contains(ids, id) {
				continue
			}
			cust, err := resource.Ref(tx, &Customers, id)
			if err != nil {
				return nil, err
			}
			if cust.Active && cust.MergedToID == nil {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// addressOf is a booking's address as a customer's or location's.
func addressOf(a *BookingAddress) Address {
	return Address{Street: a.Street, Unit: a.Unit, City: a.City, State: a.State, Zip: a.Zip, Country: a.Country}
}

// sameAddress reports whether a location is at a booking's address: the
// same street and zip, ignoring case and surrounding blanks.
func sameAddress(at Address, b BookingAddress) bool {
	same := func(x, y string) bool { return strings.EqualFold(strings.TrimSpace(x), strings.TrimSpace(y)) }
	return same(at.Street, b.Street) && same(at.Zip, b.Zip)
}
