package jpm

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stsim/stsim/sim/optional"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/extdata"
	"github.com/stsim/stsim/sim/resource"
)

// Projects group jobs of one customer's location. Rules stsim applies:
//
//   - A project belongs to a location; customerId, when given, must be the
//     location's customer, and is taken from the location otherwise.
//   - statusId and subStatusId name a project status and one of its
//     substatuses (active); a substatus alone sets its status; a new status
//     without a substatus clears the substatus. A project created without a
//     status starts in the first status by order.
//   - projectTypeId names a project type; projectManagerIds name employees
//     or technicians; businessUnitIds name business units.
//   - targetCompletionDate and actualCompletionDate are not before
//     startDate.
//   - number is the project's ID as a string.
//   - A job belongs to at most one project, of the same customer. Attaching
//     (POST /projects/{id}/attach-job/{jobId}, or jobIds in an update, or
//     projectId when a job is booked) sets the job's projectId and adds the
//     job to the project's jobIds; a job already in another project is a
//     400 (detach it first). Detaching (POST /projects/detach-job/{jobId})
//     clears it; detaching a job in no project changes nothing. Both
//     answer 200 with no body, and 400 for a missing project or job (the
//     operations document no 404).

// Project is a project.
type Project struct {
	resource.Meta
	Number               string         `json:"number"`
	Name                 *string        `json:"name"`
	Summary              *string        `json:"summary"`
	StatusID             *int64         `json:"statusId"`
	Status               *string        `json:"status"` // the status's name (statuses are read-only)
	SubStatusID          *int64         `json:"subStatusId"`
	SubStatus            *string        `json:"subStatus"`
	CustomerID           int64          `json:"customerId"`
	LocationID           int64          `json:"locationId"`
	ProjectTypeID        *int64         `json:"projectTypeId"`
	ProjectManagerIDs    []int64        `json:"projectManagerIds"`
	BusinessUnitIDs      []int64        `json:"businessUnitIds"`
	StartDate            *resource.Time `json:"startDate"`
	TargetCompletionDate *resource.Time `json:"targetCompletionDate"`
	ActualCompletionDate *resource.Time `json:"actualCompletionDate"`
	CustomFields         []CustomField  `json:"customFields"`
	ExternalData         ExternalData   `json:"externalData"`
	// JobIDs are the jobs attached, ascending; each job's ProjectID names
	// this project (attachJob and detachJob keep both sides).
	JobIDs []int64 `json:"jobIds"`
}

// ProjectStatus is a stage of a project (read-only, seeded).
type ProjectStatus struct {
	resource.Meta
	Name  string `json:"name"`
	Order int    `json:"order"`
}

// ProjectSubStatus refines a project status (read-only, seeded).
type ProjectSubStatus struct {
	resource.Meta
	Name     string `json:"name"`
	StatusID int64  `json:"statusId"`
	Order    int    `json:"order"`
}

// ProjectType is a kind of project (read-only, seeded).
type ProjectType struct {
	resource.Meta
	Name        string `json:"name"`
	Description string `json:"description"`
	CreatedByID *int64 `json:"createdById"`
}

// Kinds of projects and what hangs off them.
var (
	projects = resource.Kind[Project]{Name: "jpm.projects", Label: "Project", Indexes: []resource.Index[Project]{
		{Name: "customer", Keys: func(p *Project) []string { return idKeys(p.CustomerID) }},
		{Name: "location", Keys: func(p *Project) []string { return idKeys(p.LocationID) }},
		{Name: "ext", Keys: func(p *Project) []string { return p.ExternalData.IndexKeys() }},
	}}
	projectStatuses    = resource.Kind[ProjectStatus]{Name: "jpm.project-statuses", Label: "Project status"}
	projectSubStatuses = resource.Kind[ProjectSubStatus]{Name: "jpm.project-substatuses", Label: "Project substatus"}
	projectTypes       = resource.Kind[ProjectType]{Name: "jpm.project-types", Label: "Project type"}
	projectFieldTypes  = resource.Kind[CustomFieldType]{Name: "jpm.project-custom-fields", Label: "Project custom field type"}
	projectNotes       = resource.Kind[Note]{Name: "jpm.project-notes", Label: "Note", Indexes: projectIndex[Note](func(n *Note) int64 { return n.ProjectID })}
	projectMessages    = resource.Kind[Message]{Name: "jpm.project-messages", Label: "Message", Indexes: projectIndex[Message](func(m *Message) int64 { return m.ProjectID })}
)

