package scheduleengine

import (
	"fmt"
	"sync"
)

// Shared holds what schedulers on the same credentials share: cached tokens
// per (environment, tenant, client ID) and rate budgets per (app key,
// tenant). Clients made without one share a process-wide instance.
type Shared struct {
	mu       sync.Mutex // guards the maps
	tokens   map[string]*tokenCache
	limiters map[string]*limiter
}

// NewShared returns an empty Shared.
func NewShared() *Shared {
	return &Shared{tokens: map[string]*tokenCache{}, limiters: map[string]*limiter{}}
}

var defaultShared = NewShared()

func (s *Shared) tokenCache(c *Config) *tokenCache {
	key := fmt.Sprintf("%s|%d|%s", c.Env.AuthURL, c.TenantID, c.ClientID)
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tokens[key]
	if t == nil {
		t = &tokenCache{secret: c.ClientSecret}
		s.tokens[key] = t
	} else if t.currentSecret() != c.ClientSecret {
		t.reset(c.ClientSecret) // a scheduler configured with another secret: the newest wins
	}
	return t
}

func (s *Shared) limiter(c *Config) *limiter {
	key := fmt.Sprintf("%s|%s|%d", c.Env.APIURL, c.AppKey, c.TenantID)
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.limiters[key]
	if l == nil {
		l = newLimiter(c.RatePerSecond, c.MaxInFlight)
		s.limiters[key] = l
	}
	return l
}
