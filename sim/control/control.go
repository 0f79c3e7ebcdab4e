// Package control serves stsim's control plane under /_sim: the simulator
// clock, tenants created from fixtures (and deleted, reset, snapshotted),
// and the tenant admin's "API Application Access" screen (connect an app,
// generate, rotate and revoke secrets, disable and restore a connection,
// accept a new app version, bind a booking-provider tag). Every change takes
// effect on the next request.
package control

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/auth"
	"github.com/stsim/stsim/sim/clock"
	"github.com/stsim/stsim/sim/env"
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
	// Seed writes a fixture set's records into its tenant, unless they are
	// there already, and returns the booking-provider tag each of the set's
	// connections is bound to (by client ID).
	Seed func(set *fixture.Set) (map[string]int64, error)
	// Reindex brings what is derived from a tenant's records (the
	// schedule index) up to date with data an older stsim wrote: run for
	// every stored tenant at start and after a snapshot is restored.
	Reindex func(tenant int64) error
	// Forget (optional) drops what the server keeps in memory about a
	// tenant's records (the office's bookings it could not convert) when
	// the records are dropped (delete, reset, a create that reuses the
	// ID): records seeded again reuse IDs. A restored snapshot does not
	// hand out its IDs again.
	Forget func(tenant int64)
	// Environments describes each environment for GET /_sim/environments.
	Environments []Environment
	// DefaultRateLimit is the server's calls per second per (app, tenant),
	// for apps without their own.
	DefaultRateLimit int

	// lifecycle serializes the steps that decide whether a tenant ID is
	// free and drop its data, so a create cannot drop a tenant another
	// create just made.
	lifecycle sync.Mutex
}

// Register adds the control routes to r.
func (p *Plane) Register(r gin.IRoutes) {
	r.GET("/_sim/clock", p.getClock)
	r.DELETE("/_sim/clock", p.dropTenantClock)
	r.POST("/_sim/clock/advance", p.moveClock(advance))
	r.POST("/_sim/clock/set", p.moveClock(set))
	r.POST("/_sim/clock/freeze", p.moveClock(freeze))
	r.POST("/_sim/clock/resume", p.moveClock(resume))

	r.GET("/_sim/tenants", p.listTenants)
	r.POST("/_sim/tenants", p.createTenant)
	r.DELETE("/_sim/tenants/:tenant", p.deleteTenant)
	r.POST("/_sim/tenants/:tenant/reset", p.resetTenant)
	r.POST("/_sim/tenants/:tenant/snapshots/:name", p.saveSnapshot)
	r.POST("/_sim/tenants/:tenant/snapshots/:name/restore", p.restoreSnapshot)

	r.GET("/_sim/requests", p.listRequests)
	r.DELETE("/_sim/requests", p.clearRequests)
	r.GET("/_sim/requests/counts", p.countRequests)
	r.GET("/_sim/lint", p.lint)
	r.GET("/_sim/ratelimit", p.rateLimits)

	r.GET("/_sim/scenarios", p.listScenarios)
	r.GET("/_sim/scenarios/:name", p.getScenario)
	r.POST("/_sim/scenarios/:name/activate", p.activateScenario)
	r.POST("/_sim/scenarios/:name/deactivate", p.deactivateScenario)

	r.GET("/_sim/environments", p.listEnvironments)
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
	p.registerBookings(r)
}

func fail(c *gin.Context, err error) {
	_ = c.Error(err) // the cause, for the log of a 500
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

// clockTenant picks the clock a call addresses: a tenant's (?tenant= or a
// "tenant" body member; moving it gives the tenant its own clock) or the
// global one (0).
func (p *Plane) clockTenant(c *gin.Context, tenant int64) (int64, bool) {
	if v := c.Query("tenant"); v != "" && tenant == 0 {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			fail(c, apierr.BadRequest("tenant", "Must be an integer."))
			return 0, false
		}
		tenant = n
	}
	if _, ok := p.Registry.Tenant(tenant); tenant != 0 && !ok {
		fail(c, apierr.NotFound("Tenant", tenant))
		return 0, false
	}
	return tenant, true
}

