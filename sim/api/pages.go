package api

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// MapPage renders a page of records.
func MapPage[R, W any](p resource.Page[R], render func(R) W) resource.Page[W] {
	out := resource.Page[W]{Page: p.Page, PageSize: p.PageSize, TotalCount: p.TotalCount, HasMore: p.HasMore, Data: make([]W, 0, len(p.Data))}
	for _, r := range p.Data {
		out.Data = append(out.Data, render(r))
	}
	return out
}

// Query parameters most list operations document, in the groups that
// DocumentedQuery takes.
var (
	PagingParams = []string{"page", "pageSize", "includeTotal"}
	DateParams   = []string{"createdBefore", "createdOnOrAfter", "modifiedBefore", "modifiedOnOrAfter"}
)

// DocumentedQuery keeps only the named query parameters (given in groups,
// such as the paging and the date parameters), so a parameter an operation
// does not document (ids, active, sort, a date filter) is ignored as
// ServiceTitan ignores unknown parameters, instead of filtering.
func DocumentedQuery(c *gin.Context, groups ...[]string) url.Values {
	all := c.Request.URL.Query()
	out := url.Values{}
	for _, group := range groups {
		for _, n := range group {
			if v, ok := all[n]; ok {
				out[n] = v
			}
		}
	}
	return out
}

// NoPageZero serves h, except that page=0 is a 400: the custom-fields
// lists answer it so (contract §6), where other lists read it as page 1.
func NoPageZero(h Handler) Handler {
	return func(c *gin.Context, call *Call) {
		if n, err := strconv.Atoi(c.Query("page")); err == nil && n == 0 {
			call.Fail(c, apierr.BadRequest("page", "page must be 1 or more."))
			return
		}
		h(c, call)
	}
}

// appendPage appends the paged envelope around records already encoded, as
// encoding/json writes a resource.Page (same members, order and bytes).
func appendPage(b []byte, p resource.Page[[]byte]) []byte {
	b = slices.Grow(b, 96+dataSize(p.Data))
	b = append(b, `{"page":`...)
	b = strconv.AppendInt(b, int64(p.Page), 10)
	b = append(b, `,"pageSize":`...)
	b = strconv.AppendInt(b, int64(p.PageSize), 10)
	b = append(b, `,"totalCount":`...)
	if p.TotalCount == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, int64(*p.TotalCount), 10)
	}
	b = append(b, `,"hasMore":`...)
	b = strconv.AppendBool(b, p.HasMore)
	b = append(b, `,"data":`...)
	return append(appendArray(b, p.Data), '}')
}

// appendExportPage appends the export envelope around records already
// encoded, as encoding/json writes a resource.ExportPage.
func appendExportPage(b []byte, p resource.ExportPage[[]byte]) []byte {
	token, _ := json.Marshal(p.ContinueFrom) // a string always encodes
	b = slices.Grow(b, 64+len(token)+dataSize(p.Data))
	b = append(b, `{"hasMore":`...)
	b = strconv.AppendBool(b, p.HasMore)
	b = append(b, `,"continueFrom":`...)
	b = append(b, token...)
	b = append(b, `,"data":`...)
	return append(appendArray(b, p.Data), '}')
}

// appendArray appends a JSON array of encoded values.
func appendArray(b []byte, values [][]byte) []byte {
	b = append(b, '[')
	for i, v := range values {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, v...)
	}
	return append(b, ']')
}

// dataSize is the size of values as a JSON array.
func dataSize(values [][]byte) int {
	n := 2 + len(values)
	for _, v := range values {
		n += len(v)
	}
	return n
}

// pageBuffers recycles the buffers page bodies are built in. Writers copy
// what they are given (an io.Writer must not keep it), so a buffer is free
// again once written; buffers above maxPooledPage are left to the GC.
var pageBuffers = sync.Pool{New: func() any { return new([]byte) }}

const maxPooledPage = 1 << 20

// writePage writes 200 with a page body that appendBody builds in a
// recycled buffer, noting hasMore in the call's outcome.
func (call *Call) writePage(c *gin.Context, hasMore bool, appendBody func([]byte) []byte) {
	buf := pageBuffers.Get().(*[]byte)
	body := appendBody((*buf)[:0])
	call.okBody(c, body, &hasMore)
	if cap(body) <= maxPooledPage {
		*buf = body
		pageBuffers.Put(buf)
	}
}
