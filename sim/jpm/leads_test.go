package jpm_test

import (
	"fmt"
	"testing"

	"github.com/stsim/stsim/sim/simtest"
)

// TestBookingAJobConvertsLeads: booking a job for a customer converts its
// open leads at that location (and those without one); other leads stay.
func TestBookingAJobConvertsLeads(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := start(t, backend)
		lead := func(body map[string]any) int64 {
			body["campaignId"], body["summary"] = e.campaign, "Quote"
			var l struct {
				ID int64 `json:"id"`
			}
			e.srv.Do(t, "POST", simtest.CRM+"/leads", e.tok, body).OK(t).JSON(t, &l)
			return l.ID
		}
		status := func(id int64) string {
			var l struct {
				Status string `json:"status"`
			}
			e.srv.Do(t, "GET", simtest.CRM+fmt.Sprintf("/leads/%d", id), e.tok, nil).OK(t).JSON(t, &l)
			return l.Status
		}
		here := lead(map[string]any{"locationId": e.location})
		anywhere := lead(map[string]any{"customerId": e.customer})
		elsewhere := lead(map[string]any{"locationId": e.otherLocation})
		dismissed := lead(map[string]any{"locationId": e.location})
		e.srv.Do(t, "POST", simtest.CRM+fmt.Sprintf("/leads/%d/dismiss", dismissed), e.tok, map[string]any{"dismissingReasonId": 1}).OK(t)

		e.createJob(e.jobBody())
		for id, want := range map[int64]string{here: "Converted", anywhere: "Converted", elsewhere: "Open", dismissed: "Dismissed"} {
			if got := status(id); got != want {
				t.Errorf("lead %d is %s, want %s", id, got, want)
			}
		}
	})
}
