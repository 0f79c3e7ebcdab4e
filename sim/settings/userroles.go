package settings

import (
	"errors"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// A user role (Settings > Security > User Roles) is a named set of
// permissions for either office employees or technicians: every employee
// and technician refers to its roles by roleIds, and a create or update
// naming roleId must name an active role of the right kind of user (400
// "roleId" otherwise). Roles are read-only through the API, so a
// tenant's fixture (settings.json, userRoles) is where they come from.

// Kinds of user a role is for (TenantSettings.V2.EmployeeType).
const (
	RoleForEmployee   = "Employee"
	RoleForTechnician = "Technician"
)

// UserRole is a user role.
type UserRole struct {
	resource.Meta
	Name         string `json:"name"`
	EmployeeType string `json:"employeeType"` // RoleForEmployee or RoleForTechnician
}

// UserRoles is the kind of user roles.
var userRoles = resource.Kind[UserRole]{Name: "settings.user-roles", Label: "User role"}

// userRoleOut is TenantSettings.V2.UserRoleResponse.
type userRoleOut struct {
	ID           int64         `json:"id"`
	Active       bool          `json:"active"`
	Name         string        `json:"name"`
	CreatedOn    resource.Time `json:"createdOn"`
	EmployeeType string        `json:"employeeType"`
}

func renderUserRole(_ *gin.Context, r *UserRole) userRoleOut {
	return userRoleOut{ID: r.ID, Active: r.Active, Name: r.Name, CreatedOn: r.CreatedOn, EmployeeType: r.EmployeeType}
}

// listUserRoles handles GET /user-roles: ids, active (default True), the
// two createdOn filters, name (contains, ignoring case) and employeeType:
// Employee or Technician keep the roles for that kind of user, All (or
// none given) keeps every role, None keeps none (every role is for one
// kind of user). The document takes no modifiedOn filters and no sort.
var listUserRoles = withoutQuery(api.List(&userRoles, api.ListSpec[UserRole, *UserRole]{
	Options: resource.ListOptions{DefaultActive: resource.ActiveTrue},
	Filter:  userRoleFilter,
}, renderUserRole), "modifiedBefore", "modifiedOnOrAfter")

func userRoleFilter(c *gin.Context, _ *resource.Tx) (resource.Select, func(*UserRole) bool, error) {
	kind := c.Query("employeeType")
	switch kind {
	case "", "All", "None", RoleForEmployee, RoleForTechnician:
	default:
		return resource.Select{}, nil, apierr.BadRequest("employeeType", "employeeType must be None, Employee, Technician or All.")
	}
	ofKind := func(r *UserRole) bool {
		switch kind {
		case "", "All":
			return true
		case "None":
			return false
		}
		return r.EmployeeType == kind
	}
	return resource.Select{}, api.All(ofKind, api.Contains(c, "name", func(r *UserRole) string { return r.Name })), nil
}

// checkRole fails with a 400 naming roleId unless id is an active role for
// users of kind (RoleForEmployee or RoleForTechnician).
func checkRole(tx *resource.Tx, id int64, kind string) error {
	role, err := resource.Get(tx, &userRoles, id)
	if errors.Is(err, resource.ErrNotFound) {
		return apierr.BadRequest("roleId", "No user role has id "+resource.IDKey(id)+".")
	}
	if err != nil {
		return err
	}
	switch {
	case !role.Active:
		return apierr.BadRequest("roleId", "User role "+resource.IDKey(id)+" ("+role.Name+") is inactive.")
	case role.EmployeeType != kind:
		return apierr.BadRequest("roleId", "User role "+resource.IDKey(id)+" ("+role.Name+") is for the "+role.EmployeeType+" kind of user, not "+kind+".")
	}
	return nil
}
