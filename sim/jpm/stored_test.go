package jpm_test

import (
	"testing"
	"time"

	"github.com/stsim/stsim/sim/jpm"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/resource/storedjson/storedjsontest"
)

// TestStoredFormIsMarshalStored: jobs, appointments, assignments, booked
// logs, histories, job types and projects with every field set, and with
// none but their ID, are appended exactly as MarshalStored writes them.
// (TestSeedStoredForms in package sim checks every demo record.)
func TestStoredFormIsMarshalStored(t *testing.T) {
	storedjsontest.CheckFilled(t, new(jpm.Job))
	storedjsontest.CheckFilled(t, new(jpm.Appointment))
	storedjsontest.CheckFilled(t, new(jpm.Assignment))
	storedjsontest.CheckFilled(t, new(jpm.BookedLog))
	storedjsontest.CheckFilled(t, new(jpm.History))
	storedjsontest.CheckFilled(t, new(jpm.JobType))
	storedjsontest.CheckFilled(t, new(jpm.Project))

	meta := resource.Meta{ID: 1}
	storedjsontest.Check(t, &jpm.Job{Meta: meta}, true)
	storedjsontest.Check(t, &jpm.Appointment{Meta: meta}, true)
	storedjsontest.Check(t, &jpm.Assignment{Meta: meta}, true)
	storedjsontest.Check(t, &jpm.BookedLog{Meta: meta}, true)
	storedjsontest.Check(t, &jpm.History{Meta: meta}, true)
	storedjsontest.Check(t, &jpm.JobType{Meta: meta}, true)
	storedjsontest.Check(t, &jpm.Project{Meta: meta}, true)
	no, empty := false, ""
	storedjsontest.Check(t, &jpm.JobType{Meta: meta, BusinessUnitIDs: []int64{}, Skills: []string{}, EnforceRecurringServiceEventSelection: &no,
		ExternalData: jpm.ExternalData{}}, true)
	storedjsontest.Check(t, &jpm.Project{Meta: meta, Name: &empty, ProjectManagerIDs: []int64{}, StartDate: new(resource.Time),
		CustomFields: []jpm.CustomField{}, JobIDs: []int64{}}, true)
	// Empty but present: empty lists and objects, zero elements, pointers
	// to zero values (a zero stamp is left out, as its IsZero says).
	zero, stamp := int64(0), new(resource.Time)
	storedjsontest.Check(t, &jpm.Job{Meta: meta, CompletedOn: stamp, ProjectID: &zero, CustomFields: []jpm.CustomField{{}}, TagTypeIDs: []int64{},
		ExternalData: jpm.ExternalData{}, LeadSource: &jpm.LeadSource{}}, true)
	storedjsontest.Check(t, &jpm.Appointment{Meta: meta, ArrivalWindowStart: stamp, ArrivalWindowEnd: stamp}, true)
	storedjsontest.Check(t, &jpm.History{Meta: meta, Entries: []jpm.HistoryEntry{}}, true)
	storedjsontest.Check(t, &jpm.History{Meta: meta, Entries: []jpm.HistoryEntry{{}, {EmployeeID: &zero}}}, true)
	// Left to the general encoder: two applications' external data.
	storedjsontest.Check(t, &jpm.Job{Meta: meta, ExternalData: jpm.ExternalData{"b": {{Key: "k"}}, "a": {{Value: "v"}}}}, false)
}

// FuzzStoredForm holds the appenders to MarshalStored on arbitrary
// strings, numbers and instants in their records' fields.
func FuzzStoredForm(f *testing.F) {
	f.Add("Scheduled", "memo", int64(7), 125.5, int64(1796223845), true)
	f.Add("a&b <c>", "\u2028\xff\"\\", int64(-1), 1e21, int64(-62135596800), false)
	f.Add("", "\x00", int64(1<<40), -0.0, int64(253402300800), true)
	f.Fuzz(func(t *testing.T, s1, s2 string, n int64, fl float64, sec int64, b bool) {
		tm := resource.Stamp(time.Unix(sec, n%1e9))
		meta := resource.Meta{ID: n, Seq: uint64(n), Active: b, CreatedOn: tm, ModifiedOn: tm}
		storedjsontest.Check(t, &jpm.Job{Meta: meta, JobNumber: s1, CustomerID: n, Priority: s2, CompletedOn: &tm, Summary: &s2,
			CustomFields: []jpm.CustomField{{TypeID: n, Name: s1, Value: s2}}, TagTypeIDs: []int64{n}, ExternalData: jpm.ExternalData{s1: {{Key: s2}}},
			CustomerPO: s1, Total: &fl, LeadSource: &jpm.LeadSource{JobID: &n}, NoCharge: b, AppointmentSeq: int(n)}, false)
		storedjsontest.Check(t, &jpm.Appointment{Meta: meta, JobID: n, AppointmentNumber: s1, Start: tm, End: tm, ArrivalWindowStart: &tm,
			Status: s2, IsConfirmed: b, SpecialInstructions: &s1, HoldMemo: &s2}, false)
		storedjsontest.Check(t, &jpm.Assignment{Meta: meta, TechnicianID: n, TechnicianName: s1, AssignedOn: tm, Status: s2}, false)
		storedjsontest.Check(t, &jpm.BookedLog{Meta: meta, JobID: n, Start: tm, ArrivalWindowEnd: &tm}, false)
		storedjsontest.Check(t, &jpm.History{Meta: meta, Entries: []jpm.HistoryEntry{{ID: n, EmployeeID: &n, EventType: s1, Date: tm, Memo: s2}, {}}}, false)
		storedjsontest.Check(t, &jpm.JobType{Meta: meta, Name: s1, Skills: []string{s2}, Duration: n, SoldThreshold: &fl, Class: s2,
			EnforceRecurringServiceEventSelection: &b, ExternalData: jpm.ExternalData{s2: {{Value: s1}}}}, false)
		storedjsontest.Check(t, &jpm.Project{Meta: meta, Number: s1, Name: &s2, StatusID: &n, CustomerID: n, ProjectManagerIDs: []int64{n},
			TargetCompletionDate: &tm, CustomFields: []jpm.CustomField{{TypeID: n, Name: s2}}, JobIDs: []int64{n, -n}}, false)
	})
}

