package sim_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stsim/stsim/sim"
	"github.com/stsim/stsim/sim/clock"
	"github.com/stsim/stsim/sim/simtest"
)

// soakEnv sets the soak's length (a Go duration); unset, it runs briefly.
const soakEnv = "STSIM_SOAK"

// TestSoak drives many tenants and clients with mixed reads and writes on a
// running clock, with the per-(app, tenant) limit in play, for a bounded time
// (STSIM_SOAK=5m for a long run). Every answer is a 200 or an intended 429,
// and the heap after the run is within a bound of the heap after warm-up.
func TestSoak(t *testing.T) {
	length, tenantCount := 3*time.Second, 4
	if v := os.Getenv(soakEnv); v != "" {
		tenantCount = 16
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("%s=%q: %v", soakEnv, v, err)
		}
		length = d
	}
	// A running clock, so limits refill; a limit of 10/s keeps the hot
	// client in it however slowly the machine serves (under -race, say).
	srv := simtest.Start(t, func(o *sim.Options) { o.Clock, o.Config.RateLimit = clock.NewVirtual(), 10 })
	const clientsPerTenant, workers = 2, 16
	type client struct {
		tenant  *isoTenant
		custIDs []int64
	}
	var clients []*client
	for i := range tenantCount {
		var made struct {
			TenantID    int64 `json:"tenantId"`
			Credentials []struct {
				AppKey, ClientID, ClientSecret string
			} `json:"credentials"`
		}
		srv.Control(t, "POST", "/_sim/tenants", map[string]any{"name": fmt.Sprintf("soak %d", i)}).JSON(t, &made)
		c := made.Credentials[0]
		for range clientsPerTenant {
			tn := &isoTenant{id: made.TenantID, appKey: c.AppKey, token: srv.TokenFor(t, c.ClientID, c.ClientSecret),
				base: fmt.Sprintf("/crm/v2/tenant/%d", made.TenantID)}
			var list struct {
				Data []struct {
					ID int64 `json:"id"`
				} `json:"data"`
			}
			srv.Call(t, "GET", tn.base+"/customers?pageSize=20", tn.token, tn.appKey, nil).OK(t).JSON(t, &list)
			cl := &client{tenant: tn}
			for _, d := range list.Data {
				cl.custIDs = append(cl.custIDs, d.ID)
			}
			if len(cl.custIDs) == 0 {
				t.Fatal("a fixture tenant has no customers")
			}
			clients = append(clients, cl)
		}
	}
	addr := map[string]any{"street": "1 A St", "city": "Aurora", "state": "IL", "zip": "60505", "country": "USA"}
	var ok, limited, created atomic.Int64
	run := func(d time.Duration, seed uint64) {
		var wg sync.WaitGroup
		stop := time.Now().Add(d)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(seed, uint64(w)))
				for time.Now().Before(stop) {
					cl := clients[rng.IntN(len(clients))]
					if rng.IntN(2) == 0 {
						cl = clients[0] // one hot client: its tenant runs into the limit
					}
					tn := cl.tenant
					id := cl.custIDs[rng.IntN(len(cl.custIDs))]
					var r *simtest.Response
					switch n := rng.IntN(10); {
					case n < 4:
						r = srv.Call(t, "GET", fmt.Sprintf("%s/customers/%d", tn.base, id), tn.token, tn.appKey, nil)
					case n < 6:
						r = srv.Call(t, "GET", tn.base+"/customers?pageSize=10&page="+fmt.Sprint(1+rng.IntN(3)), tn.token, tn.appKey, nil)
					case n < 7:
						r = srv.Call(t, "GET", tn.base+"/export/customers", tn.token, tn.appKey, nil)
					case n < 9:
						r = srv.Call(t, "PATCH", fmt.Sprintf("%s/customers/%d", tn.base, id), tn.token, tn.appKey,
							map[string]any{"name": fmt.Sprintf("Soaked %d", rng.IntN(1000))})
					default:
						if created.Load() > 400 { // bounded growth: updates from here on
							continue
						}
						r = srv.Call(t, "POST", tn.base+"/customers", tn.token, tn.appKey, map[string]any{
							"name": "Soak new", "address": addr, "locations": []any{map[string]any{"name": "Home", "address": addr}}})
						if r.Status == http.StatusOK {
							created.Add(1)
						}
					}
					switch r.Status {
					case http.StatusOK:
						ok.Add(1)
					case http.StatusTooManyRequests:
						limited.Add(1)
					default:
						t.Errorf("unexpected %d: %s", r.Status, r.Body)
						return
					}
				}
			}()
		}
		wg.Wait()
	}
	run(length/4, 1) // warm-up: caches, pools, the journal's ring fill
	warm := heapAfterGC()
	ok.Store(0)
	limited.Store(0)
	start := time.Now()
	run(length, 2)
	elapsed := time.Since(start)
	end := heapAfterGC()
	total := ok.Load() + limited.Load()
	t.Logf("soak: %d tenants × %d clients, %d workers, %s: %d requests (%.0f/s), %d 200s, %d intended 429s, %d customers created; heap %.1f MiB after warm-up, %.1f MiB at end",
		tenantCount, clientsPerTenant, workers, elapsed.Round(time.Millisecond), total, float64(total)/elapsed.Seconds(),
		ok.Load(), limited.Load(), created.Load(), float64(warm)/(1<<20), float64(end)/(1<<20))
	if ok.Load() == 0 || limited.Load() == 0 {
		t.Fatalf("the soak must see both 200s and 429s: %d and %d", ok.Load(), limited.Load())
	}
	if growth := int64(end) - int64(warm); growth > 48<<20 {
		t.Fatalf("heap grew %d MiB during the soak", growth>>20)
	}
}

func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
