package dispatch

import (
	"cmp"
	"errors"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/stsim/stsim/sim/jpm"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
)

// The board is what capacity and CheckSlot read for one time range: the
// technicians considered, with the time each can work and the time each is
// booked, and the bookings no technician has yet.
//
// Rules (one place, shared by the capacity operation and CheckSlot):
//
//   - A technician can work during their active Normal shifts, minus their
//     active TimeOff shifts, minus the non-job appointments that remove them
//     from capacity planning (removeTechnicianFromCapacityPlanning). OnCall
//     shifts neither give nor take time.
//   - A technician is booked during the appointments they are actively
//     assigned to and during their other non-job appointments (meetings,
//     training: the technician is busy, though not "removed").
//   - Appointments count unless their status is Canceled or Hold (a held
//     appointment waits off the schedule). Done and Working ones still
//     occupied the time, so they count.
//   - An appointment with no active assignment counts against the pool of
//     the business unit of its job: in each slot it is placed on the first
//     technician of that business unit (among those counted) who is free for
//     its whole overlap with the slot, else on the one with the most free
//     time in it; its hours count as booked even when nobody can take it.
//   - Booked time counts whether or not it lies inside a shift, as
//     ServiceTitan does: jobs assigned to a technician without a shift still
//     use capacity, so open hours can go below zero.
type board struct {
	techs      []*techState // by ID
	byID       map[int64]*techState
	unassigned []pooled // by start
}

// techState is one technician on the board.
type techState struct {
	tech  *settings.Technician
	bu    int64 // 0: no business unit
	avail spans // can work
	busy  spans // booked
}

// pooled is a booking without an assigned technician, with its job's
// business unit.
type pooled struct {
	span
	bu int64
}

// countedStatus reports whether an appointment of this status uses
// capacity.
func countedStatus(status string) bool { return status != jpm.ApptCanceled && status != jpm.ApptHold }

// loadBoard reads the board of [from, to) for the active technicians that
// keep says yes to.
func loadBoard(tx *resource.Tx, loc *time.Location, from, to time.Time, keep func(*settings.Technician) bool) (*board, error) {
	b := &board{byID: map[int64]*techState{}}
	techs, err := settings.ActiveTechnicians(tx, keep)
	if err != nil {
		return nil, err
	}
	for _, t := range techs {
		st := &techState{tech: t}
		if t.BusinessUnitID != nil {
			st.bu = *t.BusinessUnitID
		}
		b.techs = append(b.techs, st)
		b.byID[t.ID] = st
	}
	lo, hi := from.Unix(), to.Unix()
	overlaps := func(s span) bool { return s.from < hi && s.to > lo }
	normal, off, busy := map[int64][]span{}, map[int64][]span{}, map[int64][]span{}

	shiftIDs, err := lookupDays(tx, &Shifts, from, to)
	if err != nil {
		return nil, err
	}
	for _, id := range shiftIDs {
		s, err := resource.Get(tx, &Shifts, id)
		if err != nil {
			return nil, err
		}
		if !s.Active || b.byID[s.TechnicianID] == nil {
			continue
		}
		sp := spanOf(s.Start.Time, s.End.Time)
		if !overlaps(sp) {
			continue
		}
		switch s.ShiftType {
		case ShiftNormal:
			normal[s.TechnicianID] = append(normal[s.TechnicianID], sp)
		case ShiftTimeOff:
			off[s.TechnicianID] = append(off[s.TechnicianID], sp)
		}
	}

	njaIDs, err := lookupDays(tx, &NonJobAppointments, from, to, dayRepeat)
	if err != nil {
		return nil, err
	}
	for _, id := range njaIDs {
		n, err := resource.Get(tx, &NonJobAppointments, id)
		if err != nil {
			return nil, err
		}
		if !n.Active || b.byID[n.TechnicianID] == nil {
			continue
		}
		into := busy
		if n.RemoveTechnicianFromCapacityPlanning {
			into = off
		}
		into[n.TechnicianID] = append(into[n.TechnicianID], n.occurrences(loc, from, to)...)
	}

	if len(b.techs) > 0 {
		if err := b.loadAppointments(tx, lo, hi, busy); err != nil {
			return nil, err
		}
	}
	for _, st := range b.techs {
		st.avail = normalize(normal[st.tech.ID]).minus(normalize(off[st.tech.ID]))
		st.busy = normalize(busy[st.tech.ID])
	}
	return b, nil
}

