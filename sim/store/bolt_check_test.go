package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
