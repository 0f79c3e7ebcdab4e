package settings_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stsim/stsim/sim/simtest"
)

type userRole struct {
	ID           int64  `json:"id"`
	Active       bool   `json:"active"`
	Name         string `json:"name"`
	CreatedOn    string `json:"createdOn"`
	EmployeeType string `json:"employeeType"`
}

// roleID finds a demo user role by its exact name.
func roleID(t *testing.T, srv *simtest.Server, tok, name string) int64 {
	t.Helper()
	for _, r := range list[userRole](t, srv, tok, "/user-roles?active=Any&pageSize=100").Data {
		if r.Name == name {
			return r.ID
		}
	}
	t.Fatalf("no user role %q", name)
	return 0
}

func TestUserRoles(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		roleName := func(r userRole) string { return r.Name }

		active := list[userRole](t, srv, tok, "/user-roles")
		if got := fmt.Sprint(names(active.Data, roleName)); got != "[Administrator Owner Dispatcher Customer Service Accounting Service Technician Installer]" {
			t.Fatalf("active roles: %s", got)
		}
		if got := names(list[userRole](t, srv, tok, "/user-roles?active=False").Data, roleName); fmt.Sprint(got) != "[Apprentice]" {
			t.Fatalf("inactive roles: %v", got)
		}
		techRoles := list[userRole](t, srv, tok, "/user-roles?employeeType=Technician&active=Any")
		if got := fmt.Sprint(names(techRoles.Data, roleName)); got != "[Service Technician Installer Apprentice]" {
			t.Fatalf("technician roles: %s", got)
		}
		if n := len(list[userRole](t, srv, tok, "/user-roles?employeeType=All").Data); n != len(active.Data) {
			t.Fatalf("employeeType=All: %d roles, want %d", n, len(active.Data))
		}
		if p := list[userRole](t, srv, tok, "/user-roles?employeeType=None"); len(p.Data) != 0 || p.Data == nil {
			t.Fatalf("employeeType=None: %+v", p)
		}
		if got := names(list[userRole](t, srv, tok, "/user-roles?name=tech").Data, roleName); fmt.Sprint(got) != "[Service Technician]" {
			t.Fatalf("name=tech: %v", got)
		}
		first := active.Data[0]
		if p := list[userRole](t, srv, tok, fmt.Sprintf("/user-roles?ids=%d&pageSize=1&includeTotal=true", first.ID)); len(p.Data) != 1 || *p.TotalCount != 1 || p.Data[0] != first {
			t.Fatalf("ids: %+v", p)
		}
		if p := list[userRole](t, srv, tok, "/user-roles?pageSize=2&page=2"); len(p.Data) != 2 || !p.HasMore {
			t.Fatalf("page 2: %+v", p)
		}
		if p := list[userRole](t, srv, tok, "/user-roles?createdBefore="+first.CreatedOn); len(p.Data) != 0 {
			t.Fatalf("createdBefore the seed: %+v", p.Data)
		}

		// Every demo employee and technician holds one role of its kind.
		kinds := map[int64]string{}
		for _, r := range list[userRole](t, srv, tok, "/user-roles?active=Any").Data {
			kinds[r.ID] = r.EmployeeType
		}
		for _, e := range list[employee](t, srv, tok, "/employees?active=Any").Data {
			if len(e.RoleIDs) != 1 || kinds[e.RoleIDs[0]] != "Employee" {
				t.Errorf("employee %s has roleIds %v", e.Name, e.RoleIDs)
			}
		}
		for _, tc := range list[technician](t, srv, tok, "/technicians?active=Any").Data {
			if len(tc.RoleIDs) != 1 || kinds[tc.RoleIDs[0]] != "Technician" {
				t.Errorf("technician %s has roleIds %v", tc.Name, tc.RoleIDs)
			}
		}

		srv.Do(t, "GET", ST+"/user-roles?employeeType=Robot", tok, nil).WantError(t, 400, "employeeType")
		srv.Do(t, "GET", ST+"/user-roles?active=Sometimes", tok, nil).WantError(t, 400, "active")
		srv.Do(t, "GET", ST+"/user-roles?pageSize=0", tok, nil).WantError(t, 400, "pageSize")
	})
}

// TestRoleIDMustNameARoleOfTheUsersKind: creates and updates check roleId
// against the user roles.
func TestRoleIDMustNameARoleOfTheUsersKind(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		techRole, officeRole, retired := roleID(t, srv, tok, "Installer"), roleID(t, srv, tok, "Dispatcher"), roleID(t, srv, tok, "Apprentice")

		emp := newEmployeeBody(t, srv, tok, "Rolf Role", "rolf@example.com")
		for _, bad := range []int64{techRole, retired, 999999} {
			emp["roleId"] = bad
			srv.Do(t, "POST", ST+"/employees", tok, emp).WantError(t, 400, "roleId")
		}
		tech := newTechnicianBody(t, srv, tok, "Tia Role")
		tech["roleId"] = officeRole
		srv.Do(t, "POST", ST+"/technicians", tok, tech).WantError(t, 400, "roleId")
		tech["roleId"] = techRole
		id := idOf(t, srv.Do(t, "POST", ST+"/technicians", tok, tech))

		srv.Do(t, "PATCH", at("/technicians/%d", id), tok, map[string]any{"roleId": retired}).WantError(t, 400, "roleId")
		var tc technician
		srv.Do(t, "GET", at("/technicians/%d", id), tok, nil).OK(t).JSON(t, &tc)
		if !slices.Equal(tc.RoleIDs, []int64{techRole}) {
			t.Fatalf("a refused update changed roleIds: %v", tc.RoleIDs)
		}
	})
}
