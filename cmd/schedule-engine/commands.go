package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/stsim/stsim/scheduleengine"
)

func newHTTPClient(timeout time.Duration) *http.Client { return &http.Client{Timeout: timeout} }

func cmdConnect(ctx context.Context, a *app) error {
	c, err := a.client()
	if err != nil {
		return err
	}
	rep := c.Connect(ctx)
	if err := a.print(rep, func(w io.Writer) { printConnect(w, c, rep) }); err != nil {
		return err
	}
	if !rep.Connected {
		return errReported
	}
	return nil
}

func printConnect(w io.Writer, c *scheduleengine.Client, rep *scheduleengine.ConnectReport) {
	for _, s := range rep.Steps {
		mark := "ok  "
		if !s.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "%s %-16s %s\n", mark, s.Name, s.Detail)
		if !s.OK {
			fmt.Fprintf(w, "     problem: %s\n", s.Problem)
			if s.Fix != "" {
				fmt.Fprintf(w, "     fix: %s\n", s.Fix)
			}
		}
	}
	cfg := c.Config()
	if rep.Connected {
		fmt.Fprintf(w, "connected: tenant %d at %s, booking provider %d\n", cfg.TenantID, cfg.Env.APIURL, rep.BookingProviderID)
	} else {
		fmt.Fprintf(w, "not connected: %s\n", rep.Problem)
	}
}

// workFlags are the flags naming the kind of work.
type workFlags struct{ jobType, businessUnit *int64 }

func addWork(a *app) workFlags {
	return workFlags{
		jobType:      a.fs.Int64("job-type", 0, "job type ID (default: the first active job type)"),
		businessUnit: a.fs.Int64("business-unit", 0, "business unit ID (default: the job type's first)"),
	}
}

// resolve fills in the default job type and business unit.
func (f workFlags) resolve(ctx context.Context, c *scheduleengine.Client) (jobType, bu int64, err error) {
	ref, err := c.Reference(ctx)
	if err != nil {
		return 0, 0, err
	}
	jobType, bu = *f.jobType, *f.businessUnit
	for _, jt := range ref.JobTypes {
		if jt.Active && len(jt.BusinessUnitIDs) > 0 && (jobType == 0 || jt.ID == jobType) {
			jobType = jt.ID
			if bu == 0 {
				bu = jt.BusinessUnitIDs[0]
			}
			return jobType, bu, nil
		}
	}
	return 0, 0, fmt.Errorf("no active job type %d with a business unit", jobType)
}

func cmdAvailability(ctx context.Context, a *app) error {
	day := a.fs.String("date", "", "first day, YYYY-MM-DD in the tenant's zone (default: tomorrow)")
	days := a.fs.Int("days", 1, "how many days (at most 14)")
	work := addWork(a)
	c, err := a.client()
	if err != nil {
		return err
	}
	d, err := date(*day, c)
	if err != nil {
		return err
	}
	jt, bu, err := work.resolve(ctx, c)
	if err != nil {
		return err
	}
	slots, err := c.Availability(ctx, scheduleengine.AvailabilityQuery{Date: d, Days: *days, BusinessUnitID: bu, JobTypeID: jt})
	if err != nil {
		return err
	}
	return a.print(slots, func(w io.Writer) {
		fmt.Fprintf(w, "%d open windows from %s for job type %d, business unit %d:\n", len(slots), d, jt, bu)
		for _, s := range slots {
			fmt.Fprintf(w, "  %s  (%s to %s UTC, open %g, %d technicians)\n",
				s.Start.In(c.Location()).Format("Mon 2006-01-02 15:04")+"–"+s.End.In(c.Location()).Format("15:04 MST"),
				s.Start.Format("15:04"), s.End.Format("15:04"), s.Open, s.Technicians)
		}
	})
}

// pickSlot finds the open slot starting at start (RFC 3339), or the first
// open slot from the date on.
func pickSlot(ctx context.Context, c *scheduleengine.Client, start, day string, jt, bu int64) (scheduleengine.Slot, error) {
	var d scheduleengine.Date
	var at time.Time
	var err error
	if start != "" {
		if at, err = time.Parse(time.RFC3339, start); err != nil {
			return scheduleengine.Slot{}, fmt.Errorf("-start %q: want RFC 3339, e.g. 2026-12-08T16:00:00Z", start)
		}
		d = scheduleengine.DateOf(at.In(c.Location()))
	} else if d, err = date(day, c); err != nil {
		return scheduleengine.Slot{}, err
	}
	days := 7
	if start != "" {
		days = 1
	}
	slots, err := c.Availability(ctx, scheduleengine.AvailabilityQuery{Date: d, Days: days, BusinessUnitID: bu, JobTypeID: jt})
	if err != nil {
		return scheduleengine.Slot{}, err
	}
	for _, s := range slots {
		if start == "" || s.Start.Equal(at) {
			return s, nil
		}
	}
	return scheduleengine.Slot{}, scheduleengine.ErrSlotTaken
}

