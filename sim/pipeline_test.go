package sim

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/stsim/stsim/sim/apierr"
)

// TestHeaderNamesAreCanonical: the pipeline looks its own headers up and
// sets them by these names as they are, so each must be in the canonical
// form net/http keys header maps by.
func TestHeaderNamesAreCanonical(t *testing.T) {
	for _, name := range []string{ScenarioHeader, ValidationHeader, WarningHeader, apierr.TraceHeader} {
		if got := http.CanonicalHeaderKey(name); got != name {
			t.Errorf("%s is not canonical (%s)", name, got)
		}
	}
}

// TestTraceAndLogKeepsEarlierKeys: a middleware ahead of traceAndLog may
// set keys of its own; the request's journal entry joins them instead of
// replacing them, and they are still there when that middleware reads
// them after the request.
func TestTraceAndLogKeepsEarlierKeys(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var during, after any
	var path string
	e := gin.New()
	e.Use(func(c *gin.Context) {
		c.Set("earlier", "kept")
		c.Next()
		after, _ = c.Get("earlier")
	}, s.traceAndLog)
	e.GET("/x", func(c *gin.Context) {
		during, _ = c.Get("earlier")
		path = entry(c).Path
		c.Status(http.StatusNoContent)
	})
	for range 2 { // the second request reuses the first one's state
		during, after, path = nil, nil, ""
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x", nil))
		if rec.Code != http.StatusNoContent {
			t.Fatalf("status %d", rec.Code)
		}
		if during != "kept" || after != "kept" {
			t.Errorf("the earlier key during the request = %v, after it = %v; want kept", during, after)
		}
		if path != "/x" {
			t.Errorf("the entry's path = %q, want /x", path)
		}
	}
}
