package sim

import (
	"errors"
	"reflect"
	"runtime"
	"time"

	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/dispatch"
	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/jpm"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/schedule"
	"github.com/stsim/stsim/sim/store"
	"github.com/stsim/stsim/sim/tenant"
)

// seededKey marks a tenant whose fixture data has been written, so a bbolt
// file opened again keeps its data instead of being seeded twice.
var seededKey = []byte("seeded")

const metaBucket = tenant.MetaBucket

// seeding is how a seed writes a fixture set's records. Tests vary it per
// seed (it is not a package variable: servers other tests leave seeding
// would see a change to one).
type seeding struct {
	// decodeAhead starts decoding the modules' fixture records beside the
	// seed; nil, or a nil Ahead, has the seed decode them itself.
	decodeAhead func([]fixture.Input) *fixture.Ahead
	// onGeneralCodec, if set, is told the type of each record the seed
	// writes or reads back through the general codec
	// (resource.Tx.OnGeneralCodec).
	onGeneralCodec func(reflect.Type)
}

// defaultSeeding is every server's.
var defaultSeeding = seeding{decodeAhead: decodeAheadOnSpareCore}

// seedTenant writes a fixture set's settings and records into its tenant
// once, and returns the booking-provider tag each of the set's connections
// is to be bound to (by client ID), for the registry.
func seedTenant(st store.Store, set *fixture.Set, now time.Time) (map[string]int64, error) {
	return defaultSeeding.seedTenant(st, set, now)
}

func (how seeding) seedTenant(st store.Store, set *fixture.Set, now time.Time) (map[string]int64, error) {
	bindings := map[string]int64{} // client ID -> booking-provider tag
	err := resource.Update(st, set.Tenant.ID, now, func(tx *resource.Tx) error {
		clear(bindings) // Update may run more than once
		if _, err := tx.Get(metaBucket, seededKey); errors.Is(err, store.ErrNotFound) {
			if err := how.seedRecords(tx, set, now); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		for _, c := range set.Connections {
			if c.BookingProviderTag == "" {
				continue
			}
			id, err := crm.EnsureBookingProviderTag(tx, c.BookingProviderTag)
			if err != nil {
				return err
			}
			bindings[c.ClientID] = id
		}
		return nil
	})
	return bindings, err
}

// reindex files a tenant's shifts, non-job appointments and appointments
// with package schedule when its index does not cover them yet: data
// written by an stsim before the index existed (a bbolt file or snapshot).
// A tenant seeded since has it complete.
func (s *Server) reindex(tenant int64) error {
	var done bool
	err := resource.View(s.store, tenant, s.clock.Now(), func(tx *resource.Tx) (err error) {
		done, err = schedule.Indexed(tx)
		return err
	})
	if err != nil || done {
		return err
	}
	return resource.Update(s.store, tenant, s.clock.Now(), func(tx *resource.Tx) error {
		done, err := schedule.Indexed(tx)
		if err != nil || done {
			return err
		}
		return schedule.Rebuild(tx, dispatch.IndexSchedule, jpm.IndexSchedule)
	})
}

func (how seeding) seedRecords(tx *resource.Tx, set *fixture.Set, now time.Time) error {
	tx.OnGeneralCodec(how.onGeneralCodec)
	// Every record written from here on files itself with schedule.
	if err := schedule.MarkIndexed(tx); err != nil {
		return err
	}
	settings := tenant.Defaults()
	if set.Tenant.TimeZone != "" {
		settings.TimeZone = set.Tenant.TimeZone
	}
	if set.Tenant.CapacityPolicy != "" {
		settings.CapacityPolicy = set.Tenant.CapacityPolicy
	}
	if err := tenant.Save(tx, settings); err != nil {
		return err
	}
	dates := fixture.Dates{Now: now, Loc: settings.Location()}
	inputs := make([]fixture.Input, len(Modules))
	for i, m := range Modules {
		inputs[i] = fixture.Input{Records: set.Module(m.Name), Dates: dates}
	}
	var ahead *fixture.Ahead
	if how.decodeAhead != nil {
		ahead = how.decodeAhead(inputs)
	}
	if ahead != nil {
		defer ahead.Stop()
		for i := range inputs {
			inputs[i].Ahead = ahead
		}
	}
	err := resource.Reserve(tx, set.ReservedIDs(), func() error {
		for i, m := range Modules {
			if err := m.Seed(tx, inputs[i]); err != nil {
				return err
			}
		}
		for i, m := range Modules {
			if m.SeedLast == nil {
				continue
			}
			if err := m.SeedLast(tx, inputs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tx.Put(metaBucket, seededKey, []byte(now.UTC().Format(time.RFC3339)))
}

// decodeAheadOnSpareCore starts decoding the modules' fixture records
// beside the seed (fixture.DecodeAhead) when there is a second core to do
// it on: on one it would only take turns with the seed.
func decodeAheadOnSpareCore(inputs []fixture.Input) *fixture.Ahead {
	if runtime.GOMAXPROCS(0) < 2 {
		return nil
	}
	return fixture.DecodeAhead(fixtureModules(), inputs)
}
