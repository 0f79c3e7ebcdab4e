package settings

import (
	"github.com/stsim/stsim/sim/resource"
)

// What other modules may read of settings' records. They call these
// instead of reaching into the collections (see also ActiveTechnician,
// ActiveBusinessUnit, BusinessUnitByID, TechniciansIn and TagTypeExists).

// TechnicianByID returns a technician, active or not
// (resource.ErrNotFound when there is none).
func TechnicianByID(tx *resource.Tx, id int64) (*Technician, error) {
	return resource.Get(tx, &Technicians, id)
}

// ActiveTechnicians returns the active technicians that keep accepts, in
// ID order.
func ActiveTechnicians(tx *resource.Tx, keep func(*Technician) bool) ([]*Technician, error) {
	return resource.All(tx, &Technicians, func(t *Technician) bool { return t.Active && keep(t) })
}

// BusinessUnitExists reports whether a business unit exists (active or not).
func BusinessUnitExists(tx *resource.Tx, id int64) (bool, error) {
	return resource.Exists(tx, &BusinessUnits, id)
}

// ActiveBusinessUnits returns every active business unit, in ID order.
func ActiveBusinessUnits(tx *resource.Tx) ([]*BusinessUnit, error) {
	return resource.All(tx, &BusinessUnits, func(u *BusinessUnit) bool { return u.Active })
}
