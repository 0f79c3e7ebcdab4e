package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
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
	ID   int64
	Name string
}

// Connection is an app connected to one tenant: what the tenant admin's "API
// Application Access" screen manages. It owns the client ID and up to two
// client secrets so a secret can be rotated without downtime.
type Connection struct {
	ClientID          string
	AppID             string
	Tenant            int64
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

type secretSlot struct {
	SecretInfo
	hash [sha256.Size]byte
}

type connection struct {
	Connection
	secrets [2]secretSlot
}

// Client authentication failures, all answered as invalid_client.
var (
	ErrUnknownClient = errors.New("unknown client_id")
	ErrWrongSecret   = errors.New("client_secret does not match")
	ErrSecretExpired = errors.New("client_secret has expired")
	ErrDisabled      = errors.New("the connection is disabled by the tenant")
	ErrNoSecret      = errors.New("no client secret has been generated for this client")
)

// Registry holds apps, tenants and connections. Secrets are kept only as
// SHA-256 hashes: they are 50 random characters, so a fast hash loses nothing
// to brute force and keeps token issuance cheap. Lookups return copies.
type Registry struct {
	mu        sync.RWMutex           // guards the maps and the connections they point to
	apps      map[string]*App        // by app ID
	appsByKey map[string]*App        // by app key
	tenants   map[int64]*Tenant      // by tenant ID
	conns     map[string]*connection // by client ID
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{
		apps: map[string]*App{}, appsByKey: map[string]*App{},
		tenants: map[int64]*Tenant{}, conns: map[string]*connection{},
	}
}

// AddApp registers an app; its ID and key must be unique.
func (r *Registry) AddApp(a App) error {
	if a.ID == "" || a.Key == "" {
		return errors.New("auth: an app needs an ID and a key")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.apps[a.ID]; dup {
		return fmt.Errorf("auth: app %q already exists", a.ID)
	}
	if _, dup := r.appsByKey[a.Key]; dup {
		return fmt.Errorf("auth: app key of %q is already used by another app", a.Name)
	}
	if a.Version == 0 {
		a.Version = 1
	}
	a.Scopes = slices.Clone(a.Scopes)
	r.apps[a.ID] = &a
	r.appsByKey[a.Key] = &a
	return nil
}

// AddTenant registers a tenant.
func (r *Registry) AddTenant(t Tenant) error {
	if t.ID <= 0 {
		return fmt.Errorf("auth: tenant ID must be positive, got %d", t.ID)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.tenants[t.ID]; dup {
		return fmt.Errorf("auth: tenant %d already exists", t.ID)
	}
	r.tenants[t.ID] = &t
	return nil
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

// RemoveTenant deletes a tenant and every connection to it.
func (r *Registry) RemoveTenant(id int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.tenants, id)
	for cid, c := range r.conns {
		if c.Tenant == id {
			delete(r.conns, cid)
		}
	}
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

// callView is what the per-call check needs of an app and a connection,
// read under one lock without copying scope lists (they are not needed:
// the token carries its scopes).
type callView struct {
	app     App
	conn    Connection
	appOK   bool
	connOK  bool
	sameApp bool
}

func (r *Registry) forCall(appKey, clientID string) callView {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var v callView
	if a, ok := r.appsByKey[appKey]; ok {
		v.app, v.appOK = *a, true
		v.app.Scopes = nil
	}
	if c, ok := r.conns[clientID]; ok {
		v.conn, v.connOK = c.Connection, true
		v.conn.Scopes = nil
		v.sameApp = v.appOK && c.AppID == v.app.ID
	}
	return v
}

// Connect connects an app to a tenant, as the tenant admin's "Connect New
// App" does, and returns the connection. An empty clientID gets a fresh one.
// The connection accepts the app's current version and scopes.
func (r *Registry) Connect(appID string, tenant int64, clientID string) (Connection, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	app, ok := r.apps[appID]
	if !ok {
		return Connection{}, fmt.Errorf("auth: unknown app %q", appID)
	}
	if _, ok := r.tenants[tenant]; !ok {
		return Connection{}, fmt.Errorf("auth: unknown tenant %d", tenant)
	}
	for _, c := range r.conns {
		if c.AppID == appID && c.Tenant == tenant {
			return Connection{}, fmt.Errorf("auth: app %q is already connected to tenant %d", app.Name, tenant)
		}
	}
	if clientID == "" {
		clientID = NewClientID()
	}
	if _, dup := r.conns[clientID]; dup {
		return Connection{}, fmt.Errorf("auth: client ID already in use")
	}
	c := &connection{Connection: Connection{
		ClientID: clientID, AppID: appID, Tenant: tenant, Enabled: true,
		Scopes: slices.Clone(app.Scopes), AcceptedVersion: app.Version,
	}}
	r.conns[clientID] = c
	return c.view(), nil
}

func (c *connection) view() Connection {
	v := c.Connection
	v.Scopes = slices.Clone(c.Scopes)
	v.Secrets = [2]SecretInfo{c.secrets[0].SecretInfo, c.secrets[1].SecretInfo}
	return v
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
	slices.SortFunc(out, func(a, b Connection) int { return compareStrings(a.ClientID, b.ClientID) })
	return out
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// SetSecret stores secret (hashed) in slot 1 or 2. A zero expiresAt never
// expires.
func (r *Registry) SetSecret(clientID string, slot int, secret string, now, expiresAt time.Time) error {
	if slot != 1 && slot != 2 {
		return fmt.Errorf("auth: secret slot must be 1 or 2, got %d", slot)
	}
	return r.update(clientID, func(c *connection) {
		c.secrets[slot-1] = secretSlot{
			SecretInfo: SecretInfo{Set: true, CreatedAt: now, ExpiresAt: expiresAt},
			hash:       sha256.Sum256([]byte(secret)),
		}
	})
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
	if slot != 1 && slot != 2 {
		return fmt.Errorf("auth: secret slot must be 1 or 2, got %d", slot)
	}
	return r.update(clientID, func(c *connection) { c.secrets[slot-1] = secretSlot{} })
}

// ExpireSecrets makes every secret of a connection expired as of at.
func (r *Registry) ExpireSecrets(clientID string, at time.Time) error {
	return r.update(clientID, func(c *connection) {
		for i := range c.secrets {
			if c.secrets[i].Set {
				c.secrets[i].ExpiresAt = at
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
	return r.update(clientID, func(c *connection) { c.TokenTTL = ttl })
}

// SetBookingProvider binds a booking-provider tag (0: no restriction).
func (r *Registry) SetBookingProvider(clientID string, tagID int64) error {
	return r.update(clientID, func(c *connection) { c.BookingProviderID = tagID })
}

// SetConnectionScopes replaces the scopes a connection's new tokens may carry.
func (r *Registry) SetConnectionScopes(clientID string, scopes []string) error {
	scopes = slices.Clone(scopes)
	return r.update(clientID, func(c *connection) { c.Scopes = scopes })
}

func (r *Registry) update(clientID string, fn func(*connection)) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.conns[clientID]
	if !ok {
		return ErrUnknownClient
	}
	fn(c)
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
	for _, s := range c.secrets {
		if !s.Set {
			continue
		}
		any = true
		if subtle.ConstantTimeCompare(presented[:], s.hash[:]) == 1 {
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

// Apps lists every app, sorted by name.
func (r *Registry) Apps() []App {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]App, 0, len(r.apps))
	for _, a := range r.apps {
		out = append(out, a.copy())
	}
	slices.SortFunc(out, func(a, b App) int { return compareStrings(a.Name, b.Name) })
	return out
}

// SetAppScopes publishes a new version of an app with other scopes. As in
// ServiceTitan, connected tenants keep the scopes they accepted until they
// accept the new version (AcceptAppVersion).
func (r *Registry) SetAppScopes(appID string, scopes []string) (App, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.apps[appID]
	if !ok {
		return App{}, fmt.Errorf("auth: unknown app %q", appID)
	}
	a.Scopes = slices.Clone(scopes)
	a.Version++
	return a.copy(), nil
}

// AcceptAppVersion is the tenant admin's "Upgrade to New Version": the
// connection takes the app's current scopes.
func (r *Registry) AcceptAppVersion(clientID string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.conns[clientID]
	if !ok {
		return ErrUnknownClient
	}
	a := r.apps[c.AppID]
	c.Scopes, c.AcceptedVersion = slices.Clone(a.Scopes), a.Version
	return nil
}
