package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stsim/stsim/sim"
	"github.com/stsim/stsim/sim/clock"
	"github.com/stsim/stsim/sim/simtest"
)

// cli runs the command against srv with the demo credentials (the
// defaults) and returns its exit code and output.
func cli(t *testing.T, srv *simtest.Server, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		if k == "SE_AUTH_URL" || k == "SE_API_URL" {
			return srv.URL
		}
		return ""
	}
	code := run(context.Background(), args, &out, &errOut, getenv)
	return code, out.String(), errOut.String()
}

// startNow starts stsim with its clock frozen at the wall clock's now: the
// CLI picks "tomorrow" from the wall clock.
func startNow(t *testing.T) *simtest.Server {
	return simtest.Start(t, func(o *sim.Options) { o.Clock = clock.NewFrozen(time.Now()) })
}

func TestDemoRunsTheWholeFlow(t *testing.T) {
	srv := startNow(t)
	code, out, errOut := cli(t, srv, nil, "demo")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, step := range []string{"connect", "reference data", "availability", "book, new customer", "book, same booking ID",
		"book, returning", "do-not-service", "bookings inbox", "reschedule", "cancel", "sync (export feeds)", "done: 11 steps, 1 token request(s)"} {
		if !strings.Contains(out, step) {
			t.Errorf("demo output lacks %q:\n%s", step, out)
		}
	}
	if strings.Contains(out, "FAILED") {
		t.Errorf("a step failed:\n%s", out)
	}
	lint := srv.Control(t, "GET", "/_sim/lint?tenant=1234567", nil).Map(t)
	if f := lint["findings"].([]any); len(f) != 0 {
		t.Errorf("lint findings for the demo run: %v", f)
	}
}

func TestConnectReportsTheFailingStep(t *testing.T) {
	srv := startNow(t)
	code, out, _ := cli(t, srv, nil, "connect")
	if code != 0 || !strings.Contains(out, "connected: tenant 1234567") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	code, out, _ = cli(t, srv, map[string]string{"SE_CLIENT_SECRET": "cs1.wrong"}, "connect")
	if code != 1 || !strings.Contains(out, "FAIL token") || !strings.Contains(out, "problem: wrong-secret") {
		t.Errorf("wrong secret (from the environment): exit %d:\n%s", code, out)
	}
	// A flag beats its environment variable.
	code, out, _ = cli(t, srv, map[string]string{"SE_CLIENT_SECRET": "cs1.wrong"}, "connect", "-client-secret", simtest.ClientSecret, "-json")
	var rep struct {
		Connected bool `json:"connected"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || !rep.Connected {
		t.Errorf("flag over env, -json: exit %d:\n%s", code, out)
	}
}

func TestAvailabilityBookRescheduleCancelSync(t *testing.T) {
	srv := startNow(t)
	code, out, errOut := cli(t, srv, nil, "availability", "-days", "3", "-json")
	var slots []struct {
		Start time.Time `json:"Start"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &slots) != nil || len(slots) == 0 {
		t.Fatalf("availability: exit %d %s %s", code, out, errOut)
	}
	code, out, errOut = cli(t, srv, nil, "book", "-json", "-name", "Ada Byron", "-phone", "312-555-0142", "-street", "9 Analytical Way",
		"-city", "Chicago", "-state", "IL", "-zip", "60601", "-start", slots[0].Start.Format(time.RFC3339))
	var booked struct {
		JobID, AppointmentID int64
	}
	if code != 0 || json.Unmarshal([]byte(out), &booked) != nil || booked.JobID == 0 {
		t.Fatalf("book: exit %d %s %s", code, out, errOut)
	}
	code, out, errOut = cli(t, srv, nil, "reschedule", "-appointment", itoa(booked.AppointmentID), "-start", slots[len(slots)-1].Start.Format(time.RFC3339))
	if code != 0 || !strings.Contains(out, "moved to") {
		t.Fatalf("reschedule: exit %d %s %s", code, out, errOut)
	}
	code, out, errOut = cli(t, srv, nil, "cancel", "-job", itoa(booked.JobID))
	if code != 0 || !strings.Contains(out, "is Canceled") {
		t.Fatalf("cancel: exit %d %s %s", code, out, errOut)
	}
	code, out, errOut = cli(t, srv, nil, "cancel", "-job", itoa(booked.JobID))
	if code != 1 || !strings.Contains(errOut, "call the office") {
		t.Errorf("cancel twice: exit %d %s %s", code, out, errOut)
	}
	cursor := t.TempDir() + "/cursor.json"
	code, out, errOut = cli(t, srv, nil, "sync", "-cursor", cursor)
	if code != 0 || !strings.Contains(out, "job Canceled") {
		t.Fatalf("sync: exit %d %s %s", code, out, errOut)
	}
	code, out, _ = cli(t, srv, nil, "sync", "-cursor", cursor)
	if code != 0 || !strings.HasPrefix(out, "0 changes") {
		t.Errorf("second sync from the stored cursor: exit %d %s", code, out)
	}
	lint := srv.Control(t, "GET", "/_sim/lint?tenant=1234567", nil).Map(t)
	if f := lint["findings"].([]any); len(f) != 0 {
		t.Errorf("lint findings: %v", f)
	}
}

