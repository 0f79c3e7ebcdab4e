package scheduleengine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/google/uuid"
)

// BookingRequest is one customer's intent to book.
type BookingRequest struct {
	// BookingID is the scheduler's own ID for this intent, kept in
	// externalData / externalId; a new UUID when empty. Submitting the same
	// ID again never makes a second customer, location, job or booking.
	BookingID      string
	Party          Party
	BusinessUnitID int64
	JobTypeID      int64
	CampaignID     int64 // 0: the first active campaign
	Slot           Slot
	Summary        string
}

// Booked is the outcome of a job booking.
type Booked struct {
	BookingID     string
	Match         *Match
	JobID         int64
	JobNumber     string
	AppointmentID int64
	Slot          Slot
	Existing      bool // the booking ID had already been booked; nothing was written
	// Overbooked is set when capacity, re-read after the booking, is
	// negative: the slot was taken at the same time and the tenant accepted
	// both. The job stands; tell dispatch (the job number says which).
	Overbooked bool
}

// NewBookingID returns a fresh booking ID.
func NewBookingID() string { return uuid.NewString() }

// Book books a job with its first appointment in the chosen slot: reference
// data, customer and location (found or created), a capacity re-check just
// before writing, then the job. A 409 from a strict tenant, or a re-check
// that finds the slot gone, is ErrSlotTaken: offer the customer another
// slot. A 400 refreshes the reference data and is returned, not retried.
func (c *Client) Book(ctx context.Context, r BookingRequest) (*Booked, error) {
	if r.BookingID == "" {
		r.BookingID = NewBookingID()
	}
	if job, err := c.jobByBookingID(ctx, r.BookingID); err != nil || job != nil {
		if job != nil {
			return &Booked{BookingID: r.BookingID, JobID: job.ID, JobNumber: job.JobNumber, AppointmentID: job.FirstAppointmentID, Slot: r.Slot, Existing: true}, nil
		}
		return nil, err
	}
	ref, err := c.Reference(ctx)
	if err != nil {
		return nil, err
	}
	jt, err := c.checkJobType(ctx, ref, r.JobTypeID, r.BusinessUnitID)
	if err != nil {
		return nil, err
	}
	if r.CampaignID == 0 {
		r.CampaignID = ref.defaultCampaign()
	}
	m, err := c.FindOrCreate(ctx, r.Party, r.BookingID)
	if err != nil {
		return nil, err
	}
	if open, err := c.slotOpen(ctx, r.Slot, r.BusinessUnitID, r.JobTypeID); err != nil {
		return nil, err
	} else if !open {
		return nil, ErrSlotTaken
	}
	summary := r.Summary
	if summary == "" {
		summary = "Booked online by Schedule Engine."
	}
	if m.Takeover {
		summary += " Note: the caller's phone matches several customers; please confirm the customer."
	}
	priority := jt.Priority
	if priority == "" {
		priority = "Normal"
	}
	body := map[string]any{
		"customerId": m.Customer.ID, "locationId": m.Location.ID, "businessUnitId": r.BusinessUnitID,
		"jobTypeId": r.JobTypeID, "priority": priority, "campaignId": r.CampaignID, "summary": summary,
		"appointments": []map[string]any{{
			"start": r.Slot.Start.Format(time.RFC3339), "end": r.Slot.End.Format(time.RFC3339),
			"arrivalWindowStart": r.Slot.Start.Format(time.RFC3339), "arrivalWindowEnd": r.Slot.End.Format(time.RFC3339),
		}},
		"externalData": c.marker(r.BookingID),
	}
	var job Job
	err = createOnce(ctx, func() error {
		return c.do(ctx, call{method: "POST", path: c.path("jpm", "jobs"), body: body}, &job)
	}, func() (bool, error) {
		got, err := c.jobByBookingID(ctx, r.BookingID)
		if got != nil {
			job = *got
		}
		return got != nil, err
	})
	switch StatusOf(err) {
	case 0:
	case http.StatusConflict:
		return nil, fmt.Errorf("%w: %v", ErrSlotTaken, err)
	case http.StatusBadRequest:
		// Reference data is the usual cause (a job type deactivated since
		// the cache warmed): refresh it for the next attempt; don't loop.
		if _, rerr := c.RefreshReference(ctx); rerr != nil {
			c.log.Warn("refreshing reference data failed", "err", rerr)
		}
		return nil, err
	default:
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	out := &Booked{BookingID: r.BookingID, Match: m, JobID: job.ID, JobNumber: job.JobNumber, AppointmentID: job.FirstAppointmentID, Slot: r.Slot}
	if out.Overbooked, err = c.overbooked(ctx, r.Slot, r.BusinessUnitID, r.JobTypeID); err != nil {
		c.log.Warn("re-reading capacity after a booking failed", "job", job.ID, "err", err)
	} else if out.Overbooked {
		c.log.Warn("the slot is over-booked: tell dispatch", "job", job.ID, "jobNumber", job.JobNumber, "start", r.Slot.Start)
	}
	return out, nil
}

// ErrBadJobType is a job type that is unknown, inactive, or not mapped to
// the business unit.
var ErrBadJobType = errors.New("job type cannot be booked")

// checkJobType validates the job type against the cached reference data,
// reading it again once before refusing unless it was read within the
// last minute (it may have changed since).
func (c *Client) checkJobType(ctx context.Context, ref *Reference, jobTypeID, businessUnitID int64) (JobType, error) {
	for {
		if jt, ok := ref.JobType(jobTypeID); ok && (len(jt.BusinessUnitIDs) == 0 || slices.Contains(jt.BusinessUnitIDs, businessUnitID)) {
			return jt, nil
		}
		if c.cfg.Clock.Now().Sub(ref.Fetched) < time.Minute {
			return JobType{}, fmt.Errorf("%w: job type %d is not active for business unit %d", ErrBadJobType, jobTypeID, businessUnitID)
		}
		var err error
		if ref, err = c.RefreshReference(ctx); err != nil {
			return JobType{}, err
		}
	}
}

// jobByBookingID finds the job this booking ID created, if any.
func (c *Client) jobByBookingID(ctx context.Context, bookingID string) (*Job, error) {
	got, err := List[Job](ctx, c, c.path("jpm", "jobs"), c.byBookingID(bookingID), 50, 1)
	if err != nil || len(got) == 0 {
		return nil, err
	}
	return &got[0], nil
}

// Job reads one job.
func (c *Client) Job(ctx context.Context, id int64) (*Job, error) {
	var j Job
	err := c.do(ctx, call{method: "GET", path: c.path("jpm", "jobs/%d", id), read: true}, &j)
	return &j, err
}

// Appointment reads one appointment.
func (c *Client) Appointment(ctx context.Context, id int64) (*Appointment, error) {
	var a Appointment
	err := c.do(ctx, call{method: "GET", path: c.path("jpm", "appointments/%d", id), read: true}, &a)
	return &a, err
}

// Reschedule moves an appointment to another slot after checking the slot
// is still open. A refusal (404, 409, 400) wraps ErrCallTheOffice.
func (c *Client) Reschedule(ctx context.Context, appointmentID int64, to Slot, businessUnitID, jobTypeID int64) (*Appointment, error) {
	open, err := c.slotOpen(ctx, to, businessUnitID, jobTypeID)
	if err != nil {
		return nil, err
	}
	if !open {
		return nil, ErrSlotTaken
	}
	body := map[string]any{
		"start": to.Start.Format(time.RFC3339), "end": to.End.Format(time.RFC3339),
		"arrivalWindowStart": to.Start.Format(time.RFC3339), "arrivalWindowEnd": to.End.Format(time.RFC3339),
	}
	var a Appointment
	err = c.do(ctx, call{method: "PATCH", path: c.path("jpm", "appointments/%d/reschedule", appointmentID), body: body}, &a)
	return &a, refusal(err)
}

// Cancel cancels a job with a cancel reason (by ID, or by name when the ID
// is 0) and a memo. A refusal wraps ErrCallTheOffice.
func (c *Client) Cancel(ctx context.Context, jobID, reasonID int64, reasonName, memo string) error {
	ref, err := c.Reference(ctx)
	if err != nil {
		return err
	}
	id, ok := ref.CancelReason(reasonID, reasonName)
	if !ok {
		return fmt.Errorf("no active cancel reason %d %q", reasonID, reasonName)
	}
	if memo == "" {
		memo = "Canceled by the customer online."
	}
	err = c.do(ctx, call{method: "PUT", path: c.path("jpm", "jobs/%d/cancel", jobID), body: map[string]any{"reasonId": id, "memo": memo}}, nil)
	return refusal(err)
}

// refusal wraps the API's no to a change as ErrCallTheOffice.
func refusal(err error) error {
	switch StatusOf(err) {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusConflict:
		return fmt.Errorf("%w: %v", ErrCallTheOffice, err)
	}
	return err
}

// InboxRequest is a booking for the CSR's Bookings inbox.
type InboxRequest struct {
	BookingID      string // externalId; a new UUID when empty
	Party          Party
	Summary        string
	Start          *time.Time // preferred start (UTC)
	BusinessUnitID int64
	JobTypeID      int64
	CampaignID     int64
	FirstTime      bool
}

// InboxBooked is the outcome of an inbox booking.
type InboxBooked struct {
	Booking  Booking
	Provider int64
	Existing bool // a booking with this externalId was already there
}

// BookingProvider returns the booking-provider tag ID the connection uses:
// the configured one, else the tag named Config.BookingProviderName.
func (c *Client) BookingProvider(ctx context.Context) (int64, error) {
	if c.cfg.BookingProviderID != 0 {
		return c.cfg.BookingProviderID, nil
	}
	tags, err := List[struct {
		ID      int64  `json:"id"`
		TagName string `json:"tagName"`
		Active  bool   `json:"active"`
	}](ctx, c, c.path("crm", "booking-provider-tags"), url.Values{"name": {c.cfg.BookingProviderName}}, 50, 0)
	if err != nil {
		return 0, err
	}
	for _, t := range tags {
		if t.TagName == c.cfg.BookingProviderName && t.Active {
			return t.ID, nil
		}
	}
	return 0, fmt.Errorf("no active booking-provider tag named %q: the tenant admin creates it and binds the connection to it", c.cfg.BookingProviderName)
}

// BookInbox files a booking in the Bookings inbox under the connection's
// booking provider. The externalId is looked up first, so a resubmission
// returns the existing booking instead of a duplicate.
func (c *Client) BookInbox(ctx context.Context, r InboxRequest) (*InboxBooked, error) {
	if r.BookingID == "" {
		r.BookingID = NewBookingID()
	}
	bp, err := c.BookingProvider(ctx)
	if err != nil {
		return nil, err
	}
	out := &InboxBooked{Provider: bp}
	if b, err := c.inboxByExternalID(ctx, bp, r.BookingID); err != nil {
		return nil, err
	} else if b != nil {
		out.Booking, out.Existing = *b, true
		return out, nil
	}
	summary := r.Summary
	if summary == "" {
		summary = "Requested online through Schedule Engine."
	}
	body := map[string]any{
		"source": "Schedule Engine", "name": r.Party.Name, "summary": summary, "isFirstTimeClient": r.FirstTime,
		"externalId": r.BookingID, "address": r.Party.Address, "contacts": r.Party.contacts(), "customerType": "Residential",
	}
	if r.Start != nil {
		body["start"] = r.Start.UTC().Format(time.RFC3339)
	}
	for k, v := range map[string]int64{"businessUnitId": r.BusinessUnitID, "jobTypeId": r.JobTypeID, "campaignId": r.CampaignID} {
		if v != 0 {
			body[k] = v
		}
	}
	err = createOnce(ctx, func() error {
		return c.do(ctx, call{method: "POST", path: c.path("crm", "booking-provider/%d/bookings", bp), body: body}, &out.Booking)
	}, func() (bool, error) {
		b, err := c.inboxByExternalID(ctx, bp, r.BookingID)
		if b != nil {
			out.Booking = *b
		}
		return b != nil, err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// InboxBooking reads back a booking of the connection's provider by its
// externalId (nil if there is none).
func (c *Client) InboxBooking(ctx context.Context, bookingID string) (*Booking, error) {
	bp, err := c.BookingProvider(ctx)
	if err != nil {
		return nil, err
	}
	return c.inboxByExternalID(ctx, bp, bookingID)
}

func (c *Client) inboxByExternalID(ctx context.Context, provider int64, externalID string) (*Booking, error) {
	got, err := List[Booking](ctx, c, c.path("crm", "booking-provider/%d/bookings", provider), url.Values{"externalId": {externalID}}, 50, 1)
	if err != nil || len(got) == 0 {
		return nil, err
	}
	return &got[0], nil
}
