package store

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The contract suite: every test in this file runs against both backends
// through forEachBackend, and must pass unchanged on both.

// harness is a store under test plus what is needed to reopen it.
type harness struct {
	t    *testing.T
	s    Store
	path string // bbolt data file; "" for the memory backend
}

// durable reports whether the store survives reopen.
func (h *harness) durable() bool { return h.path != "" }

// reopen closes the store and opens its file again (bbolt only).
func (h *harness) reopen() {
	h.t.Helper()
	if !h.durable() {
		h.t.Fatal("reopen on a non-durable backend")
	}
	if err := h.s.Close(); err != nil {
		h.t.Fatalf("close: %v", err)
	}
	s, err := OpenBolt(h.path, BoltOptions{})
	if err != nil {
		h.t.Fatalf("reopen: %v", err)
	}
	h.s = s
}

type backend struct {
	name string
	open func(t *testing.T) *harness
}

var backends = []backend{
	{"memory", func(t *testing.T) *harness {
		h := &harness{t: t, s: OpenMemory()}
		t.Cleanup(func() { h.s.Close() })
		return h
	}},
	{"bolt", func(t *testing.T) *harness {
		path := filepath.Join(t.TempDir(), "stsim.db")
		s, err := OpenBolt(path, BoltOptions{})
		if err != nil {
			t.Fatalf("OpenBolt: %v", err)
		}
		h := &harness{t: t, s: s, path: path}
		t.Cleanup(func() {
			h.s.Close()
			checkBoltFile(t, path)
		})
		return h
	}},
}

// checkBoltFile reopens a closed bbolt store and runs bbolt's consistency
// check on it, failing t on any problem.
func checkBoltFile(t testing.TB, path string) {
	t.Helper()
	s, err := OpenBolt(path, BoltOptions{})
	if err != nil {
		t.Errorf("reopen for check: %v", err)
		return
	}
	defer s.Close()
	if err := s.(*boltStore).check(); err != nil {
		t.Errorf("bbolt consistency check of %s: %v", path, err)
	}
}

func forEachBackend(t *testing.T, fn func(t *testing.T, h *harness)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			fn(t, b.open(t))
		})
	}
}

// --- helpers ---

func mustUpdate(t testing.TB, s Store, tenant int64, fn func(Tx) error) {
	t.Helper()
	if err := s.Update(tenant, fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func mustView(t testing.TB, s Store, tenant int64, fn func(Tx) error) {
	t.Helper()
	if err := s.View(tenant, fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

func put(t testing.TB, s Store, tenant int64, bucket string, kv ...string) {
	t.Helper()
	mustUpdate(t, s, tenant, func(tx Tx) error {
		for i := 0; i < len(kv); i += 2 {
			if err := tx.Put(bucket, []byte(kv[i]), []byte(kv[i+1])); err != nil {
				return err
			}
		}
		return nil
	})
}

// get returns the value as a string, or "<absent>".
func get(t testing.TB, s Store, tenant int64, bucket, key string) string {
	t.Helper()
	var out string
	mustView(t, s, tenant, func(tx Tx) error {
		v, err := tx.Get(bucket, []byte(key))
		if errors.Is(err, ErrNotFound) {
			out = "<absent>"
			return nil
		}
		out = string(v)
		return err
	})
	return out
}

// dump renders a bucket as "k=v k=v ..." in scan order.
func dump(t testing.TB, s Store, tenant int64, bucket string) string {
	t.Helper()
	var parts []string
	mustView(t, s, tenant, func(tx Tx) error {
		parts = nil
		return tx.Scan(bucket, nil, func(k, v []byte) bool {
			parts = append(parts, string(k)+"="+string(v))
			return true
		})
	})
	return strings.Join(parts, " ")
}

func count(t testing.TB, s Store, tenant int64, bucket string) int {
	t.Helper()
	var n int
	mustView(t, s, tenant, func(tx Tx) error {
		var err error
		n, err = tx.Count(bucket)
		return err
	})
	return n
}

func nextSeq(t testing.TB, s Store, tenant int64, name string) uint64 {
	t.Helper()
	var v uint64
	mustUpdate(t, s, tenant, func(tx Tx) error {
		var err error
		v, err = tx.NextSequence(name)
		return err
	})
	return v
}

func scanKeys(t testing.TB, s Store, tenant int64, bucket string, start []byte, reverse bool, limit int) string {
	t.Helper()
	var keys []string
	mustView(t, s, tenant, func(tx Tx) error {
		keys = nil
		fn := func(k, v []byte) bool {
			keys = append(keys, string(k))
			return limit <= 0 || len(keys) < limit
		}
		if reverse {
			return tx.ScanReverse(bucket, start, fn)
		}
		return tx.Scan(bucket, start, fn)
	})
	return strings.Join(keys, ",")
}

// --- the contract ---

func TestPutGetDelete(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		s := h.s
		if got := get(t, s, 1, "things", "a"); got != "<absent>" {
			t.Fatalf("Get in absent bucket = %q, want ErrNotFound", got)
		}
		put(t, s, 1, "things", "a", "1", "b", "2")
		if got := get(t, s, 1, "things", "a"); got != "1" {
			t.Fatalf("Get a = %q, want 1", got)
		}
		put(t, s, 1, "things", "a", "one") // overwrite
		if got := get(t, s, 1, "things", "a"); got != "one" {
			t.Fatalf("Get a after overwrite = %q", got)
		}
		mustUpdate(t, s, 1, func(tx Tx) error {
			if err := tx.Delete("things", []byte("a")); err != nil {
				return err
			}
			if _, err := tx.Get("things", []byte("a")); !errors.Is(err, ErrNotFound) {
				return fmt.Errorf("Get after Delete in same tx: err = %v, want ErrNotFound", err)
			}
			if err := tx.Delete("things", []byte("never-there")); err != nil {
				return fmt.Errorf("Delete of absent key: %v", err)
			}
			return tx.Delete("no-such-bucket", []byte("x"))
		})
		if got := get(t, s, 1, "things", "a"); got != "<absent>" {
			t.Fatalf("Get a after delete = %q", got)
		}
		if got := get(t, s, 1, "things", "b"); got != "2" {
			t.Fatalf("Get b = %q", got)
		}
		// Deleting from an absent bucket does not create it (nor the tenant).
		mustUpdate(t, s, 9, func(tx Tx) error { return tx.Delete("ghost", []byte("x")) })
		if ids, _ := s.Tenants(); slices.Contains(ids, 9) {
			t.Fatalf("Delete on an empty tenant created it: %v", ids)
		}

		// Empty and nil values are stored as empty, and Get returns non-nil.
		put(t, s, 1, "things", "empty", "")
		mustUpdate(t, s, 1, func(tx Tx) error { return tx.Put("things", []byte("nil"), nil) })
		for _, k := range []string{"empty", "nil"} {
			mustView(t, s, 1, func(tx Tx) error {
				v, err := tx.Get("things", []byte(k))
				if err != nil || v == nil || len(v) != 0 {
					t.Errorf("Get %s = %v (nil=%v), %v; want non-nil empty", k, v, v == nil, err)
				}
				return nil
			})
		}
	})
}

func TestInvalidArguments(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		long := bytes.Repeat([]byte("k"), MaxKeySize+1)
		mustUpdate(t, h.s, 1, func(tx Tx) error {
			for name, err := range map[string]error{
				"put empty key":     tx.Put("b", nil, []byte("v")),
				"put long key":      tx.Put("b", long, []byte("v")),
				"put empty bucket":  tx.Put("", []byte("k"), []byte("v")),
				"delete empty key":  tx.Delete("b", []byte{}),
				"scan empty bucket": tx.Scan("", nil, func(k, v []byte) bool { return true }),
				"count empty name":  func() error { _, err := tx.Count(""); return err }(),
				"get empty key":     func() error { _, err := tx.Get("b", nil); return err }(),
				"seq empty name":    func() error { _, err := tx.NextSequence(""); return err }(),
			} {
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("%s: err = %v, want ErrInvalid", name, err)
				}
			}
			return nil
		})
		if err := h.s.Snapshot(1, ""); !errors.Is(err, ErrInvalid) {
			t.Errorf("Snapshot with empty name: %v, want ErrInvalid", err)
		}
		// A key of exactly MaxKeySize is fine.
		put(t, h.s, 1, "b", string(long[:MaxKeySize]), "v")
	})
}

