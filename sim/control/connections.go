package control

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/fixtures"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/auth"
)

var fixtureDefault = fixtures.FS

// Environment describes one environment: its issuer and token endpoint,
// and how a request selects it (a path prefix, or a Host name).
type Environment struct {
	Name       string   `json:"name"`
	Issuer     string   `json:"issuer"`
	TokenURL   string   `json:"tokenUrl"`
	PathPrefix string   `json:"pathPrefix"`
	Hosts      []string `json:"hosts"`
}

func (p *Plane) listEnvironments(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"environments": p.Environments})
}

type appOut struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	AppKey  string   `json:"appKey"`
	Version int      `json:"version"`
	Scopes  []string `json:"scopes"`
}

func (p *Plane) listApps(c *gin.Context) {
	out := []appOut{}
	for _, a := range p.Registry.Apps() {
		out = append(out, appOut{ID: a.ID, Name: a.Name, AppKey: a.Key, Version: a.Version, Scopes: a.Scopes})
	}
	c.JSON(http.StatusOK, gin.H{"apps": out})
}

// setAppScopes publishes a new app version; tenants keep their accepted
// scopes until they accept it.
func (p *Plane) setAppScopes(c *gin.Context) {
	var in struct {
		Scopes []string `json:"scopes"`
	}
	if !bind(c, &in) {
		return
	}
	a, err := p.Registry.SetAppScopes(c.Param("app"), in.Scopes)
	if err != nil {
		fail(c, apierr.NotFound("App", c.Param("app")))
		return
	}
	c.JSON(http.StatusOK, appOut{ID: a.ID, Name: a.Name, AppKey: a.Key, Version: a.Version, Scopes: a.Scopes})
}

// connectionOut describes a connection as the admin screen shows it:
// never a secret, only whether each slot holds one.
type connectionOut struct {
	ClientID          string    `json:"clientId"`
	AppID             string    `json:"appId"`
	Environment       string    `json:"environment"`
	Enabled           bool      `json:"enabled"`
	AcceptedVersion   int       `json:"acceptedVersion"`
	Scopes            []string  `json:"scopes"`
	BookingProviderID int64     `json:"bookingProviderId"`
	Secrets           []slotOut `json:"secrets"`
	TokenTTLSeconds   int64     `json:"tokenTtlSeconds"`
}

type slotOut struct {
	Slot      int        `json:"slot"`
	Set       bool       `json:"set"`
	CreatedAt *time.Time `json:"createdAt"`
	ExpiresAt *time.Time `json:"expiresAt"`
}

func renderConnection(conn auth.Connection) connectionOut {
	out := connectionOut{
		ClientID: conn.ClientID, AppID: conn.AppID, Environment: conn.Environment, Enabled: conn.Enabled, AcceptedVersion: conn.AcceptedVersion,
		Scopes: conn.Scopes, BookingProviderID: conn.BookingProviderID, TokenTTLSeconds: int64(conn.TokenTTL / time.Second),
	}
	for i, s := range conn.Secrets {
		slot := slotOut{Slot: i + 1, Set: s.Set}
		if s.Set {
			slot.CreatedAt = timePtr(s.CreatedAt)
			slot.ExpiresAt = timePtr(s.ExpiresAt)
		}
		out.Secrets = append(out.Secrets, slot)
	}
	if out.Scopes == nil {
		out.Scopes = []string{}
	}
	return out
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func (p *Plane) listConnections(c *gin.Context) {
	id, ok := p.tenantParam(c)
	if !ok {
		return
	}
	out := []connectionOut{}
	for _, conn := range p.Registry.Connections(id) {
		out = append(out, renderConnection(conn))
	}
	c.JSON(http.StatusOK, gin.H{"connections": out})
}

// connectApp is "Connect New App": it returns the client ID; a secret is
// generated separately.
func (p *Plane) connectApp(c *gin.Context) {
	id, ok := p.tenantParam(c)
	if !ok {
		return
	}
	var in struct {
		AppID string `json:"appId"`
	}
	if !bind(c, &in) {
		return
	}
	if _, ok := p.Registry.App(in.AppID); !ok {
		fail(c, apierr.BadRequest("appId", "No app has id "+strconv.Quote(in.AppID)+"."))
		return
	}
	conn, err := p.Registry.Connect(in.AppID, id, "")
	if err != nil {
		fail(c, apierr.Conflict(err.Error()))
		return
	}
	c.JSON(http.StatusCreated, renderConnection(conn))
}

func (p *Plane) slotParam(c *gin.Context) (int, bool) {
	slot, err := strconv.Atoi(c.Param("slot"))
	if err != nil || (slot != 1 && slot != 2) {
		fail(c, apierr.BadRequest("slot", "A connection has secret slots 1 and 2."))
		return 0, false
	}
	return slot, true
}

// generateSecret fills a slot with a new secret and returns it, once. The
// other slot keeps working, which is how a secret is rotated.
func (p *Plane) generateSecret(c *gin.Context) {
	slot, ok := p.slotParam(c)
	if !ok {
		return
	}
	var in struct {
		ExpiresIn string `json:"expiresIn"`
	}
	if c.Request.ContentLength != 0 && !bind(c, &in) {
		return
	}
	var expires time.Time
	if in.ExpiresIn != "" {
		d, err := time.ParseDuration(in.ExpiresIn)
		if err != nil || d <= 0 {
			fail(c, apierr.BadRequest("expiresIn", "Give a positive Go duration such as \"720h\"."))
			return
		}
		expires = p.Clocks.Global.Now().Add(d)
	}
	secret, err := p.Registry.GenerateSecret(c.Param("client"), slot, p.Clocks.Global.Now(), expires)
	if err != nil {
		fail(c, apierr.NotFound("Connection", c.Param("client")))
		return
	}
	c.JSON(http.StatusOK, gin.H{"clientId": c.Param("client"), "slot": slot, "clientSecret": secret})
}

func (p *Plane) revokeSecret(c *gin.Context) {
	slot, ok := p.slotParam(c)
	if !ok {
		return
	}
	p.respond(c, p.Registry.RevokeSecret(c.Param("client"), slot))
}

func (p *Plane) setEnabled(enabled bool) gin.HandlerFunc {
	return func(c *gin.Context) { p.respond(c, p.Registry.SetEnabled(c.Param("client"), enabled)) }
}

func (p *Plane) expireTokens(c *gin.Context) {
	p.respond(c, p.Registry.ExpireTokens(c.Param("client")))
}

func (p *Plane) acceptVersion(c *gin.Context) {
	p.respond(c, p.Registry.AcceptAppVersion(c.Param("client")))
}

func (p *Plane) bindBookingProvider(c *gin.Context) {
	var in struct {
		BookingProviderID int64 `json:"bookingProviderId"`
	}
	if !bind(c, &in) {
		return
	}
	p.respond(c, p.Registry.SetBookingProvider(c.Param("client"), in.BookingProviderID))
}

// respond answers a connection change with the connection as it now is.
func (p *Plane) respond(c *gin.Context, err error) {
	if err != nil {
		fail(c, apierr.NotFound("Connection", c.Param("client")))
		return
	}
	conn, _ := p.Registry.Connection(c.Param("client"))
	c.JSON(http.StatusOK, renderConnection(conn))
}
