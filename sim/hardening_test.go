package sim_test

// Attacks from a hostile review (issue 11), each replayed over HTTP against
// the real server: oversized URLs, headers and bodies, secrets in query
// strings, cross-site use of the control API, clocks pushed out of range,
// bad UTF-8, forged tokens in the journal, and unlogged 500s.

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/journal"
	"github.com/stsim/stsim/sim/simtest"
)

// journalEntries reads the request journal through the control API.
func journalEntries(t *testing.T, srv *simtest.Server) []journal.Entry {
	t.Helper()
	var out struct {
		Requests []journal.Entry `json:"requests"`
	}
	srv.Control(t, "GET", "/_sim/requests", nil).OK(t).JSON(t, &out)
	return out.Requests
}

func TestOversizedURLIs414AndTheJournalStaysBounded(t *testing.T) {
	srv := simtest.Start(t)
	long := strings.Repeat("a", 1<<20)
	r := srv.Do(t, "GET", "/crm/v2/tenant/1234567/customers?name="+long, "", nil)
	r.WantError(t, http.StatusRequestURITooLong, "")

	// Just under the URL limit: served (401, no token), and kept only in part.
	path := "/crm/v2/tenant/1234567/customers/" + strings.Repeat("p", 6000)
	srv.Do(t, "GET", path+"?q="+strings.Repeat("q", 8000), "", nil).WantError(t, http.StatusUnauthorized, "")
	entries := journalEntries(t, srv)
	if len(entries) == 0 {
		t.Fatal("the journal kept nothing")
	}
	for _, e := range entries {
		if len(e.Path) > journal.MaxPathBytes || len(e.Query) > journal.MaxQueryBytes {
			t.Fatalf("journal entry keeps %d path and %d query bytes", len(e.Path), len(e.Query))
		}
	}
}

func TestOversizedHeadersAre431(t *testing.T) {
	srv := simtest.Start(t)
	req, _ := http.NewRequest("GET", srv.URL+customerPath, nil)
	for i := range 5 {
		req.Header.Set(fmt.Sprintf("X-Padding-%d", i), strings.Repeat("h", 8<<10))
	}
	srv.Request(t, req).WantError(t, http.StatusRequestHeaderFieldsTooLarge, "")
}

// countingBody yields n bytes of JSON-ish filler and counts what was read.
type countingBody struct {
	n, read int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	if b.read >= b.n {
		return 0, io.EOF
	}
	k := min(int64(len(p)), b.n-b.read)
	for i := range p[:k] {
		p[i] = ' '
	}
	atomic.AddInt64(&b.read, k)
	return int(k), nil
}

func TestOversizedBodyIs413BeforeItIsRead(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	const size = 50 << 20
	for _, tc := range []struct {
		path, contentType string
		chunked           bool
	}{
		{"/crm/v2/tenant/1234567/customers", "application/json", false},
		{"/crm/v2/tenant/1234567/customers", "application/json", true},
		{"/connect/token", "application/x-www-form-urlencoded", false},
		{"/_sim/tenants", "application/json", false},
	} {
		t.Run(fmt.Sprintf("%s chunked=%v", tc.path, tc.chunked), func(t *testing.T) {
			body := &countingBody{n: size}
			req, _ := http.NewRequest("POST", srv.URL+tc.path, body)
			req.ContentLength = size
			if tc.chunked {
				req.ContentLength = -1
			}
			req.Header.Set("Content-Type", tc.contentType)
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("ST-App-Key", simtest.AppKey)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			(&simtest.Response{Status: resp.StatusCode, Header: resp.Header, Body: data}).WantError(t, http.StatusRequestEntityTooLarge, "")
			// A declared length is refused before reading; a chunked body is
			// read only to its limit (plus what was in flight).
			most := int64(4 << 20)
			if tc.chunked {
				most = 20 << 20
			}
			if read := atomic.LoadInt64(&body.read); read > most {
				t.Fatalf("the client sent %d bytes of a body the server refused", read)
			}
		})
	}
}

func TestInvalidUTF8InAJSONBodyIs400(t *testing.T) {
	srv := simtest.Start(t)
	body := []byte(`{"name":"Bad ` + "\xff\xfe" + `","address":{"street":"1 A St","city":"Aurora","state":"IL","zip":"60505","country":"USA"},"locations":[{"name":"Home","address":{"street":"1 A St","city":"Aurora","state":"IL","zip":"60505","country":"USA"}}]}`)
	srv.Do(t, "POST", "/crm/v2/tenant/1234567/customers", srv.Token(t), body).WantError(t, http.StatusBadRequest, "body")
	r := srv.Call(t, "POST", "/_sim/tenants", "", "", []byte(`{"name":"`+"\xc3\x28"+`"}`))
	r.WantError(t, http.StatusBadRequest, "body")
}

