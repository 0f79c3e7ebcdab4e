package dispatch

import (
	"slices"
	"strings"

	"github.com/stsim/stsim/sim/optional"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// Zones. Create needs a name; update (PATCH) replaces the members given.
// serviceDaysIds are .NET DayOfWeek numbers (0 Sunday … 6 Saturday) and
// ZoneResponse.serviceDays names them. Business units must exist. ZIP
// codes, cities, territory and LOCN numbers are trimmed and kept without
// blanks or repeats. Errors are ServiceTitan's error object, create's and
// update's 400 too (the reference types those as a bare string; stsim's
// document records the correction as a deviation, openapi/specfacts).

// zoneOut is Dispatch.V2.ZoneResponse (get and list).
type zoneOut struct {
	ID                 int64         `json:"id"`
	Active             bool          `json:"active"`
	Name               *string       `json:"name"`
	Zips               []string      `json:"zips"`
	Cities             []string      `json:"cities"`
	TerritoryNumbers   []string      `json:"territoryNumbers"`
	LocnNumbers        []string      `json:"locnNumbers"`
	CreatedBy          int64         `json:"createdBy"`
	CreatedOn          resource.Time `json:"createdOn"`
	ModifiedOn         resource.Time `json:"modifiedOn"`
	ServiceDaysEnabled bool          `json:"serviceDaysEnabled"`
	ServiceDays        []string      `json:"serviceDays"`
	BusinessUnits      []int64       `json:"businessUnits"`
	Technicians        []int64       `json:"technicians"`
}

func renderZone(z *Zone) zoneOut {
	days := []string{}
	for _, d := range z.ServiceDaysIDs {
		days = append(days, weekdayNames[d])
	}
	name := z.Name
	return zoneOut{
		ID: z.ID, Active: z.Active, Name: &name, Zips: optional.NonNil(z.Zips), Cities: optional.NonNil(z.Cities),
		TerritoryNumbers: optional.NonNil(z.TerritoryNumbers), LocnNumbers: optional.NonNil(z.LocnNumbers), CreatedBy: z.CreatedByID,
		CreatedOn: z.CreatedOn, ModifiedOn: z.ModifiedOn, ServiceDaysEnabled: z.ServiceDaysEnabled, ServiceDays: days,
		BusinessUnits: optional.NonNil(z.BusinessUnits), Technicians: optional.NonNil(z.Technicians),
	}
}

// zoneSavedOut is Dispatch.V2.CreateOrUpdateZoneResponse.
type zoneSavedOut struct {
	ID                 int64    `json:"id"`
	Active             bool     `json:"active"`
	Name               string   `json:"name"`
	Zips               []string `json:"zips"`
	Cities             []string `json:"cities"`
	TerritoryNumbers   []string `json:"territoryNumbers"`
	LocnNumbers        []string `json:"locnNumbers"`
	ServiceDaysEnabled bool     `json:"serviceDaysEnabled"`
	ServiceDaysIDs     []int32  `json:"serviceDaysIds"`
	BusinessUnits      []int64  `json:"businessUnits"`
}

func renderZoneSaved(z *Zone) zoneSavedOut {
	return zoneSavedOut{
		ID: z.ID, Active: z.Active, Name: z.Name, Zips: optional.NonNil(z.Zips), Cities: optional.NonNil(z.Cities),
		TerritoryNumbers: optional.NonNil(z.TerritoryNumbers), LocnNumbers: optional.NonNil(z.LocnNumbers),
		ServiceDaysEnabled: z.ServiceDaysEnabled, ServiceDaysIDs: optional.NonNil(z.ServiceDaysIDs), BusinessUnits: optional.NonNil(z.BusinessUnits),
	}
}

// zoneIn is Dispatch.V2.CreateOrUpdateZoneRequestArgs.
type zoneIn struct {
	Name               *string   `json:"name"`
	Zips               *[]string `json:"zips"`
	Cities             *[]string `json:"cities"`
	TerritoryNumbers   *[]string `json:"territoryNumbers"`
	LocnNumbers        *[]string `json:"locnNumbers"`
	ServiceDaysEnabled *bool     `json:"serviceDaysEnabled"`
	ServiceDaysIDs     *[]int32  `json:"serviceDaysIds"`
	BusinessUnits      *[]int64  `json:"businessUnits"`
}

// apply checks the body and writes the members it has into z.
func (in *zoneIn) apply(tx *resource.Tx, z *Zone, create bool) error {
	if in.Name != nil || create {
		if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
			return apierr.BadRequest("name", "A zone needs a name.")
		}
		z.Name = strings.TrimSpace(*in.Name)
	}
	for _, list := range []struct {
		in  *[]string
		out *[]string
	}{{in.Zips, &z.Zips}, {in.Cities, &z.Cities}, {in.TerritoryNumbers, &z.TerritoryNumbers}, {in.LocnNumbers, &z.LocnNumbers}} {
		if list.in != nil {
			*list.out = cleanStrings(*list.in)
		}
	}
	setIf(&z.ServiceDaysEnabled, in.ServiceDaysEnabled)
	if in.ServiceDaysIDs != nil {
		days := []int32{}
		for i, d := range *in.ServiceDaysIDs {
			if d < 0 || d > 6 {
				return apierr.BadRequest("serviceDaysIds["+itoa(i)+"]", "Service days are 0 (Sunday) to 6 (Saturday).")
			}
			if !slices.Contains(days, d) {
				days = append(days, d)
			}
		}
		slices.Sort(days)
		z.ServiceDaysIDs = days
	}
	if in.BusinessUnits != nil {
		if err := checkBusinessUnits(tx, "businessUnits", *in.BusinessUnits); err != nil {
			return err
		}
		z.BusinessUnits = dedupe(*in.BusinessUnits)
	}
	return nil
}

// cleanStrings trims the values and drops blanks and repeats (ignoring
// case).
func cleanStrings(in []string) []string {
	out := []string{}
	for _, v := range in {
		v = strings.TrimSpace(v)
		if v != "" && !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, v) }) {
			out = append(out, v)
		}
	}
	return out
}

// createZone handles POST /zones.
var createZone = createRecord(&zones, func() *Zone {
	return &Zone{Meta: resource.Meta{Active: true}, CreatedByID: integrationUserID}
}, func(in *zoneIn, tx *resource.Tx, z *Zone) error { return in.apply(tx, z, true) }, renderZoneSaved)

// updateZone handles PATCH /zones/{id}.
var updateZone = updateRecord(&zones, func(in *zoneIn, tx *resource.Tx, z *Zone) error { return in.apply(tx, z, false) }, renderZoneSaved)

// deleteZone handles DELETE /zones/{id}: 200 with no body.
var deleteZone = deleteRecord(&zones)

// listZones handles GET /zones: active (default True), the four date
// filters and sort by Id, CreatedOn or ModifiedOn.
var listZones = api.List(&zones, api.ListSpec[Zone, *Zone]{
	Options: resource.ListOptions{DefaultActive: resource.ActiveTrue, Sorts: resource.StandardSorts},
}, func(_ *gin.Context, z *Zone) zoneOut { return renderZone(z) })

// getZone handles GET /zones/{id}.
var getZone = api.GetByID(&zones, func(_ *gin.Context, z *Zone) zoneOut { return renderZone(z) })
