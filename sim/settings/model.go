// Package settings emulates ServiceTitan's settings module (settings/v2):
// business units, technicians, employees and tag types. Records are stored
// through package resource; this package holds the rules of the module and
// the wire shapes of its OpenAPI document (openapi/settings.yaml).
package settings

import (
	"slices"
	"strings"

	"github.com/stsim/stsim/sim/optional"

	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// Skills a technician can have and a job type can require. Skills are not
// part of the V2 technician response; capacity reads Technician.Skills for
// skill-based availability, and job types name their required skills from
// this vocabulary.
const (
	SkillHVAC          = "HVAC"
	SkillGas           = "Gas"
	SkillRefrigeration = "Refrigeration"
	SkillPlumbing      = "Plumbing"
	SkillDrains        = "Drain Cleaning"
	SkillWaterHeaters  = "Water Heaters"
	SkillElectrical    = "Electrical"
	SkillGenerators    = "Generators"
)

// AllSkills is the skill vocabulary, in a fixed order.
var AllSkills = []string{
	SkillHVAC, SkillGas, SkillRefrigeration, SkillPlumbing, SkillDrains,
	SkillWaterHeaters, SkillElectrical, SkillGenerators,
}

// BusinessUnit is a business unit (a trade or division of the tenant).
type BusinessUnit struct {
	resource.Meta
	Name string `json:"name"`
	BusinessUnitDetails
	ExternalData ExternalData `json:"externalData"`
	// Skills are the trade skills a technician created in this unit gets
	// (not part of the V2 response).
	Skills []string `json:"skills"`
}

// BusinessUnitDetails are the members of a business unit that the V2
// response shows as stored; the record and the response both embed them.
type BusinessUnitDetails struct {
	OfficialName             *string              `json:"officialName"`
	Email                    *string              `json:"email"`
	Currency                 *string              `json:"currency"`
	PhoneNumber              *string              `json:"phoneNumber"`
	InvoiceHeader            *string              `json:"invoiceHeader"`
	InvoiceMessage           *string              `json:"invoiceMessage"`
	DefaultTaxRate           *float64             `json:"defaultTaxRate"`
	AuthorizationParagraph   *string              `json:"authorizationParagraph"`
	AcknowledgementParagraph *string              `json:"acknowledgementParagraph"`
	Address                  *BusinessUnitAddress `json:"address"`
	MaterialSku              *string              `json:"materialSku"`
	QuickbooksClass          *string              `json:"quickbooksClass"`
	AccountCode              *string              `json:"accountCode"`
	FranchiseID              *string              `json:"franchiseId"`
	ConceptCode              *string              `json:"conceptCode"`
	CorporateContractNumber  *string              `json:"corporateContractNumber"`
}

// BusinessUnitAddress is TenantSettings.V2.BusinessUnitAddressResponse.
type BusinessUnitAddress struct {
	Street  *string `json:"street"`
	Unit    *string `json:"unit"`
	City    *string `json:"city"`
	State   *string `json:"state"`
	Zip     *string `json:"zip"`
	Country *string `json:"country"`
}

// Technician is a field technician.
type Technician struct {
	resource.Meta
	Name           string  `json:"name"`
	UserID         int64   `json:"userId"`
	BusinessUnitID *int64  `json:"businessUnitId"`
	RoleIDs        []int64 `json:"roleIds"`
	// MainZoneID and ZoneIDs are the dispatch zones the technician works in;
	// the dispatch module may set them.
	MainZoneID           *int64        `json:"mainZoneId"`
	ZoneIDs              []int64       `json:"zoneIds"`
	Email                *string       `json:"email"`
	PhoneNumber          *string       `json:"phoneNumber"`
	LoginName            *string       `json:"loginName"`
	Home                 *Address      `json:"home"`
	DailyGoal            float64       `json:"dailyGoal"`
	LicenseType          string        `json:"licenseType"` // a LicenseType value
	Positions            []string      `json:"positions"`
	CustomFields         []CustomField `json:"customFields"`
	AadUserID            *string       `json:"aadUserId"`
	BurdenRate           float64       `json:"burdenRate"`
	Team                 *string       `json:"team"`
	JobFilter            *string       `json:"jobFilter"`
	JobHistoryDateFilter *string       `json:"jobHistoryDateFilter"`
	Bio                  *string       `json:"bio"`
	Memo                 *string       `json:"memo"`
	AccountLocked        bool          `json:"accountLocked"`
	TruckID              *int64        `json:"truckId"`
	// Skills are not part of the V2 technician response; capacity reads them
	// for skill-based availability (values from AllSkills).
	Skills []string `json:"skills"`
}

// HasSkills reports whether the technician has every one of the skills.
func (t *Technician) HasSkills(required ...string) bool {
	for _, s := range required {
		if !slices.ContainsFunc(t.Skills, func(have string) bool { return strings.EqualFold(have, s) }) {
			return false
		}
	}
	return true
}

// IsManagedTech reports whether the technician holds a managed license.
func (t *Technician) IsManagedTech() bool {
	return t.LicenseType == LicenseManagedTech || t.LicenseType == LicenseManagedInstaller
}

// Address is a technician's home address.
type Address struct {
	Street    string   `json:"street"`
	Unit      *string  `json:"unit"`
	City      string   `json:"city"`
	State     *string  `json:"state"`
	Zip       *string  `json:"zip"`
	Country   *string  `json:"country"`
	Latitude  *float64 `json:"latitude"`
	Longitude *float64 `json:"longitude"`
}

// Employee is an office employee (the integration user among them).
type Employee struct {
	resource.Meta
	Name              string        `json:"name"`
	UserID            int64         `json:"userId"`
	Role              string        `json:"role"` // an EmployeeUserRole value
	RoleIDs           []int64       `json:"roleIds"`
	BusinessUnitID    *int64        `json:"businessUnitId"`
	Email             *string       `json:"email"`
	PhoneNumber       *string       `json:"phoneNumber"`
	MobilePhoneNumber *string       `json:"mobilePhoneNumber"`
	LoginName         *string       `json:"loginName"`
	Positions         []string      `json:"positions"`
	CustomFields      []CustomField `json:"customFields"`
	AadUserID         *string       `json:"aadUserId"`
	AccountLocked     bool          `json:"accountLocked"`
}

// CustomField is a custom field value of an employee or technician (and,
// as crm.CustomField, of a customer or location). For employees and
// technicians any positive typeId is accepted and the name stays null (the
// settings documents define no custom field types); crm checks its values'
// typeId against its own custom field types and fills in the name.
type CustomField struct {
	TypeID int64   `json:"typeId"`
	Name   *string `json:"name"`
	Value  *string `json:"value"`
}

// TagType is a tag that customers, locations and jobs can carry.
type TagType struct {
	resource.Meta
	Name string `json:"name"`
	TagTypeDetails
}

// TagTypeDetails are the members of a tag type that the V2 response shows
// as stored; the record and the response both embed them.
type TagTypeDetails struct {
	Color                         string  `json:"color"` // hex, e.g. #D4AF37
	Code                          string  `json:"code"`
	Importance                    *string `json:"importance"` // Medium, High or null
	IsConversionOpportunity       bool    `json:"isConversionOpportunity"`
	AllowToUseOnTimesheetActivity bool    `json:"allowToUseOnTimesheetActivity"`
}

// Kinds of the settings module.
var (
	BusinessUnits = resource.Kind[BusinessUnit]{Name: "settings.business-units", Label: "Business unit"}
	Technicians   = resource.Kind[Technician]{Name: "settings.technicians", Label: "Technician", Indexes: []resource.Index[Technician]{
		{Name: "user", Keys: func(t *Technician) []string { return []string{resource.IDKey(t.UserID)} }},
		{Name: "login", Keys: func(t *Technician) []string { return []string{loginKey(t.LoginName)} }},
		{Name: "business-unit", Keys: func(t *Technician) []string { return []string{optIDKey(t.BusinessUnitID)} }},
	}}
	Employees = resource.Kind[Employee]{Name: "settings.employees", Label: "Employee", Indexes: []resource.Index[Employee]{
		{Name: "user", Keys: func(e *Employee) []string { return []string{resource.IDKey(e.UserID)} }},
		{Name: "login", Keys: func(e *Employee) []string { return []string{loginKey(e.LoginName)} }},
		{Name: "email", Keys: func(e *Employee) []string { return []string{emailKey(e.Email)} }},
	}}
	TagTypes = resource.Kind[TagType]{Name: "settings.tag-types", Label: "Tag type"}
)

// loginKey and emailKey normalize logins and emails for their indexes
// ("" is not indexed).
func loginKey(login *string) string { return strings.ToLower(strings.TrimSpace(optional.Value(login))) }
func emailKey(email *string) string { return strings.ToLower(strings.TrimSpace(optional.Value(email))) }

func optIDKey(id *int64) string {
	if id == nil {
		return ""
	}
	return resource.IDKey(*id)
}

// ActiveTechnician returns a technician that exists and is active.
func ActiveTechnician(tx *resource.Tx, id int64) (*Technician, error) {
	t, err := resource.Get(tx, &Technicians, id)
	if err != nil {
		return nil, err
	}
	if !t.Active {
		return nil, apierr.BadRequest("technicianId", "Technician "+resource.IDKey(id)+" is inactive.")
	}
	return t, nil
}

// ActiveBusinessUnit returns a business unit that exists and is active.
func ActiveBusinessUnit(tx *resource.Tx, id int64) (*BusinessUnit, error) {
	bu, err := resource.Get(tx, &BusinessUnits, id)
	if err != nil {
		return nil, err
	}
	if !bu.Active {
		return nil, apierr.BadRequest("businessUnitId", "Business unit "+resource.IDKey(id)+" is inactive.")
	}
	return bu, nil
}

// TagTypeByID returns a tag type to read (resource.ErrNotFound when there
// is none). It may be shared (resource.Ref): the caller must not change it.
func TagTypeByID(tx *resource.Tx, id int64) (*TagType, error) { return resource.Ref(tx, &TagTypes, id) }

// BusinessUnitByID returns a business unit to read, active or not. It may
// be shared (resource.Ref): the caller must not change it.
func BusinessUnitByID(tx *resource.Tx, id int64) (*BusinessUnit, error) {
	return resource.Ref(tx, &BusinessUnits, id)
}

// IsUser reports whether id is an employee or a technician.
func IsUser(tx *resource.Tx, id int64) (bool, error) {
	if ok, err := resource.Exists(tx, &Employees, id); err != nil || ok {
		return ok, err
	}
	return resource.Exists(tx, &Technicians, id)
}

// TechniciansIn returns the active technicians of a business unit, by ID.
func TechniciansIn(tx *resource.Tx, businessUnitID int64) ([]*Technician, error) {
	return resource.LookupActive(tx, &Technicians, "business-unit", resource.IDKey(businessUnitID))
}

// TagTypeExists reports whether a tag type exists (active or not).
func TagTypeExists(tx *resource.Tx, id int64) (bool, error) {
	return resource.Exists(tx, &TagTypes, id)
}
