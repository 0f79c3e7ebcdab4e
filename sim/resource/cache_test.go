package resource

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/store"
)

// TestWireEncodesOncePerStoredForm checks the response cache: a body is
// encoded once per key and stored form of a record, a write or another
// tenant's record of the same ID is encoded afresh, and a record read for
// update is never served from the cache.
func TestWireEncodesOncePerStoredForm(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		k := &Kind[widget]{Name: widgets.Name, Label: widgets.Label} // the widgets, with a cache of its own
		seed(t, st, 1, 1, t0)
		seed(t, st, 2, 1, t0) // the same ID in another tenant
		update(t, st, 2, t0, func(tx *Tx) error {
			w := mustGet(t, tx, 1)
			w.Name = "tenant two"
			return Save(tx, &widgets, w)
		})
		encodes := 0
		encode := func(w *widget) ([]byte, error) {
			encodes++
			return json.Marshal(map[string]string{"name": w.Name})
		}
		body := func(tenant int64, key string) string {
			t.Helper()
			var out []byte
			err := View(st, tenant, t0, func(tx *Tx) error {
				w, err := Get(tx, k, 1)
				if err == nil {
					out, err = Wire(w, key, encode)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return string(out)
		}
		want := func(got, body string, n int) {
			t.Helper()
			if got != body || encodes != n {
				t.Fatalf("body %s after %d encodes, want %s after %d", got, encodes, body, n)
			}
		}
		want(body(1, "a"), `{"name":"w0"}`, 1)
		want(body(1, "a"), `{"name":"w0"}`, 1) // cached
		want(body(1, "b"), `{"name":"w0"}`, 2) // another key
		want(body(2, "a"), `{"name":"tenant two"}`, 3)
		want(body(1, "a"), `{"name":"w0"}`, 4) // tenant 2's read replaced the entry of ID 1

		later := t0.Add(time.Minute)
		update(t, st, 1, later, func(tx *Tx) error {
			w := mustGet(t, tx, 1)
			w.Name = "renamed"
			if err := Save(tx, &widgets, w); err != nil {
				return err
			}
			for range 2 { // a record read for update is encoded every time
				if _, err := Wire(w, "a", encode); err != nil {
					return err
				}
			}
			return nil
		})
		want(body(1, "a"), `{"name":"renamed"}`, 7)
		want(body(1, "a"), `{"name":"renamed"}`, 7)
	})
}

// TestSharedReadsAndBodiesUnderConcurrentWrites reads, lists and encodes
// shared records from several goroutines while another renames them, for
// the race detector, and checks that every body shows a name the record
// had.
func TestSharedReadsAndBodiesUnderConcurrentWrites(t *testing.T) {
	st := store.OpenMemory()
	defer st.Close()
	k := &Kind[widget]{Name: widgets.Name, Label: widgets.Label}
	seed(t, st, 1, 20, t0)
	encode := func(w *widget) ([]byte, error) { return json.Marshal(w.Name) }
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				err := View(st, 1, t0, func(tx *Tx) error {
					tx.Shared = g%2 == 0
					page, err := List(tx, k, Query{Page: 1 + i%3, PageSize: 7, Active: ActiveAny}, Select{}, nil)
					if err != nil {
						return err
					}
					for _, w := range page.Data {
						body, err := Wire(w, "name", encode)
						if err != nil {
							return err
						}
						if want, _ := json.Marshal(w.Name); string(body) != string(want) {
							t.Errorf("body %s for a record named %q", body, w.Name)
						}
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for i := range 100 {
		update(t, st, 1, t0, func(tx *Tx) error {
			w, err := Get(tx, k, int64(1+i%20))
			if err != nil {
				return err
			}
			w.Name = "renamed " + strconv.Itoa(i)
			return Save(tx, k, w)
		})
	}
	wg.Wait()
}

// TestDecodedCacheKeepsNoChunks: records that a large Update wrote (the
// memory store packs its pairs into shared 16 KB chunks) stay in the
// decoded cache after their tenant is dropped, and must keep no more than
// their own bytes alive, not the chunks they were carved from. Each record
// here shares its chunk with ~14 KB of other pairs, so a cache that kept
// the store's bytes would keep ~16 KB per record alive.
func TestDecodedCacheKeepsNoChunks(t *testing.T) {
	const n = 400
	st := store.OpenMemory()
	defer st.Close()
	k := &Kind[widget]{Name: widgets.Name, Label: widgets.Label}
	heap := func() int64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return int64(m.HeapAlloc)
	}
	before := heap()
	update(t, st, 1, t0, func(tx *Tx) error {
		pad := bytes.Repeat([]byte("p"), 1800)
		for i := range n {
			if err := Create(tx, &widgets, &widget{Meta: Meta{Active: true}, Name: "w" + strconv.Itoa(i)}); err != nil {
				return err
			}
			for j := range 8 {
				if err := tx.Put("padding", store.AppendUint64Key(nil, uint64(i*8+j)), pad); err != nil {
					return err
				}
			}
		}
		return nil
	})
	err := View(st, 1, t0, func(tx *Tx) error {
		page, err := List(tx, k, Query{Page: 1, PageSize: n, Active: ActiveAny}, Select{}, nil)
		if err == nil && len(page.Data) != n {
			err = fmt.Errorf("listed %d widgets, want %d", len(page.Data), n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.DropTenant(1); err != nil {
		t.Fatal(err)
	}
	kept := heap() - before
	if entries := len(k.cache.entries); entries != n {
		t.Fatalf("%d cache entries, want %d", entries, n)
	}
	t.Logf("%d cached records keep %d KB alive after their tenant was dropped", n, kept>>10)
	if kept > n*2048 {
		t.Errorf("%d cached records keep %d KB alive after their tenant was dropped (%d bytes each)", n, kept>>10, kept/n)
	}
	runtime.KeepAlive(k)
}
