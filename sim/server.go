// Package sim is stsim as a library: New builds a complete ServiceTitan V2
// simulator from Options, Handler serves it, Close releases it. The binary in
// cmd/stsim and every test start the same Server.
//
// Request pipeline (the one place its order is written down):
//
//	recover → trace ID, journal entry, access log (journal: all but /_sim/…)
//	  /connect/token                      scenario effects on the client's token
//	                                      requests → auth package (OAuth client credentials)
//	  /.well-known/…                      auth package (discovery, JWKS)
//	  /_sim/health                        200 once documents are loaded and the demo is seeded
//	  /_sim/…                             control token or loopback (401/403)
//	                                      → seed gate (waits; 503 if seeding failed) → control plane
//	  /v1/…, /{module}/v1/…               410: V1 is retired
//	  anything else                       resolve operation (404, 405 with Allow)
//	      [strict mode: hold every answer below, errors included, until it is checked]
//	      → tenant in the path (400) → seed gate (waits; 503)
//	      → authenticate (401/403) → scenario match (400 for an unknown
//	        X-Stsim-Scenario); effects before the handler: delay, reset,
//	        disabled connection (401), expired token (401), dropped scope
//	        (403), status; a scenario may lower the rate limit
//	      → rate limit (429) → emulated? (501) → content type (415)
//	      → validate request (400, or a warning header) → handler, whose
//	        outcome (page hasMore, problem code) comes back on api.Call;
//	        effects around it: a competing copy first, status after commit,
//	        truncated or trickled delivery (the answer is checked first)
//	      → [strict mode: an answer that breaks its documented response
//	        becomes a 500 naming the break]
package sim

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"slices"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/auth"
	"github.com/stsim/stsim/sim/clock"
	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/control"
	"github.com/stsim/stsim/sim/csr"
	"github.com/stsim/stsim/sim/env"
	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/journal"
	"github.com/stsim/stsim/sim/oas"
	"github.com/stsim/stsim/sim/ratelimit"
	"github.com/stsim/stsim/sim/scenario"
	"github.com/stsim/stsim/sim/store"
)

// Options configure a Server.
type Options struct {
	Config config.Config
	// Clock drives tokens, limits and stamps; nil gives a virtual clock that
	// runs at wall-clock speed until the control API moves it.
	Clock *clock.Virtual
	// Logger receives the access log and errors; nil discards them.
	Logger *slog.Logger
	// Handlers add or replace operation handlers, keyed by qualified
	// operation ID ("crm.Customers_Get"): for embedders who want custom
	// behaviour on one operation, and for tests.
	Handlers api.Routes
}

// Server is a running simulator.
type Server struct {
	cfg     config.Config
	clock   *clock.Virtual // the global clock
	clocks  *clock.Tenants // the global clock, or a tenant's own
	log     *slog.Logger
	auth    *auth.Service
	spec    *oas.Spec
	limiter *ratelimit.Limiter
	// tokenLimiter bounds token requests per client ID on the wall clock.
	tokenLimiter *ratelimit.Limiter
	routes       api.Routes
	engine       *gin.Engine
	envs         env.Selector // picks each request's environment
	handler      http.Handler // engine behind envs
	store        store.Store
	control      *control.Plane
	journal      *journal.Journal
	scenarios    *scenario.Engine
	office       csr.Office         // the office-converts scenario's office, for every tenant
	stop         context.CancelFunc // ends background work started by New
	// seeded is closed once the demo tenant's data is written (seeding runs
	// in the background so the token endpoint answers at once); seedErr is
	// set before it closes.
	seeded  chan struct{}
	seedErr error
	// seededOK is set, before seeded closes, when the seed succeeded: the
	// seed gate's answer from then on without the channel's lock.
	seededOK atomic.Bool
}