func projectIndex[T any](project func(*T) int64) []resource.Index[T] {
	return []resource.Index[T]{{Name: "project", Keys: func(r *T) []string { return idKeys(project(r)) }}}
}

func projectRoutes() api.Routes {
	return api.Routes{
		"jpm.Projects_Create":              createProject,
		"jpm.Projects_Get":                 api.GetByID(&projects, renderProject),
		"jpm.Projects_GetList":             listProjects,
		"jpm.Projects_Update":              updateProject,
		"jpm.Projects_AttachJob":           attachJobHandler,
		"jpm.Projects_DetachJob":           detachJobHandler,
		"jpm.Projects_GetNotes":            api.ListChildren(ofProject(&projectNotes), api.PagingParams, renderNote),
		"jpm.Projects_CreateNote":          createNote(ofProject(&projectNotes), func(n *Note) *int64 { return &n.ProjectID }),
		"jpm.Projects_CreateMessage":       newMessage(ofProject(&projectMessages), func(m *Message) *int64 { return &m.ProjectID }),
		"jpm.Projects_GetCustomFieldTypes": listCustomFieldTypes(&projectFieldTypes),
		"jpm.Export_Projects": api.Export(&projects, func(c *gin.Context, p *Project) exportProjectOut {
			return exportProjectOut{projectOut: renderProject(c, p), Active: p.Active}
		}),
		"jpm.Export_ProjectNotes": api.Export(&projectNotes, func(_ *gin.Context, n *Note) exportProjectNoteOut {
			return exportProjectNoteOut{ID: n.ID, Active: n.Active, Text: n.Text, IsPinned: n.IsPinned, CreatedByID: n.CreatedByID,
				CreatedOn: n.CreatedOn, ModifiedOn: n.ModifiedOn, ProjectID: n.ProjectID}
		}),

		"jpm.ProjectStatuses_GetList": api.List(&projectStatuses, api.ListSpec[ProjectStatus, *ProjectStatus]{
			Options: resource.ListOptions{Sorts: []string{"Id", "Name", "Order", "ModifiedOn", "CreatedOn"}},
			Filter: func(c *gin.Context, _ *resource.Tx) (resource.Select, func(*ProjectStatus) bool, error) {
				return resource.Select{}, nameIs(c, func(s *ProjectStatus) string { return s.Name }), nil
			},
			Orders: map[string]func(a, b *ProjectStatus) int{
				"Name":  func(a, b *ProjectStatus) int { return strings.Compare(a.Name, b.Name) },
				"Order": func(a, b *ProjectStatus) int { return cmp.Compare(a.Order, b.Order) },
			},
		}, renderProjectStatus),
		"jpm.ProjectStatuses_Get": api.GetByID(&projectStatuses, renderProjectStatus),
		"jpm.ProjectSubStatuses_GetList": api.List(&projectSubStatuses, api.ListSpec[ProjectSubStatus, *ProjectSubStatus]{
			Options: resource.ListOptions{DefaultActive: resource.ActiveTrue, Sorts: []string{"Id", "Name", "Order", "StatusId", "ModifiedOn", "CreatedOn"}},
			Filter:  subStatusFilter,
			Orders: map[string]func(a, b *ProjectSubStatus) int{
				"Name":     func(a, b *ProjectSubStatus) int { return strings.Compare(a.Name, b.Name) },
				"Order":    func(a, b *ProjectSubStatus) int { return cmp.Compare(a.Order, b.Order) },
				"StatusId": func(a, b *ProjectSubStatus) int { return cmp.Compare(a.StatusID, b.StatusID) },
			},
		}, renderProjectSubStatus),
		"jpm.ProjectSubStatuses_Get": api.GetByID(&projectSubStatuses, renderProjectSubStatus),
		"jpm.ProjectTypes_GetList":   listProjectTypes,
		"jpm.ProjectTypes_Get":       api.GetByID(&projectTypes, renderProjectType),
	}
}

