// Package config turns command-line flags and STSIM_* environment variables
// into a validated Config. It is a pure function of its inputs: Load never
// reads the process environment itself, so it can be table-tested.
//
// Precedence: a flag given on the command line beats its environment twin,
// which beats the default.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"
)

// Validation modes for incoming requests.
const (
	ValidationEnforce = "enforce" // 400 on a request that breaks the contract
	ValidationWarn    = "warn"    // serve it, but say what was wrong in a header
	ValidationOff     = "off"     // no request validation
)

// Config is everything stsim needs to start.
type Config struct {
	Addr            string        // listen address
	DataFile        string        // bbolt file; empty keeps data in memory
	FixturesDir     string        // fixture override; empty uses the embedded demo data
	OpenAPIDir      string        // OpenAPI document override; empty uses the embedded documents
	LogFormat       string        // text or json
	LogLevel        slog.Level    // debug, info, warn or error
	Validation      string        // enforce, warn or off
	StrictResponses bool          // a response that breaks its schema becomes a 500
	SigningKeyFile  string        // PEM RSA private key; empty uses the embedded demo key
	TokenTTL        time.Duration // default access-token lifetime
	RateLimit       int           // default calls per second per (app, tenant); 0 disables
	Issuer          string        // the tokens' iss claim and discovery issuer; empty derives it from Addr
	ControlToken    string        // bearer token the /_sim control API requires; empty: open on loopback only
	TLSCertFile     string        // PEM certificate to serve HTTPS with (with TLSKeyFile)
	TLSKeyFile      string        // PEM private key of TLSCertFile
	TLSSelfSigned   bool          // serve HTTPS with a self-signed certificate written beside the data file
	JournalSize     int           // requests the journal keeps
	Scenarios       []string      // scenarios active from the start, for every tenant
	ScenariosDir    string        // more scenario files, besides the shipped ones
	EnvPrefix       string        // path prefix naming an environment: <EnvPrefix>/production/…
	ProductionHosts []string      // Host names served as the production environment (lower case)

	ReadHeaderTimeout time.Duration // longest a client may take to send request headers
	ReadTimeout       time.Duration // longest a client may take to send a whole request
	WriteTimeout      time.Duration // longest a response may take, from the end of the headers
	IdleTimeout       time.Duration // how long an idle keep-alive connection stays open
	MaxConnections    int           // open connections served at once; 0: no cap
	TokenRateLimit    int           // token requests per second per client ID; 0 disables
}

// Defaults returns the configuration used when nothing is set.
func Defaults() Config {
	return Config{
		Addr:        "127.0.0.1:8080",
		LogFormat:   "text",
		LogLevel:    slog.LevelInfo,
		Validation:  ValidationEnforce,
		TokenTTL:    900 * time.Second, // contract §3: expires_in is 900 s
		RateLimit:   60,                // contract §5: 60 calls/s per app per tenant
		JournalSize: 10000,
		EnvPrefix:   "/_env",
		// ServiceTitan's production host names, for a hosts-file entry.
		ProductionHosts: []string{"auth.servicetitan.io", "api.servicetitan.io"},
		// Slow clients cannot hold a connection for long; ServiceTitan's own
		// request timeout is 100 s (contract §1).
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      100 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxConnections:    1024,
		TokenRateLimit:    20,
	}
}

// Option describes one setting, for flag registration and the README table.
type Option struct {
	Flag, Env, Usage string
	def              string
	set              func(*Config, string) error
}

// isBool reports whether the option is a switch that may be given as a bare
// flag (-strict-responses): its default is true or false.
func (o Option) isBool() bool { return o.def == "true" || o.def == "false" }

// Default is the option's default value as text.
func (o Option) Default() string { return o.def }

// TypeName names the kind of value the option takes, as help shows it:
// the word the usage puts in back quotes (Go's flag convention), else what
// the default parses as. A switch has none.
func (o Option) TypeName() string {
	name, _ := flag.UnquoteUsage(&flag.Flag{Usage: o.Usage, Value: &flagValue{}})
	switch {
	case o.isBool():
		return ""
	case name != "value": // the usage named it
		return name
	case isDuration(o.def):
		return "duration"
	}
	if _, err := strconv.Atoi(o.def); err == nil {
		return "int"
	}
	return "string"
}