func TestBucketsAndCount(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		s := h.s
		if n := count(t, s, 1, "jobs"); n != 0 {
			t.Fatalf("Count of absent bucket = %d", n)
		}
		mustUpdate(t, s, 1, func(tx Tx) error {
			for i := range 10 {
				if err := tx.Put("jobs", Uint64Key(uint64(i)), []byte("x")); err != nil {
					return err
				}
			}
			if err := tx.Delete("jobs", Uint64Key(3)); err != nil {
				return err
			}
			// Count inside the write tx sees the tx's own writes.
			if n, err := tx.Count("jobs"); err != nil || n != 9 {
				return fmt.Errorf("Count in Update = %d, %v; want 9", n, err)
			}
			return tx.Put("other", []byte("k"), []byte("v"))
		})
		if n := count(t, s, 1, "jobs"); n != 9 {
			t.Fatalf("Count = %d, want 9", n)
		}
		if n := count(t, s, 1, "other"); n != 1 {
			t.Fatalf("Count other = %d, want 1", n)
		}
		// Buckets are independent namespaces.
		put(t, s, 1, "a", "k", "in-a")
		put(t, s, 1, "b", "k", "in-b")
		if get(t, s, 1, "a", "k") != "in-a" || get(t, s, 1, "b", "k") != "in-b" {
			t.Fatal("buckets are not independent")
		}
	})
}

func TestScanOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		s := h.s
		keys := []string{"b", "d", "f", "h", "a", "c", "e", "g", "aa", "ab"}
		var kv []string
		for _, k := range keys {
			kv = append(kv, k, "v"+k)
		}
		put(t, s, 1, "letters", kv...)
		cases := []struct {
			start   string
			reverse bool
			limit   int
			want    string
		}{
			{"", false, 0, "a,aa,ab,b,c,d,e,f,g,h"},
			{"c", false, 0, "c,d,e,f,g,h"},        // start at an existing key: inclusive
			{"aab", false, 0, "ab,b,c,d,e,f,g,h"}, // start between keys
			{"z", false, 0, ""},                   // start after the last key
			{"", false, 3, "a,aa,ab"},             // early stop
			{"", true, 0, "h,g,f,e,d,c,b,ab,aa,a"},
			{"c", true, 0, "c,b,ab,aa,a"}, // inclusive
			{"cc", true, 0, "c,b,ab,aa,a"},
			{"zzz", true, 2, "h,g"},
			{"0", true, 0, ""}, // before the first key
		}
		for _, c := range cases {
			var start []byte
			if c.start != "" {
				start = []byte(c.start)
			}
			if got := scanKeys(t, s, 1, "letters", start, c.reverse, c.limit); got != c.want {
				t.Errorf("scan(start=%q reverse=%v limit=%d) = %q, want %q", c.start, c.reverse, c.limit, got, c.want)
			}
		}
		// Values come with their keys.
		if got := dump(t, s, 1, "letters"); !strings.HasPrefix(got, "a=va aa=vaa ab=vab b=vb") {
			t.Errorf("dump = %q", got)
		}
		// Empty start behaves like nil.
		if got := scanKeys(t, s, 1, "letters", []byte{}, true, 1); got != "h" {
			t.Errorf("ScanReverse with empty start = %q, want h", got)
		}
		// Absent bucket: no calls, no error.
		if got := scanKeys(t, s, 1, "nothing", nil, false, 0); got != "" {
			t.Errorf("scan of absent bucket = %q", got)
		}

		// Numeric keys sort numerically, negatives first.
		nums := []int64{5, -1, 0, math.MaxInt64, math.MinInt64, 300, -300, 1}
		mustUpdate(t, s, 1, func(tx Tx) error {
			for _, n := range nums {
				if err := tx.Put("ints", Int64Key(n), nil); err != nil {
					return err
				}
			}
			return nil
		})
		var got []int64
		mustView(t, s, 1, func(tx Tx) error {
			return tx.Scan("ints", nil, func(k, v []byte) bool {
				n, err := ParseInt64Key(k)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, n)
				return true
			})
		})
		slices.Sort(nums)
		if !slices.Equal(got, nums) {
			t.Errorf("Int64Key scan order = %v, want %v", got, nums)
		}
	})
}

// TestCopySemantics checks the documented ownership rule: everything handed
// out is a copy that survives the transaction and later writes, and modifying
// it (or the buffers handed in) does not touch the store.
func TestCopySemantics(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		s := h.s
		// Buffers passed to Put may be reused right after the call.
		mustUpdate(t, s, 1, func(tx Tx) error {
			key, val := []byte("k1"), []byte("value-1")
			if err := tx.Put("b", key, val); err != nil {
				return err
			}
			copy(key, "k2")
			copy(val, "value-2")
			return tx.Put("b", key, val)
		})
		if got := dump(t, s, 1, "b"); got != "k1=value-1 k2=value-2" {
			t.Fatalf("after reusing Put buffers: %q", got)
		}

		var fromGet []byte
		var keys, vals [][]byte
		mustView(t, s, 1, func(tx Tx) error {
			var err error
			fromGet, err = tx.Get("b", []byte("k1"))
			if err != nil {
				return err
			}
			return tx.Scan("b", nil, func(k, v []byte) bool {
				keys, vals = append(keys, k), append(vals, v)
				return true
			})
		})
		// Later writes do not change what was handed out...
		put(t, s, 1, "b", "k1", "changed", "k2", "changed")
		mustUpdate(t, s, 1, func(tx Tx) error {
			for i := range 2000 { // enough to split pages / nodes
				if err := tx.Put("b", Uint64Key(uint64(i)), bytes.Repeat([]byte{'x'}, 100)); err != nil {
					return err
				}
			}
			return nil
		})
		if string(fromGet) != "value-1" {
			t.Errorf("Get result changed after later writes: %q", fromGet)
		}
		if len(keys) != 2 || string(keys[0]) != "k1" || string(vals[0]) != "value-1" || string(keys[1]) != "k2" || string(vals[1]) != "value-2" {
			t.Errorf("retained scan results changed: %q %q", keys, vals)
		}
		// ...and modifying (or appending to) it does not change the store.
		copy(fromGet, "XXXXXXX")
		copy(keys[0], "ZZ")
		copy(vals[0], "YYYYYYY")
		_ = append(keys[1], "appended"...) // must not overwrite the value
		if string(vals[1]) != "value-2" {
			t.Errorf("appending to a scanned key clobbered its value: %q", vals[1])
		}
		if got := get(t, s, 1, "b", "k1"); got != "changed" {
			t.Errorf("store changed through a returned slice: %q", got)
		}
		if got := get(t, s, 1, "b", "ZZ"); got != "<absent>" {
			t.Errorf("store changed through a scanned key")
		}
		// Same inside an Update that keeps writing after the Get.
		mustUpdate(t, s, 1, func(tx Tx) error {
			v, err := tx.Get("b", []byte("k2"))
			if err != nil {
				return err
			}
			if err := tx.Put("b", []byte("k2"), []byte("overwritten")); err != nil {
				return err
			}
			if err := tx.Delete("b", []byte("k2")); err != nil {
				return err
			}
			if string(v) != "changed" {
				return fmt.Errorf("Get result changed by later writes in the same tx: %q", v)
			}
			return nil
		})
	})
}

