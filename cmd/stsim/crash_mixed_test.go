package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/store"
)

// crashRoundsEnv sets how many kill -9 rounds TestMixedWritesSurviveRandomKills runs.
const crashRoundsEnv = "STSIM_CRASH_ROUNDS"

// ackedPatch is a customer a writer owns: the last name it renamed it to
// with an acknowledged PATCH, and the name of a PATCH in flight at the kill
// (which may or may not have committed).
type ackedPatch struct {
	id              int64
	acked, inFlight string
}

// TestMixedWritesSurviveRandomKills runs record creates, record updates,
// tenant creates, secret rotations, tenant clock moves and scenario
// switches at once, SIGKILLs stsim at a random
// moment, checks the file offline with bbolt's consistency check, restarts
// on it and checks every acknowledged write: created customers read back,
// updated ones hold their last acknowledged name (or the one in flight),
// created tenants and rotated secrets get tokens, tenant clocks and
// scenarios are as acknowledged. Several rounds, each on
// the file the last one left.
func TestMixedWritesSurviveRandomKills(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills stsim several times")
	}
	rounds := 3
	if v := os.Getenv(crashRoundsEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number", crashRoundsEnv, v)
		}
		rounds = n
	}
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 3))
	dataFile := filepath.Join(t.TempDir(), "mixed.db")
	var (
		created []int64
		patched []*ackedPatch
		tenants []ackedTenant
		clocks  []*ackedClock
		lost    int
	)
	for round := range rounds {
		child, base := startChild(t, dataFile)
		token := fetchToken(t, base)
		lost += verifyAcked(t, base, token, created, patched, tenants, clocks)

		// This round's writers: one renames its own customer over and over.
		var mu sync.Mutex // guards the slices below
		var wg sync.WaitGroup
		own, ok := createCustomer(&http.Client{Timeout: 10 * time.Second}, base, token, fmt.Sprintf("Own %d", round))
		if !ok {
			t.Fatal("could not create the customer to rename")
		}
		patch := &ackedPatch{id: own, acked: fmt.Sprintf("Own %d", round)}
		patched = append(patched, patch)
		wg.Add(5)
		go func() { // creates
			defer wg.Done()
			client := &http.Client{Timeout: 10 * time.Second}
			for i := 0; ; i++ {
				id, ok := createCustomer(client, base, token, fmt.Sprintf("Mixed %d-%d", round, i))
				if !ok {
					return
				}
				mu.Lock()
				created = append(created, id)
				mu.Unlock()
			}
		}()
		go func() { // updates
			defer wg.Done()
			client := &http.Client{Timeout: 10 * time.Second}
			for i := 0; ; i++ {
				name := fmt.Sprintf("Renamed %d-%d", round, i)
				mu.Lock()
				patch.inFlight = name
				mu.Unlock()
				if !renameCustomer(client, base, token, own, name) {
					return
				}
				mu.Lock()
				patch.acked, patch.inFlight = name, ""
				mu.Unlock()
			}
		}()
		for range 2 { // control plane: tenants and secret rotations
			go func() {
				defer wg.Done()
				createTenantsUntilGone(base, &mu, &tenants)
			}()
		}
		go func() { // control plane: a tenant's clock and scenario
			defer wg.Done()
			moveClockUntilGone(base, &mu, &clocks)
		}()
		// Kill at a random point once every kind of write is flowing.
		mu.Lock()
		created0, tenants0, clocks0 := len(created), len(tenants), len(clocks)
		mu.Unlock()
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			mu.Lock()
			flowing := len(created) >= created0+3 && len(tenants) >= tenants0+1 && patch.acked != fmt.Sprintf("Own %d", round) &&
				len(clocks) > clocks0 && clocks[len(clocks)-1].minutes > 0
			mu.Unlock()
			if flowing {
				break
			}
		}
		time.Sleep(time.Duration(rng.IntN(300)) * time.Millisecond)
		if err := child.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = child.Wait()
		wg.Wait()

		// Offline: the file must pass bbolt's consistency check.
		if err := store.CheckBoltFile(dataFile); err != nil {
			t.Fatalf("round %d: the file fails its check after kill -9: %v", round, err)
		}
		st, err := store.OpenBolt(dataFile, store.BoltOptions{})
		if err != nil {
			t.Fatalf("round %d: the file fails its check after kill -9: %v", round, err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
	_, base := startChild(t, dataFile)
	lost += verifyAcked(t, base, fetchToken(t, base), created, patched, tenants, clocks)
	minutes := 0
	for _, c := range clocks {
		minutes += c.minutes
	}
	t.Logf("%d kill -9 rounds: %d acknowledged creates, %d renamed customers, %d tenants created, %d tenant clock advances; %d acknowledged writes lost",
		rounds, len(created), len(patched), len(tenants), minutes, lost)
	if lost > 0 {
		t.Fatalf("%d acknowledged writes were lost", lost)
	}
}

// verifyAcked reads back every acknowledged write and returns how many are
// missing (each is reported).
func verifyAcked(t *testing.T, base, token string, created []int64, patched []*ackedPatch, tenants []ackedTenant, clocks []*ackedClock) int {
	t.Helper()
	lost := 0
	for _, id := range created {
		if _, status := customerName(t, base, token, id); status != 200 {
			t.Errorf("acknowledged customer %d reads %d", id, status)
			lost++
		}
	}
	for _, p := range patched {
		name, status := customerName(t, base, token, p.id)
		if status != 200 || (name != p.acked && name != p.inFlight) {
			t.Errorf("customer %d is %q (%d), last acknowledged name %q", p.id, name, status, p.acked)
			lost++
		}
	}
	checkTenants(t, base, tenants)
	return lost + checkClocks(t, base, clocks)
}

func customerName(t *testing.T, base, token string, id int64) (string, int) {
	t.Helper()
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/crm/v2/tenant/1234567/customers/%d", base, id), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("ST-App-Key", "ak1.stsimdemoappkey0000000001")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var c struct {
		Name string `json:"name"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&c)
	return c.Name, resp.StatusCode
}

// renameCustomer PATCHes a customer's name; false once the server is gone.
func renameCustomer(client *http.Client, base, token string, id int64, name string) bool {
	req, _ := http.NewRequest("PATCH", fmt.Sprintf("%s/crm/v2/tenant/1234567/customers/%d", base, id), strings.NewReader(fmt.Sprintf(`{"name":%q}`, name)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("ST-App-Key", "ak1.stsimdemoappkey0000000001")
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var c struct {
		Name string `json:"name"`
	}
	return resp.StatusCode == 200 && json.NewDecoder(resp.Body).Decode(&c) == nil && c.Name == name
}
