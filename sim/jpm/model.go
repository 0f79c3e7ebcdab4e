// Package jpm emulates ServiceTitan's job planning and management module
// (jpm/v2): jobs, appointments, job types, cancel and hold reasons, job
// notes, messages, history and logs, and their export feeds. The
// appointment-assignment records live here too, because jobs create them;
// the dispatch module serves them. Projects (projects.go) group jobs.
// Every appointment is filed with package schedule as it is written, and
// booking asks schedule.CheckSlot for room (schedule.go); jpm does not
// import dispatch.
//
// Rules (contract §9) are enforced by the handlers; each states the rule it
// implements. Decisions of stsim's own where ServiceTitan documents nothing:
//
//   - jobNumber is the job's ID as a string; appointment numbers are
//     "<jobNumber>-<n>", n counting the job's appointments ever added.
//   - firstAppointmentId/lastAppointmentId are the job's live appointments
//     with the earliest and latest start (ties: lower ID first), computed
//     when the job is read, so they always follow its appointments.
//   - A state conflict (cancelling a completed job, adding an appointment to
//     a canceled one, unholding an appointment not on hold…) is a 409.
//   - Writes through the API are attributed to crm.IntegrationUserID.
package jpm

import (
	"strings"

	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/extdata"
	"github.com/stsim/stsim/sim/resource"
)

// Job statuses (Jpm.V2.JobStatus).
const (
	JobScheduled  = "Scheduled"
	JobDispatched = "Dispatched"
	JobInProgress = "InProgress"
	JobHold       = "Hold"
	JobCompleted  = "Completed"
	JobCanceled   = "Canceled"
)

// Appointment statuses (Jpm.V2.Base.AppointmentStatus).
const (
	ApptScheduled  = "Scheduled"
	ApptDispatched = "Dispatched"
	ApptWorking    = "Working"
	ApptHold       = "Hold"
	ApptDone       = "Done"
	ApptCanceled   = "Canceled"
)

// Priorities a job (and a job type) may have.
var priorities = []string{"Low", "Normal", "High", "Urgent"}

// KV and ExternalData are the external-data types every module shares.
type (
	KV           = extdata.KV
	ExternalData = extdata.Data
)

// CustomField is a custom field value on a job.
type CustomField struct {
	TypeID int64  `json:"typeId"`
	Name   string `json:"name"`
	Value  string `json:"value"`
}

// LeadSource is Jpm.V2.Base.JobGeneratedLeadSource.
type LeadSource struct {
	JobID      *int64 `json:"jobId"`
	EmployeeID *int64 `json:"employeeId"`
}

// JobType is a kind of job with its duration (seconds) and the business
// units and skills it needs.
type JobType struct {
	resource.Meta
	Name                                  string       `json:"name"`
	BusinessUnitIDs                       []int64      `json:"businessUnitIds"`
	Skills                                []string     `json:"skills"`
	Priority                              string       `json:"priority"`
	Duration                              int64        `json:"duration"`
	TagTypeIDs                            []int64      `json:"tagTypeIds"`
	SoldThreshold                         *float64     `json:"soldThreshold"`
	Class                                 string       `json:"class"`
	Summary                               string       `json:"summary"`
	NoCharge                              bool         `json:"noCharge"`
	EnforceRecurringServiceEventSelection *bool        `json:"enforceRecurringServiceEventSelection"`
	InvoiceSignaturesRequired             bool         `json:"invoiceSignaturesRequired"`
	ExternalData                          ExternalData `json:"externalData"`
}

// Job is a job; it always has at least one appointment. Jobs are never
// deleted, only canceled.
type Job struct {
	resource.Meta
	JobNumber      string         `json:"jobNumber"`
	CustomerID     int64          `json:"customerId"`
	LocationID     int64          `json:"locationId"`
	BusinessUnitID int64          `json:"businessUnitId"`
	JobTypeID      int64          `json:"jobTypeId"`
	CampaignID     int64          `json:"campaignId"`
	Priority       string         `json:"priority"`
	JobStatus      string         `json:"jobStatus"`
	CompletedOn    *resource.Time `json:"completedOn"`

	ProjectID                  *int64        `json:"projectId"` // the project the job is attached to
	Summary                    *string       `json:"summary"`
	CustomFields               []CustomField `json:"customFields"`
	TagTypeIDs                 []int64       `json:"tagTypeIds"`
	ExternalData               ExternalData  `json:"externalData"`
	CustomerPO                 string        `json:"customerPo"`
	InvoiceID                  int64         `json:"invoiceId"`
	SoldByID                   *int64        `json:"soldById"`
	BookingID                  *int64        `json:"bookingId"`
	LeadCallID                 *int64        `json:"leadCallId"`
	RecallForID                *int64        `json:"recallForId"`
	WarrantyID                 *int64        `json:"warrantyId"`
	MembershipID               *int64        `json:"membershipId"`
	Total                      *float64      `json:"total"`
	LeadSource                 *LeadSource   `json:"jobGeneratedLeadSource"`
	NoCharge                   bool          `json:"noCharge"`
	NotificationsEnabled       bool          `json:"notificationsEnabled"`
	InvoiceSignatureIsRequired bool          `json:"invoiceSignatureIsRequired"`
	CreatedByID                int64         `json:"createdById"`
	// AppointmentSeq counts the appointments ever added, for their numbers.
	AppointmentSeq int `json:"appointmentSeq"`
}

