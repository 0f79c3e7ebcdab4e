package jpm

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/marketing"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
	"github.com/stsim/stsim/sim/tenant"
)

// Demo data. Seed runs after the crm, settings, marketing and jbce seeds in
// the same transaction and finds their records by listing them (never by
// ID). It writes, in this order:
//
//   - three job custom field types (Text, Dropdown, Numeric);
//   - DemoCancelReasons and DemoHoldReasons, the last of each inactive;
//   - DemoJobTypes (durations in seconds), the last inactive, each mapped to
//     the business unit of its trade (matched by name: HVAC/heating/cooling,
//     plumbing, electrical; the first active unit otherwise) and requiring
//     the skill of its trade as the technicians' skills spell it;
//   - the jobs of demoJobs, dated relative to the start time in the tenant's
//     time zone: seven last week (six completed, one canceled), four today
//     (Working, Dispatched, Scheduled or done by the clock; one without a
//     technician), eight in the coming week (one on hold, one canceled, two
//     with a second appointment, three without a technician, one carrying
//     external data under crm.DemoApplicationGUID). Each has its
//     appointments, technician assignments, booked log, history and, when
//     canceled, a canceled log.
//
// Jobs are only written when the tenant has an active business unit, a
// campaign and a customer with a location; technicians are assigned when
// there are any (a job needing one that cannot get one stays Scheduled).
// Everything is deterministic given the start time.
func Seed(tx *resource.Tx) error {
	for _, ft := range []CustomFieldType{
		{Name: "Equipment brand", DataType: "Text"},
		{Name: "Service agreement", DataType: "Dropdown", DataTypeOptions: []string{"None", "Silver", "Gold"}},
		{Name: "Square footage", DataType: "Numeric"},
	} {
		ft.Active = true
		if err := resource.Create(tx, &JobFieldTypes, &ft); err != nil {
			return err
		}
	}
	cancelReasons, err := seedReasons(tx, &CancelReasons, DemoCancelReasons)
	if err != nil {
		return err
	}
	holdReasons, err := seedReasons(tx, &HoldReasons, DemoHoldReasons)
	if err != nil {
		return err
	}
	d, err := loadDemoRefs(tx)
	if err != nil {
		return err
	}
	types, err := seedJobTypes(tx, d)
	if err != nil {
		return err
	}
	if len(d.units) == 0 || len(d.campaigns) == 0 || len(d.places) == 0 {
		return nil
	}
	loc := tenant.Settings{}.Location()
	if s, err := tenant.Load(tx); err == nil {
		loc = s.Location()
	}
	y, m, day := tx.Now.In(loc).Date()
	at := func(days, hour, minute int) time.Time { return time.Date(y, m, day+days, hour, minute, 0, 0, loc) }
	for i, spec := range demoJobs {
		if err := seedJob(tx, d, types, i, spec, at, cancelReasons[0], holdReasons[0]); err != nil {
			return err
		}
	}
	return nil
}

// DemoCancelReasons and DemoHoldReasons are the reasons Seed writes; the
// last of each is inactive.
var (
	DemoCancelReasons = []string{"Customer canceled", "Scheduled in error", "Found another contractor", "Price too high", "Weather (retired)"}
	DemoHoldReasons   = []string{"Waiting on parts", "Customer requested hold", "Awaiting approval", "Permit pending (retired)"}
)

