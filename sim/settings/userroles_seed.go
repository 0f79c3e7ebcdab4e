package settings

import "github.com/stsim/stsim/sim/resource"

// Demo user roles, and which users hold them. SeedUserRoles runs after the
// rest of the demo tenant is seeded (it only adds IDs after everyone
// else's) and gives every employee and technician the role of its kind
// that matches its built-in role or position:
//
//	Employee roles     Administrator (API Integration), Owner, Dispatcher,
//	                   Customer Service (CSRs), Accounting
//	Technician roles   Service Technician, Installer (managed installers),
//	                   Apprentice (inactive, held by no one)
var demoRoles = []struct {
	name, kind string
	holds      func(position string) bool // by the user's first position
	active     bool
}{
	{"Administrator", RoleForEmployee, is("Administrator"), true},
	{"Owner", RoleForEmployee, is("BusinessOwner"), true},
	{"Dispatcher", RoleForEmployee, is("Dispatcher"), true},
	{"Customer Service", RoleForEmployee, is("CSR"), true},
	{"Accounting", RoleForEmployee, is("Bookkeeper"), true},
	{"Service Technician", RoleForTechnician, is("Service"), true},
	{"Installer", RoleForTechnician, is("Installer"), true},
	{"Apprentice", RoleForTechnician, is(""), false},
}

func is(position string) func(string) bool { return func(p string) bool { return p == position } }

// SeedUserRoles writes the demo roles and fills the roleIds of the demo
// employees and technicians.
func SeedUserRoles(tx *resource.Tx) error {
	ids := make([]int64, len(demoRoles))
	for i, d := range demoRoles {
		r := &UserRole{Meta: resource.Meta{Active: d.active}, Name: d.name, EmployeeType: d.kind}
		if err := resource.Create(tx, &UserRoles, r); err != nil {
			return err
		}
		ids[i] = r.ID
	}
	roleOf := func(kind string) func(string) int64 {
		return func(position string) int64 {
			for i, d := range demoRoles {
				if d.kind == kind && d.active && d.holds(position) {
					return ids[i]
				}
			}
			return 0
		}
	}
	if err := assignRoles(tx, &Employees, roleOf(RoleForEmployee)); err != nil {
		return err
	}
	return assignRoles(tx, &Technicians, roleOf(RoleForTechnician))
}

// assignRoles gives every user of a kind the role its first position maps to.
func assignRoles[T any, P interface {
	resource.Record[T]
	user() user
}](tx *resource.Tx, k *resource.Kind[T], roleFor func(position string) int64) error {
	page, err := resource.List[T, P](tx, k, resource.Query{Page: 1, PageSize: resource.MaxPageSize}, resource.Select{}, nil)
	if err != nil {
		return err
	}
	for _, rec := range page.Data {
		u := rec.user()
		if len(*u.positions) == 0 {
			continue
		}
		if id := roleFor((*u.positions)[0]); id != 0 {
			*u.roleIDs = []int64{id}
			if err := resource.Save[T, P](tx, k, rec); err != nil {
				return err
			}
		}
	}
	return nil
}