// Appointment is one visit of a job.
type Appointment struct {
	resource.Meta
	JobID               int64          `json:"jobId"`
	CustomerID          int64          `json:"customerId"`
	AppointmentNumber   string         `json:"appointmentNumber"`
	Start               resource.Time  `json:"start"`
	End                 resource.Time  `json:"end"`
	ArrivalWindowStart  *resource.Time `json:"arrivalWindowStart"`
	ArrivalWindowEnd    *resource.Time `json:"arrivalWindowEnd"`
	Status              string         `json:"status"`
	IsConfirmed         bool           `json:"isConfirmed"`
	SpecialInstructions *string        `json:"specialInstructions"`
	// Unused marks an appointment nobody worked: set when its job is
	// completed while no technician was assigned to it.
	Unused       bool    `json:"unused"`
	CreatedByID  int64   `json:"createdById"`
	HoldReasonID *int64  `json:"holdReasonId"`
	HoldMemo     *string `json:"holdMemo"`
}

// Assignment assigns a technician to an appointment.
type Assignment struct {
	resource.Meta
	AppointmentID  int64         `json:"appointmentId"`
	JobID          int64         `json:"jobId"`
	TechnicianID   int64         `json:"technicianId"`
	TechnicianName string        `json:"technicianName"`
	AssignedByID   int64         `json:"assignedById"`
	AssignedOn     resource.Time `json:"assignedOn"`
	Status         string        `json:"status"`
}

// Reason is a job cancel reason or a job hold reason.
type Reason struct {
	resource.Meta
	Name string `json:"name"`
}

// Note is a note on a job or on a project. Notes are append-only.
type Note struct {
	resource.Meta
	JobID       int64  `json:"jobId,omitempty"`
	ProjectID   int64  `json:"projectId,omitempty"`
	Text        string `json:"text"`
	IsPinned    bool   `json:"isPinned"`
	CreatedByID int64  `json:"createdById"`
}

// Message is a message posted on a job or on a project.
type Message struct {
	resource.Meta
	JobID                              int64   `json:"jobId,omitempty"`
	ProjectID                          int64   `json:"projectId,omitempty"`
	Body                               string  `json:"body"`
	RecipientIDs                       []int64 `json:"recipientIds"`
	ParentMessageID                    *int64  `json:"parentMessageId"`
	AddParentMessageSenderToRecipients bool    `json:"addParentMessageSenderToRecipients"`
	CreatedByEmployeeID                int64   `json:"createdByEmployeeId"`
}

// CanceledLog records one cancellation of a job; removing the cancellation
// makes it inactive.
type CanceledLog struct {
	resource.Meta
	JobID       int64   `json:"jobId"`
	ReasonID    int64   `json:"reasonId"`
	Memo        *string `json:"memo"`
	CreatedByID int64   `json:"createdById"`
}

// BookedLog records a booking of a job (its creation, or a cancellation
// removed); cancelling the job makes it inactive.
type BookedLog struct {
	resource.Meta
	JobID              int64          `json:"jobId"`
	AppointmentID      int64          `json:"jobAppointmentId"`
	Start              resource.Time  `json:"start"`
	ArrivalWindowStart *resource.Time `json:"arrivalWindowStart"`
	ArrivalWindowEnd   *resource.Time `json:"arrivalWindowEnd"`
	CreatedByID        int64          `json:"createdById"`
}

// HistoryEntry is one event in a job's history.
type HistoryEntry struct {
	ID                 int64         `json:"id"`
	EmployeeID         *int64        `json:"employeeId"`
	EventType          string        `json:"eventType"`
	Date               resource.Time `json:"date"`
	UsedSchedulingTool string        `json:"usedSchedulingTool"`
	Memo               string        `json:"memo"`
}

