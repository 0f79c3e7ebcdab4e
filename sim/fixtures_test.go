package sim_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stsim/stsim/fixtures"
	"github.com/stsim/stsim/sim"
	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/simtest"
)

// copyDemo writes the embedded fixture sets to a new directory, as a user
// starting their own fixture would (cp -r fixtures mine), and returns it.
func copyDemo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(fixtures.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fixtures.FS, path)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(path)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, path), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// editFile changes one JSON file of a fixture directory.
func editFile(t *testing.T, dir, file string, edit func(doc map[string]any)) {
	t.Helper()
	path := filepath.Join(dir, "demo", file)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	if data, err = json.MarshalIndent(doc, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// seedError starts stsim on a fixture directory and returns the error
// that stops it.
func seedError(t *testing.T, dir string) error {
	t.Helper()
	cfg := config.Defaults()
	cfg.FixturesDir = dir
	s, err := sim.New(sim.Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	return s.Ready()
}

func records(doc map[string]any, kind string) []any { return doc[kind].([]any) }

// TestOwnFixture runs stsim on an edited copy of the demo fixture, as the
// README's "Your own fixture" describes: a renamed customer, an extra
// technician, a job moved to another day. The API serves the edits.
func TestOwnFixture(t *testing.T) {
	dir := copyDemo(t)
	editFile(t, dir, "crm.json", func(doc map[string]any) {
		records(doc, "customers")[0].(map[string]any)["name"] = "Jordan Q. Ellison"
	})
	editFile(t, dir, "settings.json", func(doc map[string]any) {
		doc["technicians"] = append(records(doc, "technicians"), map[string]any{
			"name": "Pat Newhire", "businessUnitId": 1429, "email": "pnewhire@example.com", "login": "pnewhire",
			"licenseType": "ManagedTech", "positions": []any{"Service"}, "skills": []any{"Plumbing"},
		})
	})
	editFile(t, dir, "jpm.json", func(doc map[string]any) {
		appt := records(doc, "jobs")[0].(map[string]any)["appointments"].([]any)[0].(map[string]any)
		appt["start"], appt["end"] = "-8d 13:00", "-8d 15:00"
		appt["arrivalWindowStart"], appt["arrivalWindowEnd"] = "-8d 13:00", "-8d 15:00"
	})
	srv := simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.FixturesDir = dir }))
	tok := srv.Token(t)

	var cust struct {
		Name string `json:"name"`
	}
	srv.Do(t, "GET", simtest.CRM+"/customers/6", tok, nil).OK(t).JSON(t, &cust)
	if cust.Name != "Jordan Q. Ellison" {
		t.Errorf("customer 6: %q", cust.Name)
	}
	var techs struct {
		Data []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"data"`
	}
	srv.Do(t, "GET", "/settings/v2/tenant/1234567/technicians?pageSize=100", tok, nil).OK(t).JSON(t, &techs)
	// 11 active demo technicians and the new one, with an ID of its own.
	if n := len(techs.Data); n != 12 || techs.Data[n-1].Name != "Pat Newhire" || techs.Data[n-1].ID == 0 {
		t.Errorf("technicians: %+v", techs.Data)
	}
	var appts struct {
		Data []struct {
			Start string `json:"start"`
		} `json:"data"`
	}
	srv.Do(t, "GET", simtest.JPM+"/appointments?jobId=1520", tok, nil).OK(t).JSON(t, &appts)
	// Monday 2026-11-23 minus 8 days is Sunday 2026-11-15, 13:00 in Chicago.
	if len(appts.Data) != 1 || !strings.HasPrefix(appts.Data[0].Start, "2026-11-15T19:00:00") {
		t.Errorf("the moved appointment: %+v", appts.Data)
	}
}

// TestBadFixture: a fixture that breaks its schemas stops stsim with the
// file, record and field of each problem; one that is not JSON, with the
// line.
func TestBadFixture(t *testing.T) {
	dir := copyDemo(t)
	editFile(t, dir, "settings.json", func(doc map[string]any) {
		tech := records(doc, "technicians")[2].(map[string]any)
		tech["phoneNumber"] = 3125550212
		tech["nickname"] = "TJ"
	})
	editFile(t, dir, "crm.json", func(doc map[string]any) {
		delete(records(doc, "customers")[1].(map[string]any)["address"].(map[string]any), "city")
	})
	editFile(t, dir, "jpm.json", func(doc map[string]any) {
		records(doc, "jobs")[0].(map[string]any)["appointments"].([]any)[0].(map[string]any)["start"] = "-7d 25:00"
	})
	err := seedError(t, dir)
	for _, want := range []string{
		"demo/settings.json: technicians[2] (Tyrone Jackson): field phoneNumber",
		"demo/settings.json: technicians[2] (Tyrone Jackson): field nickname",
		"demo/crm.json: customers[1] (Vernon Kessler): field address.city",
		`demo/jpm.json: jobs[0] (id 1520): field appointments[0].start: "-7d 25:00": no such time of day`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in: %v", want, err)
		}
	}

	if err := os.WriteFile(filepath.Join(dir, "demo", "jbce.json"), []byte("{\n  \"callReasons\": [\n    {\"name\": \"No heat\",}\n  ]\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := config.Defaults()
	cfg.FixturesDir = dir
	if _, err := sim.New(sim.Options{Config: cfg}); err == nil || !strings.Contains(err.Error(), "demo/jbce.json: line 3") {
		t.Errorf("a JSON syntax error: %v", err)
	}
}

// TestFixtureScopes: an app's scopes must be ones the simulated modules'
// operations need; another stops stsim naming the app and the scope.
func TestFixtureScopes(t *testing.T) {
	for scope, want := range map[string]string{
		"tn.crm.widgets:r":  `demo/tenant.json: apps[0] (schedule-engine): scope "tn.crm.widgets:r": no operation needs it`,
		"tn.inv.invoices:r": `scope "tn.inv.invoices:r": no simulated module's scopes start with tn.inv (they start with tn.crm, tn.dis, tn.jbce, tn.jpm, tn.mrk, tn.stt)`,
	} {
		dir := copyDemo(t)
		editFile(t, dir, "tenant.json", func(doc map[string]any) {
			app := doc["apps"].([]any)[0].(map[string]any)
			app["scopes"] = append(app["scopes"].([]any), scope)
		})
		if err := seedError(t, dir); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in: %v", want, err)
		}
	}
}

