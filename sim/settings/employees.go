package settings

import (
	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/optional"
	"github.com/stsim/stsim/sim/resource"
)

// employeeOut is TenantSettings.V2.EmployeeResponse (and the export item,
// ExportEmployeeResponse, which has the same members).
type employeeOut struct {
	ID             int64            `json:"id"`
	UserID         int64            `json:"userId"`
	Name           string           `json:"name"`
	Role           string           `json:"role"`
	RoleIDs        []int64          `json:"roleIds"`
	BusinessUnitID *int64           `json:"businessUnitId"`
	CreatedOn      resource.Time    `json:"createdOn"`
	ModifiedOn     resource.Time    `json:"modifiedOn"`
	Email          *string          `json:"email"`
	PhoneNumber    *string          `json:"phoneNumber"`
	LoginName      *string          `json:"loginName"`
	CustomFields   []customFieldOut `json:"customFields"`
	Active         bool             `json:"active"`
	AadUserID      *string          `json:"aadUserId"`
	Permissions    []permissionOut  `json:"permissions"`
	AccountLocked  *bool            `json:"accountLocked"`
}

// renderEmployee answers phoneNumber with the office phone, or the mobile
// phone when there is none.
func renderEmployee(_ *gin.Context, e *Employee) employeeOut {
	phone := e.PhoneNumber
	if phone == nil {
		phone = e.MobilePhoneNumber
	}
	return employeeOut{
		ID: e.ID, UserID: e.UserID, Name: e.Name, Role: e.Role, RoleIDs: optional.NonNil(e.RoleIDs),
		BusinessUnitID: e.BusinessUnitID, CreatedOn: e.CreatedOn, ModifiedOn: e.ModifiedOn,
		Email: e.Email, PhoneNumber: phone, LoginName: e.LoginName, CustomFields: customFieldsOut(e.CustomFields),
		Active: e.Active, AadUserID: e.AadUserID, Permissions: []permissionOut{}, AccountLocked: optional.Ptr(e.AccountLocked),
	}
}

// roleFor derives the built-in role (the deprecated "role" member) from an
// employee's company positions: the first position that maps to a role
// wins; GeneralOffice otherwise.
func roleFor(positions []string) string {
	roles := map[string]string{
		"Administrator": "Admin", "BusinessOwner": "Owner", "GeneralManager": "Owner",
		"Dispatcher": "Dispatch", "DispatchManager": "Dispatch",
		"CSR": "CSR", "CsrManager": "CSR", "AnsweringService": "CSR", "InsideSales": "CSR",
		"Bookkeeper": "Accounting", "PayrollManager": "Accounting",
		"SalesManager": "SalesManager", "ServiceManager": "FieldManager", "InstallProductionManager": "FieldManager",
	}
	for _, p := range positions {
		if r, ok := roles[p]; ok {
			return r
		}
	}
	return "GeneralOffice"
}

// employeeFilter applies userIds (index), email (exact, ignoring case;
// index) and name (contains, ignoring case).
func employeeFilter(c *gin.Context, tx *resource.Tx) (resource.Select, func(*Employee) bool, error) {
	sel, err := selectUsers(c, tx, &Employees)
	if err != nil {
		return sel, nil, err
	}
	if email := c.Query("email"); email != "" {
		sel.Index, sel.Value = "email", emailKey(&email)
	}
	return sel, api.Contains(c, "name", func(e *Employee) string { return e.Name }), nil
}

// createEmployeeIn is TenantSettings.V2.EmployeeCreateRequest.
type createEmployeeIn struct {
	newUserIn
	MobilePhoneNumber *string `json:"mobilePhoneNumber"`
}

// createEmployee handles POST /employees: an employee needs an email.
var createEmployee = api.Create(func(in *createEmployeeIn) error {
	if err := in.check(true, employeePositions()); err != nil {
		return err
	}
	return in.checkFields()
}, func(tx *resource.Tx, in *createEmployeeIn) (idOut, error) {
	e := &Employee{Meta: resource.Meta{Active: true}, Role: roleFor(in.Positions), MobilePhoneNumber: in.MobilePhoneNumber}
	if err := in.create(tx, e.user()); err != nil {
		return idOut{}, err
	}
	if err := resource.Create(tx, &Employees, e); err != nil {
		return idOut{}, err
	}
	return idOut{ID: e.ID}, nil
})

// updateEmployeeIn is TenantSettings.V2.EmployeeUpdateRequest.
type updateEmployeeIn struct {
	userPatch
	MobilePhoneNumber *string `json:"mobilePhoneNumber"`
}

// updateEmployee handles PATCH /employees/{id}: only the members sent
// change; customFields are merged by typeId. name, email and login, when
// sent, must not be blank.
var updateEmployee = api.Patch(&Employees, func(in *updateEmployeeIn) error {
	if err := in.check(true, employeePositions()); err != nil {
		return err
	}
	return in.checkFields()
}, func(tx *resource.Tx, e *Employee, in *updateEmployeeIn) error {
	if err := in.apply(tx, e.user(), e.ID); err != nil {
		return err
	}
	api.SetPtr(&e.MobilePhoneNumber, in.MobilePhoneNumber)
	if in.Positions != nil {
		e.Role = roleFor(e.Positions)
	}
	return nil
}, func(e *Employee, _ *updateEmployeeIn) idOut { return idOut{ID: e.ID} })

// employeeAccountAction handles POST /employees/{id}/account-actions (see
// accounts.go for the rules).
var employeeAccountAction = accountAction(&Employees, (*Employee).user, (*accountActionIn).action, nil, nil)
