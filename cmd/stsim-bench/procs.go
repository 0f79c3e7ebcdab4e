package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// process is a server the bench started: stsim's binary or the ceiling.
type process struct {
	name    string
	addr    string // host:port on loopback
	cmd     *exec.Cmd
	started time.Time
	exited  chan struct{} // closed when the process has ended
}

// freeAddr returns a loopback address no one listens on right now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// launch starts bin with args and GOMAXPROCS=procs (0: the Go default);
// its output goes to /dev/null, as a log nobody reads would.
func launch(name, bin string, procs int, env []string, args ...string) (*process, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	for i, a := range args {
		args[i] = strings.ReplaceAll(a, "{addr}", addr)
	}
	cmd := exec.Command(bin, args...)
	// The bench's own GOMAXPROCS is not passed on: 0 means Go's default.
	cmd.Env = slices.DeleteFunc(append(os.Environ(), env...), func(e string) bool { return strings.HasPrefix(e, "GOMAXPROCS=") })
	for i, e := range cmd.Env {
		cmd.Env[i] = strings.ReplaceAll(e, "{addr}", addr)
	}
	if procs > 0 {
		cmd.Env = append(cmd.Env, "GOMAXPROCS="+strconv.Itoa(procs))
	}
	p := &process{name: name, addr: addr, cmd: cmd, started: time.Now(), exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() { _ = cmd.Wait(); close(p.exited) }()
	return p, nil
}

// pollInterval is how often a start is polled: short, since cold starts
// are timed with it.
const pollInterval = 200 * time.Microsecond

// waitFor polls until ok reports true, or fails after timeout.
func (p *process) waitFor(timeout time.Duration, ok func() bool) error {
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not become ready within %v", p.name, timeout)
		}
		select {
		case <-p.exited:
			return fmt.Errorf("%s exited before it was ready", p.name)
		case <-time.After(pollInterval):
		}
	}
	return nil
}

// get reports whether GET path answers 200.
func (p *process) get(path string) bool {
	status, _, err := roundTrip(p.addr, rawRequest("GET", p.addr, path, nil, nil))
	return err == nil && status == 200
}

// stop ends the process (interrupt, then kill after five seconds).
func (p *process) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// rssMB reads the process's resident set size from /proc (Linux only).
func (p *process) rssMB() (float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for line := range bytes.Lines(data) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			f := strings.Fields(string(rest))
			kb, err := strconv.ParseFloat(f[0], 64)
			return kb / 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", p.cmd.Process.Pid)
}

// cpuTime reads the CPU time the process has run so far, all its threads
// together, from /proc (Linux only): a cost that, unlike wall time, other
// work on a shared machine barely changes.
func (p *process) cpuTime() (time.Duration, error) {
	stats, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", p.cmd.Process.Pid))
	if err != nil || len(stats) == 0 {
		return 0, fmt.Errorf("no /proc/%d/task/*/schedstat", p.cmd.Process.Pid)
	}
	var total time.Duration
	for _, f := range stats {
		data, err := os.ReadFile(f)
		if err != nil {
			continue // a thread that has exited
		}
		fields := strings.Fields(string(data))
		if len(fields) == 0 {
			continue
		}
		ns, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %v", f, err)
		}
		total += time.Duration(ns)
	}
	return total, nil
}

// build compiles the command pkg (a path under this module, e.g.
// "cmd/stsim") into dir and returns the binary's path.
func build(ctx context.Context, dir, pkg string) (string, error) {
	bin := filepath.Join(dir, filepath.Base(pkg))
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/stsim/stsim/"+pkg).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build ./%s: %v\n%s", pkg, err, out)
	}
	return bin, nil
}
