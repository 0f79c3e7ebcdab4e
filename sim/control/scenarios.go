package control

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/auth"
	"github.com/stsim/stsim/sim/scenario"
)

type activationOut struct {
	Tenant    int64     `json:"tenant"` // 0: every tenant
	ClientID  string    `json:"clientId"`
	Since     time.Time `json:"since"`
	RuleCalls []int     `json:"ruleCalls"` // matching calls each rule has seen
}

type scenarioOut struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Rules       []scenario.Rule `json:"rules"`
	Active      []activationOut `json:"active"`
}

func (p *Plane) describe(f *scenario.File) scenarioOut {
	out := scenarioOut{Name: f.Name, Description: f.Description, Rules: f.Rules, Active: []activationOut{}}
	for _, a := range p.Scenarios.Active() {
		if a.Scenario.Name == f.Name {
			out.Active = append(out.Active, activationOut{Tenant: a.Tenant, ClientID: a.ClientID, Since: a.Since.UTC(), RuleCalls: a.Counts()})
		}
	}
	return out
}

func (p *Plane) listScenarios(c *gin.Context) {
	out := []scenarioOut{}
	for _, f := range p.Scenarios.Scenarios() {
		out = append(out, p.describe(f))
	}
	c.JSON(http.StatusOK, gin.H{"scenarios": out})
}

func (p *Plane) scenarioParam(c *gin.Context) (*scenario.File, bool) {
	f, ok := p.Scenarios.Scenario(c.Param("name"))
	if !ok {
		fail(c, apierr.New(http.StatusNotFound, "No scenario named "+c.Param("name")+"; GET /_sim/scenarios lists them."))
	}
	return f, ok
}

// getScenario shows a scenario and its state: where it is active and how
// many calls each rule has matched.
func (p *Plane) getScenario(c *gin.Context) {
	if f, ok := p.scenarioParam(c); ok {
		c.JSON(http.StatusOK, p.describe(f))
	}
}

type scopeIn struct {
	Tenant   int64  `json:"tenant"`
	ClientID string `json:"clientId"`
}

// activationTenant is the tenant an activation for in is kept under: the
// one given, or the tenant of the connection in.ClientID names (a client
// ID belongs to one tenant's connection), so the activation goes with its
// tenant when the tenant is deleted and counts towards its bound. A
// client ID no connection has is refused: nothing could ever match it.
func activationTenant(ch *auth.Change, in scopeIn) (int64, error) {
	if in.Tenant != 0 {
		if _, known := ch.Tenant(in.Tenant); !known {
			return 0, apierr.BadRequest("tenant", "No tenant has this ID.")
		}
	}
	if in.ClientID == "" {
		return in.Tenant, nil
	}
	conn, known := ch.Connection(in.ClientID)
	switch {
	case !known:
		return 0, apierr.BadRequest("clientId", "No connection has this client ID; GET /_sim/tenants/{id}/connections lists a tenant's.")
	case in.Tenant != 0 && conn.Tenant != in.Tenant:
		return 0, apierr.BadRequest("clientId", "This client ID is connected to tenant "+strconv.FormatInt(conn.Tenant, 10)+", not to the tenant given.")
	}
	return conn.Tenant, nil
}

// activateScenario switches a scenario on for every tenant, one tenant, or
// one client of a tenant; it takes effect on the next request. With a data
// file the activation survives a restart.
func (p *Plane) activateScenario(c *gin.Context) {
	f, ok := p.scenarioParam(c)
	if !ok {
		return
	}
	var in scopeIn
	if c.Request.ContentLength != 0 && !bind(c, &in) {
		return
	}
	if len(in.ClientID) > MaxClientID {
		fail(c, apierr.BadRequest("clientId", "A client ID has at most "+strconv.Itoa(MaxClientID)+" bytes."))
		return
	}
	err := p.Registry.Change(func(ch *auth.Change) error {
		tenant, err := activationTenant(ch, in)
		if err != nil {
			return err
		}
		now := p.Clocks.Global.Now()
		if tenant != 0 {
			now = p.Clocks.Now(tenant) // "since activation" on the tenant's own clock, as its requests see time
		}
		a, err := p.Scenarios.NewActivation(f.Name, tenant, in.ClientID, now)
		if err != nil {
			return apierr.Internal(err)
		}
		return p.activate(ch, a)
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p.describe(f))
}

// deactivateScenario switches a scenario off (for one tenant, or wherever
// it is active); normal service resumes on the next request.
func (p *Plane) deactivateScenario(c *gin.Context) {
	f, ok := p.scenarioParam(c)
	if !ok {
		return
	}
	var in scopeIn
	if c.Request.ContentLength != 0 && !bind(c, &in) {
		return
	}
	err := p.Registry.Change(func(ch *auth.Change) error {
		p.deactivate(ch, func(a *scenario.Activation) bool { return scenario.DeactivatedBy(a, f.Name, in.Tenant, in.ClientID) })
		return nil
	})
	if err != nil {
		fail(c, apierr.Internal(err))
		return
	}
	c.JSON(http.StatusOK, p.describe(f))
}
