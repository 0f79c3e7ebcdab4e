package jpm

import (
	"slices"

	"github.com/stsim/stsim/sim/optional"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// Reference lists, and what hangs off a job: notes, messages, history, the
// canceled and booked logs, cancel reasons by job, custom field types.

// reasonOut is Jpm.V2.JobCancelReasonResponse and JobHoldReasonResponse.
type reasonOut struct {
	ID         int64         `json:"id"`
	Name       string        `json:"name"`
	Active     bool          `json:"active"`
	CreatedOn  resource.Time `json:"createdOn"`
	ModifiedOn resource.Time `json:"modifiedOn"`
}

func renderReason(_ *gin.Context, r *Reason) reasonOut {
	return reasonOut{ID: r.ID, Name: r.Name, Active: r.Active, CreatedOn: r.CreatedOn, ModifiedOn: r.ModifiedOn}
}

// reasonList serves GET /job-cancel-reasons and /job-hold-reasons: paged,
// with the date filters and sort (Id, ModifiedOn, CreatedOn). active
// defaults to Any for these two lists (contract §6).
func reasonList(kind *resource.Kind[Reason]) api.Handler {
	return api.List(kind, api.ListSpec[Reason, *Reason]{
		Options: resource.ListOptions{DefaultActive: resource.ActiveAny, Sorts: resource.StandardSorts},
	}, renderReason)
}

// noteOut is Jpm.V2.NoteResponse (it has no id).
type noteOut struct {
	Text        string        `json:"text"`
	IsPinned    bool          `json:"isPinned"`
	CreatedByID int64         `json:"createdById"`
	CreatedOn   resource.Time `json:"createdOn"`
	ModifiedOn  resource.Time `json:"modifiedOn"`
}

func renderNote(n *Note) noteOut {
	return noteOut{Text: n.Text, IsPinned: n.IsPinned, CreatedByID: n.CreatedByID, CreatedOn: n.CreatedOn, ModifiedOn: n.ModifiedOn}
}

// loadJob loads the job a path's {id} names (404 when there is none).
var loadJob = api.OwnerKind(&Jobs)

// ofJob declares records filed under their job in the "job" index, served
// under /jobs/{id}/…: an unknown job is a 404.
func ofJob[T any, P resource.Record[T]](kind *resource.Kind[T]) api.Children[*Job, T, P] {
	return api.ChildrenOf[*Job, T, P](loadJob, kind, "job")
}

// listJobNotes handles GET /jobs/{id}/notes: the job's notes in the order
// they were written (pinned notes are not moved first); page, pageSize and
// includeTotal only.
var listJobNotes = api.ListChildren(ofJob(&jobNotes), api.PagingParams, renderNote)

// noteIn is Jpm.V2.JobNoteCreateRequest.
type noteIn struct {
	Text     string `json:"text"`
	PinToTop *bool  `json:"pinToTop"`
}

// createJobNote handles POST /jobs/{id}/notes (see createNote).
var createJobNote = createNote(ofJob(&jobNotes), func(n *Note) *int64 { return &n.JobID })

// createNote serves POST …/{id}/notes of jobs and projects: text must not
// be blank; pinToTop sets isPinned. Notes are append-only. owner points at
// the note's member that names its job or project.
func createNote[O any](ch api.Children[O, Note, *Note], owner func(*Note) *int64) api.Handler {
	return api.CreateChild(ch, func(in *noteIn) error { return api.RequireText("text", in.Text) },
		func(tx *resource.Tx, _ O, id int64, in *noteIn) (*Note, error) {
			n := &Note{Meta: resource.Meta{Active: true}, Text: in.Text, IsPinned: optional.Value(in.PinToTop), CreatedByID: integrationUser}
			*owner(n) = id
			return n, resource.Create(tx, ch.Kind, n)
		}, renderNote)
}

// messageIn is Jpm.V2.MessageCreateRequest.
type messageIn struct {
	Body                               string  `json:"body"`
	RecipientIDs                       []int64 `json:"recipientIds"`
	ParentMessageID                    *int64  `json:"parentMessageId"`
	AddParentMessageSenderToRecipients *bool   `json:"addParentMessageSenderToRecipients"`
	CreatedByEmployeeID                int64   `json:"createdByEmployeeId"`
}

// messageOut is Jpm.V2.MessageResponse.
type messageOut struct {
	ID int64 `json:"id"`
}

// createMessage handles POST /jobs/{id}/messages (see newMessage).
var createMessage = newMessage(ofJob(&jobMessages), func(m *Message) *int64 { return &m.JobID })

// newMessage serves POST …/{id}/messages of jobs and projects: body must
// not be blank; the author (createdByEmployeeId) and recipients must be
// employees or technicians (or the integration user); a parent message must
// be one of the same job's or project's. The message is stored and its ID
// returned. With addParentMessageSenderToRecipients the parent's author
// joins the recipients. owner points at the message's member that names
// its job or project.
func newMessage[O any](ch api.Children[O, Message, *Message], owner func(*Message) *int64) api.Handler {
	return api.CreateChild(ch, func(in *messageIn) error { return api.RequireText("body", in.Body) },
		func(tx *resource.Tx, _ O, id int64, in *messageIn) (*Message, error) {
			if err := checkUser(tx, "createdByEmployeeId", in.CreatedByEmployeeID); err != nil {
				return nil, err
			}
			recipients := slices.Clone(optional.NonNil(in.RecipientIDs))
			for i, r := range recipients {
				if err := checkUser(tx, "recipientIds"+idx(i), r); err != nil {
					return nil, err
				}
			}
			if in.ParentMessageID != nil {
				parent, err := resource.Get(tx, ch.Kind, *in.ParentMessageID)
				if err != nil || *owner(parent) != id {
					return nil, apierr.BadRequest("parentMessageId", "There is no message with id "+resource.IDKey(*in.ParentMessageID)+" on "+resource.IDKey(id)+".")
				}
				if optional.Value(in.AddParentMessageSenderToRecipients) && !slices.Contains(recipients, parent.CreatedByEmployeeID) {
					recipients = append(recipients, parent.CreatedByEmployeeID)
				}
			}
			m := &Message{
				Meta: resource.Meta{Active: true}, Body: in.Body, RecipientIDs: recipients, ParentMessageID: in.ParentMessageID,
				AddParentMessageSenderToRecipients: optional.Value(in.AddParentMessageSenderToRecipients), CreatedByEmployeeID: in.CreatedByEmployeeID,
			}
			*owner(m) = id
			return m, resource.Create(tx, ch.Kind, m)
		}, func(m *Message) messageOut { return messageOut{ID: m.ID} })
}

// historyItemOut is Jpm.Jobs.JobHistoryItemModel.
type historyItemOut struct {
	ID                 int64         `json:"id"`
	EmployeeID         *int64        `json:"employeeId"`
	EventType          string        `json:"eventType"`
	Date               resource.Time `json:"date"`
	UsedSchedulingTool string        `json:"usedSchedulingTool"`
	Memo               string        `json:"memo"`
}

// historyOut is Jpm.V2.JobHistoryResponse.
type historyOut struct {
	History []historyItemOut `json:"history"`
}

// getJobHistory handles GET /jobs/{id}/history: every event of the job, in
// the order it happened.
var getJobHistory = api.Read(loadJob, func(_ *gin.Context, tx *resource.Tx, job *Job) (historyOut, error) {
	entries, err := jobHistory(tx, job.ID)
	if err != nil {
		return historyOut{}, err
	}
	out := historyOut{History: make([]historyItemOut, 0, len(entries))}
	for _, e := range entries {
		out.History = append(out.History, historyItemOut(e))
	}
	return out, nil
})

// canceledLogOut is Jpm.V2.JobCanceledLogResponse (and the export item).
type canceledLogOut struct {
	ID          int64         `json:"id"`
	JobID       int64         `json:"jobId"`
	ReasonID    int64         `json:"reasonId"`
	Memo        *string       `json:"memo"`
	CreatedOn   resource.Time `json:"createdOn"`
	CreatedByID int64         `json:"createdById"`
	Active      bool          `json:"active"`
}

func renderCanceledLog(l *CanceledLog) canceledLogOut {
	return canceledLogOut{ID: l.ID, JobID: l.JobID, ReasonID: l.ReasonID, Memo: l.Memo, CreatedOn: l.CreatedOn, CreatedByID: l.CreatedByID, Active: l.Active}
}

// listCanceledLogs handles GET /jobs/{id}/canceled-log: every cancellation
// of the job; one whose cancellation was removed is inactive.
var listCanceledLogs = api.ListChildren(ofJob(&JobCanceledLogs), api.PagingParams, renderCanceledLog)

// bookedLogOut is Jpm.V2.JobBookedLogResponse.
type bookedLogOut struct {
	ID                 int64          `json:"id"`
	JobID              int64          `json:"jobId"`
	AppointmentID      int64          `json:"jobAppointmentId"`
	Start              resource.Time  `json:"start"`
	ArrivalWindowStart *resource.Time `json:"arrivalWindowStart"`
	ArrivalWindowEnd   *resource.Time `json:"arrivalWindowEnd"`
	CreatedOn          resource.Time  `json:"createdOn"`
	CreatedByID        int64          `json:"createdById"`
	Active             bool           `json:"active"`
}

// getBookedLog handles GET /jobs/{id}/booked-log: the job's latest booking
// (made when it was created, again when a cancellation is removed); it is
// inactive while the job is canceled.
var getBookedLog = api.Read(loadJob, func(_ *gin.Context, tx *resource.Tx, job *Job) (bookedLogOut, error) {
	logs, err := logsOf(tx, &JobBookedLogs, job.ID)
	if err != nil {
		return bookedLogOut{}, err
	}
	if len(logs) == 0 {
		return bookedLogOut{}, apierr.New(404, "Job "+resource.IDKey(job.ID)+" has no booked log.")
	}
	l := logs[len(logs)-1]
	return bookedLogOut{
		ID: l.ID, JobID: l.JobID, AppointmentID: l.AppointmentID, Start: l.Start, ArrivalWindowStart: l.ArrivalWindowStart,
		ArrivalWindowEnd: l.ArrivalWindowEnd, CreatedOn: l.CreatedOn, CreatedByID: l.CreatedByID, Active: l.Active,
	}, nil
})

// cancelReasonOut is Jpm.V2.CancelReasonResponse.
type cancelReasonOut struct {
	JobID    int64  `json:"jobId"`
	ReasonID int64  `json:"reasonId"`
	Name     string `json:"name"`
	Text     string `json:"text"`
}

// jobCancelReasons handles GET /jobs/cancel-reasons?ids=…: for each listed
// job (at most 50) that is canceled, the reason of its active cancellation
// (name) and the memo given (text). Jobs that are unknown or not canceled
// are left out. All answers fit one page.
func jobCancelReasons(c *gin.Context, call *api.Call) {
	raw := c.Query("ids")
	if raw == "" {
		call.Fail(c, apierr.BadRequest("ids", "ids is required: the jobs whose cancel reasons to return."))
		return
	}
	ids, msg := resource.ParseIDs(raw)
	if msg != "" {
		call.Fail(c, apierr.BadRequest("ids", msg))
		return
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := resource.Page[cancelReasonOut]{Page: 1, PageSize: resource.DefaultPageSize, Data: []cancelReasonOut{}}
	err := call.View(func(tx *resource.Tx) error {
		out.Data = out.Data[:0]
		for _, id := range ids {
			logs, err := logsOf(tx, &JobCanceledLogs, id)
			if err != nil {
				return err
			}
			for _, l := range logs {
				if !l.Active {
					continue
				}
				name := ""
				if r, err := resource.Get(tx, &CancelReasons, l.ReasonID); err == nil {
					name = r.Name
				}
				out.Data = append(out.Data, cancelReasonOut{JobID: id, ReasonID: l.ReasonID, Name: name, Text: optional.Value(l.Memo)})
			}
		}
		return nil
	})
	call.Respond(c, out, err)
}

// customFieldTypeOut is Jpm.V2.CustomFieldTypeResponse.
type customFieldTypeOut struct {
	ID              int64         `json:"id"`
	Name            string        `json:"name"`
	DataType        string        `json:"dataType"`
	DataTypeOptions []string      `json:"dataTypeOptions"`
	CreatedOn       resource.Time `json:"createdOn"`
	ModifiedOn      resource.Time `json:"modifiedOn"`
}

// listCustomFieldTypes handles GET /jobs/custom-fields: paged, date
// filters, sort (Id, ModifiedOn, CreatedOn). page=0 is a 400 here, as
// ServiceTitan's custom-fields endpoints answer (contract §6).
// GET /projects/custom-fields is the same over the project field types.
func listCustomFieldTypes(kind *resource.Kind[CustomFieldType]) api.Handler {
	return api.NoPageZero(api.List(kind, api.ListSpec[CustomFieldType, *CustomFieldType]{
		Options: resource.ListOptions{Sorts: resource.StandardSorts},
	}, func(_ *gin.Context, t *CustomFieldType) customFieldTypeOut {
		var options []string
		if t.DataType == "Dropdown" {
			options = optional.NonNil(t.DataTypeOptions)
		}
		return customFieldTypeOut{ID: t.ID, Name: t.Name, DataType: t.DataType, DataTypeOptions: options, CreatedOn: t.CreatedOn, ModifiedOn: t.ModifiedOn}
	}))
}
