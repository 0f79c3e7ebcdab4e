package scheduleengine_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stsim/stsim/scheduleengine"
)

// The end-to-end scenarios of the Schedule Engine flow reference (§3), each
// against a real stsim, each checked against stsim's journal and lint.

var partySerial atomic.Int64

// newParty is a caller nobody in the demo tenant has the phone of.
func newParty() scheduleengine.Party {
	n := partySerial.Add(1)
	return scheduleengine.Party{
		Name: fmt.Sprintf("Test Caller %d", n), Phone: fmt.Sprintf("(312) 555-%04d", 9000+n), Email: "caller@example.com",
		Address: scheduleengine.Address{Street: fmt.Sprintf("%d W Test St", 100+n), City: "Chicago", State: "IL", Zip: "60601", Country: "USA"},
	}
}

// work is what the tests book: the first active job type and its first
// business unit.
type work struct{ jobType, businessUnit int64 }

func pickWork(t *testing.T, ctx context.Context, c *scheduleengine.Client) work {
	t.Helper()
	ref, err := c.Reference(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, jt := range ref.JobTypes {
		if jt.Active && len(jt.BusinessUnitIDs) > 0 {
			return work{jt.ID, jt.BusinessUnitIDs[0]}
		}
	}
	t.Fatal("no active job type with a business unit")
	return work{}
}

// tomorrow is the next day in the tenant's zone by the simulator clock.
func tomorrow(s *stsim, c *scheduleengine.Client) scheduleengine.Date {
	return scheduleengine.DateOf(s.clock.Now().In(c.Location())).AddDays(1)
}

func slots(t *testing.T, ctx context.Context, c *scheduleengine.Client, d scheduleengine.Date, days int, w work) []scheduleengine.Slot {
	t.Helper()
	got, err := c.Availability(ctx, scheduleengine.AvailabilityQuery{Date: d, Days: days, BusinessUnitID: w.businessUnit, JobTypeID: w.jobType})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 {
		t.Fatalf("no open slots from %s", d)
	}
	return got
}

func book(t *testing.T, ctx context.Context, c *scheduleengine.Client, p scheduleengine.Party, w work, slot scheduleengine.Slot) *scheduleengine.Booked {
	t.Helper()
	res, err := c.Book(ctx, scheduleengine.BookingRequest{Party: p, BusinessUnitID: w.businessUnit, JobTypeID: w.jobType, Slot: slot})
	if err != nil {
		t.Fatalf("book: %v", err)
	}
	return res
}

// Scenario 1: a new customer books a job in an open window.
func TestNewCustomer(t *testing.T) {
	s := startSim(t, tenantSettings{})
	c := s.client()
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	day := tomorrow(s, c)
	open := slots(t, ctx, c, day, 1, w)
	slot := open[len(open)/2]
	res := book(t, ctx, c, newParty(), w, slot)

	if !res.Match.CustomerCreated || !res.Match.LocationCreated || res.JobID == 0 || res.AppointmentID == 0 || res.Overbooked {
		t.Fatalf("booked %+v, want a new customer, location, job and first appointment", res)
	}
	// The appointment is the local arrival window, converted per date.
	ref, _ := c.Reference(ctx)
	var want time.Time
	for _, aw := range ref.Windows(w.businessUnit) {
		start, end, err := scheduleengine.WindowUTC(day, c.Location(), aw)
		if err != nil {
			t.Fatal(err)
		}
		if start.Equal(slot.Start) && end.Equal(slot.End) {
			want = start
		}
	}
	if want.IsZero() {
		t.Fatalf("slot %v–%v matches no arrival window of %s in %s", slot.Start, slot.End, day, c.Location())
	}
	ap, err := c.Appointment(ctx, res.AppointmentID)
	if err != nil {
		t.Fatal(err)
	}
	if !ap.Start.Equal(want) || ap.ArrivalWindowStart == nil || !ap.ArrivalWindowStart.Equal(want) || ap.JobID != res.JobID {
		t.Errorf("appointment %+v, want start and arrival window at %v", ap, want)
	}
	job, err := c.Job(ctx, res.JobID)
	if err != nil || job.JobStatus != "Scheduled" || job.FirstAppointmentID != res.AppointmentID {
		t.Errorf("job %+v (%v), want Scheduled with first appointment %d", job, err, res.AppointmentID)
	}

	n := s.counts()
	n.want(t, "crm.Customers_Create", 1)
	n.want(t, "crm.Locations_Create", 0)
	n.want(t, "jpm.Jobs_Create", 1)
	n.want(t, "token.Token_Create", 1)
	n.want(t, "dispatch.Capacity_GetList", 3) // availability, the re-check, the look after writing
	if n.total() > 17 {
		t.Errorf("%d API calls for one booking, want at most 17: %v", n.total(), n)
	}
	if bad := s.counts(http.StatusUnauthorized); len(bad) > 0 {
		t.Errorf("401s: %v (token or app key missing on a call)", bad)
	}
	s.lintClean()
}

// Scenario 1, resubmitted: the same booking ID never books twice.
func TestSameBookingIDBooksOnce(t *testing.T) {
	s := startSim(t, tenantSettings{})
	c := s.client()
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	slot := slots(t, ctx, c, tomorrow(s, c), 1, w)[0]
	p := newParty()
	first := book(t, ctx, c, p, w, slot)
	again, err := c.Book(ctx, scheduleengine.BookingRequest{BookingID: first.BookingID, Party: p, BusinessUnitID: w.businessUnit, JobTypeID: w.jobType, Slot: slot})
	if err != nil || !again.Existing || again.JobID != first.JobID {
		t.Fatalf("resubmission: %+v, %v; want the existing job %d", again, err, first.JobID)
	}
	s.counts().want(t, "jpm.Jobs_Create", 1)
	s.lintClean()
}

// Scenario 2: a returning caller at a new address gets a new location
// under the same customer; a phone shared by several customers books with
// a takeover note.
func TestReturningCustomerNewAddress(t *testing.T) {
	s := startSim(t, tenantSettings{})
	c := s.client()
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	open := slots(t, ctx, c, tomorrow(s, c), 2, w)

	p := scheduleengine.Party{Name: "Jordan Ellison", Phone: "630.555.0187",
		Address: scheduleengine.Address{Street: "77 New Home Ln", City: "Naperville", State: "IL", Zip: "60563", Country: "USA"}}
	res := book(t, ctx, c, p, w, open[0])
	if res.Match.CustomerCreated || !res.Match.LocationCreated || res.Match.Customer.ID != 6 || res.Match.Location.CustomerID != 6 {
		t.Fatalf("match %+v, want a new location under customer 6", res.Match)
	}
	// Same caller, same (old) address, written differently: no new records.
	p.Address = scheduleengine.Address{Street: "1548 briarwood dr", City: "Naperville", State: "IL", Zip: "60540", Country: "USA"}
	again := book(t, ctx, c, p, w, open[1])
	if again.Match.CustomerCreated || again.Match.LocationCreated || again.Match.Customer.ID != 6 {
		t.Fatalf("match %+v, want customer 6's existing location", again.Match)
	}

	shared := scheduleengine.Party{Name: "A Caller", Phone: "(773) 555-0123",
		Address: scheduleengine.Address{Street: "5 Unknown Ave", City: "Chicago", State: "IL", Zip: "60614", Country: "USA"}}
	tk := book(t, ctx, c, shared, w, open[0])
	if !tk.Match.Takeover || tk.Match.CustomerCreated {
		t.Errorf("shared phone: %+v, want a takeover booking on an existing customer", tk.Match)
	}

	n := s.counts()
	n.want(t, "crm.Customers_Create", 0)
	n.want(t, "crm.Locations_Create", 2)
	n.want(t, "jpm.Jobs_Create", 3)
	s.lintClean()
}

// Scenario 17: a do-not-service customer is not booked, and nothing is
// written.
func TestDoNotServiceCustomer(t *testing.T) {
	s := startSim(t, tenantSettings{})
	c := s.client()
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	slot := slots(t, ctx, c, tomorrow(s, c), 1, w)[0]
	p := scheduleengine.Party{Name: "Vernon Kessler", Phone: "+1 (708) 555-0166",
		Address: scheduleengine.Address{Street: "4820 W 95th St", City: "Oak Lawn", State: "IL", Zip: "60453", Country: "USA"}}
	_, err := c.Book(ctx, scheduleengine.BookingRequest{Party: p, BusinessUnitID: w.businessUnit, JobTypeID: w.jobType, Slot: slot})
	if !errors.Is(err, scheduleengine.ErrDoNotService) {
		t.Fatalf("err %v, want ErrDoNotService", err)
	}
	n := s.counts()
	for _, op := range []string{"crm.Customers_Create", "crm.Locations_Create", "jpm.Jobs_Create"} {
		n.want(t, op, 0)
	}
	s.lintClean()
}

// Scenario 3: a booking in the Bookings inbox under the connection's
// booking provider; a resubmission with the same externalId is found, not
// duplicated.
func TestBookingsInbox(t *testing.T) {
	s := startSim(t, tenantSettings{})
	c := s.client()
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	slot := slots(t, ctx, c, tomorrow(s, c), 1, w)[0]
	req, b := fileInbox(t, ctx, c, w, slot)
	if b.Existing || b.Booking.ID == 0 || b.Booking.Status != "New" || b.Booking.ExternalID != req.BookingID {
		t.Fatalf("booking %+v, want a New booking with externalId %s", b, req.BookingID)
	}
	again, err := c.BookInbox(ctx, req)
	if err != nil || !again.Existing || again.Booking.ID != b.Booking.ID {
		t.Fatalf("resubmission: %+v, %v; want the existing booking %d", again, err, b.Booking.ID)
	}
	got, err := c.InboxBooking(ctx, req.BookingID)
	if err != nil || got == nil || got.ID != b.Booking.ID {
		t.Fatalf("read back: %+v, %v", got, err)
	}
	// The connection is bound to its provider tag: the tenant-level list
	// is closed to it, which Connect explains.
	err = c.Do(ctx, "GET", c.TenantPath("crm", "bookings"), nil, nil, nil)
	if scheduleengine.StatusOf(err) != http.StatusForbidden {
		t.Errorf("tenant-level bookings: %v, want 403 for a bound connection", err)
	}
	rep := c.Connect(ctx)
	if !rep.Connected || rep.BookingProviderID != b.Provider || !strings.Contains(rep.Steps[len(rep.Steps)-1].Detail, "403") {
		t.Errorf("connect: %+v, want connected with provider %d and the 403 explained", rep, b.Provider)
	}
	n := s.counts()
	n.want(t, "crm.Bookings_Create", 1)
	n.want(t, "crm.Customers_Create", 0)
	s.lintClean()
}

// query is a small url.Values builder.
func query(kv ...string) url.Values {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return q
}
