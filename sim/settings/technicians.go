package settings

import (
	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/optional"
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
	if u := optional.Value(a.Unit); u != "" {
		line += ", " + u
	}
	return &homeOut{
		Street: optional.Ptr(a.Street), Unit: a.Unit, Country: a.Country, City: optional.Ptr(a.City), State: a.State, Zip: a.Zip,
		StreetAddress: &line, Latitude: a.Latitude, Longitude: a.Longitude,
	}
}

func renderTechnician(_ *gin.Context, t *Technician) technicianOut {
	return technicianOut{
		ID: t.ID, UserID: t.UserID, Name: t.Name, RoleIDs: optional.NonNil(t.RoleIDs), BusinessUnitID: t.BusinessUnitID,
		MainZoneID: t.MainZoneID, ZoneIDs: optional.NonNil(t.ZoneIDs), CreatedOn: t.CreatedOn, ModifiedOn: t.ModifiedOn,
		Email: t.Email, PhoneNumber: t.PhoneNumber, LoginName: t.LoginName, Home: renderHome(t.Home),
		DailyGoal: t.DailyGoal, IsManagedTech: t.IsManagedTech(), CustomFields: customFieldsOut(t.CustomFields),
		Active: t.Active, AadUserID: t.AadUserID, BurdenRate: t.BurdenRate, Team: t.Team, JobFilter: t.JobFilter,
		Permissions: []permissionOut{}, AccountLocked: optional.Ptr(t.AccountLocked),
	}
}

