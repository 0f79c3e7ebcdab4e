package resource

import (
	"cmp"
	"errors"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/store"
)

// Paging and filter limits ServiceTitan documents (contract §6).
const (
	DefaultPageSize = 50
	MaxPageSize     = 5000
	MaxIDs          = 50 // "Perform lookup by multiple IDs (maximum 50)"
)

// Active is the ActiveRequestArg filter.
type Active string

// Values of Active.
const (
	ActiveTrue  Active = "True"
	ActiveAny   Active = "Any"
	ActiveFalse Active = "False"
)

// Query is a parsed list request: paging, the shared filters, sorting.
// Module-specific filters are applied by the caller through Where.
type Query struct {
	Page, PageSize                    int
	IncludeTotal                      bool
	IDs                               []int64
	Active                            Active
	CreatedBefore, CreatedOnOrAfter   time.Time // zero: unset
	ModifiedBefore, ModifiedOnOrAfter time.Time
	SortField                         string // canonical name: Id, CreatedOn or ModifiedOn
	SortDesc                          bool
}

// ListOptions say which shared parameters an operation takes.
type ListOptions struct {
	DefaultActive Active   // default of the active filter ("" if the operation has none)
	Sorts         []string // sortable fields (matched case-insensitively)
}

// StandardSorts are the sortable fields of most ServiceTitan lists.
var StandardSorts = []string{"Id", "ModifiedOn", "CreatedOn"}

// ParseQuery reads page, pageSize, includeTotal, ids, active, the four date
// filters and sort from q. Each malformed value is a 400 naming it.
func ParseQuery(q url.Values, opts ListOptions) (Query, error) {
	e := apierr.New(400, "One or more validation errors occurred.")
	query := Query{Page: 1, PageSize: DefaultPageSize, Active: opts.DefaultActive}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil:
			e.Field("page", "The value '"+v+"' is not a valid page number.")
		case n < 0:
			e.Field("page", "page must be 1 or more.")
		case n > 0:
			query.Page = n // page=0 is accepted as page 1, as most ServiceTitan lists do
		}
	}
	if v := q.Get("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxPageSize {
			e.Field("pageSize", "pageSize must be a whole number from 1 to 5000.")
		} else {
			query.PageSize = n
		}
	}
	if v := q.Get("includeTotal"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			e.Field("includeTotal", "includeTotal must be true or false.")
		}
		query.IncludeTotal = b
	}
	if v := q.Get("ids"); v != "" {
		ids, msg := ParseIDs(v)
		if msg != "" {
			e.Field("ids", msg)
			if len(ids) == 0 && strings.HasPrefix(msg, "At most") {
				e.Code = apierr.CodeTooManyIDs
			}
		}
		query.IDs = ids
	}
	if v := q.Get("active"); v != "" && opts.DefaultActive != "" {
		switch a := Active(strings.ToUpper(v[:1]) + strings.ToLower(v[1:])); a {
		case ActiveTrue, ActiveAny, ActiveFalse:
			query.Active = a
		default:
			e.Field("active", "active must be True, Any or False.")
		}
	}
	for name, dst := range map[string]*time.Time{
		"createdBefore": &query.CreatedBefore, "createdOnOrAfter": &query.CreatedOnOrAfter,
		"modifiedBefore": &query.ModifiedBefore, "modifiedOnOrAfter": &query.ModifiedOnOrAfter,
	} {
		if v := q.Get(name); v != "" {
			t, err := ParseDateTime(v)
			if err != nil {
				e.Field(name, "The value '"+v+"' is not an RFC 3339 date-time.")
			}
			*dst = t
		}
	}
	if v := q.Get("sort"); v != "" && len(opts.Sorts) > 0 {
		field, desc := v, false
		switch v[0] {
		case '+', ' ': // a '+' arrives as ' ' when the client did not escape it
			field = v[1:]
		case '-':
			field, desc = v[1:], true
		}
		i := slices.IndexFunc(opts.Sorts, func(s string) bool { return strings.EqualFold(s, field) })
		if i < 0 {
			e.Field("sort", "Cannot sort by '"+field+"'. Sortable fields: "+strings.Join(opts.Sorts, ", ")+".")
		} else {
			query.SortField, query.SortDesc = opts.Sorts[i], desc
		}
	}
	if len(e.Errors) > 0 {
		return query, e
	}
	return query, nil
}

