package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stsim/stsim/sim"
)

func TestVersionNamesBuildAndDocuments(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"-version"}, {"-addr", "127.0.0.1:1", "--version"}} {
		var stdout strings.Builder
		if code := run(context.Background(), args, noEnv, &stdout, &strings.Builder{}); code != 0 {
			t.Fatalf("%v: exit %d", args, code)
		}
		out := stdout.String()
		if !strings.HasPrefix(out, "stsim devel (go1.") {
			t.Errorf("%v: first line %q", args, strings.SplitN(out, "\n", 2)[0])
		}
		for _, m := range sim.Modules {
			v, err := documentVersion(m.File())
			if err != nil || !strings.Contains(v, "+ref.") {
				t.Fatalf("%s: version %q, %v", m.File(), v, err)
			}
			if !strings.Contains(out, m.Name) || !strings.Contains(out, v) || !strings.Contains(out, m.Export) {
				t.Errorf("%v: output lacks %s %s %s:\n%s", args, m.Name, v, m.Export, out)
			}
		}
	}
}

// TestVersionFromLdflags builds the binary as the Dockerfile does and checks
// the stamped version is what it prints.
func TestVersionFromLdflags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "stsim")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=v9.8.7", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "stsim v9.8.7 (") {
		t.Fatalf("stamped binary says %q (%v)", out, err)
	}
}

func TestHelpListsCommandsAndTypedFlags(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"serve", "--help"}} {
		var stdout strings.Builder
		if code := run(context.Background(), args, noEnv, &stdout, &strings.Builder{}); code != 0 {
			t.Fatalf("%v: exit %d", args, code)
		}
		out := stdout.String()
		for _, c := range commands() {
			if !strings.Contains(out, "stsim "+c.name) {
				t.Errorf("%v: help lacks command %s", args, c.name)
			}
		}
		for _, want := range []string{"-token-ttl duration", "-addr host:port", "STSIM_CONTROL_TOKEN"} {
			if !strings.Contains(out, want) {
				t.Errorf("%v: help lacks %q", args, want)
			}
		}
		if strings.Contains(out, " value\n") {
			t.Errorf("%v: help shows a flag as 'value':\n%s", args, out)
		}
	}
}

func TestHealthCommandAsksTheRunningServer(t *testing.T) {
	srv := startServe(t)
	addr := strings.TrimPrefix(srv.base, "http://")
	var stdout, stderr strings.Builder
	if code := run(context.Background(), []string{"health", "-addr", addr}, noEnv, &stdout, &stderr); code != 0 {
		t.Fatalf("health of a running stsim: exit %d: %s", code, stderr.String())
	}
	// The environment works as for serve, the way a container runs it.
	env := func(k string) string {
		if k == "STSIM_ADDR" {
			return addr
		}
		return ""
	}
	if code := run(context.Background(), []string{"health"}, env, &stdout, &stderr); code != 0 {
		t.Fatalf("health via STSIM_ADDR: exit %d: %s", code, stderr.String())
	}
	srv.stop(t)
	stderr.Reset()
	if code := run(context.Background(), []string{"health", "-addr", addr}, noEnv, &stdout, &stderr); code != 1 || stderr.Len() == 0 {
		t.Fatalf("health of a stopped stsim: exit %d, stderr %q; want 1 and a reason", code, stderr.String())
	}
}

func TestDialableAddress(t *testing.T) {
	for in, want := range map[string]string{"0.0.0.0:8080": "127.0.0.1:8080", ":9000": "127.0.0.1:9000",
		"[::]:8080": "[::1]:8080", "10.1.2.3:80": "10.1.2.3:80", "localhost:1": "localhost:1"} {
		if got := dialable(in); got != want {
			t.Errorf("dialable(%q) = %q, want %q", in, got, want)
		}
	}
}
