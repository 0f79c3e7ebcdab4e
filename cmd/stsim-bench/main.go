// Command stsim-bench measures stsim against a ceiling: a bare net/http
// server answering the same requests with the same bytes. In one run it
// builds and starts the real stsim binary (memory store, and a bbolt file
// for the durable-create workload) and the ceiling, each in its own process
// with the same GOMAXPROCS, drives both over loopback with the same
// closed-loop connections, and prints req/s, p50/p99 and the ratio per
// workload; then cold start to the first authenticated 200, at -procs and
// at Go's default GOMAXPROCS (next to the
// first 200 of the ceiling and of the floor, a bare server linked with
// stsim's libraries: see ./floor) and resident memory at rest and with
// many customers. Limits are lifted by configuration only (-rate-limit 0
// -token-rate-limit 0).
//
//	go run ./cmd/stsim-bench                        # everything, ~5 minutes
//	go run ./cmd/stsim-bench -c 64 -d 2s -rss 10000 # a quick run, ~1 minute
//	go run ./cmd/stsim-bench -w get,list -c 16,64   # some workloads
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	if addr := os.Getenv(ceilingEnv); addr != "" {
		fmt.Fprintln(os.Stderr, serveCeiling(addr))
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// options are the command's flags.
type options struct {
	duration time.Duration // per server, workload and connection count
	conns    []int
	rounds   int
	procs    int
	only     []string // workloads to run; empty: all
	cold     int
	coldData int // customers in the bbolt file of the second cold start; 0: skip
	rss      []int
	stsim    string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("stsim-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.DurationVar(&o.duration, "d", 3*time.Second, "load time per server, workload and connection count (split over -rounds)")
	conns := fs.String("c", "16,64", "connection counts, comma-separated")
	fs.IntVar(&o.rounds, "rounds", 2, "alternate stsim and the ceiling this many times per measurement, so both see the same machine")
	fs.IntVar(&o.procs, "procs", 1, "GOMAXPROCS of both servers (0: Go's default); the load generator uses the rest")
	names := make([]string, len(workloads))
	for i, w := range workloads {
		names[i] = w.name
	}
	only := fs.String("w", "", "workloads, comma-separated (default all: "+strings.Join(names, ",")+"); none: -w none")
	fs.IntVar(&o.cold, "cold", 5, "cold starts to take the median of (0: skip)")
	fs.IntVar(&o.coldData, "cold-bbolt", 0, "also time cold starts on a bbolt file holding this many more customers, created once through the API (0: skip)")
	rss := fs.String("rss", "10000,100000", "customer counts to measure resident memory at, comma-separated (empty: only at rest; none: skip)")
	fs.StringVar(&o.stsim, "stsim", "", "stsim binary to measure (default: go build ./cmd/stsim)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	var err error
	if o.conns, err = intList(*conns); err != nil || len(o.conns) == 0 {
		return o, fmt.Errorf("-c: want connection counts like 16,64")
	}
	if *rss == "none" {
		o.rss = nil
	} else if o.rss, err = intList(*rss); err != nil {
		return o, fmt.Errorf("-rss: %v", err)
	} else {
		o.rss = append([]int{0}, o.rss...) // 0: at rest
	}
	if *only != "" {
		o.only = strings.Split(*only, ",")
		for _, n := range o.only {
			if n != "none" && !slices.Contains(names, n) {
				return o, fmt.Errorf("-w: no workload %q (have %s)", n, strings.Join(names, ", "))
			}
		}
	}
	if o.coldData < 0 {
		return o, errors.New("-cold-bbolt must not be negative")
	}
	if o.duration <= 0 || o.rounds <= 0 {
		return o, errors.New("-d and -rounds must be positive")
	}
	return o, nil
}

func intList(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not a positive number", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "stsim-bench:", err)
		return 2
	}
	b := &bench{opts: o, out: stdout}
	if err := b.run(ctx); err != nil {
		fmt.Fprintln(stderr, "stsim-bench:", err)
		return 1
	}
	return 0
}

// bench is one run of the command.
type bench struct {
	opts  options
	out   io.Writer
	dir   string // scratch: the built binaries, the bbolt files
	stsim string // the binary
	self  string // this program, started again as the ceiling
	floor string // ./floor built, for cold starts ("" if it could not be)
}

func (b *bench) run(ctx context.Context) error {
	var err error
	if b.dir, err = os.MkdirTemp("", "stsim-bench-"); err != nil {
		return err
	}
	defer os.RemoveAll(b.dir)
	if b.stsim = b.opts.stsim; b.stsim == "" {
		if b.stsim, err = build(ctx, b.dir, "cmd/stsim"); err != nil {
			return err
		}
	}
	if b.self, err = os.Executable(); err != nil {
		return err
	}
	if b.opts.cold > 0 {
		// The floor is a reference, not the subject: without Go or the
		// source at hand the bench runs without it.
		if b.floor, err = build(ctx, b.dir, "cmd/stsim-bench/floor"); err != nil {
			fmt.Fprintf(b.out, "stsim-bench: cold starts without the floor: %v\n", err)
		}
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(b.out, "stsim-bench: %d CPUs, servers GOMAXPROCS=%s, load generator GOMAXPROCS=%d, load average %s\n",
		runtime.NumCPU(), procsLabel(b.opts.procs), runtime.GOMAXPROCS(0), strings.Join(strings.Fields(string(load))[:min(3, len(strings.Fields(string(load))))], " "))
	fmt.Fprintf(b.out, "each figure: %v of load per server, in %d alternating rounds\n\n", b.opts.duration, b.opts.rounds)
	if err := b.throughput(ctx); err != nil {
		return err
	}
	if err := b.coldStart(ctx); err != nil {
		return err
	}
	return b.memory(ctx)
}

func procsLabel(n int) string {
	if n <= 0 {
		return "default"
	}
	return strconv.Itoa(n)
}

func (b *bench) selected(name string) bool {
	return len(b.opts.only) == 0 || slices.Contains(b.opts.only, name)
}

// startStsim starts the binary with limits off; store "bbolt" adds a new
// data file. It returns when the demo tenant answers.
func (b *bench) startStsim(store string, procs int) (*process, error) {
	data := ""
	if store == "bbolt" {
		data = fmt.Sprintf("%s/bench-%d.db", b.dir, time.Now().UnixNano())
	}
	return b.startStsimOn(data, procs)
}

// startStsimOn starts the binary with limits off, on the bbolt file data
// (empty: the memory store). It returns when the demo tenant answers.
func (b *bench) startStsimOn(data string, procs int) (*process, error) {
	args := []string{"-addr", "{addr}", "-rate-limit", "0", "-token-rate-limit", "0"}
	store := "memory"
	if data != "" {
		args, store = append(args, "-data", data), "bbolt"
	}
	p, err := launch("stsim ("+store+")", b.stsim, procs, nil, args...)
	if err != nil {
		return nil, err
	}
	if err := p.waitFor(60*time.Second, func() bool { return p.get("/_sim/health") }); err != nil {
		p.stop()
		return nil, err
	}
	return p, nil
}

func (b *bench) startCeiling(procs int) (*process, error) {
	p, err := launch("ceiling", b.self, procs, []string{ceilingEnv + "={addr}"})
	if err != nil {
		return nil, err
	}
	if err := p.waitFor(30*time.Second, func() bool { return p.get("/") }); err != nil {
		p.stop()
		return nil, err
	}
	return p, nil
}

// throughput prints the table of workloads.
func (b *bench) throughput(ctx context.Context) error {
	var todo []workload
	for _, w := range workloads {
		if b.selected(w.name) {
			todo = append(todo, w)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	ceil, err := b.startCeiling(b.opts.procs)
	if err != nil {
		return err
	}
	defer ceil.stop()
	servers := map[string]*process{}
	defer func() {
		for _, p := range servers {
			p.stop()
		}
	}()
	fmt.Fprintln(b.out, "| workload | conns | stsim req/s | ceiling req/s | ratio | stsim p50 | stsim p99 | ceiling p50 | ceiling p99 |")
	fmt.Fprintln(b.out, "|---|---|---|---|---|---|---|---|---|")
	for _, w := range todo {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		st := servers[w.store]
		if st == nil {
			if st, err = b.startStsim(w.store, b.opts.procs); err != nil {
				return err
			}
			servers[w.store] = st
		}
		if err := b.measure(w, st, ceil); err != nil {
			return fmt.Errorf("%s: %w", w.name, err)
		}
	}
	fmt.Fprintln(b.out)
	return nil
}

// measure runs one workload against stsim and the ceiling at every
// connection count and prints its rows.
func (b *bench) measure(w workload, st, ceil *process) error {
	d, err := discover(st.addr)
	if err != nil {
		return err
	}
	steps, err := w.steps(d)
	if err != nil {
		return err
	}
	// Every step is sent to stsim once; its answer is what the ceiling
	// will send for that step.
	stReqs, ceilReqs := make([]request, len(steps)), make([]request, len(steps))
	for n, s := range steps {
		stReqs[n].raw = d.render(s, n)
		a, err := fetch(st.addr, stReqs[n].raw)
		if err != nil {
			return err
		}
		if a.status/100 != 2 {
			return fmt.Errorf("%s %s: status %d: %.300s", s.method, s.target, a.status, a.body)
		}
		stReqs[n].want, ceilReqs[n].want = a.status, a.status
		put := rawRequest("PUT", ceil.addr, fmt.Sprintf("/__ceiling/%d", n),
			[][2]string{{"X-Status", strconv.Itoa(a.status)}, {"Content-Type", a.contentType}}, a.body)
		if status, _, err := roundTrip(ceil.addr, put); err != nil || status != 204 {
			return fmt.Errorf("recording answer %d in the ceiling: %d %v", n, status, err)
		}
		ceilReqs[n].raw = (&demo{addr: ceil.addr, token: d.token}).render(s, n)
	}
	pick := func(reqs []request) func(w, i int) request {
		return func(w, i int) request { return reqs[(w*7+i)%len(reqs)] }
	}
	warm := min(b.opts.duration/4, 500*time.Millisecond)
	drive(st.addr, 8, warm, 0, pick(stReqs))
	drive(ceil.addr, 8, warm, 0, pick(ceilReqs))
	for _, conns := range b.opts.conns {
		var rs, rc result
		slice := b.opts.duration / time.Duration(b.opts.rounds)
		for r := range b.opts.rounds {
			s := drive(st.addr, conns, slice, 0, pick(stReqs))
			c := drive(ceil.addr, conns, slice, 0, pick(ceilReqs))
			if r == 0 {
				rs, rc = s, c
			} else {
				rs, rc = rs.merge(s), rc.merge(c)
			}
		}
		if rs.failure != nil {
			return fmt.Errorf("stsim at %d connections: %w", conns, rs.failure)
		}
		if rc.failure != nil {
			return fmt.Errorf("ceiling at %d connections: %w", conns, rc.failure)
		}
		fmt.Fprintf(b.out, "| %s | %d | %.0f | %.0f | %.3f | %s | %s | %s | %s |\n", w.name, conns, rs.rate(), rc.rate(),
			rs.rate()/rc.rate(), ms(rs.quantile(0.5)), ms(rs.quantile(0.99)), ms(rc.quantile(0.5)), ms(rc.quantile(0.99)))
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// coldMarks are moments of a cold start, from exec.
type coldMarks struct{ accepting, token time.Duration }

// median returns the middle of ds (sorting ds).
func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// coldTarget is one binary whose cold starts are timed, and what it
// measured: per start, the wall time from exec to ready, the CPU time used
// by then (missing where /proc cannot say) and the moments ready marked.
type coldTarget struct {
	start                   func() (*process, error)
	ready                   func(p *process, at *coldMarks) bool
	walls, cpus, acc, token []time.Duration
}

// once starts the target, waits for ready and records the start.
func (t *coldTarget) once() error {
	p, err := t.start()
	if err != nil {
		return err
	}
	var marks coldMarks
	err = p.waitFor(60*time.Second, func() bool { return t.ready(p, &marks) })
	took := time.Since(p.started)
	used, cpuErr := p.cpuTime()
	p.stop()
	if err != nil {
		return err
	}
	t.walls = append(t.walls, took)
	t.acc = append(t.acc, marks.accepting)
	t.token = append(t.token, marks.token)
	if cpuErr == nil {
		t.cpus = append(t.cpus, used)
	}
	return nil
}

// medians returns the target's median wall time, median CPU time (0 if any
// start lacked it) and median marks.
func (t *coldTarget) medians() (wall, cpu time.Duration, at coldMarks) {
	if len(t.cpus) == len(t.walls) {
		cpu = median(t.cpus)
	}
	return median(t.walls), cpu, coldMarks{accepting: median(t.acc), token: median(t.token)}
}

// coldStarts starts each target b.opts.cold times, round-robin, so that
// all of them see the same moments of the machine (cold starts drift more
// than anything else the bench measures).
func (b *bench) coldStarts(ctx context.Context, targets ...*coldTarget) error {
	for range b.opts.cold {
		for _, t := range targets {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err := t.once(); err != nil {
				return err
			}
		}
	}
	return nil
}

// coldStart starts stsim, the ceiling and the floor several times each,
// with the servers' GOMAXPROCS (-procs) and with Go's default (every core:
// what a user gets, and the two cores the start-up target is set for), all
// round-robin, and prints the median time from exec to stsim's first
// authenticated 200 and to the others' first 200.
func (b *bench) coldStart(ctx context.Context) error {
	if b.opts.cold <= 0 {
		return nil
	}
	// Authenticated: a token, then a customer read with it.
	stsimReady := func(p *process, at *coldMarks) bool {
		if at.accepting == 0 {
			conn, err := net.DialTimeout("tcp", p.addr, time.Second)
			if err != nil {
				return false
			}
			conn.Close()
			at.accepting = time.Since(p.started)
		}
		status, body, err := roundTrip(p.addr, (&demo{addr: p.addr}).render(tokenSteps0(), 0))
		if err != nil || status != 200 {
			return false
		}
		if at.token == 0 { // the first token 200, not a retry's
			at.token = time.Since(p.started)
		}
		tok := string(body)
		i := strings.Index(tok, `"access_token":"`)
		if i < 0 {
			return false
		}
		tok = tok[i+len(`"access_token":"`):]
		tok = tok[:strings.IndexByte(tok, '"')]
		d := &demo{addr: p.addr, token: tok}
		for {
			status, _, err := roundTrip(p.addr, d.render(step{method: "GET", target: tenantPath("crm", "customers/6")}, 0))
			if err != nil {
				return false
			}
			if status == 200 {
				return true
			}
			time.Sleep(pollInterval)
		}
	}
	firstGet := func(p *process, _ *coldMarks) bool { return p.get("/") }
	// One row of targets per GOMAXPROCS setting; the default's only when
	// it differs from -procs.
	type row struct {
		procs                 int
		stsim, ceiling, floor *coldTarget
	}
	settings := []int{b.opts.procs}
	if b.opts.procs > 0 && b.opts.procs != runtime.NumCPU() {
		settings = append(settings, 0)
	}
	var rows []row
	var targets []*coldTarget
	for _, procs := range settings {
		r := row{procs: procs}
		r.stsim = &coldTarget{start: func() (*process, error) {
			return launch("stsim", b.stsim, procs, nil, "-addr", "{addr}")
		}, ready: stsimReady}
		r.ceiling = &coldTarget{start: func() (*process, error) {
			return launch("ceiling", b.self, procs, []string{ceilingEnv + "={addr}"})
		}, ready: firstGet}
		targets = append(targets, r.stsim, r.ceiling)
		if b.floor != "" {
			r.floor = &coldTarget{start: func() (*process, error) {
				return launch("floor", b.floor, procs, nil, "-addr", "{addr}")
			}, ready: firstGet}
			targets = append(targets, r.floor)
		}
		rows = append(rows, r)
	}
	if err := b.coldStarts(ctx, targets...); err != nil {
		return fmt.Errorf("cold start: %w", err)
	}
	withCPU := func(wall, cpu time.Duration) string {
		if cpu == 0 {
			return ms(wall)
		}
		return ms(wall) + " (CPU " + ms(cpu) + ")"
	}
	fmt.Fprintf(b.out, "cold start, medians of %d round-robin starts from exec: stsim to its first authenticated 200 (a token, then a customer GET), the ceiling and the floor (a bare server linked with stsim's libraries: gin, kin-openapi, jwt, bbolt; their package init, no stsim code) to their first 200\n\n", b.opts.cold)
	fmt.Fprintln(b.out, "| servers' GOMAXPROCS | stsim | ceiling | floor | stsim accepting connections | stsim token 200 |")
	fmt.Fprintln(b.out, "|---|---|---|---|---|---|")
	for _, r := range rows {
		st, stCPU, stAt := r.stsim.medians()
		ce, ceCPU, _ := r.ceiling.medians()
		floor := "-"
		if r.floor != nil {
			fl, flCPU, _ := r.floor.medians()
			floor = withCPU(fl, flCPU)
		}
		label := procsLabel(r.procs)
		if r.procs == 0 {
			label = fmt.Sprintf("default (Go's, on %d CPUs)", runtime.NumCPU())
		}
		fmt.Fprintf(b.out, "| %s | %s | %s | %s | %s | %s |\n", label, withCPU(st, stCPU), withCPU(ce, ceCPU), floor, ms(stAt.accepting), ms(stAt.token))
	}
	fmt.Fprintln(b.out)
	if b.opts.coldData == 0 {
		return nil
	}
	data := b.dir + "/cold.db"
	if err := b.fillDataFile(data, b.opts.coldData); err != nil {
		return fmt.Errorf("cold start on bbolt: %w", err)
	}
	onBolt := &coldTarget{start: func() (*process, error) {
		return launch("stsim (bbolt)", b.stsim, b.opts.procs, nil, "-addr", "{addr}", "-data", data)
	}, ready: stsimReady}
	if err := b.coldStarts(ctx, onBolt); err != nil {
		return fmt.Errorf("cold start on bbolt: %w", err)
	}
	bb, bbCPU, _ := onBolt.medians()
	fmt.Fprintf(b.out, "cold start on a bbolt file with %d more customers (median of %d, servers' GOMAXPROCS %s): stsim %s\n\n", b.opts.coldData, b.opts.cold, procsLabel(b.opts.procs), withCPU(bb, bbCPU))
	return nil
}

// fillDataFile makes the bbolt file data: stsim seeds the demo tenant in
// it, then n customers are created through the API.
func (b *bench) fillDataFile(data string, n int) error {
	p, err := b.startStsimOn(data, 0)
	if err != nil {
		return err
	}
	defer p.stop()
	_, err = createCustomers(p, 64, n)
	return err
}

// createCustomers creates n customers (each with a location and a phone
// contact) through p's API over conns connections and returns how many it
// created.
func createCustomers(p *process, conns, n int) (int, error) {
	d, err := discover(p.addr)
	if err != nil {
		return 0, err
	}
	steps, _ := createSteps(d)
	reqs := make([]request, len(steps))
	for k, s := range steps {
		reqs[k] = request{raw: d.render(s, k), want: 200}
	}
	r := drive(p.addr, conns, 0, n, func(w, i int) request { return reqs[(w+i)%len(reqs)] })
	if r.failure != nil {
		return r.requests, fmt.Errorf("creating customers: %w", r.failure)
	}
	return r.requests, nil
}

// memory prints stsim's resident set size at rest and after creating
// customers (each with a location and a phone contact) through the API.
func (b *bench) memory(ctx context.Context) error {
	if len(b.opts.rss) == 0 {
		return nil
	}
	p, err := b.startStsim("memory", b.opts.procs)
	if err != nil {
		return err
	}
	defer p.stop()
	fmt.Fprintln(b.out, "| stsim (memory store) | RSS |")
	fmt.Fprintln(b.out, "|---|---|")
	created := 0
	for _, n := range b.opts.rss {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if n > created {
			k, err := createCustomers(p, 16, n-created)
			if err != nil {
				return err
			}
			created += k
		}
		time.Sleep(time.Second) // let it settle
		mb, err := p.rssMB()
		if err != nil {
			return err
		}
		label := "at rest (demo tenant)"
		if n > 0 {
			label = fmt.Sprintf("with %d more customers", created)
		}
		fmt.Fprintf(b.out, "| %s | %.0f MB |\n", label, mb)
	}
	return nil
}
