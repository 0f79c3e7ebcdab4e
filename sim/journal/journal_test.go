package journal

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stsim/stsim/sim/apierr"
)

func TestRecordKeepsEntriesWithinTheirLimitsAndTheJournalWithinItsBytes(t *testing.T) {
	const maxBytes = 64 << 10
	j := New(1000, maxBytes)
	huge := strings.Repeat("é", 1<<15) // 64 KiB of two-byte runes
	for i := range 300 {
		j.Record(Entry{Method: "GET", Path: "/" + huge, Query: "q=" + huge, ClientID: huge,
			Warnings: []string{huge, huge, huge, huge, huge, huge, huge, huge, huge, huge}, TraceID: "t"})
		if j.bytes > maxBytes {
			t.Fatalf("after %d records the journal holds %d bytes, over its %d", i+1, j.bytes, maxBytes)
		}
	}
	got := j.Entries(Filter{})
	if len(got) == 0 || len(got) >= 300 {
		t.Fatalf("kept %d entries of 300", len(got))
	}
	for _, e := range got {
		if len(e.Path) > MaxPathBytes || len(e.Query) > MaxQueryBytes || len(e.Warnings) > MaxWarnings+1 {
			t.Fatalf("entry over its limits: path %d, query %d, warnings %d", len(e.Path), len(e.Query), len(e.Warnings))
		}
		if !utf8.ValidString(e.Path) || !strings.HasSuffix(e.Path, "…") {
			t.Fatalf("a cut path must stay UTF-8 and say it was cut: %q", e.Path[len(e.Path)-8:])
		}
	}
	if last := got[len(got)-1].Seq; last != 300 {
		t.Fatalf("newest entry has seq %d, want 300", last)
	}
}

func TestRecordDropsTheOldestAtCapacity(t *testing.T) {
	j := New(3, 0)
	for _, p := range []string{"/a", "/b", "/c", "/d", "/e"} {
		j.Record(Entry{Path: p})
	}
	var paths []string
	for _, e := range j.Entries(Filter{}) {
		paths = append(paths, e.Path)
	}
	if strings.Join(paths, ",") != "/c,/d,/e" {
		t.Fatalf("kept %v, want the newest three in order", paths)
	}
	j.Clear()
	if n := len(j.Entries(Filter{})); n != 0 || j.bytes != 0 {
		t.Fatalf("after Clear: %d entries, %d bytes", n, j.bytes)
	}
}

// TestRingGrowsInOrder: the ring grows as entries arrive, also after the
// byte bound has moved its oldest entry off the ring's start, and keeps
// them in order up to its capacity.
func TestRingGrowsInOrder(t *testing.T) {
	const capacity = 200
	j := New(capacity, 0)
	if len(j.entries) != 0 {
		t.Fatalf("a new journal allocated %d entries", len(j.entries))
	}
	big := Entry{Path: strings.Repeat("p", MaxPathBytes)}
	const records = capacity + 60 // 50 dropped by bytes, then the oldest ten at capacity
	for i := range records {
		if i == 40 { // drop some by bytes while the ring is still small
			j.maxBytes = 10 * big.size()
		}
		if i == 60 {
			j.maxBytes = DefaultMaxBytes
		}
		j.Record(big)
	}
	got := j.Entries(Filter{})
	if len(got) != capacity || len(j.entries) != capacity {
		t.Fatalf("kept %d entries in a ring of %d, want %d", len(got), len(j.entries), capacity)
	}
	for i, e := range got {
		if want := uint64(records - capacity + 1 + i); e.Seq != want {
			t.Fatalf("entry %d has seq %d, want %d", i, e.Seq, want)
		}
	}
	var last uint64 // Entries sorts: the ring itself must be in order too
	j.each(func(e *Entry) {
		if e.Seq <= last {
			t.Fatalf("the ring holds seq %d after %d", e.Seq, last)
		}
		last = e.Seq
	})
}

func TestLintHoldsOnlyTheClientsOwnExpiredTokensAgainstIt(t *testing.T) {
	j := New(100, 0)
	refused := Entry{Tenant: 1, ClientID: "c", Operation: "crm.Customers_GetList", Status: 401, Problem: apierr.CodeTokenExpired}
	forced := refused
	forced.Effect = "token-expiry-storm"
	j.Record(forced)
	j.Record(forced)
	if f := j.Lint(Filter{}); len(f) != 0 {
		t.Fatalf("a scenario's forced expiries were held against the client: %+v", f)
	}
	j.Record(refused)
	f := j.Lint(Filter{})
	if len(f) != 1 || f[0].Rule != "expired-token-reused" || f[0].Count != 1 {
		t.Fatalf("findings %+v, want one expired-token-reused for the client's own expired token", f)
	}
}
