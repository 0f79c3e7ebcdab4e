package settings

import (
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
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
		ID: e.ID, UserID: e.UserID, Name: e.Name, Role: e.Role, RoleIDs: nonNil(e.RoleIDs),
		BusinessUnitID: e.BusinessUnitID, CreatedOn: e.CreatedOn, ModifiedOn: e.ModifiedOn,
		Email: e.Email, PhoneNumber: phone, LoginName: e.LoginName, CustomFields: customFieldsOut(e.CustomFields),
		Active: e.Active, AadUserID: e.AadUserID, Permissions: []permissionOut{}, AccountLocked: ptr(e.AccountLocked),
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
	var sel resource.Select
	userIDs, err := parseUserIDs(c.Query("userIds"))
	if err != nil {
		return sel, nil, err
	}
	if userIDs != nil {
		if sel.IDs, err = byUserIDs(tx, &Employees, userIDs); err != nil {
			return sel, nil, err
		}
	}
	if email := c.Query("email"); email != "" {
		sel.Index, sel.Value = "email", emailKey(&email)
	}
	return sel, api.Contains(c, "name", func(e *Employee) string { return e.Name }), nil
}

// createEmployeeIn is TenantSettings.V2.EmployeeCreateRequest.
type createEmployeeIn struct {
	Name                  string          `json:"name"`
	MobilePhoneNumber     *string         `json:"mobilePhoneNumber"`
	PhoneNumber           *string         `json:"phoneNumber"`
	Email                 string          `json:"email"`
	Login                 *string         `json:"login"`
	Password              *string         `json:"password"`
	AccountCreationMethod string          `json:"accountCreationMethod"`
	BusinessUnitID        *int64          `json:"businessUnitId"`
	RoleID                int64           `json:"roleId"`
	Positions             []string        `json:"positions"`
	AadUserID             *string         `json:"aadUserId"`
	CustomFields          []customFieldIn `json:"customFields"`
}

func (in *createEmployeeIn) check() ([]CustomField, error) {
	if err := requireText("name", in.Name); err != nil {
		return nil, err
	}
	if err := requireText("email", in.Email); err != nil {
		return nil, err
	}
	if err := checkAccount(in.AccountCreationMethod, &in.Email, in.Login, in.Password); err != nil {
		return nil, err
	}
	if err := checkRoleID(in.RoleID); err != nil {
		return nil, err
	}
	if in.Positions == nil {
		return nil, apierr.BadRequest("positions", "positions is required (it may be an empty list).")
	}
	if err := eachOneOf("positions", in.Positions, employeePositions); err != nil {
		return nil, err
	}
	return customFields("customFields", in.CustomFields)
}

// createEmployee handles POST /employees.
func createEmployee(c *gin.Context, call *api.Call) {
	var in createEmployeeIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	fields, err := in.check()
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
		userID, err := resource.NewID(tx)
		if err != nil {
			return err
		}
		e := &Employee{
			Meta: resource.Meta{Active: true}, Name: strings.TrimSpace(in.Name), UserID: userID,
			Role: roleFor(in.Positions), RoleIDs: []int64{in.RoleID}, BusinessUnitID: in.BusinessUnitID,
			Email: trimmed(&in.Email), PhoneNumber: in.PhoneNumber, MobilePhoneNumber: in.MobilePhoneNumber,
			LoginName: trimmed(in.Login), Positions: slices.Clone(in.Positions), CustomFields: fields, AadUserID: in.AadUserID,
		}
		if err := resource.Create(tx, &Employees, e); err != nil {
			return err
		}
		out = idOut{ID: e.ID}
		return nil
	})
	call.Respond(c, out, err)
}