func cmdBook(ctx context.Context, a *app) error {
	var p scheduleengine.Party
	a.fs.StringVar(&p.Name, "name", "", "customer name (required)")
	a.fs.StringVar(&p.Phone, "phone", "", "phone (required)")
	a.fs.StringVar(&p.Email, "email", "", "email")
	a.fs.StringVar(&p.Address.Street, "street", "", "street (required)")
	a.fs.StringVar(&p.Address.Unit, "unit", "", "unit")
	a.fs.StringVar(&p.Address.City, "city", "", "city (required)")
	a.fs.StringVar(&p.Address.State, "state", "", "state (required)")
	a.fs.StringVar(&p.Address.Zip, "zip", "", "zip (required)")
	a.fs.StringVar(&p.Address.Country, "country", "USA", "country")
	start := a.fs.String("start", "", "the window's start, RFC 3339 (default: the first open window)")
	day := a.fs.String("date", "", "with no -start: first day to look for a window (default: tomorrow)")
	id := a.fs.String("booking-id", "", "your booking ID (default: a new UUID); re-sending one never books twice")
	inbox := a.fs.Bool("inbox", false, "file a booking in the Bookings inbox instead of booking a job")
	summary := a.fs.String("summary", "", "what the customer needs")
	work := addWork(a)
	c, err := a.client()
	if err != nil {
		return err
	}
	if p.Name == "" || p.Phone == "" || p.Address.Street == "" || p.Address.City == "" || p.Address.State == "" || p.Address.Zip == "" {
		fmt.Fprintln(a.stderr, "schedule-engine book: -name, -phone, -street, -city, -state and -zip are required")
		return errUsage
	}
	jt, bu, err := work.resolve(ctx, c)
	if err != nil {
		return err
	}
	slot, err := pickSlot(ctx, c, *start, *day, jt, bu)
	if err != nil {
		return err
	}
	if *inbox {
		st := slot.Start
		b, err := c.BookInbox(ctx, scheduleengine.InboxRequest{BookingID: *id, Party: p, Summary: *summary, Start: &st, BusinessUnitID: bu, JobTypeID: jt, FirstTime: true})
		if err != nil {
			return err
		}
		return a.print(b, func(w io.Writer) {
			verb := "filed"
			if b.Existing {
				verb = "already filed"
			}
			fmt.Fprintf(w, "booking %d %s in the Bookings inbox (provider %d, externalId %s, status %s)\n", b.Booking.ID, verb, b.Provider, b.Booking.ExternalID, b.Booking.Status)
		})
	}
	res, err := c.Book(ctx, scheduleengine.BookingRequest{BookingID: *id, Party: p, BusinessUnitID: bu, JobTypeID: jt, Slot: slot, Summary: *summary})
	if err != nil {
		return err
	}
	return a.print(res, func(w io.Writer) { printBooked(w, c, res) })
}

func printBooked(w io.Writer, c *scheduleengine.Client, res *scheduleengine.Booked) {
	if res.Existing {
		fmt.Fprintf(w, "already booked: job %d (booking ID %s)\n", res.JobID, res.BookingID)
		return
	}
	who := "existing customer"
	if res.Match.CustomerCreated {
		who = "new customer"
	} else if res.Match.LocationCreated {
		who = "existing customer, new location"
	}
	fmt.Fprintf(w, "booked job %d (appointment %d) for %s %d at location %d, %s, booking ID %s\n",
		res.JobID, res.AppointmentID, who, res.Match.Customer.ID, res.Match.Location.ID,
		res.Slot.Start.In(c.Location()).Format("Mon 2006-01-02 15:04")+"–"+res.Slot.End.In(c.Location()).Format("15:04 MST"), res.BookingID)
}

