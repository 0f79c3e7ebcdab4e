package scenario

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
)

// Request is what a match looks at.
type Request struct {
	Tenant    int64
	ClientID  string
	AppID     string
	Operation string // qualified, e.g. crm.Customers_Create or token.Token_Create
	Method    string
	Path      string
	Now       time.Time // simulator clock
}

// Activation is one scenario switched on, for every tenant (Tenant 0) or
// one, and optionally one client.
type Activation struct {
	Scenario *File
	Tenant   int64
	ClientID string
	Since    time.Time // simulator time of activation
	// Seq orders the activations: Match tries them in rising Seq. A data
	// file keeps it, so a restart keeps the order.
	Seq uint64

	mu     sync.Mutex // guards counts and rng
	counts []int      // matching calls seen per rule
	rng    *rand.Rand
}

func newActivation(f *File, tenant int64, clientID string, now time.Time) *Activation {
	seed := uint64(f.Seed)
	return &Activation{Scenario: f, Tenant: tenant, ClientID: clientID, Since: now,
		counts: make([]int, len(f.Rules)), rng: rand.New(rand.NewPCG(seed, seed^0x5eed))}
}

// Counts returns how many matching calls each rule has seen.
func (a *Activation) Counts() []int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.counts)
}

// Hit is an effect chosen for a request.
type Hit struct {
	Scenario string
	Rule     int
	Effect   *Effect
	Since    time.Time // when the scenario was activated
}

func (a *Activation) applies(r Request) bool {
	return (a.Tenant == 0 || a.Tenant == r.Tenant) && (a.ClientID == "" || a.ClientID == r.ClientID)
}

// match returns the first rule of a whose match holds for r.
func (a *Activation) match(r Request) *Hit {
	if !a.applies(r) {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range a.Scenario.Rules {
		rule := &a.Scenario.Rules[i]
		if !rule.Match.static(r) {
			continue
		}
		a.counts[i]++
		n := a.counts[i]
		m := &rule.Match
		switch {
		case m.Nth > 0 && n != m.Nth:
			continue
		case m.Every > 0 && n%m.Every != 0:
			continue
		case m.after > 0 && r.Now.Sub(a.Since) < m.after:
			continue
		case m.Probability > 0 && a.rng.Float64() >= m.Probability:
			continue
		}
		return &Hit{Scenario: a.Scenario.Name, Rule: i, Effect: &rule.Effect, Since: a.Since}
	}
	return nil
}

// writes reports whether a request can change data: not a GET or HEAD, and
// not a query sent as a POST (dispatch.Capacity_GetList reads capacity).
func (r Request) writes() bool {
	return r.Method != "GET" && r.Method != "HEAD" && !strings.HasSuffix(r.Operation, "_GetList")
}

// static checks the parts of a match that do not depend on history.
func (m *Match) static(r Request) bool {
	switch {
	case m.Operation != "" && m.Operation != r.Operation && !strings.HasSuffix(r.Operation, "."+m.Operation):
		return false
	case m.Method != "" && !strings.EqualFold(m.Method, r.Method):
		return false
	case m.Write && !r.writes():
		return false
	case m.Tenant != 0 && m.Tenant != r.Tenant:
		return false
	case m.App != "" && m.App != r.AppID:
		return false
	case m.Path != "" && !pathMatches(m.Path, r.Path):
		return false
	}
	return true
}

func pathMatches(pattern, p string) bool {
	ok, err := path.Match(pattern, p)
	return err == nil && ok
}

// Engine holds the known scenarios and the active ones.
type Engine struct {
	files func() map[string]*File // the known scenarios, read when first needed
	mu    sync.RWMutex            // guards the fields below
	// active is in rising Seq. It is replaced, never edited in place, so
	// Match reads it without holding mu.
	active []*Activation
	seq    uint64 // the highest Seq handed out or inserted
}

// NewEngine returns an engine knowing files.
func NewEngine(files map[string]*File) *Engine {
	return NewEngineFunc(func() map[string]*File { return files })
}

// NewEngineFunc returns an engine knowing the scenarios files returns,
// called once, when the engine first needs them (so a server that never
// uses a scenario does not parse the shipped ones).
func NewEngineFunc(files func() map[string]*File) *Engine {
	return &Engine{files: sync.OnceValue(files)}
}

// Scenarios lists the known scenarios, sorted by name.
func (e *Engine) Scenarios() []*File {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]*File, 0, len(e.files()))
	for _, f := range e.files() {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b *File) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Scenario returns a known scenario.
