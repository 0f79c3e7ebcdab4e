package jpm

import (
	"github.com/stsim/stsim/sim/extdata"
	"github.com/stsim/stsim/sim/resource/storedjson"
)

// Jobs, appointments, their assignments, booked logs, histories, job types
// and projects write their own stored form (resource.StoredAppender): the
// demo seed writes ~200 of them, and in a fresh process go-json-experiment building an
// encoder for each of these types was a good part of the seed. The bytes
// are resource.MarshalStored's (TestStoredFormIsMarshalStored,
// FuzzStoredForm).

// AppendStored appends the job's stored form.
func (j *Job) AppendStored(b []byte) ([]byte, bool) {
	w := storedjson.Begin(b, &j.Meta)
	w.String("jobNumber", j.JobNumber)
	w.Int("customerId", j.CustomerID)
	w.Int("locationId", j.LocationID)
	w.Int("businessUnitId", j.BusinessUnitID)
	w.Int("jobTypeId", j.JobTypeID)
	w.Int("campaignId", j.CampaignID)
	w.String("priority", j.Priority)
	w.String("jobStatus", j.JobStatus)
	w.TimePtr("completedOn", j.CompletedOn)
	w.IntPtr("projectId", j.ProjectID)
	w.StringPtr("summary", j.Summary)
	appendCustomFields(&w, j.CustomFields)
	w.Ints("tagTypeIds", j.TagTypeIDs)
	extdata.AppendStored(&w, j.ExternalData)
	w.String("customerPo", j.CustomerPO)
	w.Int("invoiceId", j.InvoiceID)
	w.IntPtr("soldById", j.SoldByID)
	w.IntPtr("bookingId", j.BookingID)
	w.IntPtr("leadCallId", j.LeadCallID)
	w.IntPtr("recallForId", j.RecallForID)
	w.IntPtr("warrantyId", j.WarrantyID)
	w.IntPtr("membershipId", j.MembershipID)
	w.FloatPtr("total", j.Total)
	if s := j.LeadSource; s != nil {
		w.Object("jobGeneratedLeadSource")
		w.IntPtr("jobId", s.JobID)
		w.IntPtr("employeeId", s.EmployeeID)
		w.Close('}')
	}
	w.Bool("noCharge", j.NoCharge)
	w.Bool("notificationsEnabled", j.NotificationsEnabled)
	w.Bool("invoiceSignatureIsRequired", j.InvoiceSignatureIsRequired)
	w.Int("createdById", j.CreatedByID)
	w.Int("appointmentSeq", int64(j.AppointmentSeq))
	return w.End()
}

// AppendStored appends the appointment's stored form.
func (a *Appointment) AppendStored(b []byte) ([]byte, bool) {
	w := storedjson.Begin(b, &a.Meta)
	w.Int("jobId", a.JobID)
	w.Int("customerId", a.CustomerID)
	w.String("appointmentNumber", a.AppointmentNumber)
	w.Time("start", a.Start)
	w.Time("end", a.End)
	w.TimePtr("arrivalWindowStart", a.ArrivalWindowStart)
	w.TimePtr("arrivalWindowEnd", a.ArrivalWindowEnd)
	w.String("status", a.Status)
	w.Bool("isConfirmed", a.IsConfirmed)
	w.StringPtr("specialInstructions", a.SpecialInstructions)
	w.Bool("unused", a.Unused)
	w.Int("createdById", a.CreatedByID)
	w.IntPtr("holdReasonId", a.HoldReasonID)
	w.StringPtr("holdMemo", a.HoldMemo)
	return w.End()
}

// AppendStored appends the assignment's stored form.
func (a *Assignment) AppendStored(b []byte) ([]byte, bool) {
	w := storedjson.Begin(b, &a.Meta)
	w.Int("appointmentId", a.AppointmentID)
	w.Int("jobId", a.JobID)
	w.Int("technicianId", a.TechnicianID)
	w.String("technicianName", a.TechnicianName)
	w.Int("assignedById", a.AssignedByID)
	w.Time("assignedOn", a.AssignedOn)
	w.String("status", a.Status)
	return w.End()
}

