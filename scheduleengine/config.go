package scheduleengine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Env is one ServiceTitan environment: where tokens come from and where the
// API lives.
type Env struct {
	AuthURL string // token endpoint host, e.g. https://auth-integration.servicetitan.io
	APIURL  string // API host, e.g. https://api-integration.servicetitan.io
}

// ServiceTitan's two environments. Client IDs and secrets belong to one of
// them; the app key works in both.
var (
	Integration = Env{AuthURL: "https://auth-integration.servicetitan.io", APIURL: "https://api-integration.servicetitan.io"}
	Production  = Env{AuthURL: "https://auth.servicetitan.io", APIURL: "https://api.servicetitan.io"}
)

// Local is a stsim on its default address.
var Local = Env{AuthURL: "http://127.0.0.1:8080", APIURL: "http://127.0.0.1:8080"}

// Config is one scheduler's connection to one tenant.
type Config struct {
	Env          Env
	TenantID     int64
	ClientID     string
	ClientSecret string
	AppKey       string

	// ApplicationGUID names this integration's entries in ServiceTitan's
	// externalData (where booking IDs are kept). Default: DefaultApplicationGUID.
	ApplicationGUID string
	// TimeZone is the tenant's IANA zone (arrival windows are local
	// wall-clock times). Default: America/Chicago.
	TimeZone string
	// BookingProviderID is the booking-provider tag the tenant bound the
	// connection to; 0 finds it by BookingProviderName.
	BookingProviderID int64
	// BookingProviderName is the tag's name. Default: "Schedule Engine".
	BookingProviderName string

	// RatePerSecond caps calls per (app key, tenant), shared by every
	// scheduler on one Shared. Default 50 (ServiceTitan allows 60).
	RatePerSecond int
	// MaxInFlight caps concurrent calls per (app key, tenant). Default 8.
	MaxInFlight int
	// Retries5xx is the retry budget of one idempotent call for 5xx answers,
	// timeouts and broken connections. Default 3.
	Retries5xx int
	// Retries429 is the separate budget for 429 answers. Default 8.
	Retries429 int
	// RefreshAhead is how long before expiry a token is renewed. Default 60 s.
	RefreshAhead time.Duration
	// ReferenceTTL is how long reference data is cached. Default 10 min.
	ReferenceTTL time.Duration

	HTTPClient *http.Client // default: 30 s timeout
	Logger     *slog.Logger // default: discard
	Clock      Clock        // default: the wall clock
	Shared     *Shared      // default: one per process
}

// DefaultApplicationGUID is the externalData application GUID used when
// Config.ApplicationGUID is empty.
const DefaultApplicationGUID = "d3e0c6a2-5b7f-4e21-9c4a-57a1a0de0001"

// BookingIDKey is the externalData key (and the bookings' externalId) that
// carries the scheduler's own booking ID.
const BookingIDKey = "seBookingId"

// Clock is the client's time: token expiry, rate windows, backoff and which
// arrival windows have started. Tests may drive it; the default is real.
type Clock interface {
	Now() time.Time
	// Sleep waits d or until ctx ends.
	Sleep(ctx context.Context, d time.Duration) error
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// WallClock is the real clock.
var WallClock Clock = wallClock{}

// withDefaults checks c and fills in its defaults.
func (c Config) withDefaults() (Config, error) {
	var errs []error
	for name, u := range map[string]string{"auth URL": c.Env.AuthURL, "API URL": c.Env.APIURL} {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			errs = append(errs, fmt.Errorf("%s %q is not an http(s) URL", name, u))
		}
	}
	c.Env.AuthURL = strings.TrimRight(c.Env.AuthURL, "/")
	c.Env.APIURL = strings.TrimRight(c.Env.APIURL, "/")
	if c.TenantID <= 0 {
		errs = append(errs, errors.New("tenant ID must be a positive number"))
	}
	for name, v := range map[string]string{"client ID": c.ClientID, "client secret": c.ClientSecret, "app key": c.AppKey} {
		if strings.TrimSpace(v) == "" {
			errs = append(errs, errors.New(name+" is required"))
		}
	}
	if c.ApplicationGUID == "" {
		c.ApplicationGUID = DefaultApplicationGUID
	}
	if c.TimeZone == "" {
		c.TimeZone = "America/Chicago"
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil {
		errs = append(errs, fmt.Errorf("time zone %q: %v", c.TimeZone, err))
	}
	if c.BookingProviderName == "" {
		c.BookingProviderName = "Schedule Engine"
	}
	if c.RatePerSecond <= 0 {
		c.RatePerSecond = 50
	}
	if c.RatePerSecond >= 60 {
		errs = append(errs, errors.New("rate must stay below ServiceTitan's 60 calls per second"))
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 8
	}
	if c.Retries5xx < 0 || c.Retries429 < 0 {
		errs = append(errs, errors.New("retry budgets cannot be negative"))
	}
	if c.Retries5xx == 0 {
		c.Retries5xx = 3
	}
	if c.Retries429 == 0 {
		c.Retries429 = 8
	}
	if c.RefreshAhead <= 0 {
		c.RefreshAhead = 60 * time.Second
	}
	if c.ReferenceTTL <= 0 {
		c.ReferenceTTL = 10 * time.Minute
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if c.Clock == nil {
		c.Clock = WallClock
	}
	if c.Shared == nil {
		c.Shared = defaultShared
	}
	return c, errors.Join(errs...)
}
