package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// waitFor polls the logs until they contain want, failing after 30 s.
func waitFor(t *testing.T, logs interface{ String() string }, want string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if strings.Contains(logs.String(), want) {
			return
		}
	}
	t.Fatalf("the logs never said %q:\n%s", want, logs)
}

func TestLogsSayReadyAndShuttingDownAndKeepHealthAtDebug(t *testing.T) {
	srv := startServe(t)
	waitFor(t, srv.stderr, "msg=\"ready: /_sim/health answers 200\" url="+srv.base)
	if !strings.Contains(srv.stderr.String(), "startup=") {
		t.Errorf("the ready line does not say how long startup took: %s", srv.stderr)
	}
	for i := 0; i < 3; i++ {
		resp, err := http.Get(srv.base + "/_sim/health")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("health after the ready line: %v %v", err, resp)
		}
		resp.Body.Close()
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
	logs := srv.stderr.String()
	if strings.Contains(logs, "path=/_sim/health") {
		t.Errorf("health polls were logged at info:\n%s", logs)
	}
	shutdown, stopped := strings.Index(logs, "shutting down"), strings.Index(logs, "msg=stopped")
	if shutdown < 0 || stopped < shutdown {
		t.Errorf("want a 'shutting down' line, then 'stopped':\n%s", logs)
	}

	// At debug, health polls are there.
	debug := startServe(t, "-log-level", "debug")
	waitFor(t, debug.stderr, "ready")
	resp, err := http.Get(debug.base + "/_sim/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	waitFor(t, debug.stderr, "path=/_sim/health")
}

// TestJSONLogFormatIsJSONThroughout: with -log-format json nothing but JSON
// lines is written (the banner becomes a log record), so a log collector can
// parse every line.
func TestJSONLogFormatIsJSONThroughout(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stdout strings.Builder
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-log-format", "json"}, noEnv, &stdout, stderr)
	}()
	waitFor(t, stderr, `"msg":"ready: /_sim/health answers 200"`)
	var banner struct {
		URL          string `json:"url"`
		ClientSecret string `json:"clientSecret"`
	}
	for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		if strings.Contains(line, "clientSecret") {
			if err := json.Unmarshal([]byte(line), &banner); err != nil {
				t.Fatalf("banner line is not JSON: %v: %s", err, line)
			}
		}
	}
	if !strings.HasPrefix(banner.URL, "http://127.0.0.1:") || !strings.HasPrefix(banner.ClientSecret, "cs1.") {
		t.Fatalf("no banner record with url and clientSecret: %s", stderr)
	}
	resp, err := http.Post(banner.URL+"/connect/token", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d", code)
	}
	if stdout.Len() != 0 {
		t.Errorf("json mode wrote to stdout: %q", stdout.String())
	}
	for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("not a JSON line: %s", line)
		}
	}
	if !strings.Contains(stderr.String(), "shutting down") {
		t.Errorf("no shutting-down record: %s", stderr)
	}
}
