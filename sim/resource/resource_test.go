package resource

import (
	"errors"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/store"
)

type widget struct {
	Meta
	Name string `json:"name"`
}

var widgets = Kind[widget]{
	Name: "test.widgets", Label: "Widget",
	Indexes: []Index[widget]{{Name: "name", Keys: func(w *widget) []string { return []string{strings.ToLower(w.Name)} }}},
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// backends runs fn on a memory and a bbolt store.
func backends(t *testing.T, fn func(t *testing.T, st store.Store)) {
	t.Run("memory", func(t *testing.T) { fn(t, store.OpenMemory()) })
	t.Run("bolt", func(t *testing.T) {
		st, err := store.OpenBolt(filepath.Join(t.TempDir(), "r.db"), store.BoltOptions{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fn(t, st)
	})
}

func update(t *testing.T, st store.Store, tenant int64, now time.Time, fn func(tx *Tx) error) {
	t.Helper()
	if err := st.Update(tenant, func(stx store.Tx) error { return fn(&Tx{Tx: stx, Now: now}) }); err != nil {
		t.Fatal(err)
	}
}

func view(t *testing.T, st store.Store, tenant int64, now time.Time, fn func(tx *Tx) error) {
	t.Helper()
	if err := st.View(tenant, func(stx store.Tx) error { return fn(&Tx{Tx: stx, Now: now}) }); err != nil {
		t.Fatal(err)
	}
}

func seed(t *testing.T, st store.Store, tenant int64, n int, at time.Time) []int64 {
	t.Helper()
	var ids []int64
	update(t, st, tenant, at, func(tx *Tx) error {
		ids = ids[:0]
		for i := 0; i < n; i++ {
			w := &widget{Meta: Meta{Active: i%10 != 9}, Name: "w" + strconv.Itoa(i%7)}
			if err := Create(tx, &widgets, w); err != nil {
				return err
			}
			ids = append(ids, w.ID)
		}
		return nil
	})
	return ids
}

func TestCreateGetSaveDelete(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		ids := seed(t, st, 1, 3, t0)
		if ids[0] != 1 || ids[2] != 3 {
			t.Fatalf("ids = %v, want 1..3", ids)
		}
		later := t0.Add(time.Hour)
		update(t, st, 1, later, func(tx *Tx) error {
			w, err := Get(tx, &widgets, 2)
			if err != nil {
				return err
			}
			if !w.CreatedOn.Equal(t0) || !w.ModifiedOn.Equal(t0) {
				t.Errorf("stamps %v %v, want %v", w.CreatedOn, w.ModifiedOn, t0)
			}
			w.Name = "Renamed"
			if err := Save(tx, &widgets, w); err != nil {
				return err
			}
			return Delete(tx, &widgets, mustGet(t, tx, 3))
		})
		view(t, st, 1, later, func(tx *Tx) error {
			w := mustGet(t, tx, 2)
			if w.Name != "Renamed" || !w.ModifiedOn.Equal(later) || !w.CreatedOn.Equal(t0) {
				t.Errorf("after save: %+v", w)
			}
			if ids, _ := Lookup(tx, &widgets, "name", "renamed"); len(ids) != 1 || ids[0] != 2 {
				t.Errorf("index after rename: %v", ids)
			}
			if ids, _ := Lookup(tx, &widgets, "name", "w1"); len(ids) != 0 {
				t.Errorf("old index entry kept: %v", ids)
			}
			_, err := Get(tx, &widgets, 3)
			var e *NotFoundError
			if !errors.As(err, &e) || e.ID != 3 || e.Label != widgets.Label || !errors.Is(err, ErrNotFound) {
				t.Errorf("deleted widget: %v", err)
			}
			return nil
		})
		// IDs are never reused, even after a delete.
		if again := seed(t, st, 1, 1, t0); again[0] != 4 {
			t.Fatalf("next id = %d, want 4", again[0])
		}
	})
}

func mustGet(t *testing.T, tx *Tx, id int64) *widget {
	t.Helper()
	w, err := Get(tx, &widgets, id)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func listIDs(p Page[*widget]) []int64 {
	var ids []int64
	for _, w := range p.Data {
		ids = append(ids, w.ID)
	}
	return ids
}

func TestListPagingFiltersAndSorting(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		seed(t, st, 1, 60, t0)                // ids 1..60, every 10th inactive
		seed(t, st, 1, 60, t0.Add(time.Hour)) // ids 61..120
		seed(t, st, 2, 5, t0)                 // another tenant
		q := func(raw string) Query {
			v, _ := url.ParseQuery(raw)
			query, err := ParseQuery(v, ListOptions{DefaultActive: ActiveTrue, Sorts: StandardSorts})
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", raw, err)
			}
			return query
		}
		list := func(query Query, sel Select) Page[*widget] {
			var p Page[*widget]
			view(t, st, 1, t0, func(tx *Tx) error {
				var err error
				p, err = List(tx, &widgets, query, sel, nil)
				return err
			})
			return p
		}
		p := list(q(""), Select{})
		if len(p.Data) != 50 || !p.HasMore || p.TotalCount != nil || p.Data[0].ID != 1 {
			t.Fatalf("page 1: %d items, hasMore %v, total %v", len(p.Data), p.HasMore, p.TotalCount)
		}
		p = list(q("page=3&includeTotal=true"), Select{})
		if len(p.Data) != 8 || p.HasMore || *p.TotalCount != 108 {
			t.Fatalf("page 3: %d items, hasMore %v, total %v", len(p.Data), p.HasMore, *p.TotalCount)
		}
		if p := list(q("active=False&includeTotal=true"), Select{}); *p.TotalCount != 12 || p.Data[0].ID != 10 {
			t.Fatalf("inactive: total %d first %d", *p.TotalCount, p.Data[0].ID)
		}
		if p := list(q("active=any&pageSize=5000"), Select{}); len(p.Data) != 120 {
			t.Fatalf("active=any: %d", len(p.Data))
		}
		if p := list(q("ids=3,5,10,200,61"), Select{}); !equal(listIDs(p), []int64{3, 5, 61}) {
			t.Fatalf("ids filter: %v", listIDs(p))
		}
		if p := list(q("createdOnOrAfter=2026-03-01T13:00:00Z&includeTotal=true"), Select{}); *p.TotalCount != 54 || p.Data[0].ID != 61 {
			t.Fatalf("createdOnOrAfter: total %d", *p.TotalCount)
		}
		if p := list(q("createdBefore=2026-03-01T13:00:00Z&includeTotal=true"), Select{}); *p.TotalCount != 54 || p.Data[0].ID != 1 {
			t.Fatalf("createdBefore: total %d", *p.TotalCount)
		}
		// 120 is inactive (every 10th is), so the default active=True list starts at 119.
		if p := list(q("sort=-Id&pageSize=3"), Select{}); !equal(listIDs(p), []int64{119, 118, 117}) || !p.HasMore {
			t.Fatalf("sort=-Id: %v", listIDs(p))
		}
		if p := list(q("sort=-createdOn&pageSize=2&page=2"), Select{}); !equal(listIDs(p), []int64{117, 116}) {
			t.Fatalf("sort=-createdOn page 2: %v", listIDs(p))
		}
		if p := list(q("includeTotal=true"), Select{Index: "name", Value: "w3"}); *p.TotalCount != 16 || p.Data[0].ID != 4 {
			t.Fatalf("index select: total %d first %d", *p.TotalCount, p.Data[0].ID)
		}
		if p := list(q("ids=4,5,11"), Select{Index: "name", Value: "w3"}); !equal(listIDs(p), []int64{4, 11}) {
			t.Fatalf("ids ∩ index: %v", listIDs(p))
		}
	})
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParseQueryRejectsBadParameters(t *testing.T) {
	many := make([]string, 51)
	for i := range many {
		many[i] = strconv.Itoa(i + 1)
	}
	for raw, field := range map[string]string{
		"pageSize=0": "pageSize", "pageSize=5001": "pageSize", "page=x": "page", "page=-1": "page",
		"ids=" + strings.Join(many, ","): "ids", "ids=1,x": "ids", "active=Sometimes": "active",
		"modifiedOnOrAfter=yesterday": "modifiedOnOrAfter", "sort=+Name": "sort", "includeTotal=maybe": "includeTotal",
	} {
		v, _ := url.ParseQuery(raw)
		_, err := ParseQuery(v, ListOptions{DefaultActive: ActiveTrue, Sorts: StandardSorts})
		var e *apierr.Error
		if !errors.As(err, &e) || e.Status != 400 || len(e.Errors[field]) == 0 {
			t.Errorf("%s: err = %v, want a 400 naming %s", raw, err, field)
		}
	}
}