func isDuration(s string) bool {
	_, err := time.ParseDuration(s)
	_, notNumber := strconv.Atoi(s)
	return err == nil && notNumber != nil
}

// WriteFlags lists every option for help: flag, type, what it does, its
// environment twin and default.
func WriteFlags(w io.Writer) {
	for _, o := range Options() {
		_, usage := flag.UnquoteUsage(&flag.Flag{Usage: o.Usage, Value: &flagValue{}})
		fmt.Fprintf(w, "  -%s", o.Flag)
		if t := o.TypeName(); t != "" {
			fmt.Fprintf(w, " %s", t)
		}
		fmt.Fprintf(w, "\n    \t%s\n    \t[%s", usage, o.Env)
		if o.def != "" {
			fmt.Fprintf(w, "; default %s", o.def)
		}
		fmt.Fprintln(w, "]")
	}
}

// Options lists every setting in the order the README documents them.
func Options() []Option {
	d := Defaults()
	return []Option{
		{"addr", "STSIM_ADDR", "listen address (`host:port`)", d.Addr, func(c *Config, v string) error {
			if _, _, err := net.SplitHostPort(v); err != nil {
				return fmt.Errorf("must be host:port, e.g. 127.0.0.1:8080")
			}
			c.Addr = v
			return nil
		}},
		{"data", "STSIM_DATA", "bbolt data `file`; empty keeps all data in memory", "", func(c *Config, v string) error {
			c.DataFile = v
			return nil
		}},
		{"fixtures", "STSIM_FIXTURES", "fixtures `dir`ectory; empty uses the embedded demo tenant", "", func(c *Config, v string) error {
			c.FixturesDir = v
			return nil
		}},
		{"openapi", "STSIM_OPENAPI", "`dir`ectory of OpenAPI documents overriding the embedded ones", "", func(c *Config, v string) error {
			c.OpenAPIDir = v
			return nil
		}},
		{"log-format", "STSIM_LOG_FORMAT", "log `format`: text or json", d.LogFormat, func(c *Config, v string) error {
			if v != "text" && v != "json" {
				return fmt.Errorf("must be text or json")
			}
			c.LogFormat = v
			return nil
		}},
		{"log-level", "STSIM_LOG_LEVEL", "log `level`: debug, info, warn or error", "info", func(c *Config, v string) error {
			var l slog.Level
			if err := l.UnmarshalText([]byte(v)); err != nil {
				return fmt.Errorf("must be debug, info, warn or error")
			}
			c.LogLevel = l
			return nil
		}},
		{"validation", "STSIM_VALIDATION", "request validation `mode`: enforce, warn or off (a request may override it with X-Stsim-Validation)", d.Validation, func(c *Config, v string) error {
			m, ok := ParseValidation(v)
			if !ok {
				return fmt.Errorf("must be enforce, warn or off")
			}
			c.Validation = m
			return nil
		}},
		boolOption("strict-responses", "STSIM_STRICT_RESPONSES", "turn any response that breaks its OpenAPI schema into a 500 saying why", func(c *Config) *bool { return &c.StrictResponses }),
		{"signing-key", "STSIM_SIGNING_KEY", "PEM `file` with the RSA key that signs tokens; empty uses the embedded demo key", "", func(c *Config, v string) error {
			c.SigningKeyFile = v
			return nil
		}},
		{"token-ttl", "STSIM_TOKEN_TTL", "default access-token lifetime (Go duration)", d.TokenTTL.String(), func(c *Config, v string) error {
			t, err := time.ParseDuration(v)
			if err != nil || t < time.Second {
				return fmt.Errorf("must be a duration of at least 1s, e.g. 15m")
			}
			c.TokenTTL = t
			return nil
		}},
		countOption("rate-limit", "STSIM_RATE_LIMIT", "default calls per second per (app, tenant); 0 turns limiting off", d.RateLimit, func(c *Config) *int { return &c.RateLimit }),
		{"issuer", "STSIM_ISSUER", "token issuer `URL`; empty means http://<addr>", "", func(c *Config, v string) error {
			if v != "" && !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
				return fmt.Errorf("must be an http:// or https:// URL")
			}
			c.Issuer = strings.TrimSuffix(v, "/")
			return nil
		}},
		{"journal-size", "STSIM_JOURNAL_SIZE", "requests the /_sim/requests journal keeps (oldest dropped first)", strconv.Itoa(d.JournalSize), func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return fmt.Errorf("must be a whole number >= 1")
			}
			c.JournalSize = n
			return nil
		}},
		{"scenario", "STSIM_SCENARIO", "scenario `names` to activate at start for every tenant, comma-separated (see scenarios/README.md)", "", func(c *Config, v string) error {
			c.Scenarios = commaList(v)
			return nil
		}},
		{"scenarios", "STSIM_SCENARIOS", "`dir`ectory of your own scenario files, added to the shipped ones", "", func(c *Config, v string) error {
			c.ScenariosDir = v
			return nil
		}},
		{"env-prefix", "STSIM_ENV_PREFIX", "path `prefix` that selects an environment: <prefix>/production/… is served as /… in production", d.EnvPrefix, func(c *Config, v string) error {
			if !strings.HasPrefix(v, "/") || len(v) < 2 || strings.HasSuffix(v, "/") || strings.ContainsAny(v, "?#") {
				return fmt.Errorf("must be a path such as /_env (a leading slash, no trailing one)")
			}
			c.EnvPrefix = v
			return nil
		}},
		{"production-hosts", "STSIM_PRODUCTION_HOSTS", "Host header `names` served as the production environment, comma-separated; empty: none", strings.Join(d.ProductionHosts, ","), func(c *Config, v string) error {
			c.ProductionHosts = commaList(strings.ToLower(v))
			for _, h := range c.ProductionHosts {
				if strings.ContainsAny(h, ":/ ") {
					return fmt.Errorf("must be host names without port or path, e.g. api.servicetitan.io")
				}
			}
			return nil
		}},
		durationOption("read-header-timeout", "STSIM_READ_HEADER_TIMEOUT", "longest a client may take to send request headers", d.ReadHeaderTimeout, func(c *Config) *time.Duration { return &c.ReadHeaderTimeout }),
		durationOption("read-timeout", "STSIM_READ_TIMEOUT", "longest a client may take to send a whole request, body included", d.ReadTimeout, func(c *Config) *time.Duration { return &c.ReadTimeout }),
		durationOption("write-timeout", "STSIM_WRITE_TIMEOUT", "longest stsim spends answering one request", d.WriteTimeout, func(c *Config) *time.Duration { return &c.WriteTimeout }),
		durationOption("idle-timeout", "STSIM_IDLE_TIMEOUT", "how long an idle keep-alive connection stays open", d.IdleTimeout, func(c *Config) *time.Duration { return &c.IdleTimeout }),
		countOption("max-connections", "STSIM_MAX_CONNECTIONS", "connections served at once (more wait to be accepted); 0 means no cap", d.MaxConnections, func(c *Config) *int { return &c.MaxConnections }),
		countOption("token-rate-limit", "STSIM_TOKEN_RATE_LIMIT", "token requests per second per client ID (wall clock); 0 turns the limit off", d.TokenRateLimit, func(c *Config) *int { return &c.TokenRateLimit }),
		{"control-token", "STSIM_CONTROL_TOKEN", "bearer `token` for the /_sim control API; required when -addr is not loopback", "", func(c *Config, v string) error {
			c.ControlToken = v
			return nil
		}},
		{"tls-cert", "STSIM_TLS_CERT", "PEM certificate `file`: serve HTTPS (with -tls-key)", "", func(c *Config, v string) error {
			c.TLSCertFile = v
			return nil
		}},
		{"tls-key", "STSIM_TLS_KEY", "PEM private key `file` of -tls-cert", "", func(c *Config, v string) error {
			c.TLSKeyFile = v
			return nil
		}},
		boolOption("tls", "STSIM_TLS", "serve HTTPS with a self-signed certificate written beside the data file (its path is printed)", func(c *Config) *bool { return &c.TLSSelfSigned }),
	}
}

