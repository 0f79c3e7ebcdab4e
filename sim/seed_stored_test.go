package sim

import (
	"bytes"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/dispatch"
	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/jpm"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
	"github.com/stsim/stsim/sim/store"
)

// TestSeedStoredForms reads back every demo record of the kinds that append
// their own stored form (resource.StoredAppender): each one's appender
// writes it, byte for byte, as it is stored and as MarshalStored writes it,
// without leaving it to the general encoder.
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
	}{
		{"r/crm.customers", 100, func() resource.StoredAppender { return new(crm.Customer) }},
		{"r/crm.locations", 100, func() resource.StoredAppender { return new(crm.Location) }},
		{"r/crm.customer-contacts", 100, func() resource.StoredAppender { return new(crm.Contact) }},
		{"r/crm.location-contacts", 100, func() resource.StoredAppender { return new(crm.Contact) }},
		{"r/dispatch.technician-shifts", 100, func() resource.StoredAppender { return new(dispatch.Shift) }},
		{"r/jpm.jobs", 20, func() resource.StoredAppender { return new(jpm.Job) }},
		{"r/jpm.appointments", 20, func() resource.StoredAppender { return new(jpm.Appointment) }},
		{"r/jpm.appointment-assignments", 15, func() resource.StoredAppender { return new(jpm.Assignment) }},
		{"r/jpm.job-booked-logs", 15, func() resource.StoredAppender { return new(jpm.BookedLog) }},
		{"r/jpm.job-history", 20, func() resource.StoredAppender { return new(jpm.History) }},
		{"r/settings.technicians", 10, func() resource.StoredAppender { return new(settings.Technician) }},
		{"r/settings.employees", 5, func() resource.StoredAppender { return new(settings.Employee) }},
		{"r/settings.business-units", 4, func() resource.StoredAppender { return new(settings.BusinessUnit) }},
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
