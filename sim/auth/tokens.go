package auth

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stsim/stsim/sim/clock"
)

// Claims are the claims of a ServiceTitan access token, in the order of the
// official sample (contract §3). tenant is a string; scope is an array.
type Claims struct {
	NotBefore int64    `json:"nbf"`
	ExpiresAt int64    `json:"exp"`
	Issuer    string   `json:"iss"`
	ClientID  string   `json:"client_id"`
	Tenant    string   `json:"tenant"`
	ID        string   `json:"jti"`
	IssuedAt  int64    `json:"iat"`
	Scope     []string `json:"scope"`
}

// GetExpirationTime and the methods below satisfy jwt.Claims; time checks
// themselves are done by Tokens against the simulator clock.
func (c *Claims) GetExpirationTime() (*jwt.NumericDate, error) {
	return jwt.NewNumericDate(time.Unix(c.ExpiresAt, 0)), nil
}
func (c *Claims) GetIssuedAt() (*jwt.NumericDate, error) {
	return jwt.NewNumericDate(time.Unix(c.IssuedAt, 0)), nil
}
func (c *Claims) GetNotBefore() (*jwt.NumericDate, error) {
	return jwt.NewNumericDate(time.Unix(c.NotBefore, 0)), nil
}
func (c *Claims) GetIssuer() (string, error)             { return c.Issuer, nil }
func (c *Claims) GetSubject() (string, error)            { return "", nil }
func (c *Claims) GetAudience() (jwt.ClaimStrings, error) { return nil, nil }

// Token is a verified access token.
type Token struct {
	ClientID   string
	Tenant     int64
	Scopes     map[string]bool
	ID         string
	Generation uint32 // the connection's token generation at issue (from the jti)
	IssuedAt   time.Time
	NotBefore  time.Time
	ExpiresAt  time.Time
}

// Tokens signs and verifies access tokens. Verified tokens are cached by
// their text, so a client reusing its token (as it should) costs a map
// lookup, not an RSA verification, per call. The cache only ever holds
// tokens whose signature verified, and is bounded in bytes.
type Tokens struct {
	key    *SigningKey
	issuer string
	clocks *clock.Tenants
	parser *jwt.Parser

	cache      sync.Map // raw token -> *Token
	cacheBytes atomic.Int64
	cacheMax   int64    // bound on cacheBytes
	scopeSets  sync.Map // scopes joined by spaces -> shared map[string]bool
	scopeCount atomic.Int64
}

// Token cache bounds: each entry costs tokenCacheCost plus its token text,
// client ID and token ID (about 1.3 KB), and the cache holds at most
// maxCacheBytes (about 12k tokens); past it, expired entries are swept and, if that is not
// enough, the cache starts over (tokens then verify again, once each).
const (
	maxCacheBytes  = 16 << 20
	tokenCacheCost = 176 // key header, map entry and Token struct
	maxScopeSets   = 1024
)

// NewTokens returns a token service signing with key as issuer.
func NewTokens(key *SigningKey, issuer string, clocks *clock.Tenants) *Tokens {
	return &Tokens{
		key: key, issuer: issuer, clocks: clocks, cacheMax: maxCacheBytes,
		// Only RS256 is accepted, whatever the token's header claims.
		parser: jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation(), jwt.WithStrictDecoding()),
	}
}

