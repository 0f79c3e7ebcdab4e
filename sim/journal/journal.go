// Package journal remembers what clients asked of stsim: one entry per
// request (never a secret, token or app key), a bounded ring so it cannot
// exhaust memory, queries and per-operation counts for tests that verify
// their client ("Customers_Create was called 3 times"), and a lint report
// of client mistakes.
package journal

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Entry is one request.
type Entry struct {
	Seq        uint64        `json:"seq"`
	Time       time.Time     `json:"time"` // simulator clock
	Method     string        `json:"method"`
	Path       string        `json:"path"`
	Query      string        `json:"query"` // secret parameters redacted (see sim.redactQuery)
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

// Journal is a bounded, concurrency-safe ring of entries: it keeps at most
// capacity entries and about maxBytes of them, dropping the oldest first.
// The ring grows to its capacity as requests arrive, so an idle journal
// costs nothing (10,000 entries allocated up front were 2.3 MB of memory
// and about a millisecond of every start).
type Journal struct {
	mu       sync.Mutex // guards the fields below
	entries  []Entry    // the ring, len(entries) <= capacity
	capacity int
	head     int    // ring position of the oldest entry
	count    int    // entries held
	bytes    int    // their estimated size
	maxBytes int    // bound on bytes
	seq      uint64 // last sequence number given
	// TokenTTL is the server's access-token lifetime, which lint advice
	// names; set it before the journal is used.
	TokenTTL time.Duration
}

// Limits on what one entry keeps: longer paths, queries and warnings are
// cut, so an entry costs at most a few kilobytes whatever the client sent.
const (
	MaxPathBytes    = 512
	MaxQueryBytes   = 1024
	MaxWarnings     = 8
	MaxWarningBytes = 256
	// entryOverhead is an entry's size beyond its strings.
	entryOverhead = 256
)

// DefaultCapacity is how many requests a journal keeps by default.
const DefaultCapacity = 10_000

// DefaultMaxBytes bounds a journal's memory by default.
const DefaultMaxBytes = 32 << 20

// New returns a journal keeping the last capacity entries, within maxBytes
// (DefaultMaxBytes when maxBytes <= 0).
func New(capacity, maxBytes int) *Journal {
	if capacity < 1 {
		capacity = 1
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return &Journal{capacity: capacity, maxBytes: maxBytes}
}

// firstRing is the ring's length once the first entry arrives.
const firstRing = 64

// grow doubles the ring (up to its capacity), oldest entry first; j.mu
// must be held.
func (j *Journal) grow() {
	next := make([]Entry, min(max(2*len(j.entries), firstRing), j.capacity))
	for i := range j.count {
		next[i] = j.entries[(j.head+i)%len(j.entries)]
	}
	j.entries, j.head = next, 0
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

// Record stores e, cut to the per-entry limits, dropping the oldest entries
// while the journal is over its capacity or byte bound. An entry not
// numbered by Begin is numbered now.
func (j *Journal) Record(e Entry) {
	bound(&e)
	size := e.size()
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.count == len(j.entries) && len(j.entries) < j.capacity {
		j.grow()
	}
	for j.count > 0 && (j.count == len(j.entries) || j.bytes+size > j.maxBytes) {
		j.bytes -= j.entries[j.head].size()
		j.entries[j.head] = Entry{}
		j.head = (j.head + 1) % len(j.entries)
		j.count--
	}
	if e.Seq == 0 {
		j.seq++
		e.Seq = j.seq
	}
	j.entries[(j.head+j.count)%len(j.entries)] = e
	j.count++
	j.bytes += size
}

// bound cuts an entry's client-supplied strings to the per-entry limits.
func bound(e *Entry) {
	e.Path = truncate(e.Path, MaxPathBytes)
	e.Query = truncate(e.Query, MaxQueryBytes)
	if len(e.Warnings) > MaxWarnings {
		e.Warnings = append(e.Warnings[:MaxWarnings:MaxWarnings], fmt.Sprintf("… and %d more", len(e.Warnings)-MaxWarnings))
	}
	for i, w := range e.Warnings {
		e.Warnings[i] = truncate(w, MaxWarningBytes)
	}
	e.ClientID = truncate(e.ClientID, MaxWarningBytes)
}

// truncate cuts s to at most max bytes on a rune boundary, marking the cut.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.Clone(s[:cut]) + "…"
}

// size estimates the memory an entry holds.
func (e *Entry) size() int {
	n := entryOverhead + len(e.Method) + len(e.Path) + len(e.Query) + len(e.Operation) +
		len(e.ClientID) + len(e.Effect) + len(e.TraceID) + len(e.Problem)
	for _, w := range e.Warnings {
		n += len(w) + 16
	}
	return n
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
	for i := 0; i < j.count; i++ {
		fn(&j.entries[(j.head+i)%len(j.entries)])
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
	j.entries = nil
	j.head, j.count, j.bytes = 0, 0, 0
}
