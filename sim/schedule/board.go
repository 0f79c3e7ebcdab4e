package schedule

import (
	"cmp"
	"slices"
	"time"

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
//     appointment waits off the schedule); Done and Working ones still
//     occupied the time, so they count. (Package jpm books only those.)
//   - An appointment with no active assignment counts against the pool of
//     the business unit of its job: in each slot it is placed on the first
//     technician of that business unit (among those counted) who is free for
//     its whole overlap with the slot, else on the one with the most free
//     time in it; its hours count as booked even when nobody can take it.
//   - Booked time counts whether or not it lies inside a shift, as
//     ServiceTitan does: jobs assigned to a technician without a shift still
//     use capacity, so open hours can go below zero.
type Board struct {
	Techs      []*Tech // by ID
	byID       map[int64]*Tech
	unassigned []pooled // by start
}

// Tech is one technician on the board.
type Tech struct {
	Technician   *settings.Technician
	BusinessUnit int64 // 0: none
	avail        spans // can work
	busy         spans // booked
}

// pooled is a booking without an assigned technician, with its job's
// business unit.
type pooled struct {
	span
	bu, id int64
}

// LoadBoard reads the board of [from, to), in the tenant's time zone loc,
// for the active technicians that keep says yes to.
func LoadBoard(tx *resource.Tx, loc *time.Location, from, to time.Time, keep func(*settings.Technician) bool) (*Board, error) {
	b := &Board{byID: map[int64]*Tech{}}
	techs, err := settings.ActiveTechnicians(tx, keep)
	if err != nil {
		return nil, err
	}
	for _, t := range techs {
		st := &Tech{Technician: t}
		if t.BusinessUnitID != nil {
			st.BusinessUnit = *t.BusinessUnitID
		}
		b.Techs = append(b.Techs, st)
		b.byID[t.ID] = st
	}
	if len(b.Techs) == 0 {
		return b, nil
	}
	lo, hi := from.Unix(), to.Unix()
	overlaps := func(s span) bool { return s.from < hi && s.to > lo }
	normal, off, busy := map[int64][]span{}, map[int64][]span{}, map[int64][]span{}
	err = scan(tx, from, to, func(e entry) error {
		switch {
		case e.shift != nil:
			s := e.shift
			if sp := spanOf(s.Start, s.End); b.byID[s.TechnicianID] != nil && overlaps(sp) {
				into := normal
				if s.TimeOff {
					into = off
				}
				into[s.TechnicianID] = append(into[s.TechnicianID], sp)
			}
		case e.event != nil:
			ev := e.event
			if b.byID[ev.TechnicianID] != nil {
				into := busy
				if ev.RemovesFromCapacity {
					into = off
				}
				into[ev.TechnicianID] = append(into[ev.TechnicianID], ev.occurrences(loc, from, to)...)
			}
		case e.booking != nil:
			bk := e.booking
			sp := spanOf(bk.Start, bk.End)
			if !overlaps(sp) {
				break
			}
			if len(bk.TechnicianIDs) == 0 {
				b.unassigned = append(b.unassigned, pooled{sp, bk.BusinessUnitID, bk.ID})
			}
			for _, id := range bk.TechnicianIDs {
				if b.byID[id] != nil {
					busy[id] = append(busy[id], sp)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(b.unassigned, func(x, y pooled) int { return cmp.Or(cmp.Compare(x.from, y.from), cmp.Compare(x.id, y.id)) })
	for _, st := range b.Techs {
		st.avail = normalize(normal[st.Technician.ID]).minus(normalize(off[st.Technician.ID]))
		st.busy = normalize(busy[st.Technician.ID])
	}
	return b, nil
}

// SlotTech is one technician's answer for a slot.
type SlotTech struct {
	*Tech
	Counted   bool  // has the required skills (always, without skill matching)
	Available bool  // free for the needed time
	Shift     int64 // seconds they can work in the slot
}

// SlotResult is a slot's evaluation.
type SlotResult struct {
	Total, Booked int64 // seconds, over counted technicians and the pool
	Techs         []SlotTech
	Available     bool
}

// Evaluate works out the slot [from, to) (Unix seconds) for the given
// technicians (counted tells which have the required skills) and the pool
// bookings of the business units inPool accepts, placed in the members'
// order. A counted technician is available when they can work in the slot
// and their longest free stretch in it is at least need seconds.
func (b *Board) Evaluate(from, to int64, members []*Tech, counted func(*Tech) bool, inPool func(bu int64) bool, need int64) SlotResult {
	res := SlotResult{Techs: make([]SlotTech, len(members))}
	free := make([]spans, len(members))
	for i, st := range members {
		c := counted(st)
		work := st.avail.clip(from, to)
		res.Techs[i] = SlotTech{Tech: st, Counted: c, Shift: work.total()}
		if !c {
			continue
		}
		res.Total += res.Techs[i].Shift
		res.Booked += st.busy.clip(from, to).total()
		free[i] = work.minus(st.busy)
	}
	for _, p := range b.unassigned {
		if p.from >= to || p.to <= from || !inPool(p.bu) {
			continue
		}
		iv := span{max(p.from, from), min(p.to, to)}
		res.Booked += iv.to - iv.from
		best, bestFree := -1, int64(0)
		for i, st := range members {
			if !res.Techs[i].Counted || st.BusinessUnit != p.bu {
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
		t := &res.Techs[i]
		t.Available = t.Counted && t.Shift > 0 && free[i].longest() >= need
		res.Available = res.Available || t.Available
	}
	return res
}