// TestLargeUpdate writes thousands of pairs of many sizes in one Update,
// reusing one key and one value buffer, overwriting some pairs: what the
// seed of a tenant does (the memory store packs such an Update's pairs
// into shared chunks). A second large Update into the same bucket that
// fails leaves the first one's pairs as they were.
func TestLargeUpdate(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		s := h.s
		want := map[string]string{}
		write := func(tx Tx, round int) error {
			key, val := make([]byte, 0, 16), make([]byte, 0, 8<<10)
			for i := range 3000 {
				n := (i * 37) % 5000 // 0 to 5 KB: most share chunks, some do not fit one
				if i%10 == 0 {
					n = 0
				}
				key = AppendUint64Key(key[:0], uint64(i%2500)) // i ≥ 2500 overwrites
				val = append(val[:0], bytes.Repeat([]byte{byte('a' + (i+round)%26)}, n)...)
				if err := tx.Put("big", key, val); err != nil {
					return err
				}
				if round == 0 {
					want[string(key)] = string(val)
				}
				clear(val[:cap(val)]) // the store kept its own copy
			}
			return nil
		}
		mustUpdate(t, s, 1, func(tx Tx) error { clear(want); return write(tx, 0) })
		boom := errors.New("boom")
		if err := s.Update(1, func(tx Tx) error {
			if err := write(tx, 1); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatalf("Update returned %v", err)
		}
		got := map[string]string{}
		mustView(t, s, 1, func(tx Tx) error {
			clear(got)
			return tx.Scan("big", nil, func(k, v []byte) bool {
				got[string(k)] = string(v)
				return true
			})
		})
		if len(got) != len(want) {
			t.Fatalf("%d pairs stored, want %d", len(got), len(want))
		}
		for k, v := range want {
			if got[k] != v {
				t.Fatalf("key %x: %d bytes %.8q…, want %d bytes %.8q…", k, len(got[k]), got[k], len(v), v)
			}
		}
	})
}

// TestScanWithWrites checks the documented behaviour of writes made from a
// Scan callback: the scan resumes after the last visited key in the bucket's
// current state.
func TestScanWithWrites(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		s := h.s
		put(t, s, 1, "l", "a", "1", "c", "1", "e", "1", "g", "1")
		var visited []string
		mustUpdate(t, s, 1, func(tx Tx) error {
			visited = nil
			return tx.Scan("l", nil, func(k, v []byte) bool {
				visited = append(visited, string(k))
				switch string(k) {
				case "a":
					_ = tx.Put("l", []byte("b"), []byte("new")) // ahead: visited
					_ = tx.Delete("l", []byte("e"))             // ahead: skipped
				case "c":
					_ = tx.Put("l", []byte("a0"), []byte("x")) // behind: not visited
					_ = tx.Put("l", []byte("c"), []byte("2"))  // current key rewritten
				}
				return true
			})
		})
		if got := strings.Join(visited, ","); got != "a,b,c,g" {
			t.Errorf("forward scan with writes visited %s, want a,b,c,g", got)
		}
		if got := dump(t, s, 1, "l"); got != "a=1 a0=x b=new c=2 g=1" {
			t.Errorf("after forward scan: %s", got)
		}

		mustUpdate(t, s, 1, func(tx Tx) error {
			visited = nil
			return tx.ScanReverse("l", nil, func(k, v []byte) bool {
				visited = append(visited, string(k))
				if string(k) == "g" {
					_ = tx.Put("l", []byte("bb"), []byte("new")) // ahead: visited
					_ = tx.Delete("l", []byte("a0"))             // ahead: skipped
					_ = tx.Put("l", []byte("h"), []byte("new"))  // behind: not visited
				}
				return true
			})
		})
		if got := strings.Join(visited, ","); got != "g,c,bb,b,a" {
			t.Errorf("reverse scan with writes visited %s, want g,c,bb,b,a", got)
		}

		// Deleting every key while scanning visits each exactly once.
		mustUpdate(t, s, 1, func(tx Tx) error {
			for i := range 500 {
				if err := tx.Put("many", Uint64Key(uint64(i)), []byte("v")); err != nil {
					return err
				}
			}
			return nil
		})
		n := 0
		mustUpdate(t, s, 1, func(tx Tx) error {
			n = 0
			var prev []byte
			return tx.Scan("many", nil, func(k, v []byte) bool {
				if prev != nil && bytes.Compare(k, prev) <= 0 {
					t.Errorf("scan went backwards: %x after %x", k, prev)
				}
				prev = k
				n++
				return tx.Delete("many", k) == nil
			})
		})
		if n != 500 || count(t, s, 1, "many") != 0 {
			t.Errorf("delete-while-scanning visited %d keys, left %d", n, count(t, s, 1, "many"))
		}
	})
}

