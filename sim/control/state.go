package control

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/auth"
	"github.com/stsim/stsim/sim/clock"
	"github.com/stsim/stsim/sim/scenario"
)

// The clocks and scenario activations the control API sets are registry
// settings (auth.Setting), committed in the same durable change as
// credentials and applied to the live clock or engine only after the
// commit (auth.Change.AfterCommit), so a restart on the data file brings
// back exactly what was acknowledged, and removing a tenant removes its
// clock and activations in the same commit.

// clockSetting names a clock's setting (a clock.State): the global clock's
// under tenant 0, a tenant's own clock's under the tenant.
const clockSetting = "clock"

// activationPrefix starts the setting name of a scenario activation, kept
// under its tenant (0: every tenant).
const activationPrefix = "scenario/"

// MaxClientID bounds the client ID a scenario activation is scoped to
// (ServiceTitan's are 29 characters).
const MaxClientID = 256

// MaxActivations bounds one tenant's scenario activations at once (its own
// and its clients'): each is kept in the data file and tried on every
// request, and one tenant reaching the bound leaves the others alone.
// Activations for every tenant are at most one per scenario.
const MaxActivations = 100

// activationSetting names an activation's setting: one per scope, like
// the engine's activations. Scenario names are file names, without "/".
func activationSetting(name, clientID string) string {
	return activationPrefix + name + "/" + clientID
}

// savedActivation is what a data file keeps of a scenario activation; its
// tenant is the setting's. Rule counters are not kept: they start from
// zero after a restart.
type savedActivation struct {
	Scenario string    `json:"scenario"`
	ClientID string    `json:"clientId,omitempty"`
	Since    time.Time `json:"since"`
	Seq      uint64    `json:"seq"`
}

// setClock stores a clock's new setting and then applies it: to the
// global clock (tenant 0) or as the tenant's own clock.
func (p *Plane) setClock(c *auth.Change, tenant int64, st clock.State) error {
	if err := c.PutSetting(tenant, clockSetting, st); err != nil {
		return err
	}
	c.AfterCommit(func() { p.applyClock(tenant, st) })
	return nil
}

func (p *Plane) applyClock(tenant int64, st clock.State) {
	if tenant == 0 {
		p.Clocks.Global.SetState(st)
	} else {
		p.Clocks.SetOwn(tenant, st)
	}
}

// activate stores a new activation and then makes it active.
func (p *Plane) activate(c *auth.Change, a *scenario.Activation) error {
	if active := p.Scenarios.Active(); a.Tenant != 0 && !slices.ContainsFunc(active, a.SameScope) && tenantActivations(active, a.Tenant) >= MaxActivations {
		return apierr.Conflict("A tenant can have at most " + strconv.Itoa(MaxActivations) + " scenario activations on at once (its own and its clients'); deactivate some first.")
	}
	saved := savedActivation{Scenario: a.Scenario.Name, ClientID: a.ClientID, Since: a.Since, Seq: a.Seq}
	if err := c.PutSetting(a.Tenant, activationSetting(a.Scenario.Name, a.ClientID), saved); err != nil {
		return err
	}
	c.AfterCommit(func() { p.Scenarios.Insert(a) })
	return nil
}

// tenantActivations counts the activations kept under tenant.
func tenantActivations(active []*scenario.Activation, tenant int64) int {
	n := 0
	for _, a := range active {
		if a.Tenant == tenant {
			n++
		}
	}
	return n
}

// deactivate removes the activations drop picks from the store and then
// switches them off.
func (p *Plane) deactivate(c *auth.Change, drop func(*scenario.Activation) bool) {
	for _, a := range p.Scenarios.Active() {
		if drop(a) {
			c.DeleteSetting(a.Tenant, activationSetting(a.Scenario.Name, a.ClientID))
		}
	}
	c.AfterCommit(func() { p.Scenarios.DeactivateWhere(drop) })
}

// LoadState sets the clocks and activates the scenarios the registry
// holds, as a start on a data file must before serving. An activation of
// a scenario stsim no longer knows (a -scenarios directory changed) is
// removed from the store and described in the returned lines, for the
// log; it does not stop the start.
func (p *Plane) LoadState() (dropped []string, err error) {
	var unknown []auth.Setting
	for _, s := range p.Registry.Settings() {
		switch {
		case s.Name == clockSetting:
			var st clock.State
			if err := json.Unmarshal(s.Value, &st); err != nil {
				return nil, fmt.Errorf("the clock of tenant %d in the data file: %w", s.Tenant, err)
			}
			p.applyClock(s.Tenant, st)
		case strings.HasPrefix(s.Name, activationPrefix):
			var saved savedActivation
			if err := json.Unmarshal(s.Value, &saved); err != nil {
				return nil, fmt.Errorf("scenario activation %q of tenant %d in the data file: %w", s.Name, s.Tenant, err)
			}
			a, err := p.Scenarios.NewActivation(saved.Scenario, s.Tenant, saved.ClientID, saved.Since)
			if err != nil {
				unknown = append(unknown, s)
				dropped = append(dropped, fmt.Sprintf("scenario %q is no longer known: its activation for %s is dropped",
					saved.Scenario, scopeText(s.Tenant, saved.ClientID)))
				continue
			}
			a.Seq = saved.Seq
			p.Scenarios.Insert(a)
		}
	}
	if len(unknown) == 0 {
		return nil, nil
	}
	err = p.Registry.Change(func(c *auth.Change) error {
		for _, s := range unknown {
			c.DeleteSetting(s.Tenant, s.Name)
		}
		return nil
	})
	return dropped, err
}

// scopeText describes an activation's scope for a log line.
func scopeText(tenant int64, clientID string) string {
	scope := "every tenant"
	if tenant != 0 {
		scope = "tenant " + strconv.FormatInt(tenant, 10)
	}
	if clientID != "" {
		scope += ", client " + strconv.Quote(clientID)
	}
	return scope
}
