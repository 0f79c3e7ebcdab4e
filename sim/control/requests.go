package control

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/journal"
)

// journalFilter reads tenant, clientId, operation, status, since and until.
func journalFilter(c *gin.Context) (journal.Filter, bool) {
	f := journal.Filter{ClientID: c.Query("clientId"), Operation: c.Query("operation")}
	for name, dst := range map[string]*int64{"tenant": &f.Tenant} {
		if v := c.Query(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				fail(c, apierr.BadRequest(name, "Must be an integer."))
				return f, false
			}
			*dst = n
		}
	}
	if v := c.Query("status"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			fail(c, apierr.BadRequest("status", "Must be an HTTP status code."))
			return f, false
		}
		f.Status = n
	}
	for name, dst := range map[string]*time.Time{"since": &f.Since, "until": &f.Until} {
		if v := c.Query(name); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				fail(c, apierr.BadRequest(name, "Must be an RFC 3339 time."))
				return f, false
			}
			*dst = t
		}
	}
	return f, true
}

// listRequests answers the journal, oldest first (at most limit, newest kept).
func (p *Plane) listRequests(c *gin.Context) {
	f, ok := journalFilter(c)
	if !ok {
		return
	}
	entries := p.Journal.Entries(f)
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			fail(c, apierr.BadRequest("limit", "Must be a whole number >= 1."))
			return
		}
		if len(entries) > n {
			entries = entries[len(entries)-n:]
		}
	}
	c.JSON(http.StatusOK, gin.H{"count": len(entries), "requests": entries})
}

func (p *Plane) clearRequests(c *gin.Context) {
	p.Journal.Clear()
	c.Status(http.StatusNoContent)
}

// countRequests answers how often each operation was called.
func (p *Plane) countRequests(c *gin.Context) {
	f, ok := journalFilter(c)
	if !ok {
		return
	}
	counts := p.Journal.Counts(f)
	total := 0
	for _, n := range counts {
		total += n
	}
	c.JSON(http.StatusOK, gin.H{"total": total, "counts": counts})
}

// lint reports client mistakes seen in the journal.
func (p *Plane) lint(c *gin.Context) {
	f, ok := journalFilter(c)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, gin.H{"findings": p.Journal.Lint(f)})
}