func (p *Plane) clockState(tenant int64) clockOut {
	clk := p.Clocks.For(tenant)
	return clockOut{Now: clk.Now().UTC(), Frozen: clk.Frozen(), Tenant: tenant, Own: tenant != 0 && p.Clocks.HasOwn(tenant)}
}

// clockIn is the body of a clock move: an optional tenant and the move.
type clockIn struct {
	Tenant   int64     `json:"tenant"`
	Duration string    `json:"duration"`
	Time     time.Time `json:"time"`
}

func (p *Plane) getClock(c *gin.Context) {
	if tenant, ok := p.clockTenant(c, 0); ok {
		c.JSON(http.StatusOK, p.clockState(tenant))
	}
}

// moveClock serves one kind of clock move on the addressed clock. The
// move is tried on a copy of the clock, stored, and then applied.
func (p *Plane) moveClock(move func(clk *clock.Virtual, in clockIn) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		var in clockIn
		if c.Request.ContentLength != 0 && !bind(c, &in) {
			return
		}
		tenant, ok := p.clockTenant(c, in.Tenant)
		if !ok {
			return
		}
		err := p.Registry.Change(func(ch *auth.Change) error {
			if _, ok := ch.Tenant(tenant); tenant != 0 && !ok {
				return apierr.NotFound("Tenant", tenant) // deleted meanwhile
			}
			moved := clock.FromState(p.Clocks.For(tenant).State())
			if err := move(moved, in); err != nil {
				return err
			}
			return p.setClock(ch, tenant, moved.State())
		})
		if err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, p.clockState(tenant))
	}
}

func advance(clk *clock.Virtual, in clockIn) error {
	d, err := time.ParseDuration(in.Duration)
	if err != nil {
		return apierr.BadRequest("duration", "Give a Go duration such as \"16m\" or \"2h30m\".")
	}
	if _, err := clk.TryAdvance(d); err != nil {
		return apierr.BadRequest("duration", "Advancing by "+d.String()+" would move the clock out of range: "+err.Error()+".")
	}
	return nil
}

func set(clk *clock.Virtual, in clockIn) error {
	if in.Time.IsZero() {
		return apierr.BadRequest("time", "Give an RFC 3339 time.")
	}
	if err := clk.TrySet(in.Time); err != nil {
		return apierr.BadRequest("time", err.Error()+".")
	}
	return nil
}

func freeze(clk *clock.Virtual, _ clockIn) error { clk.Freeze(); return nil }
func resume(clk *clock.Virtual, _ clockIn) error { clk.Resume(); return nil }

// dropTenantClock makes a tenant follow the global clock again.
func (p *Plane) dropTenantClock(c *gin.Context) {
	tenant, ok := p.clockTenant(c, 0)
	if !ok {
		return
	}
	if tenant != 0 {
		err := p.Registry.Change(func(ch *auth.Change) error {
			ch.DeleteSetting(tenant, clockSetting)
			ch.AfterCommit(func() { p.Clocks.Drop(tenant) })
			return nil
		})
		if err != nil {
			fail(c, apierr.Internal(err))
			return
		}
	}
	c.JSON(http.StatusOK, p.clockState(tenant))
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
	Environment string           `json:"environment"`
	Credentials []credentialsOut `json:"credentials"`
}

// tenantSummary is a tenant as GET /_sim/tenants lists it.
type tenantSummary struct {
	TenantID    int64  `json:"tenantId"`
	Name        string `json:"name"`
	Fixture     string `json:"fixture"` // empty: not made from a fixture
	Environment string `json:"environment"`
}

func (p *Plane) listTenants(c *gin.Context) {
	out := []tenantSummary{}
	for _, t := range p.Registry.Tenants() {
		out = append(out, tenantSummary{TenantID: t.ID, Name: t.Name, Fixture: t.Fixture, Environment: t.Environment})
	}
	c.JSON(http.StatusOK, gin.H{"tenants": out})
}

