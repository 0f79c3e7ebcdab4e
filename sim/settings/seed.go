package settings

import (
	"github.com/stsim/stsim/sim/optional"

	"github.com/stsim/stsim/sim/extdata"
	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/resource"
)

// Names of demo records (fixtures/demo/settings.yaml) that other modules'
// tests and the README refer to. The integration user's employee ID (1) is
// the one fixed ID code relies on.
const (
	BusinessUnitHVAC       = "HVAC Service"
	BusinessUnitPlumbing   = "Plumbing Service"
	BusinessUnitElectrical = "Electrical Service"
	// BusinessUnitInactive is the demo's one inactive business unit.
	BusinessUnitInactive = "Commercial Refrigeration"

	// IntegrationEmployeeID is the employee API writes are attributed to
	// (crm.IntegrationUserID).
	IntegrationEmployeeID   int64 = 1
	IntegrationEmployeeName       = "API Integration"

	// InactiveTechnicianName is the demo's one inactive technician.
	InactiveTechnicianName = "Steve Novak"

	TagVIP               = "VIP"
	TagMember            = "Member"
	TagDoNotService      = "Do Not Service"
	TagWarranty          = "Warranty"
	TagCommercialAccount = "Commercial Account"
	TagEstimateFollowUp  = "Estimate Follow-Up"
	TagPetsOnSite        = "Pets on Site"
	TagRideAlong         = "Ride-Along"
	// TagInactive is the demo's one inactive tag type.
	TagInactive = "2019 Furnace Promo"

	// DemoApplicationGUID is the application whose external data the HVAC
	// business unit carries (key seBusinessUnitId); the same application as
	// crm.DemoApplicationGUID.
	DemoApplicationGUID = "d3e0c6a2-5b7f-4e21-9c4a-57a1a0de0001"
)

// Fixture describes settings.json. Employees and technicians follow their
// create requests (a seeded person has no user account to create, so no
// accountCreationMethod, and roleId may be left out), with their userId,
// role, skills and zones as extra fields; business units, tag types and
// user roles, which the API cannot create, follow their read schemas,
// business units' externalData in the create-request shape.
var Fixture = fixture.Module{Name: "settings", Kinds: []fixture.Kind{
	{Name: "employees", Schema: "TenantSettings.V2.EmployeeCreateRequest", Extra: []string{"id", "active", "userId", "role"},
		Optional: []string{"accountCreationMethod", "roleId"}, Decode: fixture.DecodeAs[employeeFixture]},
	{Name: "businessUnits", Schema: "TenantSettings.V2.BusinessUnitResponse", Extra: []string{"skills", "externalData"}, Optional: []string{"*"}, Decode: fixture.DecodeAs[businessUnitFixture]},
	{Name: "technicians", Schema: "TenantSettings.V2.TechnicianCreateRequest", Extra: []string{"id", "active", "userId", "skills", "mainZoneId", "zoneIds"},
		Optional: []string{"accountCreationMethod", "roleId"}, Decode: fixture.DecodeAs[technicianFixture]},
	{Name: "tagTypes", Schema: "TenantSettings.V2.TagTypeResponse", Optional: []string{"*"}, Decode: fixture.DecodeAs[tagTypeFixture]},
	{Name: "userRoles", Schema: "TenantSettings.V2.UserRoleResponse", Optional: []string{"*"}, Decode: fixture.DecodeAs[userRoleFixture]},
}, Writes: []any{TagType{}}}

type employeeFixture struct {
	fixture.Common
	createEmployeeIn
	UserID int64  `json:"userId"`
	Role   string `json:"role"`
}

type businessUnitFixture struct {
	fixture.Common
	BusinessUnit
	ExternalData *extdata.Create `json:"externalData"`
}

type technicianFixture struct {
	fixture.Common
	createTechnicianIn
	UserID     int64    `json:"userId"`
	Skills     []string `json:"skills"`
	MainZoneID *int64   `json:"mainZoneId"`
	ZoneIDs    []int64  `json:"zoneIds"`
}

type userRoleFixture struct {
	fixture.Common
	Name         string `json:"name"`
	EmployeeType string `json:"employeeType"`
}

type tagTypeFixture struct {
	fixture.Common
	TagType
}

