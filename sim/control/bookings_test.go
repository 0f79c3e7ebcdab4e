package control_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/simtest"
)

// inboxBooking is what the tests read of Crm.V2.BookingResponse.
type inboxBooking struct {
	ID                 int64     `json:"id"`
	Status             string    `json:"status"`
	JobID              *int64    `json:"jobId"`
	DismissingReasonID *int64    `json:"dismissingReasonId"`
	Start              time.Time `json:"start"`
	ModifiedOn         time.Time `json:"modifiedOn"`
}

type converted struct {
	Booking         inboxBooking `json:"booking"`
	CustomerID      int64        `json:"customerId"`
	LocationID      int64        `json:"locationId"`
	CustomerCreated bool         `json:"customerCreated"`
	LocationCreated bool         `json:"locationCreated"`
	JobID           int64        `json:"jobId"`
	AppointmentID   int64        `json:"appointmentId"`
}

// inbox is the demo connection's Bookings inbox on a test server.
type inbox struct {
	srv      *simtest.Server
	tok      string
	provider int64
}

func newInbox(t *testing.T, opts ...simtest.Option) inbox {
	srv := simtest.Start(t, opts...)
	tok := srv.Token(t)
	var tags struct{ Data []struct{ ID int64 } }
	srv.Do(t, "GET", simtest.CRM+"/booking-provider-tags?name=Schedule%20Engine", tok, nil).OK(t).JSON(t, &tags)
	return inbox{srv: srv, tok: tok, provider: tags.Data[0].ID}
}

func (in inbox) path(suffix string) string {
	return fmt.Sprintf("%s/booking-provider/%d/bookings%s", simtest.CRM, in.provider, suffix)
}

// file sends a booking with these members besides the required ones.
func (in inbox) file(t *testing.T, extra map[string]any) inboxBooking {
	t.Helper()
	body := map[string]any{"source": "Schedule Engine", "name": "Avery Quinn", "summary": "No cooling upstairs",
		"isFirstTimeClient": true, "externalId": fmt.Sprintf("se-%d", time.Now().UnixNano())}
	for k, v := range extra {
		body[k] = v
	}
	var b inboxBooking
	in.srv.Do(t, "POST", in.path(""), in.tok, body).OK(t).JSON(t, &b)
	return b
}

func (in inbox) get(t *testing.T, id int64) inboxBooking {
	t.Helper()
	var b inboxBooking
	in.srv.Do(t, "GET", in.path(fmt.Sprintf("/%d", id)), in.tok, nil).OK(t).JSON(t, &b)
	return b
}

func csrPath(tenant, booking int64, action string) string {
	return fmt.Sprintf("/_sim/tenants/%d/bookings/%d/%s", tenant, booking, action)
}

// count is the number of records a list answers (includeTotal).
func (in inbox) count(t *testing.T, path string) int {
	t.Helper()
	var page struct{ TotalCount int }
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	in.srv.Do(t, "GET", path+sep+"includeTotal=true&pageSize=1", in.tok, nil).OK(t).JSON(t, &page)
	return page.TotalCount
}

var newAddress = map[string]any{"street": "12 Elm St", "city": "Naperville", "state": "IL", "zip": "60540", "country": "USA"}

// A new caller's booking: the CSR creates the customer and location from
// it, books the job at the booking's start with the booking's job type, and
// the booking turns Converted with the jobId and a new modifiedOn, which a
// modifiedOnOrAfter poll sees.
func TestConvertNewCallersBooking(t *testing.T) {
	simtest.Backends(t, testConvertNewCallersBooking)
}

