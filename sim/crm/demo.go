package crm

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/stsim/stsim/sim/optional"

	"github.com/stsim/stsim/sim/resource"
)

// Demo data. The demo tenant's customers (fixtures/demo/crm.yaml) are a
// heating, cooling and plumbing contractor's customer base in the Chicago
// metro area: thirteen literal, well-known customers (IDs 6 to 18) and 287
// drawn by the "customers" generator from a fixed seed, so every start
// writes the same records with the same IDs.
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
// integration user and the four custom field types. No other pair of
// demo customers shares a number, and no demo number uses area code 312, so
// tests can create (312) 555-01xx customers without meeting demo records.
const (
	// DemoApplicationGUID is the application whose external data the demo
	// customers and locations carry (key seCustomerId / seLocationId).
	DemoApplicationGUID = "d3e0c6a2-5b7f-4e21-9c4a-57a1a0de0001"
	// DemoCustomerCount is how many customers the demo tenant starts with.
	DemoCustomerCount = 300

	DemoCustomerID                  int64 = 6
	DemoCustomerPhone                     = "(630) 555-0187"
	DemoDoNotServiceCustomerID      int64 = 7
	DemoDoNotServicePhone                 = "708.555.0166"
	DemoDuplicateCustomerID         int64 = 8
	DemoDuplicateCustomerID2        int64 = 9
	DemoDuplicatePhone                    = "(773) 555-0123"
	DemoInactiveDuplicateCustomerID int64 = 13 // 12 is the active record with the same name and phone
	DemoInactiveDuplicatePhone            = "(773) 555-0131"
	DemoCommercialCustomerID        int64 = 14
	DemoExternalDataCustomerID      int64 = 15
	DemoExternalDataKey                   = "seCustomerId"
	DemoExternalDataValue                 = "SE-100001"
	DemoInactiveCustomerID          int64 = 16
)

// DemoDuplicatePhones are the numbers two demo customers share.
var DemoDuplicatePhones = []string{"(773) 555-0123", "(847) 555-0148", "(773) 555-0131", "(630) 555-0112"}

// demoFieldTypes are the custom field types generated customers fill in
// (nil: the fixture has no such type, and the field is left out).
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

// seedDemo writes customers: customers first (so their IDs are
// contiguous), then locations, then customer and location contacts.
func seedDemo(tx *resource.Tx, custs []*demoCustomer) error {
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
				if err := resource.Create(tx, &locationContactRecords, c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// generateCustomers are the settings of the "customers" generator: Count
// customers drawn from a random source seeded with Seed (two numbers).
// Before drawing them it gives every literal customer's address (and each
// of its locations' addresses) without coordinates a point near the
// centre of its ZIP, when that ZIP is one of the demo places.
type generateCustomers struct {
	Count int       `json:"count"`
	Seed  [2]uint64 `json:"seed"`
}

// maxGenerated bounds the generator: the demo numbering (555-01xx in the
// local area codes) runs out beyond this.
const maxGenerated = 1000

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

// run places the literal customers and draws the generated ones, a pure
// function of its settings, the field types and the literal customers.
func (s generateCustomers) run(ft demoFieldTypes, literal []*demoCustomer) []*demoCustomer {
	count := s.Count // 0 to maxGenerated: Seed checks it
	g := &demoGen{r: rand.New(rand.NewPCG(s.Seed[0], s.Seed[1])), ft: ft, extSerial: 100001,
		lines: make(map[string][]string, len(DemoPhoneAreaCodes)),
		used:  make(map[string]bool, 2*(count+len(literal)))} // about two numbers a customer
	var all strings.Builder // "0100" to "0199" back to back: the lines share it
	all.Grow(4 * 100)
	for n := range 100 {
		all.Write([]byte{'0', '1', byte('0' + n/10), byte('0' + n%10)})
	}
	numbers := all.String()
	for _, ac := range DemoPhoneAreaCodes {
		perm := g.r.Perm(100)
		lines := make([]string, len(perm))
		for i, p := range perm {
			lines[i] = numbers[4*p : 4*p+4]
		}
		g.lines[ac] = lines
	}
	for _, p := range demoPlaces {
		g.placeTotal += p.weight
	}
	for _, dc := range literal {
		g.placeLiteral(dc)
	}
	out := make([]*demoCustomer, 0, count)
	for range count {
		out = append(out, g.customer())
	}
	return out
}

// placeLiteral reserves a literal customer's phone numbers, so that no generated
// customer gets one, and gives its addresses without coordinates a point
// near their ZIP's centre (a location at the customer's address shares the
// customer's point).
func (g *demoGen) placeLiteral(dc *demoCustomer) {
	for _, c := range dc.contacts {
		g.reserve(c)
	}
	g.locate(&dc.rec.Address)
	for _, dl := range dc.locations {
		for _, c := range dl.contacts {
			g.reserve(c)
		}
		a := &dl.rec.Address
		if a.Latitude == nil && a.Street == dc.rec.Address.Street && a.Zip == dc.rec.Address.Zip && optional.Value(a.Unit) == optional.Value(dc.rec.Address.Unit) {
			a.Latitude, a.Longitude = dc.rec.Address.Latitude, dc.rec.Address.Longitude
		}
		g.locate(a)
	}
}

func (g *demoGen) reserve(c *Contact) {
	if c.Type == "Phone" || c.Type == "MobilePhone" {
		g.used[NormalizePhone(c.Value)] = true
	}
}

func (g *demoGen) locate(a *Address) {
	if a.Latitude != nil || a.Longitude != nil {
		return
	}
	for i := range demoPlaces {
		if demoPlaces[i].zip == a.Zip {
			placed := g.address(&demoPlaces[i], a.Street, a.Unit)
			a.Latitude, a.Longitude = placed.Latitude, placed.Longitude
			return
		}
	}
}

func contact(typ, value string, memo *string) *Contact {
	return &Contact{Meta: resource.Meta{Active: true}, Type: typ, Value: value, Memo: memo}
}

// addField adds a custom field value of a type the fixture has.
func (g *demoGen) addField(fields *[]CustomField, t *CustomFieldType, value string) {
	if t != nil {
		*fields = append(*fields, CustomField{TypeID: t.ID, Name: optional.Ptr(t.Name), Value: optional.Ptr(value)})
	}
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
			unit = optional.Ptr(g.pick(demoUnits))
		}
	} else {
		street = strconv.Itoa(100+g.r.IntN(2900)) + " " + g.pick(demoSuburbStreets)
		if g.chance(4) {
			unit = optional.Ptr(g.pick(demoUnits))
		}
	}
	return street, unit
}