func cmdReschedule(ctx context.Context, a *app) error {
	appt := a.fs.Int64("appointment", 0, "appointment ID (required)")
	start := a.fs.String("start", "", "the new window's start, RFC 3339 (default: the first open window)")
	day := a.fs.String("date", "", "with no -start: first day to look for a window (default: tomorrow)")
	c, err := a.client()
	if err != nil {
		return err
	}
	if *appt <= 0 {
		fmt.Fprintln(a.stderr, "schedule-engine reschedule: -appointment is required")
		return errUsage
	}
	old, err := c.Appointment(ctx, *appt)
	if err != nil {
		return err
	}
	job, err := c.Job(ctx, old.JobID)
	if err != nil {
		return err
	}
	slot, err := pickSlot(ctx, c, *start, *day, job.JobTypeID, job.BusinessUnitID)
	if err != nil {
		return err
	}
	got, err := c.Reschedule(ctx, *appt, slot, job.BusinessUnitID, job.JobTypeID)
	if err != nil {
		return err
	}
	return a.print(got, func(w io.Writer) {
		fmt.Fprintf(w, "appointment %d of job %d moved to %s\n", got.ID, got.JobID,
			got.Start.In(c.Location()).Format("Mon 2006-01-02 15:04")+"–"+got.End.In(c.Location()).Format("15:04 MST"))
	})
}

func cmdCancel(ctx context.Context, a *app) error {
	job := a.fs.Int64("job", 0, "job ID (required)")
	reason := a.fs.Int64("reason", 0, "cancel reason ID (default: by -reason-name)")
	reasonName := a.fs.String("reason-name", "Customer canceled", "cancel reason name, when -reason is not given")
	memo := a.fs.String("memo", "", "memo")
	c, err := a.client()
	if err != nil {
		return err
	}
	if *job <= 0 {
		fmt.Fprintln(a.stderr, "schedule-engine cancel: -job is required")
		return errUsage
	}
	if err := c.Cancel(ctx, *job, *reason, *reasonName, *memo); err != nil {
		return err
	}
	j, err := c.Job(ctx, *job)
	if err != nil {
		return err
	}
	return a.print(j, func(w io.Writer) { fmt.Fprintf(w, "job %d is %s\n", j.ID, j.JobStatus) })
}

// fileCursor keeps export cursors in a JSON file, written after each page.
type fileCursor struct{ path string }

func (f fileCursor) read() (map[string]string, error) {
	m := map[string]string{}
	data, err := os.ReadFile(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	if len(data) > 1<<20 {
		return nil, fmt.Errorf("%s: larger than 1 MiB, not a cursor file", f.path)
	}
	return m, json.Unmarshal(data, &m)
}

func (f fileCursor) Load(feed string) (string, error) {
	m, err := f.read()
	return m[feed], err
}

func (f fileCursor) Save(feed, token string) error {
	m, err := f.read()
	if err != nil {
		return err
	}
	m[feed] = token
	data, _ := json.MarshalIndent(m, "", "  ")
	tmp := f.path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, f.path)
}

// change is one line of sync output.
type change struct {
	Kind       string    `json:"kind"`
	ID         int64     `json:"id"`
	JobID      int64     `json:"jobId,omitempty"`
	Status     string    `json:"status"`
	ModifiedOn time.Time `json:"modifiedOn"`
}

func cmdSync(ctx context.Context, a *app) error {
	cursorFile := a.fs.String("cursor", filepath.Join(os.TempDir(), "schedule-engine-cursor.json"), "file keeping the export feeds' continueFrom tokens")
	recent := a.fs.Bool("recent", true, "include the last 15 minutes' changes (duplicates are dropped)")
	c, err := a.client()
	if err != nil {
		return err
	}
	var changes []change
	s := c.NewStatusSync(fileCursor{*cursorFile}, *recent)
	_, _, err = s.Poll(ctx, func(j scheduleengine.Job) error {
		changes = append(changes, change{Kind: "job", ID: j.ID, Status: j.JobStatus, ModifiedOn: j.ModifiedOn})
		return nil
	}, func(ap scheduleengine.Appointment) error {
		changes = append(changes, change{Kind: "appointment", ID: ap.ID, JobID: ap.JobID, Status: ap.Status, ModifiedOn: ap.ModifiedOn})
		return nil
	})
	if err != nil {
		return err
	}
	return a.print(changes, func(w io.Writer) {
		counts := map[string]int{}
		for _, ch := range changes {
			counts[ch.Kind+" "+ch.Status]++
		}
		fmt.Fprintf(w, "%d changes since the last sync (cursor %s)\n", len(changes), *cursorFile)
		for _, k := range slices.Sorted(maps.Keys(counts)) {
			fmt.Fprintf(w, "  %-28s %d\n", k, counts[k])
		}
	})
}