// loadAppointments files the counted appointments overlapping [lo, hi):
// under their assigned technicians' busy time, or in the pool.
func (b *board) loadAppointments(tx *resource.Tx, lo, hi int64, busy map[int64][]span) error {
	appts, err := appointmentsIn(tx, lo, hi)
	if err != nil {
		return err
	}
	jobBU := map[int64]int64{}
	for _, a := range appts {
		sp := spanOf(a.Start.Time, a.End.Time)
		assigned, err := jpm.AssignedTo(tx, a.ID)
		if err != nil {
			return err
		}
		if len(assigned) > 0 {
			for _, as := range assigned {
				if b.byID[as.TechnicianID] != nil {
					busy[as.TechnicianID] = append(busy[as.TechnicianID], sp)
				}
			}
			continue
		}
		bu, ok := jobBU[a.JobID]
		if !ok {
			job, err := jpm.JobByID(tx, a.JobID)
			if err != nil && !errors.Is(err, resource.ErrNotFound) {
				return err
			}
			if err == nil {
				bu = job.BusinessUnitID
			}
			jobBU[a.JobID] = bu
		}
		b.unassigned = append(b.unassigned, pooled{sp, bu})
	}
	slices.SortStableFunc(b.unassigned, func(x, y pooled) int { return cmp.Compare(x.from, y.from) })
	return nil
}

// appointmentsIn returns the counted appointments overlapping [lo, hi).
func appointmentsIn(tx *resource.Tx, lo, hi int64) ([]*jpm.Appointment, error) {
	keep := func(a *jpm.Appointment) bool {
		return countedStatus(a.Status) && a.Start.Unix() < hi && a.End.Unix() > lo
	}
	appts, err := jpm.AppointmentsIn(tx, time.Unix(lo, 0), time.Unix(hi, 0))
	return slices.DeleteFunc(appts, func(a *jpm.Appointment) bool { return !keep(a) }), err
}

// slotTech is one technician's answer for a slot.
type slotTech struct {
	st        *techState
	counted   bool  // has the required skills (always, without skill matching)
	available bool  // free for the needed time
	shift     int64 // seconds they can work in the slot
}

// slotResult is a slot's evaluation.
type slotResult struct {
	total, booked int64 // seconds, over counted technicians and the pool
	techs         []slotTech
	available     bool
}

// evaluate works out the slot [from, to) for the given technicians (counted
// tells which have the required skills) and the pool bookings of the
// business units inPool accepts, placed in the members' order. A counted
// technician is available when they can work in the slot and their longest
// free stretch in it is at least need seconds.
func (b *board) evaluate(from, to int64, members []*techState, counted func(*techState) bool, inPool func(bu int64) bool, need int64) slotResult {
	res := slotResult{techs: make([]slotTech, len(members))}
	free := make([]spans, len(members))
	for i, st := range members {
		c := counted(st)
		work := st.avail.clip(from, to)
		res.techs[i] = slotTech{st: st, counted: c, shift: work.total()}
		if !c {
			continue
		}
		res.total += res.techs[i].shift
		res.booked += st.busy.clip(from, to).total()
		free[i] = work.minus(st.busy)
	}
	for _, p := range b.unassigned {
		if p.from >= to || p.to <= from || !inPool(p.bu) {
			continue
		}
		iv := span{max(p.from, from), min(p.to, to)}
		res.booked += iv.to - iv.from
		best, bestFree := -1, int64(0)
		for i, st := range members {
			if !res.techs[i].counted || st.bu != p.bu {
				continue
			}
			if free[i].covers(iv) {
				best = i
				break
			}
			if f := free[i].clip(iv.from, iv.to).total(); f > bestFree {
				best, bestFree = i, f
			}
		}
		if best >= 0 {
			free[best] = free[best].minus(spans{iv})
		}
	}
	for i := range members {
		t := &res.techs[i]
		t.available = t.counted && t.shift > 0 && free[i].longest() >= need
		res.available = res.available || t.available
	}
	return res
}

// all returns every live record of a kind that where accepts, in ID order.
func all[T any, P resource.Record[T]](tx *resource.Tx, k *resource.Kind[T], where func(P) bool) ([]P, error) {
	page, err := resource.List[T, P](tx, k, resource.Query{Page: 1, PageSize: math.MaxInt32}, resource.Select{}, where)
	return page.Data, err
}

// lookupDays returns the IDs filed under the "day" index for the UTC dates
// of [from, to), under dayLong, and under the extra values.
func lookupDays[T any](tx *resource.Tx, k *resource.Kind[T], from, to time.Time, extra ...string) ([]int64, error) {
	values := append(append([]string{dayLong}, extra...), resource.UTCDates(from, to)...)
	return resource.LookupAny(tx, k, "day", values...)
}

// locations caches time zones by name (time.LoadLocation reads the zone
// database on every call).
var locations sync.Map

// location returns the named time zone (UTC if it cannot be loaded).
func location(name string) *time.Location {
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
