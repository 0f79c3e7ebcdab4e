package auth

import (
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stsim/stsim/sim/store"
)

// App is an application registered in the developer portal. One app key
// serves every tenant the app is connected to (contract §2).
type App struct {
	ID        string
	Name      string
	Key       string   // the ST-App-Key value; never logged
	Scopes    []string // scopes of the app's current version
	Version   int      // bumped when the scopes change
	RateLimit int      // calls per second per tenant; 0 means the server default
}

func (a *App) copy() App {
	c := *a
	c.Scopes = slices.Clone(a.Scopes)
	return c
}

// Tenant is a ServiceTitan customer account.
type Tenant struct {
	ID          int64
	Name        string
	Environment string // env.Integration or env.Production; its connections are issued there
	// Fixture names the fixture set the tenant was made from ("" if none):
	// reset and a restart seed it from there.
	Fixture string
	// Seeded is set once the fixture's records are written and its
	// connections bound to their booking-provider tags; a restart finishes
	// the seeding of a tenant without it.
	Seeded bool
}

// Connection is an app connected to one tenant: what the tenant admin's "API
// Application Access" screen manages. It owns the client ID and up to two
// client secrets so a secret can be rotated without downtime.
type Connection struct {
	ClientID          string
	AppID             string
	Tenant            int64
	Environment       string // the tenant's: its credentials work there only
	Enabled           bool
	Scopes            []string      // the scopes of the app version the tenant accepted
	AcceptedVersion   int           // that app version
	TokenTTL          time.Duration // 0 means the server default
	BookingProviderID int64         // booking-provider tag bound at connect time; 0 is "No Restriction"
	// TokenGeneration is bumped to revoke every token issued so far
	// (expire-all-tokens); tokens carry the generation they were issued in.
	TokenGeneration uint32
	Secrets         [2]SecretInfo
}

// SecretInfo describes a secret slot without the secret itself.
type SecretInfo struct {
	Set       bool
	CreatedAt time.Time
	ExpiresAt time.Time // zero means it never expires
}

// connection is a Connection with the SHA-256 hashes of its secrets.
type connection struct {
	Connection
	Hashes [2][]byte // per slot; empty when the slot is
}

func (c *connection) clone() *connection {
	d := *c
	d.Scopes = slices.Clone(c.Scopes)
	return &d
}

func (c *connection) view() Connection {
	v := c.Connection
	v.Scopes = slices.Clone(c.Scopes)
	return v
}

// Client authentication failures, all answered as invalid_client.
var (
	ErrUnknownClient = errors.New("unknown client_id")
	ErrWrongSecret   = errors.New("client_secret does not match")
	ErrSecretExpired = errors.New("client_secret has expired")
	ErrDisabled      = errors.New("the connection is disabled by the tenant")
	ErrNoSecret      = errors.New("no client secret has been generated for this client")
)

// Registry holds apps, tenants and connections. Its state lives in a
// store (see Change), so a bbolt file brings back every acknowledged
// change after a restart; the maps here are the read side, consulted on
// every call. Secrets are kept only as SHA-256 hashes: they are 50 random
// characters, so a fast hash loses nothing to brute force and keeps token
// issuance cheap. Lookups return copies.
type Registry struct {
	store  store.Store
	change sync.Mutex // serializes Changes, each ending in a durable commit

	mu           sync.RWMutex           // guards the fields below; entries are replaced, never edited
	apps         map[string]*App        // by app ID
	appsByKey    map[string]*App        // by app key
	tenants      map[int64]*Tenant      // by tenant ID
	conns        map[string]*connection // by client ID
	retired      map[int64]bool         // deleted tenant IDs, never handed out again
	settings     map[settingKey][]byte  // JSON values (see Setting)
	lastTenantID int64                  // the last tenant ID NewTenantID handed out
}

// NewRegistry returns an empty registry kept in memory.
func NewRegistry() *Registry {
	r, err := OpenRegistry(store.OpenMemory())
	if err != nil {
		panic(err) // an empty memory store cannot fail to load
	}
	return r
}

// Tenant returns a tenant by ID.
func (r *Registry) Tenant(id int64) (Tenant, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.tenants[id]
	if !ok {
		return Tenant{}, false
	}
	return *t, true
}

// Tenants lists every tenant by ID.
func (r *Registry) Tenants() []Tenant {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Tenant, 0, len(r.tenants))
	for _, t := range r.tenants {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b Tenant) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// App returns an app by ID.
