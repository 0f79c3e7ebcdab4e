package store

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
)

// Benchmarks. Typical run:
//
//	go test -run xxx -bench . -benchtime 2000x ./sim/store/
//
// "bolt" benchmarks of serial Updates use BoltOptions.NoSync so that they
// measure the engine rather than the disk's fsync latency ("bolt-sync" shows
// the latter); BenchmarkBoltParallelCreate keeps sync on.

var benchValue = make([]byte, 200) // roughly a small JSON record

type benchBackend struct {
	name string
	open func(b *testing.B) Store
}

func benchBackends() []benchBackend {
	return []benchBackend{
		{"memory", func(b *testing.B) Store { s := OpenMemory(); b.Cleanup(func() { s.Close() }); return s }},
		{"bolt", openBenchBolt(true)},
	}
}

// openBenchBolt opens a bbolt store in a temporary file, closed when b
// ends.
func openBenchBolt(noSync bool) func(b *testing.B) Store {
	return func(b *testing.B) Store {
		s, err := OpenBolt(filepath.Join(b.TempDir(), "bench.db"), BoltOptions{NoSync: noSync})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	}
}

// timeViews times b.N View calls of fn on tenant 1 of s; i counts the calls.
func timeViews(b *testing.B, s Store, fn func(tx Tx, i int) error) {
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.View(1, func(tx Tx) error { return fn(tx, i) }); err != nil {
			b.Fatal(err)
		}
	}
}

