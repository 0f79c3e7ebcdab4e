package crm

import "github.com/stsim/stsim/sim/resource"

// SeedContacts writes the demo contacts of the contacts API. It runs after
// every module's seed (so no earlier ID moves):
//
//	Jordan Ellison                       MobilePhone (630) 555-0187, Email;
//	                                     linked to customer 6
//	Priya Raman, Facilities Manager      Phone, Email (memo "billing");
//	                                     linked to customer 14 and its first location
//	Sam Ortiz, Former property manager   archived, Email; no links
func SeedContacts(tx *resource.Tx) error {
	type method struct{ typ, value, memo string }
	people := []struct {
		name, title string
		archived    bool
		methods     []method
		customer    int64
		location    bool
	}{
		{"Jordan Ellison", "", false, []method{{"MobilePhone", DemoCustomerPhone, ""}, {"Email", "jordan.ellison@example.com", ""}}, DemoCustomerID, false},
		{"Priya Raman", "Facilities Manager", false, []method{{"Phone", "(312) 555-0144", ""}, {"Email", "priya.raman@example.com", "billing"}}, DemoCommercialCustomerID, true},
		{"Sam Ortiz", "Former property manager", true, []method{{"Email", "sam.ortiz@example.com", ""}}, 0, false},
	}
	for _, d := range people {
		id, err := resource.NewID(tx)
		if err != nil {
			return err
		}
		p := &Person{Meta: resource.Meta{ID: id, Active: true}, GUID: guidFor(1, id), IsArchived: d.archived,
			CreatedBy: IntegrationUserID, ModifiedBy: IntegrationUserID}
		p.Name = &d.name
		if d.title != "" {
			p.Title = &d.title
		}
		if err := resource.Create(tx, &People, p); err != nil {
			return err
		}
		for _, m := range d.methods {
			in := &methodIn{Type: &m.typ, Value: &m.value}
			if m.memo != "" {
				in.Memo = &m.memo
			}
			if _, err := createMethod(tx, p, nil, "", in); err != nil {
				return err
			}
		}
		if d.customer == 0 {
			continue
		}
		if ok, err := resource.Exists(tx, &Customers, d.customer); err != nil || !ok {
			return err
		}
		if err := link(tx, p, d.customer, "customer"); err != nil {
			return err
		}
		if d.location {
			locs, err := resource.Lookup(tx, &Locations, "customer", resource.IDKey(d.customer))
			if err != nil {
				return err
			}
			if len(locs) > 0 {
				if err := link(tx, p, locs[0], "location"); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// link stores a relationship of a contact.
func link(tx *resource.Tx, p *Person, related int64, slug string) error {
	id, err := resource.NewID(tx)
	if err != nil {
		return err
	}
	return resource.Create(tx, &Relationships, &Relationship{Meta: resource.Meta{ID: id, Active: true},
		GUID: guidFor(3, id), PersonID: p.ID, RelatedID: related, TypeSlug: slug, CreatedBy: IntegrationUserID})
}