// createTenant seeds a fresh, isolated tenant from a named fixture set, with
// new client IDs and secrets, so parallel CI jobs never share data, limits
// or credentials. The tenant belongs to the environment the body names,
// else to the request's. It is registered before it is seeded; a restart
// finishes the seeding of a tenant whose create was interrupted.
func (p *Plane) createTenant(c *gin.Context) {
	var in struct {
		Fixture     string `json:"fixture"`
		ID          int64  `json:"id"`
		Name        string `json:"name"`
		Environment string `json:"environment"`
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
	if in.Environment == "" {
		in.Environment = env.From(c.Request.Context())
	}
	if !env.Valid(in.Environment) {
		fail(c, apierr.BadRequest("environment", "An environment is integration or production."))
		return
	}
	set := *base
	set.Tenant.Environment = in.Environment
	if in.Name != "" {
		set.Tenant.Name = in.Name
	}
	set.Connections = nil
	for _, conn := range base.Connections {
		conn.ClientID, conn.ClientSecret = auth.NewClientID(), auth.NewSecret(1)
		set.Connections = append(set.Connections, conn)
	}
	if err := p.register(&set, in.ID); err != nil {
		fail(c, err)
		return
	}
	t, _ := p.Registry.Tenant(set.Tenant.ID)
	if err := p.seed(t); err != nil {
		_ = p.Registry.RemoveTenant(t.ID)
		_ = p.dropTenantData(t.ID)
		fail(c, apierr.Internal(err))
		return
	}
	out := tenantOut{TenantID: t.ID, Fixture: in.Fixture, Environment: t.Environment, Credentials: []credentialsOut{}}
	for _, conn := range set.Connections {
		app, _ := p.Registry.App(conn.App)
		out.Credentials = append(out.Credentials, credentialsOut{AppID: app.ID, AppName: app.Name, AppKey: app.Key, ClientID: conn.ClientID, ClientSecret: conn.ClientSecret})
	}
	c.JSON(http.StatusCreated, out)
}

// register gives set the tenant ID want (or a new one when want is 0) and
// registers its tenant, apps and connections in one durable change. A
// requested ID starts with no data: whatever a deleted tenant of that ID
// left behind is dropped first.
func (p *Plane) register(set *fixture.Set, want int64) error {
	p.lifecycle.Lock()
	defer p.lifecycle.Unlock()
	if want > 0 {
		if _, exists := p.Registry.Tenant(want); exists {
			return apierr.Conflict("Tenant " + strconv.FormatInt(want, 10) + " already exists.")
		}
		if err := p.dropTenantData(want); err != nil {
			return apierr.Internal(err)
		}
	}
	err := p.Registry.Change(func(c *auth.Change) error {
		set.Tenant.ID = want
		if want == 0 {
			set.Tenant.ID = c.NewTenantID()
		}
		return set.Register(c, p.Clocks.Global.Now())
	})
	if err != nil {
		return apierr.Internal(err)
	}
	return nil
}

// seed writes a registered tenant's fixture records, binds its connections
// to their booking-provider tags and marks it seeded.
func (p *Plane) seed(t auth.Tenant) error {
	set, err := p.fixtureSet(t)
	if err != nil {
		return err
	}
	bindings, err := p.Seed(set)
	if err != nil {
		return err
	}
	return p.Registry.Change(func(c *auth.Change) error {
		for clientID, tag := range bindings {
			if err := c.SetBookingProvider(clientID, tag); err != nil {
				return err
			}
		}
		return c.SetSeeded(t.ID, true)
	})
}

// fixtureSet is the fixture set a registered tenant is seeded from: its
// fixture, with the tenant's ID and name and its connections' client IDs.
func (p *Plane) fixtureSet(t auth.Tenant) (*fixture.Set, error) {
	base, err := fixture.LoadSet(p.fixtureFS(), t.Fixture)
	if err != nil {
		return nil, err
	}
	set := *base
	set.Tenant.ID, set.Tenant.Name, set.Tenant.Environment = t.ID, t.Name, t.Environment
	set.Connections = nil
	conns := p.Registry.Connections(t.ID)
	for _, spec := range base.Connections {
		for _, conn := range conns {
			if conn.AppID == spec.App {
				spec.ClientID = conn.ClientID
				set.Connections = append(set.Connections, spec)
			}
		}
	}
	return &set, nil
}

// Restore brings the store in line with the registry after a start: it
// drops the data of tenants the registry does not know (left by a delete
// the process did not finish) and seeds every tenant whose seeding was
// not acknowledged.
func (p *Plane) Restore() error {
	tenants := p.Registry.Tenants()
	known := map[int64]bool{auth.StoreTenant: true}
	for _, t := range tenants {
		known[t.ID] = true
	}
	stored, err := p.Store.Tenants()
	if err != nil {
		return err
	}
	for _, id := range stored {
		if !known[id] {
			if err := p.dropTenantData(id); err != nil {
				return err
			}
		}
	}
	for _, t := range tenants {
		if !t.Seeded && t.Fixture != "" {
			if err := p.seed(t); err != nil {
				return fmt.Errorf("seeding tenant %d from fixture %q: %w", t.ID, t.Fixture, err)
			}
		}
	}
	for _, id := range stored {
		if known[id] && id != auth.StoreTenant {
			if err := p.Reindex(id); err != nil {
				return fmt.Errorf("indexing tenant %d: %w", id, err)
			}
		}
	}
	return nil
}

func (p *Plane) fixtureFS() fs.FS {
	if p.Fixtures == nil {
		return fixtureDefault
	}
	return p.Fixtures
}

// deleteTenant removes a tenant, its credentials and its data. Its ID is
// retired: new tenants never get it.
func (p *Plane) deleteTenant(c *gin.Context) {
	id, ok := p.tenantParam(c)
	if !ok {
		return
	}
	p.lifecycle.Lock()
	defer p.lifecycle.Unlock()
	err := p.Registry.Change(func(ch *auth.Change) error {
		// RemoveTenant removes its settings too: its clock and the
		// activations scoped to it or to one of its clients (kept under the
		// tenant, activationTenant).
		ch.RemoveTenant(id)
		ch.AfterCommit(func() {
			p.Scenarios.DeactivateWhere(func(a *scenario.Activation) bool { return a.Tenant == id })
			p.Clocks.Drop(id)
			p.Limiter.ResetTenant(id)
		})
		return nil
	})
	if err != nil {
		fail(c, apierr.Internal(err))
		return
	}
	if err := p.dropTenantData(id); err != nil {
		fail(c, apierr.Internal(err))
		return
	}
	c.Status(http.StatusNoContent)
}

// resetTenant puts a tenant's data back to its fixture; its connections
// and credentials stay as they are. The tenant is marked unseeded first, so
// a restart finishes an interrupted reset.
func (p *Plane) resetTenant(c *gin.Context) {
	id, ok := p.tenantParam(c)
	if !ok {
		return
	}
	t, _ := p.Registry.Tenant(id)
	if t.Fixture == "" {
		fail(c, apierr.Conflict("Tenant "+strconv.FormatInt(id, 10)+" was not made from a fixture and cannot be reset."))
		return
	}
	err := p.Registry.Change(func(c *auth.Change) error { return c.SetSeeded(id, false) })
	if err == nil {
		err = p.dropTenantData(id)
	}
	if err == nil {
		err = p.seed(t)
	}
	if err != nil {
		fail(c, apierr.Internal(err))
		return
	}
	p.Limiter.ResetTenant(id)
	c.JSON(http.StatusOK, gin.H{"tenantId": id, "fixture": t.Fixture})
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
	if err := p.Reindex(id); err != nil {
		fail(c, apierr.Internal(err))
		return
	}
	c.JSON(http.StatusOK, gin.H{"tenantId": id, "snapshot": c.Param("name"), "milliseconds": time.Since(start).Milliseconds()})
}

// dropTenantData drops a tenant's records and what the server keeps in
// memory about them.
func (p *Plane) dropTenantData(id int64) error {
	err := p.Store.DropTenant(id)
	if p.Forget != nil {
		p.Forget(id)
	}
	return err
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