func testConvertNewCallersBooking(t *testing.T, backend simtest.Option) {
	in := newInbox(t, backend)
	start := simtest.Epoch.Add(26 * time.Hour)
	b := in.file(t, map[string]any{"address": newAddress, "jobTypeId": 1515, "start": start.Format(time.RFC3339),
		"contacts": []any{map[string]any{"type": "MobilePhone", "value": "(331) 555-0199"}, map[string]any{"type": "Email", "value": "avery@example.com"}}})
	customers, locations := in.count(t, simtest.CRM+"/customers"), in.count(t, simtest.CRM+"/locations")

	in.srv.Clock.Advance(10 * time.Minute)
	var got converted
	in.srv.Control(t, "POST", csrPath(simtest.Tenant, b.ID, "convert"), nil).OK(t).JSON(t, &got)
	if !got.CustomerCreated || !got.LocationCreated || got.JobID == 0 || got.AppointmentID == 0 {
		t.Fatalf("converted %+v, want a new customer, location, job and appointment", got)
	}
	if got.Booking.Status != "Converted" || got.Booking.JobID == nil || *got.Booking.JobID != got.JobID || !got.Booking.ModifiedOn.Equal(simtest.Epoch.Add(10*time.Minute)) {
		t.Fatalf("booking %+v, want Converted with job %d, modified at the clock", got.Booking, got.JobID)
	}
	if n := in.count(t, simtest.CRM+"/customers"); n != customers+1 {
		t.Errorf("%d customers, want %d", n, customers+1)
	}
	if n := in.count(t, simtest.CRM+"/locations"); n != locations+1 {
		t.Errorf("%d locations, want %d", n, locations+1)
	}

	var job struct {
		ID, CustomerID, LocationID, JobTypeID, BusinessUnitID, CampaignID, FirstAppointmentID int64
		BookingID                                                                             *int64
		JobStatus, Priority                                                                   string
	}
	in.srv.Do(t, "GET", fmt.Sprintf("%s/jobs/%d", simtest.JPM, got.JobID), in.tok, nil).OK(t).JSON(t, &job)
	if job.CustomerID != got.CustomerID || job.LocationID != got.LocationID || job.JobTypeID != 1515 || job.BusinessUnitID != 1428 ||
		job.CampaignID != 1487 || job.Priority != "Low" || job.JobStatus != "Scheduled" || job.FirstAppointmentID != got.AppointmentID ||
		job.BookingID == nil || *job.BookingID != b.ID {
		t.Errorf("job %+v, want the booking's job type, its business unit, the default campaign and priority, bookingId %d", job, b.ID)
	}
	var appt struct{ Start, End time.Time }
	in.srv.Do(t, "GET", fmt.Sprintf("%s/appointments/%d", simtest.JPM, got.AppointmentID), in.tok, nil).OK(t).JSON(t, &appt)
	if !appt.Start.Equal(start) || !appt.End.Equal(start.Add(90*time.Minute)) {
		t.Errorf("appointment %v–%v, want the booking's start for the job type's 90 minutes", appt.Start, appt.End)
	}
	var cust struct{ Name string }
	in.srv.Do(t, "GET", fmt.Sprintf("%s/customers/%d", simtest.CRM, got.CustomerID), in.tok, nil).OK(t).JSON(t, &cust)
	var contacts struct {
		Data []struct{ Type, Value string }
	}
	in.srv.Do(t, "GET", fmt.Sprintf("%s/customers/%d/contacts", simtest.CRM, got.CustomerID), in.tok, nil).OK(t).JSON(t, &contacts)
	if cust.Name != "Avery Quinn" || len(contacts.Data) != 2 {
		t.Errorf("customer %+v with contacts %+v, want the booking's name and its two contacts", cust, contacts.Data)
	}

	// The provider's poll since before the conversion sees it.
	var page struct{ Data []inboxBooking }
	since := simtest.Epoch.Add(5 * time.Minute).Format(time.RFC3339)
	in.srv.Do(t, "GET", in.path("?modifiedOnOrAfter="+since), in.tok, nil).OK(t).JSON(t, &page)
	if len(page.Data) != 1 || page.Data[0].ID != b.ID || page.Data[0].Status != "Converted" {
		t.Errorf("bookings modified on or after %s: %+v, want the converted booking", since, page.Data)
	}

	// Converted is final: a second conversion or a dismissal is a 409.
	in.srv.Control(t, "POST", csrPath(simtest.Tenant, b.ID, "convert"), nil).WantError(t, 409, "status")
	in.srv.Control(t, "POST", csrPath(simtest.Tenant, b.ID, "dismiss"), map[string]any{"dismissingReasonId": 1494}).WantError(t, 409, "status")
	if n := in.count(t, simtest.JPM+"/jobs?bookingId="+fmt.Sprint(b.ID)); n != 1 {
		t.Errorf("%d jobs of booking %d, want 1", n, b.ID)
	}
}

