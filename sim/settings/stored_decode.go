package settings

import (
	"github.com/stsim/stsim/sim/extdata"
	"github.com/stsim/stsim/sim/resource"
)

// Technicians, business units and user roles read their own stored form too
// (resource.StoredDecoder; stored.go writes it): the demo seed reads them
// back (each job's technicians, each technician's unit), and in a fresh
// process that had go-json-experiment build their codecs after all.
// Anything but the form the store writes falls back to the generic
// decoder (TestStoredDecodersReadAsGeneric, FuzzStoredDecoders).

// DecodeStored reads the technician's stored form.
func (t *Technician) DecodeStored(r *resource.StoredReader) {
	const first = resource.MetaMembers
	r.Object(func(name string) int {
		switch name {
		case "name":
			t.Name = r.String()
			return first
		case "userId":
			t.UserID = r.Int()
			return first + 1
		case "businessUnitId":
			t.BusinessUnitID = r.IntPtr()
			return first + 2
		case "roleIds":
			t.RoleIDs = r.Ints()
			return first + 3
		case "mainZoneId":
			t.MainZoneID = r.IntPtr()
			return first + 4
		case "zoneIds":
			t.ZoneIDs = r.Ints()
			return first + 5
		case "email":
			t.Email = r.StringPtr()
			return first + 6
		case "phoneNumber":
			t.PhoneNumber = r.StringPtr()
			return first + 7
		case "loginName":
			t.LoginName = r.StringPtr()
			return first + 8
		case "home":
			t.Home = new(Address)
			t.Home.decodeStored(r)
			return first + 9
		case "dailyGoal":
			t.DailyGoal = r.Float()
			return first + 10
		case "licenseType":
			t.LicenseType = r.String()
			return first + 11
		case "positions":
			t.Positions = r.Strings()
			return first + 12
		case "customFields":
			t.CustomFields = DecodeStoredFields(r)
			return first + 13
		case "aadUserId":
			t.AadUserID = r.StringPtr()
			return first + 14
		case "burdenRate":
			t.BurdenRate = r.Float()
			return first + 15
		case "team":
			t.Team = r.StringPtr()
			return first + 16
		case "jobFilter":
			t.JobFilter = r.StringPtr()
			return first + 17
		case "jobHistoryDateFilter":
			t.JobHistoryDateFilter = r.StringPtr()
			return first + 18
		case "bio":
			t.Bio = r.StringPtr()
			return first + 19
		case "memo":
			t.Memo = r.StringPtr()
			return first + 20
		case "accountLocked":
			t.AccountLocked = r.Bool()
			return first + 21
		case "truckId":
			t.TruckID = r.IntPtr()
			return first + 22
		case "skills":
			t.Skills = r.Strings()
			return first + 23
		}
		return t.Meta.DecodeStoredMember(name, r)
	})
}

// decodeStored reads a technician's stored home address.
func (a *Address) decodeStored(r *resource.StoredReader) {
	r.Object(func(name string) int {
		switch name {
		case "street":
			a.Street = r.String()
			return 0
		case "unit":
			a.Unit = r.StringPtr()
			return 1
		case "city":
			a.City = r.String()
			return 2
		case "state":
			a.State = r.StringPtr()
			return 3
		case "zip":
			a.Zip = r.StringPtr()
			return 4
		case "country":
			a.Country = r.StringPtr()
			return 5
		case "latitude":
			a.Latitude = r.FloatPtr()
			return 6
		case "longitude":
			a.Longitude = r.FloatPtr()
			return 7
		}
		return -1
	})
}

// DecodeStoredFields reads stored custom field values (never nil).
func DecodeStoredFields(r *resource.StoredReader) []CustomField {
	fields := []CustomField{}
	r.Array(func() {
		var f CustomField
		r.Object(func(name string) int {
			switch name {
			case "typeId":
				f.TypeID = r.Int()
				return 0
			case "name":
				f.Name = r.StringPtr()
				return 1
			case "value":
				f.Value = r.StringPtr()
				return 2
			}
			return -1
		})
		fields = append(fields, f)
	})
	return fields
}

// DecodeStored reads the business unit's stored form.
func (u *BusinessUnit) DecodeStored(r *resource.StoredReader) {
	const first = resource.MetaMembers
	d := &u.BusinessUnitDetails // embedded: its members are the unit's own
	r.Object(func(name string) int {
		switch name {
		case "name":
			u.Name = r.String()
			return first
		case "officialName":
			d.OfficialName = r.StringPtr()
			return first + 1
		case "email":
			d.Email = r.StringPtr()
			return first + 2
		case "currency":
			d.Currency = r.StringPtr()
			return first + 3
		case "phoneNumber":
			d.PhoneNumber = r.StringPtr()
			return first + 4
		case "invoiceHeader":
			d.InvoiceHeader = r.StringPtr()
			return first + 5
		case "invoiceMessage":
			d.InvoiceMessage = r.StringPtr()
			return first + 6
		case "defaultTaxRate":
			d.DefaultTaxRate = r.FloatPtr()
			return first + 7
		case "authorizationParagraph":
			d.AuthorizationParagraph = r.StringPtr()
			return first + 8
		case "acknowledgementParagraph":
			d.AcknowledgementParagraph = r.StringPtr()
			return first + 9
		case "address":
			d.Address = new(BusinessUnitAddress)
			d.Address.decodeStored(r)
			return first + 10
		case "materialSku":
			d.MaterialSku = r.StringPtr()
			return first + 11
		case "quickbooksClass":
			d.QuickbooksClass = r.StringPtr()
			return first + 12
		case "accountCode":
			d.AccountCode = r.StringPtr()
			return first + 13
		case "franchiseId":
			d.FranchiseID = r.StringPtr()
			return first + 14
		case "conceptCode":
			d.ConceptCode = r.StringPtr()
			return first + 15
		case "corporateContractNumber":
			d.CorporateContractNumber = r.StringPtr()
			return first + 16
		case "externalData":
			u.ExternalData = extdata.DecodeStored(r)
			return first + 17
		case "skills":
			u.Skills = r.Strings()
			return first + 18
		}
		return u.Meta.DecodeStoredMember(name, r)
	})
}

// decodeStored reads a business unit's stored address.
func (a *BusinessUnitAddress) decodeStored(r *resource.StoredReader) {
	r.Object(func(name string) int {
		switch name {
		case "street":
			a.Street = r.StringPtr()
			return 0
		case "unit":
			a.Unit = r.StringPtr()
			return 1
		case "city":
			a.City = r.StringPtr()
			return 2
		case "state":
			a.State = r.StringPtr()
			return 3
		case "zip":
			a.Zip = r.StringPtr()
			return 4
		case "country":
			a.Country = r.StringPtr()
			return 5
		}
		return -1
	})
}

// DecodeStored reads the user role's stored form (the seed checks each
// employee's and technician's roles).
func (u *UserRole) DecodeStored(r *resource.StoredReader) {
	const first = resource.MetaMembers
	r.Object(func(name string) int {
		switch name {
		case "name":
			u.Name = r.String()
			return first
		case "employeeType":
			u.EmployeeType = r.String()
			return first + 1
		}
		return u.Meta.DecodeStoredMember(name, r)
	})
}