func TestExportFeed(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		seed(t, st, 1, 5, t0) // ids 1..5, changes 1..5
		export := func(now time.Time, raw string) ExportPage[*widget] {
			v, _ := url.ParseQuery(raw)
			eq, err := ParseExport(v, 1, widgets.Name)
			if err != nil {
				t.Fatalf("ParseExport(%q): %v", raw, err)
			}
			var page ExportPage[*widget]
			view(t, st, 1, now, func(tx *Tx) error {
				var err error
				page, err = Export(tx, &widgets, 1, eq)
				return err
			})
			return page
		}
		if p := export(t0.Add(10*time.Minute), ""); len(p.Data) != 0 || p.HasMore {
			t.Fatalf("changes younger than 15 min are visible: %d", len(p.Data))
		}
		if p := export(t0.Add(10*time.Minute), "includeRecentChanges=true"); len(p.Data) != 5 {
			t.Fatalf("includeRecentChanges: %d", len(p.Data))
		}
		first := export(t0.Add(16*time.Minute), "")
		if !equal(listIDs(Page[*widget]{Data: first.Data}), []int64{1, 2, 3, 4, 5}) || first.HasMore {
			t.Fatalf("first pull: %v", listIDs(Page[*widget]{Data: first.Data}))
		}
		// Change 2, delete 4; both reappear after the token, once each.
		later := t0.Add(20 * time.Minute)
		update(t, st, 1, later, func(tx *Tx) error {
			w := mustGet(t, tx, 2)
			w.Name = "changed"
			if err := Save(tx, &widgets, w); err != nil {
				return err
			}
			return Delete(tx, &widgets, mustGet(t, tx, 4))
		})
		next := export(later.Add(16*time.Minute), "from="+first.ContinueFrom)
		if got := listIDs(Page[*widget]{Data: next.Data}); !equal(got, []int64{2, 4}) || !next.Data[1].Deleted {
			t.Fatalf("incremental pull: %v", got)
		}
		// The first token is still good later and sees the same changes.
		if again := export(later.Add(time.Hour), "from="+first.ContinueFrom); len(again.Data) != 2 {
			t.Fatalf("reused token: %d", len(again.Data))
		}
		if p := export(later.Add(time.Hour), "from=2026-03-01T12:10:00Z"); len(p.Data) != 2 {
			t.Fatalf("from a date: %d", len(p.Data))
		}
		// A token of another tenant or feed is refused.
		v := url.Values{"from": {makeToken(2, widgets.Name, 3)}}
		if _, err := ParseExport(v, 1, widgets.Name); err == nil {
			t.Fatal("another tenant's token was accepted")
		}
		v = url.Values{"from": {first.ContinueFrom}}
		if _, err := ParseExport(v, 1, "test.other"); err == nil {
			t.Fatal("another feed's token was accepted")
		}
	})
}

