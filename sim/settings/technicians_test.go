package settings_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
	"github.com/stsim/stsim/sim/simtest"
)

// newTechnicianBody is a valid create request for a service technician.
func newTechnicianBody(t *testing.T, srv *simtest.Server, tok, name string) map[string]any {
	return map[string]any{
		"name": name, "accountCreationMethod": "CreateLater", "roleId": roleID(t, srv, tok, "Service Technician"), "positions": []string{"Service"},
		"licenseType": "ManagedTech",
	}
}

func TestTechnicianCreateGetUpdate(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		hvac := buID(t, srv, tok, settings.BusinessUnitHVAC)
		electrical := buID(t, srv, tok, settings.BusinessUnitElectrical)

		body := newTechnicianBody(t, srv, tok, "Omar Haddad")
		body["businessUnitId"] = hvac
		body["email"], body["phoneNumber"] = "omar.haddad@example.com", "(312) 555-0299"
		body["accountCreationMethod"] = "SendInvite"
		body["dailyGoal"], body["burdenRate"] = 3200.5, 41.25
		body["team"], body["jobFilter"], body["jobHistoryDateFilter"] = "North", "DispatchedWorking", "LastMonth"
		body["bio"], body["memo"] = "<p>NATE certified</p>", "<p>Prefers mornings</p>"
		body["home"] = map[string]any{"street": "2100 Ridge Ave", "unit": "Apt 3", "city": "Evanston", "state": "IL", "zip": "60201", "latitude": 42.05, "longitude": -87.69}
		body["customFields"] = []map[string]any{{"typeId": 5, "value": "Size L"}}
		id := idOf(t, srv.Do(t, "POST", ST+"/technicians", tok, body))

		var tc technician
		srv.Do(t, "GET", at("/technicians/%d", id), tok, nil).OK(t).JSON(t, &tc)
		if tc.Name != "Omar Haddad" || *tc.BusinessUnitID != hvac || !tc.IsManagedTech || tc.DailyGoal != 3200.5 || tc.BurdenRate != 41.25 ||
			*tc.Team != "North" || *tc.JobFilter != "DispatchedWorking" || tc.Home["streetAddress"] != "2100 Ridge Ave, Apt 3" ||
			tc.Home["city"] != "Evanston" || tc.Home["country"] != nil || tc.LoginName != nil || !tc.Active || *tc.AccountLocked ||
			!slices.Equal(tc.RoleIDs, []int64{body["roleId"].(int64)}) || tc.ZoneIDs == nil || len(tc.CustomFields) != 1 || tc.UserID == 0 {
			t.Fatalf("created technician: %+v", tc)
		}
		// The new technician has the HVAC unit's skills.
		err := resource.View(srv.Store(), simtest.Tenant, srv.Clock.Now(), func(tx *resource.Tx) error {
			rec, err := resource.Get(tx, &settings.Technicians, id)
			if err == nil && !slices.Equal(rec.Skills, []string{settings.SkillHVAC}) {
				t.Errorf("skills %v", rec.Skills)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}

		srv.Clock.Advance(time.Minute)
		patch := map[string]any{
			"name": "Omar H. Haddad", "businessUnitId": electrical, "licenseType": "NonManagedTech", "dailyGoal": nil,
			"jobFilter": nil, "team": "South", "home": map[string]any{"street": "9 Elm St", "city": "Skokie"},
			"customFields": []map[string]any{{"typeId": 5, "value": "Size XL"}}, "accountLocked": true, "email": "",
		}
		idOf(t, srv.Do(t, "PATCH", at("/technicians/%d", id), tok, patch))
		var after technician
		srv.Do(t, "GET", at("/technicians/%d", id), tok, nil).OK(t).JSON(t, &after)
		if after.Name != "Omar H. Haddad" || *after.BusinessUnitID != electrical || after.IsManagedTech || after.DailyGoal != 0 ||
			after.BurdenRate != 41.25 || after.JobFilter != nil || *after.Team != "South" || after.Home["streetAddress"] != "9 Elm St" ||
			after.Home["state"] != nil || len(after.CustomFields) != 1 || after.CustomFields[0]["value"] != "Size XL" ||
			!*after.AccountLocked || after.Email != nil || *after.PhoneNumber != "(312) 555-0299" ||
			after.ModifiedOn == tc.ModifiedOn || after.CreatedOn != tc.CreatedOn {
			t.Fatalf("patched technician: %+v", after)
		}
		idOf(t, srv.Do(t, "PATCH", at("/technicians/%d", id), tok, map[string]any{"businessUnitId": nil}))
		srv.Do(t, "GET", at("/technicians/%d", id), tok, nil).OK(t).JSON(t, &after)
		if after.BusinessUnitID != nil {
			t.Fatalf("businessUnitId null did not clear: %+v", after)
		}

		srv.Do(t, "GET", ST+"/technicians/999999", tok, nil).WantError(t, 404, "")
		srv.Do(t, "PATCH", ST+"/technicians/999999", tok, map[string]any{"name": "x"}).WantError(t, 404, "")
		srv.Do(t, "GET", at("/technicians/%d", settings.IntegrationEmployeeID), tok, nil).WantError(t, 404, "")
	})
}