// commaList splits a comma-separated list, dropping empty items.
func commaList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// boolOption is a switch, off by default; a bare -flag turns it on.
func boolOption(flag, env, usage string, field func(*Config) *bool) Option {
	return Option{flag, env, usage, "false", func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("must be true or false")
		}
		*field(c) = b
		return nil
	}}
}

// durationOption is a setting holding a positive Go duration.
func durationOption(flag, env, usage string, def time.Duration, field func(*Config) *time.Duration) Option {
	return Option{flag, env, usage, def.String(), func(c *Config, v string) error {
		t, err := time.ParseDuration(v)
		if err != nil || t <= 0 {
			return fmt.Errorf("must be a positive duration, e.g. %s", def)
		}
		*field(c) = t
		return nil
	}}
}

// countOption is a setting holding a whole number >= 0.
func countOption(flag, env, usage string, def int, field func(*Config) *int) Option {
	return Option{flag, env, usage, strconv.Itoa(def), func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("must be a whole number >= 0")
		}
		*field(c) = n
		return nil
	}}
}

// TLS reports whether stsim serves HTTPS.
func (c Config) TLS() bool { return c.TLSCertFile != "" || c.TLSSelfSigned }

// Scheme is "https" when stsim serves HTTPS, else "http".
func (c Config) Scheme() string {
	if c.TLS() {
		return "https"
	}
	return "http"
}