// listProjectTypes handles GET /project-types. The document gives paging
// only: other parameters are ignored.
func listProjectTypes(c *gin.Context, call *api.Call) {
	c.Request.URL.RawQuery = api.DocumentedQuery(c, api.PagingParams).Encode()
	projectTypeList(c, call)
}

var projectTypeList = api.List(&projectTypes, api.ListSpec[ProjectType, *ProjectType]{}, renderProjectType)

// nameIs filters by the name parameter: the whole name, ignoring case.
func nameIs[P any](c *gin.Context, name func(P) string) func(P) bool {
	want := strings.TrimSpace(c.Query("name"))
	return func(rec P) bool { return want == "" || strings.EqualFold(name(rec), want) }
}

func subStatusFilter(c *gin.Context, _ *resource.Tx) (resource.Select, func(*ProjectSubStatus) bool, error) {
	r := newQueryReader(c)
	statusID := r.int64("statusId")
	if err := r.done(); err != nil {
		return resource.Select{}, nil, err
	}
	return resource.Select{}, api.All(nameIs(c, func(s *ProjectSubStatus) string { return s.Name }), func(s *ProjectSubStatus) bool {
		return statusID == nil || s.StatusID == *statusID
	}), nil
}

// ofProject declares records filed under their project in the "project"
// index, served under /projects/{id}/…: an unknown project is a 404.
func ofProject[T any, P resource.Record[T]](kind *resource.Kind[T]) api.Children[*Project, T, P] {
	return api.ChildrenOf[*Project, T, P](api.OwnerKind(&projects), kind, "project")
}

// Wire shapes, members in the document's order.

// projectOut is Jpm.V2.ProjectResponse.
type projectOut struct {
	ID                   int64          `json:"id"`
	Number               string         `json:"number"`
	Name                 *string        `json:"name"`
	Summary              *string        `json:"summary"`
	Status               *string        `json:"status"`
	StatusID             *int64         `json:"statusId"`
	SubStatus            *string        `json:"subStatus"`
	SubStatusID          *int64         `json:"subStatusId"`
	CustomerID           int64          `json:"customerId"`
	LocationID           int64          `json:"locationId"`
	ProjectTypeID        *int64         `json:"projectTypeId"`
	ProjectManagerIDs    []int64        `json:"projectManagerIds"`
	BusinessUnitIDs      []int64        `json:"businessUnitIds"`
	StartDate            *resource.Time `json:"startDate"`
	TargetCompletionDate *resource.Time `json:"targetCompletionDate"`
	ActualCompletionDate *resource.Time `json:"actualCompletionDate"`
	ModifiedOn           resource.Time  `json:"modifiedOn"`
	CreatedOn            resource.Time  `json:"createdOn"`
	CustomFields         []CustomField  `json:"customFields"`
	ExternalData         []KV           `json:"externalData"`
	JobIDs               []int64        `json:"jobIds"`
}

// exportProjectOut is Jpm.V2.ExportProjectsResponse.
type exportProjectOut struct {
	projectOut
	Active bool `json:"active"`
}

// exportProjectNoteOut is Jpm.V2.ExportProjectNotesResponse.
type exportProjectNoteOut struct {
	ID          int64         `json:"id"`
	Active      bool          `json:"active"`
	Text        string        `json:"text"`
	IsPinned    bool          `json:"isPinned"`
	CreatedByID int64         `json:"createdById"`
	CreatedOn   resource.Time `json:"createdOn"`
	ModifiedOn  resource.Time `json:"modifiedOn"`
	ProjectID   int64         `json:"projectId"`
}

