package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/stsim/stsim/scheduleengine"
)

// stsim's published demo credentials: the defaults, so the CLI works
// against `go run ./cmd/stsim` with no configuration.
const (
	demoTenant       = "1234567"
	demoClientID     = "cid.stsimdemoclient0000000001"
	demoClientSecret = "cs1.stsimdemosecret00000000000000000000000000000000001"
	demoAppKey       = "ak1.stsimdemoappkey0000000001"
	localURL         = "http://127.0.0.1:8080"
)

var (
	errUsage    = errors.New("usage")
	errReported = errors.New("reported") // the command printed why it failed
)

// app is one command invocation: its flags (common ones and its own),
// output and environment.
type app struct {
	name           string
	fs             *flag.FlagSet
	args           []string
	stdout, stderr io.Writer
	getenv         func(string) string

	authURL, apiURL, tenant, clientID, secret, appKey, zone *string
	provider                                                *int64
	asJSON                                                  *bool
	timeout                                                 *time.Duration
}

func newApp(name string, stdout, stderr io.Writer, getenv func(string) string) *app {
	a := &app{name: name, fs: flag.NewFlagSet(name, flag.ContinueOnError), stdout: stdout, stderr: stderr, getenv: getenv}
	a.fs.SetOutput(stderr)
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	a.authURL = a.fs.String("auth-url", env("SE_AUTH_URL", localURL), "token endpoint host (SE_AUTH_URL); ServiceTitan: https://auth-integration.servicetitan.io or https://auth.servicetitan.io")
	a.apiURL = a.fs.String("api-url", env("SE_API_URL", localURL), "API host (SE_API_URL); ServiceTitan: https://api-integration.servicetitan.io or https://api.servicetitan.io")
	a.tenant = a.fs.String("tenant", env("SE_TENANT", demoTenant), "tenant ID (SE_TENANT)")
	a.clientID = a.fs.String("client-id", env("SE_CLIENT_ID", demoClientID), "client ID (SE_CLIENT_ID)")
	a.secret = a.fs.String("client-secret", env("SE_CLIENT_SECRET", demoClientSecret), "client secret (SE_CLIENT_SECRET)")
	a.appKey = a.fs.String("app-key", env("SE_APP_KEY", demoAppKey), "application key, sent as ST-App-Key (SE_APP_KEY)")
	a.zone = a.fs.String("tz", env("SE_TIME_ZONE", "America/Chicago"), "the tenant's IANA time zone (SE_TIME_ZONE)")
	bp, _ := strconv.ParseInt(env("SE_BOOKING_PROVIDER", "0"), 10, 64)
	a.provider = a.fs.Int64("booking-provider", bp, "booking-provider tag ID; 0 finds the tag named \"Schedule Engine\" (SE_BOOKING_PROVIDER)")
	a.asJSON = a.fs.Bool("json", false, "print the result as JSON")
	a.timeout = a.fs.Duration("timeout", 30*time.Second, "HTTP timeout per call")
	return a
}

func (a *app) withArgs(args []string) *app { a.args = args; return a }

// parse reads the flags once every command flag is defined.
func (a *app) parse() error {
	if err := a.fs.Parse(a.args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errReported
		}
		return errUsage
	}
	if a.fs.NArg() > 0 {
		fmt.Fprintf(a.stderr, "schedule-engine %s: unexpected argument %q\n", a.name, a.fs.Arg(0))
		return errUsage
	}
	return nil
}

// client parses the flags and builds the library client.
func (a *app) client() (*scheduleengine.Client, error) {
	if err := a.parse(); err != nil {
		return nil, err
	}
	tenant, err := strconv.ParseInt(*a.tenant, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("-tenant %q is not a tenant ID", *a.tenant)
	}
	cfg := scheduleengine.Config{
		Env:      scheduleengine.Env{AuthURL: *a.authURL, APIURL: *a.apiURL},
		TenantID: tenant, ClientID: *a.clientID, ClientSecret: *a.secret, AppKey: *a.appKey,
		TimeZone: *a.zone, BookingProviderID: *a.provider,
	}
	cfg.HTTPClient = newHTTPClient(*a.timeout)
	return scheduleengine.New(cfg)
}

// print writes v as JSON with -json, else the text.
func (a *app) print(v any, text func(w io.Writer)) error {
	if *a.asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	text(a.stdout)
	return nil
}

// date reads a YYYY-MM-DD flag value; empty is tomorrow in the tenant's zone.
func date(s string, c *scheduleengine.Client) (scheduleengine.Date, error) {
	if strings.TrimSpace(s) == "" {
		return scheduleengine.DateOf(time.Now().In(c.Location())).AddDays(1), nil
	}
	return scheduleengine.ParseDate(s)
}