// TestFixtureUserRoles: a fixture's own user roles are served, the people
// naming them by roleId hold them, and a roleId for the wrong kind of user
// stops stsim with the file and record.
func TestFixtureUserRoles(t *testing.T) {
	dir := copyDemo(t)
	editFile(t, dir, "settings.json", func(doc map[string]any) {
		doc["userRoles"] = append(records(doc, "userRoles"), map[string]any{"id": 999000, "name": "Warehouse", "employeeType": "Technician"})
		doc["technicians"] = append(records(doc, "technicians"), map[string]any{
			"name": "Pat Newhire", "businessUnitId": 1429, "roleId": 999000, "licenseType": "ManagedTech", "positions": []any{"Service"},
		})
	})
	srv := simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.FixturesDir = dir }))
	tok := srv.Token(t)
	var techs struct {
		Data []struct {
			Name    string  `json:"name"`
			RoleIDs []int64 `json:"roleIds"`
		} `json:"data"`
	}
	srv.Do(t, "GET", "/settings/v2/tenant/1234567/technicians?pageSize=100", tok, nil).OK(t).JSON(t, &techs)
	if last := techs.Data[len(techs.Data)-1]; last.Name != "Pat Newhire" || len(last.RoleIDs) != 1 || last.RoleIDs[0] != 999000 {
		t.Errorf("the new technician: %+v", last)
	}
	var roles struct{ Data []struct{ Name string } }
	srv.Do(t, "GET", "/settings/v2/tenant/1234567/user-roles?ids=999000", tok, nil).OK(t).JSON(t, &roles)
	if len(roles.Data) != 1 || roles.Data[0].Name != "Warehouse" {
		t.Errorf("the new role: %+v", roles.Data)
	}

	editFile(t, dir, "settings.json", func(doc map[string]any) {
		records(doc, "employees")[1].(map[string]any)["roleId"] = 999000
	})
	if err := seedError(t, dir); err == nil || !strings.Contains(err.Error(), "demo/settings.json: employees[1] (Frank DeLuca)") || !strings.Contains(err.Error(), "Warehouse") {
		t.Errorf("an employee holding a technician role: %v", err)
	}
}

