package auth

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stsim/stsim/sim/env"
	"github.com/stsim/stsim/sim/store"
)

// StoreTenant is the store tenant that holds the registry. Real tenant IDs
// are positive, so it never meets one.
const StoreTenant int64 = 0

// The registry's buckets in StoreTenant: one JSON value per app (by ID),
// tenant (Int64Key), connection (by client ID, with its secret hashes),
// deleted tenant ID and setting (Int64Key of its tenant, then its name);
// the meta bucket holds the tenant ID counter.
const (
	appsBucket     = "registry.apps"
	tenantsBucket  = "registry.tenants"
	connsBucket    = "registry.connections"
	retiredBucket  = "registry.retired-tenants"
	settingsBucket = "registry.settings"
	metaBucket     = "registry.meta"
)

var lastTenantIDKey = []byte("last-tenant-id")

// FirstTenantID is where NewTenantID starts counting.
const FirstTenantID int64 = 2000001

// Change is a set of registry changes that Registry.Change commits together:
// all or nothing, durable before Change returns. Reads through a Change see
// its own changes. A Change is valid only inside the function it was
// passed to.
type Change struct {
	r            *Registry
	apps         map[string]*App        // changed or added
	tenants      map[int64]*Tenant      // changed or added; nil: removed
	conns        map[string]*connection // changed or added; nil: removed
	retired      []int64
	settings     map[settingKey][]byte // changed or added (JSON); nil: removed
	afterCommit  []func()
	lastTenantID int64
}

// Change runs fn and commits what it changed to the store, then makes it
// visible to readers. If fn fails or the commit fails, nothing changes.
// Changes are serialized.
func (r *Registry) Change(fn func(*Change) error) error {
	r.change.Lock()
	defer r.change.Unlock()
	c := &Change{r: r, apps: map[string]*App{}, tenants: map[int64]*Tenant{}, conns: map[string]*connection{},
		settings: map[settingKey][]byte{}, lastTenantID: r.lastTenantID}
	if err := fn(c); err != nil {
		return err
	}
	if err := r.store.Update(StoreTenant, c.save); err != nil {
		return fmt.Errorf("auth: saving the credential registry: %w", err)
	}
	c.apply()
	for _, fn := range c.afterCommit {
		fn()
	}
	return nil
}

// apply makes a committed change visible to readers.
func (c *Change) apply() {
	r := c.r
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, a := range c.apps {
		if old := r.apps[id]; old != nil {
			delete(r.appsByKey, old.Key)
		}
		r.apps[id], r.appsByKey[a.Key] = a, a
	}
	for id, t := range c.tenants {
		if t == nil {
			delete(r.tenants, id)
		} else {
			r.tenants[id] = t
		}
	}
	for cid, conn := range c.conns {
		if conn == nil {
			delete(r.conns, cid)
		} else {
			r.conns[cid] = conn
		}
	}
	for _, id := range c.retired {
		r.retired[id] = true
	}
	for k, v := range c.settings {
		if v == nil {
			delete(r.settings, k)
		} else {
			r.settings[k] = v
		}
	}
	r.lastTenantID = c.lastTenantID
}

// save writes the change into the registry's store tenant. It only reads
// the Change, so the store may run it more than once.
func (c *Change) save(tx store.Tx) error {
	for id, a := range c.apps {
		if err := putJSON(tx, appsBucket, []byte(id), a); err != nil {
			return err
		}
	}
	for id, t := range c.tenants {
		if err := putOrDelete(tx, tenantsBucket, store.Int64Key(id), t); err != nil {
			return err
		}
	}
	for cid, conn := range c.conns {
		if err := putOrDelete(tx, connsBucket, []byte(cid), conn); err != nil {
			return err
		}
	}
	for _, id := range c.retired {
		if err := tx.Put(retiredBucket, store.Int64Key(id), nil); err != nil {
			return err
		}
	}
	for k, v := range c.settings {
		var err error
		if v == nil {
			err = tx.Delete(settingsBucket, k.bytes())
		} else {
			err = tx.Put(settingsBucket, k.bytes(), v)
		}
		if err != nil {
			return err
		}
	}
	if c.lastTenantID != c.r.lastTenantID {
		return tx.Put(metaBucket, lastTenantIDKey, store.Int64Key(c.lastTenantID))
	}
	return nil
}

func putOrDelete[T any](tx store.Tx, bucket string, key []byte, v *T) error {
	if v == nil {
		return tx.Delete(bucket, key)
	}
	return putJSON(tx, bucket, key, v)
}

func putJSON(tx store.Tx, bucket string, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Put(bucket, key, data)
}

