package crm

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/stsim/stsim/sim/resource"
)

// Demo data: Seed gives every tenant it seeds (the demo tenant 1234567) a
// customer base of a heating, cooling and plumbing contractor in the
// Chicago metro area. It is generated from a fixed seed, so every start
// writes the same records with the same IDs; only createdOn/modifiedOn
// follow the clock (the server's start time).
//
// Shape: DemoCustomerCount customers (IDs 6 to 305, in that order), about
// one in ten "Commercial"; 1–3 locations each (IDs from 306 on), then the
// customer contacts, then the location contacts. Phone numbers are all
// NPA-555-01xx in the local area codes (DemoPhoneAreaCodes, never 312) and
// deliberately formatted every which way: "(773) 555-0142", "773.555.0142",
// "+1 773 555 0142", "773-555-0142", "7735550142". Emails are @example.*.
// A few customers are inactive, some have custom field values, some carry
// external data under DemoApplicationGUID.
//
// Well-known records (IDs are stable; the tests check every line):
//
//	 6      DemoCustomerID              Jordan Ellison, Naperville: the plain case, one location,
//	                                    phone DemoCustomerPhone (630) 555-0187 matches only him
//	 7      DemoDoNotServiceCustomerID  Vernon Kessler, Oak Lawn: doNotService = true, the only one;
//	                                    phone DemoDoNotServicePhone 708.555.0166
//	 8, 9   DemoDuplicateCustomerID,    Maria Gonzalez / Maria Gonzales, same Pilsen address: one person
//	        DemoDuplicateCustomerID2    entered twice, both active; both list DemoDuplicatePhone
//	                                    (773) 555-0123 (as "+1 773 555 0123" on the second)
//	10, 11  (spouses)                   Thomas and Kathleen Brennan, Evanston: (847) 555-0148 on both
//	12, 13  DemoInactiveDuplicate-      Derrick Owens twice: 12 active, 13 an older, inactive record;
//	        CustomerID (13)             phone DemoInactiveDuplicatePhone (773) 555-0131 finds one with
//	                                    active=True, both with active=Any
//	14      DemoCommercialCustomerID    Lakeshore Property Management, Commercial, 3 locations
//	15      DemoExternalDataCustomerID  Priya Raman, Schaumburg: externalData under DemoApplicationGUID,
//	                                    seCustomerId = SE-100001 (DemoExternalDataKey/Value)
//	16      DemoInactiveCustomerID      Gerald Fitch, Berwyn: inactive
//	17, 18  (landlord)                  Anthony Russo and his Russo Rentals LLC (Commercial, 2 locations)
//	                                    share (630) 555-0112
//
// DemoDuplicatePhones lists the four shared numbers. IDs 1–5 are the
// integration user and the four custom field types (Seed). No other pair of
// demo customers shares a number, and no demo number uses area code 312, so
// tests can create (312) 555-01xx customers without meeting demo records.
const (
	// DemoApplicationGUID is the application whose external data the demo
	// customers and locations carry (key seCustomerId / seLocationId).
	DemoApplicationGUID = "d3e0c6a2-5b7f-4e21-9c4a-57a1a0de0001"
	// DemoCustomerCount is how many customers the demo tenant starts with.
	DemoCustomerCount = 300

	DemoCustomerID                   int64 = 6
	DemoCustomerPhone                      = "(630) 555-0187"
	DemoDoNotServiceCustomerID       int64 = 7
	DemoDoNotServicePhone                  = "708.555.0166"
	DemoDuplicateCustomerID          int64 = 8
	DemoDuplicateCustomerID2         int64 = 9
	DemoDuplicatePhone                     = "(773) 555-0123"
	DemoInactiveDuplicateCustomerID  int64 = 13 // 12 is the active record with the same name and phone
	DemoInactiveDuplicatePhone             = "(773) 555-0131"
	DemoCommercialCustomerID         int64 = 14
	DemoExternalDataCustomerID       int64 = 15
	DemoExternalDataKey                    = "seCustomerId"
	DemoExternalDataValue                  = "SE-100001"
	DemoInactiveCustomerID           int64 = 16
	demoRandomSeed1, demoRandomSeed2       = 1234567, 2026
)

