// Package tenant holds per-tenant settings that several modules read: the
// tenant's time zone (capacity slots and local times) and the capacity
// policy. They live in the tenant's store, so snapshots and bbolt files
// carry them.
package tenant

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/store"
)

// Capacity policies: what booking into a full slot does.
const (
	// Lenient accepts it, as ServiceTitan does (the default).
	Lenient = "lenient"
	// Strict refuses it with 409, so clients can test that path.
	Strict = "strict"
)

// Settings are one tenant's settings.
type Settings struct {
	TimeZone        string `json:"timeZone"`        // IANA name, e.g. America/Chicago
	CapacityPolicy  string `json:"capacityPolicy"`  // Lenient or Strict
	CapacityMaxDays int    `json:"capacityMaxDays"` // longest capacity query range, in days
}

// Defaults are the settings of a tenant whose fixture names none.
func Defaults() Settings {
	return Settings{TimeZone: "America/Chicago", CapacityPolicy: Lenient, CapacityMaxDays: 14}
}

var settingsKey = []byte("tenant-settings")

// MetaBucket is the tenant's bookkeeping bucket: its settings and the
// mark that its fixture data has been written.
const MetaBucket = "meta"

// Load reads the tenant's settings (the defaults if none were saved).
func Load(tx *resource.Tx) (Settings, error) {
	s := Defaults()
	data, err := tx.Get(MetaBucket, settingsKey)
	if errors.Is(err, store.ErrNotFound) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	return s, json.Unmarshal(data, &s)
}

// Save writes the tenant's settings after checking them.
func Save(tx *resource.Tx, s Settings) error {
	if _, err := time.LoadLocation(s.TimeZone); err != nil {
		return fmt.Errorf("tenant: time zone %q: %w", s.TimeZone, err)
	}
	if s.CapacityPolicy != Lenient && s.CapacityPolicy != Strict {
		return fmt.Errorf("tenant: capacity policy must be %q or %q, not %q", Lenient, Strict, s.CapacityPolicy)
	}
	if s.CapacityMaxDays < 1 {
		return fmt.Errorf("tenant: capacityMaxDays must be at least 1")
	}
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return tx.Put(MetaBucket, settingsKey, data)
}

// Location returns the tenant's time zone (UTC if it cannot be loaded).
func (s Settings) Location() *time.Location { return Location(s.TimeZone) }

// locations caches time zones by name (time.LoadLocation reads the zone
// database on every call).
var locations sync.Map

// Location returns the named time zone (UTC if it cannot be loaded).
func Location(name string) *time.Location {
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = time.UTC
	}
	locations.Store(name, loc)
	return loc
}