func TestUsageErrors(t *testing.T) {
	srv := startNow(t)
	for _, args := range [][]string{{}, {"nope"}, {"book"}, {"cancel"}, {"connect", "-bogus"}, {"connect", "extra"}} {
		if code, _, errOut := cli(t, srv, nil, args...); code != 2 || errOut == "" {
			t.Errorf("%q: exit %d, stderr %q; want 2 with a message", args, code, errOut)
		}
	}
	if code, _, _ := cli(t, srv, nil, "connect", "-tenant", "abc"); code != 1 {
		t.Errorf("bad tenant: exit %d", code)
	}
	_ = http.StatusOK
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// follow reports an inbox booking's state: undecided (exit 1), converted
// with its job (exit 0), dismissed with its reason (exit 1).
func TestFollowInboxBooking(t *testing.T) {
	srv := startNow(t)
	book := func(id string) int64 {
		t.Helper()
		code, out, errOut := cli(t, srv, nil, "book", "-inbox", "-json", "-booking-id", id, "-name", "Ada Byron", "-phone", "312-555-0142",
			"-street", "9 Analytical Way", "-city", "Chicago", "-state", "IL", "-zip", "60601")
		var filed struct{ Booking struct{ ID int64 } }
		if code != 0 || json.Unmarshal([]byte(out), &filed) != nil || filed.Booking.ID == 0 {
			t.Fatalf("book -inbox: exit %d %s %s", code, out, errOut)
		}
		return filed.Booking.ID
	}
	converted := book("se-follow-1")
	if code, out, errOut := cli(t, srv, nil, "follow", "-booking-id", "se-follow-1"); code != 1 || !strings.Contains(out, "is New: the office has not decided yet") {
		t.Fatalf("follow, undecided: exit %d %s %s", code, out, errOut)
	}
	srv.Control(t, "POST", "/_sim/tenants/1234567/bookings/"+itoa(converted)+"/convert", nil).OK(t)
	code, out, errOut := cli(t, srv, nil, "follow", "-booking-id", "se-follow-1")
	if code != 0 || !strings.Contains(out, "converted by the office: job ") || !strings.Contains(out, "(Scheduled)") {
		t.Fatalf("follow, converted: exit %d %s %s", code, out, errOut)
	}
	dismissed := book("se-follow-2")
	srv.Control(t, "POST", "/_sim/tenants/1234567/bookings/"+itoa(dismissed)+"/dismiss", map[string]any{"dismissingReasonId": 1494}).OK(t)
	code, out, errOut = cli(t, srv, nil, "follow", "-booking-id", "se-follow-2", "-wait", "1m")
	if code != 1 || !strings.Contains(out, "dismissed by the office (call reason 1494)") {
		t.Errorf("follow, dismissed: exit %d %s %s", code, out, errOut)
	}
	if code, _, errOut := cli(t, srv, nil, "follow"); code != 2 || errOut == "" {
		t.Errorf("follow without -booking-id: exit %d %q", code, errOut)
	}
}

// rewritingProxy stands between the CLI and srv and rewrites the bookings
// the API answers: stsim's office never marks a booking Accepted, and
// always gives a converted one its jobId, but a real tenant may not.
func rewritingProxy(t *testing.T, srv *simtest.Server, rewrite func(body string) string) map[string]string {
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	// Its own connections to stsim, none kept: once, on
	// http.DefaultTransport's pool (shared with the in-process CLI), the
	// proxy's read of an answer failed with "use of closed network
	// connection", cause not found; this keeps the proxy out of that pool.
	proxy.Transport = &http.Transport{DisableKeepAlives: true}
	direct := proxy.Director
	proxy.Director = func(r *http.Request) {
		direct(r)
		r.Header.Del("Accept-Encoding") // bodies to rewrite, not compressed
	}
	proxy.ModifyResponse = func(resp *http.Response) error {
		if !strings.Contains(resp.Request.URL.Path, "/bookings") {
			return nil
		}
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		body := rewrite(string(data))
		resp.Body, resp.ContentLength = io.NopCloser(strings.NewReader(body)), int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	front := httptest.NewServer(proxy)
	t.Cleanup(front.Close)
	return map[string]string{"SE_AUTH_URL": front.URL, "SE_API_URL": front.URL}
}

// follow treats any status but New as the office's decision: Accepted
// with a job is followed to it (exit 0); a decided booking that names no
// job says so (exit 1).
func TestFollowAcceptedOrJoblessBooking(t *testing.T) {
	srv := startNow(t)
	code, out, errOut := cli(t, srv, nil, "book", "-inbox", "-json", "-booking-id", "se-accepted", "-name", "Ada Byron", "-phone", "312-555-0142",
		"-street", "9 Analytical Way", "-city", "Chicago", "-state", "IL", "-zip", "60601")
	var filed struct{ Booking struct{ ID int64 } }
	if code != 0 || json.Unmarshal([]byte(out), &filed) != nil {
		t.Fatalf("book -inbox: exit %d %s %s", code, out, errOut)
	}
	srv.Control(t, "POST", "/_sim/tenants/1234567/bookings/"+itoa(filed.Booking.ID)+"/convert", nil).OK(t)

	accepted := rewritingProxy(t, srv, func(body string) string {
		return strings.ReplaceAll(body, `"status":"Converted"`, `"status":"Accepted"`)
	})
	code, out, errOut = cli(t, srv, accepted, "follow", "-booking-id", "se-accepted")
	if code != 0 || !strings.Contains(out, "accepted by the office: job ") {
		t.Errorf("follow, accepted with a job: exit %d %s %s", code, out, errOut)
	}
	jobless := rewritingProxy(t, srv, func(body string) string {
		return regexp.MustCompile(`"jobId":\d+`).ReplaceAllString(body, `"jobId":null`)
	})
	code, out, errOut = cli(t, srv, jobless, "follow", "-booking-id", "se-accepted")
	if code != 1 || !strings.Contains(out, "converted by the office, but it names no job") {
		t.Errorf("follow, converted without a job: exit %d %s %s", code, out, errOut)
	}
}
