package store

import (
	"fmt"
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
		shared, ok := tx.(SharedScanner)
		if !ok {
			t.Fatal("a memory View does not scan shared")
		}
		for _, start := range []string{"", "b", "bb", "z"} {
			want, _ := visit(tx.Scan, start)
			got, k := visit(shared.ScanShared, start)
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
