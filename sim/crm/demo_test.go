package crm_test

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/simtest"
)

// feedBytes pulls every page of the four CRM feeds with
// includeRecentChanges and returns the raw bodies, concatenated.
func feedBytes(t *testing.T, srv *simtest.Server) []byte {
	t.Helper()
	tok := srv.Token(t)
	var out bytes.Buffer
	for _, feed := range allFeeds {
		from := ""
		for {
			r := srv.Do(t, "GET", simtest.CRM+feed+"?includeRecentChanges=true&from="+url.QueryEscape(from), tok, nil).OK(t)
			out.Write(r.Body)
			var p feedPage
			r.JSON(t, &p)
			from = p.ContinueFrom
			if !p.HasMore {
				break
			}
		}
	}
	return out.Bytes()
}

// TestDemoSeedIsDeterministic starts three servers (two in memory, one on
// bbolt): their demo tenants export byte-identical feeds. Strict response
// validation also checks every demo record against the export schemas.
func TestDemoSeedIsDeterministic(t *testing.T) {
	var bodies [][]byte
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		bodies = append(bodies, feedBytes(t, simtest.Start(t, backend)))
	})
	bodies = append(bodies, feedBytes(t, simtest.Start(t)))
	if len(bodies) != 3 || len(bodies[0]) < 100_000 {
		t.Fatalf("feeds: %d bodies, first %d bytes", len(bodies), len(bodies[0]))
	}
	for i := 1; i < len(bodies); i++ {
		if !bytes.Equal(bodies[0], bodies[i]) {
			n := 0
			for n < min(len(bodies[0]), len(bodies[i])) && bodies[0][n] == bodies[i][n] {
				n++
			}
			t.Fatalf("seed %d differs from seed 0 at byte %d: %.80q vs %.80q", i, n, bodies[0][n:], bodies[i][n:])
		}
	}
}

// demoRows reads every demo record of a feed at start.
func demoRows(t *testing.T, srv *simtest.Server, tok, feed string) []feedRow {
	t.Helper()
	rows, _ := pullAll(t, srv, tok, feed, "", true)
	return rows
}

func listIDs(t *testing.T, srv *simtest.Server, tok, query string) []int64 {
	t.Helper()
	var p page[customer]
	srv.Do(t, "GET", simtest.CRM+"/customers?"+query, tok, nil).OK(t).JSON(t, &p)
	out := []int64{}
	for _, c := range p.Data {
		out = append(out, c.ID)
	}
	return out
}