// Seed writes the tenant's settings records from its fixture: employees
// (the integration user first), business units, technicians, tag types.
func Seed(tx *resource.Tx, in fixture.Input) error {
	employees, err := fixture.Decode[employeeFixture](in, "employees")
	if err != nil {
		return err
	}
	units, err := fixture.Decode[businessUnitFixture](in, "businessUnits")
	if err != nil {
		return err
	}
	techs, err := fixture.Decode[technicianFixture](in, "technicians")
	if err != nil {
		return err
	}
	tags, err := fixture.Decode[tagTypeFixture](in, "tagTypes")
	if err != nil {
		return err
	}
	roles, err := fixture.Decode[userRoleFixture](in, "userRoles")
	if err != nil {
		return err
	}
	// Roles come first, so that the employees and technicians holding them
	// (by roleId) are checked against them as the API would.
	for _, r := range roles {
		if err := resource.Create(tx, &userRoles, &UserRole{Meta: r.NewMeta(), Name: r.Name, EmployeeType: r.EmployeeType}); err != nil {
			return err
		}
	}
	// The integration user comes first: code attributes API writes to it.
	for i, e := range employees {
		if e.ID == IntegrationEmployeeID {
			if err := seedEmployee(tx, in, i, e); err != nil {
				return err
			}
		}
	}
	for _, u := range units {
		b := u.BusinessUnit
		b.Meta, b.ExternalData = u.NewMeta(), u.ExternalData.Apply(nil)
		if b.Skills == nil {
			b.Skills = []string{}
		}
		if err := resource.Create(tx, &BusinessUnits, &b); err != nil {
			return err
		}
	}
	for i, t := range techs {
		uid, err := userID(tx, t.UserID)
		if err != nil {
			return err
		}
		home, err := t.Home.address()
		if err != nil {
			return in.RecordError("technicians", i, err)
		}
		roleIDs, err := heldRoles(tx, t.RoleID, RoleForTechnician)
		if err != nil {
			return in.RecordError("technicians", i, err)
		}
		rec := &Technician{
			Meta: t.NewMeta(), Name: t.Name, UserID: uid, BusinessUnitID: t.BusinessUnitID, RoleIDs: roleIDs,
			MainZoneID: t.MainZoneID, ZoneIDs: optional.NonNil(t.ZoneIDs), Email: t.Email, PhoneNumber: t.PhoneNumber, LoginName: t.Login,
			Home: home, DailyGoal: optional.Value(t.DailyGoal.Value), LicenseType: t.LicenseType, Positions: t.Positions, CustomFields: []CustomField{},
			BurdenRate: optional.Value(t.BurdenRate.Value), Team: t.Team, JobFilter: t.JobFilter.Value, JobHistoryDateFilter: t.JobHistoryDateFilter.Value,
			Bio: t.Bio, Memo: t.Memo, Skills: t.Skills,
		}
		if rec.Skills == nil {
			rec.Skills = []string{}
		}
		if err := resource.Create(tx, &Technicians, rec); err != nil {
			return err
		}
	}
	for i, e := range employees {
		if e.ID != IntegrationEmployeeID {
			if err := seedEmployee(tx, in, i, e); err != nil {
				return err
			}
		}
	}
	for _, t := range tags {
		tag := t.TagType
		tag.Meta = t.NewMeta()
		if err := resource.Create(tx, &TagTypes, &tag); err != nil {
			return err
		}
	}
	return nil
}

// seedEmployee writes employee i of the fixture.
func seedEmployee(tx *resource.Tx, in fixture.Input, i int, e employeeFixture) error {
	uid, err := userID(tx, e.UserID)
	if err != nil {
		return err
	}
	roleIDs, err := heldRoles(tx, e.RoleID, RoleForEmployee)
	if err != nil {
		return in.RecordError("employees", i, err)
	}
	return resource.Create(tx, &Employees, &Employee{
		Meta: e.NewMeta(), Name: e.Name, UserID: uid, Role: e.Role, RoleIDs: roleIDs, BusinessUnitID: e.BusinessUnitID,
		Email: e.Email, PhoneNumber: e.PhoneNumber, MobilePhoneNumber: e.MobilePhoneNumber, LoginName: e.Login,
		Positions: e.Positions, CustomFields: []CustomField{},
	})
}

// heldRoles is a seeded user's roleIds: none, or the role its roleId names,
// which must be an active role for its kind of user (as the API checks).
func heldRoles(tx *resource.Tx, roleID int64, kind string) ([]int64, error) {
	if roleID == 0 {
		return []int64{}, nil
	}
	if err := checkRole(tx, roleID, kind); err != nil {
		return nil, err
	}
	return []int64{roleID}, nil
}

// userID is the fixture's user ID, or a new one.
func userID(tx *resource.Tx, id int64) (int64, error) {
	if id != 0 {
		return id, nil
	}
	return resource.NewID(tx)
}
