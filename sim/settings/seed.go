package settings

import (
	"fmt"

	"github.com/stsim/stsim/sim/resource"
)

// Demo data: Seed gives every tenant an HVAC, plumbing and electrical
// contractor in the Chicago area. It runs after crm.Seed, so the IDs it
// allocates follow the CRM demo's; the order below fixes them, and every
// run writes the same records with the same IDs (only createdOn and
// modifiedOn follow the clock). Other modules find these records by
// listing the kinds (by name), not by ID; the one fixed ID is the
// integration user's, 1.
//
// Business units (active unless noted; Skills are what a technician
// created in the unit starts with):
//
//	HVAC Service                 HVAC        external data under DemoApplicationGUID
//	Plumbing Service             Plumbing
//	Electrical Service           Electrical
//	Commercial Refrigeration     inactive, no technicians
//
// Technicians and their skills:
//
//	HVAC Service        Marcus Reyes      HVAC, Gas, Refrigeration
//	                    Dana Kowalski     HVAC, Gas
//	                    Tyrone Jackson    HVAC, Refrigeration
//	                    Kevin O'Brien     HVAC
//	                    Steve Novak       HVAC, Gas (inactive)
//	Plumbing Service    Luis Hernandez    Plumbing, Gas, Water Heaters
//	                    Ryan Murphy       Plumbing, Drain Cleaning
//	                    Angela Rossi      Plumbing, Water Heaters
//	                    Patrick Sullivan  Plumbing, Drain Cleaning, Gas
//	Electrical Service  Jamal Washington  Electrical, Generators
//	                    Erik Lindqvist    Electrical
//	                    Sofia Nowak       Electrical, HVAC
//
// Employees: API Integration (ID 1, Admin), Frank DeLuca (Owner), Karen
// Mitchell (Dispatch), Brian Thompson and Tanya Brooks (CSR), Lisa Chen
// (Accounting), Greg Palmer (CSR, inactive).
//
// Tag types: VIP, Member, Do Not Service, Warranty, Commercial Account,
// Estimate Follow-Up (a conversion opportunity), Pets on Site, Ride-Along
// (usable on timesheet activities), and 2019 Furnace Promo (inactive).
const (
	BusinessUnitHVAC       = "HVAC Service"
	BusinessUnitPlumbing   = "Plumbing Service"
	BusinessUnitElectrical = "Electrical Service"
	// BusinessUnitInactive is the demo's one inactive business unit.
	BusinessUnitInactive = "Commercial Refrigeration"

	// IntegrationEmployeeID is the employee API writes are attributed to;
	// crm.Seed reserves the ID (crm.IntegrationUserID).
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

// Seed writes the demo tenant's settings data (see above).
func Seed(tx *resource.Tx) error {
	if err := seedEmployee(tx, &Employee{Meta: resource.Meta{ID: IntegrationEmployeeID, Active: true},
		Name: IntegrationEmployeeName, Role: "Admin", Positions: []string{"Administrator"},
		Email: ptr("api-integration@example.com")}); err != nil {
		return err
	}
	units, err := seedBusinessUnits(tx)
	if err != nil {
		return err
	}
	if err := seedTechnicians(tx, units); err != nil {
		return err
	}
	if err := seedOffice(tx, units); err != nil {
		return err
	}
	return seedTagTypes(tx)
}

func seedEmployee(tx *resource.Tx, e *Employee) error {
	uid, err := resource.NewID(tx)
	if err != nil {
		return err
	}
	e.UserID = uid
	e.RoleIDs, e.CustomFields = []int64{}, []CustomField{}
	return resource.Create(tx, &Employees, e)
}

// seedBusinessUnits returns the unit IDs by name.
func seedBusinessUnits(tx *resource.Tx) (map[string]int64, error) {
	office := &BusinessUnitAddress{Street: ptr("1550 W Fulton St"), Unit: ptr("Suite 200"), City: ptr("Chicago"),
		State: ptr("IL"), Zip: ptr("60607"), Country: ptr("USA")}
	units := []struct {
		name, code, phone string
		skills            []string
		active            bool
	}{
		{BusinessUnitHVAC, "HVAC", "(312) 555-0100", []string{SkillHVAC}, true},
		{BusinessUnitPlumbing, "PLB", "(312) 555-0101", []string{SkillPlumbing}, true},
		{BusinessUnitElectrical, "ELE", "(312) 555-0102", []string{SkillElectrical}, true},
		{BusinessUnitInactive, "REF", "(312) 555-0103", []string{SkillHVAC, SkillRefrigeration}, false},
	}
	ids := map[string]int64{}
	for _, u := range units {
		b := &BusinessUnit{
			Meta: resource.Meta{Active: u.active}, Name: u.name,
			OfficialName:             ptr("Windy City Home Services LLC"),
			Email:                    ptr("service@example.com"),
			Currency:                 ptr("USD"),
			PhoneNumber:              ptr(u.phone),
			InvoiceHeader:            ptr("<p>Windy City Home Services &middot; " + u.name + "</p>"),
			InvoiceMessage:           ptr("<p>Thank you for your business!</p>"),
			AuthorizationParagraph:   ptr("<p>I authorize the work described above.</p>"),
			AcknowledgementParagraph: ptr("<p>I acknowledge the work was completed to my satisfaction.</p>"),
			Address:                  office,
			QuickbooksClass:          ptr(u.name),
			AccountCode:              ptr(u.code),
			Skills:                   u.skills,
		}
		if u.name == BusinessUnitHVAC {
			b.ExternalData = ExternalData{DemoApplicationGUID: {{Key: "seBusinessUnitId", Value: "SE-BU-HVAC"}}}
		}
		if err := resource.Create(tx, &BusinessUnits, b); err != nil {
			return nil, err
		}
		ids[u.name] = b.ID
	}
	return ids, nil
}

// demoTechnician is one row of the technician table above.
type demoTechnician struct {
	name, login, unit, team string
	skills                  []string
	street, city, zip       string
	lat, lon                float64
	license                 string
	active                  bool
}

var demoTechnicians = []demoTechnician{
	{"Marcus Reyes", "mreyes", BusinessUnitHVAC, "North", []string{SkillHVAC, SkillGas, SkillRefrigeration}, "1420 Chicago Ave", "Evanston", "60201", 42.0478, -87.6820, LicenseManagedTech, true},
	{"Dana Kowalski", "dkowalski", BusinessUnitHVAC, "West", []string{SkillHVAC, SkillGas}, "612 S Ridgeland Ave", "Oak Park", "60304", 41.8776, -87.7802, LicenseManagedTech, true},
	{"Tyrone Jackson", "tjackson", BusinessUnitHVAC, "South", []string{SkillHVAC, SkillRefrigeration}, "9430 S Cicero Ave", "Oak Lawn", "60453", 41.7206, -87.7405, LicenseManagedTech, true},
	{"Kevin O'Brien", "kobrien", BusinessUnitHVAC, "West", []string{SkillHVAC}, "228 W Lake St", "Elmhurst", "60126", 41.9016, -87.9457, LicenseManagedInstaller, true},
	{"Steve Novak", "snovak", BusinessUnitHVAC, "South", []string{SkillHVAC, SkillGas}, "6930 W 26th St", "Berwyn", "60402", 41.8433, -87.7964, LicenseNonManagedTech, false},
	{"Luis Hernandez", "lhernandez", BusinessUnitPlumbing, "South", []string{SkillPlumbing, SkillGas, SkillWaterHeaters}, "5120 W 25th St", "Cicero", "60804", 41.8456, -87.7555, LicenseManagedTech, true},
	{"Ryan Murphy", "rmurphy", BusinessUnitPlumbing, "North", []string{SkillPlumbing, SkillDrains}, "1675 E Oakton St", "Des Plaines", "60018", 42.0228, -87.8936, LicenseManagedTech, true},
	{"Angela Rossi", "arossi", BusinessUnitPlumbing, "West", []string{SkillPlumbing, SkillWaterHeaters}, "840 S Washington St", "Naperville", "60540", 41.7605, -88.1483, LicenseManagedTech, true},
	{"Patrick Sullivan", "psullivan", BusinessUnitPlumbing, "South", []string{SkillPlumbing, SkillDrains, SkillGas}, "15020 S Ravinia Ave", "Orland Park", "60462", 41.6180, -87.8531, LicenseManagedTech, true},
	{"Jamal Washington", "jwashington", BusinessUnitElectrical, "North", []string{SkillElectrical, SkillGenerators}, "4801 Oakton St", "Skokie", "60077", 42.0256, -87.7457, LicenseManagedTech, true},
	{"Erik Lindqvist", "elindqvist", BusinessUnitElectrical, "West", []string{SkillElectrical}, "1400 E Golf Rd", "Schaumburg", "60173", 42.0500, -88.0456, LicenseManagedTech, true},
	{"Sofia Nowak", "snowak", BusinessUnitElectrical, "South", []string{SkillElectrical, SkillHVAC}, "150 W Jefferson St", "Joliet", "60432", 41.5256, -88.0840, LicenseManagedInstaller, true},
}

func seedTechnicians(tx *resource.Tx, units map[string]int64) error {
	for i, d := range demoTechnicians {
		uid, err := resource.NewID(tx)
		if err != nil {
			return err
		}
		position := "Service"
		if d.license == LicenseManagedInstaller {
			position = "Installer"
		}
		t := &Technician{
			Meta: resource.Meta{Active: d.active}, Name: d.name, UserID: uid, BusinessUnitID: ptr(units[d.unit]),
			RoleIDs: []int64{}, ZoneIDs: []int64{},
			Email:       ptr(d.login + "@example.com"),
			PhoneNumber: ptr(fmt.Sprintf("(312) 555-02%02d", i+10)),
			LoginName:   ptr(d.login),
			Home: &Address{Street: d.street, City: d.city, State: ptr("IL"), Zip: ptr(d.zip), Country: ptr("USA"),
				Latitude: ptr(d.lat), Longitude: ptr(d.lon)},
			DailyGoal: 2500 + float64(i%3)*500, LicenseType: d.license, Positions: []string{position},
			CustomFields: []CustomField{}, BurdenRate: 32.5 + float64(i%4)*2.25, Team: ptr(d.team),
			JobFilter: ptr("AllScheduledDispatchedWorkingToday"), JobHistoryDateFilter: ptr("LastSevenDays"),
			AccountLocked: false, Skills: d.skills,
		}
		if err := resource.Create(tx, &Technicians, t); err != nil {
			return err
		}
	}
	return nil
}

func seedOffice(tx *resource.Tx, units map[string]int64) error {
	office := []struct {
		name, login, role, position string
		unit                        string
		active                      bool
	}{
		{"Frank DeLuca", "fdeluca", "Owner", "BusinessOwner", "", true},
		{"Karen Mitchell", "kmitchell", "Dispatch", "Dispatcher", "", true},
		{"Brian Thompson", "bthompson", "CSR", "CSR", "", true},
		{"Tanya Brooks", "tbrooks", "CSR", "CSR", BusinessUnitPlumbing, true},
		{"Lisa Chen", "lchen", "Accounting", "Bookkeeper", "", true},
		{"Greg Palmer", "gpalmer", "CSR", "CSR", BusinessUnitHVAC, false},
	}
	for i, o := range office {
		e := &Employee{
			Meta: resource.Meta{Active: o.active}, Name: o.name, Role: o.role, Positions: []string{o.position},
			Email: ptr(o.login + "@example.com"), PhoneNumber: ptr(fmt.Sprintf("(312) 555-01%02d", i+20)), LoginName: ptr(o.login),
		}
		if o.unit != "" {
			e.BusinessUnitID = ptr(units[o.unit])
		}
		if err := seedEmployee(tx, e); err != nil {
			return err
		}
	}
	return nil
}

func seedTagTypes(tx *resource.Tx) error {
	medium, high := ptr("Medium"), ptr("High")
	tags := []TagType{
		{Name: TagVIP, Color: "#D4AF37", Code: "VIP", Importance: high},
		{Name: TagMember, Color: "#2E7D32", Code: "MBR", Importance: medium},
		{Name: TagDoNotService, Color: "#C62828", Code: "DNS", Importance: high},
		{Name: TagWarranty, Color: "#1565C0", Code: "WTY", Importance: medium},
		{Name: TagCommercialAccount, Color: "#6A1B9A", Code: "COM"},
		{Name: TagEstimateFollowUp, Color: "#EF6C00", Code: "EFU", Importance: medium, IsConversionOpportunity: true},
		{Name: TagPetsOnSite, Color: "#8D6E63", Code: "PET"},
		{Name: TagRideAlong, Color: "#00838F", Code: "RIDE", AllowToUseOnTimesheetActivity: true},
		{Name: TagInactive, Color: "#9E9E9E", Code: "PROMO19"},
	}
	for i := range tags {
		tags[i].Active = tags[i].Name != TagInactive
		if err := resource.Create(tx, &TagTypes, &tags[i]); err != nil {
			return err
		}
	}
	return nil
}