func TestTechnicianValidation(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	post := func(mutate func(map[string]any)) *simtest.Response {
		b := newTechnicianBody(t, srv, tok, "Val Tech")
		mutate(b)
		return srv.Do(t, "POST", ST+"/technicians", tok, b)
	}
	post(func(b map[string]any) { b["name"] = "" }).WantError(t, 400, "name")
	post(func(b map[string]any) { b["businessUnitId"] = 424242 }).WantError(t, 400, "businessUnitId")
	post(func(b map[string]any) { b["businessUnitId"] = buID(t, srv, tok, settings.BusinessUnitInactive) }).WantError(t, 400, "businessUnitId")
	post(func(b map[string]any) { b["accountCreationMethod"] = "SendInvite" }).WantError(t, 400, "email")
	post(func(b map[string]any) {
		b["accountCreationMethod"], b["password"] = "AssignLoginAndPassword", "pw"
	}).WantError(t, 400, "login")
	post(func(b map[string]any) { b["login"] = "LChen" }).WantError(t, 400, "login")
	post(func(b map[string]any) { b["roleId"] = 0 }).WantError(t, 400, "roleId")
	post(func(b map[string]any) { b["dailyGoal"] = -1 }).WantError(t, 400, "dailyGoal")
	post(func(b map[string]any) { b["burdenRate"] = -0.5 }).WantError(t, 400, "burdenRate")
	post(func(b map[string]any) { b["home"] = map[string]any{"street": " ", "city": "Chicago"} }).WantError(t, 400, "home.street")
	post(func(b map[string]any) { b["home"] = map[string]any{"street": "1 Main St", "city": ""} }).WantError(t, 400, "home.city")
	post(func(b map[string]any) {
		b["home"] = map[string]any{"street": "1 Main St", "city": "Chicago", "latitude": 91}
	}).WantError(t, 400, "home.latitude")
	post(func(b map[string]any) { b["customFields"] = []map[string]any{{"typeId": 0}} }).WantError(t, 400, "customFields[0].typeId")
	post(func(b map[string]any) { b["licenseType"] = "Wizard" }).WantError(t, 400, "licenseType")
	post(func(b map[string]any) { b["positions"] = []string{"Service", "Juggler"} }).WantError(t, 400, "positions[1]")

	off := func(body string) *simtest.Response { return unvalidated(t, srv, tok, "POST", "/technicians", body) }
	off(`{"accountCreationMethod":"CreateLater","roleId":1,"positions":[],"licenseType":"ManagedTech"}`).WantError(t, 400, "name")
	off(`{"name":"A","accountCreationMethod":"CreateLater","roleId":1,"positions":[]}`).WantError(t, 400, "licenseType")
	off(`{"name":"A","accountCreationMethod":"CreateLater","roleId":1,"licenseType":"ManagedTech"}`).WantError(t, 400, "positions")
	off(`{"name":"A","accountCreationMethod":"CreateLater","roleId":1,"positions":[],"licenseType":"ManagedTech","jobFilter":"Whenever"}`).WantError(t, 400, "jobFilter")
	off(`{"name":"A","accountCreationMethod":"CreateLater","roleId":1,"positions":[],"licenseType":"ManagedTech","jobHistoryDateFilter":"Forever"}`).WantError(t, 400, "jobHistoryDateFilter")
	if p := list[technician](t, srv, tok, "/technicians?name=Val%20Tech&active=Any"); len(p.Data) != 0 {
		t.Fatalf("failed creates stored %d technicians", len(p.Data))
	}

	id := idOf(t, post(func(b map[string]any) { b["login"] = "valtech" }))
	patch := func(body any) *simtest.Response { return srv.Do(t, "PATCH", at("/technicians/%d", id), tok, body) }
	patch(map[string]any{"name": " "}).WantError(t, 400, "name")
	patch(map[string]any{"businessUnitId": 424242}).WantError(t, 400, "businessUnitId")
	patch(map[string]any{"login": "MREYES"}).WantError(t, 400, "login")
	patch(map[string]any{"licenseType": "Boss"}).WantError(t, 400, "licenseType")
	patch(map[string]any{"burdenRate": -3}).WantError(t, 400, "burdenRate")
	patch(map[string]any{"home": map[string]any{"street": "1 Main St"}}).WantError(t, 400, "")
	unvalidated(t, srv, tok, "PATCH", fmt.Sprintf("/technicians/%d", id), `{"home":{"street":"1 Main St"}}`).WantError(t, 400, "home.city")
	unvalidated(t, srv, tok, "PATCH", fmt.Sprintf("/technicians/%d", id), `{"positions":["Astronaut"]}`).WantError(t, 400, "positions[0]")
	idOf(t, patch(map[string]any{"login": "ValTech"}))
	srv.Do(t, "PATCH", ST+"/technicians/1.5", tok, map[string]any{}).WantError(t, 400, "id")
}

