package sim_test

import (
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"testing"
)

// BenchmarkHeapPerCustomer creates customers (each with a location and a
// phone contact, as cmd/stsim-bench's RSS figure does) through the whole
// pipeline on the memory store and reports the live heap they add, in bytes
// per customer, after a full GC. STSIM_HEAP_CUSTOMERS sets how many
// (default 10000); STSIM_HEAP_PROFILE names a file to write the heap
// profile to once they are created:
//
//	STSIM_HEAP_CUSTOMERS=100000 STSIM_HEAP_PROFILE=/tmp/heap.out \
//	  go test -run x -bench HeapPerCustomer -benchtime 1x ./sim/
//	go tool pprof -sample_index inuse_space -top /tmp/heap.out
func BenchmarkHeapPerCustomer(b *testing.B) {
	n := 10000
	if v := os.Getenv("STSIM_HEAP_CUSTOMERS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("STSIM_HEAP_CUSTOMERS=%q: want a positive number", v)
		}
	}
	for b.Loop() {
		h, token := benchDefaultServer(b, "")
		before := liveHeap()
		for range n {
			if err := benchCall(h, token, http.MethodPost, "/crm/v2/tenant/1234567/customers", benchCreateBody); err != nil {
				b.Fatal(err)
			}
		}
		after := liveHeap()
		b.ReportMetric(float64(after-before)/float64(n), "heap-B/customer")
		b.ReportMetric(float64(after)/(1<<20), "heap-MB")
		if path := os.Getenv("STSIM_HEAP_PROFILE"); path != "" {
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
				b.Fatal(err)
			}
			if err := f.Close(); err != nil {
				b.Fatal(err)
			}
		}
		runtime.KeepAlive(h)
	}
}

// liveHeap returns the bytes of live heap objects after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
