package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain lets the test binary act as the stsim command for crash tests.
func TestMain(m *testing.M) {
	if args := os.Getenv("STSIM_TEST_CHILD_ARGS"); args != "" {
		os.Exit(run(context.Background(), strings.Fields(args), os.Getenv, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestAcknowledgedWritesSurviveKill9 runs stsim with a bbolt file in a child
// process, creates customers from several goroutines, kills the process
// with SIGKILL mid-load, restarts it on the same file and reads back every
// customer that was acknowledged with a 200.
func TestAcknowledgedWritesSurviveKill9(t *testing.T) {
	dataFile := filepath.Join(t.TempDir(), "crash.db")
	child, base := startChild(t, dataFile)
	token := fetchToken(t, base)

	var mu sync.Mutex // guards acked
	var acked []int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			client := &http.Client{Timeout: 5 * time.Second}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id, ok := createCustomer(client, base, token, fmt.Sprintf("Crash %d-%d", g, i))
				if !ok {
					return // the process is gone
				}
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		}(g)
	}
	// Kill once writes are flowing (at least 50 acknowledged), or after 15 s.
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 50 {
			break
		}
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	close(stop)
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged before the kill")
	}

	_, base = startChild(t, dataFile)
	token = fetchToken(t, base)
	for _, id := range acked {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/crm/v2/tenant/1234567/customers/%d", base, id), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("ST-App-Key", "ak1.stsimdemoappkey0000000001")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("customer %d was acknowledged before the kill but reads %d after restart", id, resp.StatusCode)
		}
	}
	t.Logf("%d acknowledged creates, all present after kill -9 and restart", len(acked))
}

// startChild starts the stsim command in a child process on a free port and
// returns it with its base URL, read from the banner.
func startChild(t *testing.T, dataFile string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "STSIM_TEST_CHILD_ARGS=-addr 127.0.0.1:0 -rate-limit 0 -log-level error -data "+dataFile)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(out)
	re := regexp.MustCompile(`listening\s+(http://\S+)`)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			go func() {
				for sc.Scan() {
				}
			}()
			return cmd, m[1]
		}
	}
	t.Fatal("the child exited before printing its address")
	return nil, ""
}

func fetchToken(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.PostForm(base+"/connect/token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {"cid.stsimdemoclient0000000001"}, "client_secret": {"cs1.stsimdemosecret00000000000000000000000000000000001"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.AccessToken == "" {
		t.Fatalf("token: %v", err)
	}
	return body.AccessToken
}

// createCustomer posts one customer; ok is false once the server is gone.
func createCustomer(client *http.Client, base, token, name string) (int64, bool) {
	body := fmt.Sprintf(`{"name":%q,"address":{"street":"1 Oak St","city":"Evanston","state":"IL","zip":"60201","country":"USA"},
		"locations":[{"name":"Home","address":{"street":"1 Oak St","city":"Evanston","state":"IL","zip":"60201","country":"USA"}}]}`, name)
	req, _ := http.NewRequest("POST", base+"/crm/v2/tenant/1234567/customers", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("ST-App-Key", "ak1.stsimdemoappkey0000000001")
	resp, err := client.Do(req)
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return 0, false
	}
	var c struct {
		ID int64 `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil {
		return 0, false // cut off mid-body: not acknowledged
	}
	return c.ID, true
}
