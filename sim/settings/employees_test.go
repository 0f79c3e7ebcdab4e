package settings_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/settings"
	"github.com/stsim/stsim/sim/simtest"
)

// newEmployeeBody is a valid create request for a customer service employee.
func newEmployeeBody(t *testing.T, srv *simtest.Server, tok, name, email string) map[string]any {
	return map[string]any{
		"name": name, "email": email, "accountCreationMethod": "CreateLater", "roleId": roleID(t, srv, tok, "Customer Service"),
		"positions": []string{"CSR"},
	}
}

func TestEmployeeCreateGetUpdate(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		plumbing := buID(t, srv, tok, settings.BusinessUnitPlumbing)

		body := newEmployeeBody(t, srv, tok, "Nadia Farouk", "nadia.farouk@example.com")
		body["accountCreationMethod"] = "AssignLoginAndPassword"
		body["login"], body["password"] = "nfarouk", "correct horse battery staple"
		body["businessUnitId"] = plumbing
		body["phoneNumber"] = "(312) 555-0190"
		body["positions"] = []string{"Dispatcher", "CSR"}
		body["customFields"] = []map[string]any{{"typeId": 41, "value": "Night shift"}}
		id := idOf(t, srv.Do(t, "POST", ST+"/employees", tok, body))

		var e employee
		srv.Do(t, "GET", at("/employees/%d", id), tok, nil).OK(t).JSON(t, &e)
		if e.Name != "Nadia Farouk" || e.Role != "Dispatch" || !slices.Equal(e.RoleIDs, []int64{body["roleId"].(int64)}) || *e.BusinessUnitID != plumbing ||
			*e.Email != "nadia.farouk@example.com" || *e.LoginName != "nfarouk" || *e.PhoneNumber != "(312) 555-0190" ||
			!e.Active || *e.AccountLocked || e.UserID == 0 || e.UserID == id || len(e.CustomFields) != 1 || e.Permissions == nil {
			t.Fatalf("created employee: %+v", e)
		}

		srv.Clock.Advance(time.Minute)
		accounting := roleID(t, srv, tok, "Accounting")
		patch := map[string]any{
			"name": "Nadia F. Farouk", "businessUnitId": nil, "positions": []string{"Bookkeeper"}, "accountLocked": true,
			"customFields": []map[string]any{{"typeId": 42, "value": "Spanish"}}, "roleId": accounting,
		}
		if got := idOf(t, srv.Do(t, "PATCH", at("/employees/%d", id), tok, patch)); got != id {
			t.Fatalf("update answered id %d", got)
		}
		var after employee
		srv.Do(t, "GET", at("/employees/%d", id), tok, nil).OK(t).JSON(t, &after)
		if after.Name != "Nadia F. Farouk" || after.BusinessUnitID != nil || after.Role != "Accounting" || !*after.AccountLocked ||
			len(after.CustomFields) != 2 || !slices.Equal(after.RoleIDs, []int64{accounting}) || *after.LoginName != "nfarouk" ||
			after.ModifiedOn == e.ModifiedOn || after.CreatedOn != e.CreatedOn || after.UserID != e.UserID {
			t.Fatalf("patched employee: %+v", after)
		}
		// A PATCH without businessUnitId leaves it alone.
		idOf(t, srv.Do(t, "PATCH", at("/employees/%d", id), tok, map[string]any{"businessUnitId": plumbing}))
		idOf(t, srv.Do(t, "PATCH", at("/employees/%d", id), tok, map[string]any{"email": "nf@example.com"}))
		srv.Do(t, "GET", at("/employees/%d", id), tok, nil).OK(t).JSON(t, &after)
		if after.BusinessUnitID == nil || *after.BusinessUnitID != plumbing || *after.Email != "nf@example.com" {
			t.Fatalf("after partial patches: %+v", after)
		}

		srv.Do(t, "GET", ST+"/employees/999999", tok, nil).WantError(t, 404, "")
		srv.Do(t, "PATCH", ST+"/employees/999999", tok, map[string]any{"name": "x"}).WantError(t, 404, "")
		// A technician's ID is not an employee's.
		techs := list[technician](t, srv, tok, "/technicians?pageSize=1")
		srv.Do(t, "GET", at("/employees/%d", techs.Data[0].ID), tok, nil).WantError(t, 404, "")
	})
}