// fill puts keys Uint64Key(0..n-1) in bucket "bench" of tenant 1.
func fill(b *testing.B, s Store, n int) {
	b.Helper()
	const chunk = 10000
	for lo := 0; lo < n; lo += chunk {
		err := s.Update(1, func(tx Tx) error {
			for i := lo; i < min(lo+chunk, n); i++ {
				if err := tx.Put("bench", Uint64Key(uint64(i)), benchValue); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	// Read everything once so that bbolt's mmap is paged in: measure the
	// engine, not first-touch page faults.
	err := s.View(1, func(tx Tx) error {
		return tx.Scan("bench", nil, func(k, v []byte) bool { return true })
	})
	if err != nil {
		b.Fatal(err)
	}
}

// pick spreads successive i over [0, n) in a scattered order.
func pick(i, n int) uint64 { return uint64((i * 7919) % n) }

func BenchmarkGet(b *testing.B) {
	for _, be := range benchBackends() {
		for _, n := range []int{10_000, 100_000} {
			b.Run(fmt.Sprintf("%s/%dk", be.name, n/1000), func(b *testing.B) {
				s := be.open(b)
				fill(b, s, n)
				b.ReportAllocs()
				timeViews(b, s, func(tx Tx, i int) error {
					_, err := tx.Get("bench", Uint64Key(pick(i, n)))
					return err
				})
			})
		}
	}
}

func BenchmarkUpdatePut(b *testing.B) {
	backends := benchBackends()
	backends = append(backends, benchBackend{"bolt-sync", openBenchBolt(false)})
	for _, be := range backends {
		for _, n := range []int{10_000, 100_000} {
			if be.name == "bolt-sync" && n != 10_000 {
				continue // fsync-bound: the size makes no difference
			}
			b.Run(fmt.Sprintf("%s/%dk", be.name, n/1000), func(b *testing.B) {
				s := be.open(b)
				fill(b, s, n)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					err := s.Update(1, func(tx Tx) error {
						return tx.Put("bench", Uint64Key(pick(i, n)), benchValue)
					})
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkScan100(b *testing.B) {
	for _, be := range benchBackends() {
		b.Run(be.name+"/100k", func(b *testing.B) {
			s := be.open(b)
			fill(b, s, 100_000)
			b.ReportAllocs()
			timeViews(b, s, func(tx Tx, i int) error {
				n := 0
				return tx.Scan("bench", Uint64Key(pick(i, 100_000)), func(k, v []byte) bool {
					n++
					return n < 100
				})
			})
		})
	}
}

func BenchmarkCount(b *testing.B) {
	for _, be := range benchBackends() {
		b.Run(be.name+"/100k", func(b *testing.B) {
			s := be.open(b)
			fill(b, s, 100_000)
			timeViews(b, s, func(tx Tx, _ int) error {
				_, err := tx.Count("bench")
				return err
			})
		})
	}
}

// BenchmarkSnapshot covers the memory backend only: its Snapshot is O(number
// of buckets). bbolt's copies the tenant's data (tens of ms per 10k keys),
// which would make -benchtime 2000x take minutes.
func BenchmarkSnapshot(b *testing.B) {
	for _, be := range benchBackends()[:1] {
		b.Run(be.name+"/10k", func(b *testing.B) {
			s := be.open(b)
			fill(b, s, 10_000)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := s.Snapshot(1, "bench"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBoltParallelCreate measures durable (sync on) creates from many
// concurrent writers, as a server under load issues them. Each create writes
// what a customer create with a location and a phone contact writes through
// the resource layer: three records, three change-log entries, five index
// entries and six sequence increments, over eleven buckets. writers is the
// number of goroutines; creates/s is the throughput, creates/commit the
// mean group-commit batch and pages/commit the pages bbolt wrote per commit.
func BenchmarkBoltParallelCreate(b *testing.B) {
	for _, writers := range []int{16, 64, 256} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			s := openBenchBolt(false)(b)
			bs := s.(*boltStore)
			stats, commits0 := bs.db.Stats(), bs.group.commits.Load()
			runParallelCreates(b, s, max(1, writers/runtime.GOMAXPROCS(0)))
			after := bs.db.Stats()
			commits := float64(bs.group.commits.Load() - commits0)
			pages := after.TxStats.Sub(&stats.TxStats)
			b.ReportMetric(float64(b.N)/commits, "creates/commit")
			b.ReportMetric(float64(pages.GetWrite())/commits, "pages/commit")
		})
	}
}

// BenchmarkMemoryParallelCreate is the memory backend's counterpart of
// BenchmarkBoltParallelCreate, for comparison.
func BenchmarkMemoryParallelCreate(b *testing.B) {
	s := OpenMemory()
	defer s.Close()
	runParallelCreates(b, s, 32)
}

// runParallelCreates runs b.N creates (benchCreate) on s from
// parallelism×GOMAXPROCS goroutines and reports creates/s.
func runParallelCreates(b *testing.B, s Store, parallelism int) {
	b.SetParallelism(parallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := s.Update(1, benchCreate); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
}

// benchCreate writes what creating a customer with a location and a phone
// contact writes.
func benchCreate(tx Tx) error {
	customer, err := benchPutRecord(tx, "customers", map[string]string{"zip": "60602"})
	if err != nil {
		return err
	}
	owner := strconv.FormatUint(customer, 10)
	if _, err := benchPutRecord(tx, "locations", map[string]string{"zip": "60602", "customer": owner}); err != nil {
		return err
	}
	_, err = benchPutRecord(tx, "contacts", map[string]string{"owner": owner, "phone": fmt.Sprintf("87255501%02d", customer%100)})
	return err
}

// benchPutRecord writes a record of kind as the resource layer does: an ID
// and a change sequence, the record, its change-log entry and an entry per
// index (name -> value). It returns the ID.
func benchPutRecord(tx Tx, kind string, index map[string]string) (uint64, error) {
	id, err := tx.NextSequence("id")
	if err != nil {
		return 0, err
	}
	seq, err := tx.NextSequence("change")
	if err != nil {
		return 0, err
	}
	if err := tx.Put("r/"+kind, Uint64Key(id), benchRecord); err != nil {
		return 0, err
	}
	if err := tx.Put("c/"+kind, Uint64Key(seq), Uint64Key(id)); err != nil {
		return 0, err
	}
	for name, value := range index {
		if err := tx.Put("i/"+kind+"/"+name, AppendUint64Key([]byte(value+"\x00"), id), nil); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// benchRecord is about the size of a stored customer, location or contact.
var benchRecord = make([]byte, 400)
