package sim_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/csr"
	"github.com/stsim/stsim/sim/simtest"
)

// BenchmarkOfficeConvertsRead measures a provider's read of its bookings
// under office-converts with an inbox of bookings the office cannot
// convert (email only, no address), beside the same read without the
// scenario, once the office has tried each (MaxAttempts a read) and left
// it: what remains per read is the scan for waiting bookings, no write.
//
//	go test -run x -bench OfficeConvertsRead -benchtime 200x ./sim/
func BenchmarkOfficeConvertsRead(b *testing.B) {
	for _, backend := range []string{"memory", "bbolt"} {
		for _, stuck := range []int{100, 1000} {
			b.Run(fmt.Sprintf("%s/%d-stuck", backend, stuck), func(b *testing.B) {
				path := ""
				if backend == "bbolt" {
					path = filepath.Join(b.TempDir(), "stsim.db")
				}
				srv := simtest.Start(b, simtest.WithConfig(func(c *config.Config) { c.DataFile, c.RateLimit = path, 0 }))
				tok := srv.Token(b)
				bookings := simtest.CRM + "/booking-provider/1995/bookings"
				for i := range stuck {
					srv.Do(b, "POST", bookings, tok, map[string]any{"source": "Schedule Engine", "name": "Avery Quinn", "summary": "No heat",
						"isFirstTimeClient": true, "externalId": fmt.Sprint("se-", i),
						"contacts": []any{map[string]any{"type": "Email", "value": "nobody@example.com"}}}).OK(b)
				}
				srv.Clock.Advance(10 * time.Minute)
				tok = srv.Token(b)
				read := func(b *testing.B) {
					for b.Loop() {
						srv.Do(b, "GET", bookings+"?pageSize=1", tok, nil).OK(b)
					}
				}
				b.Run("off", read)
				srv.Control(b, "POST", "/_sim/scenarios/office-converts/activate", map[string]any{"tenant": simtest.Tenant}).OK(b)
				for range stuck/csr.MaxAttempts + 1 { // the office tries each once, MaxAttempts a read
					srv.Do(b, "GET", bookings+"?pageSize=1", tok, nil).OK(b)
				}
				b.Run("office-converts", read)
			})
		}
	}
}
