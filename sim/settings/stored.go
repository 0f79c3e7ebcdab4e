package settings

import (
	"github.com/stsim/stsim/sim/extdata"
	"github.com/stsim/stsim/sim/resource/storedjson"
)

// Technicians, employees, business units and user roles write their own
// stored form (resource.StoredAppender): few records, but in a fresh
// process go-json-experiment building the encoders of these types (wide
// ones, with addresses) was among the demo seed's costliest per type. The
// bytes are resource.MarshalStored's (TestStoredFormIsMarshalStored,
// FuzzStoredForm).

// AppendStored appends the technician's stored form.
func (t *Technician) AppendStored(b []byte) ([]byte, bool) {
	w := storedjson.Begin(b, &t.Meta)
	w.String("name", t.Name)
	w.Int("userId", t.UserID)
	w.IntPtr("businessUnitId", t.BusinessUnitID)
	w.Ints("roleIds", t.RoleIDs)
	w.IntPtr("mainZoneId", t.MainZoneID)
	w.Ints("zoneIds", t.ZoneIDs)
	w.StringPtr("email", t.Email)
	w.StringPtr("phoneNumber", t.PhoneNumber)
	w.StringPtr("loginName", t.LoginName)
	if a := t.Home; a != nil {
		w.Object("home")
		w.String("street", a.Street)
		w.StringPtr("unit", a.Unit)
		w.String("city", a.City)
		w.StringPtr("state", a.State)
		w.StringPtr("zip", a.Zip)
		w.StringPtr("country", a.Country)
		w.FloatPtr("latitude", a.Latitude)
		w.FloatPtr("longitude", a.Longitude)
		w.Close('}')
	}
	w.Float("dailyGoal", t.DailyGoal)
	w.String("licenseType", t.LicenseType)
	w.Strings("positions", t.Positions)
	AppendStoredFields(&w, t.CustomFields)
	w.StringPtr("aadUserId", t.AadUserID)
	w.Float("burdenRate", t.BurdenRate)
	w.StringPtr("team", t.Team)
	w.StringPtr("jobFilter", t.JobFilter)
	w.StringPtr("jobHistoryDateFilter", t.JobHistoryDateFilter)
	w.StringPtr("bio", t.Bio)
	w.StringPtr("memo", t.Memo)
	w.Bool("accountLocked", t.AccountLocked)
	w.IntPtr("truckId", t.TruckID)
	w.Strings("skills", t.Skills)
	return w.End()
}

// AppendStored appends the employee's stored form.
func (e *Employee) AppendStored(b []byte) ([]byte, bool) {
	w := storedjson.Begin(b, &e.Meta)
	w.String("name", e.Name)
	w.Int("userId", e.UserID)
	w.String("role", e.Role)
	w.Ints("roleIds", e.RoleIDs)
	w.IntPtr("businessUnitId", e.BusinessUnitID)
	w.StringPtr("email", e.Email)
	w.StringPtr("phoneNumber", e.PhoneNumber)
	w.StringPtr("mobilePhoneNumber", e.MobilePhoneNumber)
	w.StringPtr("loginName", e.LoginName)
	w.Strings("positions", e.Positions)
	AppendStoredFields(&w, e.CustomFields)
	w.StringPtr("aadUserId", e.AadUserID)
	w.Bool("accountLocked", e.AccountLocked)
	return w.End()
}

// AppendStored appends the user role's stored form.
func (u *UserRole) AppendStored(b []byte) ([]byte, bool) {
	w := storedjson.Begin(b, &u.Meta)
	w.String("name", u.Name)
	w.String("employeeType", u.EmployeeType)
	return w.End()
}

// AppendStored appends the business unit's stored form.
func (u *BusinessUnit) AppendStored(b []byte) ([]byte, bool) {
	w := storedjson.Begin(b, &u.Meta)
	w.String("name", u.Name)
	d := &u.BusinessUnitDetails // embedded: its members are the unit's own
	w.StringPtr("officialName", d.OfficialName)
	w.StringPtr("email", d.Email)
	w.StringPtr("currency", d.Currency)
	w.StringPtr("phoneNumber", d.PhoneNumber)
	w.StringPtr("invoiceHeader", d.InvoiceHeader)
	w.StringPtr("invoiceMessage", d.InvoiceMessage)
	w.FloatPtr("defaultTaxRate", d.DefaultTaxRate)
	w.StringPtr("authorizationParagraph", d.AuthorizationParagraph)
	w.StringPtr("acknowledgementParagraph", d.AcknowledgementParagraph)
	if a := d.Address; a != nil {
		w.Object("address")
		w.StringPtr("street", a.Street)
		w.StringPtr("unit", a.Unit)
		w.StringPtr("city", a.City)
		w.StringPtr("state", a.State)
		w.StringPtr("zip", a.Zip)
		w.StringPtr("country", a.Country)
		w.Close('}')
	}
	w.StringPtr("materialSku", d.MaterialSku)
	w.StringPtr("quickbooksClass", d.QuickbooksClass)
	w.StringPtr("accountCode", d.AccountCode)
	w.StringPtr("franchiseId", d.FranchiseID)
	w.StringPtr("conceptCode", d.ConceptCode)
	w.StringPtr("corporateContractNumber", d.CorporateContractNumber)
	extdata.AppendStored(&w, u.ExternalData)
	w.Strings("skills", u.Skills)
	return w.End()
}

// AppendStoredFields writes custom field values as a record's
// "customFields" member (nothing for nil).
func AppendStoredFields(w *storedjson.Writer, fields []CustomField) {
	if fields == nil {
		return
	}
	w.Array("customFields")
	for _, f := range fields {
		w.Element()
		w.Int("typeId", f.TypeID)
		w.StringPtr("name", f.Name)
		w.StringPtr("value", f.Value)
		w.Close('}')
	}
	w.Close(']')
}