func TestReadOnly(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		s := h.s
		put(t, s, 1, "b", "k", "v")
		err := s.View(1, func(tx Tx) error {
			if err := tx.Put("b", []byte("k"), []byte("w")); !errors.Is(err, ErrReadOnly) {
				t.Errorf("Put in View: %v, want ErrReadOnly", err)
			}
			if err := tx.Put("new", []byte("k"), []byte("w")); !errors.Is(err, ErrReadOnly) {
				t.Errorf("Put in View (new bucket): %v, want ErrReadOnly", err)
			}
			if err := tx.Delete("b", []byte("k")); !errors.Is(err, ErrReadOnly) {
				t.Errorf("Delete in View: %v, want ErrReadOnly", err)
			}
			if _, err := tx.NextSequence("ids"); !errors.Is(err, ErrReadOnly) {
				t.Errorf("NextSequence in View: %v, want ErrReadOnly", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := dump(t, s, 1, "b"); got != "k=v" {
			t.Errorf("View changed data: %s", got)
		}
		if n := count(t, s, 1, "new"); n != 0 {
			t.Errorf("View created a bucket")
		}
		if v := nextSeq(t, s, 1, "ids"); v != 1 {
			t.Errorf("first NextSequence after View attempts = %d, want 1", v)
		}
		// Viewing an unknown tenant is fine and empty.
		mustView(t, s, 12345, func(tx Tx) error {
			if _, err := tx.Get("b", []byte("k")); !errors.Is(err, ErrNotFound) {
				t.Errorf("Get on unknown tenant: %v", err)
			}
			return nil
		})
	})
}

func TestRollback(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		s := h.s
		put(t, s, 1, "b", "keep", "1", "gone", "1")
		if v := nextSeq(t, s, 1, "ids"); v != 1 {
			t.Fatalf("NextSequence = %d", v)
		}
		boom := errors.New("boom")
		var seen uint64
		err := s.Update(1, func(tx Tx) error {
			var err error
			if seen, err = tx.NextSequence("ids"); err != nil {
				return err
			}
			if _, err = tx.NextSequence("other"); err != nil {
				return err
			}
			for _, e := range []error{
				tx.Put("b", []byte("keep"), []byte("2")),
				tx.Put("b", []byte("new"), []byte("2")),
				tx.Put("newbucket", []byte("k"), []byte("v")),
				tx.Put("newbucket", []byte("k2"), []byte("v")),
				tx.Put("newbucket", []byte("k"), []byte("v2")),
				tx.Delete("newbucket", []byte("k2")),
				tx.Delete("b", []byte("gone")),
			} {
				if e != nil {
					return e
				}
			}
			// The tx sees its own writes before failing.
			if v, err := tx.Get("b", []byte("new")); err != nil || string(v) != "2" {
				return fmt.Errorf("read-your-writes: %q %v", v, err)
			}
			return fmt.Errorf("wrapped: %w", boom)
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Update returned %v, want fn's error", err)
		}
		if seen != 2 {
			t.Errorf("NextSequence inside the failed Update = %d, want 2", seen)
		}
		if got := dump(t, s, 1, "b"); got != "gone=1 keep=1" {
			t.Errorf("after rollback: %s", got)
		}
		if n := count(t, s, 1, "newbucket"); n != 0 {
			t.Errorf("rolled-back bucket has %d keys", n)
		}
		// Documented: a rolled-back Update gives its numbers back.
		if v := nextSeq(t, s, 1, "ids"); v != 2 {
			t.Errorf("NextSequence after rollback = %d, want 2 (given back)", v)
		}
		if v := nextSeq(t, s, 1, "other"); v != 1 {
			t.Errorf("NextSequence(other) after rollback = %d, want 1", v)
		}

		// A panic rolls back too, propagates, and leaves the store usable.
		func() {
			defer func() {
				if r := recover(); r != "kaboom" {
					t.Errorf("recovered %v, want the panic value", r)
				}
			}()
			_ = s.Update(1, func(tx Tx) error {
				_ = tx.Put("b", []byte("keep"), []byte("panicked"))
				panic("kaboom")
			})
		}()
		if got := get(t, s, 1, "b", "keep"); got != "1" {
			t.Errorf("after panic: keep = %q", got)
		}
		put(t, s, 1, "b", "after", "panic")
		if got := get(t, s, 1, "b", "after"); got != "panic" {
			t.Errorf("store unusable after panic: %q", got)
		}
		// A View's error is passed through too.
		if err := s.View(1, func(Tx) error { return boom }); !errors.Is(err, boom) {
			t.Errorf("View returned %v", err)
		}
	})
}

func TestTxUnusableAfterFn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		var leaked Tx
		mustUpdate(t, h.s, 1, func(tx Tx) error { leaked = tx; return tx.Put("b", []byte("k"), []byte("v")) })
		if err := leaked.Put("b", []byte("k2"), []byte("v")); !errors.Is(err, ErrClosed) {
			t.Errorf("Put on a finished tx: %v, want ErrClosed", err)
		}
		if _, err := leaked.Get("b", []byte("k")); !errors.Is(err, ErrClosed) {
			t.Errorf("Get on a finished tx: %v, want ErrClosed", err)
		}
		mustView(t, h.s, 1, func(tx Tx) error { leaked = tx; return nil })
		if _, err := leaked.Count("b"); !errors.Is(err, ErrClosed) {
			t.Errorf("Count on a finished View tx: %v, want ErrClosed", err)
		}
	})
}

func TestNextSequence(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		mustUpdate(t, h.s, 1, func(tx Tx) error {
			for want := uint64(1); want <= 5; want++ {
				if v, err := tx.NextSequence("customers"); err != nil || v != want {
					return fmt.Errorf("NextSequence = %d, %v; want %d", v, err, want)
				}
			}
			return nil
		})
		if v := nextSeq(t, h.s, 1, "jobs"); v != 1 {
			t.Errorf("independent counter starts at %d", v)
		}
		if v := nextSeq(t, h.s, 2, "customers"); v != 1 {
			t.Errorf("other tenant's counter starts at %d", v)
		}
		// Deleting what was created never makes a number come back.
		mustUpdate(t, h.s, 1, func(tx Tx) error {
			id, err := tx.NextSequence("customers")
			if err != nil {
				return err
			}
			if err := tx.Put("customers", Uint64Key(id), []byte("x")); err != nil {
				return err
			}
			return tx.Delete("customers", Uint64Key(id))
		})
		if v := nextSeq(t, h.s, 1, "customers"); v != 7 {
			t.Errorf("after delete: %d, want 7", v)
		}
		if h.durable() {
			h.reopen()
			if v := nextSeq(t, h.s, 1, "customers"); v != 8 {
				t.Errorf("after reopen: %d, want 8", v)
			}
			if v := nextSeq(t, h.s, 2, "customers"); v != 2 {
				t.Errorf("tenant 2 after reopen: %d, want 2", v)
			}
		}
	})
}

