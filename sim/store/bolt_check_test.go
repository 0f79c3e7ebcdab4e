package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// writeSampleFile writes a data file of a few dozen pages and closes it.
func writeSampleFile(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	s := openBoltT(t, path)
	for i := range 200 {
		put(t, s, 1, "customers", fmt.Sprintf("c%04d", i), strings.Repeat("x", 300))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCorruptPageIsRefusedAtOpenNamingTheFile overwrites the type of every
// data page of a real file: bbolt alone panics in a goroutine of its own
// (killing the process) when it rebuilds its freelist from such a file.
func TestCorruptPageIsRefusedAtOpenNamingTheFile(t *testing.T) {
	path := writeSampleFile(t, "corrupt.db")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := os.Getpagesize()
	if len(data) < 6*page {
		t.Fatalf("file has only %d bytes", len(data))
	}
	for off := 2 * page; off+page <= len(data); off += page {
		data[off+8], data[off+9] = 0x7f, 0x7f // page flags: no such page type
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = OpenBolt(path, BoltOptions{})
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
		t.Fatalf("OpenBolt of a corrupt file: %v; want ErrCorrupt naming %s", err, path)
	}
	t.Log(err)
}

// TestTruncatedFileIsRefusedAtOpen cuts a file in the middle of its data.
func TestTruncatedFileIsRefusedAtOpen(t *testing.T) {
	path := writeSampleFile(t, "short.db")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, info.Size()/2); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenBolt(path, BoltOptions{}); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("OpenBolt of a truncated file: %v; want an error naming %s", err, path)
	}
}

// TestCheckBoltFileAnswers: a sound file passes the whole check; a missing
// one is the stat error itself (CheckBoltFile wants a file), while OpenBolt
// starts a missing file empty; a cut-short one is ErrCorrupt naming it.
func TestCheckBoltFileAnswers(t *testing.T) {
	path := writeSampleFile(t, "sound.db")
	if err := CheckBoltFile(path); err != nil {
		t.Fatalf("CheckBoltFile of a sound file: %v", err)
	}

	missing := filepath.Join(t.TempDir(), "missing.db")
	err := CheckBoltFile(missing)
	var pathErr *os.PathError
	if !errors.As(err, &pathErr) || pathErr.Op != "stat" || pathErr.Path != missing || !errors.Is(err, os.ErrNotExist) || errors.Is(err, ErrCorrupt) {
		t.Fatalf("CheckBoltFile of a missing file: %v; want the stat error", err)
	}
	s, err := OpenBolt(missing, BoltOptions{})
	if err != nil {
		t.Fatalf("OpenBolt of a missing file: %v; want a new empty file", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, info.Size()/2); err != nil {
		t.Fatal(err)
	}
	err = CheckBoltFile(path)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "cut short") {
		t.Fatalf("CheckBoltFile of a cut-short file: %v; want ErrCorrupt saying it is cut short, naming %s", err, path)
	}
}

// TestCorruptDeepPageFailsTheReadNotTheProcess points a branch page of a
// data bucket far outside the file. CheckBoltFile finds it; the open check
// reads only the top levels, so the file opens; reading through that page
// then faults, which
// must reach the reader as a panic (recovered here, by the HTTP server in
// stsim) instead of killing the process.
func TestCorruptDeepPageFailsTheReadNotTheProcess(t *testing.T) {
	path := writeSampleFile(t, "deep.db")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := os.Getpagesize()
	pointed := false
	for off := 2 * page; off+page <= len(data); off += page {
		flags, count := binary.NativeEndian.Uint16(data[off+8:]), binary.NativeEndian.Uint16(data[off+10:])
		if flags == 0x01 && count > 1 { // the customers bucket's root, a branch page
			// Its first element: pos, key size (uint32 each), then the child's page id.
			binary.NativeEndian.PutUint64(data[off+16+8:], 1<<20) // 4 GiB in: past the mapping, a fault
			pointed = true
		}
	}
	if !pointed {
		t.Fatal("no branch page in the sample file")
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := CheckBoltFile(path); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("CheckBoltFile: %v; want ErrCorrupt", err)
	}
	s, err := OpenBolt(path, BoltOptions{})
	if err != nil {
		t.Fatalf("OpenBolt: %v; want the file opened (its top levels are intact)", err)
	}
	defer s.Close()
	read := func(fn func() error) (err error, panicked any) {
		defer func() { panicked = recover() }()
		return fn(), nil
	}
	_, p := read(func() error {
		return s.View(1, func(tx Tx) error { _, err := tx.Get("customers", []byte("c0000")); return err })
	})
	if p == nil {
		t.Fatal("a read through the corrupt page did not panic")
	}
	t.Log("read:", p)
	_, p = read(func() error {
		return s.Update(1, func(tx Tx) error { return tx.Put("customers", []byte("c0000"), []byte("y")) })
	})
	if p == nil {
		t.Fatal("a write through the corrupt page did not panic")
	}
	t.Log("write:", p)
	// Another bucket of the same file is still served.
	put(t, s, 1, "other", "k", "v")
}