// updateEmployeeIn is TenantSettings.V2.EmployeeUpdateRequest.
type updateEmployeeIn struct {
	Name              *string          `json:"name"`
	MobilePhoneNumber *string          `json:"mobilePhoneNumber"`
	PhoneNumber       *string          `json:"phoneNumber"`
	Email             *string          `json:"email"`
	Login             *string          `json:"login"`
	BusinessUnitID    opt[int64]       `json:"businessUnitId"`
	RoleID            *int64           `json:"roleId"`
	Positions         *[]string        `json:"positions"`
	AadUserID         *string          `json:"aadUserId"`
	CustomFields      *[]customFieldIn `json:"customFields"`
	AccountLocked     *bool            `json:"accountLocked"`
}

func (in *updateEmployeeIn) check() error {
	if err := requireSent(member{"name", in.Name}, member{"email", in.Email}, member{"login", in.Login}); err != nil {
		return err
	}
	if in.RoleID != nil {
		if err := checkRoleID(*in.RoleID); err != nil {
			return err
		}
	}
	if in.Positions != nil {
		return eachOneOf("positions", *in.Positions, employeePositions)
	}
	return nil
}

// updateEmployee handles PATCH /employees/{id}: only the members sent
// change; customFields are merged by typeId.
func updateEmployee(c *gin.Context, call *api.Call) {
	id, err := call.IDParam("id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	var in updateEmployeeIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	if err := in.check(); err != nil {
		call.Fail(c, err)
		return
	}
	var fields []CustomField
	if in.CustomFields != nil {
		if fields, err = customFields("customFields", *in.CustomFields); err != nil {
			call.Fail(c, err)
			return
		}
	}
	var out idOut
	err = call.Update(func(tx *resource.Tx) error {
		e, err := resource.Get(tx, &Employees, id)
		if err != nil {
			return err
		}
		if in.BusinessUnitID.Set {
			if err := checkBusinessUnit(tx, in.BusinessUnitID.Value); err != nil {
				return err
			}
		}
		if in.Login != nil {
			if err := loginFree(tx, in.Login, e.ID); err != nil {
				return err
			}
			e.LoginName = trimmed(in.Login)
		}
		if in.Name != nil {
			e.Name = strings.TrimSpace(*in.Name)
		}
		if in.Email != nil {
			e.Email = trimmed(in.Email)
		}
		if in.MobilePhoneNumber != nil {
			e.MobilePhoneNumber = in.MobilePhoneNumber
		}
		if in.PhoneNumber != nil {
			e.PhoneNumber = in.PhoneNumber
		}
		if in.AadUserID != nil {
			e.AadUserID = in.AadUserID
		}
		if in.RoleID != nil {
			e.RoleIDs = []int64{*in.RoleID}
		}
		if in.Positions != nil {
			e.Positions = slices.Clone(*in.Positions)
			e.Role = roleFor(e.Positions)
		}
		setOpt(&e.BusinessUnitID, in.BusinessUnitID)
		setIf(&e.AccountLocked, in.AccountLocked)
		if in.CustomFields != nil {
			e.CustomFields = mergeCustomFields(e.CustomFields, fields)
		}
		if err := resource.Save(tx, &Employees, e); err != nil {
			return err
		}
		out = idOut{ID: e.ID}
		return nil
	})
	call.Respond(c, out, err)
}

// accountActionIn is TenantSettings.V2.AccountActionRequest.
type accountActionIn struct {
	Action string `json:"action"`
}

// employeeAccountAction handles POST /employees/{id}/account-actions (see
// accounts.go for the rules).
func employeeAccountAction(c *gin.Context, call *api.Call) {
	id, err := call.IDParam("id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	var in accountActionIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	if err := oneOf("action", in.Action, accountActions); err != nil {
		call.Fail(c, err)
		return
	}
	err = call.Update(func(tx *resource.Tx) error {
		e, err := resource.Get(tx, &Employees, id)
		if err != nil {
			return err
		}
		a := account{label: "Employee " + resource.IDKey(id), active: &e.Active, accountLocked: &e.AccountLocked, email: e.Email, login: e.LoginName}
		changed, err := a.applyAction(in.Action)
		if err != nil || !changed {
			return err
		}
		return resource.Save(tx, &Employees, e)
	})
	call.Respond(c, accountActionOut{Status: "Success"}, err)
}
