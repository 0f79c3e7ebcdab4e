package scheduleengine

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"time"
)

// Reference is the tenant's reference data a booking needs, read together
// and cached for Config.ReferenceTTL.
type Reference struct {
	BusinessUnits  []named
	JobTypes       []JobType
	Campaigns      []named
	ArrivalWindows []ArrivalWindow
	CancelReasons  []named
	Fetched        time.Time
}

type referenceData = Reference

// Reference returns the cached reference data, reading it again when older
// than the TTL.
func (c *Client) Reference(ctx context.Context) (*Reference, error) {
	c.refMu.Lock()
	ref := c.ref
	c.refMu.Unlock()
	if ref != nil && c.cfg.Clock.Now().Sub(ref.Fetched) < c.cfg.ReferenceTTL {
		return ref, nil
	}
	return c.RefreshReference(ctx)
}

// RefreshReference reads the reference data now (after a 400 that names a
// reference ID, for instance).
func (c *Client) RefreshReference(ctx context.Context) (*Reference, error) {
	active := url.Values{"active": {"True"}}
	ref := &Reference{Fetched: c.cfg.Clock.Now()}
	var err error
	if ref.BusinessUnits, err = List[named](ctx, c, c.path("settings", "business-units"), active, 200, 0); err != nil {
		return nil, fmt.Errorf("business units: %w", err)
	}
	if ref.JobTypes, err = List[JobType](ctx, c, c.path("jpm", "job-types"), active, 200, 0); err != nil {
		return nil, fmt.Errorf("job types: %w", err)
	}
	if ref.Campaigns, err = List[named](ctx, c, c.path("marketing", "campaigns"), active, 200, 0); err != nil {
		return nil, fmt.Errorf("campaigns: %w", err)
	}
	if ref.ArrivalWindows, err = List[ArrivalWindow](ctx, c, c.path("dispatch", "arrival-windows"), nil, 200, 0); err != nil {
		return nil, fmt.Errorf("arrival windows: %w", err)
	}
	if ref.CancelReasons, err = List[named](ctx, c, c.path("jpm", "job-cancel-reasons"), active, 200, 0); err != nil {
		return nil, fmt.Errorf("cancel reasons: %w", err)
	}
	c.refMu.Lock()
	c.ref = ref
	c.refMu.Unlock()
	return ref, nil
}

// JobType returns the active job type with this ID.
func (r *Reference) JobType(id int64) (JobType, bool) {
	for _, jt := range r.JobTypes {
		if jt.ID == id && jt.Active {
			return jt, true
		}
	}
	return JobType{}, false
}

// CancelReason returns the active cancel reason with this ID, or with this
// name when id is 0.
func (r *Reference) CancelReason(id int64, name string) (int64, bool) {
	for _, cr := range r.CancelReasons {
		if cr.Active && (cr.ID == id || (id == 0 && cr.Name == name)) {
			return cr.ID, true
		}
	}
	return 0, false
}

// Windows returns the active arrival windows of a business unit.
func (r *Reference) Windows(businessUnitID int64) []ArrivalWindow {
	var out []ArrivalWindow
	for _, w := range r.ArrivalWindows {
		if w.Active && (len(w.BusinessUnitIDs) == 0 || slices.Contains(w.BusinessUnitIDs, businessUnitID)) {
			out = append(out, w)
		}
	}
	return out
}

// defaultCampaign is the first active campaign.
func (r *Reference) defaultCampaign() int64 {
	for _, c := range r.Campaigns {
		if c.Active {
			return c.ID
		}
	}
	return 0
}
