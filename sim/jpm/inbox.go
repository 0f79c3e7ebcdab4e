package jpm

import (
	"cmp"
	"slices"
	"time"

	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/marketing"
	"github.com/stsim/stsim/sim/optional"
	"github.com/stsim/stsim/sim/resource"
)

// JobForm is the job part of the form a CSR books a booking's job with:
// each member nil when not given.
type JobForm struct {
	JobTypeID      *int64
	BusinessUnitID *int64
	CampaignID     *int64
	Priority       *string
	Start          *time.Time
}

// InboxJob is a booking a CSR converts into a job: the booking's values
// prefill the form, and the CSR's values replace them.
type InboxJob struct {
	BookingID, CustomerID, LocationID int64
	Summary                           string
	Booking                           JobForm // from the booking
	CSR                               JobForm // what the CSR chose
}

// BookInboxJob books a converted booking's job, with bookingId set, through
// the checks and records of POST /jobs (bookJob: capacity, history, the
// booked log). Each member is the CSR's, else the booking's, else a
// default:
//   - job type: the first active one (lowest ID);
//   - business unit: the job type's first (a booking's business unit the
//     job type is not mapped to does not prefill the form, contract §9);
//   - campaign: the tenant's default campaign;
//   - priority: the job type's, else Normal;
//   - start: the booking's; the appointment lasts the job type's duration.
//
// It returns the job and its first appointment.
func BookInboxJob(tx *resource.Tx, in InboxJob) (jobID, appointmentID int64, err error) {
	form := in.Booking
	jt, err := inboxJobType(tx, optional.First(in.CSR.JobTypeID, form.JobTypeID))
	if err != nil {
		return 0, 0, err
	}
	if form.BusinessUnitID != nil && checkMapping(jt, *form.BusinessUnitID) != nil {
		form.BusinessUnitID = nil
	}
	bu := optional.First(in.CSR.BusinessUnitID, form.BusinessUnitID)
	if bu == nil {
		if len(jt.BusinessUnitIDs) == 0 {
			return 0, 0, apierr.BadRequest("businessUnitId", "Job type "+resource.IDKey(jt.ID)+" ("+jt.Name+") lists no business unit and the booking names none: give businessUnitId.")
		}
		bu = &jt.BusinessUnitIDs[0]
	}
	campaign := optional.First(in.CSR.CampaignID, form.CampaignID)
	if campaign == nil {
		c, err := marketing.DefaultCampaign(tx)
		if err != nil {
			return 0, 0, api.RefError(err, "campaignId", "The tenant has no default campaign and the booking names none: give campaignId.")
		}
		campaign = &c.ID
	}
	priority := optional.Value(optional.First(in.CSR.Priority, form.Priority))
	if priority == "" {
		priority = jt.Priority
	}
	if priority == "" {
		priority = "Normal"
	}
	start := optional.First(in.CSR.Start, form.Start)
	if start == nil {
		return 0, 0, apierr.BadRequest("start", "The booking has no start: give start.")
	}
	duration := time.Duration(jt.Duration) * time.Second
	if duration <= 0 {
		duration = DefaultJobTypeDuration * time.Second
	}
	summary := &in.Summary
	if in.Summary == "" {
		summary = nil
	}
	job, err := bookJob(tx, &createJobIn{
		CustomerID: in.CustomerID, LocationID: in.LocationID, BusinessUnitID: *bu, JobTypeID: jt.ID,
		Priority: priority, CampaignID: *campaign, Summary: summary, bookingID: &in.BookingID,
		Appointments: []appointmentIn{{Start: resource.Stamp(*start), End: resource.Stamp(start.Add(duration))}},
	})
	if err != nil {
		return 0, 0, err
	}
	appts, err := jobAppointments(tx, job.ID)
	if err != nil {
		return 0, 0, err
	}
	return job.ID, appts[0].ID, nil
}

// inboxJobType is the chosen job type (checked as POST /jobs checks it),
// else the first active one.
func inboxJobType(tx *resource.Tx, id *int64) (*JobType, error) {
	if id != nil {
		return activeJobType(tx, "jobTypeId", *id)
	}
	active, err := resource.All(tx, &JobTypes, func(jt *JobType) bool { return jt.Active })
	if err != nil {
		return nil, err
	}
	if len(active) == 0 {
		return nil, apierr.BadRequest("jobTypeId", "The tenant has no active job type.")
	}
	return slices.MinFunc(active, func(a, b *JobType) int { return cmp.Compare(a.ID, b.ID) }), nil
}