// A returning caller: the phone finds the customer; the same address
// (written differently) is its existing location, a new one a new location.
func TestConvertReturningCallersBooking(t *testing.T) {
	in := newInbox(t)
	phone := []any{map[string]any{"type": "Phone", "value": "630.555.0187"}}
	same := in.file(t, map[string]any{"contacts": phone,
		"address": map[string]any{"street": " 1548 BRIARWOOD DR", "city": "Naperville", "state": "IL", "zip": "60540", "country": "USA"}})
	var got converted
	in.srv.Control(t, "POST", csrPath(simtest.Tenant, same.ID, "convert"), nil).OK(t).JSON(t, &got)
	if got.CustomerID != 6 || got.CustomerCreated || got.LocationCreated {
		t.Fatalf("converted %+v, want customer 6 at its existing location", got)
	}
	moved := in.file(t, map[string]any{"contacts": phone, "address": newAddress})
	in.srv.Control(t, "POST", csrPath(simtest.Tenant, moved.ID, "convert"), nil).OK(t).JSON(t, &got)
	if got.CustomerID != 6 || got.CustomerCreated || !got.LocationCreated {
		t.Fatalf("converted %+v, want a new location under customer 6", got)
	}
	var loc struct {
		CustomerID int64
		Address    struct{ Street string }
	}
	in.srv.Do(t, "GET", fmt.Sprintf("%s/locations/%d", simtest.CRM, got.LocationID), in.tok, nil).OK(t).JSON(t, &loc)
	if loc.CustomerID != 6 || loc.Address.Street != "12 Elm St" {
		t.Errorf("location %+v, want the booking's address under customer 6", loc)
	}
	// The CSR's choices replace the booking's.
	newLocation := got.LocationID
	picked := in.file(t, map[string]any{"contacts": phone, "jobTypeId": 1515})
	in.srv.Control(t, "POST", csrPath(simtest.Tenant, picked.ID, "convert"), map[string]any{
		"locationId": newLocation, "jobTypeId": 1517, "priority": "Urgent", "start": simtest.Epoch.Add(48 * time.Hour)}).OK(t).JSON(t, &got)
	var job struct {
		LocationID, JobTypeID, BusinessUnitID int64
		Priority                              string
	}
	in.srv.Do(t, "GET", fmt.Sprintf("%s/jobs/%d", simtest.JPM, got.JobID), in.tok, nil).OK(t).JSON(t, &job)
	if job.LocationID != newLocation || job.JobTypeID != 1517 || job.BusinessUnitID != 1429 || job.Priority != "Urgent" {
		t.Errorf("job %+v, want the CSR's location, job type (with its business unit) and priority", job)
	}
}

// Dismissing names an active call reason; a dismissed booking stays
// dismissed.
func TestDismissBooking(t *testing.T) {
	in := newInbox(t)
	b := in.file(t, map[string]any{"address": newAddress})
	path := csrPath(simtest.Tenant, b.ID, "dismiss")
	in.srv.Control(t, "POST", path, map[string]any{"dismissingReasonId": 0}).WantError(t, 400, "dismissingReasonId")
	in.srv.Control(t, "POST", path, map[string]any{"dismissingReasonId": 999999}).WantError(t, 400, "dismissingReasonId")
	in.srv.Control(t, "POST", path, map[string]any{"dismissingReasonId": 1501}).WantError(t, 400, "dismissingReasonId") // inactive
	in.srv.Control(t, "POST", path, nil).WantError(t, 400, "body")
	if got := in.get(t, b.ID); got.Status != "New" {
		t.Fatalf("after refused dismissals: %+v, want New", got)
	}
	in.srv.Clock.Advance(time.Minute)
	var out struct{ Booking inboxBooking }
	in.srv.Control(t, "POST", path, map[string]any{"dismissingReasonId": 1494}).OK(t).JSON(t, &out)
	if out.Booking.Status != "Dismissed" || out.Booking.DismissingReasonID == nil || *out.Booking.DismissingReasonID != 1494 || out.Booking.JobID != nil ||
		!out.Booking.ModifiedOn.Equal(simtest.Epoch.Add(time.Minute)) {
		t.Fatalf("dismissed %+v", out.Booking)
	}
	if got := in.get(t, b.ID); got.Status != "Dismissed" {
		t.Errorf("read back %+v, want Dismissed", got)
	}
	in.srv.Control(t, "POST", path, map[string]any{"dismissingReasonId": 1494}).WantError(t, 409, "status")
	in.srv.Control(t, "POST", csrPath(simtest.Tenant, b.ID, "convert"), nil).WantError(t, 409, "status")
}

