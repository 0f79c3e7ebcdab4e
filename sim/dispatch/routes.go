package dispatch

import (
	"github.com/stsim/stsim/sim/api"
)

// Routes returns the operations of this module that stsim emulates, by
// qualified operation ID.
func Routes() api.Routes {
	return api.Routes{
		"dispatch.Capacity_GetList": getCapacity,

		"dispatch.AppointmentAssignments_GetList":             listAssignments,
		"dispatch.AppointmentAssignments_AssignTechnicians":   assignTechnicians,
		"dispatch.AppointmentAssignments_UnassignTechnicians": unassignTechnicians,
		"dispatch.Export_AppointmentAssignments":              exportAssignments,

		"dispatch.TechnicianShifts_GetList":    listShifts,
		"dispatch.TechnicianShifts_Create":     createShifts,
		"dispatch.TechnicianShifts_Get":        getShift,
		"dispatch.TechnicianShifts_Update":     updateShift,
		"dispatch.TechnicianShifts_Delete":     deleteShift,
		"dispatch.TechnicianShifts_BulkDelete": bulkDeleteShifts,

		"dispatch.ArrivalWindows_GetList":              listArrivalWindows,
		"dispatch.ArrivalWindows_Create":               createArrivalWindow,
		"dispatch.ArrivalWindows_Get":                  getArrivalWindow,
		"dispatch.ArrivalWindows_Update":               updateArrivalWindow,
		"dispatch.ArrivalWindows_Activated":            activateArrivalWindow,
		"dispatch.ArrivalWindows_GetConfiguration":     getWindowConfig,
		"dispatch.ArrivalWindows_UpdatedConfiguration": setWindowConfig,

		"dispatch.BusinessHour_GetList": getBusinessHours,
		"dispatch.BusinessHour_Create":  setBusinessHours,

		"dispatch.Zone_GetList":    listZones,
		"dispatch.Zone_CreateZone": createZone,
		"dispatch.Zone_Get":        getZone,
		"dispatch.Zone_UpdateZone": updateZone,
		"dispatch.Zone_DeleteZone": deleteZone,

		"dispatch.Team_GetList": listTeams,
		"dispatch.Team_Create":  createTeam,
		"dispatch.Team_Get":     getTeam,
		"dispatch.Team_Delete":  deleteTeam,

		"dispatch.NonJobAppointments_GetList": listNonJobs,
		"dispatch.NonJobAppointments_Create":  createNonJob,
		"dispatch.NonJobAppointments_Get":     getNonJob,
		"dispatch.NonJobAppointments_Update":  updateNonJob,
		"dispatch.NonJobAppointments_Delete":  deleteNonJob,

		"dispatch.Gps_Create":             createGPSPings,
		"dispatch.TechnicianTracking_Get": getTracking,
	}
}