func TestEmployeeValidation(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	post := func(mutate func(map[string]any)) *simtest.Response {
		b := newEmployeeBody(t, srv, tok, "Val Idation", "val@example.com")
		mutate(b)
		return srv.Do(t, "POST", ST+"/employees", tok, b)
	}
	post(func(b map[string]any) { b["name"] = "  " }).WantError(t, 400, "name")
	post(func(b map[string]any) { b["email"] = "" }).WantError(t, 400, "email")
	post(func(b map[string]any) { b["businessUnitId"] = 424242 }).WantError(t, 400, "businessUnitId")
	post(func(b map[string]any) { b["businessUnitId"] = buID(t, srv, tok, settings.BusinessUnitInactive) }).WantError(t, 400, "businessUnitId")
	post(func(b map[string]any) { b["roleId"] = 0 }).WantError(t, 400, "roleId")
	post(func(b map[string]any) { b["accountCreationMethod"] = "AssignLoginAndPassword" }).WantError(t, 400, "login")
	post(func(b map[string]any) {
		b["accountCreationMethod"], b["login"] = "AssignLoginAndPassword", "vidation"
	}).WantError(t, 400, "password")
	post(func(b map[string]any) { b["login"] = "KMitchell" }).WantError(t, 400, "login") // a demo employee's, any case
	post(func(b map[string]any) { b["login"] = "mreyes" }).WantError(t, 400, "login")    // a demo technician's
	post(func(b map[string]any) {
		b["customFields"] = []map[string]any{{"typeId": 0, "value": "x"}}
	}).WantError(t, 400, "customFields[0].typeId")
	// Schema violations are caught before the handler, naming the member.
	post(func(b map[string]any) { b["positions"] = []string{"Astronaut"} }).WantError(t, 400, "positions[0]")
	post(func(b map[string]any) { b["accountCreationMethod"] = "Carrier pigeon" }).WantError(t, 400, "accountCreationMethod")

	// With request validation off the handler checks the same rules itself.
	unvalidated(t, srv, tok, "POST", "/employees", `{"email":"a@example.com","accountCreationMethod":"CreateLater","roleId":1,"positions":[]}`).WantError(t, 400, "name")
	unvalidated(t, srv, tok, "POST", "/employees", `{"name":"A","accountCreationMethod":"CreateLater","roleId":1,"positions":[]}`).WantError(t, 400, "email")
	unvalidated(t, srv, tok, "POST", "/employees", `{"name":"A","email":"a@example.com","roleId":1,"positions":[]}`).WantError(t, 400, "accountCreationMethod")
	unvalidated(t, srv, tok, "POST", "/employees", `{"name":"A","email":"a@example.com","accountCreationMethod":"CreateLater","positions":[]}`).WantError(t, 400, "roleId")
	unvalidated(t, srv, tok, "POST", "/employees", `{"name":"A","email":"a@example.com","accountCreationMethod":"CreateLater","roleId":1}`).WantError(t, 400, "positions")
	unvalidated(t, srv, tok, "POST", "/employees", `{"name":"A","email":"a@example.com","accountCreationMethod":"SendInvite","roleId":1,"positions":["Pilot"]}`).WantError(t, 400, "positions[0]")
	unvalidated(t, srv, tok, "POST", "/employees", `not json`).WantError(t, 400, "body")
	// A failed create leaves nothing behind.
	if p := list[employee](t, srv, tok, "/employees?name=Val%20Idation&active=Any"); len(p.Data) != 0 {
		t.Fatalf("failed creates stored %d employees", len(p.Data))
	}

	id := idOf(t, post(func(map[string]any) {}))
	patch := func(body any) *simtest.Response { return srv.Do(t, "PATCH", at("/employees/%d", id), tok, body) }
	patch(map[string]any{"name": ""}).WantError(t, 400, "name")
	patch(map[string]any{"email": " "}).WantError(t, 400, "email")
	patch(map[string]any{"businessUnitId": 424242}).WantError(t, 400, "businessUnitId")
	patch(map[string]any{"login": "fdeluca"}).WantError(t, 400, "login")
	patch(map[string]any{"roleId": -1}).WantError(t, 400, "roleId")
	patch(map[string]any{"positions": []string{"Nope"}}).WantError(t, 400, "positions[0]")
	patch(map[string]any{"customFields": []map[string]any{{"typeId": -2}}}).WantError(t, 400, "customFields[0].typeId")
	patch(map[string]any{"surname": "x"}).WantError(t, 400, "surname")
	srv.Do(t, "GET", ST+"/employees/abc", tok, nil).WantError(t, 400, "id")
	// Keeping one's own login is fine.
	idOf(t, patch(map[string]any{"login": "valid8"}))
	idOf(t, patch(map[string]any{"login": "VALID8"}))
}

