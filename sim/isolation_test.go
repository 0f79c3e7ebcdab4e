package sim_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/journal"
	"github.com/stsim/stsim/sim/simtest"
)

// isoTenant is one tenant of the isolation test, with its own credentials.
type isoTenant struct {
	id     int64
	tag    string // every record this tenant writes carries it in its name
	appKey string
	token  string
	base   string // /crm/v2/tenant/<id>
}

// TestTenantsNeverSeeEachOthersState makes tenants from the same fixture
// (same app, same record IDs), drives them with a random interleaving of
// writes and reads from concurrent clients, and checks that no record,
// export token, rate bucket, scenario or journal entry crosses tenants.
func TestTenantsNeverSeeEachOthersState(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 11))
	srv := simtest.Start(t)
	tenants := make([]*isoTenant, 3)
	for i := range tenants {
		var made struct {
			TenantID    int64 `json:"tenantId"`
			Credentials []struct {
				AppKey, ClientID, ClientSecret string
			} `json:"credentials"`
		}
		srv.Control(t, "POST", "/_sim/tenants", map[string]any{"name": fmt.Sprintf("iso %d", i)}).JSON(t, &made)
		c := made.Credentials[0]
		tenants[i] = &isoTenant{id: made.TenantID, tag: fmt.Sprintf("T%d-%d", i, made.TenantID), appKey: c.AppKey,
			token: srv.TokenFor(t, c.ClientID, c.ClientSecret), base: fmt.Sprintf("/crm/v2/tenant/%d", made.TenantID)}
	}

	// Random writes and reads, each tenant's from its own goroutine, in a
	// random order per tenant.
	var wg sync.WaitGroup
	for _, tn := range tenants {
		ops := make([]bool, 12+rng.IntN(12)) // true: write
		for i := range ops {
			ops[i] = rng.IntN(3) > 0
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, write := range ops {
				if write {
					name := fmt.Sprintf("%s customer %d", tn.tag, i)
					addr := map[string]any{"street": "1 A St", "city": "Aurora", "state": "IL", "zip": "60505", "country": "USA"}
					r := srv.Call(t, "POST", tn.base+"/customers", tn.token, tn.appKey, map[string]any{
						"name": name, "address": addr, "locations": []any{map[string]any{"name": "Home", "address": addr}}})
					if r.Status != http.StatusOK {
						t.Errorf("tenant %d create: %d %s", tn.id, r.Status, r.Body)
					}
					continue
				}
				checkOwnCustomers(t, srv, tn, tenants)
			}
		}()
	}
	wg.Wait()

	for _, tn := range tenants {
		checkOwnCustomers(t, srv, tn, tenants)
		for _, other := range tenants {
			if other == tn {
				continue
			}
			// Another tenant's token is refused on this tenant's paths.
			srv.Call(t, "GET", tn.base+"/customers", other.token, other.appKey, nil).WantError(t, http.StatusForbidden, "tenant")
			// Another tenant's export token reads nothing of its tenant.
			var page struct {
				ContinueFrom string `json:"continueFrom"`
			}
			srv.Call(t, "GET", other.base+"/export/customers", other.token, other.appKey, nil).OK(t).JSON(t, &page)
			r := srv.Call(t, "GET", tn.base+"/export/customers?from="+url.QueryEscape(page.ContinueFrom), tn.token, tn.appKey, nil)
			if strings.Contains(string(r.Body), other.tag) {
				t.Fatalf("tenant %d's export token read tenant %d's records: %s", other.id, tn.id, r.Body)
			}
		}
	}

	// A rate bucket exhausted on one tenant leaves the others' alone.
	victim, other := tenants[0], tenants[1]
	limited := false
	for range 80 {
		if r := srv.Call(t, "GET", victim.base+"/customers?pageSize=1", victim.token, victim.appKey, nil); r.Status == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("80 calls in one frozen second were never limited")
	}
	srv.Call(t, "GET", other.base+"/customers?pageSize=1", other.token, other.appKey, nil).OK(t)

	// A scenario for one tenant touches only that tenant.
	srv.Control(t, "POST", "/_sim/scenarios/app-disconnected/activate", map[string]any{"tenant": other.id}).OK(t)
	srv.Call(t, "GET", other.base+"/customers?pageSize=1", other.token, other.appKey, nil).WantError(t, http.StatusUnauthorized, "")
	third := tenants[2]
	srv.Call(t, "GET", third.base+"/customers?pageSize=1", third.token, third.appKey, nil).OK(t)

	// Each tenant's journal holds only its own requests.
	for _, tn := range tenants {
		var out struct {
			Requests []journal.Entry `json:"requests"`
		}
		srv.Control(t, "GET", fmt.Sprintf("/_sim/requests?tenant=%d", tn.id), nil).OK(t).JSON(t, &out)
		if len(out.Requests) == 0 {
			t.Fatalf("tenant %d's journal is empty", tn.id)
		}
		for _, e := range out.Requests {
			if e.Tenant != tn.id || (e.Path != "/connect/token" && !strings.Contains(e.Path, fmt.Sprint(tn.id))) {
				t.Fatalf("tenant %d's journal holds %+v", tn.id, e)
			}
		}
	}
}

// checkOwnCustomers lists every customer of tn and fails on a record that
// carries another tenant's tag.
func checkOwnCustomers(t *testing.T, srv *simtest.Server, tn *isoTenant, all []*isoTenant) {
	t.Helper()
	r := srv.Call(t, "GET", tn.base+"/customers?pageSize=5000", tn.token, tn.appKey, nil)
	if r.Status == http.StatusTooManyRequests {
		return
	}
	if r.Status != http.StatusOK {
		t.Errorf("tenant %d list: %d %s", tn.id, r.Status, r.Body)
		return
	}
	for _, other := range all {
		if other != tn && strings.Contains(string(r.Body), other.tag+" ") {
			t.Errorf("tenant %d sees tenant %d's records", tn.id, other.id)
		}
	}
}
