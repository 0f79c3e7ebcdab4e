package schedule

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
	"github.com/stsim/stsim/sim/tenant"
)

// CheckSlot is asked before an appointment is created or rescheduled: of a
// job of businessUnitID whose job type lasts jobDuration seconds (0: no job
// type, or none given), over [start, end), with the given technicians.
//
// A Lenient tenant (the default) books into full slots, as ServiceTitan
// does: CheckSlot returns nil. A Strict tenant gets a 409 when no considered
// technician has room: one of the given technicians, or else any active
// technician of the business unit (of any business unit for 0). Room is
// what capacity calls Available, with [start, end) as the slot and the job
// duration (capped at end-start; end-start without one) as the need. The
// business unit's bookings without technicians take room first, from its
// technicians who were not named, then from the named ones. Skills are not
// checked.
//
// The appointment being rescheduled is still booked at its old time, so it
// counts against its new time where the two overlap.
func CheckSlot(tx *resource.Tx, jobDuration, businessUnitID int64, start, end time.Time, technicianIDs []int64) error {
	ts, err := tenant.Load(tx)
	if err != nil || ts.CapacityPolicy != tenant.Strict || !end.After(start) {
		return err
	}
	need := end.Unix() - start.Unix()
	if jobDuration > 0 {
		need = min(need, jobDuration)
	}
	inBU := func(bu int64) bool { return businessUnitID == 0 || bu == businessUnitID }
	named := func(id int64) bool { return slices.Contains(technicianIDs, id) }
	loc := ts.Location()
	b, err := LoadBoard(tx, loc, start, end, func(t *settings.Technician) bool {
		return named(t.ID) || (t.BusinessUnitID != nil && inBU(*t.BusinessUnitID)) || (t.BusinessUnitID == nil && businessUnitID == 0)
	})
	if err != nil {
		return err
	}
	members := slices.Clone(b.Techs) // those not named first: the pool takes from them first
	slices.SortStableFunc(members, func(x, y *Tech) int {
		return cmp.Compare(boolInt(named(x.Technician.ID)), boolInt(named(y.Technician.ID)))
	})
	res := b.Evaluate(start.Unix(), end.Unix(), members, func(*Tech) bool { return true }, inBU, need)
	for _, t := range res.Techs {
		if t.Available && (len(technicianIDs) == 0 || named(t.Technician.ID)) {
			return nil
		}
	}
	who := "no technician of business unit " + resource.IDKey(businessUnitID)
	if len(technicianIDs) > 0 {
		who = "none of the technicians"
	}
	return apierr.Conflict(fmt.Sprintf("The time slot has no capacity left: %s has %s free between %s and %s.",
		who, time.Duration(need)*time.Second, start.In(loc).Format(time.RFC3339), end.In(loc).Format(time.RFC3339))).
		With("capacityPolicy", tenant.Strict)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