// DemoDuplicatePhones are the numbers two demo customers share.
var DemoDuplicatePhones = []string{"(773) 555-0123", "(847) 555-0148", "(773) 555-0131", "(630) 555-0112"}

// demoFieldTypes are the custom field types Seed created.
type demoFieldTypes struct {
	gateCode, contactTime, equipment, pets *CustomFieldType
}

type demoCustomer struct {
	rec       Customer
	contacts  []*Contact
	locations []*demoLocation
}

type demoLocation struct {
	rec      Location
	contacts []*Contact
}

// seedDemo writes the demo customers: customers first (so their IDs are
// contiguous), then locations, then customer and location contacts.
func seedDemo(tx *resource.Tx, ft demoFieldTypes) error {
	custs := demoCustomers(ft)
	for _, dc := range custs {
		if err := resource.Create(tx, &Customers, &dc.rec); err != nil {
			return err
		}
	}
	for _, dc := range custs {
		for _, dl := range dc.locations {
			dl.rec.CustomerID = dc.rec.ID
			if err := resource.Create(tx, &Locations, &dl.rec); err != nil {
				return err
			}
		}
	}
	for _, dc := range custs {
		for _, c := range dc.contacts {
			c.OwnerID = dc.rec.ID
			if err := resource.Create(tx, &CustomerContacts, c); err != nil {
				return err
			}
		}
	}
	for _, dc := range custs {
		for _, dl := range dc.locations {
			for _, c := range dl.contacts {
				c.OwnerID = dl.rec.ID
				if err := resource.Create(tx, &LocationContacts, c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// demoGen draws the random part of the demo data.
type demoGen struct {
	r          *rand.Rand
	ft         demoFieldTypes
	lines      map[string][]string // area code -> unused line numbers ("0100".."0199"), shuffled
	used       map[string]bool     // ten-digit numbers handed out
	placeTotal int
	businesses int // next of demoBusinesses
	extSerial  int // last SE-1xxxxx handed out
}

// demoCustomers builds the demo customers in ID order, a pure function of
// the custom field types.
func demoCustomers(ft demoFieldTypes) []*demoCustomer {
	g := &demoGen{r: rand.New(rand.NewPCG(demoRandomSeed1, demoRandomSeed2)), ft: ft, lines: map[string][]string{}, used: map[string]bool{}, extSerial: 100001}
	for _, ac := range DemoPhoneAreaCodes {
		perm := g.r.Perm(100)
		lines := make([]string, len(perm))
		for i, p := range perm {
			lines[i] = "01" + twoDigits(p)
		}
		g.lines[ac] = lines
	}
	for _, p := range demoPlaces {
		g.placeTotal += p.weight
	}
	custs := g.wellKnown()
	for len(custs) < DemoCustomerCount {
		custs = append(custs, g.customer())
	}
	return custs
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func ptr[T any](v T) *T { return &v }

// --- the well-known customers ---

func (g *demoGen) wellKnown() []*demoCustomer {
	// Reserve their numbers so that no random customer gets one.
	for _, n := range []string{"6305550187", "7085550166", "7735550123", "8475550148", "2245550119",
		"7735550131", "8725550100", "7735550170", "7085550152", "8475550133", "2245550177", "7085550109",
		"6305550112", "6305550161", "6305550124"} {
		g.used[n] = true
	}
	naperville, oakLawn, pilsen := g.placeByZip("60540"), g.placeByZip("60453"), g.placeByZip("60608")
	evanston, chatham, streeterville := g.placeByZip("60201"), g.placeByZip("60620"), g.placeByZip("60611")
	rogersPark, oakPark, schaumburg := g.placeByZip("60626"), g.placeByZip("60302"), g.placeByZip("60193")
	berwyn, elmhurst, lombard := g.placeByZip("60402"), g.placeByZip("60126"), g.placeByZip("60148")

	residential := func(name string, addr Address, contacts ...*Contact) *demoCustomer {
		dc := &demoCustomer{rec: Customer{Meta: resource.Meta{Active: true}, Name: name, Type: "Residential", Address: addr,
			CreatedByID: IntegrationUserID, TagTypeIDs: []int64{}, CustomFields: []CustomField{}}, contacts: contacts}
		loc := g.newLocation(name, addr)
		if len(contacts) > 0 && contacts[0].Type != "Email" {
			loc.contacts = append(loc.contacts, contact(contacts[0].Type, contacts[0].Value, nil))
		}
		dc.locations = []*demoLocation{loc}
		return dc
	}

	ellison := residential("Jordan Ellison", g.address(naperville, "1548 Briarwood Dr", nil),
		contact("MobilePhone", DemoCustomerPhone, nil), contact("Email", "jordan.ellison@example.com", nil))
	ellison.rec.CustomFields = []CustomField{g.field(g.ft.contactTime, "Morning")}
	ellison.locations[0].rec.CustomFields = []CustomField{g.field(g.ft.equipment, "Basement")}

	kessler := residential("Vernon Kessler", g.address(oakLawn, "4820 W 95th St", nil),
		contact("Phone", DemoDoNotServicePhone, ptr("home")))
	kessler.rec.DoNotService = true
	kessler.rec.Balance = 412.75

	gonzalez := residential("Maria Gonzalez", g.address(pilsen, "1843 S Laflin St", ptr("Apt 2")),
		contact("MobilePhone", DemoDuplicatePhone, nil), contact("Email", "maria.gonzalez@example.com", nil))
	gonzales := residential("Maria Gonzales", g.address(pilsen, "1843 S Laflin St", ptr("Apt 2")),
		contact("MobilePhone", "+1 773 555 0123", nil))

	thomas := residential("Thomas Brennan", g.address(evanston, "1407 Hinman Ave", nil),
		contact("Phone", "847-555-0148", ptr("home")), contact("Email", "tbrennan@example.net", nil))
	kathleen := residential("Kathleen Brennan", g.address(evanston, "1407 Hinman Ave", nil),
		contact("Phone", "8475550148", ptr("home")), contact("MobilePhone", "(224) 555-0119", ptr("cell")))

	owens := residential("Derrick Owens", g.address(chatham, "8123 S Bishop St", nil),
		contact("MobilePhone", DemoInactiveDuplicatePhone, nil), contact("Email", "d.owens@example.com", nil))
	owensOld := residential("Derrick Owens", g.address(chatham, "7710 S Paulina St", nil),
		contact("Phone", "773.555.0131", nil))
	owensOld.rec.Active = false
	owensOld.locations[0].rec.Active = false

	lakeshore := &demoCustomer{rec: Customer{Meta: resource.Meta{Active: true}, Name: "Lakeshore Property Management", Type: "Commercial",
		Address: g.address(streeterville, "233 E Ontario St", ptr("Suite 1400")), Balance: 2380.00, CreatedByID: IntegrationUserID,
		TagTypeIDs: []int64{}, CustomFields: []CustomField{g.field(g.ft.contactTime, "Afternoon")}},
		contacts: []*Contact{contact("Phone", "(872) 555-0100", ptr("office")), contact("Email", "service@lakeshorepm.example.com", ptr("work orders"))}}
	for _, site := range []struct {
		name, street, phone, equipment string
		place                          *demoPlace
	}{
		{"Lakeshore PM - Farwell Courtyard", "1420 W Farwell Ave", "(773) 555-0170", "Rooftop", rogersPark},
		{"Lakeshore PM - Oak Park Lofts", "845 Madison St", "708-555-0152", "Basement", oakPark},
		{"Lakeshore PM - Evanston Commons", "1600 Chicago Ave", "+1 847 555 0133", "Mechanical room", evanston},
	} {
		loc := g.newLocation(site.name, g.address(site.place, site.street, nil))
		loc.contacts = []*Contact{contact("Phone", site.phone, ptr("Site manager"))}
		loc.rec.CustomFields = []CustomField{g.field(g.ft.equipment, site.equipment), g.field(g.ft.pets, "false")}
		lakeshore.locations = append(lakeshore.locations, loc)
	}

	raman := residential("Priya Raman", g.address(schaumburg, "1022 Kensington Ct", nil),
		contact("MobilePhone", "(224) 555-0177", nil), contact("Email", "priya.raman@example.org", nil))
	raman.rec.ExternalData = ExternalData{DemoApplicationGUID: {{Key: DemoExternalDataKey, Value: DemoExternalDataValue}, {Key: "source", Value: "online-booking"}}}
	raman.locations[0].rec.ExternalData = ExternalData{DemoApplicationGUID: {{Key: "seLocationId", Value: "SE-L-100001"}}}

	fitch := residential("Gerald Fitch", g.address(berwyn, "3418 Grove Ave", nil), contact("Phone", "(708) 555-0109", nil))
	fitch.rec.Active = false

	russo := residential("Anthony Russo", g.address(elmhurst, "355 N Kenilworth Ave", nil),
		contact("MobilePhone", "(630) 555-0112", nil), contact("Email", "anthony.russo@example.com", nil))
	rentals := &demoCustomer{rec: Customer{Meta: resource.Meta{Active: true}, Name: "Russo Rentals LLC", Type: "Commercial",
		Address: g.address(elmhurst, "355 N Kenilworth Ave", nil), CreatedByID: IntegrationUserID, TagTypeIDs: []int64{}, CustomFields: []CustomField{}},
		contacts: []*Contact{contact("Phone", "630.555.0112", ptr("Anthony, owner"))}}
	for _, site := range []struct{ name, street, unit, tenantPhone string }{
		{"Russo Rentals - Elmhurst two-flat", "188 W Park Ave", "Unit 2", "(630) 555-0161"},
		{"Russo Rentals - Lombard duplex", "412 S Main St", "", "630-555-0124"},
	} {
		place := elmhurst
		if strings.Contains(site.name, "Lombard") {
			place = lombard
		}
		var unit *string
		if site.unit != "" {
			unit = ptr(site.unit)
		}
		loc := g.newLocation(site.name, g.address(place, site.street, unit))
		loc.contacts = []*Contact{contact("MobilePhone", site.tenantPhone, ptr("tenant"))}
		rentals.locations = append(rentals.locations, loc)
	}
	return []*demoCustomer{ellison, kessler, gonzalez, gonzales, thomas, kathleen, owens, owensOld, lakeshore, raman, fitch, russo, rentals}
}

func (g *demoGen) placeByZip(zip string) *demoPlace {
	for i := range demoPlaces {
		if demoPlaces[i].zip == zip {
			return &demoPlaces[i]
		}
	}
	panic("crm: no demo place with zip " + zip)
}

func contact(typ, value string, memo *string) *Contact {
	return &Contact{Meta: resource.Meta{Active: true}, Type: typ, Value: value, Memo: memo}
}

func (g *demoGen) field(t *CustomFieldType, value string) CustomField {
	return CustomField{TypeID: t.ID, Name: ptr(t.Name), Value: ptr(value)}
}

func (g *demoGen) newLocation(name string, addr Address) *demoLocation {
	return &demoLocation{rec: Location{Meta: resource.Meta{Active: true}, Name: name, Address: addr,
		CreatedByID: IntegrationUserID, TagTypeIDs: []int64{}, CustomFields: []CustomField{}}}
}

// address places a street address near the centre of its ZIP.
func (g *demoGen) address(p *demoPlace, street string, unit *string) Address {
	lat := round6(p.lat + (g.r.Float64()-0.5)*0.024)
	lon := round6(p.lon + (g.r.Float64()-0.5)*0.03)
	return Address{Street: street, Unit: unit, City: p.city, State: p.state, Zip: p.zip, Country: "USA", Latitude: &lat, Longitude: &lon}
}

func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// --- the random customers ---

func (g *demoGen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *demoGen) chance(percent int) bool { return g.r.IntN(100) < percent }

func (g *demoGen) place() *demoPlace {
	n := g.r.IntN(g.placeTotal)
	for i := range demoPlaces {
		if n < demoPlaces[i].weight {
			return &demoPlaces[i]
		}
		n -= demoPlaces[i].weight
	}
	return &demoPlaces[0]
}

// streetAddress draws a house number and street fitting the place.
func (g *demoGen) streetAddress(p *demoPlace) (string, *string) {
	var street string
	var unit *string
	if p.chicago {
		streets := demoNorthStreets
		if p.lat < 41.882 { // south of Madison St
			streets = demoSouthStreets
		}
		street = strconv.Itoa(1000+g.r.IntN(6000)) + " " + g.pick(streets)
		if g.chance(25) {
			unit = ptr(g.pick(demoUnits))
		}
	} else {
		street = strconv.Itoa(100+g.r.IntN(2900)) + " " + g.pick(demoSuburbStreets)
		if g.chance(4) {
			unit = ptr(g.pick(demoUnits))
		}
	}
	return street, unit
}

// phone hands out an unused 555-01xx number of the place, formatted in one
// of the ways people type them.
func (g *demoGen) phone(p *demoPlace) string {
	codes := append(append([]string{}, p.areaCodes...), DemoPhoneAreaCodes...)
	for _, ac := range codes {
		for len(g.lines[ac]) > 0 {
			line := g.lines[ac][0]
			g.lines[ac] = g.lines[ac][1:]
			if digits := ac + "555" + line; !g.used[digits] {
				g.used[digits] = true
				return g.formatPhone(ac, line)
			}
		}
	}
	panic("crm: demo phone numbers exhausted")
}

func (g *demoGen) formatPhone(ac, line string) string {
	switch n := g.r.IntN(20); {
	case n < 8:
		return "(" + ac + ") 555-" + line
	case n < 12:
		return ac + "-555-" + line
	case n < 16:
		return ac + ".555." + line
	case n < 19:
		return "+1 " + ac + " 555 " + line
	default:
		return ac + "555" + line
	}
}

func emailLocal(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (g *demoGen) email(first, last string) string {
	f, l := emailLocal(first), emailLocal(last)
	var local string
	switch g.r.IntN(4) {
	case 0:
		local = f + "." + l
	case 1:
		local = f[:1] + l
	case 2:
		local = f + l[:1] + strconv.Itoa(10+g.r.IntN(90))
	default:
		local = f + "_" + l
	}
	return local + "@" + g.pick(demoEmailDomains)
}

func (g *demoGen) balance(maxCents int) float64 {
	if !g.chance(15) {
		return 0
	}
	return float64(500+g.r.IntN(maxCents)) / 100
}

// customerExternalData files a customer under the next SE-1xxxxx number.
func (g *demoGen) customerExternalData() ExternalData {
	g.extSerial++
	return ExternalData{DemoApplicationGUID: {{Key: DemoExternalDataKey, Value: "SE-" + strconv.Itoa(g.extSerial)}}}
}

// locationExternalData files the customer's site-th location (from 1).
func (g *demoGen) locationExternalData(site int) ExternalData {
	v := "SE-L-" + strconv.Itoa(g.extSerial)
	if site > 1 {
		v += "-" + strconv.Itoa(site)
	}
	return ExternalData{DemoApplicationGUID: {{Key: "seLocationId", Value: v}}}
}

func (g *demoGen) customer() *demoCustomer {
	if g.chance(10) && g.businesses < len(demoBusinesses) {
		return g.commercial()
	}
	return g.residential()
}

func (g *demoGen) residential() *demoCustomer {
	p := g.place()
	first, last := g.pick(demoFirstNames), g.pick(demoLastNames)
	name := first + " " + last
	if g.chance(5) {
		name = first + " & " + g.pick(demoFirstNames) + " " + last
	}
	street, unit := g.streetAddress(p)
	dc := &demoCustomer{rec: Customer{Meta: resource.Meta{Active: !g.chance(2)}, Name: name, Type: "Residential",
		Address: g.address(p, street, unit), Balance: g.balance(60000), DoNotMail: g.chance(6),
		CreatedByID: IntegrationUserID, TagTypeIDs: []int64{}, CustomFields: []CustomField{}}}

	// Contacts: a phone (landline or mobile) for nearly everyone, sometimes a
	// second one, an email for most.
	var primary *Contact
	if !g.chance(2) {
		typ := "MobilePhone"
		if g.chance(40) {
			typ = "Phone"
		}
		primary = contact(typ, g.phone(p), nil)
		primary.DoNotText = typ == "MobilePhone" && g.chance(10)
		dc.contacts = append(dc.contacts, primary)
		if g.chance(25) {
			other := "MobilePhone"
			if typ == "MobilePhone" {
				other = "Phone"
			}
			dc.contacts = append(dc.contacts, contact(other, g.phone(p), ptr(g.pick(demoPhoneMemos))))
		}
	}
	if primary == nil || g.chance(65) {
		dc.contacts = append(dc.contacts, contact("Email", g.email(first, last), nil))
	}
	if g.chance(30) {
		dc.rec.CustomFields = append(dc.rec.CustomFields, g.field(g.ft.contactTime, g.pick(demoContactTimes)))
	}
	if g.chance(8) {
		dc.rec.CustomFields = append(dc.rec.CustomFields, g.field(g.ft.gateCode, strconv.Itoa(1000+g.r.IntN(9000))))
	}
	ext := g.chance(15)
	if ext {
		dc.rec.ExternalData = g.customerExternalData()
	}

	home := g.newLocation(name, dc.rec.Address)
	home.rec.Active = dc.rec.Active
	if primary != nil && g.chance(50) {
		home.contacts = append(home.contacts, contact(primary.Type, primary.Value, nil))
	}
	g.locationFields(home)
	if ext {
		home.rec.ExternalData = g.locationExternalData(1)
	}
	dc.locations = []*demoLocation{home}
	if g.chance(10) {
		q := g.place()
		street, unit := g.streetAddress(q)
		rental := g.newLocation(name+" - Rental", g.address(q, street, unit))
		rental.rec.Active = dc.rec.Active
		if g.chance(50) {
			rental.contacts = append(rental.contacts, contact("MobilePhone", g.phone(q), ptr("tenant")))
		}
		g.locationFields(rental)
		dc.locations = append(dc.locations, rental)
	}
	return dc
}

func (g *demoGen) locationFields(l *demoLocation) {
	if g.chance(40) {
		l.rec.CustomFields = append(l.rec.CustomFields, g.field(g.ft.equipment, g.pick(demoEquipmentLocations)))
	}
	if g.chance(20) {
		l.rec.CustomFields = append(l.rec.CustomFields, g.field(g.ft.pets, "true"))
	}
}

func (g *demoGen) commercial() *demoCustomer {
	name := demoBusinesses[g.businesses]
	g.businesses++
	slug := emailLocal(name)
	p := g.place()
	street, _ := g.streetAddress(p)
	var unit *string
	if g.chance(30) {
		unit = ptr("Suite " + strconv.Itoa(100*(1+g.r.IntN(9))))
	}
	dc := &demoCustomer{rec: Customer{Meta: resource.Meta{Active: !g.chance(2)}, Name: name, Type: "Commercial",
		Address: g.address(p, street, unit), Balance: g.balance(300000), DoNotMail: g.chance(6),
		CreatedByID: IntegrationUserID, TagTypeIDs: []int64{}, CustomFields: []CustomField{}}}
	dc.contacts = []*Contact{contact("Phone", g.phone(p), ptr("office"))}
	if g.chance(80) {
		dc.contacts = append(dc.contacts, contact("Email", "office@"+slug+".example.com", nil))
	}
	if g.chance(25) {
		dc.rec.CustomFields = append(dc.rec.CustomFields, g.field(g.ft.contactTime, g.pick(demoContactTimes)))
	}
	ext := g.chance(15)
	if ext {
		dc.rec.ExternalData = g.customerExternalData()
	}
	sites := 1
	switch n := g.r.IntN(10); {
	case n >= 8:
		sites = 3
	case n >= 5:
		sites = 2
	}
	for i := range sites {
		q, siteName, addr := p, name, dc.rec.Address
		if i > 0 {
			q = g.place()
			street, unit := g.streetAddress(q)
			addr = g.address(q, street, unit)
		}
		if sites > 1 {
			siteName = name + " - " + q.city
			if q.city == "Chicago" || slices.ContainsFunc(dc.locations, func(l *demoLocation) bool { return l.rec.Name == siteName }) {
				siteName = name + " - " + strings.SplitN(addr.Street, " ", 2)[1]
			}
		}
		loc := g.newLocation(siteName, addr)
		loc.rec.Active = dc.rec.Active
		loc.contacts = []*Contact{contact("Phone", g.phone(q), ptr("Site manager"))}
		if g.chance(30) {
			loc.contacts = append(loc.contacts, contact("Email", "facilities@"+slug+".example.com", nil))
		}
		g.locationFields(loc)
		if ext {
			loc.rec.ExternalData = g.locationExternalData(i + 1)
		}
		dc.locations = append(dc.locations, loc)
	}
	return dc
}
