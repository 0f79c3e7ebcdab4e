package settings

import (
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// technicianOut is TenantSettings.V2.TechnicianResponse (and the export
// item, ExportTechnicianResponse, which has the same members).
type technicianOut struct {
	ID             int64            `json:"id"`
	UserID         int64            `json:"userId"`
	Name           string           `json:"name"`
	RoleIDs        []int64          `json:"roleIds"`
	BusinessUnitID *int64           `json:"businessUnitId"`
	MainZoneID     *int64           `json:"mainZoneId"`
	ZoneIDs        []int64          `json:"zoneIds"`
	CreatedOn      resource.Time    `json:"createdOn"`
	ModifiedOn     resource.Time    `json:"modifiedOn"`
	Email          *string          `json:"email"`
	PhoneNumber    *string          `json:"phoneNumber"`
	LoginName      *string          `json:"loginName"`
	Home           *homeOut         `json:"home"`
	DailyGoal      float64          `json:"dailyGoal"`
	IsManagedTech  bool             `json:"isManagedTech"`
	CustomFields   []customFieldOut `json:"customFields"`
	Active         bool             `json:"active"`
	AadUserID      *string          `json:"aadUserId"`
	BurdenRate     float64          `json:"burdenRate"`
	Team           *string          `json:"team"`
	JobFilter      *string          `json:"jobFilter"`
	Permissions    []permissionOut  `json:"permissions"`
	AccountLocked  *bool            `json:"accountLocked"`
}

// homeOut is TenantSettings.V2.TechnicianAddressResponse; streetAddress is
// the street with the unit, on one line.
type homeOut struct {
	Street        *string  `json:"street"`
	Unit          *string  `json:"unit"`
	Country       *string  `json:"country"`
	City          *string  `json:"city"`
	State         *string  `json:"state"`
	Zip           *string  `json:"zip"`
	StreetAddress *string  `json:"streetAddress"`
	Latitude      *float64 `json:"latitude"`
	Longitude     *float64 `json:"longitude"`
}

func renderHome(a *Address) *homeOut {
	if a == nil {
		return nil
	}
	line := a.Street
	if u := deref(a.Unit); u != "" {
		line += ", " + u
	}
	return &homeOut{
		Street: ptr(a.Street), Unit: a.Unit, Country: a.Country, City: ptr(a.City), State: a.State, Zip: a.Zip,
		StreetAddress: &line, Latitude: a.Latitude, Longitude: a.Longitude,
	}
}

func renderTechnician(_ *gin.Context, t *Technician) technicianOut {
	return technicianOut{
		ID: t.ID, UserID: t.UserID, Name: t.Name, RoleIDs: nonNil(t.RoleIDs), BusinessUnitID: t.BusinessUnitID,
		MainZoneID: t.MainZoneID, ZoneIDs: nonNil(t.ZoneIDs), CreatedOn: t.CreatedOn, ModifiedOn: t.ModifiedOn,
		Email: t.Email, PhoneNumber: t.PhoneNumber, LoginName: t.LoginName, Home: renderHome(t.Home),
		DailyGoal: t.DailyGoal, IsManagedTech: t.IsManagedTech(), CustomFields: customFieldsOut(t.CustomFields),
		Active: t.Active, AadUserID: t.AadUserID, BurdenRate: t.BurdenRate, Team: t.Team, JobFilter: t.JobFilter,
		Permissions: []permissionOut{}, AccountLocked: ptr(t.AccountLocked),
	}
}

// technicianFilter applies userIds (index) and name (contains, ignoring
// case).
func technicianFilter(c *gin.Context, tx *resource.Tx) (resource.Select, func(*Technician) bool, error) {
	var sel resource.Select
	userIDs, err := parseUserIDs(c.Query("userIds"))
	if err != nil {
		return sel, nil, err
	}
	if userIDs != nil {
		if sel.IDs, err = byUserIDs(tx, &Technicians, userIDs); err != nil {
			return sel, nil, err
		}
	}
	return sel, api.Contains(c, "name", func(t *Technician) string { return t.Name }), nil
}

// addressIn is TenantSettings.V2.CreateOrUpdateAddressRequest.
type addressIn struct {
	Unit      *string  `json:"unit"`
	Street    string   `json:"street"`
	City      string   `json:"city"`
	State     *string  `json:"state"`
	Country   *string  `json:"country"`
	Zip       *string  `json:"zip"`
	Latitude  *float64 `json:"latitude"`
	Longitude *float64 `json:"longitude"`
}

func (a *addressIn) address() (*Address, error) {
	if a == nil {
		return nil, nil
	}
	if err := requireText("home.street", a.Street); err != nil {
		return nil, err
	}
	if err := requireText("home.city", a.City); err != nil {
		return nil, err
	}
	if a.Latitude != nil && (*a.Latitude < -90 || *a.Latitude > 90) {
		return nil, apierr.BadRequest("home.latitude", "latitude must be between -90 and 90.")
	}
	if a.Longitude != nil && (*a.Longitude < -180 || *a.Longitude > 180) {
		return nil, apierr.BadRequest("home.longitude", "longitude must be between -180 and 180.")
	}
	return &Address{Street: a.Street, Unit: a.Unit, City: a.City, State: a.State, Zip: a.Zip, Country: a.Country,
		Latitude: a.Latitude, Longitude: a.Longitude}, nil
}

// technicianFields are the members the create and update requests share
// the handling of.
type technicianFields struct {
	DailyGoal            opt[float64] `json:"dailyGoal"`
	BurdenRate           opt[float64] `json:"burdenRate"`
	JobFilter            opt[string]  `json:"jobFilter"`
	JobHistoryDateFilter opt[string]  `json:"jobHistoryDateFilter"`
	Home                 *addressIn   `json:"home"`
}

func (f *technicianFields) check() (*Address, error) {
	for _, m := range []struct {
		field string
		v     opt[float64]
	}{{"dailyGoal", f.DailyGoal}, {"burdenRate", f.BurdenRate}} {
		if m.v.Value != nil && *m.v.Value < 0 {
			return nil, apierr.BadRequest(m.field, m.field+" must not be negative.")
		}
	}
	if f.JobFilter.Value != nil {
		if err := oneOf("jobFilter", *f.JobFilter.Value, jobFilters); err != nil {
			return nil, err
		}
	}
	if f.JobHistoryDateFilter.Value != nil {
		if err := oneOf("jobHistoryDateFilter", *f.JobHistoryDateFilter.Value, jobHistoryDateFilters); err != nil {
			return nil, err
		}
	}
	return f.Home.address()
}

// apply writes the sent members (null dailyGoal or burdenRate is 0).
func (f *technicianFields) apply(t *Technician, home *Address) {
	if f.DailyGoal.Set {
		t.DailyGoal = deref(f.DailyGoal.Value)
	}
	if f.BurdenRate.Set {
		t.BurdenRate = deref(f.BurdenRate.Value)
	}
	setOpt(&t.JobFilter, f.JobFilter)
	setOpt(&t.JobHistoryDateFilter, f.JobHistoryDateFilter)
	if home != nil {
		t.Home = home
	}
}

// createTechnicianIn is TenantSettings.V2.TechnicianCreateRequest.
type createTechnicianIn struct {
	technicianFields
	Name                  string          `json:"name"`
	PhoneNumber           *string         `json:"phoneNumber"`
	Email                 *string         `json:"email"`
	Login                 *string         `json:"login"`
	Password              *string         `json:"password"`
	AccountCreationMethod string          `json:"accountCreationMethod"`
	BusinessUnitID        *int64          `json:"businessUnitId"`
	RoleID                int64           `json:"roleId"`
	Positions             []string        `json:"positions"`
	AadUserID             *string         `json:"aadUserId"`
	LicenseType           string          `json:"licenseType"`
	Team                  *string         `json:"team"`
	Bio                   *string         `json:"bio"`
	Memo                  *string         `json:"memo"`
	CustomFields          []customFieldIn `json:"customFields"`
}

func (in *createTechnicianIn) check() (*Address, []CustomField, error) {
	if err := requireText("name", in.Name); err != nil {
		return nil, nil, err
	}
	if err := checkAccount(in.AccountCreationMethod, in.Email, in.Login, in.Password); err != nil {
		return nil, nil, err
	}
	if err := checkRoleID(in.RoleID); err != nil {
		return nil, nil, err
	}
	if in.Positions == nil {
		return nil, nil, apierr.BadRequest("positions", "positions is required (it may be an empty list).")
	}
	if err := eachOneOf("positions", in.Positions, technicianPositions); err != nil {
		return nil, nil, err
	}
	if err := oneOf("licenseType", in.LicenseType, licenseTypes); err != nil {
		return nil, nil, err
	}
	home, err := in.technicianFields.check()
	if err != nil {
		return nil, nil, err
	}
	fields, err := customFields("customFields", in.CustomFields)
	return home, fields, err
}

// createTechnician handles POST /technicians. The technician starts with
// the skills of its business unit (BusinessUnit.Skills).
func createTechnician(c *gin.Context, call *api.Call) {
	var in createTechnicianIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	home, fields, err := in.check()
	if err != nil {
		call.Fail(c, err)
		return
	}
	var out idOut
	err = call.Update(func(tx *resource.Tx) error {
		if err := checkBusinessUnit(tx, in.BusinessUnitID); err != nil {
			return err
		}
		if err := loginFree(tx, in.Login, 0); err != nil {
			return err
		}
		skills := []string{}
		if in.BusinessUnitID != nil {
			bu, err := resource.Get(tx, &BusinessUnits, *in.BusinessUnitID)
			if err != nil {
				return err
			}
			skills = append(skills, bu.Skills...)
		}
		userID, err := resource.NewID(tx)
		if err != nil {
			return err
		}
		t := &Technician{
			Meta: resource.Meta{Active: true}, Name: strings.TrimSpace(in.Name), UserID: userID,
			BusinessUnitID: in.BusinessUnitID, RoleIDs: []int64{in.RoleID}, ZoneIDs: []int64{},
			Email: trimmed(in.Email), PhoneNumber: in.PhoneNumber, LoginName: trimmed(in.Login),
			LicenseType: in.LicenseType, Positions: slices.Clone(in.Positions), CustomFields: fields,
			AadUserID: in.AadUserID, Team: in.Team, Bio: in.Bio, Memo: in.Memo, Skills: skills,
		}
		in.technicianFields.apply(t, home)
		if err := resource.Create(tx, &Technicians, t); err != nil {
			return err
		}
		out = idOut{ID: t.ID}
		return nil
	})
	call.Respond(c, out, err)
}

// updateTechnicianIn is TenantSettings.V2.TechnicianUpdateRequest.
type updateTechnicianIn struct {
	technicianFields
	Name           *string          `json:"name"`
	PhoneNumber    *string          `json:"phoneNumber"`
	Email          *string          `json:"email"`
	Login          *string          `json:"login"`
	BusinessUnitID opt[int64]       `json:"businessUnitId"`
	RoleID         *int64           `json:"roleId"`
	Positions      *[]string        `json:"positions"`
	AadUserID      *string          `json:"aadUserId"`
	LicenseType    *string          `json:"licenseType"`
	Team           *string          `json:"team"`
	Bio            *string          `json:"bio"`
	Memo           *string          `json:"memo"`
	CustomFields   *[]customFieldIn `json:"customFields"`
	AccountLocked  *bool            `json:"accountLocked"`
}

func (in *updateTechnicianIn) check() (*Address, []CustomField, error) {
	if err := requireSent(member{"name", in.Name}, member{"login", in.Login}); err != nil {
		return nil, nil, err
	}
	if in.RoleID != nil {
		if err := checkRoleID(*in.RoleID); err != nil {
			return nil, nil, err
		}
	}
	if in.Positions != nil {
		if err := eachOneOf("positions", *in.Positions, technicianPositions); err != nil {
			return nil, nil, err
		}
	}
	if in.LicenseType != nil {
		if err := oneOf("licenseType", *in.LicenseType, licenseTypes); err != nil {
			return nil, nil, err
		}
	}
	home, err := in.technicianFields.check()
	if err != nil || in.CustomFields == nil {
		return home, nil, err
	}
	fields, err := customFields("customFields", *in.CustomFields)
	return home, fields, err
}

// updateTechnician handles PATCH /technicians/{id}: only the members sent
// change; home is replaced whole, customFields are merged by typeId, and a
// blank email removes it (a technician's email is optional).
func updateTechnician(c *gin.Context, call *api.Call) {
	id, err := call.IDParam("id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	var in updateTechnicianIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	home, fields, err := in.check()
	if err != nil {
		call.Fail(c, err)
		return
	}
	var out idOut
	err = call.Update(func(tx *resource.Tx) error {
		t, err := resource.Get(tx, &Technicians, id)
		if err != nil {
			return err
		}
		if in.BusinessUnitID.Set {
			if err := checkBusinessUnit(tx, in.BusinessUnitID.Value); err != nil {
				return err
			}
		}
		if in.Login != nil {
			if err := loginFree(tx, in.Login, t.ID); err != nil {
				return err
			}
			t.LoginName = trimmed(in.Login)
		}
		if in.Name != nil {
			t.Name = strings.TrimSpace(*in.Name)
		}
		if in.Email != nil {
			t.Email = trimmed(in.Email)
			if *t.Email == "" {
				t.Email = nil
			}
		}
		for _, m := range []struct {
			dst **string
			v   *string
		}{{&t.PhoneNumber, in.PhoneNumber}, {&t.AadUserID, in.AadUserID}, {&t.Team, in.Team}, {&t.Bio, in.Bio}, {&t.Memo, in.Memo}} {
			if m.v != nil {
				*m.dst = m.v
			}
		}
		if in.RoleID != nil {
			t.RoleIDs = []int64{*in.RoleID}
		}
		if in.Positions != nil {
			t.Positions = slices.Clone(*in.Positions)
		}
		setIf(&t.LicenseType, in.LicenseType)
		setOpt(&t.BusinessUnitID, in.BusinessUnitID)
		setIf(&t.AccountLocked, in.AccountLocked)
		in.technicianFields.apply(t, home)
		if in.CustomFields != nil {
			t.CustomFields = mergeCustomFields(t.CustomFields, fields)
		}
		if err := resource.Save(tx, &Technicians, t); err != nil {
			return err
		}
		out = idOut{ID: t.ID}
		return nil
	})
	call.Respond(c, out, err)
}

// technicianActionIn is TenantSettings.V2.TechnicianAccountActionRequest.
type technicianActionIn struct {
	Action      string  `json:"action"`
	LicenseType *string `json:"licenseType"`
	TruckID     *int64  `json:"truckId"`
}

// identityLicenses maps IdentityUserManagement.TechnicianLicenseType, the
// account action's enumeration, to the technician's LicenseType.
var identityLicenses = map[string]string{
	"NonManagedTechnician": LicenseNonManagedTech,
	"ManagedTechnician":    LicenseManagedTech,
	"ManagedInstaller":     LicenseManagedInstaller,
}

// technicianAccountAction handles POST /technicians/{id}/account-actions
// (see accounts.go): Activate needs licenseType ("required for
// AccountAction = Activate") and may assign truckId; the other actions
// ignore both.
func technicianAccountAction(c *gin.Context, call *api.Call) {
	id, err := call.IDParam("id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	var in technicianActionIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	if err := oneOf("action", in.Action, accountActions); err != nil {
		call.Fail(c, err)
		return
	}
	var license string
	if in.Action == "Activate" {
		if in.LicenseType == nil {
			call.Fail(c, apierr.BadRequest("licenseType", "licenseType is required to Activate a technician."))
			return
		}
		var ok bool
		if license, ok = identityLicenses[*in.LicenseType]; !ok {
			call.Fail(c, oneOf("licenseType", *in.LicenseType, []string{"NonManagedTechnician", "ManagedTechnician", "ManagedInstaller"}))
			return
		}
		if in.TruckID != nil && *in.TruckID <= 0 {
			call.Fail(c, apierr.BadRequest("truckId", "truckId must be a positive truck ID."))
			return
		}
	}
	err = call.Update(func(tx *resource.Tx) error {
		t, err := resource.Get(tx, &Technicians, id)
		if err != nil {
			return err
		}
		a := account{label: "Technician " + resource.IDKey(id), active: &t.Active, accountLocked: &t.AccountLocked, email: t.Email, login: t.LoginName}
		changed, err := a.applyAction(in.Action)
		if err != nil {
			return err
		}
		if in.Action == "Activate" {
			if t.LicenseType != license {
				t.LicenseType, changed = license, true
			}
			if in.TruckID != nil && deref(t.TruckID) != *in.TruckID {
				t.TruckID, changed = in.TruckID, true
			}
		}
		if !changed {
			return nil
		}
		return resource.Save(tx, &Technicians, t)
	})
	call.Respond(c, accountActionOut{Status: "Success"}, err)
}