func TestDemoWellKnownRecords(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	get := func(id int64) feedRow {
		t.Helper()
		var r feedRow
		srv.Do(t, "GET", fmt.Sprintf("%s/customers/%d?externalDataApplicationGuid=%s", simtest.CRM, id, crm.DemoApplicationGUID), tok, nil).OK(t).JSON(t, &r)
		return r
	}
	phone := func(p string, active string) string {
		return url.Values{"phone": {p}, "active": {active}}.Encode()
	}

	if c := get(crm.DemoCustomerID); c.Name != "Jordan Ellison" || !c.Active || c.DoNotService || c.Type != "Residential" {
		t.Errorf("DemoCustomerID: %+v", c)
	}
	if ids := listIDs(t, srv, tok, phone(crm.DemoCustomerPhone, "Any")); fmt.Sprint(ids) != fmt.Sprint([]int64{crm.DemoCustomerID}) {
		t.Errorf("phone %s: %v, want only DemoCustomerID", crm.DemoCustomerPhone, ids)
	}
	if c := get(crm.DemoDoNotServiceCustomerID); c.Name != "Vernon Kessler" || !c.DoNotService || !c.Active {
		t.Errorf("DemoDoNotServiceCustomerID: %+v", c)
	}
	if ids := listIDs(t, srv, tok, phone(crm.DemoDoNotServicePhone, "True")); fmt.Sprint(ids) != fmt.Sprint([]int64{crm.DemoDoNotServiceCustomerID}) {
		t.Errorf("phone %s: %v", crm.DemoDoNotServicePhone, ids)
	}
	// Every shared number finds two customers, however it is typed.
	for _, p := range crm.DemoDuplicatePhones {
		digits := crm.NormalizePhone(p)
		for _, typed := range []string{p, digits, "+1 " + digits[:3] + " " + digits[3:6] + " " + digits[6:]} {
			if ids := listIDs(t, srv, tok, phone(typed, "Any")); len(ids) != 2 {
				t.Errorf("phone %q finds %v, want two customers", typed, ids)
			}
		}
	}
	if ids := listIDs(t, srv, tok, phone(crm.DemoDuplicatePhone, "True")); fmt.Sprint(ids) != fmt.Sprint([]int64{crm.DemoDuplicateCustomerID, crm.DemoDuplicateCustomerID2}) {
		t.Errorf("DemoDuplicatePhone: %v", ids)
	}
	if a, b := get(crm.DemoDuplicateCustomerID), get(crm.DemoDuplicateCustomerID2); a.Name != "Maria Gonzalez" || b.Name != "Maria Gonzales" || !a.Active || !b.Active {
		t.Errorf("duplicates: %+v / %+v", a, b)
	}
	if ids := listIDs(t, srv, tok, phone(crm.DemoInactiveDuplicatePhone, "True")); fmt.Sprint(ids) != fmt.Sprint([]int64{crm.DemoInactiveDuplicateCustomerID - 1}) {
		t.Errorf("DemoInactiveDuplicatePhone, active only: %v", ids)
	}
	if ids := listIDs(t, srv, tok, phone(crm.DemoInactiveDuplicatePhone, "Any")); fmt.Sprint(ids) != fmt.Sprint([]int64{crm.DemoInactiveDuplicateCustomerID - 1, crm.DemoInactiveDuplicateCustomerID}) {
		t.Errorf("DemoInactiveDuplicatePhone, any: %v", ids)
	}
	if c := get(crm.DemoInactiveDuplicateCustomerID); c.Name != "Derrick Owens" || c.Active {
		t.Errorf("DemoInactiveDuplicateCustomerID: %+v", c)
	}
	if c := get(crm.DemoCommercialCustomerID); c.Name != "Lakeshore Property Management" || c.Type != "Commercial" {
		t.Errorf("DemoCommercialCustomerID: %+v", c)
	}
	var locs page[location]
	srv.Do(t, "GET", fmt.Sprintf("%s/locations?customerId=%d", simtest.CRM, crm.DemoCommercialCustomerID), tok, nil).OK(t).JSON(t, &locs)
	if len(locs.Data) != 3 {
		t.Errorf("DemoCommercialCustomerID has %d locations, want 3", len(locs.Data))
	}
	ext := get(crm.DemoExternalDataCustomerID)
	if ext.Name != "Priya Raman" || !slices.ContainsFunc(ext.ExternalData, func(kv map[string]any) bool {
		return kv["key"] == crm.DemoExternalDataKey && kv["value"] == crm.DemoExternalDataValue
	}) {
		t.Errorf("DemoExternalDataCustomerID: %+v", ext)
	}
	if ids := listIDs(t, srv, tok, url.Values{"externalDataApplicationGuid": {crm.DemoApplicationGUID}, "externalDataKey": {crm.DemoExternalDataKey},
		"externalDataValues": {crm.DemoExternalDataValue}}.Encode()); fmt.Sprint(ids) != fmt.Sprint([]int64{crm.DemoExternalDataCustomerID}) {
		t.Errorf("external data lookup: %v", ids)
	}
	if c := get(crm.DemoInactiveCustomerID); c.Name != "Gerald Fitch" || c.Active {
		t.Errorf("DemoInactiveCustomerID: %+v", c)
	}
	// The pairs the demo.go table lists without a constant of their own.
	for _, pair := range []struct {
		phone string
		ids   []int64
		names []string
	}{
		{"(847) 555-0148", []int64{10, 11}, []string{"Thomas Brennan", "Kathleen Brennan"}},
		{"(630) 555-0112", []int64{17, 18}, []string{"Anthony Russo", "Russo Rentals LLC"}},
		{crm.DemoInactiveDuplicatePhone, []int64{12, 13}, []string{"Derrick Owens", "Derrick Owens"}},
	} {
		if ids := listIDs(t, srv, tok, phone(pair.phone, "Any")); fmt.Sprint(ids) != fmt.Sprint(pair.ids) {
			t.Errorf("phone %s: %v, want %v", pair.phone, ids, pair.ids)
		}
		for i, id := range pair.ids {
			if c := get(id); c.Name != pair.names[i] {
				t.Errorf("customer %d is %q, want %q", id, c.Name, pair.names[i])
			}
		}
	}
	if c := get(18); c.Type != "Commercial" {
		t.Errorf("Russo Rentals LLC: %+v", c)
	}
	var total page[customer]
	srv.Do(t, "GET", simtest.CRM+"/customers?active=Any&includeTotal=true&pageSize=1", tok, nil).OK(t).JSON(t, &total)
	if total.TotalCount == nil || *total.TotalCount != crm.DemoCustomerCount {
		t.Errorf("demo tenant has %v customers, want %d", total.TotalCount, crm.DemoCustomerCount)
	}
}

