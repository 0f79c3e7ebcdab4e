package jpm

import (
	"time"

	"github.com/stsim/stsim/sim/optional"

	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/tenant"
)

// loc is the tenant's time zone.
func loc(tx *resource.Tx) *time.Location {
	if s, err := tenant.Load(tx); err == nil {
		return s.Location()
	}
	return tenant.Settings{}.Location()
}

// SeedProjects writes the demo project records. It runs after every
// module's seed (so no earlier ID moves):
//
//	statuses      Not Started, In Progress, On Hold, Completed (order 1–4)
//	substatuses   In Progress: Awaiting Permit, Materials Ordered,
//	              Installation; On Hold: Customer Delay, Financing (inactive)
//	types         Equipment Replacement, Remodel, New Construction
//	custom fields Permit Number (Text), Financing (Dropdown: None, In-house,
//	              Third party)
//
// and one project, "Furnace and AC replacement", In Progress / Materials
// Ordered, at the place of the first demo job (a finished AC repair), with
// that job and a follow-up installation a week from today attached, and
// two notes.
func SeedProjects(tx *resource.Tx) error {
	statuses := map[string]int64{}
	for i, name := range []string{"Not Started", "In Progress", "On Hold", "Completed"} {
		s := &ProjectStatus{Meta: resource.Meta{Active: true}, Name: name, Order: i + 1}
		if err := resource.Create(tx, &ProjectStatuses, s); err != nil {
			return err
		}
		statuses[name] = s.ID
	}
	var materials *ProjectSubStatus
	for i, d := range []struct {
		status, name string
		active       bool
	}{
		{"In Progress", "Awaiting Permit", true}, {"In Progress", "Materials Ordered", true}, {"In Progress", "Installation", true},
		{"On Hold", "Customer Delay", true}, {"On Hold", "Financing", false},
	} {
		s := &ProjectSubStatus{Meta: resource.Meta{Active: d.active}, Name: d.name, StatusID: statuses[d.status], Order: i + 1}
		if err := resource.Create(tx, &ProjectSubStatuses, s); err != nil {
			return err
		}
		if d.name == "Materials Ordered" {
			materials = s
		}
	}
	var replacement int64
	for _, d := range [][2]string{
		{"Equipment Replacement", "Remove and replace furnaces, air conditioners and water heaters."},
		{"Remodel", "Rework of an existing space's mechanical, plumbing or electrical systems."},
		{"New Construction", "Rough-in and finish work in a new building."},
	} {
		t := &ProjectType{Meta: resource.Meta{Active: true}, Name: d[0], Description: d[1], CreatedByID: optional.Ptr(integrationUser)}
		if err := resource.Create(tx, &ProjectTypes, t); err != nil {
			return err
		}
		if replacement == 0 {
			replacement = t.ID
		}
	}
	permit := &CustomFieldType{Meta: resource.Meta{Active: true}, Name: "Permit Number", DataType: "Text"}
	financing := &CustomFieldType{Meta: resource.Meta{Active: true}, Name: "Financing", DataType: "Dropdown", DataTypeOptions: []string{"None", "In-house", "Third party"}}
	for _, f := range []*CustomFieldType{permit, financing} {
		if err := resource.Create(tx, &ProjectFieldTypes, f); err != nil {
			return err
		}
	}

	// The project's jobs: the first demo job's (a finished AC repair) and a
	// follow-up installation at the same place, a week from today.
	place, err := followUpJob(tx)
	if err != nil || place == nil {
		return err // a fixture without jobs gets no demo project
	}
	jobIDs, err := resource.Lookup(tx, &Jobs, "location", resource.IDKey(place.LocationID))
	if err != nil {
		return err
	}
	first, err := resource.Get(tx, &Jobs, jobIDs[0])
	if err != nil {
		return err
	}
	id, err := resource.NewID(tx)
	if err != nil {
		return err
	}
	start := resource.Stamp(tx.Now.AddDate(0, 0, -14))
	target := resource.Stamp(tx.Now.AddDate(0, 0, 21).Truncate(24 * time.Hour))
	p := &Project{Meta: resource.Meta{ID: id, Active: true}, Number: resource.IDKey(id),
		Name: optional.Ptr("Furnace and AC replacement"), Summary: optional.Ptr("<p>Replace the 20-year-old furnace and condenser; new thermostat.</p>"),
		StatusID: optional.Ptr(statuses["In Progress"]), Status: optional.Ptr("In Progress"), SubStatusID: &materials.ID, SubStatus: &materials.Name,
		CustomerID: place.CustomerID, LocationID: place.LocationID, ProjectTypeID: &replacement,
		ProjectManagerIDs: []int64{integrationUser}, BusinessUnitIDs: []int64{first.BusinessUnitID},
		StartDate: &start, TargetCompletionDate: &target,
		CustomFields: []CustomField{{TypeID: permit.ID, Name: permit.Name, Value: "BP-2026-0412"}, {TypeID: financing.ID, Name: financing.Name, Value: "In-house"}},
	}
	for _, jobID := range jobIDs {
		if err := attachJob(tx, p, jobID, "jobIds"); err != nil {
			return err
		}
	}
	if err := resource.Create(tx, &Projects, p); err != nil {
		return err
	}
	for _, text := range []string{"Permit applied for with the village.", "Equipment ordered; delivery in 10 days."} {
		n := &Note{Meta: resource.Meta{Active: true}, ProjectID: p.ID, Text: text, CreatedByID: integrationUser}
		if err := resource.Create(tx, &ProjectNotes, n); err != nil {
			return err
		}
	}
	return nil
}