// Refused conversions write nothing: the booking stays New and no
// customer is created.
func TestConvertBookingRefusals(t *testing.T) {
	simtest.Backends(t, testConvertBookingRefusals)
}

func testConvertBookingRefusals(t *testing.T, backend simtest.Option) {
	in := newInbox(t, backend)
	b := in.file(t, map[string]any{"address": newAddress, "contacts": []any{map[string]any{"type": "Phone", "value": "331-555-0100"}}})
	customers := in.count(t, simtest.CRM+"/customers")
	convert := csrPath(simtest.Tenant, b.ID, "convert")
	for name, c := range map[string]struct {
		path   string
		body   any
		status int
		field  string
	}{
		"unknown tenant":          {csrPath(999, b.ID, "convert"), nil, 404, ""},
		"unknown booking":         {csrPath(simtest.Tenant, 999999, "convert"), nil, 404, ""},
		"booking ID not a number": {fmt.Sprintf("/_sim/tenants/%d/bookings/x/convert", simtest.Tenant), nil, 400, "booking"},
		"body of another shape":   {convert, map[string]any{"jobTypeId": "AC Repair"}, 400, "body"},
		"misspelt member":         {convert, map[string]any{"jobTypId": 1515}, 400, "body"},
		"inactive job type":       {convert, map[string]any{"jobTypeId": 1519}, 400, "jobTypeId"},
		"unmapped business unit":  {convert, map[string]any{"jobTypeId": 1514, "businessUnitId": 1430}, 400, "businessUnitId"},
		"unknown location":        {convert, map[string]any{"locationId": 999999}, 400, "locationId"},
		"bad priority":            {convert, map[string]any{"priority": "Soon"}, 400, "priority"},
		"unknown tenant dismiss":  {csrPath(999, b.ID, "dismiss"), map[string]any{"dismissingReasonId": 1494}, 404, ""},
		"unknown booking dismiss": {csrPath(simtest.Tenant, 999999, "dismiss"), map[string]any{"dismissingReasonId": 1494}, 404, ""},
	} {
		t.Run(name, func(t *testing.T) {
			in.srv.Control(t, "POST", c.path, c.body).WantError(t, c.status, c.field)
		})
	}
	if got := in.get(t, b.ID); got.Status != "New" || got.JobID != nil {
		t.Errorf("after refused conversions: %+v, want New without a job", got)
	}
	if n := in.count(t, simtest.CRM+"/customers"); n != customers {
		t.Errorf("%d customers after refused conversions, want %d", n, customers)
	}
	// A returning caller at a new address: the location created for the
	// job goes with the refused job.
	moved := in.file(t, map[string]any{"address": newAddress, "contacts": []any{map[string]any{"type": "Phone", "value": "630.555.0187"}}})
	locations := simtest.CRM + "/locations?customerId=6"
	before := in.count(t, locations)
	in.srv.Control(t, "POST", csrPath(simtest.Tenant, moved.ID, "convert"), map[string]any{"jobTypeId": 1519}).WantError(t, 400, "jobTypeId")
	if n := in.count(t, locations); n != before {
		t.Errorf("customer 6 has %d locations after a refused conversion, want %d", n, before)
	}
	if got := in.get(t, moved.ID); got.Status != "New" || got.JobID != nil {
		t.Errorf("after a refused conversion of a returning caller's booking: %+v, want New without a job", got)
	}
	// A booking without an address whose phone nobody has needs a location.
	bare := in.file(t, map[string]any{"contacts": []any{map[string]any{"type": "Email", "value": "nobody@example.com"}}})
	in.srv.Control(t, "POST", csrPath(simtest.Tenant, bare.ID, "convert"), nil).WantError(t, 400, "locationId")
}
