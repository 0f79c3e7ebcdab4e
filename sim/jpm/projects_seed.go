package jpm

import (
	"fmt"

	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/resource"
)

// Project kinds of jpm.json: the read-only statuses, substatuses, types
// and custom field types (in their read schemas: the API cannot create
// them), and projects (Jpm.V2.CreateProjectRequest) with their id, the jobs
// attached (jobIds) and their notes' texts.
var projectKinds = []fixture.Kind{
	{Name: "projectStatuses", Schema: "Jpm.V2.ProjectStatusResponse", Optional: []string{"*"}, Decode: fixture.DecodeAs[projectStatusFixture]},
	{Name: "projectSubStatuses", Schema: "Jpm.V2.ProjectSubStatusResponse", Optional: []string{"*"}, Decode: fixture.DecodeAs[projectSubStatusFixture]},
	{Name: "projectTypes", Schema: "Jpm.V2.ProjectTypeResponse", Optional: []string{"*"}, Decode: fixture.DecodeAs[projectTypeFixture]},
	{Name: "projectCustomFieldTypes", Schema: "Jpm.V2.CustomFieldTypeResponse", Extra: []string{"active"}, Optional: []string{"*"}, Decode: fixture.DecodeAs[fieldTypeFixture]},
	{Name: "projects", Schema: "Jpm.V2.CreateProjectRequest", Extra: []string{"id", "jobIds", "notes"}, Decode: fixture.DecodeAs[projectFixture]},
}

type projectStatusFixture struct {
	fixture.Common
	Name  string `json:"name"`
	Order int    `json:"order"`
}

type projectSubStatusFixture struct {
	projectStatusFixture
	StatusID int64 `json:"statusId"`
}

type projectTypeFixture struct {
	fixture.Common
	Name        string `json:"name"`
	Description string `json:"description"`
	CreatedByID *int64 `json:"createdById"`
}

type projectFixture struct {
	ID int64 `json:"id"`
	createProjectIn
	JobIDs []int64  `json:"jobIds"`
	Notes  []string `json:"notes"`
}

// seedProjects writes the project records of jpm.json. It runs after the
// jobs, which projects attach; a project is checked as POST /projects
// checks it, then its jobs are attached as attach-job attaches them.
func seedProjects(tx *resource.Tx, in fixture.Input) error {
	statuses, err := fixture.Decode[projectStatusFixture](in, "projectStatuses")
	if err != nil {
		return err
	}
	subStatuses, err := fixture.Decode[projectSubStatusFixture](in, "projectSubStatuses")
	if err != nil {
		return err
	}
	types, err := fixture.Decode[projectTypeFixture](in, "projectTypes")
	if err != nil {
		return err
	}
	fieldTypes, err := fixture.Decode[fieldTypeFixture](in, "projectCustomFieldTypes")
	if err != nil {
		return err
	}
	projects, err := fixture.Decode[projectFixture](in, "projects")
	if err != nil {
		return err
	}
	for _, s := range statuses {
		if err := resource.Create(tx, &projectStatuses, &ProjectStatus{Meta: s.NewMeta(), Name: s.Name, Order: s.Order}); err != nil {
			return err
		}
	}
	for i, s := range subStatuses {
		if ok, err := resource.Exists(tx, &projectStatuses, s.StatusID); err != nil {
			return err
		} else if !ok {
			return in.RecordError("projectSubStatuses", i, fmt.Errorf("statusId %d names no project status", s.StatusID))
		}
		sub := &ProjectSubStatus{Meta: s.NewMeta(), Name: s.Name, StatusID: s.StatusID, Order: s.Order}
		if err := resource.Create(tx, &projectSubStatuses, sub); err != nil {
			return err
		}
	}
	for _, t := range types {
		pt := &ProjectType{Meta: t.NewMeta(), Name: t.Name, Description: t.Description, CreatedByID: t.CreatedByID}
		if err := resource.Create(tx, &projectTypes, pt); err != nil {
			return err
		}
	}
	for _, f := range fieldTypes {
		ft := &CustomFieldType{Meta: f.NewMeta(), Name: f.Name, DataType: f.DataType, DataTypeOptions: f.DataTypeOptions}
		if err := resource.Create(tx, &projectFieldTypes, ft); err != nil {
			return err
		}
	}
	for i, spec := range projects {
		if err := seedProject(tx, spec); err != nil {
			return in.RecordError("projects", i, err)
		}
	}
	return nil
}

// seedProject writes one project, its jobs attached and its notes.
func seedProject(tx *resource.Tx, spec projectFixture) error {
	p, err := newProject(tx, &spec.createProjectIn, spec.ID)
	if err != nil {
		return err
	}
	for i, jobID := range spec.JobIDs {
		if err := attachJob(tx, p, jobID, "jobIds"+idx(i)); err != nil {
			return err
		}
	}
	if err := resource.Create(tx, &projects, p); err != nil {
		return err
	}
	for _, text := range spec.Notes {
		n := &Note{Meta: resource.Meta{Active: true}, ProjectID: p.ID, Text: text, CreatedByID: integrationUser}
		if err := resource.Create(tx, &projectNotes, n); err != nil {
			return err
		}
	}
	return nil
}