func TestSecretsInTheQueryAreRedactedFromTheJournal(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	secrets := []string{"sekret-client-secret", "sekret-access-token", "sekret-app-key", "sekret-password"}
	srv.Do(t, "GET", customerPath+"?Client_Secret="+secrets[0]+"&ACCESS_TOKEN="+secrets[1]+"&ServiceTitanApplicationKey="+secrets[2]+"&page=1", tok, nil)
	srv.PostForm(t, "/connect/token?client_secret="+secrets[0]+"&Password="+secrets[3], url.Values{
		"grant_type": {"client_credentials"}, "client_id": {simtest.ClientID}, "client_secret": {simtest.ClientSecret}}, nil)
	var queries []string
	for _, e := range journalEntries(t, srv) {
		queries = append(queries, e.Query)
	}
	all := strings.Join(queries, "\n") + srv.Logs.String()
	for _, s := range secrets {
		if strings.Contains(all, s) {
			t.Fatalf("secret %q reached the journal or log:\n%s", s, strings.Join(queries, "\n"))
		}
	}
	if !strings.Contains(all, "REDACTED") || !strings.Contains(all, "page=1") {
		t.Fatalf("the journal lost what it may keep:\n%s", strings.Join(queries, "\n"))
	}
}

func TestControlAPIRefusesCrossSiteUse(t *testing.T) {
	srv := simtest.Start(t)
	u, _ := url.Parse(srv.URL)
	send := func(method, path, contentType, body string, header map[string]string) *simtest.Response {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		for k, v := range header {
			if k == "Host" {
				req.Host = v
				continue
			}
			req.Header.Set(k, v)
		}
		return srv.Request(t, req)
	}
	advance := `{"duration":"1h"}`
	// A cross-site form can only send form and text/plain bodies.
	send("POST", "/_sim/clock/advance", "text/plain", advance, nil).WantError(t, http.StatusUnsupportedMediaType, "Content-Type")
	send("POST", "/_sim/connections/"+simtest.ClientID+"/disable", "application/x-www-form-urlencoded", "", nil).WantError(t, http.StatusUnsupportedMediaType, "Content-Type")
	send("POST", "/_sim/clock/advance", "application/json", advance, map[string]string{"Origin": "http://evil.example"}).WantError(t, http.StatusForbidden, "Origin")
	send("POST", "/_sim/clock/advance", "application/json", advance, map[string]string{"Sec-Fetch-Site": "cross-site"}).WantError(t, http.StatusForbidden, "Origin")
	// DNS rebinding: a page on evil.example resolving to 127.0.0.1.
	send("GET", "/_sim/tenants/1234567/connections", "", "", map[string]string{"Host": "evil.example:" + u.Port()}).WantError(t, http.StatusForbidden, "Host")
	if srv.Clock.Now() != simtest.Epoch {
		t.Fatalf("a refused call moved the clock to %s", srv.Clock.Now())
	}
	// The same-origin dashboard and plain curl keep working.
	send("POST", "/_sim/clock/advance", "application/json", advance, map[string]string{"Origin": srv.URL, "Sec-Fetch-Site": "same-origin"}).OK(t)
	send("POST", "/_sim/clock/freeze", "", "", nil).OK(t)
	send("GET", "/_sim/clock", "", "", map[string]string{"Host": "localhost:" + u.Port()}).OK(t)
}

func TestControlTokenSchemeIsCaseInsensitive(t *testing.T) {
	srv := simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.ControlToken = "s3cret" }))
	for authz, want := range map[string]int{"bearer s3cret": 200, "BEARER s3cret": 200, "Bearer s3creT": 401, "Bearer s3cre": 401, "s3cret": 401} {
		req, _ := http.NewRequest("GET", srv.URL+"/_sim/clock", nil)
		req.Header.Set("Authorization", authz)
		if r := srv.Request(t, req); r.Status != want {
			t.Errorf("Authorization %q: %d, want %d", authz, r.Status, want)
		}
	}
}

