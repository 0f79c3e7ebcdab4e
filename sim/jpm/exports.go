package jpm

import (
	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/resource"
)

// Export feeds of jobs, appointments, canceled logs, notes and history
// (contract §6): every record, active, inactive or deleted, once per its
// latest change, oldest change first, visible 15 minutes after the change
// unless includeRecentChanges is set. The feeds take no
// externalDataApplicationGuid, so jobs' externalData is always empty.

// exportFeed serves a kind's feed with a render that reads the store.
func exportFeed[T any, P resource.Record[T], W any](kind *resource.Kind[T], render func(*resource.Tx, P) (W, error)) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		eq, err := resource.ParseExport(c.Request.URL.Query(), call.Tenant, kind.Name)
		if err != nil {
			call.Fail(c, err)
			return
		}
		var out resource.ExportPage[W]
		err = call.View(func(tx *resource.Tx) error {
			page, err := resource.Export[T, P](tx, kind, call.Tenant, eq)
			if err != nil {
				return err
			}
			out = resource.ExportPage[W]{HasMore: page.HasMore, ContinueFrom: page.ContinueFrom, Data: make([]W, 0, len(page.Data))}
			for _, rec := range page.Data {
				w, err := render(tx, rec)
				if err != nil {
					return err
				}
				out.Data = append(out.Data, w)
			}
			return nil
		})
		call.Respond(c, out, err)
	}
}

// exportJobOut is Jpm.V2.ExportJobsResponse: the job response plus active.
type exportJobOut struct {
	jobOut
	Active bool `json:"active"`
}

// exportAppointmentOut is Jpm.V2.ExportAppointmentsResponse; a deleted
// appointment comes through inactive.
type exportAppointmentOut struct {
	appointmentOut
	Active bool `json:"active"`
}

// exportNoteOut is Jpm.V2.ExportJobNotesResponse.
type exportNoteOut struct {
	ID          int64         `json:"id"`
	Active      bool          `json:"active"`
	Text        string        `json:"text"`
	IsPinned    bool          `json:"isPinned"`
	CreatedByID int64         `json:"createdById"`
	CreatedOn   resource.Time `json:"createdOn"`
	ModifiedOn  resource.Time `json:"modifiedOn"`
	JobID       int64         `json:"jobId"`
}

// exportHistoryEntryOut is Jpm.V2.ExportJobHistoryEntry (no memo).
type exportHistoryEntryOut struct {
	ID                 int64         `json:"id"`
	EmployeeID         *int64        `json:"employeeId"`
	EventType          string        `json:"eventType"`
	Date               resource.Time `json:"date"`
	UsedSchedulingTool string        `json:"usedSchedulingTool"`
}

// exportHistoryOut is Jpm.V2.ExportJobHistoryResponse: one job's whole
// history, again each time an entry is added.
type exportHistoryOut struct {
	JobID   int64                   `json:"jobId"`
	History []exportHistoryEntryOut `json:"history"`
}

func exportRoutes() api.Routes {
	return api.Routes{
		"jpm.Export_Jobs": exportFeed(&Jobs, func(tx *resource.Tx, j *Job) (exportJobOut, error) {
			out, err := renderJob(tx, j, "")
			return exportJobOut{jobOut: out, Active: j.Active}, err
		}),
		"jpm.Export_Appointments": exportFeed(&Appointments, func(_ *resource.Tx, a *Appointment) (exportAppointmentOut, error) {
			return exportAppointmentOut{appointmentOut: renderAppointment(a), Active: a.Active}, nil
		}),
		"jpm.Export_JobCancelReasons": exportFeed(&JobCanceledLogs, func(_ *resource.Tx, l *CanceledLog) (canceledLogOut, error) {
			return renderCanceledLog(l), nil
		}),
		"jpm.Export_JobNotes": exportFeed(&jobNotes, func(_ *resource.Tx, n *Note) (exportNoteOut, error) {
			return exportNoteOut{ID: n.ID, Active: n.Active, Text: n.Text, IsPinned: n.IsPinned, CreatedByID: n.CreatedByID, CreatedOn: n.CreatedOn, ModifiedOn: n.ModifiedOn, JobID: n.JobID}, nil
		}),
		"jpm.Export_JobHistory": exportFeed(&JobHistories, func(_ *resource.Tx, h *History) (exportHistoryOut, error) {
			out := exportHistoryOut{JobID: h.ID, History: make([]exportHistoryEntryOut, 0, len(h.Entries))}
			for _, e := range h.Entries {
				out.History = append(out.History, exportHistoryEntryOut{ID: e.ID, EmployeeID: e.EmployeeID, EventType: e.EventType, Date: e.Date, UsedSchedulingTool: e.UsedSchedulingTool})
			}
			return out, nil
		}),
	}
}
