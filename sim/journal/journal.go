// Package journal remembers what clients asked of stsim: one entry per
// request (never a secret, token or app key), a bounded ring so it cannot
// exhaust memory, queries and per-operation counts for tests that verify
// their client ("Customers_Create was called 3 times"), and a lint report
// of client mistakes.
package journal

import (
	"cmp"
	"slices"
	"sync"
	"time"
)

// Entry is one request.
type Entry struct {
	Seq        uint64        `json:"seq"`
	Time       time.Time     `json:"time"` // simulator clock
	Method     string        `json:"method"`
	Path       string        `json:"path"`
	Query      string        `json:"query"` // app-key parameter removed
	Operation  string        `json:"operation"`
	Tenant     int64         `json:"tenant"`
	ClientID   string        `json:"clientId"`
	Status     int           `json:"status"`
	Latency    time.Duration `json:"latencyNs"`
	Warnings   []string      `json:"validationWarnings"`
	Effect     string        `json:"scenarioEffect"`
	TraceID    string        `json:"traceId"`
	Page       int           `json:"page"` // page asked for by a list call (0: not a list)
	HasMore    *bool         `json:"hasMore"`
	Problem    string        `json:"problem"` // the refusal's apierr code (apierr.Code*), read by Lint
	RetryAfter time.Duration `json:"retryAfterNs"`
}

// Journal is a bounded, concurrency-safe ring of entries.
type Journal struct {
	mu      sync.Mutex // guards the fields below
	entries []Entry
	next    int    // ring position of the next write
	full    bool   // the ring has wrapped
	seq     uint64 // last sequence number given
	// TokenTTL is the server's access-token lifetime, which lint advice
	// names; set it before the journal is used.
	TokenTTL time.Duration
}

// DefaultCapacity is how many requests a journal keeps by default.
const DefaultCapacity = 10_000

// New returns a journal keeping the last capacity entries.
func New(capacity int) *Journal {
	if capacity < 1 {
		capacity = 1
	}
	return &Journal{entries: make([]Entry, capacity)}
}

// Begin numbers a request as it arrives: entries are ordered by arrival,
// though they are recorded when answered (a quick request that arrived
// later may finish first).
func (j *Journal) Begin() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	return j.seq
}

// Record stores e, replacing the oldest entry when full. An entry not
// numbered by Begin is numbered now.
func (j *Journal) Record(e Entry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if e.Seq == 0 {
		j.seq++
		e.Seq = j.seq
	}
	j.entries[j.next] = e
	j.next++
	if j.next == len(j.entries) {
		j.next, j.full = 0, true
	}
}

// Filter selects entries; zero fields match everything.
type Filter struct {
	Tenant    int64
	ClientID  string
	Operation string // qualified ("crm.Customers_Get") or bare ("Customers_Get")
	Status    int
	Since     time.Time
	Until     time.Time
}

func (f Filter) match(e *Entry) bool {
	switch {
	case f.Tenant != 0 && e.Tenant != f.Tenant:
		return false
	case f.ClientID != "" && e.ClientID != f.ClientID:
		return false
	case f.Operation != "" && e.Operation != f.Operation && !hasSuffixOp(e.Operation, f.Operation):
		return false
	case f.Status != 0 && e.Status != f.Status:
		return false
	case !f.Since.IsZero() && e.Time.Before(f.Since):
		return false
	case !f.Until.IsZero() && !e.Time.Before(f.Until):
		return false
	}
	return true
}

func hasSuffixOp(qualified, bare string) bool {
	return len(qualified) > len(bare) && qualified[len(qualified)-len(bare)-1:] == "."+bare
}

// Entries returns the matching entries in order of arrival.
func (j *Journal) Entries(f Filter) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := []Entry{}
	j.each(func(e *Entry) {
		if f.match(e) {
			c := *e
			c.Warnings = slices.Clone(e.Warnings)
			out = append(out, c)
		}
	})
	slices.SortStableFunc(out, func(a, b Entry) int { return cmp.Compare(a.Seq, b.Seq) })
	return out
}

// each visits the stored entries oldest first; j.mu must be held.
func (j *Journal) each(fn func(*Entry)) {
	if j.full {
		for i := j.next; i < len(j.entries); i++ {
			fn(&j.entries[i])
		}
	}
	for i := 0; i < j.next; i++ {
		fn(&j.entries[i])
	}
}

// Counts returns how many matching requests each operation received.
func (j *Journal) Counts(f Filter) map[string]int {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := map[string]int{}
	j.each(func(e *Entry) {
		if f.match(e) {
			out[e.Operation]++
		}
	})
	return out
}

// Clear forgets everything recorded so far.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.entries)
	j.next, j.full = 0, false
}