// ParseIDs reads a comma-separated ID list of at most MaxIDs; the message is
// empty when it is valid.
func ParseIDs(v string) ([]int64, string) {
	var ids []int64
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil {
			return nil, "'" + part + "' is not a valid ID."
		}
		ids = append(ids, id)
	}
	if len(ids) > MaxIDs {
		return nil, "At most 50 IDs may be given, got " + strconv.Itoa(len(ids)) + "."
	}
	return ids, ""
}

// ParseDateTime reads an RFC 3339 date-time (or a bare date, as midnight
// UTC); times without a zone are taken as UTC, as ServiceTitan does.
func ParseDateTime(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("not an RFC 3339 date-time")
}

// Page is ServiceTitan's paged envelope, in the order its docs show.
type Page[R any] struct {
	Page       int  `json:"page"`
	PageSize   int  `json:"pageSize"`
	TotalCount *int `json:"totalCount"`
	HasMore    bool `json:"hasMore"`
	Data       []R  `json:"data"`
}

// MoreToCome reports hasMore, so the request journal can see it.
func (p Page[R]) MoreToCome() bool { return p.HasMore }

// Select says where a list's candidates come from: listed IDs, one index
// value, or (neither) the whole collection in ID order.
type Select struct {
	IDs   []int64
	Index string
	Value string
}

// All returns every record of a kind that where accepts (nil: all) under
// a list's default filters, in ID order: List without paging.
func All[T any, P Record[T]](tx *Tx, k *Kind[T], where func(P) bool) ([]P, error) {
	page, err := List[T, P](tx, k, Query{Page: 1, PageSize: math.MaxInt32}, Select{}, where)
	return page.Data, err
}

// List runs q over a kind. Candidates come from sel (IDs or an index, so a
// selective filter does not scan the collection); the shared filters and
// where (the module's own filters; nil for none; it must only read the
// records it is given, which may be the kind's cached ones) decide
// membership; then the page is cut. Plain lists walk in ID order and stop once the page is full
// unless a total is asked for.
func List[T any, P Record[T]](tx *Tx, k *Kind[T], q Query, sel Select, where func(P) bool) (Page[P], error) {
	match := func(rec P) bool {
		m := rec.meta()
		switch {
		case m.Deleted:
			return false
		case q.Active == ActiveTrue && !m.Active, q.Active == ActiveFalse && m.Active:
			return false
		case !q.CreatedBefore.IsZero() && !m.CreatedOn.Before(q.CreatedBefore):
			return false
		case !q.CreatedOnOrAfter.IsZero() && m.CreatedOn.Before(q.CreatedOnOrAfter):
			return false
		case !q.ModifiedBefore.IsZero() && !m.ModifiedOn.Before(q.ModifiedBefore):
			return false
		case !q.ModifiedOnOrAfter.IsZero() && m.ModifiedOn.Before(q.ModifiedOnOrAfter):
			return false
		}
		return where == nil || where(rec)
	}
	// Candidates: the intersection of every ID constraint, or the whole
	// collection when there is none.
	var ids []int64
	constrained := false
	narrow := func(more []int64) {
		if constrained {
			ids = intersect(ids, more)
		} else {
			ids, constrained = slices.Clone(more), true
		}
	}
	if sel.IDs != nil {
		narrow(sel.IDs)
	}
	if len(q.IDs) > 0 {
		narrow(q.IDs)
	}
	if sel.Index != "" {
		found, err := Lookup(tx, k, sel.Index, sel.Value)
		if err != nil {
			return Page[P]{}, err
		}
		narrow(found)
	}
	out := Page[P]{Page: q.Page, PageSize: q.PageSize, Data: []P{}}
	skip := (q.Page - 1) * q.PageSize
	streaming := q.SortField == "" || (q.SortField == "Id" && !q.SortDesc)
	var all []P
	total := 0
	visit := func(rec P) bool {
		if !match(rec) {
			return true
		}
		total++
		if !streaming {
			all = append(all, ownRecord[T, P](tx, rec))
			return true
		}
		switch {
		case total <= skip:
		case len(out.Data) < q.PageSize:
			out.Data = append(out.Data, ownRecord[T, P](tx, rec))
		default:
			out.HasMore = true
			return q.IncludeTotal // keep counting only when a total was asked for
		}
		return true
	}
	if constrained {
		slices.Sort(ids)
		ids = slices.Compact(ids)
		for _, id := range ids {
			rec, err := load[T, P](tx, k, id, true)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return out, err
			}
			if !visit(rec) {
				break
			}
		}
	} else {
		var decodeErr error
		err := tx.scanShared(recordsBucket(k.Name), nil, func(key, value []byte, keep bool) bool {
			var id int64
			var rec P
			if id, decodeErr = store.ParseInt64Key(key); decodeErr == nil {
				rec, decodeErr = decodeRecord[T, P](tx, k, id, value, keep, true)
			}
			if decodeErr != nil {
				return false
			}
			return visit(rec)
		})
		if err == nil {
			err = decodeErr
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return out, err
		}
	}
	if !streaming {
		sortRecords(all, q.SortField, q.SortDesc)
		if skip < len(all) {
			end := min(skip+q.PageSize, len(all))
			out.Data = append(out.Data, all[skip:end]...)
			out.HasMore = end < len(all)
		}
	}
	if q.IncludeTotal {
		out.TotalCount = &total
	}
	return out, nil
}

