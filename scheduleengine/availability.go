package scheduleengine

import (
	"context"
	"fmt"
	"time"
)

// AvailabilityQuery asks for bookable slots.
type AvailabilityQuery struct {
	Date           Date // first day, in the tenant's zone
	Days           int  // how many days (default 1); capacity is read a day at a time
	BusinessUnitID int64
	JobTypeID      int64
}

// Slot is one bookable arrival window.
type Slot struct {
	Start, End      time.Time // UTC
	LocalStart      string    // as capacity reported it, tenant-local
	BusinessUnitIDs []int64
	Open            float64 // openAvailability
	Technicians     int     // technicians available
}

// capacitySlot is one entry of the capacity answer.
type capacitySlot struct {
	Start            string     `json:"start"`
	End              string     `json:"end"`
	StartUTC         *time.Time `json:"startUtc"`
	EndUTC           *time.Time `json:"endUtc"`
	BusinessUnitIDs  []int64    `json:"businessUnitIds"`
	OpenAvailability float64    `json:"openAvailability"`
	IsAvailable      *bool      `json:"isAvailable"`
	Technicians      []struct {
		Status string `json:"status"`
	} `json:"technicians"`
}

// Availability returns the slots a customer may book: available, with
// open capacity, and not yet started (Schedule Engine stops selling a
// window once it has begun, even if capacity still shows it open).
func (c *Client) Availability(ctx context.Context, q AvailabilityQuery) ([]Slot, error) {
	if q.Days <= 0 {
		q.Days = 1
	}
	if q.Days > 14 {
		return nil, fmt.Errorf("availability covers at most 14 days, not %d", q.Days)
	}
	var out []Slot
	for i := range q.Days {
		day := q.Date.AddDays(i)
		slots, err := c.capacity(ctx, day.At(c.zone, 0), day.AddDays(1).At(c.zone, 0), q.BusinessUnitID, q.JobTypeID)
		if err != nil {
			return out, err
		}
		out = append(out, slots...)
	}
	return out, nil
}

// capacity reads capacity between from and to and keeps the bookable slots.
func (c *Client) capacity(ctx context.Context, from, to time.Time, businessUnitID, jobTypeID int64) ([]Slot, error) {
	raw, err := c.capacityRaw(ctx, from, to, businessUnitID, jobTypeID)
	if err != nil {
		return nil, err
	}
	now := c.cfg.Clock.Now()
	var out []Slot
	for _, a := range raw {
		s, err := c.slotOf(a)
		if err != nil {
			return nil, err
		}
		if a.IsAvailable != nil && !*a.IsAvailable || a.OpenAvailability <= 0 || !s.Start.After(now) {
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

// capacityRaw is one capacity read, every entry as answered.
func (c *Client) capacityRaw(ctx context.Context, from, to time.Time, businessUnitID, jobTypeID int64) ([]capacitySlot, error) {
	body := map[string]any{
		"startsOnOrAfter": from.UTC().Format(time.RFC3339), "endsOnOrBefore": to.UTC().Format(time.RFC3339),
		"skillBasedAvailability": true,
	}
	if businessUnitID != 0 {
		body["businessUnitIds"] = []int64{businessUnitID}
	}
	if jobTypeID != 0 {
		body["jobTypeId"] = jobTypeID
	}
	var ans struct {
		Availabilities []capacitySlot `json:"availabilities"`
	}
	// Capacity is a POST but only reads: safe to retry.
	err := c.do(ctx, call{method: "POST", path: c.path("dispatch", "capacity"), body: body, read: true}, &ans)
	return ans.Availabilities, err
}

// overbooked re-reads the slot after a booking: negative open capacity
// means someone booked it at the same time and the tenant (lenient, like
// ServiceTitan) accepted both.
func (c *Client) overbooked(ctx context.Context, s Slot, businessUnitID, jobTypeID int64) (bool, error) {
	raw, err := c.capacityRaw(ctx, s.Start, s.End, businessUnitID, jobTypeID)
	if err != nil {
		return false, err
	}
	for _, a := range raw {
		got, err := c.slotOf(a)
		if err == nil && got.Start.Equal(s.Start) && a.OpenAvailability < 0 {
			return true, nil
		}
	}
	return false, nil
}

// slotOf converts a capacity entry, preferring startUtc/endUtc and checking
// them against the local start (they must name the same instant).
func (c *Client) slotOf(a capacitySlot) (Slot, error) {
	s := Slot{LocalStart: a.Start, BusinessUnitIDs: a.BusinessUnitIDs, Open: a.OpenAvailability}
	for _, t := range a.Technicians {
		if t.Status == "Available" {
			s.Technicians++
		}
	}
	local, err := parseLocal(a.Start, c.zone)
	if err != nil {
		return s, fmt.Errorf("capacity start: %w", err)
	}
	localEnd, err := parseLocal(a.End, c.zone)
	if err != nil {
		return s, fmt.Errorf("capacity end: %w", err)
	}
	s.Start, s.End = local.UTC(), localEnd.UTC()
	if a.StartUTC != nil && a.EndUTC != nil {
		if !a.StartUTC.Equal(s.Start) {
			c.log.Warn("capacity start and startUtc disagree; using startUtc", "start", a.Start, "startUtc", a.StartUTC)
		}
		s.Start, s.End = a.StartUTC.UTC(), a.EndUTC.UTC()
	}
	return s, nil
}

// parseLocal reads a capacity time: with an offset, or a bare local time in
// the tenant's zone.
func parseLocal(s string, zone *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.ParseInLocation("2006-01-02T15:04:05", s, zone)
}

// slotOpen re-reads capacity for just this slot and reports whether it can
// still be booked.
func (c *Client) slotOpen(ctx context.Context, s Slot, businessUnitID, jobTypeID int64) (bool, error) {
	slots, err := c.capacity(ctx, s.Start, s.End, businessUnitID, jobTypeID)
	if err != nil {
		return false, err
	}
	for _, got := range slots {
		if got.Start.Equal(s.Start) && got.End.Equal(s.End) {
			return true, nil
		}
	}
	return false, nil
}
