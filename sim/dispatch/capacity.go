package dispatch

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/jpm"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/schedule"
	"github.com/stsim/stsim/sim/settings"
	"github.com/stsim/stsim/sim/tenant"
)

// Capacity (POST /capacity, contract §9) is computed on every call; nothing
// is canned.
//
// Slots. For each local date of the range, in the tenant's time zone, every
// active arrival window gives a slot: its start time of day, plus its
// duration, both as wall-clock times built day by day, so a slot on a DST
// change day has the right UTC instants. A window applies to the business
// units it lists (all of them when it lists none). A business unit with no
// active window gets the default blocks: 08:00–10:00, 10:00–12:00,
// 12:00–14:00, 14:00–16:00 and 16:00–18:00 local. Windows of several
// business units with the same start and duration make one slot, listing
// those business units. Only slots that start on or after startsOnOrAfter
// and end on or before endsOnOrBefore are answered.
//
// Technicians. A slot lists the active technicians of its business units
// (restricted to the requested businessUnitIds; all technicians when none
// are given). With skillBasedAvailability and a job type, those lacking one
// of the job type's skills are listed with hasRequiredSkills false, as
// Unavailable, and count in no total; hasRequiredSkills is null without
// skill matching.
//
// Numbers (hours). totalAvailability is the technicians' working time in
// the slot (package schedule's board: shifts, time off, non-job
// appointments and bookings);
// openAvailability is that minus the booked time in the slot (it can go
// below zero). A technician is Available when they can work in the slot and
// their longest free stretch in it is at least the job type's duration
// (seconds; one hour without a job type), capped at the slot's length, so a
// job longer than its arrival window still fits a free window. isAvailable
// says some technician is Available; isExceedingIdealBookingPercentage says
// more than idealBookingPercent of the total is booked.
//
// Times. startUtc and endUtc are UTC ("…Z"). start and end are the
// tenant-local wall-clock times; the schema types them date-time (RFC 3339,
// which needs an offset), so they carry the local offset of that instant:
// "2026-11-24T08:00:00-06:00". Both forms use whole seconds.
//
// Limits. endsOnOrBefore before startsOnOrAfter, or a range longer than the
// tenant's CapacityMaxDays (default 14), is a 400 naming endsOnOrBefore.

// idealBookingPercent is the booking level above which a slot exceeds the
// ideal booking percentage (a per-tenant setting in ServiceTitan).
const idealBookingPercent = 80

// defaultNeed is what an Available technician needs free without a job
// type: one hour.
const defaultNeed = int64(3600)

// slotDef is a slot's start (seconds after local midnight) and length.
type slotDef struct{ start, length int64 }

// defaultBlocks are the slots of a business unit without arrival windows.
var defaultBlocks = []slotDef{{8 * 3600, 7200}, {10 * 3600, 7200}, {12 * 3600, 7200}, {14 * 3600, 7200}, {16 * 3600, 7200}}

type capacityIn struct {
	StartsOnOrAfter        *string `json:"startsOnOrAfter"`
	EndsOnOrBefore         *string `json:"endsOnOrBefore"`
	BusinessUnitIDs        []int64 `json:"businessUnitIds"`
	JobTypeID              *int64  `json:"jobTypeId"`
	SkillBasedAvailability *bool   `json:"skillBasedAvailability"`
}

// capacityOut is Dispatch.V2.CapacityResponse.
type capacityOut struct {
	TimeStamp      resource.Time     `json:"timeStamp"`
	Availabilities []availabilityOut `json:"availabilities"`
}

// availabilityOut is Dispatch.V2.CapacityResponseAvailability.
type availabilityOut struct {
	Start                             string            `json:"start"`
	End                               string            `json:"end"`
	StartUtc                          string            `json:"startUtc"`
	EndUtc                            string            `json:"endUtc"`
	BusinessUnitIDs                   []int64           `json:"businessUnitIds"`
	TotalAvailability                 float64           `json:"totalAvailability"`
	OpenAvailability                  float64           `json:"openAvailability"`
	Technicians                       []capacityTechOut `json:"technicians"`
	IsAvailable                       bool              `json:"isAvailable"`
	IsExceedingIdealBookingPercentage bool              `json:"isExceedingIdealBookingPercentage"`
}

// capacityTechOut is Dispatch.V2.CapacityResponseTechnician.
type capacityTechOut struct {
	ID                int64  `json:"id"`
	Name              string `json:"name"`
	Status            string `json:"status"`
	HasRequiredSkills *bool  `json:"hasRequiredSkills"`
}

