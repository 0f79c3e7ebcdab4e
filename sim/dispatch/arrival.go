package dispatch

import (
	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/optional"
	"github.com/stsim/stsim/sim/resource"
)

// Arrival windows: start is a time of day and duration a length, both
// TimeSpans (see timespan.go); responses write them as hh:mm:ss. start must
// be before 24:00:00 and duration between a minute and 24 hours. The
// business units must exist; an empty list means every business unit. The
// active flag changes only through PUT …/activated. The configuration
// (StartTimeOfArrivalWindow, the default, or EndTimeOfArrivalWindow) is
// stored and returned; it tells clients where in the window a job starts
// and does not change capacity.

// arrivalWindowOut is Dispatch.V2.ArrivalWindowResponse.
type arrivalWindowOut struct {
	ID              int64   `json:"id"`
	Start           string  `json:"start"`
	Duration        string  `json:"duration"`
	BusinessUnitIDs []int64 `json:"businessUnitIds"`
	Active          bool    `json:"active"`
}

func renderArrivalWindow(w *ArrivalWindow) arrivalWindowOut {
	return arrivalWindowOut{ID: w.ID, Start: formatTimeSpan(w.Start), Duration: formatTimeSpan(w.Duration), BusinessUnitIDs: optional.NonNil(w.BusinessUnitIDs), Active: w.Active}
}

// arrivalWindowIn is Dispatch.V2.CreateArrivalWindowRequest and
// UpdateArrivalWindowRequest.
type arrivalWindowIn struct {
	Start           *string `json:"start"`
	Duration        *string `json:"duration"`
	BusinessUnitIDs []int64 `json:"businessUnitIds"`
}

// apply checks the body and writes it into w.
func (in *arrivalWindowIn) apply(tx *resource.Tx, w *ArrivalWindow) error {
	p := badRequest()
	if in.Start == nil {
		p.Field("start", "start is required.")
	} else if secs, err := parseTimeSpan(*in.Start); err != nil {
		p.Field("start", err.Error())
	} else if secs < 0 || secs >= 86400 {
		p.Field("start", "start must be a time of day from 00:00:00 to 23:59:59.")
	} else {
		w.Start = secs
	}
	if in.Duration == nil {
		p.Field("duration", "duration is required.")
	} else if secs, err := parseTimeSpan(*in.Duration); err != nil {
		p.Field("duration", err.Error())
	} else if secs < 60 || secs > 86400 {
		p.Field("duration", "duration must be from 00:01:00 to 24:00:00.")
	} else {
		w.Duration = secs
	}
	if in.BusinessUnitIDs == nil {
		p.Field("businessUnitIds", "businessUnitIds is required.")
	}
	if err := p.orNil(); err != nil {
		return err
	}
	if err := checkBusinessUnits(tx, "businessUnitIds", in.BusinessUnitIDs); err != nil {
		return err
	}
	w.BusinessUnitIDs = dedupe(in.BusinessUnitIDs)
	return nil
}

func dedupe(ids []int64) []int64 {
	out := []int64{}
	for _, id := range ids {
		seen := false
		for _, o := range out {
			seen = seen || o == id
		}
		if !seen {
			out = append(out, id)
		}
	}
	return out
}

// createArrivalWindow handles POST /arrival-windows.
var createArrivalWindow = createRecord(&ArrivalWindows, func() *ArrivalWindow {
	return &ArrivalWindow{Meta: resource.Meta{Active: true}}
}, (*arrivalWindowIn).apply, renderArrivalWindow)

// updateArrivalWindow handles PUT /arrival-windows/{id}: start, duration
// and business units are replaced.
var updateArrivalWindow = updateRecord(&ArrivalWindows, (*arrivalWindowIn).apply, renderArrivalWindow)

// activateArrivalWindow handles PUT /arrival-windows/{id}/activated
// ({isActive}): 200 with no body.
func activateArrivalWindow(c *gin.Context, call *api.Call) {
	id, err := call.IDParam("id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	var in struct {
		IsActive *bool `json:"isActive"`
	}
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	if in.IsActive == nil {
		call.Fail(c, apierr.BadRequest("isActive", "isActive is required."))
		return
	}
	err = call.Update(func(tx *resource.Tx) error {
		w, err := resource.Get(tx, &ArrivalWindows, id)
		if err != nil || w.Active == *in.IsActive {
			return err
		}
		w.Active = *in.IsActive
		return resource.Save(tx, &ArrivalWindows, w)
	})
	call.RespondEmpty(c, err)
}

// Arrival-window configurations (Dispatch.V2.ArrivalWindowConfiguration).
const (
	windowConfigStart = "StartTimeOfArrivalWindow"
	windowConfigEnd   = "EndTimeOfArrivalWindow"
	windowConfigKey   = "arrival-window-configuration"
)