// TestFileWithoutFreelistIsCheckedThrough covers files written by an older
// stsim, which stored no freelist: bbolt rebuilds it at open by walking
// every page, and panics in a goroutine of its own on a corrupt one. Such a
// file is read through at open, so a corrupt leaf deep in a data bucket is
// refused with an error instead of crashing the process; once opened
// cleanly the file stores a freelist.
func TestFileWithoutFreelistIsCheckedThrough(t *testing.T) {
	path := writeSampleFile(t, "old.db")
	db, err := bolt.Open(path, 0o600, &bolt.Options{NoFreelistSync: true})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // both meta pages: no freelist
		if err := db.Update(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put([]byte("touch"), []byte("x"))
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if stored, err := freelistStored(path); stored || err != nil {
		t.Fatalf("freelistStored = %v, %v; want false", stored, err)
	}
	clean := filepath.Join(t.TempDir(), "clean.db")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(clean, data, 0o600); err != nil {
		t.Fatal(err)
	}
	s := openBoltT(t, clean)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if stored, err := freelistStored(clean); !stored || err != nil {
		t.Fatalf("after a clean open freelistStored = %v, %v; want true", stored, err)
	}

	// Corrupt the last leaf page holding customer values.
	page := os.Getpagesize()
	last := -1
	for off := 2 * page; off+page <= len(data); off += page {
		if binary.NativeEndian.Uint16(data[off+8:]) == 0x02 && bytes.Contains(data[off:off+page], []byte("xxxxxxxx")) {
			last = off
		}
	}
	if last < 0 {
		t.Fatal("no leaf page with customer values")
	}
	data[last+8], data[last+9] = 0x7f, 0x7f
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = OpenBolt(path, BoltOptions{})
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
		t.Fatalf("OpenBolt of an old file with a corrupt leaf: %v; want ErrCorrupt naming %s", err, path)
	}
	t.Log(err)
}

// TestCorruptPageAtCommitFailsTheUpdate corrupts the leaf after the first
// one of a data bucket and empties most of the first: the deletes succeed,
// then bbolt's commit merges the first leaf into the corrupt one and
// panics. The Update (and any Update sharing its commit) gets an error
// naming the file instead of a crash or a hang, and the store goes on.
func TestCorruptPageAtCommitFailsTheUpdate(t *testing.T) {
	path := writeSampleFile(t, "commit.db")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := os.Getpagesize()
	leafWith := func(key string) int { // the offset of the leaf page holding key
		for off := 2 * page; off+page <= len(data); off += page {
			if binary.NativeEndian.Uint16(data[off+8:]) == 0x02 && bytes.Contains(data[off:off+page], []byte(key)) {
				return off
			}
		}
		t.Fatalf("no leaf page holds %s", key)
		return 0
	}
	first := leafWith("c0000")
	n := int(binary.NativeEndian.Uint16(data[first+10:])) // keys c0000 .. c{n-1}
	second := leafWith(fmt.Sprintf("c%04d", n))
	data[second+8], data[second+9] = 0x7f, 0x7f
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	s := openBoltT(t, path)
	defer s.Close()
	err = s.Update(1, func(tx Tx) error {
		for i := range n - 1 {
			if err := tx.Delete("customers", fmt.Appendf(nil, "c%04d", i)); err != nil {
				return err
			}
		}
		return nil
	})
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Update merging into a corrupt page: %v; want ErrCorrupt naming %s", err, path)
	}
	t.Log(err)
	if got := get(t, s, 1, "customers", "c0000"); got == "<absent>" {
		t.Error("the failed Update's delete was kept")
	}
	put(t, s, 1, "other", "k", "v")
}