// TestFixtureContacts: a fixture's contact is served with its method and
// its link to a customer; a link to no customer stops stsim with the file
// and record.
func TestFixtureContacts(t *testing.T) {
	dir := copyDemo(t)
	editFile(t, dir, "crm.json", func(doc map[string]any) {
		doc["contacts"] = append(records(doc, "contacts"), map[string]any{
			"name": "Robin Vale", "contactMethods": []any{map[string]any{"type": "Email", "value": "robin.vale@example.com"}},
			"relationships": []any{map[string]any{"customerId": 8}},
		})
	})
	srv := simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.FixturesDir = dir }))
	tok := srv.Token(t)
	var people struct {
		Data []struct{ ID, Name string }
	}
	srv.Do(t, "GET", simtest.CRM+"/contacts/relationships/8", tok, nil).OK(t).JSON(t, &people)
	if len(people.Data) != 1 || people.Data[0].Name != "Robin Vale" {
		t.Fatalf("contacts of customer 8: %+v", people.Data)
	}
	var methods struct{ Data []struct{ Value string } }
	srv.Do(t, "GET", simtest.CRM+"/contacts/"+people.Data[0].ID+"/contact-methods", tok, nil).OK(t).JSON(t, &methods)
	if len(methods.Data) != 1 || methods.Data[0].Value != "robin.vale@example.com" {
		t.Errorf("the new contact's methods: %+v", methods.Data)
	}

	editFile(t, dir, "crm.json", func(doc map[string]any) {
		records(doc, "contacts")[1].(map[string]any)["relationships"] = []any{map[string]any{"customerId": 999999}}
	})
	if err := seedError(t, dir); err == nil || !strings.Contains(err.Error(), "demo/crm.json: contacts[1] (Priya Raman): no customer has id 999999") {
		t.Errorf("a contact linked to no customer: %v", err)
	}
}

// TestFixtureLeadsProjectsPings: leads (naming a job type and a campaign,
// seeded after crm), projects and GPS pings ("-5m": minutes before the
// seed) come from an edited copy of the fixture; a record the API would
// refuse stops stsim with the file and record.
// TestFixtureGeneratorCount: a customer count the generator cannot draw
// stops the seed with the file, the generator and the allowed range.
func TestFixtureGeneratorCount(t *testing.T) {
	for _, count := range []int{-1, 1001} {
		dir := copyDemo(t)
		editFile(t, dir, "crm.json", func(doc map[string]any) {
			doc["generate"].(map[string]any)["customers"].(map[string]any)["count"] = count
		})
		want := fmt.Sprintf("demo/crm.json: generate.customers: count must be 0 to 1000 (the demo phone numbers run out beyond it), not %d", count)
		if err := seedError(t, dir); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("count %d: want %q in: %v", count, want, err)
		}
	}
}