// windowConfigOut is Dispatch.V2.ArrivalWindowConfigurationResponse.
type windowConfigOut struct {
	Configuration string `json:"configuration"`
}

func loadWindowConfig(tx *resource.Tx) (windowConfigOut, error) {
	out := windowConfigOut{Configuration: windowConfigStart}
	_, err := loadDoc(tx, windowConfigKey, &out)
	return out, err
}

// getWindowConfig handles GET /arrival-windows/configuration.
var getWindowConfig = getDoc(loadWindowConfig)

// setWindowConfig handles POST /arrival-windows/configuration.
func setWindowConfig(c *gin.Context, call *api.Call) {
	var in struct {
		Configuration *string `json:"configuration"`
	}
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	if in.Configuration == nil || !oneOf(*in.Configuration, []string{windowConfigStart, windowConfigEnd}) {
		call.Fail(c, apierr.BadRequest("configuration", "configuration must be StartTimeOfArrivalWindow or EndTimeOfArrivalWindow."))
		return
	}
	out := windowConfigOut{Configuration: *in.Configuration}
	err := call.Update(func(tx *resource.Tx) error { return saveDoc(tx, windowConfigKey, out) })
	call.Respond(c, out, err)
}

// Business hours are one document per tenant: time ranges (whole hours,
// fromHour before toHour, both 0–24) for weekdays, Saturday and Sunday.
// POST replaces them all. A tenant that never set them has none. They are
// reference data: capacity does not read them.

// timeRange is Dispatch.V2.TimeRange.
type timeRange struct {
	FromHour int32 `json:"fromHour"`
	ToHour   int32 `json:"toHour"`
}

// businessHours is Dispatch.V2.BusinessHourModel, CreateBusinessHourRequest
// and CreateBusinessHourResponse (the same members).
type businessHours struct {
	Weekdays []timeRange `json:"weekdays"`
	Saturday []timeRange `json:"saturday"`
	Sunday   []timeRange `json:"sunday"`
}

const businessHoursKey = "business-hours"

func (h businessHours) withEmptyLists() businessHours {
	return businessHours{Weekdays: optional.NonNil(h.Weekdays), Saturday: optional.NonNil(h.Saturday), Sunday: optional.NonNil(h.Sunday)}
}

func loadBusinessHours(tx *resource.Tx) (businessHours, error) {
	var h businessHours
	_, err := loadDoc(tx, businessHoursKey, &h)
	return h.withEmptyLists(), err
}

// getBusinessHours handles GET /business-hours.
var getBusinessHours = getDoc(loadBusinessHours)

// setBusinessHours handles POST /business-hours.
func setBusinessHours(c *gin.Context, call *api.Call) {
	var in struct {
		Weekdays *[]timeRange `json:"weekdays"`
		Saturday *[]timeRange `json:"saturday"`
		Sunday   *[]timeRange `json:"sunday"`
	}
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	p := badRequest()
	var h businessHours
	for _, part := range []struct {
		name string
		in   *[]timeRange
		out  *[]timeRange
	}{{"weekdays", in.Weekdays, &h.Weekdays}, {"saturday", in.Saturday, &h.Saturday}, {"sunday", in.Sunday, &h.Sunday}} {
		if part.in == nil {
			p.Field(part.name, part.name+" is required.")
			continue
		}
		for i, r := range *part.in {
			if r.FromHour < 0 || r.ToHour > 24 || r.FromHour >= r.ToHour {
				p.Field(part.name+"["+itoa(i)+"]", "A time range needs 0 <= fromHour < toHour <= 24.")
			}
		}
		*part.out = *part.in
	}
	if err := p.orNil(); err != nil {
		call.Fail(c, err)
		return
	}
	h = h.withEmptyLists()
	err := call.Update(func(tx *resource.Tx) error { return saveDoc(tx, businessHoursKey, h) })
	call.Respond(c, h, err)
}

// listArrivalWindows handles GET /arrival-windows: active (default True),
// createdBefore and createdOnOrAfter; ID order.
var listArrivalWindows = api.List(&ArrivalWindows, api.ListSpec[ArrivalWindow, *ArrivalWindow]{
	Options: resource.ListOptions{DefaultActive: resource.ActiveTrue},
}, func(_ *gin.Context, w *ArrivalWindow) arrivalWindowOut { return renderArrivalWindow(w) })

// getArrivalWindow handles GET /arrival-windows/{id}.
var getArrivalWindow = api.GetByID(&ArrivalWindows, func(_ *gin.Context, w *ArrivalWindow) arrivalWindowOut { return renderArrivalWindow(w) })