// Issue signs a token for a connection with the given scopes and lifetime.
func (t *Tokens) Issue(conn Connection, scopes []string, ttl time.Duration) (string, *Token, error) {
	now := t.clocks.Now(conn.Tenant)
	random := make([]byte, 12)
	if _, err := rand.Read(random); err != nil {
		return "", nil, err
	}
	// The jti is 32 hex digits like ServiceTitan's; the first 8 carry the
	// connection's token generation so revocation needs no token list.
	jti := fmt.Sprintf("%08X%s", conn.TokenGeneration, strings.ToUpper(hex.EncodeToString(random)))
	claims := &Claims{
		NotBefore: now.Unix(), IssuedAt: now.Unix(), ExpiresAt: now.Add(ttl).Unix(),
		Issuer: t.issuer, ClientID: conn.ClientID, Tenant: strconv.FormatInt(conn.Tenant, 10),
		ID: jti, Scope: scopes,
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["typ"] = "at+jwt"
	tok.Header["kid"] = t.key.KID
	tok.Header["x5t"] = t.key.X5T
	raw, err := tok.SignedString(t.key.Private)
	if err != nil {
		return "", nil, fmt.Errorf("auth: signing token: %w", err)
	}
	v := t.claimsToken(claims)
	t.remember(raw, v)
	return raw, v, nil
}

func (t *Tokens) claimsToken(c *Claims) *Token {
	tenant, _ := strconv.ParseInt(c.Tenant, 10, 64)
	var generation uint64
	if len(c.ID) >= 8 {
		generation, _ = strconv.ParseUint(c.ID[:8], 16, 32)
	}
	return &Token{
		ClientID: c.ClientID, Tenant: tenant, Scopes: t.scopeSet(c.Scope), ID: c.ID, Generation: uint32(generation),
		IssuedAt: time.Unix(c.IssuedAt, 0), NotBefore: time.Unix(c.NotBefore, 0), ExpiresAt: time.Unix(c.ExpiresAt, 0),
	}
}

// scopeSet returns the scopes as a set, shared by every token with the same
// scopes (tokens of one connection all carry the same ones), so a cached
// token does not hold a map of its own.
func (t *Tokens) scopeSet(scopes []string) map[string]bool {
	joined := strings.Join(scopes, " ")
	if v, ok := t.scopeSets.Load(joined); ok {
		return v.(map[string]bool)
	}
	set := make(map[string]bool, len(scopes))
	for _, s := range scopes {
		set[s] = true
	}
	if t.scopeCount.Load() < maxScopeSets {
		if v, loaded := t.scopeSets.LoadOrStore(joined, set); loaded {
			return v.(map[string]bool)
		}
		t.scopeCount.Add(1)
	}
	return set
}

// cacheCost is what caching v under its token text costs. The text itself
// is the key: hashing it with the map's hash instead of SHA-256 was a tenth
// of a get-by-ID's CPU (a collision cannot matter: the map compares keys).
func cacheCost(raw string, v *Token) int64 {
	return int64(tokenCacheCost + len(raw) + len(v.ClientID) + len(v.ID))
}

func (t *Tokens) remember(raw string, v *Token) {
	if t.cacheBytes.Add(cacheCost(raw, v)) > t.cacheMax {
		t.sweep()
	}
	t.cache.Store(raw, v)
}

// sweep drops expired tokens, or everything if too few had expired.
func (t *Tokens) sweep() {
	now := t.clocks.Global.Now()
	var kept int64
	t.cache.Range(func(k, v any) bool {
		if tok := v.(*Token); tok.ExpiresAt.Before(now) {
			t.cache.Delete(k)
		} else {
			kept += cacheCost(k.(string), tok)
		}
		return true
	})
	if kept > t.cacheMax/2 {
		t.cache.Clear()
		kept = 0
	}
	t.cacheBytes.Store(kept)
}

// CacheBytes is the verification cache's estimated size.
func (t *Tokens) CacheBytes() int64 { return t.cacheBytes.Load() }

// Identify names the client of a token whose signature stsim has verified
// (expired or not), or "" for any other token: refused calls are attributed
// only to identities a client has proven.
func (t *Tokens) Identify(raw string) string {
	if v, ok := t.cache.Load(raw); ok {
		return v.(*Token).ClientID
	}
	return ""
}

// Token verification failures; each message is what the WWW-Authenticate
// error_description says.
var (
	ErrTokenMissing   = errors.New("no access token: send Authorization: Bearer <token>")
	ErrTokenMalformed = errors.New("the access token is malformed")
	ErrTokenSignature = errors.New("the access token signature is invalid")
	ErrTokenExpired   = errors.New("the access token has expired")
	ErrTokenNotYet    = errors.New("the access token is not valid yet")
	ErrTokenClaims    = errors.New("the access token lacks the client_id or tenant claim")
	ErrTokenIssuer    = errors.New("the access token was issued by another authority (iss)")
)

// Verify checks a token's signature (RS256 only), its claims, and its
// lifetime against the simulator clock (its tenant's).
func (t *Tokens) Verify(raw string) (*Token, error) { return t.VerifyFor(raw, 0, time.Time{}) }

// VerifyFor is Verify for a call to tenant whose clock read now: a token
// of that tenant is judged at now, any other on its own tenant's clock.
func (t *Tokens) VerifyFor(raw string, tenant int64, now time.Time) (*Token, error) {
	v, ok := t.cache.Load(raw)
	if !ok {
		parsed, err := t.parse(raw)
		if err != nil {
			return nil, err
		}
		t.remember(raw, parsed)
		v = parsed
	}
	tok := v.(*Token)
	if tok.Tenant != tenant || now.IsZero() {
		now = t.clocks.Now(tok.Tenant)
	}
	if now.Before(tok.NotBefore) {
		return nil, ErrTokenNotYet
	}
	if !now.Before(tok.ExpiresAt) {
		return nil, fmt.Errorf("%w (expired at %s)", ErrTokenExpired, tok.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return tok, nil
}

func (t *Tokens) parse(raw string) (*Token, error) {
	var claims Claims
	_, err := t.parser.ParseWithClaims(raw, &claims, func(tok *jwt.Token) (any, error) {
		if kid, _ := tok.Header["kid"].(string); kid != "" && kid != t.key.KID {
			return nil, fmt.Errorf("unknown key id %q", kid)
		}
		return &t.key.Private.PublicKey, nil
	})
	switch {
	case err == nil:
	case errors.Is(err, jwt.ErrTokenMalformed):
		return nil, ErrTokenMalformed
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return nil, ErrTokenSignature
	default:
		return nil, ErrTokenMalformed
	}
	if claims.Issuer != t.issuer {
		return nil, ErrTokenIssuer
	}
	if claims.ClientID == "" || claims.Tenant == "" {
		return nil, ErrTokenClaims
	}
	if _, err := strconv.ParseInt(claims.Tenant, 10, 64); err != nil {
		return nil, ErrTokenClaims
	}
	return t.claimsToken(&claims), nil
}

// Forget drops every cached verification (after a key change, for example).
func (t *Tokens) Forget() {
	t.cache.Clear()
	t.cacheBytes.Store(0)
}
