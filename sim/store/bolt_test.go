package store

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Tests specific to the bbolt backend. The shared contract (including reopen
// checks) is in store_test.go.

func openBoltT(t *testing.T, path string) Store {
	t.Helper()
	s, err := OpenBolt(path, BoltOptions{})
	if err != nil {
		t.Fatalf("OpenBolt: %v", err)
	}
	return s
}

func TestBoltReopenPreservesEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reopen.db")
	s := openBoltT(t, path)
	put(t, s, 1, "customers", "c1", "alice")
	put(t, s, 2, "jobs", "j1", "fix")
	nextSeq(t, s, 1, "customers")
	if err := s.Snapshot(1, "s"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openBoltT(t, path)
	defer func() { s.Close(); checkBoltFile(t, path) }()
	if get(t, s, 1, "customers", "c1") != "alice" || get(t, s, 2, "jobs", "j1") != "fix" {
		t.Fatal("data lost on reopen")
	}
	if v := nextSeq(t, s, 1, "customers"); v != 2 {
		t.Fatalf("sequence after reopen = %d", v)
	}
	if names, _ := s.Snapshots(1); len(names) != 1 || names[0] != "s" {
		t.Fatalf("snapshots after reopen = %v", names)
	}
}

func TestBoltInUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locked.db")
	s := openBoltT(t, path)
	defer func() { s.Close(); checkBoltFile(t, path) }()

	start := time.Now()
	s2, err := OpenBolt(path, BoltOptions{Timeout: 100 * time.Millisecond})
	elapsed := time.Since(start)
	if err == nil {
		s2.Close()
		t.Fatal("second OpenBolt of the same file succeeded")
	}
	if !errors.Is(err, ErrInUse) {
		t.Fatalf("err = %v, want ErrInUse", err)
	}
	want := fmt.Sprintf("store: data file %q is in use by another stsim process", path)
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("message %q does not contain %q", err, want)
	}
	if elapsed > 2*time.Second {
		t.Fatalf("took %s to fail, want about the timeout", elapsed)
	}
	// The first handle is unaffected.
	put(t, s, 1, "b", "k", "v")
}

func TestBoltSchemaVersion(t *testing.T) {
	dir := t.TempDir()

	// A file from a newer stsim is refused, and left alone.
	path := filepath.Join(dir, "newer.db")
	s := openBoltT(t, path)
	put(t, s, 1, "b", "k", "v")
	s.Close()
	setRaw(t, path, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, Uint64Key(schemaVersion+1))
	})
	_, err := OpenBolt(path, BoltOptions{})
	if !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), "schema version 2") {
		t.Fatalf("opening a newer file: %v, want ErrSchema mentioning version 2", err)
	}
	setRaw(t, path, func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keySchemaVersion); decodeSeq(v) != schemaVersion+1 {
			return fmt.Errorf("OpenBolt rewrote the version: %x", v)
		}
		return nil
	})

	// A bbolt file that isn't ours is refused too.
	other := filepath.Join(dir, "foreign.db")
	setRaw(t, other, func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket([]byte("something-else"))
		return err
	})
	if _, err := OpenBolt(other, BoltOptions{}); !errors.Is(err, ErrSchema) {
		t.Fatalf("opening a foreign bbolt file: %v, want ErrSchema", err)
	}

	// A new file gets the current version.
	fresh := filepath.Join(dir, "fresh.db")
	openBoltT(t, fresh).Close()
	setRaw(t, fresh, func(tx *bolt.Tx) error {
		if v := decodeSeq(tx.Bucket(bucketMeta).Get(keySchemaVersion)); v != schemaVersion {
			return fmt.Errorf("fresh file has schema version %d", v)
		}
		return nil
	})
}

