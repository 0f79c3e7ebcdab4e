package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestScanSharedIsScanWithoutCopies checks the memory store's ScanShared:
// it visits what Scan visits, from any start, and the bytes it hands out
// stay as they were after the pairs are overwritten, deleted or rolled
// back (an item is never modified).
func TestScanSharedIsScanWithoutCopies(t *testing.T) {
	s := OpenMemory()
	defer s.Close()
	put(t, s, 1, "b", "a", "1", "b", "22", "c", "", "d", "4444")
	visit := func(scan func(string, []byte, func(k, v []byte) bool) error, start string) (string, [][2][]byte) {
		var out string
		var kept [][2][]byte
		err := scan("b", []byte(start), func(k, v []byte) bool {
			out += fmt.Sprintf("%s=%s ", k, v)
			kept = append(kept, [2][]byte{k, v})
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
		return out, kept
	}
	var kept [][2][]byte
	mustView(t, s, 1, func(tx Tx) error {
		shared, ok := tx.(SharedReader)
		if !ok {
			t.Fatal("a memory View does not scan shared")
		}
		scanShared := func(bucket string, start []byte, fn func(k, v []byte) bool) error {
			return shared.ScanShared(bucket, start, func(k, v []byte, alone bool) bool {
				if !alone {
					t.Errorf("%s: a pair of a small Update is not alone", k)
				}
				return fn(k, v)
			})
		}
		for _, start := range []string{"", "b", "bb", "z"} {
			want, _ := visit(tx.Scan, start)
			got, k := visit(scanShared, start)
			if got != want {
				t.Errorf("from %q: ScanShared %q, Scan %q", start, got, want)
			}
			if start == "" {
				kept = k
			}
		}
		return nil
	})
	put(t, s, 1, "b", "a", "changed", "b", "33")
	mustUpdate(t, s, 1, func(tx Tx) error { return tx.Delete("b", []byte("d")) })
	_ = s.Update(1, func(tx Tx) error {
		_ = tx.Put("b", []byte("c"), []byte("rolled back"))
		return fmt.Errorf("roll back")
	})
	got := ""
	for _, kv := range kept {
		got += fmt.Sprintf("%s=%s ", kv[0], kv[1])
	}
	if want := "a=1 b=22 c= d=4444 "; got != want {
		t.Fatalf("bytes kept from ScanShared are now %q, want %q", got, want)
	}
}

// TestGetSharedIsGetWithoutCopies checks the memory store's GetShared: it
// answers what Get answers, and the bytes it hands out stay as they were
// after the pair is overwritten, deleted or rolled back.
func TestGetSharedIsGetWithoutCopies(t *testing.T) {
	s := OpenMemory()
	defer s.Close()
	put(t, s, 1, "b", "a", "1", "b", "", "c", "333")
	var kept [][]byte
	mustView(t, s, 1, func(tx Tx) error {
		shared := tx.(SharedReader)
		for _, key := range []string{"a", "b", "c", "d", "bb", ""} {
			want, wantErr := tx.Get("b", []byte(key))
			got, alone, err := shared.GetShared("b", []byte(key))
			if string(got) != string(want) || (got == nil) != (want == nil) || fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Errorf("key %q: GetShared %q, %v; Get %q, %v", key, got, err, want, wantErr)
			}
			if alone != (err == nil) {
				t.Errorf("key %q: GetShared says alone %v (a small Update's pair)", key, alone)
			}
			if err == nil {
				kept = append(kept, got)
			}
		}
		if _, _, err := shared.GetShared("absent", []byte("a")); !errors.Is(err, ErrNotFound) {
			t.Errorf("absent bucket: %v", err)
		}
		return nil
	})
	put(t, s, 1, "b", "a", "changed", "c", "4")
	mustUpdate(t, s, 1, func(tx Tx) error { return tx.Delete("b", []byte("b")) })
	_ = s.Update(1, func(tx Tx) error {
		_ = tx.Put("b", []byte("c"), []byte("rolled back"))
		return fmt.Errorf("roll back")
	})
	if got := fmt.Sprintf("%q", kept); got != `["1" "" "333"]` {
		t.Fatalf("bytes kept from GetShared are now %s", got)
	}
}

// TestSharedReadsTellChunkedPairs: a large Update's pairs that the memory
// store carved from shared chunks are handed out as not alone by
// ScanShared and GetShared, every other pair (a small Update's, the first
// pairs of a large one, a value too large for a chunk) as alone; keys and
// values read the same either way, and so does their order.
func TestSharedReadsTellChunkedPairs(t *testing.T) {
	s := OpenMemory()
	defer s.Close()
	const n = 300
	value := func(i int) string {
		if i%50 == 7 {
			return strings.Repeat("v", maxChunkItem) // too large for a chunk
		}
		return fmt.Sprintf("value %d", i)
	}
	mustUpdate(t, s, 1, func(tx Tx) error {
		for i := range n {
			// 8-byte keys (compared as numbers) written out of order.
			if err := tx.Put("b", AppendUint64Key(nil, uint64((i*7)%n)), []byte(value(i))); err != nil {
				return err
			}
		}
		return nil
	})
	put(t, s, 1, "b", string(AppendUint64Key(nil, 5)), "rewritten alone")
	wantAlone := func(i int) bool { return i < chunkAfterPuts || i%50 == 7 }
	type pair struct {
		value string
		alone bool
	}
	want := map[uint64]pair{}
	for i := range n {
		want[uint64((i*7)%n)] = pair{value(i), wantAlone(i)}
	}
	want[5] = pair{"rewritten alone", true}
	mustView(t, s, 1, func(tx Tx) error {
		shared := tx.(SharedReader)
		next := uint64(0)
		err := shared.ScanShared("b", nil, func(k, v []byte, alone bool) bool {
			id := binary.BigEndian.Uint64(k)
			if id != next {
				t.Fatalf("ScanShared visits key %d, want %d", id, next)
			}
			next++
			if got := (pair{string(v), alone}); got != want[id] {
				t.Errorf("ScanShared: key %d is %.12q alone %v, want %.12q alone %v", id, got.value, got.alone, want[id].value, want[id].alone)
			}
			v2, alone2, err := shared.GetShared("b", k)
			if got := (pair{string(v2), alone2}); err != nil || got != want[id] {
				t.Errorf("GetShared: key %d is %.12q alone %v (%v), want %.12q alone %v", id, got.value, got.alone, err, want[id].value, want[id].alone)
			}
			return true
		})
		if err != nil || next != n {
			t.Fatalf("ScanShared visited %d keys (%v), want %d", next, err, n)
		}
		return nil
	})
}

// TestLookupsDoNotAllocate: the memory store packs the key a Get, GetShared
// or Delete looks up into the transaction's scratch space, and a scan's
// start into its own, instead of a new item per lookup.
func TestLookupsDoNotAllocate(t *testing.T) {
	s := OpenMemory()
	defer s.Close()
	put(t, s, 1, "b", "k1", "v1", "k2", "v2", "k3", "v3")
	mustView(t, s, 1, func(tx Tx) error {
		shared := tx.(SharedReader)
		key := []byte("k2")
		if n := testing.AllocsPerRun(100, func() { _, _, _ = shared.GetShared("b", key) }); n != 0 {
			t.Errorf("GetShared: %v allocations", n)
		}
		if n := testing.AllocsPerRun(100, func() { _, _ = tx.Get("b", key) }); n != 1 { // the copy
			t.Errorf("Get: %v allocations, want 1 (the value's copy)", n)
		}
		visit := func(k, v []byte, alone bool) bool { return false }
		if n := testing.AllocsPerRun(100, func() { _ = shared.ScanShared("b", key, visit) }); n != 0 {
			t.Errorf("ScanShared from a key: %v allocations", n)
		}
		return nil
	})
	mustUpdate(t, s, 1, func(tx Tx) error {
		absent := []byte("absent")
		if n := testing.AllocsPerRun(100, func() { _ = tx.Delete("b", absent) }); n != 0 {
			t.Errorf("Delete: %v allocations", n)
		}
		return nil
	})
}

// TestScanInsideScan: a scan from the callback of another, each from a
// start key, and Gets inside both, leave the outer scan's position alone.
func TestScanInsideScan(t *testing.T) {
	for _, s := range []Store{OpenMemory()} {
		defer s.Close()
		put(t, s, 1, "b", "a1", "", "a2", "", "a3", "", "b1", "", "b2", "")
		mustView(t, s, 1, func(tx Tx) error {
			var got []string
			err := tx.Scan("b", []byte("a2"), func(k, _ []byte) bool {
				_ = tx.Scan("b", []byte("b2"), func(k2, _ []byte) bool {
					_, _ = tx.Get("b", []byte("a1"))
					got = append(got, string(k)+">"+string(k2))
					return true
				})
				_, _ = tx.Get("b", []byte("b1"))
				return true
			})
			if want := "[a2>b2 a3>b2 b1>b2 b2>b2]"; fmt.Sprint(got) != want || err != nil {
				t.Errorf("got %v, %v; want %s", got, err, want)
			}
			return nil
		})
	}
}