var phoneStyles = map[string]*regexp.Regexp{
	"(773) 555-0142":  regexp.MustCompile(`^\(\d{3}\) 555-01\d\d$`),
	"773-555-0142":    regexp.MustCompile(`^\d{3}-555-01\d\d$`),
	"773.555.0142":    regexp.MustCompile(`^\d{3}\.555\.01\d\d$`),
	"+1 773 555 0142": regexp.MustCompile(`^\+1 \d{3} 555 01\d\d$`),
	"7735550142":      regexp.MustCompile(`^\d{3}55501\d\d$`),
}

// TestDemoDataShape checks the promises the demo.go comment makes.
func TestDemoDataShape(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	customers := demoRows(t, srv, tok, feedCustomers)
	locations := demoRows(t, srv, tok, feedLocations)
	custContacts := demoRows(t, srv, tok, feedCustomerContacts)
	locContacts := demoRows(t, srv, tok, feedLocationContacts)

	byID := map[int64]feedRow{}
	inactive, doNotService, commercial, withFields := 0, []int64{}, 0, 0
	for i, c := range customers {
		if c.ID != int64(6+i) {
			t.Fatalf("customer %d has ID %d: demo customer IDs must run 6..305", i, c.ID)
		}
		byID[c.ID] = c
		if !c.Active {
			inactive++
		}
		if c.DoNotService {
			doNotService = append(doNotService, c.ID)
		}
		if c.Type == "Commercial" {
			commercial++
		}
		if len(c.CustomFields) > 0 {
			withFields++
		}
		lat, lon := c.Address["latitude"].(float64), c.Address["longitude"].(float64)
		if lat < 41.4 || lat > 42.3 || lon < -88.4 || lon > -87.4 || !regexp.MustCompile(`^\d{5}$`).MatchString(c.Address["zip"].(string)) {
			t.Errorf("customer %d is not in the Chicago metro area: %v", c.ID, c.Address)
		}
		if strings.Contains(strings.ToLower(c.Name), "stone") {
			t.Errorf("customer %d is named %q: the customer tests expect no demo name containing \"stone\"", c.ID, c.Name)
		}
	}
	if fmt.Sprint(doNotService) != fmt.Sprint([]int64{crm.DemoDoNotServiceCustomerID}) {
		t.Errorf("doNotService customers: %v, want exactly DemoDoNotServiceCustomerID", doNotService)
	}
	if inactive < 3 || inactive > 15 || commercial < 15 || commercial > 60 || withFields < 50 {
		t.Errorf("inactive %d, commercial %d, with custom fields %d", inactive, commercial, withFields)
	}

	perCustomer := map[int64]int{}
	multiCommercial := 0
	for _, l := range locations {
		if _, ok := byID[l.CustomerID]; !ok {
			t.Fatalf("location %d belongs to %d, not a demo customer", l.ID, l.CustomerID)
		}
		perCustomer[l.CustomerID]++
		if perCustomer[l.CustomerID] == 2 && byID[l.CustomerID].Type == "Commercial" {
			multiCommercial++
		}
	}
	for id := range byID {
		if n := perCustomer[id]; n < 1 || n > 3 {
			t.Errorf("customer %d has %d locations, want 1-3", id, n)
		}
	}
	if multiCommercial < 5 {
		t.Errorf("%d commercial customers have several locations", multiCommercial)
	}

	// Phones: 555-01xx, never area code 312, every style present, and no
	// number shared between customers except DemoDuplicatePhones.
	styles := map[string]int{}
	owners := map[string][]int64{}
	for _, c := range append(slices.Clone(custContacts), locContacts...) {
		if c.Type != "Phone" && c.Type != "MobilePhone" {
			if c.Type == "Email" && !regexp.MustCompile(`@([a-z]+\.)?example\.(com|net|org)$`).MatchString(c.Value) {
				t.Errorf("contact %d: email %q is not @example.*", c.ID, c.Value)
			}
			continue
		}
		digits := crm.NormalizePhone(c.Value)
		if strings.HasPrefix(digits, "312") || digits[3:8] != "55501" {
			t.Errorf("contact %d: %q is not an NPA-555-01xx number outside area code 312", c.ID, c.Value)
		}
		for name, re := range phoneStyles {
			if re.MatchString(c.Value) {
				styles[name]++
			}
		}
		if c.CustomerID != 0 && !slices.Contains(owners[digits], c.CustomerID) {
			owners[digits] = append(owners[digits], c.CustomerID)
		}
	}
	if len(styles) != len(phoneStyles) {
		t.Errorf("phone styles present: %v", styles)
	}
	var shared []string
	for digits, ids := range owners {
		if len(ids) > 1 {
			shared = append(shared, digits)
		}
	}
	slices.Sort(shared)
	var want []string
	for _, p := range crm.DemoDuplicatePhones {
		want = append(want, crm.NormalizePhone(p))
	}
	slices.Sort(want)
	if fmt.Sprint(shared) != fmt.Sprint(want) {
		t.Errorf("numbers on several customers: %v, want DemoDuplicatePhones %v", shared, want)
	}
}