// renderProject shows the external data of externalDataApplicationGuid
// (none without it).
func renderProject(c *gin.Context, p *Project) projectOut {
	return renderProjectFor(p, c.Query("externalDataApplicationGuid"))
}

// renderProjectFor shows the external data of one application.
func renderProjectFor(p *Project, guid string) projectOut {
	return projectOut{
		ID: p.ID, Number: p.Number, Name: p.Name, Summary: p.Summary, Status: p.Status, StatusID: p.StatusID,
		SubStatus: p.SubStatus, SubStatusID: p.SubStatusID, CustomerID: p.CustomerID, LocationID: p.LocationID,
		ProjectTypeID: p.ProjectTypeID, ProjectManagerIDs: optional.NonNil(p.ProjectManagerIDs), BusinessUnitIDs: optional.NonNil(p.BusinessUnitIDs),
		StartDate: p.StartDate, TargetCompletionDate: p.TargetCompletionDate, ActualCompletionDate: p.ActualCompletionDate,
		ModifiedOn: p.ModifiedOn, CreatedOn: p.CreatedOn, CustomFields: optional.NonNil(p.CustomFields),
		ExternalData: optional.NonNil(p.ExternalData.For(guid)), JobIDs: optional.NonNil(p.JobIDs),
	}
}

type projectStatusOut struct {
	ID         int64         `json:"id"`
	Name       string        `json:"name"`
	Order      int           `json:"order"`
	ModifiedOn resource.Time `json:"modifiedOn"`
}

func renderProjectStatus(_ *gin.Context, s *ProjectStatus) projectStatusOut {
	return projectStatusOut{ID: s.ID, Name: s.Name, Order: s.Order, ModifiedOn: s.ModifiedOn}
}

type projectSubStatusOut struct {
	ID         int64         `json:"id"`
	Name       string        `json:"name"`
	StatusID   int64         `json:"statusId"`
	Order      int           `json:"order"`
	ModifiedOn resource.Time `json:"modifiedOn"`
	Active     bool          `json:"active"`
}

func renderProjectSubStatus(_ *gin.Context, s *ProjectSubStatus) projectSubStatusOut {
	return projectSubStatusOut{ID: s.ID, Name: s.Name, StatusID: s.StatusID, Order: s.Order, ModifiedOn: s.ModifiedOn, Active: s.Active}
}

type projectTypeOut struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	CreatedByID *int64 `json:"createdById"`
}

func renderProjectType(_ *gin.Context, t *ProjectType) projectTypeOut {
	return projectTypeOut{ID: t.ID, Name: t.Name, Description: t.Description, CreatedByID: t.CreatedByID}
}

// projectIn holds what Jpm.V2.CreateProjectRequest and
// UpdateProjectRequest share; absent members are nil.
type projectIn struct {
	ProjectTypeID        api.Opt[int64]   `json:"projectTypeId"`
	ProjectManagerIDs    *[]int64         `json:"projectManagerIds"`
	BusinessUnitIDs      *[]int64         `json:"businessUnitIds"`
	Name                 *string          `json:"name"`
	Summary              *string          `json:"summary"`
	StatusID             *int64           `json:"statusId"`
	SubStatusID          *int64           `json:"subStatusId"`
	StartDate            *resource.Time   `json:"startDate"`
	TargetCompletionDate *resource.Time   `json:"targetCompletionDate"`
	ActualCompletionDate *resource.Time   `json:"actualCompletionDate"`
	CustomFields         *[]customFieldIn `json:"customFields"`
}

// createProjectIn is Jpm.V2.CreateProjectRequest.
type createProjectIn struct {
	projectIn
	LocationID   int64           `json:"locationId"`
	CustomerID   *int64          `json:"customerId"`
	ExternalData *extdata.Create `json:"externalData"`
}

// updateProjectIn is Jpm.V2.UpdateProjectRequest.
type updateProjectIn struct {
	projectIn
	JobIDs       *[]int64       `json:"jobIds"`
	ExternalData *extdata.Patch `json:"externalData"`
}

