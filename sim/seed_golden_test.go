package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/store"
)

// The demo seed's stored bytes are pinned: a change that makes the seed
// cheaper must write exactly what it wrote before (every API answer is
// read from them). TestSeedGolden dumps every bucket and counter of the
// demo tenant seeded at fixed instants and compares the dump's SHA-256
// with testdata/seed-golden.txt. When the seed is meant to change, run
//
//	go test ./sim -run TestSeedGolden -update-seed-golden
//
// and say why in the commit; -seed-dump DIR writes the dumps (text, one
// line per pair) to compare two versions with diff.
var (
	updateSeedGolden = flag.Bool("update-seed-golden", false, "rewrite testdata/seed-golden.txt from the current seed")
	seedDumpDir      = flag.String("seed-dump", "", "write the seed dumps of TestSeedGolden to this directory")
)

const seedGoldenFile = "testdata/seed-golden.txt"

// seedGoldenInstants are the instants the demo tenant is seeded at: one in
// winter with a fraction of a second (relative dates carry it), one in
// summer time in the tenant's zone.
var seedGoldenInstants = []time.Time{
	time.Date(2026, 12, 2, 15, 4, 5, 123456789, time.UTC),
	time.Date(2027, 7, 14, 3, 30, 0, 0, time.UTC),
}