func TestClockMovesOutOfRangeAre400(t *testing.T) {
	srv := simtest.Start(t)
	srv.Call(t, "POST", "/_sim/clock/advance", "", "", map[string]any{"duration": "2562047h"}).WantError(t, http.StatusBadRequest, "duration")
	srv.Call(t, "POST", "/_sim/clock/advance", "", "", map[string]any{"duration": "-2562047h"}).WantError(t, http.StatusBadRequest, "duration")
	srv.Call(t, "POST", "/_sim/clock/set", "", "", map[string]any{"time": "9999-12-31T00:00:00Z"}).WantError(t, http.StatusBadRequest, "time")
	srv.Call(t, "POST", "/_sim/clock/set", "", "", map[string]any{"time": "0001-01-02T00:00:00Z"}).WantError(t, http.StatusBadRequest, "time")
	if !srv.Clock.Now().Equal(simtest.Epoch) {
		t.Fatalf("a refused move changed the clock: %s", srv.Clock.Now())
	}
	srv.Control(t, "POST", "/_sim/clock/advance", map[string]any{"duration": "8760h"}).OK(t)
}

func TestLowercaseBearerSchemeIsAccepted(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	req, _ := http.NewRequest("GET", srv.URL+"/crm/v2/tenant/1234567/customers", nil)
	req.Header.Set("Authorization", "bearer "+tok)
	req.Header.Set("ST-App-Key", simtest.AppKey)
	srv.Request(t, req).OK(t)
}

func TestJournalAttributesRefusalsOnlyToVerifiedClients(t *testing.T) {
	srv := simtest.Start(t)
	forged := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"client_id": "victim-client", "tenant": "1234567", "exp": simtest.Epoch.Add(time.Hour).Unix()})
	raw, _ := forged.SignedString([]byte("not the key"))
	srv.Do(t, "GET", customerPath, raw, nil).WantError(t, http.StatusUnauthorized, "")
	srv.PostForm(t, "/connect/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {"victim-client"}, "client_secret": {"guess"}}, nil)
	real := srv.Token(t)
	srv.Clock.Advance(time.Hour) // the genuine token expires: still its client's
	srv.Do(t, "GET", customerPath, real, nil).WantError(t, http.StatusUnauthorized, "")
	var expiredSeen bool
	for _, e := range journalEntries(t, srv) {
		if e.ClientID == "victim-client" {
			t.Fatalf("a refused call was attributed to an unverified client: %+v", e)
		}
		if e.Status == 401 && e.ClientID == simtest.ClientID {
			expiredSeen = true
		}
	}
	if !expiredSeen {
		t.Fatal("the expired but genuine token's call was not attributed to its client")
	}
}

func TestEvery500IsLoggedWithItsCauseAndTraceID(t *testing.T) {
	diskFull := func(c *gin.Context, call *api.Call) {
		call.Fail(c, apierr.Internal(errors.New("write /data/stsim.db: no space left on device")))
	}
	srv := simtest.Start(t, simtest.WithHandler("crm.Customers_GetList", diskFull))
	r := srv.Do(t, "GET", "/crm/v2/tenant/1234567/customers", srv.Token(t), nil)
	r.WantError(t, http.StatusInternalServerError, "")
	trace := r.Header.Get(apierr.TraceHeader)
	for _, line := range strings.Split(srv.Logs.String(), "\n") {
		if strings.Contains(line, "level=ERROR") && strings.Contains(line, trace) && strings.Contains(line, "no space left on device") {
			return
		}
	}
	t.Fatalf("no error log line with trace %s and the cause:\n%s", trace, srv.Logs.String())
}

func TestDebugLevelLogsRequestDetail(t *testing.T) {
	srv := simtest.Start(t)
	srv.Do(t, "GET", customerPath, "", nil)
	if !strings.Contains(srv.Logs.String(), "level=DEBUG") {
		t.Fatalf("debug logging emits nothing:\n%s", srv.Logs.String())
	}
}

func TestTokenEndpointIsRateLimitedPerClient(t *testing.T) {
	srv := simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.TokenRateLimit = 3 }))
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {simtest.ClientID}, "client_secret": {simtest.ClientSecret}}
	var limited *simtest.Response
	for range 8 {
		if r := srv.PostForm(t, "/connect/token", form, nil); r.Status == http.StatusTooManyRequests {
			limited = r
			break
		}
	}
	if limited == nil {
		t.Fatal("8 token requests in a row were all served with -token-rate-limit 3")
	}
	var body struct{ Error, ErrorDescription string }
	limited.JSON(t, &body)
	if limited.Header.Get("Retry-After") == "" || !strings.Contains(string(limited.Body), `"error":"too_many_requests"`) {
		t.Fatalf("429 without Retry-After or an OAuth error: %v %s", limited.Header, limited.Body)
	}
}
