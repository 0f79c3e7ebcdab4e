package crm

import (
	"fmt"

	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/resource"
)

// contactFixture is a contact of the contacts API in crm.json: the create
// request with its contact methods (create requests) and the customers
// and locations it is linked to, each of these with an optional ID.
type contactFixture struct {
	fixture.Common
	Name           *string `json:"name"`
	Title          *string `json:"title"`
	ReferenceID    *string `json:"referenceId"`
	IsArchived     bool    `json:"isArchived"`
	ContactMethods []struct {
		fixture.Common
		methodIn
	} `json:"contactMethods"`
	Relationships []struct {
		fixture.Common
		CustomerID int64 `json:"customerId"`
		LocationID int64 `json:"locationId"`
	} `json:"relationships"`
}

// seedContacts writes the contacts of the fixture, after its customers
// and locations: each contact, its methods (checked as the API checks
// them), then its links, which must name a seeded customer or location.
func seedContacts(tx *resource.Tx, in fixture.Input) error {
	contacts, err := fixture.Decode[contactFixture](in, "contacts")
	if err != nil {
		return err
	}
	for i, c := range contacts {
		fail := func(err error) error {
			return in.RecordError("contacts", i, err)
		}
		id, err := idOrNew(tx, c.ID)
		if err != nil {
			return err
		}
		p := &Person{Meta: c.NewMeta(), Name: c.Name, Title: c.Title, ReferenceID: c.ReferenceID, IsArchived: c.IsArchived,
			CreatedBy: IntegrationUserID, ModifiedBy: IntegrationUserID}
		p.ID, p.GUID = id, guidFor(1, id)
		if err := resource.Create(tx, &people, p); err != nil {
			return err
		}
		for _, m := range c.ContactMethods {
			id, err := idOrNew(tx, m.ID)
			if err != nil {
				return err
			}
			method := &ContactMethod{Meta: m.NewMeta(), GUID: guidFor(2, id)}
			method.ID = id
			if _, err := saveNewMethod(tx, p, method, &m.methodIn); err != nil {
				return fail(err)
			}
		}
		for _, r := range c.Relationships {
			if (r.CustomerID == 0) == (r.LocationID == 0) {
				return fail(fmt.Errorf("a relationship names either a customerId or a locationId"))
			}
			related, slug := r.CustomerID, "customer"
			if r.LocationID != 0 {
				related, slug = r.LocationID, "location"
			}
			var ok bool
			if slug == "customer" {
				ok, err = resource.Exists(tx, &Customers, related)
			} else {
				ok, err = resource.Exists(tx, &Locations, related)
			}
			if err != nil {
				return err
			} else if !ok {
				return fail(fmt.Errorf("no %s has id %d", slug, related))
			}
			if err := link(tx, p, r.ID, related, slug); err != nil {
				return err
			}
		}
	}
	return nil
}

// idOrNew is a fixture's ID, or a new one.
func idOrNew(tx *resource.Tx, id int64) (int64, error) {
	if id != 0 {
		return id, nil
	}
	return resource.NewID(tx)
}

// link stores a relationship of a contact (with a new ID when id is 0).
func link(tx *resource.Tx, p *Person, id, related int64, slug string) error {
	id, err := idOrNew(tx, id)
	if err != nil {
		return err
	}
	return resource.Create(tx, &relationships, &Relationship{Meta: resource.Meta{ID: id, Active: true},
		GUID: guidFor(3, id), PersonID: p.ID, RelatedID: related, TypeSlug: slug, CreatedBy: IntegrationUserID})
}
