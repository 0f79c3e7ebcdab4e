package auth

import (
	"errors"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/store"
)

var regNow = time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC)

// newRegistry returns a registry with one tenant, one app and a connection
// between them that has no secret yet; it returns the connection's client ID.
func newRegistry(t *testing.T) (*Registry, string) {
	t.Helper()
	r := NewRegistry()
	if err := r.AddTenant(Tenant{ID: 100, Name: "Acme"}); err != nil {
		t.Fatalf("AddTenant: %v", err)
	}
	if err := r.AddApp(App{ID: "app1", Name: "App One", Key: "ak1.appone", Scopes: []string{"tn.crm.customers:r", "tn.crm.customers:w"}}); err != nil {
		t.Fatalf("AddApp: %v", err)
	}
	conn, err := r.Connect("app1", 100, "")
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	return r, conn.ClientID
}

func setSecret(t *testing.T, r *Registry, clientID string, slot int, secret string, expiresAt time.Time) {
	t.Helper()
	if err := r.SetSecret(clientID, slot, secret, regNow, expiresAt); err != nil {
		t.Fatalf("SetSecret(slot %d): %v", slot, err)
	}
}

// wantAuth checks AuthenticateClient's outcome; want nil means success.
func wantAuth(t *testing.T, r *Registry, clientID, secret string, now time.Time, want error) {
	t.Helper()
	conn, err := r.AuthenticateClient(clientID, secret, now)
	switch {
	case want == nil && err != nil:
		t.Errorf("AuthenticateClient(%q, %q) = %v, want success", clientID, secret, err)
	case want == nil && conn.ClientID != clientID:
		t.Errorf("AuthenticateClient(%q) returned connection %q", clientID, conn.ClientID)
	case want != nil && !errors.Is(err, want):
		t.Errorf("AuthenticateClient(%q, %q) = %v, want %v", clientID, secret, err, want)
	case want != nil && conn.ClientID != "":
		t.Errorf("AuthenticateClient(%q) failed but returned connection %+v", clientID, conn)
	}
}

func TestAuthenticateClientSlots(t *testing.T) {
	r, cid := newRegistry(t)
	wantAuth(t, r, cid, "anything", regNow, ErrNoSecret)
	wantAuth(t, r, cid, "", regNow, ErrNoSecret)
	wantAuth(t, r, "cid.nobody", "anything", regNow, ErrUnknownClient)

	setSecret(t, r, cid, 1, "cs1.old", time.Time{})
	wantAuth(t, r, cid, "cs1.old", regNow, nil)
	wantAuth(t, r, cid, "cs1.wrong", regNow, ErrWrongSecret)
	wantAuth(t, r, cid, "", regNow, ErrWrongSecret)

	// Rotation: both secrets work while both slots are set ...
	setSecret(t, r, cid, 2, "cs2.new", time.Time{})
	wantAuth(t, r, cid, "cs1.old", regNow, nil)
	wantAuth(t, r, cid, "cs2.new", regNow, nil)
	// ... and once slot 1 is revoked only the new one does.
	if err := r.RevokeSecret(cid, 1); err != nil {
		t.Fatalf("RevokeSecret: %v", err)
	}
	wantAuth(t, r, cid, "cs1.old", regNow, ErrWrongSecret)
	wantAuth(t, r, cid, "cs2.new", regNow, nil)
	conn, _ := r.Connection(cid)
	if conn.Secrets[0].Set || !conn.Secrets[1].Set {
		t.Errorf("Secrets = %+v, want only slot 2 set", conn.Secrets)
	}

	if err := r.RevokeSecret(cid, 2); err != nil {
		t.Fatalf("RevokeSecret: %v", err)
	}
	wantAuth(t, r, cid, "cs2.new", regNow, ErrNoSecret)
}

