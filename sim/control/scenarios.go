package control

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/apierr"
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
// one client of a tenant; it takes effect on the next request.
func (p *Plane) activateScenario(c *gin.Context) {
	f, ok := p.scenarioParam(c)
	if !ok {
		return
	}
	var in scopeIn
	if c.Request.ContentLength != 0 && !bind(c, &in) {
		return
	}
	if in.Tenant != 0 {
		if _, known := p.Registry.Tenant(in.Tenant); !known {
			fail(c, apierr.BadRequest("tenant", "No tenant has this ID."))
			return
		}
	}
	now := p.Clocks.Global.Now()
	if in.Tenant != 0 {
		now = p.Clocks.Now(in.Tenant) // "since activation" on the tenant's own clock, as its requests see time
	}
	if _, err := p.Scenarios.Activate(f.Name, in.Tenant, in.ClientID, now); err != nil {
		fail(c, apierr.Internal(err))
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
	p.Scenarios.Deactivate(f.Name, in.Tenant)
	c.JSON(http.StatusOK, p.describe(f))
}
