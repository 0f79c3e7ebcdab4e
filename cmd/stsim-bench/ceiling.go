package main

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// ceilingEnv, when set to an address, makes this program the ceiling server:
// the bench starts itself again in that mode, so the ceiling runs in its own
// process with the same GOMAXPROCS as stsim.
const ceilingEnv = "STSIM_BENCH_CEILING"

// bodyHeader picks which recorded answer the ceiling sends back; the bench
// sends it to stsim too (which ignores it), so both read the same bytes.
const bodyHeader = "X-Bench-Body"

// answer is one recorded stsim response.
type answer struct {
	status      int
	contentType string
	body        []byte
}

// ceiling is a bare net/http handler that answers every request with a
// recorded stsim response: the most a Go HTTP server can do on this machine
// for the same bytes in and out. The bench records answers with
// PUT /__ceiling/{n} (body = the answer, X-Status and Content-Type headers).
type ceiling struct {
	mu      sync.RWMutex
	answers map[int]answer
}

func (c *ceiling) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/__ceiling/"); ok && r.Method == http.MethodPut {
		n, err1 := strconv.Atoi(rest)
		status, err2 := strconv.Atoi(r.Header.Get("X-Status"))
		body, err3 := io.ReadAll(io.LimitReader(r.Body, 64<<20))
		if err1 != nil || err2 != nil || err3 != nil {
			http.Error(w, "bad answer", http.StatusBadRequest)
			return
		}
		c.mu.Lock()
		c.answers[n] = answer{status: status, contentType: r.Header.Get("Content-Type"), body: body}
		c.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	// Read the request as a server must, then send the recorded bytes.
	_, _ = io.Copy(io.Discard, r.Body)
	n, _ := strconv.Atoi(r.Header.Get(bodyHeader))
	c.mu.RLock()
	a, ok := c.answers[n]
	c.mu.RUnlock()
	if !ok {
		w.WriteHeader(http.StatusOK) // readiness probe and unrecorded paths
		return
	}
	w.Header().Set("Content-Type", a.contentType)
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// serveCeiling runs the ceiling on addr until the process is stopped.
func serveCeiling(addr string) error {
	return http.ListenAndServe(addr, &ceiling{answers: map[int]answer{}})
}
