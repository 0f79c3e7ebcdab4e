package sim_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/simtest"
	"github.com/stsim/stsim/sim/store"
)

// TestScheduleIndexOfAnOlderFile opens a bbolt file whose schedule index
// is missing, as in a file an stsim before the index wrote: stsim refiles
// the shifts, non-job appointments and appointments at open (and when such
// a file's snapshot is restored), so capacity answers as it did before.
func TestScheduleIndexOfAnOlderFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "older.db")
	onFile := simtest.WithConfig(func(c *config.Config) { c.DataFile = path })
	from := simtest.Epoch.Truncate(24 * time.Hour)
	body := map[string]any{"startsOnOrAfter": from.Format(time.RFC3339), "endsOnOrBefore": from.AddDate(0, 0, 7).Format(time.RFC3339), "skillBasedAvailability": false}
	capacity := func(srv *simtest.Server) string {
		t.Helper()
		out := srv.Do(t, "POST", "/dispatch/v2/tenant/1234567/capacity", srv.Token(t), body).OK(t).Map(t)
		delete(out, "timeStamp")
		data, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}

	first := simtest.Start(t, onFile)
	want := capacity(first)
	if !strings.Contains(want, `"status":"Available"`) || !strings.Contains(want, `"status":"Unavailable"`) {
		t.Fatalf("the demo week should have free and booked technicians: %.300s", want)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	st, err := store.OpenBolt(path, store.BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(simtest.Tenant, func(tx store.Tx) error {
		for _, bucket := range []string{"schedule/days", "schedule/entries", "schedule/meta"} {
			var keys [][]byte
			if err := tx.Scan(bucket, nil, func(k, _ []byte) bool { keys = append(keys, k); return true }); err != nil {
				return err
			}
			if len(keys) == 0 {
				t.Errorf("bucket %s is empty: the test no longer removes the index", bucket)
			}
			for _, k := range keys {
				if err := tx.Delete(bucket, k); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err == nil { // a snapshot of the same older state, restored below
		err = st.Snapshot(simtest.Tenant, "older")
	}
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}

	second := simtest.Start(t, onFile)
	if got := capacity(second); got != want {
		t.Fatalf("after reopening:\n%.600s\nbefore:\n%.600s", got, want)
	}
	second.Control(t, "POST", "/_sim/tenants/1234567/snapshots/older/restore", nil).OK(t)
	if got := capacity(second); got != want {
		t.Fatalf("after restoring an older snapshot:\n%.600s\nbefore:\n%.600s", got, want)
	}
}