func TestTenantIsolation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		s := h.s
		put(t, s, 1, "customers", "k", "tenant-1")
		put(t, s, -7, "customers", "k", "tenant-minus-7")
		put(t, s, 2, "customers", "k", "tenant-2", "only2", "x")
		if get(t, s, 1, "customers", "k") != "tenant-1" || get(t, s, 2, "customers", "k") != "tenant-2" || get(t, s, -7, "customers", "k") != "tenant-minus-7" {
			t.Fatal("tenants see each other's values")
		}
		if get(t, s, 1, "customers", "only2") != "<absent>" {
			t.Fatal("tenant 1 sees tenant 2's key")
		}
		mustUpdate(t, s, 2, func(tx Tx) error { return tx.Delete("customers", []byte("k")) })
		if get(t, s, 1, "customers", "k") != "tenant-1" {
			t.Fatal("delete leaked across tenants")
		}
		if count(t, s, 1, "customers") != 1 || count(t, s, 2, "customers") != 1 {
			t.Fatal("counts leak across tenants")
		}
		// NextSequence alone makes a tenant exist; a View does not.
		nextSeq(t, s, 3, "ids")
		mustView(t, s, 4, func(Tx) error { return nil })
		ids, err := s.Tenants()
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{-7, 1, 2, 3}; !slices.Equal(ids, want) {
			t.Fatalf("Tenants = %v, want %v", ids, want)
		}
		if h.durable() {
			h.reopen()
			if ids, _ := h.s.Tenants(); !slices.Equal(ids, []int64{-7, 1, 2, 3}) {
				t.Fatalf("Tenants after reopen = %v", ids)
			}
			if get(t, h.s, -7, "customers", "k") != "tenant-minus-7" {
				t.Fatal("data lost on reopen")
			}
		}
	})
}

func TestDropTenant(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		s := h.s
		put(t, s, 1, "a", "k", "1")
		put(t, s, 1, "b", "k", "1")
		nextSeq(t, s, 1, "ids")
		nextSeq(t, s, 1, "ids")
		if err := s.Snapshot(1, "snap"); err != nil {
			t.Fatal(err)
		}
		put(t, s, 2, "a", "k", "2")
		if err := s.DropTenant(1); err != nil {
			t.Fatal(err)
		}
		if get(t, s, 1, "a", "k") != "<absent>" || count(t, s, 1, "b") != 0 {
			t.Fatal("dropped tenant still has data")
		}
		if get(t, s, 2, "a", "k") != "2" {
			t.Fatal("DropTenant touched another tenant")
		}
		if ids, _ := s.Tenants(); !slices.Equal(ids, []int64{2}) {
			t.Fatalf("Tenants after drop = %v", ids)
		}
		if names, _ := s.Snapshots(1); len(names) != 0 {
			t.Fatalf("snapshots survive DropTenant: %v", names)
		}
		if err := s.Restore(1, "snap"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Restore after drop: %v, want ErrNotFound", err)
		}
		// Documented: a dropped tenant starts from scratch.
		if v := nextSeq(t, s, 1, "ids"); v != 1 {
			t.Fatalf("NextSequence after drop = %d, want 1", v)
		}
		if err := s.DropTenant(999); err != nil {
			t.Fatalf("dropping an unknown tenant: %v", err)
		}
	})
}