// TestPagesStayStableUnderConcurrentCreates walks ID-ordered pages while
// other goroutines create records: no duplicates, and every record that
// existed before the walk is seen once.
func TestPagesStayStableUnderConcurrentCreates(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		before := seed(t, st, 1, 300, t0)
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					_ = st.Update(1, func(stx store.Tx) error {
						return Create(&Tx{Tx: stx, Now: t0}, &widgets, &widget{Meta: Meta{Active: true}, Name: "new"})
					})
				}
			}()
		}
		seen := map[int64]int{}
		v, _ := url.ParseQuery("pageSize=7&active=Any")
		q, _ := ParseQuery(v, ListOptions{DefaultActive: ActiveTrue, Sorts: StandardSorts})
		for page := 1; page <= 60; page++ {
			q.Page = page
			var p Page[*widget]
			view(t, st, 1, t0, func(tx *Tx) error {
				var err error
				p, err = List(tx, &widgets, q, Select{}, nil)
				return err
			})
			for _, w := range p.Data {
				seen[w.ID]++
			}
		}
		close(stop)
		wg.Wait()
		for id, n := range seen {
			if n > 1 {
				t.Fatalf("id %d seen %d times", id, n)
			}
		}
		for _, id := range before {
			if seen[id] != 1 {
				t.Fatalf("id %d, present before the walk, seen %d times", id, seen[id])
			}
		}
	})
}