// phone hands out an unused 555-01xx number of the place, formatted in one
// of the ways people type them.
func (g *demoGen) phone(p *demoPlace) string {
	for _, codes := range [...][]string{p.areaCodes, DemoPhoneAreaCodes} { // the place's codes first
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
			dc.contacts = append(dc.contacts, contact(other, g.phone(p), optional.Ptr(g.pick(demoPhoneMemos))))
		}
	}
	if primary == nil || g.chance(65) {
		dc.contacts = append(dc.contacts, contact("Email", g.email(first, last), nil))
	}
	if g.chance(30) {
		g.addField(&dc.rec.CustomFields, g.ft.contactTime, g.pick(demoContactTimes))
	}
	if g.chance(8) {
		g.addField(&dc.rec.CustomFields, g.ft.gateCode, strconv.Itoa(1000+g.r.IntN(9000)))
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
			rental.contacts = append(rental.contacts, contact("MobilePhone", g.phone(q), optional.Ptr("tenant")))
		}
		g.locationFields(rental)
		dc.locations = append(dc.locations, rental)
	}
	return dc
}

func (g *demoGen) locationFields(l *demoLocation) {
	if g.chance(40) {
		g.addField(&l.rec.CustomFields, g.ft.equipment, g.pick(demoEquipmentLocations))
	}
	if g.chance(20) {
		g.addField(&l.rec.CustomFields, g.ft.pets, "true")
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
		unit = optional.Ptr("Suite " + strconv.Itoa(100*(1+g.r.IntN(9))))
	}
	dc := &demoCustomer{rec: Customer{Meta: resource.Meta{Active: !g.chance(2)}, Name: name, Type: "Commercial",
		Address: g.address(p, street, unit), Balance: g.balance(300000), DoNotMail: g.chance(6),
		CreatedByID: IntegrationUserID, TagTypeIDs: []int64{}, CustomFields: []CustomField{}}}
	dc.contacts = []*Contact{contact("Phone", g.phone(p), optional.Ptr("office"))}
	if g.chance(80) {
		dc.contacts = append(dc.contacts, contact("Email", "office@"+slug+".example.com", nil))
	}
	if g.chance(25) {
		g.addField(&dc.rec.CustomFields, g.ft.contactTime, g.pick(demoContactTimes))
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
		loc.contacts = []*Contact{contact("Phone", g.phone(q), optional.Ptr("Site manager"))}
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