// Loopback reports whether the listen address is a loopback address.
func (c Config) Loopback() bool {
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ParseValidation normalizes a validation mode name.
func ParseValidation(v string) (string, bool) {
	switch m := strings.ToLower(strings.TrimSpace(v)); m {
	case ValidationEnforce, ValidationWarn, ValidationOff:
		return m, true
	}
	return "", false
}

// ErrHelp is returned when -h or -help was asked for; WriteFlags has
// written the flags to Load's usage writer.
var ErrHelp = flag.ErrHelp

// Load builds a Config from args (without the program name) and getenv.
// Errors are one line, naming the flag or variable and what it must be.
func Load(args []string, getenv func(string) string, usage io.Writer) (Config, error) {
	cfg := Defaults()
	opts := Options()
	fs := flag.NewFlagSet("stsim", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned as one line; help is WriteFlags
	fs.Usage = func() {}
	values := make([]*flagValue, len(opts))
	for i, o := range opts {
		values[i] = &flagValue{text: o.def, boolean: o.isBool()}
		fs.Var(values[i], o.Flag, o.Usage+" ["+o.Env+"]")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			WriteFlags(usage)
			return cfg, ErrHelp
		}
		return cfg, fmt.Errorf("stsim: %v", err)
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("stsim: unexpected argument %q", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for i, o := range opts {
		v, source := values[i].text, "-"+o.Flag
		if !given[o.Flag] {
			env := getenv(o.Env)
			if env == "" {
				v, source = o.def, ""
			} else {
				v, source = env, o.Env
			}
		}
		if source == "" && v == "" {
			continue
		}
		if err := o.set(&cfg, v); err != nil {
			if source == "" {
				source = "-" + o.Flag
			}
			return cfg, fmt.Errorf("stsim: invalid %s %q: %v", source, v, err)
		}
	}
	if (cfg.TLSCertFile == "") != (cfg.TLSKeyFile == "") {
		return cfg, fmt.Errorf("stsim: -tls-cert and -tls-key go together")
	}
	if cfg.TLSCertFile != "" && cfg.TLSSelfSigned {
		return cfg, fmt.Errorf("stsim: -tls makes its own certificate; drop it or -tls-cert/-tls-key")
	}
	if cfg.Issuer == "" {
		cfg.Issuer = cfg.Scheme() + "://" + cfg.Addr
	}
	return cfg, nil
}

// flagValue holds a flag's text until Load validates it with the option's
// setter, so flags and environment variables share one set of checks.
type flagValue struct {
	text    string
	boolean bool
}

func (f *flagValue) String() string {
	if f == nil {
		return ""
	}
	return f.text
}
func (f *flagValue) Set(v string) error { f.text = v; return nil }
func (f *flagValue) IsBoolFlag() bool   { return f.boolean }