// technicianFilter applies userIds (index) and name (contains, ignoring
// case).
func technicianFilter(c *gin.Context, tx *resource.Tx) (resource.Select, func(*Technician) bool, error) {
	sel, err := selectUsers(c, tx, &Technicians)
	if err != nil {
		return sel, nil, err
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
	if err := api.RequireText("home.street", a.Street); err != nil {
		return nil, err
	}
	if err := api.RequireText("home.city", a.City); err != nil {
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
	DailyGoal            api.Opt[float64] `json:"dailyGoal"`
	BurdenRate           api.Opt[float64] `json:"burdenRate"`
	JobFilter            api.Opt[string]  `json:"jobFilter"`
	JobHistoryDateFilter api.Opt[string]  `json:"jobHistoryDateFilter"`
	Home                 *addressIn       `json:"home"`

	home *Address // Home, checked by check
}

func (f *technicianFields) check() error {
	for _, m := range []struct {
		field string
		v     api.Opt[float64]
	}{{"dailyGoal", f.DailyGoal}, {"burdenRate", f.BurdenRate}} {
		if m.v.Value != nil && *m.v.Value < 0 {
			return apierr.BadRequest(m.field, m.field+" must not be negative.")
		}
	}
	if f.JobFilter.Value != nil {
		if err := oneOf("jobFilter", *f.JobFilter.Value, jobFilters()); err != nil {
			return err
		}
	}
	if f.JobHistoryDateFilter.Value != nil {
		if err := oneOf("jobHistoryDateFilter", *f.JobHistoryDateFilter.Value, jobHistoryDateFilters()); err != nil {
			return err
		}
	}
	var err error
	f.home, err = f.Home.address()
	return err
}

// apply writes the sent members (null dailyGoal or burdenRate is 0).
func (f *technicianFields) apply(t *Technician) {
	if f.DailyGoal.Set {
		t.DailyGoal = optional.Value(f.DailyGoal.Value)
	}
	if f.BurdenRate.Set {
		t.BurdenRate = optional.Value(f.BurdenRate.Value)
	}
	api.SetOpt(&t.JobFilter, f.JobFilter)
	api.SetOpt(&t.JobHistoryDateFilter, f.JobHistoryDateFilter)
	api.SetPtr(&t.Home, f.home)
}

// createTechnicianIn is TenantSettings.V2.TechnicianCreateRequest.
type createTechnicianIn struct {
	newUserIn
	technicianFields
	LicenseType string  `json:"licenseType"`
	Team        *string `json:"team"`
	Bio         *string `json:"bio"`
	Memo        *string `json:"memo"`
}

func (in *createTechnicianIn) check() error {
	if err := in.newUserIn.check(false, technicianPositions()); err != nil {
		return err
	}
	if err := oneOf("licenseType", in.LicenseType, licenseTypes()); err != nil {
		return err
	}
	if err := in.technicianFields.check(); err != nil {
		return err
	}
	return in.checkFields()
}

// createTechnician handles POST /technicians. The technician starts with
// the skills of its business unit (BusinessUnit.Skills).
var createTechnician = api.Create((*createTechnicianIn).check, func(tx *resource.Tx, in *createTechnicianIn) (idOut, error) {
	t := &Technician{
		Meta: resource.Meta{Active: true}, ZoneIDs: []int64{}, LicenseType: in.LicenseType,
		Team: in.Team, Bio: in.Bio, Memo: in.Memo, Skills: []string{},
	}
	if err := in.create(tx, t.user()); err != nil {
		return idOut{}, err
	}
	if in.BusinessUnitID != nil {
		bu, err := resource.Get(tx, &BusinessUnits, *in.BusinessUnitID)
		if err != nil {
			return idOut{}, err
		}
		t.Skills = append(t.Skills, bu.Skills...)
	}
	in.technicianFields.apply(t)
	if err := resource.Create(tx, &Technicians, t); err != nil {
		return idOut{}, err
	}
	return idOut{ID: t.ID}, nil
})

// updateTechnicianIn is TenantSettings.V2.TechnicianUpdateRequest.
type updateTechnicianIn struct {
	userPatch
	technicianFields
	LicenseType *string `json:"licenseType"`
	Team        *string `json:"team"`
	Bio         *string `json:"bio"`
	Memo        *string `json:"memo"`
}

func (in *updateTechnicianIn) check() error {
	if err := in.userPatch.check(false, technicianPositions()); err != nil {
		return err
	}
	if in.LicenseType != nil {
		if err := oneOf("licenseType", *in.LicenseType, licenseTypes()); err != nil {
			return err
		}
	}
	if err := in.technicianFields.check(); err != nil {
		return err
	}
	return in.checkFields()
}

// updateTechnician handles PATCH /technicians/{id}: only the members sent
// change; home is replaced whole, customFields are merged by typeId, and a
// blank email removes it (a technician's email is optional).
var updateTechnician = api.Patch(&Technicians, (*updateTechnicianIn).check, func(tx *resource.Tx, t *Technician, in *updateTechnicianIn) error {
	if err := in.userPatch.apply(tx, t.user(), t.ID); err != nil {
		return err
	}
	api.SetPtr(&t.Team, in.Team)
	api.SetPtr(&t.Bio, in.Bio)
	api.SetPtr(&t.Memo, in.Memo)
	api.SetIf(&t.LicenseType, in.LicenseType)
	in.technicianFields.apply(t)
	return nil
}, func(t *Technician, _ *updateTechnicianIn) idOut { return idOut{ID: t.ID} })

// technicianActionIn is TenantSettings.V2.TechnicianAccountActionRequest.
type technicianActionIn struct {
	accountActionIn
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

// check: Activate needs licenseType ("required for AccountAction =
// Activate") and may assign truckId; the other actions ignore both.
func (in *technicianActionIn) check() error {
	if in.Action != "Activate" {
		return nil
	}
	if in.LicenseType == nil {
		return apierr.BadRequest("licenseType", "licenseType is required to Activate a technician.")
	}
	if _, ok := identityLicenses[*in.LicenseType]; !ok {
		return oneOf("licenseType", *in.LicenseType, identityLicenseTypes())
	}
	if in.TruckID != nil && *in.TruckID <= 0 {
		return apierr.BadRequest("truckId", "truckId must be a positive truck ID.")
	}
	return nil
}

// activate sets the license and truck an Activate names and reports whether
// that changed the technician.
func (in *technicianActionIn) activate(t *Technician) bool {
	changed := false
	if in.Action != "Activate" {
		return false
	}
	if license := identityLicenses[*in.LicenseType]; t.LicenseType != license {
		t.LicenseType, changed = license, true
	}
	if in.TruckID != nil && optional.Value(t.TruckID) != *in.TruckID {
		t.TruckID, changed = in.TruckID, true
	}
	return changed
}

// technicianAccountAction handles POST /technicians/{id}/account-actions
// (see accounts.go for the rules, and check and activate above).
var technicianAccountAction = accountAction(&Technicians, (*Technician).user, (*technicianActionIn).action,
	(*technicianActionIn).check, func(t *Technician, in *technicianActionIn) bool { return in.activate(t) })