func (r *Registry) App(id string) (App, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	a, ok := r.apps[id]
	if !ok {
		return App{}, false
	}
	return a.copy(), true
}

// AppByKey returns the app an ST-App-Key belongs to.
func (r *Registry) AppByKey(key string) (App, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	a, ok := r.appsByKey[key]
	if !ok {
		return App{}, false
	}
	return a.copy(), true
}

// Apps lists every app, sorted by name.
func (r *Registry) Apps() []App {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]App, 0, len(r.apps))
	for _, a := range r.apps {
		out = append(out, a.copy())
	}
	slices.SortFunc(out, func(a, b App) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// forCall reads what the per-call check needs of the app with appKey and
// the connection of clientID into p.App and p.Connection, under one lock
// and without copying scope lists (they are not needed: the token carries
// its scopes), and reports which exist and whether the connection is the
// app's. Both are written straight into the principal: they are a few
// hundred bytes, read on every call.
func (r *Registry) forCall(appKey, clientID string, p *Principal) (appOK, connOK, sameApp bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if a, ok := r.appsByKey[appKey]; ok {
		p.App, appOK = *a, true
		p.App.Scopes = nil
	}
	if c, ok := r.conns[clientID]; ok {
		p.Connection, connOK = c.Connection, true
		p.Connection.Scopes = nil
		sameApp = appOK && c.AppID == p.App.ID
	}
	return appOK, connOK, sameApp
}

// Connection returns a connection by client ID.
func (r *Registry) Connection(clientID string) (Connection, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	c, ok := r.conns[clientID]
	if !ok {
		return Connection{}, false
	}
	return c.view(), true
}

// Connections lists a tenant's connections.
func (r *Registry) Connections(tenant int64) []Connection {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []Connection
	for _, c := range r.conns {
		if c.Tenant == tenant {
			out = append(out, c.view())
		}
	}
	slices.SortFunc(out, func(a, b Connection) int { return strings.Compare(a.ClientID, b.ClientID) })
	return out
}

// Single changes, each committed on its own (see Change for several at once).

// AddApp registers an app; its ID and key must be unique.
func (r *Registry) AddApp(a App) error {
	return r.Change(func(c *Change) error { return c.AddApp(a) })
}

// AddTenant registers a tenant.
func (r *Registry) AddTenant(t Tenant) error {
	return r.Change(func(c *Change) error { return c.AddTenant(t) })
}

// RemoveTenant deletes a tenant and every connection to it; its ID is
// never handed out by NewTenantID again.
func (r *Registry) RemoveTenant(id int64) error {
	return r.Change(func(c *Change) error { c.RemoveTenant(id); return nil })
}

// Connect connects an app to a tenant, as the tenant admin's "Connect New
// App" does, and returns the connection. An empty clientID gets a fresh one.
// The connection accepts the app's current version and scopes.
func (r *Registry) Connect(appID string, tenant int64, clientID string) (Connection, error) {
	var conn Connection
	err := r.Change(func(c *Change) error {
		var err error
		conn, err = c.Connect(appID, tenant, clientID)
		return err
	})
	return conn, err
}

// SetSecret stores secret (hashed) in slot 1 or 2. A zero expiresAt never
// expires.
func (r *Registry) SetSecret(clientID string, slot int, secret string, now, expiresAt time.Time) error {
	return r.Change(func(c *Change) error { return c.SetSecret(clientID, slot, secret, now, expiresAt) })
}

// GenerateSecret creates a random secret in a slot and returns it; it cannot
// be read again. Slot 1 secrets start "cs1.", slot 2 "cs2." (contract §2).
func (r *Registry) GenerateSecret(clientID string, slot int, now, expiresAt time.Time) (string, error) {
	secret := NewSecret(slot)
	if err := r.SetSecret(clientID, slot, secret, now, expiresAt); err != nil {
		return "", err
	}
	return secret, nil
}

// RevokeSecret empties a slot; the secret stops working at once.
func (r *Registry) RevokeSecret(clientID string, slot int) error {
	if err := checkSlot(slot); err != nil {
		return err
	}
	return r.update(clientID, func(c *connection) {
		c.Secrets[slot-1], c.Hashes[slot-1] = SecretInfo{}, nil
	})
}

// ExpireSecrets makes every secret of a connection expired as of at.
func (r *Registry) ExpireSecrets(clientID string, at time.Time) error {
	return r.update(clientID, func(c *connection) {
		for i := range c.Secrets {
			if c.Secrets[i].Set {
				c.Secrets[i].ExpiresAt = at
			}
		}
	})
}

// SetEnabled disables or restores a connection. While disabled, its secrets
// get invalid_client and its existing tokens are refused.
func (r *Registry) SetEnabled(clientID string, enabled bool) error {
	return r.update(clientID, func(c *connection) { c.Enabled = enabled })
}

// ExpireTokens revokes every token the connection has been issued so far;
// tokens issued afterwards work.
func (r *Registry) ExpireTokens(clientID string) error {
	return r.update(clientID, func(c *connection) { c.TokenGeneration++ })
}

// SetTokenTTL sets the lifetime of the connection's future tokens (0: default).
func (r *Registry) SetTokenTTL(clientID string, ttl time.Duration) error {
	return r.Change(func(c *Change) error { return c.SetTokenTTL(clientID, ttl) })
}

// SetBookingProvider binds a booking-provider tag (0: no restriction).
func (r *Registry) SetBookingProvider(clientID string, tagID int64) error {
	return r.Change(func(c *Change) error { return c.SetBookingProvider(clientID, tagID) })
}

// SetConnectionScopes replaces the scopes a connection's new tokens may carry.
func (r *Registry) SetConnectionScopes(clientID string, scopes []string) error {
	scopes = slices.Clone(scopes)
	return r.update(clientID, func(c *connection) { c.Scopes = scopes })
}

// SetAppScopes publishes a new version of an app with other scopes. As in
// ServiceTitan, connected tenants keep the scopes they accepted until they
// accept the new version (AcceptAppVersion).
func (r *Registry) SetAppScopes(appID string, scopes []string) (App, error) {
	var app App
	err := r.Change(func(c *Change) error {
		a, err := c.editApp(appID)
		if err != nil {
			return err
		}
		a.Scopes = slices.Clone(scopes)
		a.Version++
		app = a.copy()
		return nil
	})
	return app, err
}

// AcceptAppVersion is the tenant admin's "Upgrade to New Version": the
// connection takes the app's current scopes.
func (r *Registry) AcceptAppVersion(clientID string) error {
	return r.Change(func(c *Change) error {
		conn, err := c.editConn(clientID)
		if err != nil {
			return err
		}
		a, _ := c.app(conn.AppID)
		conn.Scopes, conn.AcceptedVersion = slices.Clone(a.Scopes), a.Version
		return nil
	})
}

func (r *Registry) update(clientID string, fn func(*connection)) error {
	return r.Change(func(c *Change) error { return c.update(clientID, fn) })
}

func checkSlot(slot int) error {
	if slot != 1 && slot != 2 {
		return fmt.Errorf("auth: secret slot must be 1 or 2, got %d", slot)
	}
	return nil
}

// AuthenticateClient checks a client ID and secret as the token endpoint
// does. Both slots are always compared, in constant time.
func (r *Registry) AuthenticateClient(clientID, secret string, now time.Time) (Connection, error) {
	presented := sha256.Sum256([]byte(secret))
	r.mu.RLock()
	defer r.mu.RUnlock()
	c, ok := r.conns[clientID]
	if !ok {
		return Connection{}, ErrUnknownClient
	}
	matched, expired, any := false, false, false
	for i, s := range c.Secrets {
		if !s.Set {
			continue
		}
		any = true
		if subtle.ConstantTimeCompare(presented[:], c.Hashes[i]) == 1 {
			if !s.ExpiresAt.IsZero() && !now.Before(s.ExpiresAt) {
				expired = true
			} else {
				matched = true
			}
		}
	}
	switch {
	case !any:
		return Connection{}, ErrNoSecret
	case !matched && expired:
		return Connection{}, ErrSecretExpired
	case !matched:
		return Connection{}, ErrWrongSecret
	case !c.Enabled:
		return Connection{}, ErrDisabled
	}
	return c.view(), nil
}

const lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"

// randomLower returns n random lower-case alphanumerics, the alphabet of
// ServiceTitan's client IDs and secrets.
func randomLower(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	for i := range b {
		b[i] = lowerAlnum[int(b[i])%len(lowerAlnum)]
	}
	return string(b)
}

// NewClientID returns a fresh client ID in ServiceTitan's format.
func NewClientID() string { return "cid." + randomLower(25) }

// NewSecret returns a fresh client secret for a slot (1 or 2).
func NewSecret(slot int) string { return fmt.Sprintf("cs%d.%s", slot, randomLower(50)) }