// New builds a server. It returns quickly: OpenAPI documents are read when
// first needed (sim/oas), and the demo tenant is seeded in the background.
func New(opts Options) (*Server, error) {
	cfg := opts.Config
	if cfg.Addr == "" {
		cfg = config.Defaults()
	}
	if cfg.Issuer == "" {
		cfg.Issuer = "http://" + cfg.Addr
	}
	if cfg.EnvPrefix == "" {
		cfg.EnvPrefix = config.Defaults().EnvPrefix
	}
	s := &Server{cfg: cfg, clock: opts.Clock, log: opts.Logger}
	if s.clock == nil {
		s.clock = clock.NewVirtual()
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.spec = oas.Load(dirFS(cfg.OpenAPIDir))

	// The signing key is parsed beside the fixture set (on a second core),
	// and checked before the store is opened.
	type loadedKey struct {
		key *auth.SigningKey
		err error
	}
	keyc := make(chan loadedKey, 1)
	go func() {
		key, err := auth.LoadSigningKey(cfg.SigningKeyFile)
		keyc <- loadedKey{key, err}
	}()
	demo, err := fixture.Load(dirFS(cfg.FixturesDir))
	if err != nil {
		return nil, err
	}
	s.clocks = clock.NewTenants(s.clock)
	s.limiter = ratelimit.NewPerTenant(s.clocks.Now, time.Second)
	s.journal = journal.New(cfg.JournalSize, 0)
	s.journal.TokenTTL = cfg.TokenTTL
	var own map[string]*scenario.File
	if cfg.ScenariosDir != "" {
		if own, err = scenario.LoadAll(os.DirFS(cfg.ScenariosDir)); err != nil {
			return nil, err
		}
	}
	s.scenarios = scenario.NewEngineFunc(func() map[string]*scenario.File {
		files, err := scenario.Shipped()
		if err != nil {
			panic(err) // the shipped scenarios are part of the binary, and a test parses them
		}
		maps.Copy(files, own)
		return files
	})
	for _, name := range cfg.Scenarios {
		if _, ok := s.scenarios.Scenario(name); !ok {
			return nil, fmt.Errorf("stsim: -scenario: no scenario named %q", name)
		}
	}
	signing := <-keyc
	if signing.err != nil {
		return nil, signing.err
	}
	if cfg.DataFile != "" {
		s.store, err = store.OpenBolt(cfg.DataFile, store.BoltOptions{})
	} else {
		s.store = store.OpenMemory()
	}
	if err != nil {
		return nil, err
	}
	reg, err := auth.OpenRegistry(s.store)
	if err != nil {
		_ = s.store.Close()
		return nil, err
	}
	var issuers map[string]string
	var envs []control.Environment
	s.envs, issuers, envs = environments(cfg)
	s.auth = auth.NewService(reg, signing.key, issuers, cfg.TokenTTL, s.clocks)
	s.control = &control.Plane{Registry: reg, Store: s.store, Clocks: s.clocks, Limiter: s.limiter,
		Journal: s.journal, Scenarios: s.scenarios, Fixtures: dirFS(cfg.FixturesDir), Seed: s.seed, Reindex: s.reindex, Forget: s.office.Forget, Environments: envs,
		DefaultRateLimit: cfg.RateLimit}
	// The stored clocks first: the demo's credentials, registered when the
	// store has no demo tenant, are stamped on the global clock.
	if err := s.loadControlState(); err != nil {
		_ = s.store.Close()
		return nil, err
	}
	if err := registerDemo(reg, demo, s.clock.Now()); err != nil {
		_ = s.store.Close()
		return nil, err
	}
	// The seed is the longest part of a start: it begins as soon as the
	// control plane exists, and the rest of New (the routes, the engine)
	// runs beside it on a second core.
	s.seeded = make(chan struct{})
	go func() {
		s.seedErr = s.control.Restore() // seeds the demo tenant of a fresh store
		s.seededOK.Store(s.seedErr == nil)
		close(s.seeded)
	}()
	background, stop := context.WithCancel(context.Background())
	s.stop = stop
	go s.limiter.RunSweeper(background, time.Minute) // keeps idle (app, tenant) keys from piling up
	s.tokenLimiter = ratelimit.New(clock.Real{}, time.Second)
	go s.tokenLimiter.RunSweeper(background, time.Minute)
	s.routes = moduleRoutes()
	for id, h := range opts.Handlers {
		s.routes[id] = h
	}
	s.engine = s.buildEngine()
	s.handler = s.envs.Handler(s.engine)
	return s, nil
}

// registerDemo registers the demo fixture set's tenant, apps and
// connections if the registry has no demo tenant (a data file keeps it as
// it was left).
func registerDemo(reg *auth.Registry, demo *fixture.Set, now time.Time) error {
	if _, known := reg.Tenant(demo.Tenant.ID); known {
		return nil
	}
	return reg.Change(func(c *auth.Change) error { return demo.Register(c, now) })
}

// loadControlState sets the clocks and activates the scenarios the data
// file holds, then the -scenario ones for every tenant that it does not
// already hold (those are not stored: the flag activates them at every
// start).
func (s *Server) loadControlState() error {
	dropped, err := s.control.LoadState()
	for _, line := range dropped {
		s.log.Warn(line)
	}
	if err != nil {
		return fmt.Errorf("stsim: loading the control-plane state: %w", err)
	}
	for _, name := range s.cfg.Scenarios {
		stored := slices.ContainsFunc(s.scenarios.Active(), func(a *scenario.Activation) bool {
			return a.Scenario.Name == name && a.Tenant == 0 && a.ClientID == ""
		})
		if !stored {
			if _, err := s.scenarios.Activate(name, 0, "", s.clock.Now()); err != nil {
				return fmt.Errorf("stsim: -scenario: %w", err)
			}
		}
	}
	return nil
}

// seed writes a fixture set's records into its tenant (once) at the
// simulator's current time, and returns the booking-provider tag each of
// its connections is to be bound to. A set from a -fixtures directory is
// first checked against the OpenAPI documents (the embedded sets are
// checked by tests), so a bad record stops stsim with the file, record and
// field.
func (s *Server) seed(set *fixture.Set) (map[string]int64, error) {
	if !set.Checked {
		if err := set.Validate(s.spec, fixtureModules(), s.clock.Now()); err != nil {
			return nil, err
		}
	}
	return seedTenant(s.store, set, s.clock.Now())
}

// Handler returns the HTTP handler serving the whole simulator.
func (s *Server) Handler() http.Handler { return s.handler }

// Clock returns the simulator clock.
func (s *Server) Clock() *clock.Virtual { return s.clock }

// Auth returns the credential registry and token service.
func (s *Server) Auth() *auth.Service { return s.auth }

// Spec returns the OpenAPI documents the server validates against.
func (s *Server) Spec() *oas.Spec { return s.spec }

// Ready blocks until every OpenAPI document has loaded and the demo tenant
// is seeded, returning the first error.
func (s *Server) Ready() error {
	if err := s.spec.Wait(); err != nil {
		return err
	}
	<-s.seeded
	return s.seedErr
}

// Close stops the server's background work and closes its store.
func (s *Server) Close() error {
	s.stop()
	flushLog(s.log)
	<-s.seeded // never close the store under the seed
	return s.store.Close()
}

// seedGate holds a request until the demo tenant is seeded; a failed seed
// answers 503.
func (s *Server) seedGate(c *gin.Context) {
	if s.seededOK.Load() {
		return
	}
	<-s.seeded
	if s.seedErr != nil {
		s.fail(c, apierr.New(http.StatusServiceUnavailable, "stsim could not seed its demo data: "+s.seedErr.Error()))
	}
}

// Store returns the tenant data store.
func (s *Server) Store() store.Store { return s.store }

// dirFS is the override directory as a file system, or nil for the embedded one.
func dirFS(dir string) fs.FS {
	if dir == "" {
		return nil
	}
	return os.DirFS(dir)
}
