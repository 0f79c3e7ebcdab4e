package settings

import (
	"errors"
	"strings"

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
//   - roleId must be positive. User roles are not emulated (UserRoles_GetList
//     is out of scope), so any positive ID is accepted; roleIds answers it.
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
	if err := oneOf("accountCreationMethod", method, accountCreationMethods); err != nil {
		return err
	}
	switch method {
	case "SendInvite":
		if strings.TrimSpace(deref(email)) == "" {
			return apierr.BadRequest("email", "accountCreationMethod SendInvite needs an email to send the invitation to.")
		}
	case "AssignLoginAndPassword":
		if strings.TrimSpace(deref(login)) == "" {
			return apierr.BadRequest("login", "accountCreationMethod AssignLoginAndPassword needs a login.")
		}
		if deref(password) == "" {
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
	return ptr(strings.TrimSpace(*s))
}

// account is what the account actions read and change of a user.
type account struct {
	label         string // "Employee 5"
	active        *bool
	accountLocked *bool
	email, login  *string
}

// applyAction runs an account action and reports whether it changed the
// record (so the caller saves it).
func (a account) applyAction(action string) (bool, error) {
	if err := oneOf("action", action, accountActions); err != nil {
		return false, err
	}
	switch action {
	case "Activate":
		if *a.active && !*a.accountLocked {
			return false, nil
		}
		*a.active, *a.accountLocked = true, false
		return true, nil
	case "Deactivate":
		if !*a.active {
			return false, nil
		}
		*a.active = false
		return true, nil
	}
	// SendInvite, SendPasswordResetLink
	if !*a.active {
		return false, apierr.BadRequest("action", a.label+" is deactivated; Activate it before "+action+".")
	}
	if strings.TrimSpace(deref(a.email)) == "" {
		return false, apierr.BadRequest("action", a.label+" has no email to send to.")
	}
	if action == "SendPasswordResetLink" && strings.TrimSpace(deref(a.login)) == "" {
		return false, apierr.BadRequest("action", a.label+" has no login yet; use SendInvite.")
	}
	return false, nil
}
