package settings

import (
	"errors"
	"slices"
	"strings"

	"github.com/stsim/stsim/sim/optional"

	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// Employees and technicians are both users of the tenant. Rules shared by
// their creates, updates and account actions:
//
//   - Every user gets a userId from the tenant's ID sequence (so it never
//     equals another record's ID by accident) at create; it never changes.
//   - accountCreationMethod: CreateLater needs nothing more; SendInvite
//     needs an email to send the invitation to; AssignLoginAndPassword
//     needs login and password. The password is checked and dropped.
//   - A login, when given, is the user's loginName. Logins are unique among
//     all users of the tenant, ignoring case: a taken one is a 400 naming
//     "login" (the operations document 400, not 409).
//   - businessUnitId, when given and not null, must name an existing,
//     active business unit (400 "businessUnitId").
//   - roleId must name an active user role for the kind of user (userroles.go):
//     an employee role for an employee, a technician role for a technician;
//     roleIds answers it.
//
// Account actions (POST …/{id}/account-actions):
//
//   - Activate makes the record active and unlocks its account; for a
//     technician it needs licenseType and may assign truckId.
//   - Deactivate makes the record inactive (gone from active lists, and a
//     technician can no longer be assigned).
//   - SendInvite needs an active record with an email; SendPasswordResetLink
//     also needs a login. They change nothing stsim stores.
//   - The answer is {"status":"Success"}; a missing record is a 404; an
//     action that cannot apply is a 400 naming "action". Repeating Activate
//     or Deactivate succeeds without writing.

// checkAccount validates the account members of a create request.
func checkAccount(method string, email, login, password *string) error {
	if err := oneOf("accountCreationMethod", method, accountCreationMethods()); err != nil {
		return err
	}
	switch method {
	case "SendInvite":
		if strings.TrimSpace(optional.Value(email)) == "" {
			return apierr.BadRequest("email", "accountCreationMethod SendInvite needs an email to send the invitation to.")
		}
	case "AssignLoginAndPassword":
		if strings.TrimSpace(optional.Value(login)) == "" {
			return apierr.BadRequest("login", "accountCreationMethod AssignLoginAndPassword needs a login.")
		}
		if optional.Value(password) == "" {
			return apierr.BadRequest("password", "accountCreationMethod AssignLoginAndPassword needs a password.")
		}
	}
	if login != nil && strings.TrimSpace(*login) == "" {
		return apierr.BadRequest("login", "login must not be empty when given.")
	}
	return nil
}

// loginFree checks that no user other than self (an employee or technician
// ID; 0 for a new user) has the login.
func loginFree(tx *resource.Tx, login *string, self int64) error {
	key := loginKey(login)
	if key == "" {
		return nil
	}
	emps, err := resource.Lookup(tx, &Employees, "login", key)
	if err != nil {
		return err
	}
	techs, err := resource.Lookup(tx, &Technicians, "login", key)
	if err != nil {
		return err
	}
	for _, id := range append(emps, techs...) {
		if id != self {
			return apierr.BadRequest("login", "The login '"+strings.TrimSpace(*login)+"' is already taken.")
		}
	}
	return nil
}

// checkBusinessUnit checks a businessUnitId member (nil: none).
func checkBusinessUnit(tx *resource.Tx, id *int64) error {
	if id == nil {
		return nil
	}
	_, err := ActiveBusinessUnit(tx, *id)
	if errors.Is(err, resource.ErrNotFound) {
		return apierr.BadRequest("businessUnitId", "No business unit has id "+resource.IDKey(*id)+".")
	}
	return err
}

func checkRoleID(id int64) error {
	if id <= 0 {
		return apierr.BadRequest("roleId", "roleId must be a positive user role ID.")
	}
	return nil
}

// trimmed returns a copy of a login or email without surrounding spaces.
func trimmed(s *string) *string {
	if s == nil {
		return nil
	}
	return optional.Ptr(strings.TrimSpace(*s))
}

// user points at the members employees and technicians share, so that the
// rules above are written once for both.
type user struct {
	name                                     *string
	userID                                   *int64
	roleIDs                                  *[]int64
	businessUnitID                           **int64
	email, phoneNumber, loginName, aadUserID **string
	positions                                *[]string
	customFields                             *[]CustomField
	active, accountLocked                    *bool
	roleKind                                 string // RoleForEmployee or RoleForTechnician
}

func (e *Employee) user() user {
	return user{
		name: &e.Name, userID: &e.UserID, roleIDs: &e.RoleIDs, businessUnitID: &e.BusinessUnitID,
		email: &e.Email, phoneNumber: &e.PhoneNumber, loginName: &e.LoginName, aadUserID: &e.AadUserID,
		positions: &e.Positions, customFields: &e.CustomFields, active: &e.Active, accountLocked: &e.AccountLocked,
		roleKind: RoleForEmployee,
	}
}

func (t *Technician) user() user {
	return user{
		name: &t.Name, userID: &t.UserID, roleIDs: &t.RoleIDs, businessUnitID: &t.BusinessUnitID,
		email: &t.Email, phoneNumber: &t.PhoneNumber, loginName: &t.LoginName, aadUserID: &t.AadUserID,
		positions: &t.Positions, customFields: &t.CustomFields, active: &t.Active, accountLocked: &t.AccountLocked,
		roleKind: RoleForTechnician,
	}
}

// newUserIn holds the members the employee and technician create requests
// share.
type newUserIn struct {
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
	CustomFields          []customFieldIn `json:"customFields"`

	fields []CustomField // customFields, checked by checkFields
}

// check validates the shared members: name (and email, when the kind of
// user requires one) not blank, the account members, roleId, and
// positions, each one of allowed.
func (in *newUserIn) check(emailRequired bool, allowed []string) error {
	if err := api.RequireText("name", in.Name); err != nil {
		return err
	}
	if emailRequired {
		if err := api.RequireText("email", optional.Value(in.Email)); err != nil {
			return err
		}
	}
	if err := checkAccount(in.AccountCreationMethod, in.Email, in.Login, in.Password); err != nil {
		return err
	}
	if err := checkRoleID(in.RoleID); err != nil {
		return err
	}
	if in.Positions == nil {
		return apierr.BadRequest("positions", "positions is required (it may be an empty list).")
	}
	return eachOneOf("positions", in.Positions, allowed)
}

// checkFields validates the customFields.
func (in *newUserIn) checkFields() error {
	var err error
	in.fields, err = customFields("customFields", in.CustomFields)
	return err
}

// create checks the business unit and the login of a new user, allocates
// its userId and writes the shared members into u.
func (in *newUserIn) create(tx *resource.Tx, u user) error {
	if err := checkBusinessUnit(tx, in.BusinessUnitID); err != nil {
		return err
	}
	if err := checkRole(tx, in.RoleID, u.roleKind); err != nil {
		return err
	}
	if err := loginFree(tx, in.Login, 0); err != nil {
		return err
	}
	userID, err := resource.NewID(tx)
	if err != nil {
		return err
	}
	*u.name, *u.userID, *u.roleIDs, *u.businessUnitID = strings.TrimSpace(in.Name), userID, []int64{in.RoleID}, in.BusinessUnitID
	*u.email, *u.phoneNumber, *u.loginName, *u.aadUserID = trimmed(in.Email), in.PhoneNumber, trimmed(in.Login), in.AadUserID
	*u.positions, *u.customFields = slices.Clone(in.Positions), in.fields
	return nil
}

// userPatch holds the members the employee and technician update requests
// share.
type userPatch struct {
	Name           *string          `json:"name"`
	PhoneNumber    *string          `json:"phoneNumber"`
	Email          *string          `json:"email"`
	Login          *string          `json:"login"`
	BusinessUnitID api.Opt[int64]   `json:"businessUnitId"`
	RoleID         *int64           `json:"roleId"`
	Positions      *[]string        `json:"positions"`
	AadUserID      *string          `json:"aadUserId"`
	CustomFields   *[]customFieldIn `json:"customFields"`
	AccountLocked  *bool            `json:"accountLocked"`

	fields []CustomField // customFields, checked by checkFields
}

// check validates the shared members sent: name, login (and email, when
// the kind of user requires one) not blank, roleId, and positions, each one
// of allowed.
func (in *userPatch) check(emailRequired bool, allowed []string) error {
	sent := []member{{"name", in.Name}}
	if emailRequired {
		sent = append(sent, member{"email", in.Email})
	}
	if err := requireSent(append(sent, member{"login", in.Login})...); err != nil {
		return err
	}
	if in.RoleID != nil {
		if err := checkRoleID(*in.RoleID); err != nil {
			return err
		}
	}
	if in.Positions != nil {
		return eachOneOf("positions", *in.Positions, allowed)
	}
	return nil
}

// checkFields validates the customFields sent.
func (in *userPatch) checkFields() error {
	if in.CustomFields == nil {
		return nil
	}
	var err error
	in.fields, err = customFields("customFields", *in.CustomFields)
	return err
}

// apply writes the shared members sent into the user self (its record ID),
// checking the business unit and the login first. customFields are merged
// by typeId, and a blank email removes it.
func (in *userPatch) apply(tx *resource.Tx, u user, self int64) error {
	if in.BusinessUnitID.Set {
		if err := checkBusinessUnit(tx, in.BusinessUnitID.Value); err != nil {
			return err
		}
	}
	if in.Login != nil {
		if err := loginFree(tx, in.Login, self); err != nil {
			return err
		}
		*u.loginName = trimmed(in.Login)
	}
	if in.Name != nil {
		*u.name = strings.TrimSpace(*in.Name)
	}
	if in.Email != nil {
		*u.email = trimmed(in.Email)
		if **u.email == "" {
			*u.email = nil
		}
	}
	api.SetPtr(u.phoneNumber, in.PhoneNumber)
	api.SetPtr(u.aadUserID, in.AadUserID)
	if in.RoleID != nil {
		if err := checkRole(tx, *in.RoleID, u.roleKind); err != nil {
			return err
		}
		*u.roleIDs = []int64{*in.RoleID}
	}
	if in.Positions != nil {
		*u.positions = slices.Clone(*in.Positions)
	}
	api.SetOpt(u.businessUnitID, in.BusinessUnitID)
	api.SetIf(u.accountLocked, in.AccountLocked)
	if in.CustomFields != nil {
		*u.customFields = MergeCustomFields(*u.customFields, in.fields)
	}
	return nil
}

// accountActionIn is TenantSettings.V2.AccountActionRequest.
type accountActionIn struct {
	Action string `json:"action"`
}

func (in *accountActionIn) action() string { return in.Action }

// accountAction serves POST …/{id}/account-actions of a kind of users (see
// the rules above); the answer is {"status":"Success"}. actionOf reads the
// action from the body, check (nil: none) validates the rest of it, and
// more (nil: none) runs after the shared action and reports whether it
// changed the record too.
func accountAction[T any, P resource.Record[T], In any](k *resource.Kind[T], userOf func(P) user, actionOf func(*In) string, check func(*In) error, more func(P, *In) bool) api.Handler {
	return api.Action(api.OwnerKind[T, P](k), true, func(in *In) error {
		if err := oneOf("action", actionOf(in), accountActions()); err != nil {
			return err
		}
		if check != nil {
			return check(in)
		}
		return nil
	}, func(tx *resource.Tx, id int64, rec P, in *In) (any, error) {
		changed, err := userOf(rec).applyAction(k.Label+" "+resource.IDKey(id), actionOf(in))
		if err != nil {
			return nil, err
		}
		if more != nil && more(rec, in) {
			changed = true
		}
		if changed {
			if err := resource.Save[T, P](tx, k, rec); err != nil {
				return nil, err
			}
		}
		return accountActionOut{Status: "Success"}, nil
	})
}

// applyAction runs an account action on the user label names ("Employee
// 5") and reports whether it changed the record (so the caller saves it).
func (u user) applyAction(label, action string) (bool, error) {
	if err := oneOf("action", action, accountActions()); err != nil {
		return false, err
	}
	switch action {
	case "Activate":
		if *u.active && !*u.accountLocked {
			return false, nil
		}
		*u.active, *u.accountLocked = true, false
		return true, nil
	case "Deactivate":
		if !*u.active {
			return false, nil
		}
		*u.active = false
		return true, nil
	}
	// SendInvite, SendPasswordResetLink
	if !*u.active {
		return false, apierr.BadRequest("action", label+" is deactivated; Activate it before "+action+".")
	}
	if strings.TrimSpace(optional.Value(*u.email)) == "" {
		return false, apierr.BadRequest("action", label+" has no email to send to.")
	}
	if action == "SendPasswordResetLink" && strings.TrimSpace(optional.Value(*u.loginName)) == "" {
		return false, apierr.BadRequest("action", label+" has no login yet; use SendInvite.")
	}
	return false, nil
}