// scanShared is Scan without copies when the store can (store.SharedReader):
// fn must only read key and value. keep says they are the store's own
// bytes, which never change, in an allocation of their own (the
// SharedReader's alone), in a read-only transaction (Tx.sharedValues):
// decodeRecord then keeps them in the kind's cache without a copy.
func (tx *Tx) scanShared(bucket string, start []byte, fn func(key, value []byte, keep bool) bool) error {
	if s := tx.sharedValues(); s != nil {
		return s.ScanShared(bucket, start, fn)
	}
	if s, ok := tx.Tx.(store.SharedReader); ok {
		return s.ScanShared(bucket, start, func(key, value []byte, _ bool) bool { return fn(key, value, false) })
	}
	return tx.Scan(bucket, start, func(key, value []byte) bool { return fn(key, value, false) })
}

// intersect keeps the IDs of current that are also in more.
func intersect(current, more []int64) []int64 {
	set := make(map[int64]bool, len(more))
	for _, id := range more {
		set[id] = true
	}
	out := []int64{}
	for _, id := range current {
		if set[id] {
			out = append(out, id)
		}
	}
	return out
}

func sortRecords[T any, P Record[T]](recs []P, field string, desc bool) {
	key := func(p P) (Time, int64) {
		m := p.meta()
		switch field {
		case "CreatedOn":
			return m.CreatedOn, m.ID
		case "ModifiedOn":
			return m.ModifiedOn, m.ID
		}
		return Time{}, m.ID
	}
	slices.SortStableFunc(recs, func(a, b P) int {
		ta, ia := key(a)
		tb, ib := key(b)
		c := ta.Compare(tb.Time)
		if c == 0 {
			c = cmp.Compare(ia, ib)
		}
		if desc {
			return -c
		}
		return c
	})
}

// ListOrdered is List for a sort field of a module's own (a job's priority,
// a project's name): order compares two records by it, ties go by ID, and
// q.SortDesc reverses both. A nil order is plain List.
func ListOrdered[T any, P Record[T]](tx *Tx, k *Kind[T], q Query, sel Select, where func(P) bool, order func(a, b P) int) (Page[P], error) {
	if order == nil {
		return List(tx, k, q, sel, where)
	}
	all := q
	all.SortField, all.SortDesc, all.Page, all.PageSize, all.IncludeTotal = "", false, 1, math.MaxInt32, false
	page, err := List(tx, k, all, sel, where)
	if err != nil {
		return page, err
	}
	recs := page.Data
	slices.SortStableFunc(recs, func(a, b P) int {
		c := order(a, b)
		if c == 0 {
			c = cmp.Compare(a.meta().ID, b.meta().ID)
		}
		if q.SortDesc {
			return -c
		}
		return c
	})
	out := Page[P]{Page: q.Page, PageSize: q.PageSize, Data: []P{}}
	skip := (q.Page - 1) * q.PageSize
	if skip < len(recs) {
		end := min(skip+q.PageSize, len(recs))
		out.Data = recs[skip:end]
		out.HasMore = end < len(recs)
	}
	if q.IncludeTotal {
		n := len(recs)
		out.TotalCount = &n
	}
	return out, nil
}