func seedReasons(tx *resource.Tx, kind *resource.Kind[Reason], names []string) ([]*Reason, error) {
	out := make([]*Reason, 0, len(names))
	for i, n := range names {
		r := &Reason{Meta: resource.Meta{Active: i < len(names)-1}, Name: n}
		if err := resource.Create(tx, kind, r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// DemoJobType is one job type of the demo tenant.
type DemoJobType struct {
	Name     string
	Duration int64  // seconds
	Trade    string // HVAC, Plumbing or Electrical
	Priority string
	Class    string
	Summary  string
	Active   bool
}

// DemoJobTypes are the job types Seed writes, in ID order.
var DemoJobTypes = []DemoJobType{
	{"AC Repair", 7200, "HVAC", "Normal", "Service", "Diagnose and repair the cooling system.", true},
	{"Furnace Tune-Up", 5400, "HVAC", "Low", "Maintenance", "Seasonal furnace inspection and tune-up.", true},
	{"Water Heater Install", 14400, "Plumbing", "Normal", "Install", "Remove the old water heater and install the new one.", true},
	{"Drain Cleaning", 3600, "Plumbing", "High", "Service", "Clear the blocked drain.", true},
	{"Panel Upgrade", 21600, "Electrical", "Normal", "Install", "Replace the electrical panel.", true},
	{"Duct Cleaning (retired)", 10800, "HVAC", "Low", "Maintenance", "", false},
}

// demoRefs are the other modules' records the demo jobs use.
type demoRefs struct {
	units       []*settings.BusinessUnit // active
	technicians []*settings.Technician   // active
	campaigns   []*marketing.Campaign    // active
	places      []place                  // active customers (not do-not-service) with a location
	skills      []string                 // the technicians' skill vocabulary
}

type place struct{ customer, location int64 }

func listAll[T any, P resource.Record[T]](tx *resource.Tx, kind *resource.Kind[T], where func(P) bool) ([]P, error) {
	page, err := resource.List[T, P](tx, kind, resource.Query{Page: 1, PageSize: math.MaxInt32, Active: resource.ActiveTrue}, resource.Select{}, where)
	return page.Data, err
}

func loadDemoRefs(tx *resource.Tx) (*demoRefs, error) {
	d := &demoRefs{}
	var err error
	if d.units, err = listAll(tx, &settings.BusinessUnits, nil); err != nil {
		return nil, err
	}
	if d.technicians, err = listAll(tx, &settings.Technicians, nil); err != nil {
		return nil, err
	}
	if d.campaigns, err = listAll(tx, &marketing.Campaigns, nil); err != nil {
		return nil, err
	}
	for _, t := range d.technicians {
		for _, s := range t.Skills {
			if !slices.Contains(d.skills, s) {
				d.skills = append(d.skills, s)
			}
		}
	}
	slices.Sort(d.skills)
	// Every second customer from the tenth on, enough for the demo jobs
	// (reading only as many customers as that needs keeps the seed fast).
	const first, step = 9, 2
	page, err := resource.List(tx, &crm.Customers, resource.Query{Page: 1, PageSize: first + step*len(demoJobs), Active: resource.ActiveTrue}, resource.Select{},
		func(c *crm.Customer) bool { return !c.DoNotService })
	if err != nil {
		return nil, err
	}
	customers := page.Data
	for i := first; i < len(customers) && len(d.places) < len(demoJobs); i += step {
		locs, err := resource.Lookup(tx, &crm.Locations, "customer", resource.IDKey(customers[i].ID))
		if err != nil {
			return nil, err
		}
		for _, id := range locs {
			if l, err := resource.Get(tx, &crm.Locations, id); err == nil && l.Active {
				d.places = append(d.places, place{customers[i].ID, id})
				break
			}
		}
	}
	if len(d.places) == 0 { // a small tenant: any customer with a location
		for _, c := range customers {
			locs, err := resource.Lookup(tx, &crm.Locations, "customer", resource.IDKey(c.ID))
			if err != nil {
				return nil, err
			}
			if len(locs) > 0 {
				d.places = append(d.places, place{c.ID, locs[0]})
			}
		}
	}
	return d, nil
}

var tradeWords = map[string][]string{
	"HVAC":       {"hvac", "heating", "cooling", "air"},
	"Plumbing":   {"plumb"},
	"Electrical": {"electric"},
}

// unitFor is the active business unit of a trade, by name.
func (d *demoRefs) unitFor(trade string) []int64 {
	for _, u := range d.units {
		name := strings.ToLower(u.Name)
		if slices.ContainsFunc(tradeWords[trade], func(w string) bool { return strings.Contains(name, w) }) {
			return []int64{u.ID}
		}
	}
	if len(d.units) > 0 {
		return []int64{d.units[0].ID}
	}
	return []int64{}
}

// skillFor spells a trade's skill as the technicians do.
func (d *demoRefs) skillFor(trade string) string {
	for _, s := range d.skills {
		ls := strings.ToLower(s)
		if strings.EqualFold(s, trade) || slices.ContainsFunc(tradeWords[trade], func(w string) bool { return strings.Contains(ls, w) }) {
			return s
		}
	}
	return trade
}

func seedJobTypes(tx *resource.Tx, d *demoRefs) ([]*JobType, error) {
	out := []*JobType{}
	for _, t := range DemoJobTypes {
		jt := &JobType{
			Meta: resource.Meta{Active: t.Active}, Name: t.Name, BusinessUnitIDs: d.unitFor(t.Trade),
			Skills: []string{d.skillFor(t.Trade)}, Priority: t.Priority, Duration: t.Duration, TagTypeIDs: []int64{},
			Class: t.Class, Summary: t.Summary,
		}
		if err := resource.Create(tx, &JobTypes, jt); err != nil {
			return nil, err
		}
		out = append(out, jt)
	}
	return out, nil
}

// demoJob is one demo job: its first appointment day (relative to today)
// and local start time, job type (index into DemoJobTypes), what became of
// it, how many technicians it has, and an optional second appointment.
type demoJob struct {
	day, hour   int
	jobType     int
	priority    string
	outcome     string // done, open, canceled, hold
	techs       int
	secondDay   int // 0: no second appointment
	confirmed   bool
	instruction string
	external    bool // carries DemoExternalDataKey
}

var demoJobs = []demoJob{
	{day: -7, hour: 8, jobType: 0, priority: "Normal", outcome: "done", techs: 1},
	{day: -6, hour: 10, jobType: 3, priority: "High", outcome: "done", techs: 1},
	{day: -5, hour: 13, jobType: 1, priority: "Low", outcome: "done", techs: 1},
	{day: -5, hour: 15, jobType: 0, priority: "Normal", outcome: "canceled", techs: 1},
	{day: -4, hour: 8, jobType: 2, priority: "Normal", outcome: "done", techs: 2},
	{day: -3, hour: 8, jobType: 4, priority: "Normal", outcome: "done", techs: 1, secondDay: -2},
	{day: -2, hour: 13, jobType: 3, priority: "Urgent", outcome: "done", techs: 1},
	{day: 0, hour: 8, jobType: 0, priority: "High", outcome: "open", techs: 1, confirmed: true},
	{day: 0, hour: 10, jobType: 1, priority: "Normal", outcome: "open", techs: 1, confirmed: true},
	{day: 0, hour: 13, jobType: 3, priority: "Normal", outcome: "open", techs: 1, instruction: "Dog in the backyard; use the side gate."},
	{day: 0, hour: 15, jobType: 2, priority: "Normal", outcome: "open", techs: 0},
	{day: 1, hour: 8, jobType: 0, priority: "Normal", outcome: "open", techs: 1, confirmed: true},
	{day: 1, hour: 10, jobType: 3, priority: "Low", outcome: "open", techs: 0},
	{day: 2, hour: 13, jobType: 1, priority: "Normal", outcome: "open", techs: 1},
	{day: 3, hour: 8, jobType: 4, priority: "High", outcome: "open", techs: 1, secondDay: 4},
	{day: 4, hour: 10, jobType: 2, priority: "Normal", outcome: "hold", techs: 1},
	{day: 5, hour: 13, jobType: 0, priority: "Normal", outcome: "canceled", techs: 0},
	{day: 6, hour: 8, jobType: 1, priority: "Low", outcome: "open", techs: 1, instruction: "Call 30 minutes ahead.", external: true},
	{day: 7, hour: 10, jobType: 3, priority: "Normal", outcome: "open", techs: 0},
}

// DemoExternalDataKey and DemoExternalDataValue are the external data one
// demo job carries under crm.DemoApplicationGUID.
const (
	DemoExternalDataKey   = "seBookingId"
	DemoExternalDataValue = "SE-B-100018"
)

// techsFor picks n technicians for job i, those with the skill first,
// rotating so the work is spread.
func (d *demoRefs) techsFor(i, n int, skill string) []*settings.Technician {
	if n == 0 || len(d.technicians) == 0 {
		return nil
	}
	var skilled, others []*settings.Technician
	for _, t := range d.technicians {
		if slices.ContainsFunc(t.Skills, func(s string) bool { return strings.EqualFold(s, skill) }) {
			skilled = append(skilled, t)
		} else {
			others = append(others, t)
		}
	}
	pool := skilled
	if len(pool) == 0 {
		pool = others
	}
	var out []*settings.Technician
	for k := 0; k < n && k < len(pool); k++ {
		out = append(out, pool[(i+k)%len(pool)])
	}
	return out
}

func seedJob(tx *resource.Tx, d *demoRefs, types []*JobType, i int, spec demoJob, at func(days, hour, minute int) time.Time, cancel, hold *Reason) error {
	now := tx.Now
	jt := types[spec.jobType]
	p := d.places[i%len(d.places)]
	buID := d.units[0].ID
	if len(jt.BusinessUnitIDs) > 0 {
		buID = jt.BusinessUnitIDs[0]
	}
	duration := time.Duration(jt.Duration) * time.Second
	starts := []time.Time{at(spec.day, spec.hour, 0)}
	if spec.secondDay != 0 {
		starts = append(starts, at(spec.secondDay, spec.hour, 0))
	}
	techs := d.techsFor(i, spec.techs, jt.Skills[0])
	bookedAt := starts[0].Add(-72 * time.Hour)
	if bookedAt.After(now) {
		bookedAt = now
	}

	id, err := resource.NewID(tx)
	if err != nil {
		return err
	}
	job := &Job{
		Meta: resource.Meta{ID: id, Active: true}, JobNumber: strconv.FormatInt(id, 10), CustomerID: p.customer, LocationID: p.location,
		BusinessUnitID: buID, JobTypeID: jt.ID, CampaignID: d.campaigns[i%len(d.campaigns)].ID, Priority: spec.priority,
		JobStatus: JobScheduled, Summary: ptr(jt.Summary), CustomFields: []CustomField{}, TagTypeIDs: []int64{},
		NotificationsEnabled: true, CreatedByID: integrationUser, AppointmentSeq: len(starts),
	}
	if spec.external {
		job.ExternalData = ExternalData{crm.DemoApplicationGUID: {{Key: DemoExternalDataKey, Value: DemoExternalDataValue}}}
	}
	// The history is written once, at the end: one record per job.
	hist := &History{Meta: resource.Meta{ID: id, Active: true}}
	record := func(event, memo string, at time.Time) error {
		eid, err := resource.NewID(tx)
		hist.Entries = append(hist.Entries, HistoryEntry{ID: eid, EmployeeID: ptr(integrationUser), EventType: event, Date: resource.Stamp(at), UsedSchedulingTool: schedulingManual, Memo: memo})
		return err
	}
	if err := record(EventBooked, "Booked "+jt.Name+" by phone.", bookedAt); err != nil {
		return err
	}
	var appts []*Appointment
	for k, start := range starts {
		end := start.Add(duration)
		aws, awe := resource.Stamp(start), resource.Stamp(start.Add(2*time.Hour))
		a := &Appointment{
			Meta: resource.Meta{Active: true}, JobID: id, CustomerID: p.customer, AppointmentNumber: job.JobNumber + "-" + strconv.Itoa(k+1),
			Start: resource.Stamp(start), End: resource.Stamp(end), ArrivalWindowStart: &aws, ArrivalWindowEnd: &awe,
			Status: ApptScheduled, IsConfirmed: spec.confirmed, CreatedByID: integrationUser,
		}
		if spec.instruction != "" {
			a.SpecialInstructions = ptr(spec.instruction)
		}
		appts = append(appts, a)
	}

	// What became of the job, by its outcome and, for today's, the clock.
	last := appts[len(appts)-1]
	jobStatus, apptStatus, assignStatus := JobScheduled, ApptScheduled, "Scheduled"
	switch {
	case spec.outcome == "canceled":
		jobStatus, apptStatus = JobCanceled, ApptCanceled
	case spec.outcome == "hold":
		jobStatus, apptStatus = JobHold, ApptHold
	case len(techs) == 0:
	case spec.outcome == "done" || !last.End.After(now):
		jobStatus, apptStatus, assignStatus = JobCompleted, ApptDone, "Done"
		job.CompletedOn = ptr(last.End)
	case !appts[0].Start.After(now):
		jobStatus, apptStatus, assignStatus = JobInProgress, ApptWorking, "Working"
	case appts[0].Start.Sub(now) <= 2*time.Hour:
		jobStatus, apptStatus, assignStatus = JobDispatched, ApptDispatched, "Dispatched"
	}
	job.JobStatus = jobStatus
	if err := resource.Create(tx, &Jobs, job); err != nil {
		return err
	}
	for k, a := range appts {
		a.Status = apptStatus
		if k > 0 && jobStatus != JobCompleted && jobStatus != JobCanceled && jobStatus != JobHold {
			a.Status = ApptScheduled // a later visit has not started
		}
		if a.Status == ApptHold {
			a.HoldReasonID, a.HoldMemo = &hold.ID, ptr("Parts on back order.")
		}
		if err := resource.Create(tx, &Appointments, a); err != nil {
			return err
		}
		for _, t := range techs {
			status := assignStatus
			if a.Status == ApptScheduled || a.Status == ApptHold || a.Status == ApptCanceled {
				status = "Scheduled"
			}
			if err := resource.Create(tx, &Assignments, &Assignment{
				Meta: resource.Meta{Active: true}, AppointmentID: a.ID, JobID: id, TechnicianID: t.ID, TechnicianName: t.Name,
				AssignedByID: integrationUser, AssignedOn: resource.Stamp(bookedAt), Status: status,
			}); err != nil {
				return err
			}
			if err := record(EventTechnicianAssigned, t.Name+" assigned to appointment "+a.AppointmentNumber+".", bookedAt); err != nil {
				return err
			}
		}
	}
	if err := addBookedLog(tx, job, appts[0], integrationUser); err != nil {
		return err
	}
	eventAt := starts[0].Add(-24 * time.Hour)
	if eventAt.After(now) {
		eventAt = now
	}
	if eventAt.Before(bookedAt) {
		eventAt = bookedAt
	}
	switch jobStatus {
	case JobCompleted:
		if err := record(EventCompleted, "Completed by the technician.", last.End.Time); err != nil {
			return err
		}
	case JobCanceled:
		memo := "Customer called to cancel."
		if err := resource.Create(tx, &JobCanceledLogs, &CanceledLog{Meta: resource.Meta{Active: true}, JobID: id, ReasonID: cancel.ID, Memo: &memo, CreatedByID: integrationUser}); err != nil {
			return err
		}
		if err := deactivateBookedLogs(tx, id); err != nil {
			return err
		}
		if err := record(EventCanceled, cancel.Name+": "+memo, eventAt); err != nil {
			return err
		}
	case JobHold:
		if err := record(EventJobHold, hold.Name+": Parts on back order.", eventAt); err != nil {
			return err
		}
	}
	return resource.Create(tx, &JobHistories, hist)
}