func TestFixtureLeadsProjectsPings(t *testing.T) {
	dir := copyDemo(t)
	editFile(t, dir, "crm.json", func(doc map[string]any) {
		doc["leads"] = append(records(doc, "leads"), map[string]any{
			"id": 990001, "customerId": 7, "campaignId": 1482, "jobTypeId": 1515, "summary": "Tune-up before winter.", "notes": []any{"Call after 5pm"},
		})
	})
	editFile(t, dir, "jpm.json", func(doc map[string]any) {
		doc["projects"] = append(records(doc, "projects"), map[string]any{
			"id": 990002, "name": "Basement remodel", "locationId": 306, "projectTypeId": 1957, "statusId": 1947, "startDate": "-2d", "jobIds": []any{},
		})
	})
	editFile(t, dir, "dispatch.json", func(doc map[string]any) {
		doc["gpsPings"] = append(records(doc, "gpsPings"), map[string]any{
			"provider": "acme-gps", "unitId": "1433", "unitName": "Van 1", "eventTime": "-5m", "latitude": 41.88, "longitude": -87.63,
			"street": "1 Main St", "city": "Chicago", "region": "IL", "postalCode": "60601", "message": "", "externalId": "acme-1", "isNew": true, "statusMessage": "",
		})
	})
	srv := simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.FixturesDir = dir }))
	tok := srv.Token(t)

	var lead struct {
		Status    string `json:"status"`
		JobTypeID *int64 `json:"jobTypeId"`
	}
	srv.Do(t, "GET", simtest.CRM+"/leads/990001", tok, nil).OK(t).JSON(t, &lead)
	if lead.Status != "Open" || lead.JobTypeID == nil || *lead.JobTypeID != 1515 {
		t.Errorf("the new lead: %+v", lead)
	}
	var notes struct{ Data []struct{ Text string } }
	srv.Do(t, "GET", simtest.CRM+"/leads/990001/notes", tok, nil).OK(t).JSON(t, &notes)
	if len(notes.Data) != 1 || notes.Data[0].Text != "Call after 5pm" {
		t.Errorf("the new lead's notes: %+v", notes.Data)
	}
	var project struct {
		CustomerID int64   `json:"customerId"`
		Status     *string `json:"status"`
		StartDate  string  `json:"startDate"`
	}
	srv.Do(t, "GET", simtest.JPM+"/projects/990002", tok, nil).OK(t).JSON(t, &project)
	if project.CustomerID != 6 || project.Status == nil || *project.Status != "Not Started" || !strings.HasPrefix(project.StartDate, "2026-11-21T06:00:00") {
		t.Errorf("the new project: %+v", project)
	}
	// Technician 1433 has no demo ping; the new one makes the follow-up
	// appointment of job 1961 (assigned to 1433) trackable.
	var appts struct{ Data []struct{ ID int64 } }
	srv.Do(t, "GET", simtest.JPM+"/appointments?jobId=1961", tok, nil).OK(t).JSON(t, &appts)
	srv.Do(t, "GET", fmt.Sprintf("/dispatch/v2/tenant/1234567/technician-tracking?technicianId=1433&appointmentId=%d", appts.Data[0].ID), tok, nil).OK(t)
	// The new records' IDs moved the ID sequence far past the demo's, yet
	// the booking-provider tag the demo connection is bound to keeps the
	// ID crm.json gives it.
	var conns struct {
		Connections []struct {
			BookingProviderID *int64 `json:"bookingProviderId"`
		} `json:"connections"`
	}
	srv.Control(t, "GET", "/_sim/tenants/1234567/connections", nil).OK(t).JSON(t, &conns)
	if c := conns.Connections; len(c) != 1 || c[0].BookingProviderID == nil || *c[0].BookingProviderID != 1995 {
		t.Errorf("the demo connection's tag: %+v", c)
	}

	for file, c := range map[string]struct {
		edit func(doc map[string]any)
		want string
	}{
		"crm.json": {func(doc map[string]any) { records(doc, "leads")[1].(map[string]any)["jobTypeId"] = 999999 },
			"demo/crm.json: leads[1] (id 1972): 400 One or more validation errors occurred.; jobTypeId: No job type has id 999999."},
		"jpm.json": {func(doc map[string]any) { records(doc, "projects")[0].(map[string]any)["jobIds"] = []any{1520, 1527} },
			"demo/jpm.json: projects[0] (Furnace and AC replacement): 400 One or more validation errors occurred.; jobIds[1]: "},
		"dispatch.json": {func(doc map[string]any) { records(doc, "gpsPings")[0].(map[string]any)["eventTime"] = "+5m" },
			"demo/dispatch.json: gpsPings[0]: eventTime is in the future."},
	} {
		dir := copyDemo(t)
		editFile(t, dir, file, c.edit)
		if err := seedError(t, dir); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want %q in: %v", file, c.want, err)
		}
	}
}
