package sim

import (
	"errors"
	"time"

	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/store"
)

// seededKey marks a tenant whose fixture data has been written, so a bbolt
// file opened again keeps its data instead of being seeded twice.
var seededKey = []byte("seeded")

const metaBucket = "meta"

// seedTenant writes a fixture set's records into its tenant once.
func seedTenant(st store.Store, set *fixture.Set, now time.Time) error {
	return resource.Update(st, set.Tenant.ID, now, func(tx *resource.Tx) error {
		if _, err := tx.Get(metaBucket, seededKey); err == nil {
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := crm.Seed(tx, set.Tenant.ID); err != nil {
			return err
		}
		return tx.Put(metaBucket, seededKey, []byte(now.UTC().Format(time.RFC3339)))
	})
}