func TestAuthenticateClientExpiry(t *testing.T) {
	r, cid := newRegistry(t)
	expiry := regNow.Add(time.Hour)
	setSecret(t, r, cid, 1, "cs1.expiring", expiry)
	setSecret(t, r, cid, 2, "cs2.lasting", time.Time{})

	wantAuth(t, r, cid, "cs1.expiring", expiry.Add(-time.Nanosecond), nil)
	wantAuth(t, r, cid, "cs1.expiring", expiry, ErrSecretExpired)
	wantAuth(t, r, cid, "cs1.expiring", expiry.Add(time.Hour), ErrSecretExpired)
	wantAuth(t, r, cid, "cs2.lasting", expiry.Add(time.Hour), nil)
	wantAuth(t, r, cid, "cs1.wrong", expiry.Add(time.Hour), ErrWrongSecret)

	if err := r.ExpireSecrets(cid, regNow); err != nil {
		t.Fatalf("ExpireSecrets: %v", err)
	}
	wantAuth(t, r, cid, "cs2.lasting", regNow, ErrSecretExpired)
	wantAuth(t, r, cid, "cs1.expiring", regNow, ErrSecretExpired)
}

func TestAuthenticateClientDisabled(t *testing.T) {
	r, cid := newRegistry(t)
	setSecret(t, r, cid, 1, "cs1.secret", time.Time{})
	if err := r.SetEnabled(cid, false); err != nil {
		t.Fatalf("SetEnabled: %v", err)
	}
	wantAuth(t, r, cid, "cs1.secret", regNow, ErrDisabled)
	// A wrong secret is refused as wrong: being disabled is no secret to
	// someone without the credentials.
	wantAuth(t, r, cid, "cs1.wrong", regNow, ErrWrongSecret)
	if err := r.SetEnabled(cid, true); err != nil {
		t.Fatalf("SetEnabled: %v", err)
	}
	wantAuth(t, r, cid, "cs1.secret", regNow, nil)
	if err := r.SetEnabled("cid.nobody", false); !errors.Is(err, ErrUnknownClient) {
		t.Errorf("SetEnabled(unknown) = %v, want %v", err, ErrUnknownClient)
	}
}

var (
	secretPattern   = regexp.MustCompile(`^cs[12]\.[a-z0-9]{50}$`)
	clientIDPattern = regexp.MustCompile(`^cid\.[a-z0-9]{25}$`)
)

func TestGeneratedCredentials(t *testing.T) {
	r, cid := newRegistry(t)
	if !clientIDPattern.MatchString(cid) {
		t.Errorf("client ID %q does not match %s", cid, clientIDPattern)
	}
	seen := map[string]bool{}
	for slot := 1; slot <= 2; slot++ {
		for range 20 {
			secret, err := r.GenerateSecret(cid, slot, regNow, time.Time{})
			if err != nil {
				t.Fatalf("GenerateSecret(slot %d): %v", slot, err)
			}
			if !secretPattern.MatchString(secret) || secret[2] != byte('0'+slot) {
				t.Errorf("slot %d secret %q does not match %s", slot, secret, secretPattern)
			}
			if seen[secret] {
				t.Errorf("secret %q generated twice", secret)
			}
			seen[secret] = true
			wantAuth(t, r, cid, secret, regNow, nil)
		}
	}
	for _, slot := range []int{0, 3, -1} {
		if s, err := r.GenerateSecret(cid, slot, regNow, time.Time{}); err == nil {
			t.Errorf("GenerateSecret(slot %d) = %q, want an error", slot, s)
		}
		if err := r.RevokeSecret(cid, slot); err == nil {
			t.Errorf("RevokeSecret(slot %d) succeeded", slot)
		}
	}
	if _, err := r.GenerateSecret("cid.nobody", 1, regNow, time.Time{}); !errors.Is(err, ErrUnknownClient) {
		t.Errorf("GenerateSecret(unknown client) = %v, want %v", err, ErrUnknownClient)
	}

	if err := r.AddTenant(Tenant{ID: 200}); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		id := "gen" + randomLower(8)
		if err := r.AddApp(App{ID: id, Key: "ak1." + randomLower(20)}); err != nil {
			t.Fatal(err)
		}
		conn, err := r.Connect(id, 200, "")
		if err != nil {
			t.Fatalf("Connect(%s): %v", id, err)
		}
		if !clientIDPattern.MatchString(conn.ClientID) {
			t.Errorf("client ID %q does not match %s", conn.ClientID, clientIDPattern)
		}
	}
}