// TestStoredDecodersReadAsGeneric: the job's, assignment's, booked log's
// and job type's own decoders read their stored forms (every field set,
// empty lists and objects) themselves, as the generic decoder does, back
// into the same form; forms cut short or with a byte changed, and odd ones,
// they read (if at all) as the generic decoder does too.
// (TestSeedStoredForms in package sim reads every demo record.)
func TestStoredDecodersReadAsGeneric(t *testing.T) {
	job, assignment, booked, jobType := new(jpm.Job), new(jpm.Assignment), new(jpm.BookedLog), new(jpm.JobType)
	for _, rec := range []any{job, assignment, booked, jobType} {
		storedjsontest.Fill(t, rec)
	}
	storedjsontest.CheckReadsStored(t, "filled job", job)
	storedjsontest.CheckReadsStored(t, "filled assignment", assignment)
	storedjsontest.CheckReadsStored(t, "filled booked log", booked)
	storedjsontest.CheckReadsStored(t, "filled job type", jobType)
	zero := int64(0)
	storedjsontest.CheckReadsStored(t, "empty job", &jpm.Job{ProjectID: &zero, CustomFields: []jpm.CustomField{{}}, TagTypeIDs: []int64{},
		ExternalData: jpm.ExternalData{}, LeadSource: &jpm.LeadSource{}})
	no := false
	storedjsontest.CheckReadsStored(t, "empty job type", &jpm.JobType{BusinessUnitIDs: []int64{}, Skills: []string{}, EnforceRecurringServiceEventSelection: &no})
	for _, rec := range []resource.StoredAppender{job, assignment, booked, jobType} {
		data, err := resource.MarshalStored(rec)
		if err != nil {
			t.Fatal(err)
		}
		checkAllDecoders(t, "damaged", data, true)
	}
	for _, odd := range []string{
		`{"id":1,"id":2}`, `{"jobNumber":"a","jobNumber":"b"}`, `{"unknown":1}`, `{"completedOn":null}`, `{"jobGeneratedLeadSource":null}`,
		`{"jobGeneratedLeadSource":{"jobId":1,"jobId":2}}`, `{"customFields":[{"typeId":1,"name":null}]}`, `{"appointmentSeq":1.5}`, `{"enforceRecurringServiceEventSelection":null}`, `{"skills":["a","a"]}`,
		`{"appointmentSeq":9223372036854775807}`, `{"total":1e400}`, `{"arrivalWindowStart":"2026-01-01T00:00:00Z"}`, `{"start":""}`,
		`{"assignedOn":"2026-02-30T00:00:00.0000000Z"}`, `{"status":"\u00e9"}`, `{"externalData":{"g":[{"key":"k"}],"g":[]}}`,
	} {
		checkAllDecoders(t, odd, []byte(odd), false)
	}
}

func checkAllDecoders(t *testing.T, name string, data []byte, damage bool) {
	t.Helper()
	storedjsontest.CheckDecoder[jpm.Job](t, name, data)
	storedjsontest.CheckDecoder[jpm.Assignment](t, name, data)
	storedjsontest.CheckDecoder[jpm.BookedLog](t, name, data)
	storedjsontest.CheckDecoder[jpm.JobType](t, name, data)
	if damage {
		storedjsontest.CheckDecoderOnDamage[jpm.Job](t, name, data)
		storedjsontest.CheckDecoderOnDamage[jpm.Assignment](t, name, data)
		storedjsontest.CheckDecoderOnDamage[jpm.BookedLog](t, name, data)
		storedjsontest.CheckDecoderOnDamage[jpm.JobType](t, name, data)
	}
}

// FuzzStoredDecoders: whatever the job's, assignment's, booked log's or job
// type's own decoder reads, the generic decoder reads the same.
func FuzzStoredDecoders(f *testing.F) {
	for _, rec := range []resource.StoredAppender{new(jpm.Job), new(jpm.Assignment), new(jpm.BookedLog), new(jpm.JobType)} {
		storedjsontest.Fill(f, rec)
		data, err := resource.MarshalStored(rec)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAllDecoders(t, "fuzz", data, false)
	})
}