// OpenRegistry loads the registry kept in st (empty if st holds none).
// Every later change is committed to st before it is acknowledged.
func OpenRegistry(st store.Store) (*Registry, error) {
	r := &Registry{
		store: st, apps: map[string]*App{}, appsByKey: map[string]*App{},
		tenants: map[int64]*Tenant{}, conns: map[string]*connection{}, retired: map[int64]bool{},
		settings: map[settingKey][]byte{}, lastTenantID: FirstTenantID - 1,
	}
	err := st.View(StoreTenant, func(tx store.Tx) error {
		if err := scanJSON(tx, appsBucket, func(_ []byte, a *App) { r.apps[a.ID], r.appsByKey[a.Key] = a, a }); err != nil {
			return err
		}
		if err := scanJSON(tx, tenantsBucket, func(_ []byte, t *Tenant) {
			t.Environment = env.Or(t.Environment)
			r.tenants[t.ID] = t
		}); err != nil {
			return err
		}
		if err := scanJSON(tx, connsBucket, func(_ []byte, c *connection) {
			c.Environment = env.Or(c.Environment)
			r.conns[c.ClientID] = c
		}); err != nil {
			return err
		}
		var bad error
		err := tx.Scan(retiredBucket, nil, func(k, _ []byte) bool {
			id, err := store.ParseInt64Key(k)
			bad = err
			r.retired[id] = true
			return err == nil
		})
		if err = errors.Join(err, bad); err != nil {
			return err
		}
		err = tx.Scan(settingsBucket, nil, func(k, v []byte) bool {
			var key settingKey
			if key, bad = parseSettingKey(k); bad == nil {
				r.settings[key] = v
			}
			return bad == nil
		})
		if err = errors.Join(err, bad); err != nil {
			return err
		}
		last, err := tx.Get(metaBucket, lastTenantIDKey)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return nil
		case err != nil:
			return err
		}
		r.lastTenantID, err = store.ParseInt64Key(last)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("auth: loading the credential registry: %w", err)
	}
	return r, nil
}

func scanJSON[T any](tx store.Tx, bucket string, fn func(key []byte, v *T)) error {
	var bad error
	err := tx.Scan(bucket, nil, func(k, data []byte) bool {
		v := new(T)
		if bad = json.Unmarshal(data, v); bad != nil {
			bad = fmt.Errorf("%s %q: %w", bucket, k, bad)
			return false
		}
		fn(k, v)
		return true
	})
	return errors.Join(err, bad)
}

// Reads through the change: its own entries first, then the registry's.
// Holding r.change keeps the registry's maps still, so they are read
// without r.mu.

func (c *Change) app(id string) (*App, bool) {
	if a, ok := c.apps[id]; ok {
		return a, true
	}
	a, ok := c.r.apps[id]
	return a, ok
}

func (c *Change) tenant(id int64) (*Tenant, bool) {
	if t, ok := c.tenants[id]; ok {
		return t, t != nil
	}
	t, ok := c.r.tenants[id]
	return t, ok
}

func (c *Change) conn(cid string) (*connection, bool) {
	if conn, ok := c.conns[cid]; ok {
		return conn, conn != nil
	}
	conn, ok := c.r.conns[cid]
	return conn, ok
}

// eachConn calls fn for every connection as the change sees them.
func (c *Change) eachConn(fn func(*connection)) {
	for cid, conn := range c.r.conns {
		if _, changed := c.conns[cid]; !changed {
			fn(conn)
		}
	}
	for _, conn := range c.conns {
		if conn != nil {
			fn(conn)
		}
	}
}

// editApp, editTenant and editConn return the change's own copy to modify.

func (c *Change) editApp(id string) (*App, error) {
	a, ok := c.app(id)
	if !ok {
		return nil, fmt.Errorf("auth: unknown app %q", id)
	}
	if _, own := c.apps[id]; !own {
		cp := a.copy()
		a = &cp
		c.apps[id] = a
	}
	return a, nil
}

func (c *Change) editTenant(id int64) (*Tenant, error) {
	t, ok := c.tenant(id)
	if !ok {
		return nil, fmt.Errorf("auth: unknown tenant %d", id)
	}
	if _, own := c.tenants[id]; !own {
		cp := *t
		t = &cp
		c.tenants[id] = t
	}
	return t, nil
}

func (c *Change) editConn(cid string) (*connection, error) {
	conn, ok := c.conn(cid)
	if !ok {
		return nil, ErrUnknownClient
	}
	if _, own := c.conns[cid]; !own {
		conn = conn.clone()
		c.conns[cid] = conn
	}
	return conn, nil
}

func (c *Change) update(cid string, fn func(*connection)) error {
	conn, err := c.editConn(cid)
	if err != nil {
		return err
	}
	fn(conn)
	return nil
}

// Tenant returns a tenant as the change sees it.
func (c *Change) Tenant(id int64) (Tenant, bool) {
	t, ok := c.tenant(id)
	if !ok {
		return Tenant{}, false
	}
	return *t, true
}

// Connection returns a connection as the change sees it.
func (c *Change) Connection(clientID string) (Connection, bool) {
	conn, ok := c.conn(clientID)
	if !ok {
		return Connection{}, false
	}
	return conn.view(), true
}

// App returns an app as the change sees it.
func (c *Change) App(id string) (App, bool) {
	a, ok := c.app(id)
	if !ok {
		return App{}, false
	}
	return a.copy(), true
}

