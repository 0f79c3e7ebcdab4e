package dispatch_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/dispatch"
	"github.com/stsim/stsim/sim/simtest"
)

type pingResult struct {
	ExternalID string `json:"externalId"`
	Status     string `json:"status"`
	Message    string `json:"message"`
}

// ping is a valid GPS ping of a unit (a technician ID), a minute ago.
func (e *env) ping(unit int64, externalID string) map[string]any {
	return map[string]any{
		"unitId": fmt.Sprint(unit), "unitName": "Truck 7", "eventTime": rfc(e.srv.Clock.Now().Add(-time.Minute)),
		"latitude": 41.88, "longitude": -87.63, "speed": 31.5, "street": "1 N State St", "city": "Chicago",
		"region": "IL", "postalCode": "60602", "message": "<b>moving</b>", "externalId": externalID,
		"isNew": true, "statusMessage": "Driving",
	}
}

func (e *env) tracking(tech, appt int64) *simtest.Response {
	e.t.Helper()
	return e.do("GET", fmt.Sprintf("/technician-tracking?technicianId=%d&appointmentId=%d", tech, appt), nil)
}

func TestGPSPingsFeedTechnicianTracking(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := newEnv(t, backend)
		f := e.newFixture(2, time.Hour)
		now := e.srv.Clock.Now()
		appt := e.book(f, now.Add(time.Hour), now.Add(2*time.Hour), f.techs[0])
		tech, idle := f.techs[0], f.techs[1]

		// No position yet: nothing to track.
		e.tracking(tech, appt).WantError(t, 400, "technicianId")

		var out []pingResult
		pings := []map[string]any{e.ping(tech, "p-1"), e.ping(999999, "p-2"), e.ping(tech, "p-3"), e.ping(tech, "p-4"), e.ping(tech, "p-5")}
		delete(pings[2], "latitude")
		pings[3]["eventTime"] = rfc(now.Add(time.Hour))
		pings[4]["longitude"] = 200.0
		e.ok("POST", "/gps-provider/samsara/gps-pings", pings, &out)
		got := []string{}
		for _, r := range out {
			got = append(got, r.ExternalID+":"+r.Status)
		}
		if fmt.Sprint(got) != "[p-1:Success p-2:Fail p-3:Fail p-4:Fail p-5:Fail]" {
			t.Fatalf("ping results: %v", out)
		}
		if !strings.Contains(out[1].Message, "no technician") {
			t.Fatalf("unknown unit message: %q", out[1].Message)
		}

		var link struct {
			TechnicianTrackingURL string `json:"technicianTrackingUrl"`
		}
		e.ok("GET", fmt.Sprintf("/technician-tracking?technicianId=%d&appointmentId=%d", tech, appt), nil, &link)
		if !strings.HasPrefix(link.TechnicianTrackingURL, dispatch.TrackingBaseURL) {
			t.Fatalf("tracking link: %q", link.TechnicianTrackingURL)
		}
		var again struct {
			TechnicianTrackingURL string `json:"technicianTrackingUrl"`
		}
		e.ok("GET", fmt.Sprintf("/technician-tracking?technicianId=%d&appointmentId=%d", tech, appt), nil, &again)
		if again != link {
			t.Fatalf("the link is not stable: %q then %q", link.TechnicianTrackingURL, again.TechnicianTrackingURL)
		}

		// A resent externalId is answered Success and stored once.
		e.ok("POST", "/gps-provider/samsara/gps-pings", []map[string]any{e.ping(tech, "p-1")}, &out)
		if len(out) != 1 || out[0].Status != "Success" {
			t.Fatalf("resend: %+v", out)
		}
		e.ok("POST", "/gps-provider/samsara/gps-pings", []map[string]any{}, &out)
		if len(out) != 0 {
			t.Fatalf("empty batch: %+v", out)
		}

		// The technician must be assigned to the appointment, and both must exist.
		e.ok("POST", "/gps-provider/samsara/gps-pings", []map[string]any{e.ping(idle, "p-6")}, &out)
		e.tracking(idle, appt).WantError(t, 400, "technicianId")
		e.tracking(999999, appt).WantError(t, 400, "technicianId")
		e.tracking(tech, 999999).WantError(t, 400, "appointmentId")
		// A missing parameter fails request validation, with the error object.
		e.do("GET", fmt.Sprintf("/technician-tracking?technicianId=%d", tech), nil).WantError(t, 400, "appointmentId")

		// Bad bodies are 400s; so is a batch over the bound.
		e.do("POST", "/gps-provider/samsara/gps-pings", map[string]any{"unitId": "1"}).WantError(t, 400, "")
		e.do("POST", "/gps-provider/samsara/gps-pings", []map[string]any{{"unitId": "1"}}).WantError(t, 400, "")
		many := make([]map[string]any, dispatch.MaxGPSPings+1)
		for i := range many {
			many[i] = e.ping(tech, fmt.Sprint("bulk-", i))
		}
		e.do("POST", "/gps-provider/samsara/gps-pings", many).WantError(t, 400, "body")
	})
}

// TestDemoTechniciansAreTrackable: the demo seed's GPS pings make today's
// assigned appointments trackable.
func TestDemoTechniciansAreTrackable(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		e := demoEnv(t, backend)
		now := e.srv.Clock.Now().In(chicago)
		midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, chicago)
		var appts struct {
			Data []struct {
				ID     int64  `json:"id"`
				Status string `json:"status"`
			} `json:"data"`
		}
		e.srv.Do(t, "GET", simtest.JPM+"/appointments?pageSize=500&startsOnOrAfter="+rfc(midnight)+"&startsBefore="+rfc(midnight.AddDate(0, 0, 1)), e.tok, nil).OK(t).JSON(t, &appts)
		tracked := 0
		for _, a := range appts.Data {
			if a.Status == "Done" || a.Status == "Canceled" {
				continue
			}
			var as struct {
				Data []struct {
					TechnicianID int64 `json:"technicianId"`
				} `json:"data"`
			}
			e.ok("GET", fmt.Sprintf("/appointment-assignments?appointmentIds=%d", a.ID), nil, &as)
			for _, x := range as.Data {
				e.tracking(x.TechnicianID, a.ID).OK(t)
				tracked++
			}
		}
		if tracked == 0 {
			t.Fatal("no assigned appointment of today to track in the demo tenant")
		}
	})
}
