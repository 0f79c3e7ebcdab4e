package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// ackedTenant is a tenant whose create was acknowledged, with the secrets
// acknowledged for its connection (slot 2 once a rotation was).
type ackedTenant struct {
	id               int64
	clientID         string
	secret1, secret2 string
}

// TestAcknowledgedControlWritesSurviveKill9 creates tenants and rotates
// their secrets from several goroutines, kills stsim with SIGKILL mid-load,
// restarts it on the same file and checks that every acknowledged tenant
// and secret works, three times over; tenant IDs are never handed out
// twice.
func TestAcknowledgedControlWritesSurviveKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills stsim three times")
	}
	dataFile := filepath.Join(t.TempDir(), "crash.db")
	var acked []ackedTenant
	for round := 0; round < 3; round++ {
		child, base := startChild(t, dataFile)
		checkTenants(t, base, acked)
		var mu sync.Mutex // guards fresh
		var fresh []ackedTenant
		var wg sync.WaitGroup
		for g := 0; g < 3; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				createTenantsUntilGone(base, &mu, &fresh)
			}()
		}
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			mu.Lock()
			n := len(fresh)
			mu.Unlock()
			if n >= 4 {
				break
			}
		}
		if err := child.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = child.Wait()
		wg.Wait()
		if len(fresh) == 0 {
			t.Fatalf("round %d: no tenant create was acknowledged before the kill", round)
		}
		acked = append(acked, fresh...)
	}
	_, base := startChild(t, dataFile)
	checkTenants(t, base, acked)
	seen := map[int64]bool{}
	for _, tn := range acked {
		if seen[tn.id] {
			t.Fatalf("tenant ID %d was handed out twice", tn.id)
		}
		seen[tn.id] = true
	}
	t.Logf("%d acknowledged tenant creates over 3 kills, all present with their acknowledged secrets", len(acked))
}

// createTenantsUntilGone creates tenants and rotates each one's secret
// until the server stops answering, appending every acknowledged write to
// *tenants under mu.
func createTenantsUntilGone(base string, mu *sync.Mutex, tenants *[]ackedTenant) {
	client := &http.Client{Timeout: 10 * time.Second}
	for {
		tn, ok := createTenant(client, base)
		if !ok {
			return // the process is gone
		}
		mu.Lock()
		*tenants = append(*tenants, tn)
		i := len(*tenants) - 1
		mu.Unlock()
		secret, ok := rotateSecret(client, base, tn.clientID)
		if !ok {
			return
		}
		mu.Lock()
		(*tenants)[i].secret2 = secret
		mu.Unlock()
	}
}

// checkTenants fails unless every acknowledged secret gets a token.
func checkTenants(t *testing.T, base string, tenants []ackedTenant) {
	t.Helper()
	for _, tn := range tenants {
		for slot, secret := range []string{tn.secret1, tn.secret2} {
			if secret == "" {
				continue
			}
			resp, err := http.PostForm(base+"/connect/token", url.Values{"grant_type": {"client_credentials"},
				"client_id": {tn.clientID}, "client_secret": {secret}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("tenant %d: the slot %d secret acknowledged before a kill gets %d after restart", tn.id, slot+1, resp.StatusCode)
			}
		}
	}
}

// controlPost sends a control call with a JSON body and decodes a 200 or
// 201 answer into out; ok is false once the server is gone.
func controlPost(client *http.Client, url, body string, out any) bool {
	resp, err := client.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 && resp.StatusCode != 201 {
		return false
	}
	return json.NewDecoder(resp.Body).Decode(out) == nil // cut off mid-body: not acknowledged
}

func createTenant(client *http.Client, base string) (ackedTenant, bool) {
	var out struct {
		TenantID    int64 `json:"tenantId"`
		Credentials []struct {
			ClientID     string `json:"clientId"`
			ClientSecret string `json:"clientSecret"`
		} `json:"credentials"`
	}
	if !controlPost(client, base+"/_sim/tenants", `{"fixture":"demo"}`, &out) || len(out.Credentials) == 0 {
		return ackedTenant{}, false
	}
	return ackedTenant{id: out.TenantID, clientID: out.Credentials[0].ClientID, secret1: out.Credentials[0].ClientSecret}, true
}

func rotateSecret(client *http.Client, base, clientID string) (string, bool) {
	var out struct {
		ClientSecret string `json:"clientSecret"`
	}
	ok := controlPost(client, fmt.Sprintf("%s/_sim/connections/%s/secrets/2", base, clientID), `{}`, &out)
	return out.ClientSecret, ok
}