// createProject handles POST /projects.
var createProject = api.Create(nil, func(tx *resource.Tx, in *createProjectIn) (projectOut, error) {
	p, err := newProject(tx, in, 0)
	if err != nil {
		return projectOut{}, err
	}
	if err := resource.Create(tx, &projects, p); err != nil {
		return projectOut{}, err
	}
	return renderProjectFor(p, in.ExternalData.GUID()), nil
})

// newProject checks a create request and returns the project it makes,
// not yet stored, with id (0: the next free ID): the customer follows the
// location, and a project without a status starts in the first.
func newProject(tx *resource.Tx, in *createProjectIn, id int64) (*Project, error) {
	loc, err := crm.LocationByID(tx, in.LocationID)
	if err != nil {
		return nil, refError(err, "locationId", "No location has id "+resource.IDKey(in.LocationID)+".")
	}
	if in.CustomerID != nil && *in.CustomerID != loc.CustomerID {
		if err := checkCustomerLocation(tx, *in.CustomerID, in.LocationID); err != nil {
			return nil, err
		}
	}
	if id == 0 {
		if id, err = resource.NewID(tx); err != nil {
			return nil, err
		}
	}
	p := &Project{Meta: resource.Meta{ID: id, Active: true}, Number: strconv.FormatInt(id, 10),
		CustomerID: loc.CustomerID, LocationID: loc.ID, ExternalData: in.ExternalData.Apply(nil)}
	if err := in.apply(tx, p); err != nil {
		return nil, err
	}
	if p.StatusID == nil {
		if err := setStatus(tx, p, firstStatus); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// firstStatus asks setStatus for the first status by order.
const firstStatus = -1

// updateProject handles PATCH /projects/{id}: only the members sent
// change, under the create rules. jobIds, when sent, is the project's
// whole list of jobs: the jobs listed are attached, the others detached.
var updateProject = api.Action(api.OwnerKind(&projects), true, func(in *updateProjectIn) error {
	return in.ExternalData.Check("externalData")
}, func(tx *resource.Tx, _ int64, p *Project, in *updateProjectIn) (any, error) {
	if err := in.apply(tx, p); err != nil {
		return nil, err
	}
	p.ExternalData = in.ExternalData.Apply(p.ExternalData)
	if in.JobIDs != nil {
		for _, jobID := range slices.Clone(p.JobIDs) {
			if !slices.Contains(*in.JobIDs, jobID) {
				if err := detachJob(tx, p, jobID); err != nil {
					return nil, err
				}
			}
		}
		for i, jobID := range *in.JobIDs {
			if err := attachJob(tx, p, jobID, "jobIds"+idx(i)); err != nil {
				return nil, err
			}
		}
	}
	if err := resource.Save(tx, &projects, p); err != nil {
		return nil, err
	}
	return renderProjectFor(p, in.ExternalData.GUID()), nil
})

// apply checks and writes the members sent.
func (in *projectIn) apply(tx *resource.Tx, p *Project) error {
	if in.ProjectTypeID.Set {
		if v := in.ProjectTypeID.Value; v != nil {
			if _, err := resource.Get(tx, &projectTypes, *v); err != nil {
				return refError(err, "projectTypeId", "No project type has id "+resource.IDKey(*v)+".")
			}
		}
		p.ProjectTypeID = in.ProjectTypeID.Value
	}
	if in.ProjectManagerIDs != nil {
		for i, id := range *in.ProjectManagerIDs {
			if err := checkUser(tx, "projectManagerIds"+idx(i), id); err != nil {
				return err
			}
		}
		p.ProjectManagerIDs = slices.Clone(*in.ProjectManagerIDs)
	}
	if in.BusinessUnitIDs != nil {
		if err := checkBusinessUnits(tx, "businessUnitIds", *in.BusinessUnitIDs); err != nil {
			return err
		}
		p.BusinessUnitIDs = slices.Clone(*in.BusinessUnitIDs)
	}
	api.SetPtr(&p.Name, in.Name)
	api.SetPtr(&p.Summary, in.Summary)
	api.SetPtr(&p.StartDate, in.StartDate)
	api.SetPtr(&p.TargetCompletionDate, in.TargetCompletionDate)
	api.SetPtr(&p.ActualCompletionDate, in.ActualCompletionDate)
	if p.StartDate != nil {
		for field, d := range map[string]*resource.Time{"targetCompletionDate": p.TargetCompletionDate, "actualCompletionDate": p.ActualCompletionDate} {
			if d != nil && d.Before(p.StartDate.Time) {
				return apierr.BadRequest(field, field+" must not be before startDate.")
			}
		}
	}
	if in.CustomFields != nil {
		fields, err := customFieldValues(tx, &projectFieldTypes, "customFields", *in.CustomFields)
		if err != nil {
			return err
		}
		p.CustomFields = fields
	}
	switch {
	case in.SubStatusID != nil:
		sub, err := resource.Get(tx, &projectSubStatuses, *in.SubStatusID)
		if err != nil || !sub.Active {
			return apierr.BadRequest("subStatusId", "No active project substatus has id "+resource.IDKey(*in.SubStatusID)+".")
		}
		if in.StatusID != nil && *in.StatusID != sub.StatusID {
			return apierr.BadRequest("subStatusId", "Substatus "+resource.IDKey(sub.ID)+" ("+sub.Name+") belongs to status "+resource.IDKey(sub.StatusID)+", not "+resource.IDKey(*in.StatusID)+".")
		}
		if err := setStatus(tx, p, sub.StatusID); err != nil {
			return err
		}
		p.SubStatusID, p.SubStatus = &sub.ID, &sub.Name
	case in.StatusID != nil:
		return setStatus(tx, p, *in.StatusID)
	}
	return nil
}

// setStatus moves a project to a status (firstStatus: the first by
// order); a different status clears the substatus.
func setStatus(tx *resource.Tx, p *Project, id int64) error {
	var status *ProjectStatus
	if id == firstStatus {
		page, err := resource.ListOrdered(tx, &projectStatuses, resource.Query{Page: 1, PageSize: 1}, resource.Select{}, nil,
			func(a, b *ProjectStatus) int { return cmp.Compare(a.Order, b.Order) })
		if err != nil || len(page.Data) == 0 {
			return err
		}
		status = page.Data[0]
	} else {
		var err error
		if status, err = resource.Get(tx, &projectStatuses, id); err != nil {
			return refError(err, "statusId", "No project status has id "+resource.IDKey(id)+".")
		}
	}
	if p.StatusID == nil || *p.StatusID != status.ID {
		p.SubStatusID, p.SubStatus = nil, nil
	}
	p.StatusID, p.Status = &status.ID, &status.Name
	return nil
}

// attachJob attaches a job to p (the caller saves p). field names the job
// in errors.
func attachJob(tx *resource.Tx, p *Project, jobID int64, field string) error {
	job, err := resource.Get(tx, &Jobs, jobID)
	if err != nil {
		return refError(err, field, "No job has id "+resource.IDKey(jobID)+".")
	}
	return linkJob(tx, p, job, field)
}

// linkJob attaches a loaded job to p and saves the job (the caller saves p).
func linkJob(tx *resource.Tx, p *Project, job *Job, field string) error {
	if job.ProjectID != nil && *job.ProjectID == p.ID {
		return nil
	}
	if job.ProjectID != nil {
		return apierr.BadRequest(field, "Job "+resource.IDKey(job.ID)+" belongs to project "+resource.IDKey(*job.ProjectID)+": detach it first.")
	}
	if job.CustomerID != p.CustomerID {
		return apierr.BadRequest(field, "Job "+resource.IDKey(job.ID)+" is customer "+resource.IDKey(job.CustomerID)+"'s; project "+resource.IDKey(p.ID)+" is customer "+resource.IDKey(p.CustomerID)+"'s.")
	}
	job.ProjectID = &p.ID
	p.JobIDs = append(p.JobIDs, job.ID)
	slices.Sort(p.JobIDs)
	return resource.Save(tx, &Jobs, job)
}

// detachJob removes a job from p (the caller saves p).
func detachJob(tx *resource.Tx, p *Project, jobID int64) error {
	p.JobIDs = slices.DeleteFunc(p.JobIDs, func(id int64) bool { return id == jobID })
	job, err := resource.Get(tx, &Jobs, jobID)
	if err != nil {
		return err
	}
	job.ProjectID = nil
	return resource.Save(tx, &Jobs, job)
}

// projectRef loads the project a path's {id} names: the attach operation
// documents no 404, so a missing one is a 400 naming id.
func projectRef(tx *resource.Tx, id int64) (*Project, error) {
	p, err := resource.Get(tx, &projects, id)
	return p, refError(err, "id", "No project has id "+resource.IDKey(id)+".")
}

// attachJobHandler handles POST /projects/{id}/attach-job/{jobId}.
func attachJobHandler(c *gin.Context, call *api.Call) {
	jobID, err := call.IDParam("jobId")
	if err != nil {
		call.Fail(c, err)
		return
	}
	api.Action(projectRef, false, nil, func(tx *resource.Tx, _ int64, p *Project, _ *struct{}) (any, error) {
		if slices.Contains(p.JobIDs, jobID) {
			return nil, nil
		}
		if err := attachJob(tx, p, jobID, "jobId"); err != nil {
			return nil, err
		}
		return nil, resource.Save(tx, &projects, p)
	})(c, call)
}

// detachJobHandler handles POST /projects/detach-job/{jobId}.
func detachJobHandler(c *gin.Context, call *api.Call) {
	jobID, err := call.IDParam("jobId")
	if err != nil {
		call.Fail(c, err)
		return
	}
	api.Write(c, call, false, nil, func(tx *resource.Tx, _ *struct{}) (any, error) {
		job, err := resource.Get(tx, &Jobs, jobID)
		if err != nil {
			return nil, refError(err, "jobId", "No job has id "+resource.IDKey(jobID)+".")
		}
		if job.ProjectID == nil {
			return nil, nil
		}
		p, err := resource.Get(tx, &projects, *job.ProjectID)
		if err != nil {
			return nil, err
		}
		if err := detachJob(tx, p, jobID); err != nil {
			return nil, err
		}
		return nil, resource.Save(tx, &projects, p)
	})
}

// listProjects handles GET /projects with the filters the document lists.
// customerId and locationId come from indexes; jobId, appointmentId,
// technicianId and invoiceId go through the jobs; status takes names,
// comma-separated, "None" for projects without one; sort takes Id,
// ModifiedOn, CreatedOn, Name and TargetCompletionDate.
var listProjects = api.List(&projects, api.ListSpec[Project, *Project]{
	Options: resource.ListOptions{Sorts: []string{"Id", "ModifiedOn", "CreatedOn", "Name", "TargetCompletionDate"}},
	Filter:  projectFilter,
	Orders: map[string]func(a, b *Project) int{
		"Name": func(a, b *Project) int { return strings.Compare(optional.Value(a.Name), optional.Value(b.Name)) },
		"TargetCompletionDate": func(a, b *Project) int {
			return cmp.Compare(timeKey(a.TargetCompletionDate), timeKey(b.TargetCompletionDate))
		},
	},
}, renderProject)

// timeKey orders optional times, absent first.
func timeKey(t *resource.Time) int64 {
	if t == nil {
		return -1 << 62
	}
	return t.UnixNano()
}

func projectFilter(c *gin.Context, tx *resource.Tx) (resource.Select, func(*Project) bool, error) {
	r := newQueryReader(c)
	customerID, locationID, typeID := r.int64("customerId"), r.int64("locationId"), r.int64("projectTypeId")
	invoiceID, techID, jobID, apptID := r.int64("invoiceId"), r.int64("technicianId"), r.int64("jobId"), r.int64("appointmentId")
	managers, units := r.ids("projectManagerIds"), r.ids("businessUnitIds")
	startsFrom, startsBefore := r.time("startsOnOrAfter"), r.time("startsBefore")
	doneFrom, doneBefore := r.time("completedOnOrAfter"), r.time("completedBefore")
	targetFrom, targetBefore := r.time("targetCompletionDateOnOrAfter"), r.time("targetCompletionDateBefore")
	var statuses []string
	for _, s := range strings.Split(c.Query("status"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			statuses = append(statuses, strings.ToLower(s))
		}
	}
	if err := r.done(); err != nil {
		return resource.Select{}, nil, err
	}
	ext, err := extdata.ParseFilter(c)
	if err != nil {
		return resource.Select{}, nil, err
	}
	var sel resource.Select
	switch {
	case customerID != nil:
		sel.Index, sel.Value = "customer", resource.IDKey(*customerID)
	case locationID != nil:
		sel.Index, sel.Value = "location", resource.IDKey(*locationID)
	}
	if ext != nil {
		ids, err := extdata.Lookup(tx, &projects, ext)
		if err != nil {
			return sel, nil, err
		}
		sel.Narrow(ids)
	}
	// Filters through jobs narrow to the projects of the matching jobs.
	if apptID != nil {
		appt, err := resource.Get(tx, &Appointments, *apptID)
		if err != nil {
			sel.Narrow(nil)
		} else if jobID == nil || *jobID == appt.JobID {
			jobID = &appt.JobID
		} else {
			sel.Narrow(nil)
		}
	}
	var jobSets [][]int64
	if jobID != nil {
		jobSets = append(jobSets, []int64{*jobID})
	}
	if techID != nil {
		ids, err := technicianJobs(tx, *techID)
		if err != nil {
			return sel, nil, err
		}
		jobSets = append(jobSets, ids)
	}
	if invoiceID != nil {
		jobs, err := resource.All(tx, &Jobs, func(j *Job) bool { return j.InvoiceID == *invoiceID })
		if err != nil {
			return sel, nil, err
		}
		ids := make([]int64, 0, len(jobs))
		for _, j := range jobs {
			ids = append(ids, j.ID)
		}
		jobSets = append(jobSets, ids)
	}
	for _, jobs := range jobSets {
		ids, err := projectsOfJobs(tx, jobs)
		if err != nil {
			return sel, nil, err
		}
		sel.Narrow(ids)
	}
	eq := func(want *int64, got int64) bool { return want == nil || *want == got }
	anyOf := func(want, got []int64) bool {
		return want == nil || slices.ContainsFunc(want, func(id int64) bool { return slices.Contains(got, id) })
	}
	within := func(t *resource.Time, from, before time.Time) bool {
		if from.IsZero() && before.IsZero() {
			return true
		}
		return t != nil && inRange(t.Time, from, before)
	}
	return sel, func(p *Project) bool {
		status := "none"
		if p.Status != nil {
			status = strings.ToLower(*p.Status)
		}
		return eq(customerID, p.CustomerID) && eq(locationID, p.LocationID) &&
			(typeID == nil || (p.ProjectTypeID != nil && *p.ProjectTypeID == *typeID)) &&
			anyOf(managers, p.ProjectManagerIDs) && anyOf(units, p.BusinessUnitIDs) &&
			(statuses == nil || slices.Contains(statuses, status)) &&
			within(p.StartDate, startsFrom, startsBefore) && within(p.ActualCompletionDate, doneFrom, doneBefore) &&
			within(p.TargetCompletionDate, targetFrom, targetBefore)
	}, nil
}

// projectsOfJobs returns the projects the jobs are attached to.
func projectsOfJobs(tx *resource.Tx, jobIDs []int64) ([]int64, error) {
	ids := []int64{}
	for _, id := range jobIDs {
		j, err := resource.Get(tx, &Jobs, id)
		if errors.Is(err, resource.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if j.ProjectID != nil && !slices.Contains(ids, *j.ProjectID) {
			ids = append(ids, *j.ProjectID)
		}
	}
	return ids, nil
}
