// Package control serves stsim's control plane under /_sim: the simulator
// clock, tenants created from fixtures (and deleted, reset, snapshotted),
// and the tenant admin's "API Application Access" screen (connect an app,
// generate, rotate and revoke secrets, disable and restore a connection,
// accept a new app version, bind a booking-provider tag). Every change takes
// effect on the next request.
package control

import (
	"errors"
	"io/fs"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/auth"
	"github.com/stsim/stsim/sim/clock"
	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/journal"
	"github.com/stsim/stsim/sim/ratelimit"
	"github.com/stsim/stsim/sim/scenario"
	"github.com/stsim/stsim/sim/store"
)

// Plane is the control API. Its fields are the simulator parts it steers.
type Plane struct {
	Registry  *auth.Registry
	Store     store.Store
	Clocks    *clock.Tenants
	Limiter   *ratelimit.Limiter
	Journal   *journal.Journal
	Scenarios *scenario.Engine
	Fixtures  fs.FS // fixture sets; nil means the embedded ones
	// Seed writes a fixture set's records into its tenant and binds its
	// connections' booking-provider tags.
	Seed func(set *fixture.Set) error

	mu       sync.Mutex             // guards fixtures and nextID
	fixtures map[int64]*fixture.Set // the set each tenant was made from, for reset
	nextID   int64
}

// Track records the set a tenant was seeded from (the server's demo tenant).
func (p *Plane) Track(set *fixture.Set) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fixtures == nil {
		p.fixtures = map[int64]*fixture.Set{}
	}
	p.fixtures[set.Tenant.ID] = set
}

// Register adds the control routes to r.
func (p *Plane) Register(r gin.IRoutes) {
	r.GET("/_sim/clock", p.getClock)
	r.DELETE("/_sim/clock", p.dropTenantClock)
	r.POST("/_sim/clock/advance", p.moveClock(advance))
	r.POST("/_sim/clock/set", p.moveClock(set))
	r.POST("/_sim/clock/freeze", p.moveClock(freeze))
	r.POST("/_sim/clock/resume", p.moveClock(resume))

	r.POST("/_sim/tenants", p.createTenant)
	r.DELETE("/_sim/tenants/:tenant", p.deleteTenant)
	r.POST("/_sim/tenants/:tenant/reset", p.resetTenant)
	r.POST("/_sim/tenants/:tenant/snapshots/:name", p.saveSnapshot)
	r.POST("/_sim/tenants/:tenant/snapshots/:name/restore", p.restoreSnapshot)

	r.GET("/_sim/requests", p.listRequests)
	r.DELETE("/_sim/requests", p.clearRequests)
	r.GET("/_sim/requests/counts", p.countRequests)
	r.GET("/_sim/lint", p.lint)

	r.GET("/_sim/scenarios", p.listScenarios)
	r.GET("/_sim/scenarios/:name", p.getScenario)
	r.POST("/_sim/scenarios/:name/activate", p.activateScenario)
	r.POST("/_sim/scenarios/:name/deactivate", p.deactivateScenario)

	r.GET("/_sim/apps", p.listApps)
	r.PUT("/_sim/apps/:app/scopes", p.setAppScopes)
	r.GET("/_sim/tenants/:tenant/connections", p.listConnections)
	r.POST("/_sim/tenants/:tenant/connections", p.connectApp)
	r.POST("/_sim/connections/:client/secrets/:slot", p.generateSecret)
	r.DELETE("/_sim/connections/:client/secrets/:slot", p.revokeSecret)
	r.POST("/_sim/connections/:client/disable", p.setEnabled(false))
	r.POST("/_sim/connections/:client/restore", p.setEnabled(true))
	r.POST("/_sim/connections/:client/expire-tokens", p.expireTokens)
	r.POST("/_sim/connections/:client/accept-version", p.acceptVersion)
	r.PUT("/_sim/connections/:client/booking-provider", p.bindBookingProvider)
}

func fail(c *gin.Context, err error) {
	apierr.Write(c.Writer, c.Writer.Header().Get(apierr.TraceHeader), err)
	c.Abort()
}

func bind(c *gin.Context, v any) bool {
	if err := c.ShouldBindJSON(v); err != nil {
		fail(c, apierr.BadRequest("body", "The body must be JSON of this operation's shape: "+err.Error()))
		return false
	}
	return true
}

// clockOut is a clock's state.
type clockOut struct {
	Now    time.Time `json:"now"`
	Frozen bool      `json:"frozen"`
	Tenant int64     `json:"tenant"` // 0: the global clock
	Own    bool      `json:"own"`    // the tenant has its own clock
}