// followUpJob books a follow-up to the tenant's first job: the same place,
// job type, campaign and technicians, a week from today at 09:00. It
// returns the first job (nil when the tenant has none).
func followUpJob(tx *resource.Tx) (*Job, error) {
	page, err := resource.List(tx, &Jobs, resource.Query{Page: 1, PageSize: 1, Active: resource.ActiveAny}, resource.Select{}, nil)
	if err != nil || len(page.Data) == 0 {
		return nil, err
	}
	first := page.Data[0]
	jt, err := resource.Get(tx, &JobTypes, first.JobTypeID)
	if err != nil {
		return nil, err
	}
	appts, err := resource.Lookup(tx, &Appointments, "job", resource.IDKey(first.ID))
	if err != nil || len(appts) == 0 {
		return nil, err
	}
	var techs []int64
	assigned, err := resource.Lookup(tx, &Assignments, "appointment", resource.IDKey(appts[0]))
	if err != nil {
		return nil, err
	}
	for _, id := range assigned {
		a, err := resource.Get(tx, &Assignments, id)
		if err != nil {
			return nil, err
		}
		techs = append(techs, a.TechnicianID)
	}
	y, m, d := tx.Now.In(loc(tx)).Date()
	start := time.Date(y, m, d+7, 9, 0, 0, 0, loc(tx))
	window := resource.Stamp(start.Add(2 * time.Hour))
	spec := jobFixture{createJobIn: createJobIn{
		CustomerID: first.CustomerID, LocationID: first.LocationID, BusinessUnitID: first.BusinessUnitID, JobTypeID: jt.ID,
		Priority: "Normal", CampaignID: first.CampaignID, Summary: optional.Ptr(jt.Summary),
	}}
	spec.Appointments = []appointmentFixture{{
		appointmentIn: appointmentIn{Start: resource.Stamp(start), End: resource.Stamp(start.Add(time.Duration(jt.Duration) * time.Second)),
			ArrivalWindowStart: optional.Ptr(resource.Stamp(start)), ArrivalWindowEnd: &window, TechnicianIDs: techs},
		SpecialInstructions: optional.Ptr("Install day: bring the new condenser."),
	}}
	return first, seedJob(tx, spec)
}