func TestSnapshotRestore(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		s := h.s
		put(t, s, 1, "customers", "c1", "alice", "c2", "bob")
		put(t, s, 1, "jobs", "j1", "fix")
		for range 3 {
			nextSeq(t, s, 1, "customers")
		}
		put(t, s, 2, "customers", "c1", "other-tenant")
		if err := s.Snapshot(1, "base"); err != nil {
			t.Fatal(err)
		}
		before := dump(t, s, 1, "customers") + "|" + dump(t, s, 1, "jobs")

		// Change everything: overwrite, add, delete, new bucket, more ids.
		put(t, s, 1, "customers", "c1", "ALICE", "c3", "carol")
		mustUpdate(t, s, 1, func(tx Tx) error { return tx.Delete("jobs", []byte("j1")) })
		put(t, s, 1, "invoices", "i1", "100")
		for range 4 {
			nextSeq(t, s, 1, "customers")
		}
		nextSeq(t, s, 1, "invoices")

		if err := s.Restore(1, "base"); err != nil {
			t.Fatal(err)
		}
		after := dump(t, s, 1, "customers") + "|" + dump(t, s, 1, "jobs")
		if after != before || count(t, s, 1, "invoices") != 0 {
			t.Fatalf("after restore: %s (invoices=%d), want %s", after, count(t, s, 1, "invoices"), before)
		}
		if get(t, s, 2, "customers", "c1") != "other-tenant" {
			t.Fatal("restore touched another tenant")
		}
		// Documented: sequences don't go back on Restore.
		if v := nextSeq(t, s, 1, "customers"); v != 8 {
			t.Errorf("NextSequence after restore = %d, want 8 (not rewound)", v)
		}
		if v := nextSeq(t, s, 1, "invoices"); v != 2 {
			t.Errorf("NextSequence(invoices) after restore = %d, want 2", v)
		}

		// Writes after the restore don't leak into the snapshot.
		put(t, s, 1, "customers", "c1", "changed-again", "c9", "zed")
		if err := s.Restore(1, "base"); err != nil {
			t.Fatal(err)
		}
		if got := dump(t, s, 1, "customers") + "|" + dump(t, s, 1, "jobs"); got != before {
			t.Fatalf("second restore: %s, want %s", got, before)
		}

		// A snapshot of the same name replaces the old one.
		put(t, s, 1, "customers", "c4", "dave")
		if err := s.Snapshot(1, "base"); err != nil {
			t.Fatal(err)
		}
		if err := s.Snapshot(1, "second"); err != nil {
			t.Fatal(err)
		}
		put(t, s, 1, "customers", "c5", "eve")
		if err := s.Restore(1, "base"); err != nil {
			t.Fatal(err)
		}
		if got := dump(t, s, 1, "customers"); got != "c1=alice c2=bob c4=dave" {
			t.Fatalf("restore of replaced snapshot: %s", got)
		}
		if names, err := s.Snapshots(1); err != nil || !slices.Equal(names, []string{"base", "second"}) {
			t.Fatalf("Snapshots = %v, %v", names, err)
		}
		if names, _ := s.Snapshots(2); len(names) != 0 {
			t.Fatalf("tenant 2 sees tenant 1's snapshots: %v", names)
		}
		if err := s.Restore(2, "base"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Restore of another tenant's snapshot: %v, want ErrNotFound", err)
		}

		if h.durable() {
			h.reopen()
			s = h.s
			put(t, s, 1, "customers", "c6", "x")
			if err := s.Restore(1, "second"); err != nil {
				t.Fatalf("restore after reopen: %v", err)
			}
			if got := dump(t, s, 1, "customers"); got != "c1=alice c2=bob c4=dave" {
				t.Fatalf("restore after reopen: %s", got)
			}
		}

		if err := s.DeleteSnapshot(1, "base"); err != nil {
			t.Fatal(err)
		}
		if err := s.Restore(1, "base"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Restore of deleted snapshot: %v, want ErrNotFound", err)
		}
		if err := s.DeleteSnapshot(1, "base"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("DeleteSnapshot twice: %v, want ErrNotFound", err)
		}
		if err := s.Restore(77, "nope"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Restore on unknown tenant: %v", err)
		}

		// Snapshot of an empty tenant, restored, empties the tenant.
		if err := s.Snapshot(5, "empty"); err != nil {
			t.Fatal(err)
		}
		put(t, s, 5, "customers", "c1", "x")
		if err := s.Restore(5, "empty"); err != nil {
			t.Fatal(err)
		}
		if count(t, s, 5, "customers") != 0 {
			t.Fatal("restoring an empty snapshot left data")
		}
	})
}

// TestConcurrency hammers one tenant with 50 writers × 100 read-modify-write
// Updates while readers check that every View sees a consistent state, then
// checks the exact final counts. Run it under -race.
func TestConcurrency(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		s := h.s
		const writers, perWriter = 50, 100
		incr := func(tx Tx, key []byte) (uint64, error) {
			var n uint64
			v, err := tx.Get("counters", key)
			switch {
			case errors.Is(err, ErrNotFound):
			case err != nil:
				return 0, err
			default:
				n, _ = ParseUint64Key(v)
			}
			n++
			return n, tx.Put("counters", key, Uint64Key(n))
		}
		total := []byte("total")

		stop := make(chan struct{})
		var views atomic.Int64
		var readers sync.WaitGroup
		for range 4 {
			readers.Add(1)
			go func() {
				defer readers.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					err := s.View(1, func(tx Tx) error {
						var sum, tot uint64
						if v, err := tx.Get("counters", total); err == nil {
							tot, _ = ParseUint64Key(v)
						}
						err := tx.Scan("counters", []byte("w"), func(k, v []byte) bool {
							n, _ := ParseUint64Key(v)
							sum += n
							return true
						})
						if err == nil && sum != tot {
							err = fmt.Errorf("inconsistent snapshot: writers sum to %d, total is %d", sum, tot)
						}
						return err
					})
					if err != nil {
						t.Error(err)
						return
					}
					views.Add(1)
					// Let writers in: spinning readers on 2 cores would
					// otherwise hold the CPUs for whole time slices.
					runtime.Gosched()
				}
			}()
		}

		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				key := []byte(fmt.Sprintf("w%03d", w))
				for range perWriter {
					err := s.Update(1, func(tx Tx) error {
						if _, err := incr(tx, key); err != nil {
							return err
						}
						_, err := incr(tx, total)
						return err
					})
					if err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(stop)
		readers.Wait()

		mustView(t, s, 1, func(tx Tx) error {
			for w := range writers {
				v, err := tx.Get("counters", []byte(fmt.Sprintf("w%03d", w)))
				if err != nil {
					return err
				}
				if n, _ := ParseUint64Key(v); n != perWriter {
					t.Errorf("writer %d: counter = %d, want %d", w, n, perWriter)
				}
			}
			v, err := tx.Get("counters", total)
			if err != nil {
				return err
			}
			if n, _ := ParseUint64Key(v); n != writers*perWriter {
				t.Errorf("total = %d, want %d", n, writers*perWriter)
			}
			return nil
		})
		if views.Load() == 0 {
			t.Error("no View completed during the writes")
		}
		t.Logf("%d updates, %d concurrent views", writers*perWriter, views.Load())
	})
}