func (e *Engine) Scenario(name string) (*File, bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	f, ok := e.files()[name]
	return f, ok
}

// Activate switches a scenario on for a tenant (0: every tenant) and
// optionally one client; activating it again for the same scope restarts it.
func (e *Engine) Activate(name string, tenant int64, clientID string, now time.Time) (*Activation, error) {
	a, err := e.NewActivation(name, tenant, clientID, now)
	if err == nil {
		e.Insert(a)
	}
	return a, err
}

// NewActivation returns an activation of a known scenario with the next
// Seq, not active yet: Insert makes it active (once it is stored, say).
func (e *Engine) NewActivation(name string, tenant int64, clientID string, since time.Time) (*Activation, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	f, ok := e.files()[name]
	if !ok {
		return nil, fmt.Errorf("no scenario named %q", name)
	}
	e.seq++
	a := newActivation(f, tenant, clientID, since)
	a.Seq = e.seq
	return a, nil
}

// SameScope reports whether two activations are of one scenario for the
// same tenant and client, so that one replaces the other.
func (a *Activation) SameScope(b *Activation) bool {
	return a.Scenario.Name == b.Scenario.Name && a.Tenant == b.Tenant && a.ClientID == b.ClientID
}

// Insert makes a active in its Seq's place, replacing an activation of the
// same scope; later activations get a higher Seq.
func (e *Engine) Insert(a *Activation) {
	e.mu.Lock()
	defer e.mu.Unlock()
	next := make([]*Activation, 0, len(e.active)+1)
	for _, old := range e.active {
		if !old.SameScope(a) {
			next = append(next, old)
		}
	}
	i, _ := slices.BinarySearchFunc(next, a.Seq, func(x *Activation, seq uint64) int { return cmp.Compare(x.Seq, seq) })
	e.active = slices.Insert(next, i, a)
	e.seq = max(e.seq, a.Seq)
}

// DeactivatedBy reports whether switching scenario name off for a scope
// switches a off: tenant 0 and no client ID is everywhere, a tenant its
// own activations and its clients', a client ID that client's.
func DeactivatedBy(a *Activation, name string, tenant int64, clientID string) bool {
	return a.Scenario.Name == name && (tenant == 0 || a.Tenant == tenant) && (clientID == "" || a.ClientID == clientID)
}

// DeactivateWhere switches off the activations drop picks and returns them.
func (e *Engine) DeactivateWhere(drop func(*Activation) bool) []*Activation {
	e.mu.Lock()
	defer e.mu.Unlock()
	var gone []*Activation
	next := make([]*Activation, 0, len(e.active))
	for _, a := range e.active {
		if drop(a) {
			gone = append(gone, a)
		} else {
			next = append(next, a)
		}
	}
	e.active = next
	return gone
}

// Active lists the activations.
func (e *Engine) Active() []*Activation {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return slices.Clone(e.active)
}

// Match returns the effect for r: the first matching rule of the first
// activation in activation order, then of the per-request scenario named
// by header (nil when none).
func (e *Engine) Match(r Request, header *Activation) *Hit {
	e.mu.RLock()
	active := e.active
	e.mu.RUnlock()
	for _, a := range active {
		if h := a.match(r); h != nil {
			return h
		}
	}
	if header != nil {
		return header.match(r)
	}
	return nil
}

// ForRequest returns a one-request activation of a scenario named in a
// request header.
func (e *Engine) ForRequest(name string, now time.Time) (*Activation, error) {
	f, ok := e.Scenario(name)
	if !ok {
		return nil, fmt.Errorf("no scenario named %q", name)
	}
	return newActivation(f, 0, "", now), nil
}

// Idle reports whether no scenario is active, so the pipeline can skip it.
func (e *Engine) Idle() bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return len(e.active) == 0
}