// setRaw runs fn in a raw bbolt write transaction on path.
func setRaw(t *testing.T, path string, fn func(*bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
}

// crashChildEnv, when set, makes TestCrashChild act as the writer process of
// TestCrashDurability; its value is the data file.
const crashChildEnv = "STSIM_STORE_CRASH_CHILD"

// TestCrashDurability re-executes the test binary as a writer process,
// kill -9s it while it is committing, and checks that every write it had
// acknowledged (Update returned nil, then it printed the key) is in the file,
// and that the file is consistent.
func TestCrashDurability(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crash.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}

	type ack struct {
		key string
		id  uint64
	}
	var (
		mu    sync.Mutex
		acks  []ack
		first = make(chan struct{})
		eof   = make(chan struct{})
	)
	go func() {
		defer close(eof)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) != 3 || f[0] != "ACK" {
				continue // test framework chatter, or a line cut by the kill
			}
			id, err := strconv.ParseUint(f[2], 10, 64)
			if err != nil {
				continue
			}
			mu.Lock()
			acks = append(acks, ack{f[1], id})
			if len(acks) == 1 {
				close(first)
			}
			mu.Unlock()
		}
	}()

	select {
	case <-first:
	case <-eof:
		cmd.Wait()
		t.Fatalf("child exited without acknowledging anything; stderr:\n%s", stderr.String())
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child acknowledged nothing in 20s; stderr:\n%s", stderr.String())
	}
	time.Sleep(400 * time.Millisecond)
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	cmd.Wait()
	<-eof // every line the child wrote before dying has been read

	mu.Lock()
	defer mu.Unlock()
	if len(acks) < 10 {
		t.Fatalf("only %d acknowledged writes before the kill; stderr:\n%s", len(acks), stderr.String())
	}
	if strings.Contains(stderr.String(), "FAIL") {
		t.Fatalf("child failed:\n%s", stderr.String())
	}

	s, err := OpenBolt(path, BoltOptions{})
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	defer s.Close()
	if err := s.(*boltStore).check(); err != nil {
		t.Fatalf("file inconsistent after kill -9: %v", err)
	}
	var stored int
	var maxID uint64
	mustView(t, s, 1, func(tx Tx) error {
		for _, a := range acks {
			v, err := tx.Get("acks", []byte(a.key))
			if err != nil {
				t.Errorf("acknowledged key %s lost: %v", a.key, err)
				continue
			}
			if id, _ := ParseUint64Key(v); id != a.id {
				t.Errorf("key %s: id %d, acknowledged %d", a.key, id, a.id)
			}
			maxID = max(maxID, a.id)
		}
		var err error
		stored, err = tx.Count("acks")
		return err
	})
	if next := nextSeq(t, s, 1, "ids"); next <= maxID {
		t.Errorf("sequence went back after the crash: next %d, max acknowledged %d", next, maxID)
	}
	t.Logf("%d writes acknowledged before kill -9, %d found in the file (unacknowledged ones may or may not be there)", len(acks), stored)
}

// TestCrashChild is the writer process of TestCrashDurability; on its own it
// is skipped.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashChildEnv)
	if path == "" {
		t.Skip("helper process for TestCrashDurability")
	}
	s, err := OpenBolt(path, BoltOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL open:", err)
		os.Exit(2)
	}
	var out sync.Mutex
	for g := range 8 {
		go func() {
			for i := 0; ; i++ {
				key := fmt.Sprintf("g%d-%07d", g, i)
				var id uint64
				err := s.Update(1, func(tx Tx) error {
					var err error
					if id, err = tx.NextSequence("ids"); err != nil {
						return err
					}
					return tx.Put("acks", []byte(key), Uint64Key(id))
				})
				if err != nil {
					fmt.Fprintln(os.Stderr, "FAIL update:", err)
					os.Exit(3)
				}
				// Acknowledge only after Update returned nil. os.Stdout is
				// unbuffered: one write(2) per line.
				out.Lock()
				fmt.Fprintf(os.Stdout, "ACK %s %d\n", key, id)
				out.Unlock()
			}
		}()
	}
	time.Sleep(30 * time.Second) // the parent kills us long before this
	fmt.Fprintln(os.Stderr, "FAIL: not killed")
	os.Exit(4)
}