// AppendStored appends the booked log's stored form.
func (l *BookedLog) AppendStored(b []byte) ([]byte, bool) {
	w := storedjson.Begin(b, &l.Meta)
	w.Int("jobId", l.JobID)
	w.Int("jobAppointmentId", l.AppointmentID)
	w.Time("start", l.Start)
	w.TimePtr("arrivalWindowStart", l.ArrivalWindowStart)
	w.TimePtr("arrivalWindowEnd", l.ArrivalWindowEnd)
	w.Int("createdById", l.CreatedByID)
	return w.End()
}

// AppendStored appends the history's stored form.
func (h *History) AppendStored(b []byte) ([]byte, bool) {
	w := storedjson.Begin(b, &h.Meta)
	if h.Entries != nil {
		w.Array("entries")
		for _, e := range h.Entries {
			w.Element()
			w.Int("id", e.ID)
			w.IntPtr("employeeId", e.EmployeeID)
			w.String("eventType", e.EventType)
			w.Time("date", e.Date)
			w.String("usedSchedulingTool", e.UsedSchedulingTool)
			w.String("memo", e.Memo)
			w.Close('}')
		}
		w.Close(']')
	}
	return w.End()
}

// AppendStored appends the job type's stored form.
func (jt *JobType) AppendStored(b []byte) ([]byte, bool) {
	w := storedjson.Begin(b, &jt.Meta)
	w.String("name", jt.Name)
	w.Ints("businessUnitIds", jt.BusinessUnitIDs)
	w.Strings("skills", jt.Skills)
	w.String("priority", jt.Priority)
	w.Int("duration", jt.Duration)
	w.Ints("tagTypeIds", jt.TagTypeIDs)
	w.FloatPtr("soldThreshold", jt.SoldThreshold)
	w.String("class", jt.Class)
	w.String("summary", jt.Summary)
	w.Bool("noCharge", jt.NoCharge)
	w.BoolPtr("enforceRecurringServiceEventSelection", jt.EnforceRecurringServiceEventSelection)
	w.Bool("invoiceSignaturesRequired", jt.InvoiceSignaturesRequired)
	extdata.AppendStored(&w, jt.ExternalData)
	return w.End()
}

// AppendStored appends the project's stored form.
func (p *Project) AppendStored(b []byte) ([]byte, bool) {
	w := storedjson.Begin(b, &p.Meta)
	w.String("number", p.Number)
	w.StringPtr("name", p.Name)
	w.StringPtr("summary", p.Summary)
	w.IntPtr("statusId", p.StatusID)
	w.StringPtr("status", p.Status)
	w.IntPtr("subStatusId", p.SubStatusID)
	w.StringPtr("subStatus", p.SubStatus)
	w.Int("customerId", p.CustomerID)
	w.Int("locationId", p.LocationID)
	w.IntPtr("projectTypeId", p.ProjectTypeID)
	w.Ints("projectManagerIds", p.ProjectManagerIDs)
	w.Ints("businessUnitIds", p.BusinessUnitIDs)
	w.TimePtr("startDate", p.StartDate)
	w.TimePtr("targetCompletionDate", p.TargetCompletionDate)
	w.TimePtr("actualCompletionDate", p.ActualCompletionDate)
	appendCustomFields(&w, p.CustomFields)
	extdata.AppendStored(&w, p.ExternalData)
	w.Ints("jobIds", p.JobIDs)
	return w.End()
}

func appendCustomFields(w *storedjson.Writer, fields []CustomField) {
	if fields == nil {
		return
	}
	w.Array("customFields")
	for _, f := range fields {
		w.Element()
		w.Int("typeId", f.TypeID)
		w.String("name", f.Name)
		w.String("value", f.Value)
		w.Close('}')
	}
	w.Close(']')
}
