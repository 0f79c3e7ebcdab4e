package resource

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/store"
)

// Export feed settings. ServiceTitan documents the 15-minute delay (contract
// §6, D-export); the page size is not documented and is stsim's choice.
const (
	ExportDelay    = 15 * time.Minute
	ExportPageSize = 1000
)

// ExportQuery is a parsed export request.
type ExportQuery struct {
	FromSeq              uint64    // continue after this change
	FromTime             time.Time // or: changes modified at or after this date
	IncludeRecentChanges bool
}

// ExportPage is ServiceTitan's export envelope.
type ExportPage[R any] struct {
	HasMore      bool   `json:"hasMore"`
	ContinueFrom string `json:"continueFrom"`
	Data         []R    `json:"data"`
}

// ParseExport reads from (a continueFrom token of this tenant's feed, or a
// date) and includeRecentChanges.
func ParseExport(q url.Values, tenant int64, feed string) (ExportQuery, error) {
	var eq ExportQuery
	if v := q.Get("includeRecentChanges"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return eq, apierr.BadRequest("includeRecentChanges", "includeRecentChanges must be true or false.")
		}
		eq.IncludeRecentChanges = b
	}
	from := q.Get("from")
	if from == "" {
		return eq, nil
	}
	if t, err := ParseDateTime(from); err == nil {
		eq.FromTime = t
		return eq, nil
	}
	seq, err := parseToken(from, tenant, feed)
	if err != nil {
		return eq, apierr.BadRequest("from", err.Error())
	}
	eq.FromSeq = seq
	return eq, nil
}

// Tokens read "<tenant>.<feed>.<seq>", base64url-encoded: opaque to clients,
// checked so that one tenant's or feed's token never reads another's.
func makeToken(tenant int64, feed string, seq uint64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%d.%s.%d", tenant, feed, seq)))
}

func parseToken(tok string, tenant int64, feed string) (uint64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	head, seqText, ok1 := cutLast(string(raw), ".")
	tenantText, feedText, ok2 := strings.Cut(head, ".")
	if err != nil || !ok1 || !ok2 {
		return 0, fmt.Errorf("'%s' is neither a date nor a continueFrom token of this feed", tok)
	}
	if tenantText != strconv.FormatInt(tenant, 10) || feedText != feed {
		return 0, fmt.Errorf("this continueFrom token belongs to another tenant or export feed")
	}
	seq, err := strconv.ParseUint(seqText, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("'%s' is not a valid continueFrom token", tok)
	}
	return seq, nil
}

// Export returns the next page of a kind's change feed: every record
// (active, inactive and deleted) once per its latest change, oldest change
// first. A change becomes visible ExportDelay after it was made unless
// recent changes are asked for; the feed stops at the first invisible one,
// so a later pull from continueFrom never skips a change.
func Export[T any, P Record[T]](tx *Tx, k *Kind[T], tenant int64, q ExportQuery) (ExportPage[P], error) {
	out := ExportPage[P]{Data: []P{}}
	last := q.FromSeq
	cutoff := tx.Now.Add(-ExportDelay)
	var loadErr error
	err := tx.Scan(changesBucket(k.Name), store.Uint64Key(q.FromSeq+1), func(key, value []byte) bool {
		seq, _ := store.ParseUint64Key(key)
		id, _ := store.ParseInt64Key(value)
		rec, err := load[T, P](tx, k, id, tx.Shared)
		if err != nil {
			loadErr = err
			return false
		}
		m := rec.meta()
		if !q.IncludeRecentChanges && m.ModifiedOn.After(cutoff) {
			return false
		}
		if !q.FromTime.IsZero() && m.ModifiedOn.Before(q.FromTime) {
			last = seq
			return true
		}
		if len(out.Data) == ExportPageSize {
			out.HasMore = true
			return false
		}
		out.Data = append(out.Data, rec)
		last = seq
		return true
	})
	if err == nil {
		err = loadErr
	}
	out.ContinueFrom = makeToken(tenant, k.Name, last)
	return out, err
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}
