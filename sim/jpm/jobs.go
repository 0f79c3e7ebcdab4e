package jpm

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/stsim/stsim/sim/optional"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/extdata"
	"github.com/stsim/stsim/sim/resource"
)

// jobOut is Jpm.V2.JobResponse.
type jobOut struct {
	ID                   int64          `json:"id"`
	JobNumber            string         `json:"jobNumber"`
	ProjectID            *int64         `json:"projectId"`
	CustomerID           int64          `json:"customerId"`
	LocationID           int64          `json:"locationId"`
	JobStatus            string         `json:"jobStatus"`
	CompletedOn          *resource.Time `json:"completedOn"`
	BusinessUnitID       int64          `json:"businessUnitId"`
	JobTypeID            int64          `json:"jobTypeId"`
	Priority             string         `json:"priority"`
	CampaignID           int64          `json:"campaignId"`
	AppointmentCount     int64          `json:"appointmentCount"`
	FirstAppointmentID   int64          `json:"firstAppointmentId"`
	LastAppointmentID    int64          `json:"lastAppointmentId"`
	RecallForID          *int64         `json:"recallForId"`
	WarrantyID           *int64         `json:"warrantyId"`
	LeadSource           *LeadSource    `json:"jobGeneratedLeadSource"`
	NoCharge             bool           `json:"noCharge"`
	NotificationsEnabled bool           `json:"notificationsEnabled"`
	CreatedOn            resource.Time  `json:"createdOn"`
	CreatedByID          int64          `json:"createdById"`
	ModifiedOn           resource.Time  `json:"modifiedOn"`
	TagTypeIDs           []int64        `json:"tagTypeIds"`
	LeadCallID           *int64         `json:"leadCallId"`
	BookingID            *int64         `json:"bookingId"`
	SoldByID             *int64         `json:"soldById"`
	CustomerPO           string         `json:"customerPo"`
	InvoiceID            int64          `json:"invoiceId"`
	MembershipID         *int64         `json:"membershipId"`
	Total                *float64       `json:"total"`
	Summary              *string        `json:"summary"`
	CustomFields         []CustomField  `json:"customFields"`
	ExternalData         []KV           `json:"externalData"`
}

