package api

import (
	"bytes"
	"net/url"
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/resource"
)

// Response bodies of records, cached with the records (resource.Wire): a
// list or get that meets a record again writes the bytes it wrote before
// instead of rendering and encoding the record again (encoding was most
// of a list's cost).

// sharedParams are the query parameters of the list and export machinery:
// paging, the shared filters, sorting and export positions. No Render
// reads them, so they do not split the response cache.
var sharedParams = map[string]bool{
	"page": true, "pageSize": true, "includeTotal": true, "ids": true, "active": true, "sort": true,
	"createdBefore": true, "createdOnOrAfter": true, "modifiedBefore": true, "modifiedOnOrAfter": true,
	"from": true, "includeRecentChanges": true,
}

// sites numbers the generic handlers, so the bodies of two renders of one
// kind (a record's export shape and its get shape) are told apart.
var sites atomic.Int64

// newSite names a new generic handler in the response cache.
func newSite() string { return strconv.FormatInt(sites.Add(1), 10) }

// responseKey names what a record's body depends on besides the record:
// the handler (site) and the request's query parameters that a Render may
// read (all but sharedParams), in canonical order.
func responseKey(site string, query url.Values) string {
	var own url.Values
	for name, values := range query {
		if !sharedParams[name] {
			if own == nil {
				own = url.Values{}
			}
			own[name] = values
		}
	}
	if own == nil {
		return site
	}
	return site + "?" + own.Encode()
}

// recordEncoder encodes one request's records: render's body of each,
// from the record's response cache when it holds one for the same handler
// and query. shapes (see appendingShapes) is nil unless *W is a
// JSONAppender. It is a value, not a closure, so a handler keeps it with
// its other per-request state in one allocation.
type recordEncoder[T any, P resource.Record[T], W any] struct {
	c      *gin.Context
	key    string // the records' response cache key (responseKey)
	render Render[P, W]
	shapes *sync.Pool
}

func newRecordEncoder[T any, P resource.Record[T], W any](c *gin.Context, site string, query url.Values, render Render[P, W], shapes *sync.Pool) recordEncoder[T, P, W] {
	return recordEncoder[T, P, W]{c: c, key: responseKey(site, query), render: render, shapes: shapes}
}

// encode returns rec's body.
func (e *recordEncoder[T, P, W]) encode(rec P) ([]byte, error) {
	return resource.Wire(rec, e.key, e.renderBody)
}

// renderBody encodes a record the response cache does not hold: render's
// shape through Marshal, or appended when shapes are given (a shape from
// the pool, so a record costs no shape of its own).
func (e *recordEncoder[T, P, W]) renderBody(rec P) ([]byte, error) {
	if e.shapes == nil {
		return Marshal(e.render(e.c, rec))
	}
	w := e.shapes.Get().(*W)
	*w = e.render(e.c, rec)
	body, err := appendBody(any(w).(JSONAppender))
	var zero W
	*w = zero // keep nothing of the record
	e.shapes.Put(w)
	return body, err
}

// appendingShapes returns a pool of shapes for records to be rendered
// into and appended from, if W appends (see appends), or nil.
func appendingShapes[W any]() *sync.Pool {
	if !appends[W]() {
		return nil
	}
	return &sync.Pool{New: func() any { return new(W) }}
}

// JSONAppender is a wire shape that writes its own JSON, with exactly the
// bytes encoding/json writes for it (same members, order, escaping and
// number forms), without reflection. Bodies are cached with the records
// they render (resource.Wire), but a list still encodes every record it
// meets outside its kind's decoded cache, and encoding/json was about as
// much of such a record's cost as decoding it.
type JSONAppender interface {
	AppendJSON(b []byte) ([]byte, error)
}

// appends reports whether *W is a JSONAppender that writes W's zero
// value as Marshal does. A shape that embeds an appending shape is never
// one: its AppendJSON may be the embedded one's, which leaves out the
// shape's own members (omitempty members even from the zero value).
func appends[W any]() bool {
	var zero W
	a, ok := any(&zero).(JSONAppender)
	if !ok {
		return false
	}
	if t := reflect.TypeFor[W](); t.Kind() == reflect.Struct {
		appender := reflect.TypeFor[JSONAppender]()
		for i := range t.NumField() {
			if f := t.Field(i); f.Anonymous && (f.Type.Implements(appender) || reflect.PointerTo(f.Type).Implements(appender)) {
				return false
			}
		}
	}
	got, err := a.AppendJSON(nil)
	want, wantErr := Marshal(zero)
	return err == nil && wantErr == nil && bytes.Equal(got, want)
}

// bodyBuffers recycle the buffers appendBody writes in.
var bodyBuffers = sync.Pool{New: func() any { return new([]byte) }}

// appendBody returns a's JSON in a slice of its own size (the response
// cache keeps it).
func appendBody(a JSONAppender) ([]byte, error) {
	buf := bodyBuffers.Get().(*[]byte)
	b, err := a.AppendJSON((*buf)[:0])
	body := make([]byte, len(b))
	copy(body, b)
	if cap(b) <= maxPooledPage {
		*buf = b
		bodyBuffers.Put(buf)
	}
	return body, err
}

// encodeAll encodes records in order.
func encodeAll[P any](recs []P, encode func(P) ([]byte, error)) ([][]byte, error) {
	out := make([][]byte, 0, len(recs))
	for _, rec := range recs {
		body, err := encode(rec)
		if err != nil {
			return nil, err
		}
		out = append(out, body)
	}
	return out, nil
}