// History is a job's history; its ID is the job's ID, so the export feed
// carries one item per job, again whenever an entry is appended.
type History struct {
	resource.Meta
	Entries []HistoryEntry `json:"entries"`
}

// CustomFieldType is a custom field defined for jobs.
type CustomFieldType struct {
	resource.Meta
	Name            string   `json:"name"`
	DataType        string   `json:"dataType"` // Text, Dropdown or Numeric
	DataTypeOptions []string `json:"dataTypeOptions"`
}

func idKeys(id int64) []string { return []string{resource.IDKey(id)} }

// optKeys files a record under an optional ID (nowhere when it is nil).
func optKeys(id *int64) []string {
	if id == nil {
		return nil
	}
	return idKeys(*id)
}

// Kinds shared with the dispatch module.
var (
	// crm checks the job types bookings and leads name under this name.
	JobTypes = resource.Kind[JobType]{Name: crm.JobTypeKind, Label: "Job type"}
	Jobs     = resource.Kind[Job]{Name: "jpm.jobs", Label: "Job", Indexes: []resource.Index[Job]{
		{Name: "customer", Keys: func(j *Job) []string { return idKeys(j.CustomerID) }},
		{Name: "location", Keys: func(j *Job) []string { return idKeys(j.LocationID) }},
		{Name: "number", Keys: func(j *Job) []string { return []string{strings.ToLower(j.JobNumber)} }},
		{Name: "ext", Keys: func(j *Job) []string { return j.ExternalData.IndexKeys() }},
		{Name: "booking", Keys: func(j *Job) []string { return optKeys(j.BookingID) }},
		{Name: "project", Keys: func(j *Job) []string { return optKeys(j.ProjectID) }},
	}}
	Appointments = resource.Kind[Appointment]{Name: "jpm.appointments", Label: "Appointment", Indexes: []resource.Index[Appointment]{
		{Name: "job", Keys: func(a *Appointment) []string { return []string{resource.IDKey(a.JobID)} }},
		{Name: "customer", Keys: func(a *Appointment) []string { return idKeys(a.CustomerID) }},
		{Name: "number", Keys: func(a *Appointment) []string { return []string{strings.ToLower(a.AppointmentNumber)} }},
	}}
	Assignments = resource.Kind[Assignment]{Name: "jpm.appointment-assignments", Label: "Appointment assignment", Indexes: []resource.Index[Assignment]{
		{Name: "appointment", Keys: func(a *Assignment) []string { return []string{resource.IDKey(a.AppointmentID)} }},
		{Name: "technician", Keys: func(a *Assignment) []string { return []string{resource.IDKey(a.TechnicianID)} }},
		{Name: "job", Keys: func(a *Assignment) []string { return []string{resource.IDKey(a.JobID)} }},
	}}
)

// Kinds of jpm's own.
var (
	CancelReasons    = resource.Kind[Reason]{Name: "jpm.job-cancel-reasons", Label: "Job cancel reason"}
	HoldReasons      = resource.Kind[Reason]{Name: "jpm.job-hold-reasons", Label: "Job hold reason"}
	JobFieldTypes    = resource.Kind[CustomFieldType]{Name: "jpm.job-custom-fields", Label: "Job custom field type"}
	jobNotes         = resource.Kind[Note]{Name: "jpm.job-notes", Label: "Note", Indexes: jobIndex[Note](func(n *Note) int64 { return n.JobID })}
	jobMessages      = resource.Kind[Message]{Name: "jpm.job-messages", Label: "Message", Indexes: jobIndex[Message](func(m *Message) int64 { return m.JobID })}
	JobCanceledLogs  = resource.Kind[CanceledLog]{Name: "jpm.job-canceled-logs", Label: "Job canceled log", Indexes: jobIndex[CanceledLog](func(l *CanceledLog) int64 { return l.JobID })}
	JobBookedLogs    = resource.Kind[BookedLog]{Name: "jpm.job-booked-logs", Label: "Job booked log", Indexes: jobIndex[BookedLog](func(l *BookedLog) int64 { return l.JobID })}
	JobHistories     = resource.Kind[History]{Name: "jpm.job-history", Label: "Job history"}
	schedulingManual = "Manual"
)

func jobIndex[T any](job func(*T) int64) []resource.Index[T] {
	return []resource.Index[T]{{Name: "job", Keys: func(r *T) []string { return idKeys(job(r)) }}}
}
