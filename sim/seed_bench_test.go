package sim

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stsim/stsim/fixtures"
	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/internal/cpuclock"
	"github.com/stsim/stsim/sim/store"
)

// BenchmarkSeedTenant measures what every start does for the demo tenant:
// read the embedded fixture set (once: fixture.ReadSet, since LoadSet keeps
// what it read) and write all of its records (into memory, and into a fresh
// bbolt file). cpu-ns/op is the process's CPU time per
// seed: on a shared machine it moves much less than the wall time.
func BenchmarkSeedTenant(b *testing.B) {
	now := time.Date(2026, 12, 2, 15, 4, 5, 0, time.UTC)
	seedOnce := func(b *testing.B, st store.Store) {
		set, err := fixture.ReadSet(fixtures.FS, fixture.DefaultSet)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := seedTenant(st, set, now); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("memory", func(b *testing.B) {
		b.ReportAllocs()
		cpu := cpuclock.Start()
		for b.Loop() {
			st := store.OpenMemory()
			seedOnce(b, st)
			st.Close()
		}
		cpu.Report(b)
	})
	b.Run("bbolt", func(b *testing.B) {
		b.ReportAllocs()
		dir, i := b.TempDir(), 0
		cpu := cpuclock.Start()
		for b.Loop() {
			i++
			st, err := store.OpenBolt(filepath.Join(dir, fmt.Sprintf("seed%d.db", i)), store.BoltOptions{})
			if err != nil {
				b.Fatal(err)
			}
			seedOnce(b, st)
			st.Close()
		}
		cpu.Report(b)
	})
}