// clockScope picks the clock a call addresses: a tenant's (?tenant= or a
// "tenant" body member; moving it gives the tenant its own clock) or the
// global one.
func (p *Plane) clockScope(c *gin.Context, tenant int64, moving bool) (*clock.Virtual, int64, bool) {
	if v := c.Query("tenant"); v != "" && tenant == 0 {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			fail(c, apierr.BadRequest("tenant", "Must be an integer."))
			return nil, 0, false
		}
		tenant = n
	}
	if tenant == 0 {
		return p.Clocks.Global, 0, true
	}
	if _, ok := p.Registry.Tenant(tenant); !ok {
		fail(c, apierr.NotFound("Tenant", tenant))
		return nil, 0, false
	}
	if moving {
		return p.Clocks.Own(tenant), tenant, true
	}
	return p.Clocks.For(tenant), tenant, true
}

func (p *Plane) clockState(clk *clock.Virtual, tenant int64) clockOut {
	return clockOut{Now: clk.Now().UTC(), Frozen: clk.Frozen(), Tenant: tenant, Own: tenant != 0 && p.Clocks.HasOwn(tenant)}
}

// clockIn is the body of a clock move: an optional tenant and the move.
type clockIn struct {
	Tenant   int64     `json:"tenant"`
	Duration string    `json:"duration"`
	Time     time.Time `json:"time"`
}

func (p *Plane) getClock(c *gin.Context) {
	if clk, tenant, ok := p.clockScope(c, 0, false); ok {
		c.JSON(http.StatusOK, p.clockState(clk, tenant))
	}
}

// moveClock serves one kind of clock move on the addressed clock.
func (p *Plane) moveClock(move func(c *gin.Context, clk *clock.Virtual, in clockIn) bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		var in clockIn
		if c.Request.ContentLength != 0 && !bind(c, &in) {
			return
		}
		clk, tenant, ok := p.clockScope(c, in.Tenant, true)
		if !ok || !move(c, clk, in) {
			return
		}
		c.JSON(http.StatusOK, p.clockState(clk, tenant))
	}
}

func advance(c *gin.Context, clk *clock.Virtual, in clockIn) bool {
	d, err := time.ParseDuration(in.Duration)
	if err != nil {
		fail(c, apierr.BadRequest("duration", "Give a Go duration such as \"16m\" or \"2h30m\"."))
		return false
	}
	clk.Advance(d)
	return true
}

func set(c *gin.Context, clk *clock.Virtual, in clockIn) bool {
	if in.Time.IsZero() {
		fail(c, apierr.BadRequest("time", "Give an RFC 3339 time."))
		return false
	}
	clk.Set(in.Time)
	return true
}

func freeze(_ *gin.Context, clk *clock.Virtual, _ clockIn) bool { clk.Freeze(); return true }
func resume(_ *gin.Context, clk *clock.Virtual, _ clockIn) bool { clk.Resume(); return true }

// dropTenantClock makes a tenant follow the global clock again.
func (p *Plane) dropTenantClock(c *gin.Context) {
	clk, tenant, ok := p.clockScope(c, 0, false)
	if !ok {
		return
	}
	if tenant != 0 {
		p.Clocks.Drop(tenant)
		clk = p.Clocks.For(tenant)
	}
	c.JSON(http.StatusOK, p.clockState(clk, tenant))
}

// tenantParam reads a :tenant path parameter of a registered tenant.
func (p *Plane) tenantParam(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("tenant"), 10, 64)
	if err != nil {
		fail(c, apierr.BadRequest("tenant", "The tenant ID must be an integer."))
		return 0, false
	}
	if _, ok := p.Registry.Tenant(id); !ok {
		fail(c, apierr.NotFound("Tenant", id))
		return 0, false
	}
	return id, true
}

// credentialsOut is what a new tenant's connection can authenticate with.
// The secret is shown once.
type credentialsOut struct {
	AppID        string `json:"appId"`
	AppName      string `json:"appName"`
	AppKey       string `json:"appKey"`
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
}

type tenantOut struct {
	TenantID    int64            `json:"tenantId"`
	Fixture     string           `json:"fixture"`
	Credentials []credentialsOut `json:"credentials"`
}

// createTenant seeds a fresh, isolated tenant from a named fixture set, with
// new client IDs and secrets, so parallel CI jobs never share data, limits
// or credentials.
func (p *Plane) createTenant(c *gin.Context) {
	var in struct {
		Fixture string `json:"fixture"`
		ID      int64  `json:"id"`
		Name    string `json:"name"`
	}
	if c.Request.ContentLength != 0 && !bind(c, &in) {
		return
	}
	if in.Fixture == "" {
		in.Fixture = fixture.DefaultSet
	}
	base, err := fixture.LoadSet(p.fixtureFS(), in.Fixture)
	if err != nil {
		fail(c, apierr.BadRequest("fixture", "No usable fixture set "+strconv.Quote(in.Fixture)+": "+err.Error()))
		return
	}
	if in.ID < 0 {
		fail(c, apierr.BadRequest("id", "A tenant ID must be positive."))
		return
	}
	set := *base
	set.Tenant.ID = p.allocateID(in.ID)
	if in.Name != "" {
		set.Tenant.Name = in.Name
	}
	if _, taken := p.Registry.Tenant(set.Tenant.ID); taken {
		fail(c, apierr.Conflict("Tenant "+strconv.FormatInt(set.Tenant.ID, 10)+" already exists."))
		return
	}
	set.Connections = nil
	out := tenantOut{TenantID: set.Tenant.ID, Fixture: in.Fixture, Credentials: []credentialsOut{}}
	for _, conn := range base.Connections {
		conn.ClientID, conn.ClientSecret = auth.NewClientID(), auth.NewSecret(1)
		set.Connections = append(set.Connections, conn)
	}
	if err := set.Register(p.Registry, p.Clocks.Global.Now()); err != nil {
		fail(c, apierr.Internal(err))
		return
	}
	if err := p.Seed(&set); err != nil {
		p.Registry.RemoveTenant(set.Tenant.ID)
		_ = p.Store.DropTenant(set.Tenant.ID)
		fail(c, apierr.Internal(err))
		return
	}
	p.Track(&set)
	for _, conn := range set.Connections {
		app, _ := p.Registry.App(conn.App)
		out.Credentials = append(out.Credentials, credentialsOut{AppID: app.ID, AppName: app.Name, AppKey: app.Key, ClientID: conn.ClientID, ClientSecret: conn.ClientSecret})
	}
	c.JSON(http.StatusCreated, out)
}