// TestConcurrentMixedOutcomes runs concurrent Updates of which some fail: on
// bbolt they share batches, and a failing one must neither lose nor duplicate
// the others' writes, nor keep its own.
func TestConcurrentMixedOutcomes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		s := h.s
		const goroutines, per = 20, 25
		errOdd := errors.New("odd")
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range per {
					key := []byte(fmt.Sprintf("g%02d-%02d", g, i))
					err := s.Update(int64(g%3), func(tx Tx) error {
						id, err := tx.NextSequence("ids")
						if err != nil {
							return err
						}
						if err := tx.Put("items", key, Uint64Key(id)); err != nil {
							return err
						}
						if i%2 == 1 {
							return errOdd
						}
						return nil
					})
					if (i%2 == 1) != errors.Is(err, errOdd) {
						t.Errorf("%s: Update returned %v", key, err)
					}
				}
			}()
		}
		wg.Wait()
		for tenant := int64(0); tenant < 3; tenant++ {
			ids := map[uint64]bool{}
			mustView(t, s, tenant, func(tx Tx) error {
				return tx.Scan("items", nil, func(k, v []byte) bool {
					var g, i int
					fmt.Sscanf(string(k), "g%d-%d", &g, &i)
					if i%2 == 1 || int64(g%3) != tenant {
						t.Errorf("tenant %d has unexpected key %s", tenant, k)
					}
					id, _ := ParseUint64Key(v)
					if ids[id] {
						t.Errorf("tenant %d: id %d used twice", tenant, id)
					}
					ids[id] = true
					return true
				})
			})
			want := 0
			for g := range goroutines {
				if int64(g%3) == tenant {
					want += (per + 1) / 2
				}
			}
			if len(ids) != want {
				t.Errorf("tenant %d has %d items, want %d", tenant, len(ids), want)
			}
			// Failed Updates gave their numbers back: ids are exactly 1..want.
			for id := uint64(1); id <= uint64(want); id++ {
				if !ids[id] {
					t.Errorf("tenant %d: id %d missing (ids not dense)", tenant, id)
					break
				}
			}
		}
	})
}

func TestClose(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		s := h.s
		put(t, s, 1, "b", "k", "v")
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		if err := s.View(1, func(Tx) error { return nil }); !errors.Is(err, ErrClosed) {
			t.Errorf("View after Close: %v", err)
		}
		if err := s.Update(1, func(Tx) error { return nil }); !errors.Is(err, ErrClosed) {
			t.Errorf("Update after Close: %v", err)
		}
		if _, err := s.Tenants(); !errors.Is(err, ErrClosed) {
			t.Errorf("Tenants after Close: %v", err)
		}
		if err := s.Snapshot(1, "x"); !errors.Is(err, ErrClosed) {
			t.Errorf("Snapshot after Close: %v", err)
		}
	})
}

// TestTenantsWriteInParallel: on the memory backend an Update of one tenant
// must not wait for another tenant's Update. (bbolt has a single writer per
// file, so this is not part of the shared contract.)
func TestTenantsWriteInParallel(t *testing.T) {
	s := OpenMemory()
	defer s.Close()
	inside, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.Update(1, func(tx Tx) error {
			close(inside)
			<-release
			return tx.Put("b", []byte("k"), []byte("1"))
		})
	}()
	<-inside
	finished := make(chan error, 1)
	go func() {
		finished <- s.Update(2, func(tx Tx) error { return tx.Put("b", []byte("k"), []byte("2")) })
	}()
	select {
	case err := <-finished:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("tenant 2's Update waited for tenant 1's")
	}
	// Reads of other tenants, and Tenants(), don't wait either.
	if _, err := s.Tenants(); err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestKeyEncoding(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	u := []uint64{0, 1, 255, 256, math.MaxUint32, math.MaxUint64}
	i := []int64{math.MinInt64, -1 << 40, -256, -1, 0, 1, 256, 1 << 40, math.MaxInt64}
	for range 200 {
		u = append(u, r.Uint64())
		i = append(i, int64(r.Uint64()))
	}
	for _, a := range u {
		got, err := ParseUint64Key(Uint64Key(a))
		if err != nil || got != a {
			t.Fatalf("uint64 %d round trip: %d %v", a, got, err)
		}
		for _, b := range u[:10] {
			if (a < b) != (bytes.Compare(Uint64Key(a), Uint64Key(b)) < 0) {
				t.Fatalf("uint64 order broken for %d, %d", a, b)
			}
		}
	}
	for _, a := range i {
		got, err := ParseInt64Key(Int64Key(a))
		if err != nil || got != a {
			t.Fatalf("int64 %d round trip: %d %v", a, got, err)
		}
		for _, b := range i[:12] {
			if (a < b) != (bytes.Compare(Int64Key(a), Int64Key(b)) < 0) {
				t.Fatalf("int64 order broken for %d, %d", a, b)
			}
		}
	}
	if !bytes.Equal(AppendInt64Key([]byte("p/"), -1), append([]byte("p/"), Int64Key(-1)...)) {
		t.Fatal("AppendInt64Key")
	}
	if _, err := ParseUint64Key([]byte{1, 2, 3}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("short uint64 key: %v", err)
	}
	if _, err := ParseInt64Key(make([]byte, 9)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("long int64 key: %v", err)
	}
}
