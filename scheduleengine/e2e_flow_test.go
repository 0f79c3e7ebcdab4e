package scheduleengine_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stsim/stsim/scheduleengine"
)

// Scenario 10: the business unit is no longer mapped to the job type after
// the cache warmed. The 400 carries a traceId, the reference data is read
// again, and nothing is retried: the next attempt is refused locally. An
// inactive job type is refused before anything is written.
func TestBadJobType(t *testing.T) {
	s := startSim(t, tenantSettings{})
	c := s.client()
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	slot := slots(t, ctx, c, tomorrow(s, c), 1, w)[0]
	ref, _ := c.Reference(ctx)
	var other int64
	for _, bu := range ref.BusinessUnits {
		if bu.ID != w.businessUnit {
			other = bu.ID
		}
	}
	admin := s.client()
	if err := admin.Do(ctx, "PATCH", admin.TenantPath("jpm", fmt.Sprintf("job-types/%d", w.jobType)), nil, map[string]any{"businessUnitIds": []int64{other}}, nil); err != nil {
		t.Fatal(err)
	}
	before := s.counts()
	req := scheduleengine.BookingRequest{Party: newParty(), BusinessUnitID: w.businessUnit, JobTypeID: w.jobType, Slot: slot}
	_, err := c.Book(ctx, req)
	var ae *scheduleengine.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest || ae.TraceID == "" {
		t.Fatalf("book: %v, want a 400 with a traceId", err)
	}
	_, err = c.Book(ctx, req)
	if !errors.Is(err, scheduleengine.ErrBadJobType) {
		t.Fatalf("second attempt: %v, want ErrBadJobType without writing", err)
	}
	n := s.counts().since(before)
	n.want(t, "jpm.Jobs_Create", 1)
	n.want(t, "jpm.JobTypes_GetList", 1) // the refresh after the 400

	_, err = c.Book(ctx, scheduleengine.BookingRequest{Party: newParty(), BusinessUnitID: w.businessUnit, JobTypeID: 999999, Slot: slot})
	if !errors.Is(err, scheduleengine.ErrBadJobType) {
		t.Fatalf("unknown job type: %v, want ErrBadJobType", err)
	}
	s.counts().since(before).want(t, "jpm.Jobs_Create", 1)
	s.lintClean()
}

// Scenario 11: about one call in five fails with 500 or 503. Reads are
// retried with backoff (honouring the 503's Retry-After); writes that
// failed are looked up before being sent again; every booking lands once.
func TestFlaky5xx(t *testing.T) {
	s := startSim(t, tenantSettings{})
	c := s.client(func(c *scheduleengine.Config) { c.Retries5xx = 6 })
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	day := tomorrow(s, c)
	s.activate("flaky-5xx")
	var ids []string
	for i := range 4 {
		open, err := c.Availability(ctx, scheduleengine.AvailabilityQuery{Date: day, Days: 2, BusinessUnitID: w.businessUnit, JobTypeID: w.jobType})
		if err != nil {
			t.Fatalf("availability %d: %v", i, err)
		}
		req := scheduleengine.BookingRequest{BookingID: scheduleengine.NewBookingID(), Party: newParty(), BusinessUnitID: w.businessUnit, JobTypeID: w.jobType, Slot: open[i%len(open)]}
		for attempt := 0; ; attempt++ { // the caller retries the intent, as a widget would
			_, err := c.Book(ctx, req)
			if err == nil {
				break
			}
			if attempt == 5 || !(scheduleengine.StatusOf(err) >= 500) {
				t.Fatalf("booking %d: %v", i, err)
			}
		}
		ids = append(ids, req.BookingID)
	}
	if failed := s.counts(http.StatusInternalServerError).total() + s.counts(http.StatusServiceUnavailable).total(); failed == 0 {
		t.Fatal("no 5xx answered: the scenario was not exercised")
	}
	s.deactivate("flaky-5xx")
	for _, id := range ids {
		if n := jobsWithBookingID(t, ctx, c, id); n != 1 {
			t.Errorf("booking %s: %d jobs, want 1", id, n)
		}
	}
	s.lintClean()
}

