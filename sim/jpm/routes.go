package jpm

import (
	"maps"

	"github.com/stsim/stsim/sim/api"
)

// Routes returns the jpm operations stsim emulates, by qualified operation
// ID.
func Routes() api.Routes {
	r := api.Routes{
		"jpm.Jobs_Create":              createJob,
		"jpm.Jobs_Get":                 getJob,
		"jpm.Jobs_GetList":             listJobs,
		"jpm.Jobs_Update":              updateJob,
		"jpm.Jobs_Cancel":              cancelJob,
		"jpm.Jobs_RemoveCancellation":  removeCancellation,
		"jpm.Jobs_Hold":                holdJob,
		"jpm.Jobs_Complete":            completeJob,
		"jpm.Jobs_GetNotes":            listJobNotes,
		"jpm.Jobs_CreateNote":          createJobNote,
		"jpm.Jobs_GetCancelReasons":    jobCancelReasons,
		"jpm.Jobs_GetHistory":          getJobHistory,
		"jpm.Jobs_CreateMessage":       createMessage,
		"jpm.Jobs_GetJobCanceledLogs":  listCanceledLogs,
		"jpm.Jobs_GetBookedLog":        getBookedLog,
		"jpm.Jobs_GetCustomFieldTypes": listCustomFieldTypes(&JobFieldTypes),

		"jpm.Appointments_Get":                       getAppointment,
		"jpm.Appointments_GetList":                   listAppointments,
		"jpm.Appointments_Add":                       addAppointment,
		"jpm.Appointments_Delete":                    deleteAppointment,
		"jpm.Appointments_Reschedule":                reschedule,
		"jpm.Appointments_Hold":                      holdAppointment,
		"jpm.Appointments_RemoveHold":                removeHold,
		"jpm.Appointments_UpdateSpecialInstructions": updateSpecialInstructions,
		"jpm.Appointments_Confirm":                   confirmAppointment,
		"jpm.Appointments_RemoveConfirmation":        unconfirmAppointment,

		"jpm.JobTypes_GetList": listJobTypes,
		"jpm.JobTypes_Create":  createJobType,
		"jpm.JobTypes_Get":     getJobType,
		"jpm.JobTypes_Update":  updateJobType,

		"jpm.JobCancelReasons_GetList": reasonList(&CancelReasons),
		"jpm.JobHoldReasons_Get":       reasonList(&HoldReasons),
	}
	maps.Copy(r, exportRoutes())
	maps.Copy(r, projectRoutes())
	return r
}