// TestRefInWriteTransactions: Ref reads what the transaction sees (its own
// writes included, never a stale cached record), refuses deleted records,
// and hands out records whose changes do not reach what Get or a later
// Ref reads.
func TestRefInWriteTransactions(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		id := seed(t, st, 1, 1, t0)[0]
		update(t, st, 1, t0, func(tx *Tx) error {
			w, err := Ref(tx, &widgets, id)
			if err != nil || w.Name != "w0" {
				t.Fatalf("Ref = %+v, %v; want w0", w, err)
			}
			w.Name = "changed by a careless caller"
			again, err := Ref(tx, &widgets, id)
			if err != nil || again.Name != "w0" {
				t.Fatalf("Ref after changing a returned copy = %+v, %v; want w0", again, err)
			}
			fresh, err := Get(tx, &widgets, id)
			if err != nil {
				return err
			}
			fresh.Name = "renamed"
			if err := Save(tx, &widgets, fresh); err != nil {
				return err
			}
			if w, err := Ref(tx, &widgets, id); err != nil || w.Name != "renamed" {
				t.Fatalf("Ref after Save in the same transaction = %+v, %v; want renamed", w, err)
			}
			if err := Delete(tx, &widgets, fresh); err != nil {
				return err
			}
			if _, err := Ref(tx, &widgets, id); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Ref of a deleted record: %v, want ErrNotFound", err)
			}
			return nil
		})
	})
}

// Records are encoded into one scratch buffer per transaction: each stored
// value must still be exactly Marshal's bytes for its own record, on both
// backends (the store copies the value during Put).
func TestStoredValuesAreTheirRecordsEncoding(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		var recs []*widget
		update(t, st, 1, t0, func(tx *Tx) error {
			recs = recs[:0]
			for _, name := range []string{"a much longer name than the next ones", "b", "", "ünïcødé <&>"} {
				w := &widget{Meta: Meta{Active: name != ""}, Name: name}
				if err := Create(tx, &widgets, w); err != nil {
					return err
				}
				recs = append(recs, w)
			}
			return nil
		})
		view(t, st, 1, t0, func(tx *Tx) error {
			for _, w := range recs {
				got, err := tx.Get(recordsBucket(widgets.Name), store.Int64Key(w.ID))
				if err != nil {
					return err
				}
				want, err := encode(w)
				if err != nil {
					return err
				}
				if string(got) != string(want) {
					t.Errorf("widget %d stored as %s, want %s", w.ID, got, want)
				}
			}
			return nil
		})
	})
}

// TestWarmEncodersWalksEveryType: WarmEncoders ends on types that hold
// themselves and reaches through pointers, slices, arrays and maps.
func TestWarmEncodersWalksEveryType(t *testing.T) {
	type leaf struct{ N int }
	type tree struct {
		Meta
		Kids  []*tree
		Named map[string][2]leaf
	}
	WarmEncoders(tree{}, &leaf{}, nil)
	if _, err := MarshalStored(&tree{Kids: []*tree{{}}, Named: map[string][2]leaf{"a": {{N: 1}}}}); err != nil {
		t.Fatal(err)
	}
}