func TestTechnicianList(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	all := list[technician](t, srv, tok, "/technicians?active=Any")
	byName := map[string]technician{}
	for _, tc := range all.Data {
		byName[tc.Name] = tc
	}
	marcus, steve := byName["Marcus Reyes"], byName[settings.InactiveTechnicianName]
	nameOf := func(tc technician) string { return tc.Name }
	cases := []struct {
		query string
		want  []string
	}{
		{"name=NOVAK", []string{}},
		{"name=novak&active=Any", []string{"Steve Novak"}},
		{"name=nowak", []string{"Sofia Nowak"}},
		{"active=False", []string{"Steve Novak"}},
		{"name=ry", []string{"Ryan Murphy"}},
		{fmt.Sprintf("ids=%d,%d", marcus.ID, steve.ID), []string{"Marcus Reyes"}},
		{fmt.Sprintf("userIds=%d,%d&active=Any", marcus.UserID, steve.UserID), []string{"Marcus Reyes", "Steve Novak"}},
		{fmt.Sprintf("userIds=%d&ids=%d", marcus.UserID, steve.ID), []string{}},
		{"createdOnOrAfter=2000-01-01T00:00:00Z&name=Marcus", []string{"Marcus Reyes"}},
		{"modifiedBefore=2000-01-01T00:00:00Z", []string{}},
	}
	for _, tc := range cases {
		if got := names(list[technician](t, srv, tok, "/technicians?"+tc.query).Data, nameOf); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.query, got, tc.want)
		}
	}
	p := list[technician](t, srv, tok, "/technicians?pageSize=5&page=3&includeTotal=true")
	if *p.TotalCount != 11 || p.HasMore || len(p.Data) != 1 || p.Data[0].Name != "Sofia Nowak" {
		t.Fatalf("last page: %+v", p)
	}
	srv.Do(t, "GET", ST+"/technicians?userIds=a,b", tok, nil).WantError(t, 400, "userIds")
	srv.Do(t, "GET", ST+"/technicians?modifiedOnOrAfter=soon", tok, nil).WantError(t, 400, "modifiedOnOrAfter")
}

func TestTechnicianAccountActions(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		id := list[technician](t, srv, tok, "/technicians?active=False").Data[0].ID // Steve Novak
		path := at("/technicians/%d/account-actions", id)
		get := func() technician {
			var tc technician
			srv.Do(t, "GET", at("/technicians/%d", id), tok, nil).OK(t).JSON(t, &tc)
			return tc
		}
		srv.Do(t, "POST", path, tok, map[string]any{"action": "SendPasswordResetLink"}).WantError(t, 400, "action") // inactive
		srv.Do(t, "POST", path, tok, map[string]any{"action": "Activate"}).WantError(t, 400, "licenseType")
		srv.Do(t, "POST", path, tok, map[string]any{"action": "Activate", "licenseType": "ManagedTech"}).WantError(t, 400, "licenseType")
		unvalidated(t, srv, tok, "POST", fmt.Sprintf("/technicians/%d/account-actions", id), `{"action":"Activate","licenseType":"ManagedTech"}`).WantError(t, 400, "licenseType")
		srv.Do(t, "POST", path, tok, map[string]any{"action": "Activate", "licenseType": "ManagedTechnician", "truckId": 0}).WantError(t, 400, "truckId")
		if get().Active {
			t.Fatal("a failed Activate activated the technician")
		}

		r := srv.Do(t, "POST", path, tok, map[string]any{"action": "Activate", "licenseType": "ManagedTechnician", "truckId": 12})
		if m := r.OK(t).Map(t); m["status"] != "Success" {
			t.Fatalf("activate: %s", r.Body)
		}
		if tc := get(); !tc.Active || !tc.IsManagedTech {
			t.Fatalf("after Activate: %+v", tc)
		}
		// The technician can now be found among the active ones and assigned.
		err := resource.View(srv.Store(), simtest.Tenant, srv.Clock.Now(), func(tx *resource.Tx) error {
			_, err := settings.ActiveTechnician(tx, id)
			return err
		})
		if err != nil {
			t.Fatalf("ActiveTechnician after Activate: %v", err)
		}
		srv.Do(t, "POST", path, tok, map[string]any{"action": "SendPasswordResetLink"}).OK(t)
		srv.Do(t, "POST", path, tok, map[string]any{"action": "SendInvite"}).OK(t)

		srv.Do(t, "POST", path, tok, map[string]any{"action": "Deactivate"}).OK(t)
		if tc := get(); tc.Active {
			t.Fatalf("after Deactivate: %+v", tc)
		}
		err = resource.View(srv.Store(), simtest.Tenant, srv.Clock.Now(), func(tx *resource.Tx) error {
			_, err := settings.ActiveTechnician(tx, id)
			return err
		})
		if err == nil {
			t.Fatal("ActiveTechnician accepted a deactivated technician")
		}
		srv.Do(t, "POST", path, tok, map[string]any{"action": "Retire"}).WantError(t, 400, "action")
		srv.Do(t, "POST", ST+"/technicians/999999/account-actions", tok, map[string]any{"action": "Deactivate"}).WantError(t, 404, "")
	})
}
