package settings

import (
	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/resource"
)

// Routes returns the operations of this module that stsim emulates, by
// qualified operation ID.
func Routes() api.Routes {
	active := resource.ListOptions{DefaultActive: resource.ActiveTrue}
	return api.Routes{
		"settings.Employees_GetList":        api.List(&Employees, api.ListSpec[Employee, *Employee]{Options: active, Filter: employeeFilter}, renderEmployee),
		"settings.Employees_Create":         createEmployee,
		"settings.Employees_Get":            api.GetByID(&Employees, renderEmployee),
		"settings.Employees_Update":         updateEmployee,
		"settings.Employees_AccountActions": employeeAccountAction,
		"settings.Export_Employees":         api.Export(&Employees, renderEmployee),

		"settings.Technicians_GetList":        api.List(&Technicians, api.ListSpec[Technician, *Technician]{Options: active, Filter: technicianFilter}, renderTechnician),
		"settings.Technicians_Create":         createTechnician,
		"settings.Technicians_Get":            api.GetByID(&Technicians, renderTechnician),
		"settings.Technicians_Update":         updateTechnician,
		"settings.Technicians_AccountActions": technicianAccountAction,
		"settings.Export_Technicians":         api.Export(&Technicians, renderTechnician),

		"settings.BusinessUnits_GetList": api.List(&BusinessUnits, api.ListSpec[BusinessUnit, *BusinessUnit]{Options: active, Filter: businessUnitFilter}, renderBusinessUnit),
		"settings.BusinessUnits_Get":     api.GetByID(&BusinessUnits, renderBusinessUnit),
		"settings.BusinessUnits_Update":  updateBusinessUnit,
		"settings.Export_BusinessUnits":  api.Export(&BusinessUnits, renderBusinessUnit),

		// Tag type lists take no ids parameter; ignore one rather than filter by it.
		"settings.TagTypes_GetList": withoutQuery(api.List(&TagTypes, api.ListSpec[TagType, *TagType]{
			Options: resource.ListOptions{DefaultActive: resource.ActiveTrue, Sorts: resource.StandardSorts},
		}, renderTagType), "ids"),
		"settings.Export_TagTypes": api.Export(&TagTypes, renderTagType),

		"settings.UserRoles_GetList": listUserRoles,
	}
}

// withoutQuery hides query parameters an operation does not document from
// h, which would otherwise read them as shared list parameters. The
// request itself is left as it arrived.
func withoutQuery(h api.Handler, names ...string) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		orig := c.Request
		q := orig.URL.Query()
		for _, n := range names {
			q.Del(n)
		}
		r := orig.Clone(orig.Context())
		r.URL.RawQuery = q.Encode()
		c.Request = r
		defer func() { c.Request = orig }()
		h(c, call)
	}
}
