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
		fail(c, apierr.BadRequest("clientId", "A client ID has at most "+strconv.Itoa(MaxClientID)+" characters."))
		return
	}
	err := p.Registry.Change(func(ch *auth.Change) error {
		now := p.Clocks.Global.Now()
		if in.Tenant != 0 {
			if _, known := ch.Tenant(in.Tenant); !known {
				return apierr.BadRequest("tenant", "No tenant has this ID.")
			}
			now = p.Clocks.Now(in.Tenant) // "since activation" on the tenant's own clock, as its requests see time
		}
		a, err := p.Scenarios.NewActivation(f.Name, in.Tenant, in.ClientID, now)
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
		p.deactivate(ch, func(a *scenario.Activation) bool { return scenario.DeactivatedBy(a, f.Name, in.Tenant) })
		return nil
	})
	if err != nil {
		fail(c, apierr.Internal(err))
		return
	}
	c.JSON(http.StatusOK, p.describe(f))
}
