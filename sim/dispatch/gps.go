package dispatch

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/jpm"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
)

// GPS pings and technician tracking.
//
// A GPS provider posts its units' positions (POST
// /gps-provider/{gps_provider}/gps-pings, at most MaxGPSPings pings a
// call). A unit is a technician's vehicle: stsim matches a ping's unitId
// to the technician whose ID it is. Every ping gets its own answer, in
// request order: Success when it was stored (or was already stored: a
// provider that resends an externalId is answered Success again and
// nothing is written twice), Fail with the reason otherwise (unknown or
// inactive technician, coordinates missing or out of range, an eventTime
// in the future). A call whose body is not a list of pings is a 400.
//
// Technician tracking (GET /technician-tracking?technicianId=&appointmentId=)
// answers the link a customer opens to follow the technician on the way to
// an appointment. The technician must be assigned to the appointment, the
// appointment must not be done or canceled, and the technician must have
// sent a GPS ping (nothing to track otherwise): each is a 400 naming the
// parameter. The link is opaque and stable for the pair; stsim does not
// serve the page behind it.

// MaxGPSPings bounds the pings of one Gps_Create call.
const MaxGPSPings = 1000

// GPSPing is one stored position of a technician's unit.
type GPSPing struct {
	resource.Meta
	Provider      string        `json:"provider"`
	TechnicianID  int64         `json:"technicianId"`
	UnitName      string        `json:"unitName"`
	EventTime     resource.Time `json:"eventTime"`
	Latitude      float64       `json:"latitude"`
	Longitude     float64       `json:"longitude"`
	Speed         *float64      `json:"speed"`
	Street        string        `json:"street"`
	City          string        `json:"city"`
	Region        string        `json:"region"`
	PostalCode    string        `json:"postalCode"`
	Message       string        `json:"message"`
	ExternalID    string        `json:"externalId"`
	StatusMessage string        `json:"statusMessage"`
}

// gpsPings is the GPS-ping kind: "technician" files pings under their
// technician, "external" under provider and externalId (for resends).
var gpsPings = resource.Kind[GPSPing]{Name: "dispatch.gps-pings", Label: "GPS ping", Indexes: []resource.Index[GPSPing]{
	{Name: "technician", Keys: func(p *GPSPing) []string { return []string{resource.IDKey(p.TechnicianID)} }},
	{Name: "external", Keys: func(p *GPSPing) []string { return []string{externalKey(p.Provider, p.ExternalID)} }},
}}

func externalKey(provider, externalID string) string {
	return strings.ToLower(provider) + "|" + externalID
}

// gpsPingIn is Dispatch.V2.GpsPingCreateRequest.
type gpsPingIn struct {
	UnitID        string   `json:"unitId"`
	UnitName      string   `json:"unitName"`
	EventTime     string   `json:"eventTime"`
	Latitude      *float64 `json:"latitude"`
	Longitude     *float64 `json:"longitude"`
	Speed         *float64 `json:"speed"`
	Street        string   `json:"street"`
	City          string   `json:"city"`
	Region        string   `json:"region"`
	PostalCode    string   `json:"postalCode"`
	Message       string   `json:"message"`
	ExternalID    string   `json:"externalId"`
	IsNew         bool     `json:"isNew"`
	StatusMessage string   `json:"statusMessage"`
}

// gpsPingOut is Dispatch.V2.GpsPingResponse.
type gpsPingOut struct {
	ExternalID string `json:"externalId"`
	Status     string `json:"status"` // Success or Fail
	Message    string `json:"message"`
}

// createGPSPings handles POST /gps-provider/{gps_provider}/gps-pings.
func createGPSPings(c *gin.Context, call *api.Call) {
	provider := strings.TrimSpace(call.Param("gps_provider"))
	if provider == "" || len(provider) > 100 {
		call.Fail(c, apierr.BadRequest("gps_provider", "gps_provider must name the GPS provider (1 to 100 characters)."))
		return
	}
	var in []gpsPingIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	if len(in) > MaxGPSPings {
		call.Fail(c, apierr.BadRequest("body", fmt.Sprintf("At most %d pings may be sent in one call, got %d.", MaxGPSPings, len(in))))
		return
	}
	var out []gpsPingOut
	err := call.Update(func(tx *resource.Tx) error {
		out = make([]gpsPingOut, 0, len(in))
		for i := range in {
			msg, err := storePing(tx, provider, &in[i])
			if err != nil {
				return err
			}
			status := "Success"
			if msg != "" {
				status = "Fail"
			} else {
				msg = "Stored."
			}
			out = append(out, gpsPingOut{ExternalID: in[i].ExternalID, Status: status, Message: msg})
		}
		return nil
	})
	call.Respond(c, out, err)
}