func (p *Plane) fixtureFS() fs.FS {
	if p.Fixtures == nil {
		return fixtureDefault
	}
	return p.Fixtures
}

// allocateID returns want, or the next unused ID from 2000001 on.
func (p *Plane) allocateID(want int64) int64 {
	if want > 0 {
		return want
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.nextID == 0 {
		p.nextID = 2000000
	}
	for {
		p.nextID++
		if _, taken := p.Registry.Tenant(p.nextID); !taken {
			return p.nextID
		}
	}
}

func (p *Plane) deleteTenant(c *gin.Context) {
	id, ok := p.tenantParam(c)
	if !ok {
		return
	}
	p.Registry.RemoveTenant(id)
	p.Limiter.ResetTenant(id)
	p.Scenarios.DeactivateTenant(id)
	p.Clocks.Drop(id)
	if err := p.Store.DropTenant(id); err != nil {
		fail(c, apierr.Internal(err))
		return
	}
	p.mu.Lock()
	delete(p.fixtures, id)
	p.mu.Unlock()
	c.Status(http.StatusNoContent)
}

// resetTenant puts a tenant's data back to its fixture; its connections
// and credentials stay as they are.
func (p *Plane) resetTenant(c *gin.Context) {
	id, ok := p.tenantParam(c)
	if !ok {
		return
	}
	p.mu.Lock()
	set := p.fixtures[id]
	p.mu.Unlock()
	if set == nil {
		fail(c, apierr.Conflict("Tenant "+strconv.FormatInt(id, 10)+" was not made from a fixture and cannot be reset."))
		return
	}
	if err := p.Store.DropTenant(id); err != nil {
		fail(c, apierr.Internal(err))
		return
	}
	if err := p.Seed(set); err != nil {
		fail(c, apierr.Internal(err))
		return
	}
	p.Limiter.ResetTenant(id)
	c.JSON(http.StatusOK, gin.H{"tenantId": id, "fixture": set.Tenant.Name})
}

func (p *Plane) saveSnapshot(c *gin.Context) {
	id, ok := p.tenantParam(c)
	if !ok {
		return
	}
	start := time.Now()
	if err := p.Store.Snapshot(id, c.Param("name")); err != nil {
		fail(c, storeError(err, "snapshot"))
		return
	}
	c.JSON(http.StatusOK, gin.H{"tenantId": id, "snapshot": c.Param("name"), "milliseconds": time.Since(start).Milliseconds()})
}

func (p *Plane) restoreSnapshot(c *gin.Context) {
	id, ok := p.tenantParam(c)
	if !ok {
		return
	}
	start := time.Now()
	if err := p.Store.Restore(id, c.Param("name")); err != nil {
		fail(c, storeError(err, "snapshot"))
		return
	}
	c.JSON(http.StatusOK, gin.H{"tenantId": id, "snapshot": c.Param("name"), "milliseconds": time.Since(start).Milliseconds()})
}

func storeError(err error, what string) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return apierr.New(http.StatusNotFound, "No such "+what+".")
	case errors.Is(err, store.ErrInvalid):
		return apierr.BadRequest("name", err.Error())
	}
	return apierr.Internal(err)
}

// Guard protects the control API. With a token, every control call must
// send it as a bearer token. Without one, the control API answers only when
// stsim listens on loopback: it can mint credentials, so it is never open
// to a network by accident.
func Guard(token string, loopback bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		switch {
		case token != "":
			if c.GetHeader("Authorization") != "Bearer "+token {
				fail(c, apierr.New(http.StatusUnauthorized, "The control API needs Authorization: Bearer <control token> (-control-token).").
					WithHeader("WWW-Authenticate", `Bearer realm="stsim control"`))
			}
		case !loopback:
			fail(c, apierr.New(http.StatusForbidden, "The control API is closed: stsim listens beyond loopback and no -control-token was set."))
		}
	}
}
