package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func noEnv(string) string { return "" }

// served is `stsim serve` running in this process on a loopback port.
type served struct {
	base   string      // http://127.0.0.1:port from the banner
	curl   string      // the banner's token curl line
	stderr *syncBuffer // the logs
	cancel context.CancelFunc
	done   chan int // the exit code, once run returns
}

// startServe runs the command with args plus -addr 127.0.0.1:0 and reads the
// banner for the address, as a user would.
func startServe(t *testing.T, args ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, outW := io.Pipe()
	s := &served{stderr: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	go func() {
		s.done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), noEnv, outW, s.stderr)
		outW.Close()
	}()
	banner := bufio.NewScanner(out)
	for banner.Scan() {
		line := banner.Text()
		if m := regexp.MustCompile(`listening\s+(https?://\S+)`).FindStringSubmatch(line); m != nil {
			s.base = m[1]
		}
		if strings.Contains(line, "curl -s") {
			s.curl = line
			break
		}
	}
	go io.Copy(io.Discard, out)
	t.Cleanup(func() { s.stop(t) })
	if s.base == "" {
		t.Fatalf("banner lacks the address; logs: %s", s.stderr)
	}
	return s
}

// stop cancels the command and returns its exit code (once).
func (s *served) stop(t *testing.T) int {
	t.Helper()
	s.cancel()
	select {
	case code := <-s.done:
		s.done <- code
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("run did not shut down after cancel")
		return -1
	}
}

// syncBuffer is a strings.Builder safe for the server's and the test's goroutines.
type syncBuffer struct {
	mu sync.Mutex // guards b
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeBannerTokenCall runs the command as a user would: on a real port,
// reading the banner for the address and credentials, then calling it.
func TestServeBannerTokenCall(t *testing.T) {
	srv := startServe(t, "-strict-responses")
	base, curl := srv.base, srv.curl
	if !strings.Contains(curl, "client_secret=cs1.stsimdemosecret") {
		t.Fatalf("banner lacks the token curl: %q", curl)
	}

	health, err := http.Get(base + "/_sim/health")
	if err != nil || health.StatusCode != 200 {
		t.Fatalf("health: %v %v", err, health)
	}
	resp, err := http.PostForm(base+"/connect/token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {"cid.stsimdemoclient0000000001"}, "client_secret": {"cs1.stsimdemosecret00000000000000000000000000000000001"}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("token: %v %v", err, resp)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	req, _ := http.NewRequest("GET", base+"/jbce/v2/tenant/1234567/call-reasons", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("ST-App-Key", "ak1.stsimdemoappkey0000000001")
	call, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	call.Body.Close()
	if call.StatusCode == 401 || call.StatusCode == 403 || call.StatusCode >= 500 && call.StatusCode != 501 {
		t.Fatalf("authenticated call answered %d", call.StatusCode)
	}

	if code := srv.stop(t); code != 0 {
		t.Fatalf("run exited %d: %s", code, srv.stderr)
	}
	if !strings.Contains(srv.stderr.String(), "path=/connect/token") {
		t.Errorf("the access log did not reach stderr: %q", srv.stderr)
	}
}

func TestBadFlagsFailWithOneLine(t *testing.T) {
	for _, args := range [][]string{{"-addr", "nonsense"}, {"-validation", "maybe"}, {"-nope"}} {
		var stdout, stderr strings.Builder
		code := run(context.Background(), args, noEnv, &stdout, &stderr)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if msg := strings.TrimSpace(stderr.String()); msg == "" || (args[0] != "-nope" && strings.Contains(msg, "\n")) {
			t.Errorf("%v: stderr = %q, want one line", args, msg)
		}
	}
	var stderr strings.Builder
	if code := run(context.Background(), nil, func(k string) string {
		if k == "STSIM_RATE_LIMIT" {
			return "lots"
		}
		return ""
	}, io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), "STSIM_RATE_LIMIT") {
		t.Errorf("bad env: exit %d, %q", code, stderr.String())
	}
}

func TestOpsListsEveryModuleWithATotal(t *testing.T) {
	var stdout, stderr strings.Builder
	if code := run(context.Background(), []string{"ops", "-all"}, noEnv, &stdout, &stderr); code != 0 {
		t.Fatalf("ops exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"crm.Customers_Get", "GET", "/crm/v2/tenant/{tenant}/customers/{id}", "tn.crm.customers:r",
		"crm ", "jpm ", "dispatch ", "settings ", "marketing ", "jbce ", "of 202 operations"} {
		if !strings.Contains(out, want) {
			t.Errorf("ops output lacks %q", want)
		}
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"ops", "-module", "jbce", "-all"}, noEnv, &stdout, &stderr); code != 0 ||
		!strings.Contains(stdout.String(), "jbce 1/1") || strings.Contains(stdout.String(), "crm.") {
		t.Errorf("ops -module jbce: %d %q", code, stdout.String())
	}
	if code := run(context.Background(), []string{"ops", "-module", "nosuch"}, noEnv, io.Discard, io.Discard); code != 2 {
		t.Errorf("unknown module: exit %d, want 2", code)
	}
}