// jobAppointments returns a job's live appointments, earliest start first
// (ties: lower ID first).
func jobAppointments(tx *resource.Tx, jobID int64) ([]*Appointment, error) {
	appts, err := logsOf(tx, &Appointments, jobID)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(appts, func(a, b *Appointment) int {
		if c := a.Start.Compare(b.Start.Time); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return appts, nil
}

// renderJob builds the response; the appointment members follow the job's
// live appointments.
func renderJob(tx *resource.Tx, j *Job, guid string) (jobOut, error) {
	appts, err := jobAppointments(tx, j.ID)
	if err != nil {
		return jobOut{}, err
	}
	out := jobOut{
		ID: j.ID, JobNumber: j.JobNumber, ProjectID: j.ProjectID, CustomerID: j.CustomerID, LocationID: j.LocationID,
		JobStatus: j.JobStatus, CompletedOn: j.CompletedOn, BusinessUnitID: j.BusinessUnitID, JobTypeID: j.JobTypeID,
		Priority: j.Priority, CampaignID: j.CampaignID, AppointmentCount: int64(len(appts)),
		RecallForID: j.RecallForID, WarrantyID: j.WarrantyID, LeadSource: j.LeadSource, NoCharge: j.NoCharge,
		NotificationsEnabled: j.NotificationsEnabled, CreatedOn: j.CreatedOn, CreatedByID: j.CreatedByID,
		ModifiedOn: j.ModifiedOn, TagTypeIDs: optional.NonNil(j.TagTypeIDs), LeadCallID: j.LeadCallID, BookingID: j.BookingID,
		SoldByID: j.SoldByID, CustomerPO: j.CustomerPO, InvoiceID: j.InvoiceID, MembershipID: j.MembershipID,
		Total: j.Total, Summary: j.Summary, CustomFields: optional.NonNil(j.CustomFields), ExternalData: j.ExternalData.For(guid),
	}
	if len(appts) > 0 {
		out.FirstAppointmentID, out.LastAppointmentID = appts[0].ID, appts[len(appts)-1].ID
	}
	return out, nil
}

// appointmentIn is Jpm.V2.AppointmentInformation.
type appointmentIn struct {
	Start              resource.Time  `json:"start"`
	End                resource.Time  `json:"end"`
	ArrivalWindowStart *resource.Time `json:"arrivalWindowStart"`
	ArrivalWindowEnd   *resource.Time `json:"arrivalWindowEnd"`
	TechnicianIDs      []int64        `json:"technicianIds"`
}

// createJobIn is Jpm.V2.JobCreateRequest.
type createJobIn struct {
	CustomerID                 int64           `json:"customerId"`
	LocationID                 int64           `json:"locationId"`
	ProjectID                  *int64          `json:"projectId"`
	BusinessUnitID             int64           `json:"businessUnitId"`
	LeadSource                 *LeadSource     `json:"jobGeneratedLeadSource"`
	JobTypeID                  int64           `json:"jobTypeId"`
	Priority                   string          `json:"priority"`
	CampaignID                 int64           `json:"campaignId"`
	Appointments               []appointmentIn `json:"appointments"`
	Summary                    *string         `json:"summary"`
	CustomFields               []customFieldIn `json:"customFields"`
	TagTypeIDs                 []int64         `json:"tagTypeIds"`
	ExternalData               *extdata.Create `json:"externalData"`
	InvoiceSignatureIsRequired *bool           `json:"invoiceSignatureIsRequired"`
	CustomerPO                 *string         `json:"customerPo"`
	SoldByID                   *int64          `json:"soldById"`

	// bookingID is the booking a CSR converted into this job (inbox.go);
	// no request sets it.
	bookingID *int64
}

// createJob handles POST /jobs (contract §9). The job needs an existing
// customer and a location of that customer, an active business unit the job
// type is mapped to, an active job type, an existing campaign, a priority
// (Low|Normal|High|Urgent) and at least one appointment (start before end;
// an arrival window, if any, ordered and overlapping it). Each appointment
// asks for room first (checkSlot: 409 on a strict tenant's full slot). The job starts Scheduled with its appointments, the
// technicians' assignments, its history and a booked-log entry, all in one
// transaction.
func createJob(c *gin.Context, call *api.Call) {
	api.Create(nil, func(tx *resource.Tx, in *createJobIn) (jobOut, error) {
		job, err := bookJob(tx, in)
		if err != nil {
			return jobOut{}, err
		}
		return renderJob(tx, job, in.ExternalData.GUID())
	})(c, call)
}

func bookJob(tx *resource.Tx, in *createJobIn) (*Job, error) {
	if err := checkCustomerLocation(tx, in.CustomerID, in.LocationID); err != nil {
		return nil, err
	}
	if err := checkBusinessUnit(tx, "businessUnitId", in.BusinessUnitID); err != nil {
		return nil, err
	}
	jt, err := activeJobType(tx, "jobTypeId", in.JobTypeID)
	if err != nil {
		return nil, err
	}
	if err := checkMapping(jt, in.BusinessUnitID); err != nil {
		return nil, err
	}
	if err := checkCampaign(tx, in.CampaignID); err != nil {
		return nil, err
	}
	priority, err := validPriority("priority", in.Priority)
	if err != nil {
		return nil, err
	}
	var project *Project
	if in.ProjectID != nil {
		if project, err = resource.Get(tx, &projects, *in.ProjectID); err != nil {
			return nil, refError(err, "projectId", "No project has id "+resource.IDKey(*in.ProjectID)+".")
		}
	}
	if err := checkTagTypes(tx, "tagTypeIds", in.TagTypeIDs); err != nil {
		return nil, err
	}
	fields, err := customFieldValues(tx, &JobFieldTypes, "customFields", in.CustomFields)
	if err != nil {
		return nil, err
	}
	if in.SoldByID != nil {
		if err := checkUser(tx, "soldById", *in.SoldByID); err != nil {
			return nil, err
		}
	}
	if err := checkLeadSource(tx, in.LeadSource); err != nil {
		return nil, err
	}
	if len(in.Appointments) == 0 {
		return nil, apierr.BadRequest("appointments", "A job needs at least one appointment.")
	}
	for i, a := range in.Appointments {
		prefix := "appointments" + idx(i) + "."
		if err := checkWindow(prefix, a.Start.Time, a.End.Time, a.ArrivalWindowStart, a.ArrivalWindowEnd); err != nil {
			return nil, err
		}
		if err := checkTechnicians(tx, prefix+"technicianIds", a.TechnicianIDs); err != nil {
			return nil, err
		}
	}

	id, err := resource.NewID(tx)
	if err != nil {
		return nil, err
	}
	summary := in.Summary
	if jt.Summary != "" {
		if s := optional.Value(summary); s == "" {
			summary = optional.Ptr(jt.Summary)
		} else if !strings.Contains(s, jt.Summary) {
			summary = optional.Ptr(s + "\n" + jt.Summary)
		}
	}
	tags := slices.Clone(optional.NonNil(in.TagTypeIDs))
	for _, t := range jt.TagTypeIDs { // the job type's tags apply to every job booked with it
		if !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	signature := jt.InvoiceSignaturesRequired
	api.SetIf(&signature, in.InvoiceSignatureIsRequired)
	job := &Job{
		Meta: resource.Meta{ID: id, Active: true}, JobNumber: strconv.FormatInt(id, 10),
		CustomerID: in.CustomerID, LocationID: in.LocationID, BusinessUnitID: in.BusinessUnitID, JobTypeID: in.JobTypeID,
		CampaignID: in.CampaignID, Priority: priority, JobStatus: JobScheduled, Summary: summary, CustomFields: fields,
		TagTypeIDs: tags, ExternalData: in.ExternalData.Apply(nil), CustomerPO: optional.Value(in.CustomerPO), SoldByID: in.SoldByID,
		LeadSource: in.LeadSource, NoCharge: jt.NoCharge, NotificationsEnabled: true, InvoiceSignatureIsRequired: signature,
		CreatedByID: integrationUser, AppointmentSeq: len(in.Appointments), BookingID: in.bookingID,
	}
	if err := resource.Create(tx, &Jobs, job); err != nil {
		return nil, err
	}
	if project != nil {
		if err := linkJob(tx, project, job, "projectId"); err != nil {
			return nil, err
		}
		if err := resource.Save(tx, &projects, project); err != nil {
			return nil, err
		}
	}
	if err := crm.ConvertLeads(tx, job.CustomerID, job.LocationID); err != nil {
		return nil, err
	}
	via := "through the API"
	if in.bookingID != nil {
		via = "from booking " + resource.IDKey(*in.bookingID)
	}
	memo := "Booked " + jt.Name + " with " + strconv.Itoa(len(in.Appointments)) + " appointment(s) " + via + "."
	if err := appendHistory(tx, job.ID, EventBooked, memo); err != nil {
		return nil, err
	}
	var first *Appointment
	for i, a := range in.Appointments {
		appt, err := newAppointment(tx, job, i+1, a, nil, "appointments"+idx(i)+".")
		if err != nil {
			return nil, err
		}
		if first == nil || appt.Start.Before(first.Start.Time) {
			first = appt
		}
	}
	if err := addBookedLog(tx, job, first, integrationUser); err != nil {
		return nil, err
	}
	return job, nil
}

// checkLeadSource: a generating job, when named, exists.
func checkLeadSource(tx *resource.Tx, ls *LeadSource) error {
	if ls == nil || ls.JobID == nil {
		return nil
	}
	if _, err := resource.Get(tx, &Jobs, *ls.JobID); err != nil {
		return refError(err, "jobGeneratedLeadSource.jobId", "No job has id "+resource.IDKey(*ls.JobID)+".")
	}
	return nil
}

// newAppointment asks for room (checkSlot), then stores appointment number seq
// of job and assigns its technicians, and files its booking once.
func newAppointment(tx *resource.Tx, job *Job, seq int, in appointmentIn, instructions *string, prefix string) (*Appointment, error) {
	if err := checkSlot(tx, job, in.Start.Time, in.End.Time, in.TechnicianIDs); err != nil {
		return nil, err
	}
	appt := &Appointment{
		Meta: resource.Meta{Active: true}, JobID: job.ID, CustomerID: job.CustomerID,
		AppointmentNumber: job.JobNumber + "-" + strconv.Itoa(seq), Start: resource.Stamp(in.Start.Time), End: resource.Stamp(in.End.Time),
		ArrivalWindowStart: in.ArrivalWindowStart, ArrivalWindowEnd: in.ArrivalWindowEnd, Status: ApptScheduled,
		SpecialInstructions: instructions, CreatedByID: integrationUser,
	}
	err := fileOnce(tx, func() error { // with its technicians, not before and after each
		if err := resource.Create(tx, &Appointments, appt); err != nil {
			return err
		}
		return AssignTechnicians(tx, appt, in.TechnicianIDs, integrationUser, prefix+"technicianIds")
	})
	if err != nil {
		return nil, err
	}
	return appt, nil
}

// getJob handles GET /jobs/{id}; externalDataApplicationGuid picks the
// external data shown.
var getJob = api.Read(loadJob, func(c *gin.Context, tx *resource.Tx, job *Job) (jobOut, error) {
	return renderJob(tx, job, c.Query("externalDataApplicationGuid"))
})

var jobStatuses = []string{JobScheduled, JobDispatched, JobInProgress, JobHold, JobCompleted, JobCanceled}
var appointmentStatuses = []string{ApptScheduled, ApptDispatched, ApptWorking, ApptHold, ApptDone, ApptCanceled}

// priorityRank orders priorities for sort=Priority.
func priorityRank(p string) int { return slices.Index(priorities, p) }

// listJobs handles GET /jobs with every filter the document lists.
// customerId, locationId, number, bookingId, technicianId (through the
// assignments) and external data are answered from indexes; the rest
// filter the candidates. appointmentStatus, appointmentStarts* and
// hasUnusedAppointments match a job when any of its live appointments
// does; firstAppointmentStarts* look at its earliest appointment; projectId
// comes from an index too. sort takes Id, ModifiedOn,
// CreatedOn and Priority (Low < Normal < High < Urgent).
func listJobs(c *gin.Context, call *api.Call) {
	q, err := resource.ParseQuery(c.Request.URL.Query(), resource.ListOptions{Sorts: []string{"Id", "ModifiedOn", "CreatedOn", "Priority"}})
	if err != nil {
		call.Fail(c, err)
		return
	}
	ext, err := extdata.ParseFilter(c)
	if err != nil {
		call.Fail(c, err)
		return
	}
	r := newQueryReader(c)
	number := r.q.Get("number")
	projectID, bookingID := r.int64("projectId"), r.int64("bookingId")
	status := r.oneOf("jobStatus", jobStatuses)
	apptStatus := r.oneOf("appointmentStatus", appointmentStatuses)
	priority := r.oneOf("priority", priorities)
	firstFrom, firstBefore := r.time("firstAppointmentStartsOnOrAfter"), r.time("firstAppointmentStartsBefore")
	apptFrom, apptBefore := r.time("appointmentStartsOnOrAfter"), r.time("appointmentStartsBefore")
	techID, customerID, locationID := r.int64("technicianId"), r.int64("customerId"), r.int64("locationId")
	soldByID, jobTypeID, campaignID := r.int64("soldById"), r.int64("jobTypeId"), r.int64("campaignId")
	buID, invoiceID := r.int64("businessUnitId"), r.int64("invoiceId")
	completedFrom, completedBefore := r.time("completedOnOrAfter"), r.time("completedBefore")
	tags := r.ids("tagTypeIds")
	unused := r.bool("hasUnusedAppointments")
	if err := r.done(); err != nil {
		call.Fail(c, err)
		return
	}
	eq := func(want *int64, got int64) bool { return want == nil || *want == got }
	eqPtr := func(want *int64, got *int64) bool { return want == nil || (got != nil && *got == *want) }
	guid := c.Query("externalDataApplicationGuid")
	var out resource.Page[jobOut]
	err = call.View(func(tx *resource.Tx) error {
		var sel resource.Select
		switch {
		case projectID != nil:
			sel.Index, sel.Value = "project", resource.IDKey(*projectID)
		case customerID != nil:
			sel.Index, sel.Value = "customer", resource.IDKey(*customerID)
		case locationID != nil:
			sel.Index, sel.Value = "location", resource.IDKey(*locationID)
		case number != "":
			sel.Index, sel.Value = "number", strings.ToLower(number)
		case bookingID != nil:
			sel.Index, sel.Value = "booking", resource.IDKey(*bookingID)
		}
		if techID != nil {
			ids, err := technicianJobs(tx, *techID)
			if err != nil {
				return err
			}
			sel.Narrow(ids)
		}
		if ext != nil {
			ids, err := extdata.Lookup(tx, &Jobs, ext)
			if err != nil {
				return err
			}
			sel.Narrow(ids)
		}
		needAppts := apptStatus != "" || unused != nil || !firstFrom.IsZero() || !firstBefore.IsZero() || !apptFrom.IsZero() || !apptBefore.IsZero()
		var loadErr error
		where := func(j *Job) bool {
			switch {
			case status != "" && j.JobStatus != status,
				priority != "" && j.Priority != priority,
				!eq(customerID, j.CustomerID), !eq(locationID, j.LocationID),
				number != "" && !strings.EqualFold(number, j.JobNumber),
				!eqPtr(bookingID, j.BookingID), !eqPtr(soldByID, j.SoldByID),
				!eq(jobTypeID, j.JobTypeID), !eq(campaignID, j.CampaignID), !eq(buID, j.BusinessUnitID), !eq(invoiceID, j.InvoiceID):
				return false
			}
			if !completedFrom.IsZero() || !completedBefore.IsZero() {
				if j.CompletedOn == nil || !inRange(j.CompletedOn.Time, completedFrom, completedBefore) {
					return false
				}
			}
			if tags != nil && !slices.ContainsFunc(tags, func(t int64) bool { return slices.Contains(j.TagTypeIDs, t) }) {
				return false
			}
			if !needAppts {
				return true
			}
			appts, err := jobAppointments(tx, j.ID)
			if err != nil {
				loadErr = err
				return false
			}
			if !firstFrom.IsZero() || !firstBefore.IsZero() {
				if len(appts) == 0 || !inRange(appts[0].Start.Time, firstFrom, firstBefore) {
					return false
				}
			}
			if (!apptFrom.IsZero() || !apptBefore.IsZero()) && !slices.ContainsFunc(appts, func(a *Appointment) bool { return inRange(a.Start.Time, apptFrom, apptBefore) }) {
				return false
			}
			if apptStatus != "" && !slices.ContainsFunc(appts, func(a *Appointment) bool { return a.Status == apptStatus }) {
				return false
			}
			if unused != nil && slices.ContainsFunc(appts, func(a *Appointment) bool { return a.Unused }) != *unused {
				return false
			}
			return true
		}
		page, err := listSorted(tx, q, sel, where)
		if err == nil {
			err = loadErr
		}
		if err != nil {
			return err
		}
		out = resource.Page[jobOut]{Page: page.Page, PageSize: page.PageSize, TotalCount: page.TotalCount, HasMore: page.HasMore, Data: make([]jobOut, 0, len(page.Data))}
		for _, j := range page.Data {
			rendered, err := renderJob(tx, j, guid)
			if err != nil {
				return err
			}
			out.Data = append(out.Data, rendered)
		}
		return nil
	})
	call.Respond(c, out, err)
}

// listSorted runs resource.List, sorting by priority itself when asked.
func listSorted(tx *resource.Tx, q resource.Query, sel resource.Select, where func(*Job) bool) (resource.Page[*Job], error) {
	var order func(a, b *Job) int
	if q.SortField == "Priority" {
		order = func(a, b *Job) int { return cmp.Compare(priorityRank(a.Priority), priorityRank(b.Priority)) }
	}
	return resource.ListOrdered(tx, &Jobs, q, sel, where, order)
}

// technicianJobs lists the jobs a technician is assigned to (live
// assignments only).
func technicianJobs(tx *resource.Tx, techID int64) ([]int64, error) {
	as, err := technicianAssignments(tx, techID)
	if err != nil {
		return nil, err
	}
	ids := []int64{}
	for _, a := range as {
		if !slices.Contains(ids, a.JobID) {
			ids = append(ids, a.JobID)
		}
	}
	return ids, nil
}

// technicianAssignments lists a technician's live assignments.
func technicianAssignments(tx *resource.Tx, techID int64) ([]*Assignment, error) {
	return resource.LookupActive(tx, &Assignments, "technician", resource.IDKey(techID))
}

// updateJobIn is Jpm.V2.UpdateJobRequest.
type updateJobIn struct {
	CustomerID               *int64              `json:"customerId"`
	LocationID               *int64              `json:"locationId"`
	BusinessUnitID           *int64              `json:"businessUnitId"`
	LeadSource               api.Opt[LeadSource] `json:"jobGeneratedLeadSource"`
	JobTypeID                *int64              `json:"jobTypeId"`
	Priority                 *string             `json:"priority"`
	CampaignID               *int64              `json:"campaignId"`
	Summary                  *string             `json:"summary"`
	ShouldUpdateInvoiceItems *bool               `json:"shouldUpdateInvoiceItems"`
	CustomFields             *[]customFieldIn    `json:"customFields"`
	TagTypeIDs               *[]int64            `json:"tagTypeIds"`
	ExternalData             *extdata.Patch      `json:"externalData"`
	CustomerPO               *string             `json:"customerPo"`
	SoldByID                 api.Opt[int64]      `json:"soldById"`
}

// updateJob handles PATCH /jobs/{id}: only the members sent change, under
// the create rules (the location must be the customer's, the business unit
// and job type active and mapped, the campaign existing). customFields and
// tagTypeIds replace the whole list, as the document says. A new customer
// moves the job's appointments to it. The change is written to history.
var updateJob = api.Action(loadJob, true, nil, func(tx *resource.Tx, _ int64, job *Job, in *updateJobIn) (any, error) {
	if err := changeJob(tx, job, in); err != nil {
		return nil, err
	}
	return renderJob(tx, job, in.ExternalData.GUID())
})

// changeJob applies an update to a job, its appointments and its history.
func changeJob(tx *resource.Tx, job *Job, in *updateJobIn) error {
	var err error
	var changed []string
	mark := func(name string, set bool) {
		if set {
			changed = append(changed, name)
		}
	}
	oldCustomer := job.CustomerID
	if in.CustomerID != nil || in.LocationID != nil {
		api.SetIf(&job.CustomerID, in.CustomerID)
		api.SetIf(&job.LocationID, in.LocationID)
		if err := checkCustomerLocation(tx, job.CustomerID, job.LocationID); err != nil {
			return err
		}
		mark("customerId", in.CustomerID != nil)
		mark("locationId", in.LocationID != nil)
	}
	if in.BusinessUnitID != nil {
		if err := checkBusinessUnit(tx, "businessUnitId", *in.BusinessUnitID); err != nil {
			return err
		}
		job.BusinessUnitID = *in.BusinessUnitID
		mark("businessUnitId", true)
	}
	if in.JobTypeID != nil || in.BusinessUnitID != nil {
		jt, err := resource.Get(tx, &JobTypes, job.JobTypeID)
		if in.JobTypeID != nil {
			jt, err = activeJobType(tx, "jobTypeId", *in.JobTypeID)
			mark("jobTypeId", true)
		}
		if err != nil {
			return err
		}
		job.JobTypeID = jt.ID
		if err := checkMapping(jt, job.BusinessUnitID); err != nil {
			return err
		}
	}
	if in.CampaignID != nil {
		if err := checkCampaign(tx, *in.CampaignID); err != nil {
			return err
		}
		job.CampaignID = *in.CampaignID
		mark("campaignId", true)
	}
	if in.Priority != nil {
		if job.Priority, err = validPriority("priority", *in.Priority); err != nil {
			return err
		}
		mark("priority", true)
	}
	if in.TagTypeIDs != nil {
		if err := checkTagTypes(tx, "tagTypeIds", *in.TagTypeIDs); err != nil {
			return err
		}
		job.TagTypeIDs = optional.NonNil(*in.TagTypeIDs)
		mark("tagTypeIds", true)
	}
	if in.CustomFields != nil {
		if job.CustomFields, err = customFieldValues(tx, &JobFieldTypes, "customFields", *in.CustomFields); err != nil {
			return err
		}
		mark("customFields", true)
	}
	if in.SoldByID.Set {
		if in.SoldByID.Value != nil {
			if err := checkUser(tx, "soldById", *in.SoldByID.Value); err != nil {
				return err
			}
		}
		job.SoldByID = in.SoldByID.Value
		mark("soldById", true)
	}
	if in.LeadSource.Set {
		if err := checkLeadSource(tx, in.LeadSource.Value); err != nil {
			return err
		}
		job.LeadSource = in.LeadSource.Value
		mark("jobGeneratedLeadSource", true)
	}
	if in.Summary != nil {
		job.Summary = in.Summary
		mark("summary", true)
	}
	if in.CustomerPO != nil {
		job.CustomerPO = *in.CustomerPO
		mark("customerPo", true)
	}
	if in.ExternalData != nil {
		job.ExternalData = in.ExternalData.Apply(job.ExternalData)
		mark("externalData", true)
	}
	if err := resource.Save(tx, &Jobs, job); err != nil {
		return err
	}
	if job.CustomerID != oldCustomer {
		appts, err := jobAppointments(tx, job.ID)
		if err != nil {
			return err
		}
		for _, a := range appts {
			a.CustomerID = job.CustomerID
			if err := resource.Save(tx, &Appointments, a); err != nil {
				return err
			}
		}
	}
	if len(changed) > 0 {
		if err := appendHistory(tx, job.ID, EventUpdated, "Changed "+strings.Join(changed, ", ")+"."); err != nil {
			return err
		}
	}
	return nil
}