// capacityQuery is a checked request.
type capacityQuery struct {
	from, to   time.Time
	scope      []int64 // requested business units; nil: all
	jobTypeID  int64
	skillBased bool
}

func parseCapacity(in capacityIn) (capacityQuery, error) {
	e := badRequest()
	var q capacityQuery
	q.from = requiredTime(e, "startsOnOrAfter", in.StartsOnOrAfter)
	q.to = requiredTime(e, "endsOnOrBefore", in.EndsOnOrBefore)
	if in.SkillBasedAvailability == nil {
		e.Field("skillBasedAvailability", "skillBasedAvailability is required.")
	} else {
		q.skillBased = *in.SkillBasedAvailability
	}
	if in.JobTypeID != nil {
		q.jobTypeID = *in.JobTypeID
	}
	for _, id := range in.BusinessUnitIDs {
		if !slices.Contains(q.scope, id) {
			q.scope = append(q.scope, id)
		}
	}
	if !q.from.IsZero() && !q.to.IsZero() && q.to.Before(q.from) {
		e.Field("endsOnOrBefore", "endsOnOrBefore must not be before startsOnOrAfter.")
	}
	return q, e.orNil()
}

// getCapacity handles POST /capacity.
func getCapacity(c *gin.Context, call *api.Call) {
	var in capacityIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	q, err := parseCapacity(in)
	if err != nil {
		call.Fail(c, err)
		return
	}
	var out capacityOut
	err = call.View(func(tx *resource.Tx) error {
		var err error
		out, err = computeCapacity(tx, q)
		return err
	})
	var body []byte
	if err == nil {
		body = out.encode()
	}
	call.RespondJSON(c, body, err)
}

// computeCapacity answers a checked capacity query.
func computeCapacity(tx *resource.Tx, q capacityQuery) (capacityOut, error) {
	out := capacityOut{TimeStamp: resource.Stamp(tx.Now), Availabilities: []availabilityOut{}}
	ts, err := tenant.Load(tx)
	if err != nil {
		return out, err
	}
	if maxRange := time.Duration(ts.CapacityMaxDays) * 24 * time.Hour; q.to.Sub(q.from) > maxRange {
		return out, apierr.BadRequest("endsOnOrBefore", fmt.Sprintf("The range from startsOnOrAfter to endsOnOrBefore is longer than %d days.", ts.CapacityMaxDays))
	}
	for i, id := range q.scope {
		if ok, err := settings.BusinessUnitExists(tx, id); err != nil || !ok {
			return out, firstErr(err, apierr.BadRequest("businessUnitIds["+strconv.Itoa(i)+"]", "No business unit has id "+resource.IDKey(id)+"."))
		}
	}
	var jobType *jpm.JobType
	if q.jobTypeID != 0 {
		if jobType, err = jpm.JobTypeByID(tx, q.jobTypeID); err != nil {
			return out, apierr.BadRequest("jobTypeId", "No job type has id "+resource.IDKey(q.jobTypeID)+".")
		}
	}
	loc := ts.Location()
	b, err := schedule.LoadBoard(tx, loc, q.from, q.to, func(t *settings.Technician) bool {
		return q.scope == nil || (t.BusinessUnitID != nil && slices.Contains(q.scope, *t.BusinessUnitID))
	})
	if err != nil {
		return out, err
	}
	groups, err := slotGroups(tx, q.scope, b)
	if err != nil {
		return out, err
	}
	need := defaultNeed
	var skills []string
	if jobType != nil {
		need = jobType.Duration
		skills = jobType.Skills
	}
	skilled := map[int64]bool{}
	for _, st := range b.Techs {
		skilled[st.Technician.ID] = hasSkills(st.Technician.Skills, skills)
	}
	counted := func(st *schedule.Tech) bool { return !q.skillBased || skilled[st.Technician.ID] }

	first := q.from.In(loc)
	for day := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc); !day.After(q.to); day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc) {
		for _, g := range groups {
			start := wallClock(day, g.def.start)
			end := wallClock(day, g.def.start+g.def.length)
			if start.Before(q.from) || end.After(q.to) {
				continue
			}
			members := g.members(b)
			res := b.Evaluate(start.Unix(), end.Unix(), members, counted, g.has, min(need, end.Unix()-start.Unix()))
			out.Availabilities = append(out.Availabilities, renderAvailability(start, end, g, res, q.skillBased, skilled))
		}
	}
	slices.SortStableFunc(out.Availabilities, func(a, b availabilityOut) int {
		return cmp.Or(cmp.Compare(a.StartUtc, b.StartUtc), cmp.Compare(a.EndUtc, b.EndUtc))
	})
	return out, nil
}

