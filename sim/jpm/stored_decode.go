package jpm

import (
	"github.com/stsim/stsim/sim/extdata"
	"github.com/stsim/stsim/sim/resource"
)

// Jobs, assignments, booked logs and job types read their own stored form too
// (resource.StoredDecoder; stored.go writes it): the demo seed reads them
// back as it books (the job, the technician's assignments), and in a fresh
// process that had go-json-experiment build their codecs after all.
// Anything but the form the store writes falls back to the generic
// decoder (TestStoredDecodersReadAsGeneric, FuzzStoredDecoders).

// DecodeStored reads the job's stored form.
func (j *Job) DecodeStored(r *resource.StoredReader) {
	const first = resource.MetaMembers
	r.Object(func(name string) int {
		switch name {
		case "jobNumber":
			j.JobNumber = r.String()
			return first
		case "customerId":
			j.CustomerID = r.Int()
			return first + 1
		case "locationId":
			j.LocationID = r.Int()
			return first + 2
		case "businessUnitId":
			j.BusinessUnitID = r.Int()
			return first + 3
		case "jobTypeId":
			j.JobTypeID = r.Int()
			return first + 4
		case "campaignId":
			j.CampaignID = r.Int()
			return first + 5
		case "priority":
			j.Priority = r.String()
			return first + 6
		case "jobStatus":
			j.JobStatus = r.String()
			return first + 7
		case "completedOn":
			j.CompletedOn = r.TimePtr()
			return first + 8
		case "projectId":
			j.ProjectID = r.IntPtr()
			return first + 9
		case "summary":
			j.Summary = r.StringPtr()
			return first + 10
		case "customFields":
			j.CustomFields = decodeCustomFields(r)
			return first + 11
		case "tagTypeIds":
			j.TagTypeIDs = r.Ints()
			return first + 12
		case "externalData":
			j.ExternalData = extdata.DecodeStored(r)
			return first + 13
		case "customerPo":
			j.CustomerPO = r.String()
			return first + 14
		case "invoiceId":
			j.InvoiceID = r.Int()
			return first + 15
		case "soldById":
			j.SoldByID = r.IntPtr()
			return first + 16
		case "bookingId":
			j.BookingID = r.IntPtr()
			return first + 17
		case "leadCallId":
			j.LeadCallID = r.IntPtr()
			return first + 18
		case "recallForId":
			j.RecallForID = r.IntPtr()
			return first + 19
		case "warrantyId":
			j.WarrantyID = r.IntPtr()
			return first + 20
		case "membershipId":
			j.MembershipID = r.IntPtr()
			return first + 21
		case "total":
			j.Total = r.FloatPtr()
			return first + 22
		case "jobGeneratedLeadSource":
			j.LeadSource = decodeLeadSource(r)
			return first + 23
		case "noCharge":
			j.NoCharge = r.Bool()
			return first + 24
		case "notificationsEnabled":
			j.NotificationsEnabled = r.Bool()
			return first + 25
		case "invoiceSignatureIsRequired":
			j.InvoiceSignatureIsRequired = r.Bool()
			return first + 26
		case "createdById":
			j.CreatedByID = r.Int()
			return first + 27
		case "appointmentSeq":
			j.AppointmentSeq = decodeInt(r)
			return first + 28
		}
		return j.Meta.DecodeStoredMember(name, r)
	})
}

// decodeInt reads an int (a value past its range fails the reader).
func decodeInt(r *resource.StoredReader) int {
	n := r.Int()
	if int64(int(n)) != n {
		r.Fail()
	}
	return int(n)
}

func decodeLeadSource(r *resource.StoredReader) *LeadSource {
	s := new(LeadSource)
	r.Object(func(name string) int {
		switch name {
		case "jobId":
			s.JobID = r.IntPtr()
			return 0
		case "employeeId":
			s.EmployeeID = r.IntPtr()
			return 1
		}
		return -1
	})
	return s
}

// decodeCustomFields reads a job's stored custom field values (never nil).
func decodeCustomFields(r *resource.StoredReader) []CustomField {
	fields := []CustomField{}
	r.Array(func() {
		var f CustomField
		r.Object(func(name string) int {
			switch name {
			case "typeId":
				f.TypeID = r.Int()
				return 0
			case "name":
				f.Name = r.String()
				return 1
			case "value":
				f.Value = r.String()
				return 2
			}
			return -1
		})
		fields = append(fields, f)
	})
	return fields
}

// DecodeStored reads the assignment's stored form.
func (a *Assignment) DecodeStored(r *resource.StoredReader) {
	const first = resource.MetaMembers
	r.Object(func(name string) int {
		switch name {
		case "appointmentId":
			a.AppointmentID = r.Int()
			return first
		case "jobId":
			a.JobID = r.Int()
			return first + 1
		case "technicianId":
			a.TechnicianID = r.Int()
			return first + 2
		case "technicianName":
			a.TechnicianName = r.String()
			return first + 3
		case "assignedById":
			a.AssignedByID = r.Int()
			return first + 4
		case "assignedOn":
			a.AssignedOn = r.Time()
			return first + 5
		case "status":
			a.Status = r.String()
			return first + 6
		}
		return a.Meta.DecodeStoredMember(name, r)
	})
}

// DecodeStored reads the booked log's stored form.
func (l *BookedLog) DecodeStored(r *resource.StoredReader) {
	const first = resource.MetaMembers
	r.Object(func(name string) int {
		switch name {
		case "jobId":
			l.JobID = r.Int()
			return first
		case "jobAppointmentId":
			l.AppointmentID = r.Int()
			return first + 1
		case "start":
			l.Start = r.Time()
			return first + 2
		case "arrivalWindowStart":
			l.ArrivalWindowStart = r.TimePtr()
			return first + 3
		case "arrivalWindowEnd":
			l.ArrivalWindowEnd = r.TimePtr()
			return first + 4
		case "createdById":
			l.CreatedByID = r.Int()
			return first + 5
		}
		return l.Meta.DecodeStoredMember(name, r)
	})
}

// DecodeStored reads the job type's stored form.
func (jt *JobType) DecodeStored(r *resource.StoredReader) {
	const first = resource.MetaMembers
	r.Object(func(name string) int {
		switch name {
		case "name":
			jt.Name = r.String()
			return first
		case "businessUnitIds":
			jt.BusinessUnitIDs = r.Ints()
			return first + 1
		case "skills":
			jt.Skills = r.Strings()
			return first + 2
		case "priority":
			jt.Priority = r.String()
			return first + 3
		case "duration":
			jt.Duration = r.Int()
			return first + 4
		case "tagTypeIds":
			jt.TagTypeIDs = r.Ints()
			return first + 5
		case "soldThreshold":
			jt.SoldThreshold = r.FloatPtr()
			return first + 6
		case "class":
			jt.Class = r.String()
			return first + 7
		case "summary":
			jt.Summary = r.String()
			return first + 8
		case "noCharge":
			jt.NoCharge = r.Bool()
			return first + 9
		case "enforceRecurringServiceEventSelection":
			v := r.Bool()
			jt.EnforceRecurringServiceEventSelection = &v
			return first + 10
		case "invoiceSignaturesRequired":
			jt.InvoiceSignaturesRequired = r.Bool()
			return first + 11
		case "externalData":
			jt.ExternalData = extdata.DecodeStored(r)
			return first + 12
		}
		return jt.Meta.DecodeStoredMember(name, r)
	})
}