func TestEmployeeList(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	all := list[employee](t, srv, tok, "/employees?active=Any")
	byName := map[string]employee{}
	for _, e := range all.Data {
		byName[e.Name] = e
	}
	karen := byName["Karen Mitchell"]

	nameOf := func(e employee) string { return e.Name }
	cases := []struct {
		query string
		want  []string
	}{
		{"", []string{"API Integration", "Frank DeLuca", "Karen Mitchell", "Brian Thompson", "Tanya Brooks", "Lisa Chen"}},
		{"active=False", []string{"Greg Palmer"}},
		{"active=Any&name=BR", []string{"Brian Thompson", "Tanya Brooks"}},
		{"name=mitch", []string{"Karen Mitchell"}},
		{"email=KMITCHELL@example.com", []string{"Karen Mitchell"}},
		{"email=mitchell@example.com", []string{}}, // exact match only
		{fmt.Sprintf("ids=%d,%d", karen.ID, byName["Greg Palmer"].ID), []string{"Karen Mitchell"}},
		{fmt.Sprintf("ids=%d,%d&active=Any", karen.ID, byName["Greg Palmer"].ID), []string{"Karen Mitchell", "Greg Palmer"}},
		{fmt.Sprintf("userIds=%d,%d", karen.UserID, byName["Lisa Chen"].UserID), []string{"Karen Mitchell", "Lisa Chen"}},
		{fmt.Sprintf("userIds=%d", karen.ID), []string{}}, // an employee ID is not a user ID
		{fmt.Sprintf("userIds=%d&name=lisa", karen.UserID), []string{}},
		{"createdBefore=2000-01-01T00:00:00Z", []string{}},
		{"modifiedOnOrAfter=2000-01-01T00:00:00Z&name=API", []string{"API Integration"}},
	}
	for _, tc := range cases {
		got := names(list[employee](t, srv, tok, "/employees?"+tc.query).Data, nameOf)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.query, got, tc.want)
		}
	}

	p := list[employee](t, srv, tok, "/employees?pageSize=2&page=2&includeTotal=true")
	if p.Page != 2 || p.PageSize != 2 || !p.HasMore || p.TotalCount == nil || *p.TotalCount != 6 ||
		!slices.Equal(names(p.Data, nameOf), []string{"Karen Mitchell", "Brian Thompson"}) {
		t.Fatalf("page 2: %+v", p)
	}
	if p := list[employee](t, srv, tok, "/employees?pageSize=2&page=3"); p.HasMore || len(p.Data) != 2 || p.TotalCount != nil {
		t.Fatalf("page 3: %+v", p)
	}
	srv.Do(t, "GET", ST+"/employees?active=Maybe", tok, nil).WantError(t, 400, "active")
	srv.Do(t, "GET", ST+"/employees?ids=1,x", tok, nil).WantError(t, 400, "ids")
	srv.Do(t, "GET", ST+"/employees?userIds=x", tok, nil).WantError(t, 400, "userIds")
	srv.Do(t, "GET", ST+"/employees?pageSize=0", tok, nil).WantError(t, 400, "pageSize")
	srv.Do(t, "GET", ST+"/employees?createdBefore=yesterday", tok, nil).WantError(t, 400, "createdBefore")
	unvalidated(t, srv, tok, "GET", "/employees?userIds=1,2,x", "").WantError(t, 400, "userIds")
}

func TestEmployeeAccountActions(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		id := idOf(t, srv.Do(t, "POST", ST+"/employees", tok, newEmployeeBody(t, srv, tok, "Otto Action", "otto@example.com")))
		action := func(a string) *simtest.Response {
			return srv.Do(t, "POST", at("/employees/%d/account-actions", id), tok, map[string]any{"action": a})
		}
		get := func() employee {
			var e employee
			srv.Do(t, "GET", at("/employees/%d", id), tok, nil).OK(t).JSON(t, &e)
			return e
		}
		wantSuccess := func(r *simtest.Response) {
			t.Helper()
			if m := r.OK(t).Map(t); m["status"] != "Success" || len(m) != 1 {
				t.Fatalf("answer %s", r.Body)
			}
		}
		// No login yet: an invite is fine, a password reset is not.
		wantSuccess(action("SendInvite"))
		action("SendPasswordResetLink").WantError(t, 400, "action")

		before := get()
		srv.Clock.Advance(time.Minute)
		wantSuccess(action("Deactivate"))
		if e := get(); e.Active || e.ModifiedOn == before.ModifiedOn {
			t.Fatalf("after Deactivate: %+v", e)
		}
		if p := list[employee](t, srv, tok, "/employees?name=Otto"); len(p.Data) != 0 {
			t.Fatalf("a deactivated employee is listed as active")
		}
		action("SendInvite").WantError(t, 400, "action")
		wantSuccess(action("Deactivate")) // again: no change, still Success

		idOf(t, srv.Do(t, "PATCH", at("/employees/%d", id), tok, map[string]any{"accountLocked": true, "login": "otto"}))
		wantSuccess(action("Activate"))
		if e := get(); !e.Active || *e.AccountLocked {
			t.Fatalf("after Activate: %+v", e)
		}
		wantSuccess(action("SendPasswordResetLink"))

		action("Explode").WantError(t, 400, "action")
		unvalidated(t, srv, tok, "POST", fmt.Sprintf("/employees/%d/account-actions", id), `{"action":"Explode"}`).WantError(t, 400, "action")
		srv.Do(t, "POST", ST+"/employees/999999/account-actions", tok, map[string]any{"action": "Activate"}).WantError(t, 404, "")
		srv.Do(t, "POST", at("/employees/%d/account-actions", id), tok, map[string]any{}).WantError(t, 400, "")
	})
}