// wallClock is the instant at secs after midnight of day's date, counted on
// the local wall clock (so 08:00 is 08:00 on DST change days too).
func wallClock(day time.Time, secs int64) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, int(secs), 0, day.Location())
}

func renderAvailability(start, end time.Time, g slotGroup, res schedule.SlotResult, skillBased bool, skilled map[int64]bool) availabilityOut {
	a := availabilityOut{
		Start: start.Format(time.RFC3339), End: end.Format(time.RFC3339),
		StartUtc: start.UTC().Format(time.RFC3339), EndUtc: end.UTC().Format(time.RFC3339),
		BusinessUnitIDs:   g.businessUnitIDs(),
		TotalAvailability: hours(res.Total), OpenAvailability: hours(res.Total - res.Booked),
		Technicians: make([]capacityTechOut, 0, len(res.Techs)), IsAvailable: res.Available,
		IsExceedingIdealBookingPercentage: res.Booked*100 > res.Total*idealBookingPercent,
	}
	for _, t := range res.Techs {
		o := capacityTechOut{ID: t.Technician.ID, Name: t.Technician.Name, Status: "Unavailable"}
		if t.Available {
			o.Status = "Available"
		}
		if skillBased {
			has := skilled[t.Technician.ID]
			o.HasRequiredSkills = &has
		}
		a.Technicians = append(a.Technicians, o)
	}
	return a
}

func hours(secs int64) float64 { return float64(secs) / 3600 }

// hasSkills reports whether have includes every needed skill (ignoring case
// and surrounding blanks).
func hasSkills(have, need []string) bool {
	for _, n := range need {
		if !slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(n)) }) {
			return false
		}
	}
	return true
}

// slotGroup is one slot time of day and the business units it serves (0
// stands for technicians without a business unit).
type slotGroup struct {
	def slotDef
	bus []int64 // sorted
}

func (g slotGroup) has(bu int64) bool { _, ok := slices.BinarySearch(g.bus, bu); return ok }

// members are the board's technicians of the group's business units.
func (g slotGroup) members(b *schedule.Board) []*schedule.Tech {
	var out []*schedule.Tech
	for _, st := range b.Techs {
		if g.has(st.BusinessUnit) {
			out = append(out, st)
		}
	}
	return out
}

// businessUnitIDs are the group's business units for the response.
func (g slotGroup) businessUnitIDs() []int64 {
	out := make([]int64, 0, len(g.bus))
	for _, bu := range g.bus {
		if bu != 0 {
			out = append(out, bu)
		}
	}
	return out
}

// slotGroups works out which slot times serve which business units: those
// requested, or else every active business unit and every technician's.
func slotGroups(tx *resource.Tx, scope []int64, b *schedule.Board) ([]slotGroup, error) {
	universe := slices.Clone(scope)
	if scope == nil {
		bus, err := settings.ActiveBusinessUnits(tx)
		if err != nil {
			return nil, err
		}
		for _, u := range bus {
			universe = append(universe, u.ID)
		}
		for _, st := range b.Techs {
			universe = append(universe, st.BusinessUnit)
		}
		if len(universe) == 0 {
			universe = []int64{0}
		}
	}
	slices.Sort(universe)
	universe = slices.Compact(universe)
	windows, err := resource.All(tx, &ArrivalWindows, func(w *ArrivalWindow) bool { return w.Active })
	if err != nil {
		return nil, err
	}
	byDef := map[slotDef][]int64{}
	for _, bu := range universe {
		var defs []slotDef
		for _, w := range windows {
			if len(w.BusinessUnitIDs) == 0 || slices.Contains(w.BusinessUnitIDs, bu) {
				defs = append(defs, slotDef{w.Start, w.Duration})
			}
		}
		if len(defs) == 0 {
			defs = defaultBlocks
		}
		for _, d := range defs {
			if !slices.Contains(byDef[d], bu) {
				byDef[d] = append(byDef[d], bu)
			}
		}
	}
	groups := make([]slotGroup, 0, len(byDef))
	for d, bus := range byDef {
		slices.Sort(bus)
		groups = append(groups, slotGroup{def: d, bus: bus})
	}
	slices.SortFunc(groups, func(a, b slotGroup) int {
		return cmp.Or(cmp.Compare(a.def.start, b.def.start), cmp.Compare(a.def.length, b.def.length), slices.Compare(a.bus, b.bus))
	})
	return groups, nil
}
