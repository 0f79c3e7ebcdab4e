package api

import (
	"net/url"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/resource"
)

// Generic handlers for the shapes most ServiceTitan operations share: get
// by ID, a paged list, an export feed. A module supplies the kind, its
// filters and how a record renders; the mechanics live here once.

// Render turns a stored record into its wire shape for one request. It may
// read the request's query parameters (such as externalDataApplicationGuid)
// other than the shared ones (sharedParams) and nothing else: the body it
// gives for a record is cached per handler, stored form of the record and
// values of those parameters (see resource.Wire).
type Render[P, W any] func(c *gin.Context, rec P) W

// GetByID serves GET …/{id}: the live record or a 404 naming it.
func GetByID[T any, P resource.Record[T], W any](k *resource.Kind[T], render Render[P, W]) Handler {
	site, shapes := newSite(), appendingShapes[W]()
	gets := sync.Pool{New: func() any {
		g := &recordGet[T, P, W]{}
		g.viewFn = g.view // bound once: a method value per call would allocate
		return g
	}}
	return func(c *gin.Context, call *Call) {
		id, err := call.IDParam(idParam(call))
		if err != nil {
			call.Fail(c, err)
			return
		}
		var query url.Values // a get without a query string (most) parses none
		if c.Request.URL.RawQuery != "" {
			query = c.Request.URL.Query()
		}
		get := gets.Get().(*recordGet[T, P, W])
		get.kind, get.id, get.enc = k, id, newRecordEncoder[T, P](c, site, query, render, shapes)
		if err := call.View(get.viewFn); err != nil {
			call.Fail(c, err)
		} else {
			call.okBody(c, get.body, nil)
		}
		get.kind, get.enc, get.body = nil, recordEncoder[T, P, W]{}, nil // keep nothing of the request
		gets.Put(get)
	}
}

// recordGet is one get by ID: what its read transaction needs and gives
// back, recycled (with its view bound to it) from one get to the next.
type recordGet[T any, P resource.Record[T], W any] struct {
	kind   *resource.Kind[T]
	id     int64
	enc    recordEncoder[T, P, W]
	body   []byte
	viewFn func(*resource.Tx) error
}

func (g *recordGet[T, P, W]) view(tx *resource.Tx) error {
	tx.Shared = true // the record is only rendered
	rec, err := resource.Get[T, P](tx, g.kind, g.id)
	if err == nil {
		g.body, err = g.enc.encode(rec)
	}
	return err
}

// idParam is the operation's last path parameter ("id" in most documents).
func idParam(call *Call) string {
	return call.Op.ParamNames[len(call.Op.ParamNames)-1]
}

// Filter reads an operation's own query parameters inside the list's
// transaction: where candidates come from (IDs or an index; the zero Select
// scans the collection) and which of them match (nil: all; it must only
// read the records).
type Filter[T any, P resource.Record[T]] func(c *gin.Context, tx *resource.Tx) (resource.Select, func(P) bool, error)

// ListSpec describes a paged list operation.
type ListSpec[T any, P resource.Record[T]] struct {
	Options resource.ListOptions
	Filter  Filter[T, P]
	// Orders compare records by the sortable fields of the module's own
	// (those in Options.Sorts that the resource layer does not know).
	Orders map[string]func(a, b P) int
}

// List serves a paged list with ServiceTitan's shared parameters and the
// spec's own filters.
func List[T any, P resource.Record[T], W any](k *resource.Kind[T], spec ListSpec[T, P], render Render[P, W]) Handler {
	site, shapes := newSite(), appendingShapes[W]()
	return func(c *gin.Context, call *Call) {
		query := c.Request.URL.Query()
		q, err := resource.ParseQuery(query, spec.Options)
		if err != nil {
			call.Fail(c, err)
			return
		}
		enc := newRecordEncoder[T, P](c, site, query, render, shapes)
		var out resource.Page[[]byte]
		err = call.View(func(tx *resource.Tx) error {
			var sel resource.Select
			var where func(P) bool
			if spec.Filter != nil {
				var err error
				if sel, where, err = spec.Filter(c, tx); err != nil {
					return err
				}
			}
			tx.Shared = true // the filters are made; the records are only rendered
			page, err := resource.ListOrdered[T, P](tx, k, q, sel, where, spec.Orders[q.SortField])
			if err != nil {
				return err
			}
			out = resource.Page[[]byte]{Page: page.Page, PageSize: page.PageSize, TotalCount: page.TotalCount, HasMore: page.HasMore}
			out.Data, err = encodeAll(page.Data, enc.encode)
			return err
		})
		if err != nil {
			call.Fail(c, err)
			return
		}
		call.writePage(c, out.HasMore, func(b []byte) []byte { return appendPage(b, out) })
	}
}

// Export serves an export feed of a kind (contract §6: every record once
// per latest change, 15-minute visibility, reusable continueFrom tokens).
func Export[T any, P resource.Record[T], W any](k *resource.Kind[T], render Render[P, W]) Handler {
	site, shapes := newSite(), appendingShapes[W]()
	return func(c *gin.Context, call *Call) {
		query := c.Request.URL.Query()
		eq, err := resource.ParseExport(query, call.Tenant, k.Name)
		if err != nil {
			call.Fail(c, err)
			return
		}
		enc := newRecordEncoder[T, P](c, site, query, render, shapes)
		var out resource.ExportPage[[]byte]
		err = call.View(func(tx *resource.Tx) error {
			tx.Shared = true // the records are only rendered
			page, err := resource.Export[T, P](tx, k, call.Tenant, eq)
			if err != nil {
				return err
			}
			out = resource.ExportPage[[]byte]{HasMore: page.HasMore, ContinueFrom: page.ContinueFrom}
			out.Data, err = encodeAll(page.Data, enc.encode)
			return err
		})
		if err != nil {
			call.Fail(c, err)
			return
		}
		call.writePage(c, out.HasMore, func(b []byte) []byte { return appendExportPage(b, out) })
	}
}

// Contains is a case-insensitive substring filter on one query parameter;
// it matches everything when the parameter is absent.
func Contains[P any](c *gin.Context, param string, field func(P) string) func(P) bool {
	want := strings.ToLower(c.Query(param))
	return func(rec P) bool { return want == "" || strings.Contains(strings.ToLower(field(rec)), want) }
}

// All combines filters; nil filters are skipped.
func All[P any](filters ...func(P) bool) func(P) bool {
	return func(rec P) bool {
		for _, f := range filters {
			if f != nil && !f(rec) {
				return false
			}
		}
		return true
	}
}
