package sim

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/dispatch"
	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/jpm"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/resource/storedjson/storedjsontest"
	"github.com/stsim/stsim/sim/settings"
	"github.com/stsim/stsim/sim/store"
)

// TestSeedStoredForms reads back every demo record of the kinds that append
// their own stored form (resource.StoredAppender): each one's appender
// writes it, byte for byte, as it is stored and as MarshalStored writes it,
// without leaving it to the general encoder; and the kinds that read their
// own stored form (resource.StoredDecoder) read each one themselves, as the
// generic decoder does.
func TestSeedStoredForms(t *testing.T) {
	st := store.OpenMemory()
	defer st.Close()
	set, err := fixture.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seedTenant(st, set, time.Date(2026, 12, 2, 15, 4, 5, 123456789, time.UTC)); err != nil {
		t.Fatal(err)
	}
	kinds := []struct {
		bucket string
		least  int // demo records at least
		new    func() resource.StoredAppender
		// reads holds the kind's own decoder, if any, to reading a stored form.
		reads func(t testing.TB, name string, data []byte)
	}{
		{"r/crm.customers", 100, func() resource.StoredAppender { return new(crm.Customer) }, storedjsontest.CheckReadsStoredForm[crm.Customer]},
		{"r/crm.locations", 100, func() resource.StoredAppender { return new(crm.Location) }, storedjsontest.CheckReadsStoredForm[crm.Location]},
		{"r/crm.customer-contacts", 100, func() resource.StoredAppender { return new(crm.Contact) }, storedjsontest.CheckReadsStoredForm[crm.Contact]},
		{"r/crm.location-contacts", 100, func() resource.StoredAppender { return new(crm.Contact) }, storedjsontest.CheckReadsStoredForm[crm.Contact]},
		{"r/dispatch.technician-shifts", 100, func() resource.StoredAppender { return new(dispatch.Shift) }, nil},
		{"r/crm.leads", 5, func() resource.StoredAppender { return new(crm.Lead) }, nil},
		{"r/dispatch.non-job-appointments", 10, func() resource.StoredAppender { return new(dispatch.NonJobAppointment) }, nil},
		{"r/dispatch.gps-pings", 9, func() resource.StoredAppender { return new(dispatch.GPSPing) }, nil},
		{"r/jpm.jobs", 20, func() resource.StoredAppender { return new(jpm.Job) }, storedjsontest.CheckReadsStoredForm[jpm.Job]},
		{"r/jpm.appointments", 20, func() resource.StoredAppender { return new(jpm.Appointment) }, nil},
		{"r/jpm.appointment-assignments", 15, func() resource.StoredAppender { return new(jpm.Assignment) }, storedjsontest.CheckReadsStoredForm[jpm.Assignment]},
		{"r/jpm.job-booked-logs", 15, func() resource.StoredAppender { return new(jpm.BookedLog) }, storedjsontest.CheckReadsStoredForm[jpm.BookedLog]},
		{"r/jpm.job-history", 20, func() resource.StoredAppender { return new(jpm.History) }, nil},
		{"r/" + jpm.JobTypes.Name, 5, func() resource.StoredAppender { return new(jpm.JobType) }, storedjsontest.CheckReadsStoredForm[jpm.JobType]},
		{"r/jpm.projects", 1, func() resource.StoredAppender { return new(jpm.Project) }, nil},
		{"r/settings.user-roles", 5, func() resource.StoredAppender { return new(settings.UserRole) }, storedjsontest.CheckReadsStoredForm[settings.UserRole]},
		{"r/settings.technicians", 10, func() resource.StoredAppender { return new(settings.Technician) }, storedjsontest.CheckReadsStoredForm[settings.Technician]},
		{"r/settings.employees", 5, func() resource.StoredAppender { return new(settings.Employee) }, nil},
		{"r/settings.business-units", 4, func() resource.StoredAppender { return new(settings.BusinessUnit) }, storedjsontest.CheckReadsStoredForm[settings.BusinessUnit]},
	}
	err = st.View(set.Tenant.ID, func(tx store.Tx) error {
		for _, k := range kinds {
			n := 0
			err := tx.Scan(k.bucket, nil, func(key, stored []byte) bool {
				n++
				rec := k.new()
				if err := jsonv2.Unmarshal(stored, rec); err != nil {
					t.Fatalf("%s %x: %v", k.bucket, key, err)
				}
				got, ok := rec.AppendStored(nil)
				want, err := resource.MarshalStored(rec)
				switch {
				case err != nil:
					t.Fatalf("%s %x: %v", k.bucket, key, err)
				case !ok:
					t.Errorf("%s %x: left to the general encoder: %s", k.bucket, key, stored)
				case !bytes.Equal(got, stored) || !bytes.Equal(want, stored):
					t.Errorf("%s %x:\nstored        %s\nappended      %s\nMarshalStored %s", k.bucket, key, stored, got, want)
				}
				if k.reads != nil {
					k.reads(t, fmt.Sprintf("%s %x", k.bucket, key), stored)
				}
				return true
			})
			if err != nil {
				return err
			}
			if n < k.least {
				t.Errorf("%s: %d demo records", k.bucket, n)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