// storePing stores one ping; a non-empty message says why it was refused.
func storePing(tx *resource.Tx, provider string, p *gpsPingIn) (string, error) {
	techID, err := strconv.ParseInt(strings.TrimSpace(p.UnitID), 10, 64)
	if err != nil {
		return "unitId '" + p.UnitID + "' names no technician (stsim matches unitId to a technician ID).", nil
	}
	tech, err := settings.TechnicianByID(tx, techID)
	if err != nil {
		return "unitId " + p.UnitID + " names no technician.", nil
	}
	if !tech.Active {
		return "Technician " + p.UnitID + " is inactive.", nil
	}
	if p.Latitude == nil || p.Longitude == nil || math.Abs(*p.Latitude) > 90 || math.Abs(*p.Longitude) > 180 {
		return "latitude and longitude are required: latitude from -90 to 90, longitude from -180 to 180.", nil
	}
	at, err := resource.ParseDateTime(p.EventTime)
	if err != nil {
		return "eventTime '" + p.EventTime + "' is not an RFC 3339 date-time.", nil
	}
	if at.After(tx.Now) {
		return "eventTime is in the future.", nil
	}
	if p.ExternalID != "" {
		seen, err := resource.Lookup(tx, &gpsPings, "external", externalKey(provider, p.ExternalID))
		if err != nil || len(seen) > 0 {
			return "", err
		}
	}
	return "", resource.Create(tx, &gpsPings, &GPSPing{Meta: resource.Meta{Active: true},
		Provider: provider, TechnicianID: techID, UnitName: p.UnitName, EventTime: resource.Stamp(at),
		Latitude: *p.Latitude, Longitude: *p.Longitude, Speed: p.Speed,
		Street: p.Street, City: p.City, Region: p.Region, PostalCode: p.PostalCode,
		Message: p.Message, ExternalID: p.ExternalID, StatusMessage: p.StatusMessage})
}

// LastPing returns a technician's latest ping by eventTime (nil: none yet).
func LastPing(tx *resource.Tx, technicianID int64) (*GPSPing, error) {
	pings, err := resource.LookupRecords(tx, &gpsPings, "technician", resource.IDKey(technicianID))
	if err != nil {
		return nil, err
	}
	var last *GPSPing
	for _, p := range pings {
		if last == nil || !p.EventTime.Before(last.EventTime.Time) {
			last = p
		}
	}
	return last, nil
}

// trackingOut is Dispatch.V2.TechnicianTrackingResponse.
type trackingOut struct {
	TechnicianTrackingURL string `json:"technicianTrackingUrl"`
}

// TrackingBaseURL is where the tracking links stsim answers point.
const TrackingBaseURL = "https://track.stsim.invalid/t/"

// getTracking handles GET /technician-tracking.
func getTracking(c *gin.Context, call *api.Call) {
	techID, err1 := strconv.ParseInt(c.Query("technicianId"), 10, 64)
	apptID, err2 := strconv.ParseInt(c.Query("appointmentId"), 10, 64)
	switch {
	case err1 != nil:
		call.Fail(c, apierr.BadRequest("technicianId", "technicianId is required: a technician ID."))
		return
	case err2 != nil:
		call.Fail(c, apierr.BadRequest("appointmentId", "appointmentId is required: an appointment ID."))
		return
	}
	var out trackingOut
	err := call.View(func(tx *resource.Tx) error {
		if _, err := settings.TechnicianByID(tx, techID); err != nil {
			return apierr.BadRequest("technicianId", "No technician has id "+resource.IDKey(techID)+".")
		}
		appt, err := jpm.AppointmentByID(tx, apptID)
		if err != nil {
			return apierr.BadRequest("appointmentId", "No appointment has id "+resource.IDKey(apptID)+".")
		}
		if appt.Status == jpm.ApptDone || appt.Status == jpm.ApptCanceled {
			return apierr.BadRequest("appointmentId", "Appointment "+resource.IDKey(apptID)+" is "+appt.Status+": there is nothing left to track.")
		}
		assigned, err := jpm.AssignedTo(tx, apptID)
		if err != nil {
			return err
		}
		found := false
		for _, a := range assigned {
			found = found || a.TechnicianID == techID
		}
		if !found {
			return apierr.BadRequest("technicianId", "Technician "+resource.IDKey(techID)+" is not assigned to appointment "+resource.IDKey(apptID)+".")
		}
		ping, err := LastPing(tx, techID)
		if err != nil {
			return err
		}
		if ping == nil {
			return apierr.BadRequest("technicianId", "Technician "+resource.IDKey(techID)+" has sent no GPS ping yet: there is no position to track.")
		}
		token := base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%d.%d.%d", call.Tenant, apptID, techID))
		out.TechnicianTrackingURL = TrackingBaseURL + token
		return nil
	})
	if err != nil {
		call.Fail(c, err)
		return
	}
	call.OK(c, out)
}
