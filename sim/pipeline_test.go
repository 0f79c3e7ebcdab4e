package sim

import (
	"net/http"
	"testing"

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