// AddApp registers an app; its ID and key must be unique.
func (c *Change) AddApp(a App) error {
	if a.ID == "" || a.Key == "" {
		return errors.New("auth: an app needs an ID and a key")
	}
	if _, dup := c.app(a.ID); dup {
		return fmt.Errorf("auth: app %q already exists", a.ID)
	}
	_, taken := c.r.appsByKey[a.Key]
	for _, added := range c.apps {
		taken = taken || added.Key == a.Key
	}
	if taken {
		return fmt.Errorf("auth: app key of %q is already used by another app", a.Name)
	}
	if a.Version == 0 {
		a.Version = 1
	}
	a.Scopes = slices.Clone(a.Scopes)
	c.apps[a.ID] = &a
	return nil
}

// AddTenant registers a tenant, in the integration environment unless it
// names another.
func (c *Change) AddTenant(t Tenant) error {
	if t.ID <= 0 {
		return fmt.Errorf("auth: tenant ID must be positive, got %d", t.ID)
	}
	if t.Environment = env.Or(t.Environment); !env.Valid(t.Environment) {
		return fmt.Errorf("auth: no environment %q", t.Environment)
	}
	if _, dup := c.tenant(t.ID); dup {
		return fmt.Errorf("auth: tenant %d already exists", t.ID)
	}
	c.tenants[t.ID] = &t
	return nil
}

// NewTenantID returns a tenant ID no tenant has had, from FirstTenantID
// on: IDs of deleted tenants are never handed out again.
func (c *Change) NewTenantID() int64 {
	for {
		c.lastTenantID++
		id := c.lastTenantID
		if _, taken := c.tenant(id); !taken && !c.r.retired[id] && !slices.Contains(c.retired, id) {
			return id
		}
	}
}

// SetSeeded records whether a tenant's fixture is fully seeded.
func (c *Change) SetSeeded(id int64, seeded bool) error {
	t, err := c.editTenant(id)
	if err != nil {
		return err
	}
	t.Seeded = seeded
	return nil
}

// RemoveTenant deletes a tenant and every connection to it, and retires
// its ID.
func (c *Change) RemoveTenant(id int64) {
	if _, ok := c.tenant(id); !ok {
		return
	}
	var gone []string
	c.eachConn(func(conn *connection) {
		if conn.Tenant == id {
			gone = append(gone, conn.ClientID)
		}
	})
	for _, cid := range gone {
		c.conns[cid] = nil
	}
	c.tenants[id] = nil
	c.retired = append(c.retired, id)
	for k := range c.r.settings {
		if k.tenant == id {
			c.settings[k] = nil
		}
	}
	for k := range c.settings {
		if k.tenant == id {
			c.settings[k] = nil
		}
	}
}

// Connect connects an app to a tenant (see Registry.Connect).
func (c *Change) Connect(appID string, tenant int64, clientID string) (Connection, error) {
	app, ok := c.app(appID)
	if !ok {
		return Connection{}, fmt.Errorf("auth: unknown app %q", appID)
	}
	t, ok := c.tenant(tenant)
	if !ok {
		return Connection{}, fmt.Errorf("auth: unknown tenant %d", tenant)
	}
	connected := false
	c.eachConn(func(conn *connection) { connected = connected || (conn.AppID == appID && conn.Tenant == tenant) })
	if connected {
		return Connection{}, fmt.Errorf("auth: app %q is already connected to tenant %d", app.Name, tenant)
	}
	if clientID == "" {
		clientID = NewClientID()
	}
	if _, dup := c.conn(clientID); dup {
		return Connection{}, fmt.Errorf("auth: client ID already in use")
	}
	conn := &connection{Connection: Connection{
		ClientID: clientID, AppID: appID, Tenant: tenant, Environment: t.Environment, Enabled: true,
		Scopes: slices.Clone(app.Scopes), AcceptedVersion: app.Version,
	}}
	c.conns[clientID] = conn
	return conn.view(), nil
}

// SetSecret stores secret (hashed) in slot 1 or 2 (see Registry.SetSecret).
func (c *Change) SetSecret(clientID string, slot int, secret string, now, expiresAt time.Time) error {
	if err := checkSlot(slot); err != nil {
		return err
	}
	hash := sha256.Sum256([]byte(secret))
	return c.update(clientID, func(conn *connection) {
		conn.Secrets[slot-1] = SecretInfo{Set: true, CreatedAt: now, ExpiresAt: expiresAt}
		conn.Hashes[slot-1] = hash[:]
	})
}

// SetTokenTTL sets the lifetime of the connection's future tokens (0: default).
func (c *Change) SetTokenTTL(clientID string, ttl time.Duration) error {
	return c.update(clientID, func(conn *connection) { conn.TokenTTL = ttl })
}

// SetBookingProvider binds a booking-provider tag (0: no restriction).
func (c *Change) SetBookingProvider(clientID string, tagID int64) error {
	return c.update(clientID, func(conn *connection) { conn.BookingProviderID = tagID })
}

// Connections lists a tenant's connections as the change sees them.
func (c *Change) Connections(tenant int64) []Connection {
	var out []Connection
	c.eachConn(func(conn *connection) {
		if conn.Tenant == tenant {
			out = append(out, conn.view())
		}
	})
	slices.SortFunc(out, func(a, b Connection) int { return strings.Compare(a.ClientID, b.ClientID) })
	return out
}