// TestDemoRecordsPassStrictValidation reads every demo record through the
// list and contact endpoints; strict mode turns any schema break into a 500.
func TestDemoRecordsPassStrictValidation(t *testing.T) {
	// About 1,300 calls on a frozen clock: no rate limit.
	srv := simtest.Start(t, simtest.WithConfig(func(c *config.Config) { c.RateLimit = 0 }))
	tok := srv.Token(t)
	var custs page[customer]
	srv.Do(t, "GET", simtest.CRM+"/customers?active=Any&pageSize=5000&includeTotal=true", tok, nil).OK(t).JSON(t, &custs)
	var locs page[location]
	srv.Do(t, "GET", simtest.CRM+"/locations?active=Any&pageSize=5000&includeTotal=true", tok, nil).OK(t).JSON(t, &locs)
	if len(custs.Data) != crm.DemoCustomerCount || custs.HasMore || len(locs.Data) < crm.DemoCustomerCount || locs.HasMore {
		t.Fatalf("%d customers, %d locations", len(custs.Data), len(locs.Data))
	}
	// Filtered lists, in bulk: the contacts endpoints with a modified filter.
	since := "modifiedOnOrAfter=2000-01-01T00:00:00Z&pageSize=5000"
	for _, path := range []string{"/customers/contacts?" + since, "/locations/contacts?" + since} {
		r := srv.Do(t, "GET", simtest.CRM+path, tok, nil)
		if r.Status == 501 {
			t.Logf("%s is not emulated yet", path)
			continue
		}
		r.OK(t)
	}
	// And one by one.
	for _, c := range custs.Data {
		for _, sub := range []string{"", "/contacts"} {
			r := srv.Do(t, "GET", fmt.Sprintf("%s/customers/%d%s", simtest.CRM, c.ID, sub), tok, nil)
			if r.Status == 501 {
				t.Skipf("GET /customers/{id}%s is not emulated yet", sub)
			}
			r.OK(t)
		}
	}
	for _, l := range locs.Data {
		for _, sub := range []string{"", "/contacts"} {
			r := srv.Do(t, "GET", fmt.Sprintf("%s/locations/%d%s", simtest.CRM, l.ID, sub), tok, nil)
			if r.Status == 501 {
				t.Skipf("GET /locations/{id}%s is not emulated yet", sub)
			}
			r.OK(t)
		}
	}
}
