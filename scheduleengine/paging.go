package scheduleengine

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// page is ServiceTitan's list envelope.
type page[T any] struct {
	Page    int  `json:"page"`
	HasMore bool `json:"hasMore"`
	Data    []T  `json:"data"`
}

// List reads every page of a list at path (below the API URL; see
// [Client.TenantPath]), following hasMore, pageSize at a time (ServiceTitan's
// default 50 when 0), and stops after limit items (0: no cap).
func List[T any](ctx context.Context, c *Client, path string, q url.Values, pageSize, limit int) ([]T, error) {
	q = cloneValues(q)
	if pageSize > 0 {
		q.Set("pageSize", strconv.Itoa(pageSize))
	}
	var all []T
	for n := 1; ; n++ {
		q.Set("page", strconv.Itoa(n))
		var p page[T]
		if err := c.do(ctx, call{method: "GET", path: path, query: q, read: true}, &p); err != nil {
			return all, err
		}
		all = append(all, p.Data...)
		if !p.HasMore || len(p.Data) == 0 || (limit > 0 && len(all) >= limit) {
			return all, nil
		}
	}
}

// maxIDs is how many values ServiceTitan takes in one ids (or
// externalDataValues) filter.
const maxIDs = 50

// chunks splits ids into groups of at most maxIDs, joined as the ids
// parameter wants them.
func chunks(ids []int64) []string {
	var out []string
	for len(ids) > 0 {
		n := min(len(ids), maxIDs)
		parts := make([]string, n)
		for i, id := range ids[:n] {
			parts[i] = strconv.FormatInt(id, 10)
		}
		out = append(out, strings.Join(parts, ","))
		ids = ids[n:]
	}
	return out
}

// ListByIDs reads the records with the given IDs, 50 per call.
func ListByIDs[T any](ctx context.Context, c *Client, path string, q url.Values, ids []int64) ([]T, error) {
	var all []T
	for _, chunk := range chunks(ids) {
		qq := cloneValues(q)
		qq.Set("ids", chunk)
		got, err := List[T](ctx, c, path, qq, maxIDs, 0)
		if err != nil {
			return all, err
		}
		all = append(all, got...)
	}
	return all, nil
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// Cursor stores an export feed's continueFrom between runs. Save is called
// only after the page read with the previous token has been processed.
type Cursor interface {
	Load(feed string) (string, error)
	Save(feed, continueFrom string) error
}

// MemoryCursor is a Cursor in memory (tests, one-shot runs).
type MemoryCursor map[string]string

func (m MemoryCursor) Load(feed string) (string, error) { return m[feed], nil }
func (m MemoryCursor) Save(feed, token string) error    { m[feed] = token; return nil }

// exportPage is an export feed's envelope.
type exportPage[T any] struct {
	HasMore      bool   `json:"hasMore"`
	ContinueFrom string `json:"continueFrom"`
	Data         []T    `json:"data"`
}

// Exported is what an export follower needs of a record: its identity.
type Exported interface {
	Key() (id int64, modifiedOn time.Time)
}

// Feed follows one export feed (jobs, appointments, bookings, …): it reads
// from the stored continueFrom, hands every new record version to handle,
// and stores the next continueFrom only after handle returned for the
// page. Versions already seen — same ID and modifiedOn, as
// includeRecentChanges and an inclusive from produce — are skipped.
type Feed[T Exported] struct {
	Client *Client
	Name   string // e.g. "jpm/export/jobs"
	Path   string // below the API URL
	Cursor Cursor
	// IncludeRecentChanges asks for changes of the last 15 minutes too
	// (they may repeat; the dedupe absorbs that).
	IncludeRecentChanges bool
	// From starts a feed that has no stored cursor (a date); empty: the start.
	From string

	seen map[int64]time.Time
}

// maxSeen bounds the dedupe memory of one feed.
const maxSeen = 100_000

// Poll reads the feed until hasMore is false and returns how many new
// record versions it handed over.
func (f *Feed[T]) Poll(ctx context.Context, handle func(T) error) (int, error) {
	if f.seen == nil {
		f.seen = map[int64]time.Time{}
	}
	from, err := f.Cursor.Load(f.Name)
	if err != nil {
		return 0, err
	}
	if from == "" {
		from = f.From
	}
	handled := 0
	for {
		q := url.Values{}
		if from != "" {
			q.Set("from", from)
		}
		if f.IncludeRecentChanges {
			q.Set("includeRecentChanges", "true")
		}
		var p exportPage[T]
		if err := f.Client.do(ctx, call{method: "GET", path: f.Path, query: q, read: true}, &p); err != nil {
			return handled, err
		}
		for _, rec := range p.Data {
			id, mod := rec.Key()
			if prev, ok := f.seen[id]; ok && !mod.After(prev) {
				continue
			}
			if err := handle(rec); err != nil {
				return handled, fmt.Errorf("%s: record %d: %w", f.Name, id, err)
			}
			if len(f.seen) >= maxSeen {
				clear(f.seen) // bounded memory; a repeat after this is rare and harmless
			}
			f.seen[id] = mod
			handled++
		}
		if p.ContinueFrom != "" {
			if err := f.Cursor.Save(f.Name, p.ContinueFrom); err != nil {
				return handled, err
			}
			from = p.ContinueFrom
		}
		if !p.HasMore {
			return handled, nil
		}
	}
}