func jobsWithBookingID(t *testing.T, ctx context.Context, c *scheduleengine.Client, id string) int {
	t.Helper()
	got, err := scheduleengine.List[scheduleengine.Job](ctx, c, c.TenantPath("jpm", "jobs"),
		query("externalDataApplicationGuid", c.Config().ApplicationGUID, "externalDataKey", scheduleengine.BookingIDKey, "externalDataValues", id), 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(got)
}

// Scenario 11: every write commits, then answers 500. The client finds the
// customer and the job by the booking ID instead of creating them again.
func TestCommitThen500(t *testing.T) {
	s := startSim(t, tenantSettings{})
	c := s.client()
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	slot := slots(t, ctx, c, tomorrow(s, c), 1, w)[0]
	s.activate("commit-then-500")
	res, err := c.Book(ctx, scheduleengine.BookingRequest{Party: newParty(), BusinessUnitID: w.businessUnit, JobTypeID: w.jobType, Slot: slot})
	if err != nil {
		t.Fatal(err)
	}
	s.deactivate("commit-then-500")
	n := s.counts()
	n.want(t, "crm.Customers_Create", 1)
	n.want(t, "jpm.Jobs_Create", 1)
	if got := jobsWithBookingID(t, ctx, c, res.BookingID); got != 1 || res.JobID == 0 {
		t.Errorf("%d jobs for the booking (result %+v), want exactly 1", got, res)
	}
	s.lintClean()
}

// Scenario 12: the week DST starts. Booked on the Friday before (CST) for
// the Monday after (CDT), the 08:00 window is 13:00 UTC, not 14:00.
func TestDSTWeek(t *testing.T) {
	s := startSim(t, tenantSettings{Epoch: time.Date(2027, 3, 12, 15, 0, 0, 0, time.UTC)}) // Fri 09:00 CST
	c := s.client()
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	monday := scheduleengine.Date{Year: 2027, Month: time.March, Day: 15}
	open := slots(t, ctx, c, monday, 1, w)
	slot := open[0]
	if want := time.Date(2027, 3, 15, 13, 0, 0, 0, time.UTC); slot.Start.Hour() != 13 && slot.Start.Hour() != 15 && slot.Start.Hour() != 17 {
		t.Fatalf("first window starts %v UTC, want an even local hour in CDT (e.g. %v)", slot.Start, want)
	}
	if local := slot.Start.In(c.Location()); local.Format("-0700") != "-0500" {
		t.Fatalf("slot %v is not in CDT", local)
	}
	res := book(t, ctx, c, newParty(), w, slot)
	ap, err := c.Appointment(ctx, res.AppointmentID)
	if err != nil {
		t.Fatal(err)
	}
	if !ap.Start.Equal(slot.Start) {
		t.Errorf("appointment at %v, want %v", ap.Start, slot.Start)
	}
	// Friday itself is still CST: its windows are an hour later in UTC.
	friday := slots(t, ctx, c, scheduleengine.Date{Year: 2027, Month: time.March, Day: 12}, 1, w)
	if off := friday[0].Start.In(c.Location()).Format("-0700"); off != "-0600" {
		t.Errorf("Friday slot %v not in CST", friday[0].Start)
	}
	s.lintClean()
}

// Scenario 12, another zone: a Denver tenant's 08:00 is 15:00 UTC in
// winter, wherever the client runs.
func TestTenantInAnotherZone(t *testing.T) {
	s := startSim(t, tenantSettings{TimeZone: "America/Denver"})
	c := s.client(func(c *scheduleengine.Config) { c.TimeZone = "America/Denver" })
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	open := slots(t, ctx, c, tomorrow(s, c), 1, w)
	for _, sl := range open {
		local := sl.Start.In(c.Location())
		if local.Minute() != 0 || local.Hour() < 7 || local.Hour() > 18 {
			t.Errorf("slot %v is %v in Denver, not a business-hours window", sl.Start, local)
		}
	}
	res := book(t, ctx, c, newParty(), w, open[0])
	ap, err := c.Appointment(ctx, res.AppointmentID)
	if err != nil || !ap.Start.Equal(open[0].Start) {
		t.Fatalf("appointment %+v (%v), want start %v", ap, err, open[0].Start)
	}
	s.lintClean()
}

// Scenario 13: at 10:30 local, the 10:00 window is not offered, though
// capacity still reports it open.
func TestSameDayWindowAlreadyStarted(t *testing.T) {
	s := startSim(t, tenantSettings{})
	c := s.client()
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	today := scheduleengine.DateOf(s.clock.Now().In(c.Location()))
	for wd := today.At(c.Location(), 12*time.Hour).In(c.Location()).Weekday(); wd == time.Saturday || wd == time.Sunday; wd = today.At(c.Location(), 12*time.Hour).In(c.Location()).Weekday() {
		today = today.AddDays(1) // a working day
	}
	s.setClock(today.At(c.Location(), 10*time.Hour+30*time.Minute))

	var raw struct {
		Availabilities []struct {
			StartUTC         time.Time `json:"startUtc"`
			OpenAvailability float64   `json:"openAvailability"`
		} `json:"availabilities"`
	}
	ten := today.At(c.Location(), 10*time.Hour)
	err := c.Do(ctx, "POST", c.TenantPath("dispatch", "capacity"), nil, map[string]any{
		"startsOnOrAfter": today.At(c.Location(), 0).Format(time.RFC3339), "endsOnOrBefore": today.AddDays(1).At(c.Location(), 0).Format(time.RFC3339),
		"businessUnitIds": []int64{w.businessUnit}, "jobTypeId": w.jobType, "skillBasedAvailability": true}, &raw)
	if err != nil {
		t.Fatal(err)
	}
	reported := false
	for _, a := range raw.Availabilities {
		if a.StartUTC.Equal(ten) && a.OpenAvailability > 0 {
			reported = true
		}
	}
	if !reported {
		t.Fatalf("capacity does not report the 10:00 window open: %+v", raw)
	}
	for _, sl := range slots(t, ctx, c, today, 1, w) {
		if !sl.Start.After(today.At(c.Location(), 10*time.Hour+30*time.Minute)) {
			t.Errorf("offered %v, which has started", sl.Start.In(c.Location()))
		}
	}
	s.lintClean()
}

// Scenario 14: reschedule to an open window; a full (or past) window is
// blocked by the pre-check; cancel with a reason; changes ServiceTitan
// refuses come back as "call the office".
func TestRescheduleAndCancel(t *testing.T) {
	s := startSim(t, tenantSettings{})
	c := s.client()
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	open := slots(t, ctx, c, tomorrow(s, c), 2, w)
	res := book(t, ctx, c, newParty(), w, open[0])
	first, err := c.Appointment(ctx, res.AppointmentID)
	if err != nil {
		t.Fatal(err)
	}
	s.advance(time.Minute)
	to := open[len(open)-1]
	moved, err := c.Reschedule(ctx, res.AppointmentID, to, w.businessUnit, w.jobType)
	if err != nil {
		t.Fatal(err)
	}
	if !moved.Start.Equal(to.Start) || !moved.ModifiedOn.After(first.ModifiedOn) {
		t.Errorf("rescheduled %+v, want start %v and a later modifiedOn than %v", moved, to.Start, first.ModifiedOn)
	}
	before := s.counts()
	past := scheduleengine.Slot{Start: s.clock.Now().Add(-2 * time.Hour).Truncate(time.Hour), End: s.clock.Now().Truncate(time.Hour)}
	if _, err := c.Reschedule(ctx, res.AppointmentID, past, w.businessUnit, w.jobType); !errors.Is(err, scheduleengine.ErrSlotTaken) {
		t.Errorf("reschedule into a closed window: %v, want ErrSlotTaken", err)
	}
	s.counts().since(before).want(t, "jpm.Appointments_Reschedule", 0)

	if err := c.Cancel(ctx, res.JobID, 0, "Customer canceled", "changed plans"); err != nil {
		t.Fatal(err)
	}
	job, err := c.Job(ctx, res.JobID)
	if err != nil || job.JobStatus != "Canceled" {
		t.Fatalf("job %+v (%v), want Canceled", job, err)
	}
	if err := c.Cancel(ctx, res.JobID, 0, "Customer canceled", ""); !errors.Is(err, scheduleengine.ErrCallTheOffice) {
		t.Errorf("cancel twice: %v, want ErrCallTheOffice", err)
	}
	if _, err := c.Reschedule(ctx, res.AppointmentID, open[1], w.businessUnit, w.jobType); !errors.Is(err, scheduleengine.ErrCallTheOffice) {
		t.Errorf("reschedule a canceled job: %v, want ErrCallTheOffice", err)
	}
	if err := c.Cancel(ctx, res.JobID, 0, "No such reason", ""); err == nil {
		t.Error("cancel with an unknown reason: no error")
	}
	n := s.counts().since(before)
	n.want(t, "jpm.Jobs_Cancel", 2)
	s.lintClean()
}

// Scenario 15: dispatch moves a job along (a technician assigned, the job
// completed); the export feeds carry the changes with continueFrom, a
// restarted follower resumes from the stored cursor with no gap and no
// repeat, and a page whose handling failed is read again.
func TestStatusSyncWithRestart(t *testing.T) {
	s := startSim(t, tenantSettings{})
	c := s.client()
	ctx := context.Background()
	w := pickWork(t, ctx, c)
	open := slots(t, ctx, c, tomorrow(s, c), 1, w)
	a := book(t, ctx, c, newParty(), w, open[0])
	b := book(t, ctx, c, newParty(), w, open[len(open)-1])

	cursor := scheduleengine.MemoryCursor{}
	seen := map[int64][]string{} // job → statuses in order
	onJob := func(j scheduleengine.Job) error { seen[j.ID] = append(seen[j.ID], j.JobStatus); return nil }
	onAppt := func(scheduleengine.Appointment) error { return nil }
	first := c.NewStatusSync(cursor, false)
	s.advance(16 * time.Minute) // past the feeds' 15-minute delay
	if _, _, err := first.Poll(ctx, onJob, onAppt); err != nil {
		t.Fatal(err)
	}
	if len(seen[a.JobID]) != 1 || seen[a.JobID][0] != "Scheduled" || len(seen[b.JobID]) != 1 {
		t.Fatalf("after the first poll: %v", seen)
	}

	// Dispatch: assign a technician to job a's appointment, complete job a.
	admin := s.client()
	var techs struct {
		Data []struct {
			ID int64 `json:"id"`
		} `json:"data"`
	}
	if err := admin.Do(ctx, "GET", admin.TenantPath("settings", "technicians"), query("pageSize", "1"), nil, &techs); err != nil || len(techs.Data) == 0 {
		t.Fatalf("technicians: %v", err)
	}
	if err := admin.Do(ctx, "POST", admin.TenantPath("dispatch", "appointment-assignments/assign-technicians"), nil,
		map[string]any{"jobAppointmentId": a.AppointmentID, "technicianIds": []int64{techs.Data[0].ID}}, nil); err != nil {
		t.Fatal(err)
	}
	s.advance(time.Minute)
	if err := admin.Do(ctx, "PUT", admin.TenantPath("jpm", "jobs/"+strconv.FormatInt(a.JobID, 10)+"/complete"), nil,
		map[string]any{"completedOn": s.clock.Now().Format(time.RFC3339)}, nil); err != nil {
		t.Fatal(err)
	}
	s.advance(16 * time.Minute)

	// A handler failure leaves the cursor where it was.
	saved, _ := cursor.Load("jpm/export/jobs")
	boom := errors.New("disk full")
	if _, err := c.NewStatusSync(cursor, false).Jobs.Poll(ctx, func(scheduleengine.Job) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("poll with a failing handler: %v", err)
	}
	if now, _ := cursor.Load("jpm/export/jobs"); now != saved {
		t.Fatalf("cursor moved from %q to %q though the page was not processed", saved, now)
	}

	// The restarted follower resumes from the stored cursor.
	restarted := c.NewStatusSync(cursor, false)
	jobs, _, err := restarted.Poll(ctx, onJob, onAppt)
	if err != nil {
		t.Fatal(err)
	}
	if got := seen[a.JobID]; got[len(got)-1] != "Completed" {
		t.Errorf("job %d statuses %v, want Completed last", a.JobID, got)
	}
	if len(seen[b.JobID]) != 1 || jobs != 1 {
		t.Errorf("the restart re-read unchanged jobs: %d versions, b seen %v", jobs, seen[b.JobID])
	}
	// Nothing changed since: nothing new, even where from is inclusive.
	if again, _, err := restarted.Poll(ctx, onJob, onAppt); err != nil || again != 0 {
		t.Errorf("idle poll: %d new versions (%v), want 0", again, err)
	}
	s.lintClean()
}

// Scenario 16: 137 matching records read in pages of 50 via hasMore, and
// 120 IDs looked up in 3 calls of at most 50.
func TestPaging137(t *testing.T) {
	s := startSim(t, tenantSettings{})
	c := s.client()
	ctx := context.Background()
	const zip = "60699"
	var ids []int64
	for i := range 137 {
		p := newParty()
		p.Address.Zip = zip
		var created struct {
			ID int64 `json:"id"`
		}
		err := c.Do(ctx, "POST", c.TenantPath("crm", "customers"), nil, map[string]any{"name": p.Name, "address": p.Address,
			"locations": []map[string]any{{"name": p.Name, "address": p.Address}}}, &created)
		if err != nil {
			t.Fatalf("customer %d: %v", i, err)
		}
		ids = append(ids, created.ID)
	}
	before := s.counts()
	got, err := scheduleengine.List[scheduleengine.Customer](ctx, c, c.TenantPath("crm", "customers"), query("zip", zip), 50, 0)
	if err != nil || len(got) != 137 {
		t.Fatalf("listed %d (%v), want 137", len(got), err)
	}
	s.counts().since(before).want(t, "crm.Customers_GetList", 3)
	before = s.counts()
	byID, err := scheduleengine.ListByIDs[scheduleengine.Customer](ctx, c, c.TenantPath("crm", "customers"), nil, ids[:120])
	if err != nil || len(byID) != 120 {
		t.Fatalf("by IDs: %d (%v), want 120", len(byID), err)
	}
	s.counts().since(before).want(t, "crm.Customers_GetList", 3)
	s.lintClean()
}
