package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/stsim/stsim/sim"
	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/gcpace"
)

// command is one of stsim's subcommands.
type command struct {
	name, args, what string
	run              func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int
}

// commands lists the subcommands in the order help shows them (a function,
// since help itself is one of them).
func commands() []command {
	return []command{
		{"serve", "[flags]", "serve the simulator (the default command)", serve},
		{"ops", "[-all] [-module crm]", "list the operations stsim emulates, module by module", runOps},
		{"health", "[flags]", "exit 0 if the stsim these flags describe answers /_sim/health with 200 (for container health checks)", runHealth},
		{"version", "", "print the version and the ServiceTitan documents stsim emulates (also -version)", printVersion},
		{"help", "", "print this help (also -h)", printHelp},
	}
}

// run is the whole command; main only wires signals and the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, args, getenv, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "stsim: unknown command %q (stsim help lists the commands)\n", name)
	return 2
}

// loadConfig reads the flags of serve and health; done is true when the
// command should exit with code (help, version or a bad flag).
func loadConfig(args []string, getenv func(string) string, stdout, stderr io.Writer) (cfg config.Config, code int, done bool) {
	if slices.Contains(args, "-version") || slices.Contains(args, "--version") {
		return cfg, printVersion(nil, nil, nil, stdout, stderr), true
	}
	cfg, err := config.Load(args, getenv, io.Discard)
	if errors.Is(err, config.ErrHelp) {
		return cfg, printHelp(nil, nil, nil, stdout, stderr), true
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return cfg, 2, true
	}
	return cfg, 0, false
}

// printHelp lists the subcommands and every flag with the kind of value it takes.
func printHelp(_ context.Context, _ []string, _ func(string) string, stdout, _ io.Writer) int {
	fmt.Fprintln(stdout, "stsim: ServiceTitan V2 API simulator\n\nUsage:")
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  stsim %s %s\t%s\n", c.name, c.args, c.what)
	}
	tw.Flush()
	fmt.Fprintln(stdout, "\nFlags of serve and health (each has an STSIM_* environment twin; a flag beats its variable):")
	config.WriteFlags(stdout)
	return 0
}

// serve runs the simulator until ctx is done.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	start := time.Now()
	cfg, code, done := loadConfig(args, getenv, stdout, stderr)
	if done {
		return code
	}
	logger := newLogger(cfg, stderr)
	collectAgain := collectLaterDuringStartup()
	defer collectAgain()
	srv, err := sim.New(sim.Options{Config: cfg, Logger: logger})
	if err != nil {
		fmt.Fprintln(stderr, "stsim:", err)
		return 1
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		fmt.Fprintf(stderr, "stsim: cannot listen on %s: %v\n", cfg.Addr, err)
		return 1
	}
	tlsConfig, err := serverTLS(cfg)
	if err != nil {
		ln.Close()
		fmt.Fprintln(stderr, "stsim:", err)
		return 1
	}
	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
	}
	base := cfg.Scheme() + "://" + ln.Addr().String()
	if cfg.LogFormat == "json" {
		logBanner(logger, cfg, base) // one JSON stream for log collectors
	} else {
		printBanner(stdout, cfg, base)
	}
	// Documents load and the demo tenant is seeded in the background; if
	// either fails, say so and stop.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	notReady := make(chan error, 1)
	// The goroutine below owns the collector's pacing until ctx is done;
	// serve returns only after it has stopped.
	var readiness sync.WaitGroup
	readiness.Add(1)
	defer func() {
		cancel()
		readiness.Wait()
	}()
	go func() {
		defer readiness.Done()
		err := srv.Ready()
		if err != nil {
			collectAgain()
			notReady <- err
			cancel()
			return
		}
		if ctx.Err() != nil { // stopped before it was ready
			collectAgain()
			return
		}
		logger.Info("ready: /_sim/health answers 200", "url", base, "startup", time.Since(start).Round(time.Millisecond))
		select {
		case <-time.After(collectAfterReady):
		case <-ctx.Done():
			collectAgain()
			return
		}
		collectAgain()
		stopPacing := gcpace.Start() // GC headroom sized to the load from now on (see sim/gcpace)
		<-ctx.Done()
		if stopPacing != nil {
			stopPacing()
		}
	}()
	saidShuttingDown := make(chan struct{})
	stopping := context.AfterFunc(ctx, func() {
		logger.Info("shutting down: finishing in-flight requests (at most 5 s)")
		close(saidShuttingDown)
	})
	defer stopping()
	if err := srv.Serve(ctx, ln); err != nil {
		fmt.Fprintln(stderr, "stsim:", err)
		return 1
	}
	// AfterFunc logs from its own goroutine: let that line come first.
	if !stopping() {
		<-saidShuttingDown
	}
	select {
	case err := <-notReady:
		fmt.Fprintln(stderr, "stsim:", err)
		return 1
	default:
		logger.Info("stopped")
		return 0
	}
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	return sim.NewLogger(w, cfg.LogFormat, cfg.LogLevel)
}