func TestRegistryRefusesDuplicates(t *testing.T) {
	r, cid := newRegistry(t)
	for _, tc := range []struct {
		name string
		app  App
	}{
		{"duplicate key", App{ID: "app2", Key: "ak1.appone"}},
		{"duplicate ID", App{ID: "app1", Key: "ak1.other"}},
		{"no key", App{ID: "app3"}},
		{"no ID", App{Key: "ak1.third"}},
	} {
		if err := r.AddApp(tc.app); err == nil {
			t.Errorf("AddApp(%s) succeeded", tc.name)
		}
	}
	if a, ok := r.AppByKey("ak1.appone"); !ok || a.ID != "app1" {
		t.Errorf("AppByKey after refused duplicates = %+v, %v", a, ok)
	}
	if _, ok := r.App("app2"); ok {
		t.Error("a refused app was registered")
	}

	if err := r.AddTenant(Tenant{ID: 100}); err == nil {
		t.Error("AddTenant(duplicate) succeeded")
	}
	for _, id := range []int64{0, -1} {
		if err := r.AddTenant(Tenant{ID: id}); err == nil {
			t.Errorf("AddTenant(%d) succeeded", id)
		}
	}

	if _, err := r.Connect("app1", 100, ""); err == nil {
		t.Error("connecting the same app to the same tenant twice succeeded")
	}
	if _, err := r.Connect("nosuch", 100, ""); err == nil {
		t.Error("Connect(unknown app) succeeded")
	}
	if _, err := r.Connect("app1", 999, ""); err == nil {
		t.Error("Connect(unknown tenant) succeeded")
	}
	if err := r.AddApp(App{ID: "app2", Key: "ak1.apptwo"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Connect("app2", 100, cid); err == nil {
		t.Error("Connect with a client ID already in use succeeded")
	}
	if got := len(r.Connections(100)); got != 1 {
		t.Errorf("Connections(100) has %d entries after refused connects, want 1", got)
	}
}

func TestRemoveTenant(t *testing.T) {
	r, cid := newRegistry(t)
	setSecret(t, r, cid, 1, "cs1.secret", time.Time{})
	if err := r.AddTenant(Tenant{ID: 200, Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	other, err := r.Connect("app1", 200, "cid.other")
	if err != nil {
		t.Fatal(err)
	}
	setSecret(t, r, other.ClientID, 1, "cs1.other", time.Time{})

	r.RemoveTenant(100)
	if _, ok := r.Tenant(100); ok {
		t.Error("tenant 100 still exists")
	}
	if _, ok := r.Connection(cid); ok {
		t.Error("tenant 100's connection survived RemoveTenant")
	}
	if got := r.Connections(100); len(got) != 0 {
		t.Errorf("Connections(100) = %+v", got)
	}
	wantAuth(t, r, cid, "cs1.secret", regNow, ErrUnknownClient)

	if _, ok := r.Tenant(200); !ok {
		t.Error("tenant 200 was removed too")
	}
	wantAuth(t, r, other.ClientID, "cs1.other", regNow, nil)
	if _, ok := r.App("app1"); !ok {
		t.Error("RemoveTenant removed the app")
	}
	// The app can connect to a re-added tenant afresh.
	if err := r.AddTenant(Tenant{ID: 100}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Connect("app1", 100, cid); err != nil {
		t.Errorf("reconnecting after RemoveTenant: %v", err)
	}
}

// TestRegistryLookupsReturnCopies holds the registry to its word that
// lookups return copies: a caller editing a returned Scopes slice must not
// change (or race with) what the registry holds.
func TestRegistryLookupsReturnCopies(t *testing.T) {
	const want, evil = "tn.crm.customers:r", "tn.crm.everything:w"
	connScopes := func(r *Registry, cid string) []string { c, _ := r.Connection(cid); return c.Scopes }
	appScopes := func(r *Registry, _ string) []string { a, _ := r.App("app1"); return a.Scopes }
	for _, tc := range []struct {
		name   string
		lookup func(t *testing.T, r *Registry, cid string) []string // the slice the caller edits
		held   func(r *Registry, cid string) []string               // what the registry holds
	}{
		{"Connection", func(_ *testing.T, r *Registry, cid string) []string { return connScopes(r, cid) }, connScopes},
		{"Connections", func(_ *testing.T, r *Registry, _ string) []string { return r.Connections(100)[0].Scopes }, connScopes},
		{"AuthenticateClient", func(t *testing.T, r *Registry, cid string) []string {
			c, err := r.AuthenticateClient(cid, "cs1.secret", regNow)
			if err != nil {
				t.Fatal(err)
			}
			return c.Scopes
		}, connScopes},
		{"Connect", func(t *testing.T, r *Registry, _ string) []string {
			if err := r.AddTenant(Tenant{ID: 200}); err != nil {
				t.Fatal(err)
			}
			c, err := r.Connect("app1", 200, "cid.second")
			if err != nil {
				t.Fatal(err)
			}
			return c.Scopes
		}, func(r *Registry, _ string) []string { return connScopes(r, "cid.second") }},
		{"App", func(_ *testing.T, r *Registry, cid string) []string { return appScopes(r, cid) }, appScopes},
		{"AppByKey", func(_ *testing.T, r *Registry, _ string) []string { a, _ := r.AppByKey("ak1.appone"); return a.Scopes }, appScopes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, cid := newRegistry(t)
			setSecret(t, r, cid, 1, "cs1.secret", time.Time{})
			tc.lookup(t, r, cid)[0] = evil
			if got := tc.held(r, cid); got[0] != want {
				t.Errorf("editing the Scopes that %s returned changed the registry: %v", tc.name, got)
			}
		})
	}

	// Nor does the registry keep the caller's slices.
	r, cid := newRegistry(t)
	scopes := []string{want}
	if err := r.SetConnectionScopes(cid, scopes); err != nil {
		t.Fatal(err)
	}
	scopes[0] = evil
	if got := connScopes(r, cid); got[0] != want {
		t.Errorf("SetConnectionScopes kept the caller's slice: %v", got)
	}
	given := []string{want}
	if err := r.AddApp(App{ID: "app2", Key: "ak1.apptwo", Scopes: given}); err != nil {
		t.Fatal(err)
	}
	given[0] = evil
	if a, _ := r.App("app2"); a.Scopes[0] != want {
		t.Errorf("AddApp kept the caller's slice: %v", a.Scopes)
	}
}

func TestAuthenticateClientConcurrentWithSetEnabled(t *testing.T) {
	r, cid := newRegistry(t)
	setSecret(t, r, cid, 1, "cs1.secret", time.Time{})

	const workers, calls = 32, 200
	var ok, disabled atomic.Int64
	stop := make(chan struct{})
	toggled := make(chan struct{})
	go func() {
		defer close(toggled)
		for enabled := false; ; enabled = !enabled {
			select {
			case <-stop:
				_ = r.SetEnabled(cid, true)
				return
			default:
			}
			if err := r.SetEnabled(cid, enabled); err != nil {
				t.Error(err)
				return
			}
		}
	}()

	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range calls {
				conn, err := r.AuthenticateClient(cid, "cs1.secret", regNow)
				switch {
				case err == nil && conn.Enabled && conn.ClientID == cid:
					ok.Add(1)
				case errors.Is(err, ErrDisabled):
					disabled.Add(1)
				default:
					t.Errorf("AuthenticateClient = %+v, %v", conn, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	<-toggled
	if got := ok.Load() + disabled.Load(); got != workers*calls {
		t.Errorf("%d outcomes, want %d", got, workers*calls)
	}
	t.Logf("%d accepted, %d refused as disabled", ok.Load(), disabled.Load())
	wantAuth(t, r, cid, "cs1.secret", regNow, nil)
}

// TestRegistryComesBackFromItsStore reopens a registry on the store it
// wrote: every acknowledged change is there, and tenant IDs of deleted
// tenants are not handed out again.
func TestRegistryComesBackFromItsStore(t *testing.T) {
	st := store.OpenMemory()
	r, err := OpenRegistry(st)
	if err != nil {
		t.Fatal(err)
	}
	var first, second int64
	err = r.Change(func(c *Change) error {
		first, second = c.NewTenantID(), c.NewTenantID()
		for _, id := range []int64{first, second} {
			if err := c.AddTenant(Tenant{ID: id, Name: "T", Fixture: "demo"}); err != nil {
				return err
			}
		}
		if err := c.AddApp(App{ID: "app1", Name: "App One", Key: "ak1.appone", Scopes: []string{"tn.crm.customers:r"}}); err != nil {
			return err
		}
		conn, err := c.Connect("app1", first, "cid.first")
		if err != nil {
			return err
		}
		return c.SetSecret(conn.ClientID, 2, "cs2.secret", regNow, time.Time{})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.SetBookingProvider("cid.first", 7); err != nil {
		t.Fatal(err)
	}
	if err := r.SetEnabled("cid.first", false); err != nil {
		t.Fatal(err)
	}
	if err := r.RemoveTenant(second); err != nil {
		t.Fatal(err)
	}

	again, err := OpenRegistry(st)
	if err != nil {
		t.Fatal(err)
	}
	wantAuth(t, again, "cid.first", "cs2.secret", regNow, ErrDisabled)
	wantAuth(t, again, "cid.first", "cs2.wrong", regNow, ErrWrongSecret)
	if c, _ := again.Connection("cid.first"); c.BookingProviderID != 7 || c.Enabled || c.Secrets[0].Set || !c.Secrets[1].Set {
		t.Errorf("connection after reopening: %+v", c)
	}
	if _, ok := again.Tenant(second); ok {
		t.Error("a removed tenant came back")
	}
	if a, ok := again.AppByKey("ak1.appone"); !ok || a.ID != "app1" {
		t.Errorf("app by key after reopening: %+v %v", a, ok)
	}
	var next int64
	if err := again.Change(func(c *Change) error { next = c.NewTenantID(); return nil }); err != nil {
		t.Fatal(err)
	}
	if next <= second {
		t.Errorf("new tenant ID %d after reopening; %d and %d were handed out", next, first, second)
	}
}

// TestFailedChangeKeepsNothing: a change whose function fails leaves the
// registry and its store as they were.
func TestFailedChangeKeepsNothing(t *testing.T) {
	st := store.OpenMemory()
	r, err := OpenRegistry(st)
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err = r.Change(func(c *Change) error {
		if err := c.AddTenant(Tenant{ID: 5, Name: "Half"}); err != nil {
			return err
		}
		c.NewTenantID()
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Change = %v, want boom", err)
	}
	again, err := OpenRegistry(st)
	if err != nil {
		t.Fatal(err)
	}
	for _, reg := range []*Registry{r, again} {
		if _, ok := reg.Tenant(5); ok {
			t.Error("a failed change left its tenant")
		}
		var id int64
		_ = reg.Change(func(c *Change) error { id = c.NewTenantID(); return nil })
		if id != FirstTenantID {
			t.Errorf("first tenant ID after a failed change: %d, want %d", id, FirstTenantID)
		}
	}
}