func TestSeedGolden(t *testing.T) {
	var lines []string
	for _, now := range seedGoldenInstants {
		dump := seedDump(t, now)
		sum := sha256.Sum256(dump)
		lines = append(lines, now.Format(time.RFC3339Nano)+" "+hex.EncodeToString(sum[:]))
		if *seedDumpDir != "" {
			path := filepath.Join(*seedDumpDir, "seed-"+now.Format("20060102T150405")+".txt")
			if err := os.WriteFile(path, dump, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s", path)
		}
	}
	got := strings.Join(lines, "\n") + "\n"
	if *updateSeedGolden {
		if err := os.WriteFile(seedGoldenFile, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(seedGoldenFile)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("the demo seed's stored bytes changed:\ngot\n%swant\n%s(-seed-dump DIR writes the dumps to diff against the previous version's)", got, want)
	}
}

// TestSeedDumpSeesEveryChange checks the dump itself: one byte of one
// value, one key, one counter more or one bucket more changes it.
func TestSeedDumpSeesEveryChange(t *testing.T) {
	now := seedGoldenInstants[0]
	base := seedDump(t, now)
	changes := map[string]func(tx store.Tx) error{
		"value": func(tx store.Tx) error {
			return tx.Put("r/crm.customers", store.Int64Key(6), []byte(`{"id":6}`))
		},
		"key":     func(tx store.Tx) error { return tx.Put("i/crm.customers/phone", []byte("x"), nil) },
		"counter": func(tx store.Tx) error { _, err := tx.NextSequence("id"); return err },
		"bucket":  func(tx store.Tx) error { return tx.Put("extra", []byte("k"), []byte("v")) },
	}
	for name, change := range changes {
		if got := seedDump(t, now, change); string(got) == string(base) {
			t.Errorf("changing a %s left the dump as it was", name)
		}
	}
	if again := seedDump(t, now); string(again) != string(base) {
		t.Error("two seeds at the same instant dumped differently")
	}
}

// seedDump seeds the demo tenant into a fresh memory store at now, applies
// the changes (if any) in one more Update, and returns every bucket the
// writes touched (name, then each key and value in order) and every
// counter they advanced, as text.
func seedDump(t *testing.T, now time.Time, changes ...func(store.Tx) error) []byte {
	t.Helper()
	return seedDumpWith(t, now, defaultSeeding, changes...)
}

// seedDumpWith is seedDump with the seed done how says.
func seedDumpWith(t *testing.T, now time.Time, how seeding, changes ...func(store.Tx) error) []byte {
	t.Helper()
	st := &touchingStore{Store: store.OpenMemory(), buckets: map[string]bool{}, seqs: map[string]bool{}}
	defer st.Close()
	set, err := fixture.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := how.seedTenant(st, set, now); err != nil {
		t.Fatal(err)
	}
	tenant := set.Tenant.ID
	for _, change := range changes {
		if err := st.Update(tenant, change); err != nil {
			t.Fatal(err)
		}
	}
	var out strings.Builder
	err = st.View(tenant, func(tx store.Tx) error {
		for _, bucket := range slices.Sorted(maps.Keys(st.buckets)) {
			n, err := tx.Count(bucket)
			if err != nil {
				return err
			}
			fmt.Fprintf(&out, "bucket %q %d\n", bucket, n)
			err = tx.Scan(bucket, nil, func(key, value []byte) bool {
				fmt.Fprintf(&out, "%q %q\n", key, value)
				return true
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range slices.Sorted(maps.Keys(st.seqs)) {
		fmt.Fprintf(&out, "sequence %q %d\n", name, peekSequence(t, st, tenant, name))
	}
	return []byte(out.String())
}

// peekSequence returns a counter's current value: the next one, taken in
// an Update that is then rolled back, less one.
func peekSequence(t *testing.T, st store.Store, tenant int64, name string) uint64 {
	var next uint64
	errUndo := errors.New("undo")
	err := st.Update(tenant, func(tx store.Tx) (err error) {
		if next, err = tx.NextSequence(name); err != nil {
			return err
		}
		return errUndo
	})
	if !errors.Is(err, errUndo) {
		t.Fatal(err)
	}
	return next - 1
}

// touchingStore notes the buckets and counters its Updates write (the
// store has no list of buckets).
type touchingStore struct {
	store.Store
	buckets, seqs map[string]bool
}

func (s *touchingStore) Update(tenant int64, fn func(store.Tx) error) error {
	return s.Store.Update(tenant, func(tx store.Tx) error { return fn(&touchingTx{Tx: tx, s: s}) })
}

type touchingTx struct {
	store.Tx
	s *touchingStore
}

func (tx *touchingTx) Put(bucket string, key, value []byte) error {
	tx.s.buckets[bucket] = true
	return tx.Tx.Put(bucket, key, value)
}

func (tx *touchingTx) NextSequence(name string) (uint64, error) {
	tx.s.seqs[name] = true
	return tx.Tx.NextSequence(name)
}

// TestSeedDecodeAhead seeds the demo tenant with its fixture records
// decoded ahead (fixture.DecodeAhead) before the seed starts, beside it,
// and not at all: the stored bytes are the same, every kind decoded ahead
// was taken by its seed as the type it decodes (a Kind whose Decode names
// another type than its seed's Decode call would be decoded twice), and
// every record type the seed writes or reads back through the general
// codec is in a module's Writes (warmed ahead).
func TestSeedDecodeAhead(t *testing.T) {
	now := seedGoldenInstants[0]
	var ahead *fixture.Ahead
	general := map[reflect.Type]bool{}
	first := seedDumpWith(t, now, seeding{
		decodeAhead: func(inputs []fixture.Input) *fixture.Ahead {
			ahead = fixture.DecodeAhead(fixtureModules(), inputs)
			ahead.Wait()
			return ahead
		},
		onGeneralCodec: func(t reflect.Type) { general[t] = true }, // the seed writes and reads on this goroutine
	})
	if misfits := ahead.Misfits(); len(misfits) > 0 {
		t.Errorf("kinds decoded ahead that their seed did not take: %v", misfits)
	}
	warmed := map[reflect.Type]bool{}
	for _, m := range fixtureModules() {
		for _, w := range m.Writes {
			warmed[reflect.TypeOf(w)] = true
		}
	}
	for typ := range general {
		if typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		if !warmed[typ] {
			t.Errorf("the seed writes or reads %v through the general codec, but no fixture.Module's Writes has it built ahead", typ)
		}
	}
	beside := seedDumpWith(t, now, seeding{decodeAhead: func(inputs []fixture.Input) *fixture.Ahead {
		return fixture.DecodeAhead(fixtureModules(), inputs)
	}})
	without := seedDumpWith(t, now, seeding{})
	if string(first) != string(without) || string(beside) != string(without) {
		t.Error("the seed's stored bytes depend on decoding ahead")
	}
	set, err := fixture.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range fixtureModules() {
		for _, k := range m.Kinds {
			if k.Decode == nil && set.Module(m.Name) != nil && len(set.Module(m.Name).Kinds[k.Name]) > 0 {
				t.Errorf("%s.%s has demo records but no Decode to decode them ahead", m.Name, k.Name)
			}
		}
	}
}
