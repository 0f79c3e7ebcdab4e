package journal

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/stsim/stsim/sim/apierr"
)

// Finding is one kind of client mistake, with how often it happened.
type Finding struct {
	Rule    string `json:"rule"`
	Count   int    `json:"count"`
	Message string `json:"message"`
	Example string `json:"example"` // trace ID of one occurrence
}

// Lint reviews the matching entries (normally one client on one tenant)
// and reports what a well-behaved ServiceTitan client would not do.
func (j *Journal) Lint(f Filter) []Finding {
	entries := j.Entries(f)
	type tally struct {
		count   int
		example string
	}
	found := map[string]*tally{}
	note := func(rule, trace string) {
		t := found[rule]
		if t == nil {
			t = &tally{example: trace}
			found[rule] = t
		}
		t.count++
	}
	var tokens, calls int
	blockedUntil := map[string]time.Time{} // client|tenant -> end of a 429's Retry-After
	lastPage := map[string]*Entry{}        // list identity -> last page answered
	for i := range entries {
		e := &entries[i]
		if e.Operation == "token.Token_Create" {
			if e.Status == 200 {
				tokens++
			}
			continue
		}
		if e.Tenant == 0 {
			continue // control plane, health, unknown paths
		}
		calls++
		switch e.Problem {
		case apierr.CodeNoAppKey:
			note("missing-app-key", e.TraceID)
		case apierr.CodeTokenExpired:
			// A scenario's forced expiry (token-expiry-storm) refuses tokens
			// the client had every right to use: not the client's mistake.
			if e.Effect == "" {
				note("expired-token-reused", e.TraceID)
			}
		case apierr.CodeTooManyIDs:
			note("ids-over-50", e.TraceID)
		}
		who := fmt.Sprintf("%s|%d", e.ClientID, e.Tenant)
		if until, ok := blockedUntil[who]; ok && e.Time.Before(until) {
			note("retry-ignores-retry-after", e.TraceID)
		}
		if e.Status == 429 && e.RetryAfter > 0 {
			blockedUntil[who] = e.Time.Add(e.RetryAfter)
		}
		if e.Page > 0 {
			key := who + "|" + e.Operation + "|" + withoutPage(e.Query)
			if prev := lastPage[key]; prev != nil && e.Page == prev.Page+1 && prev.HasMore != nil && !*prev.HasMore {
				note("list-ignores-hasMore", e.TraceID)
			}
			if e.Status == 200 {
				lastPage[key] = e
			}
		}
	}
	if calls >= 5 && tokens*2 >= calls {
		found["token-per-call"] = &tally{count: tokens}
	}
	out := []Finding{}
	for rule, t := range found {
		msg := lintMessages[rule]
		if rule == "expired-token-reused" && j.TokenTTL > 0 {
			msg += fmt.Sprintf(" (this server's tokens last %d s)", int64(j.TokenTTL/time.Second))
		}
		out = append(out, Finding{Rule: rule, Count: t.count, Message: msg, Example: t.example})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Rule < out[b].Rule })
	return out
}

var lintMessages = map[string]string{
	"missing-app-key":           "Calls without the ST-App-Key header: every V2 call needs it besides the token.",
	"expired-token-reused":      "An expired token was sent: fetch a new one before expires_in runs out.",
	"ids-over-50":               "ids (or externalDataValues) listed more than 50 values: split the lookup into batches of 50.",
	"retry-ignores-retry-after": "A request came back before the Retry-After of a 429 had passed: wait as long as Retry-After says.",
	"list-ignores-hasMore":      "The next page was requested after a page answered hasMore=false: stop paging when hasMore is false.",
	"token-per-call":            "A token was fetched for (nearly) every call: cache it until shortly before it expires.",
}

// withoutPage drops the page parameter so successive pages of one list
// compare equal.
func withoutPage(query string) string {
	v, err := url.ParseQuery(query)
	if err != nil {
		return query
	}
	v.Del("page")
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + strings.Join(v[k], ",") + "&")
	}
	return b.String()
}