// printBanner tells a user everything needed for a first call. The demo
// credentials are public by design (like stripe-mock's sk_test_123).
func printBanner(w io.Writer, cfg config.Config, base string) {
	curl := "curl -s"
	fmt.Fprintf(w, "stsim: ServiceTitan V2 API simulator\n  listening      %s  (data %s)\n", base, storage(cfg))
	if cfg.TLS() {
		cert, _ := certFiles(cfg)
		curl += " --cacert " + cert
		fmt.Fprintf(w, "  certificate    %s  (trust it in clients)\n", cert)
	}
	fmt.Fprintf(w, `  production     %s%s/production/…  (the demo tenant is in integration, the default)
  tenant         %d
  app key        %s   (send as ST-App-Key)
  client id      %s
  client secret  %s
  get a token:
    %s %s/connect/token -d grant_type=client_credentials -d client_id=%s -d client_secret=%s
`, base, cfg.EnvPrefix, fixture.DemoTenant, fixture.DemoAppKey, fixture.DemoClientID, fixture.DemoClientSecret,
		curl, base, fixture.DemoClientID, fixture.DemoClientSecret)
}

// logBanner is the banner as one log record, for -log-format json.
func logBanner(logger *slog.Logger, cfg config.Config, base string) {
	var cert string
	if cfg.TLS() {
		cert, _ = certFiles(cfg)
	}
	logger.Info("stsim: ServiceTitan V2 API simulator", "url", base, "data", storage(cfg), "certificate", cert,
		"tenant", fixture.DemoTenant, "appKey", fixture.DemoAppKey,
		"clientId", fixture.DemoClientID, "clientSecret", fixture.DemoClientSecret)
}

// storage names where the data lives.
func storage(cfg config.Config) string {
	if cfg.DataFile != "" {
		return "bbolt file " + cfg.DataFile
	}
	return "in memory"
}

// runOps prints the documented operations and which ones stsim emulates.
func runOps(_ context.Context, args []string, _ func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("stsim ops", flag.ContinueOnError)
	fs.SetOutput(stderr)
	all := fs.Bool("all", false, "also list the operations stsim does not emulate")
	names := make([]string, len(sim.Modules))
	for i, m := range sim.Modules {
		names[i] = m.Name
	}
	module := fs.String("module", "", "only this module ("+strings.Join(names, ", ")+")")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	srv, err := sim.New(sim.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "stsim:", err)
		return 1
	}
	defer srv.Close()
	ops, err := srv.Operations()
	if err != nil {
		fmt.Fprintln(stderr, "stsim:", err)
		return 1
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	type count struct{ emulated, total int }
	counts := map[string]*count{}
	var order []string
	for _, op := range ops {
		if *module != "" && op.Module != *module {
			continue
		}
		c := counts[op.Module]
		if c == nil {
			c = &count{}
			counts[op.Module] = c
			order = append(order, op.Module)
		}
		c.total++
		mark := "  "
		if op.Emulated {
			c.emulated++
			mark = "✓ "
		} else if !*all {
			continue
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%s\n", mark, op.Module+"."+op.ID, op.Method, op.Path, op.Scope, op.Reason)
	}
	tw.Flush()
	if len(order) == 0 {
		fmt.Fprintf(stderr, "stsim: no module %q\n", *module)
		return 2
	}
	fmt.Fprintln(stdout)
	emulated, total := 0, 0
	var parts []string
	for _, m := range order {
		c := counts[m]
		parts = append(parts, fmt.Sprintf("%s %d/%d", m, c.emulated, c.total))
		emulated += c.emulated
		total += c.total
	}
	fmt.Fprintf(stdout, "emulated: %s — total %d of %d operations\n", strings.Join(parts, ", "), emulated, total)
	return 0
}
