package crm

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/stsim/stsim/sim/optional"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// The contacts API (/contacts) is CRM's newer model of people: a contact
// (name, title) has contact methods (phone, email, fax), and relationships
// link it to customers and locations. Its records are addressed by GUIDs.
// Rules stsim applies:
//
//   - A contact's GUID is made from its record ID; a contact method's too,
//     unless a PUT (upsert) names a new one, which the method then keeps.
//   - A contact method belongs to one contact: under another contact's path
//     it is a 404. type is Phone, MobilePhone, Email or Fax; value is not
//     blank.
//   - referenceId, when given, is unique among live contacts: a second
//     contact with it is a 409.
//   - A relationship links a contact to a customer (typeSlug "customer") or
//     a location ("location") that exists (else 404); linking twice is a 409,
//     unlinking what is not linked a 404. A contact with relationships
//     cannot be deleted (409); deleting one deletes its contact methods.
//   - GET /contacts/relationships/{relationshipId} lists the contacts linked
//     to the customer or location whose ID relationshipId is.
//   - isArchived filters take true or false; lists sort by Id, CreatedOn or
//     ModifiedOn.

// Person is a contact of the contacts API.
type Person struct {
	resource.Meta
	GUID        string  `json:"guid"`
	ReferenceID *string `json:"referenceId"`
	Name        *string `json:"name"`
	Title       *string `json:"title"`
	IsArchived  bool    `json:"isArchived"`
	CreatedBy   int64   `json:"createdBy"`
	ModifiedBy  int64   `json:"modifiedBy"`
}

// ContactMethod is a phone number, email or fax of a Person.
type ContactMethod struct {
	resource.Meta
	GUID        string  `json:"guid"`
	PersonID    int64   `json:"personId"`
	ReferenceID *string `json:"referenceId"`
	Type        string  `json:"type"`
	Value       string  `json:"value"`
	Memo        *string `json:"memo"`
	CreatedBy   int64   `json:"createdBy"`
	ModifiedBy  int64   `json:"modifiedBy"`
}

// Relationship links a Person to a customer or a location.
type Relationship struct {
	resource.Meta
	GUID      string `json:"guid"`
	PersonID  int64  `json:"personId"`
	RelatedID int64  `json:"relatedId"`
	TypeSlug  string `json:"typeSlug"`
	CreatedBy int64  `json:"createdBy"`
}

// Kinds of the contacts API.
var (
	people = resource.Kind[Person]{Name: "crm.contacts", Label: "Contact", Indexes: []resource.Index[Person]{
		{Name: "guid", Keys: func(p *Person) []string { return []string{p.GUID} }},
		{Name: "reference", Keys: func(p *Person) []string { return []string{strings.ToLower(optional.Value(p.ReferenceID))} }},
	}}
	contactMethods = resource.Kind[ContactMethod]{Name: "crm.contact-methods", Label: "Contact method", Indexes: []resource.Index[ContactMethod]{
		{Name: "guid", Keys: func(m *ContactMethod) []string { return []string{m.GUID} }},
		{Name: "owner", Keys: func(m *ContactMethod) []string { return []string{resource.IDKey(m.PersonID)} }},
	}}
	relationships = resource.Kind[Relationship]{Name: "crm.contact-relationships", Label: "Contact relationship", Indexes: []resource.Index[Relationship]{
		{Name: "owner", Keys: func(r *Relationship) []string { return []string{resource.IDKey(r.PersonID)} }},
		{Name: "related", Keys: func(r *Relationship) []string { return []string{resource.IDKey(r.RelatedID)} }},
	}}
)

// relationshipTypes are the typeSlugs stsim knows, with their typeName.
var relationshipTypes = map[string]string{"customer": "Customer", "location": "Location"}

// guidFor makes a record's GUID from its ID; kind tells contacts (1),
// contact methods (2) and relationships (3) apart.
func guidFor(kind int, id int64) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", kind, id) }

var guidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// pathGUID reads a GUID path parameter (lower case), or a 400 naming it.
func pathGUID(call *api.Call, name string) (string, error) {
	v := strings.ToLower(strings.Trim(call.Param(name), "{}"))
	if !guidRE.MatchString(v) {
		return "", apierr.BadRequest(name, "The value '"+call.Param(name)+"' is not a valid GUID.")
	}
	return v, nil
}

// byGUID loads the live record filed under a GUID, or a 404 naming it.
func byGUID[T any, P resource.Record[T]](tx *resource.Tx, k *resource.Kind[T], guid string) (P, error) {
	ids, err := resource.Lookup(tx, k, "guid", guid)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		rec, err := resource.Get[T, P](tx, k, id)
		if err == nil {
			return rec, nil
		}
	}
	return nil, fmt.Errorf("%w: %w", apierr.New(404, k.Label+" "+guid+" was not found."), errNoGUID)
}

// errNoGUID marks byGUID's 404.
var errNoGUID = errors.New("crm: no record has this GUID")

func peopleRoutes() api.Routes {
	return api.Routes{
		"crm.Contacts_Create":                     createPerson,
		"crm.Contacts_Get":                        personAction("id", false, nil),
		"crm.Contacts_GetList":                    listPeople(false),
		"crm.Contacts_Update":                     personAction("id", true, func(p *Person, in *personIn) { p.apply(in, true) }),
		"crm.Contacts_Replace":                    personAction("id", true, func(p *Person, in *personIn) { p.apply(in, false) }),
		"crm.Contacts_DeleteContact":              deletePerson,
		"crm.Contacts_GetByRelationshipId":        listPeople(true),
		"crm.Contacts_CreateContactRelationship":  relate(true),
		"crm.Contacts_DeleteContactRelationship":  relate(false),
		"crm.Contacts_GetContactRelationshipList": listRelationships,
		"crm.Contacts_SearchContactMethods":       listMethods(false),
		"crm.ContactMethods_GetContactMethods":    listMethods(true),
		"crm.ContactMethods_CreateContactMethod":  methodAction(false, createMethod),
		"crm.ContactMethods_GetContactMethod":     methodAction(true, nil),
		"crm.ContactMethods_UpsertContactMethod":  methodAction(false, upsertMethod),
		"crm.ContactMethods_UpdateContactMethod":  methodAction(true, updateMethod),
		"crm.ContactMethods_DeleteContactMethod":  methodAction(true, deleteMethod),
	}
}

// personOut is Crm.V2.ContactResponse.
type personOut struct {
	ID          string        `json:"id"`
	ReferenceID *string       `json:"referenceId"`
	Name        *string       `json:"name"`
	Title       *string       `json:"title"`
	IsArchived  bool          `json:"isArchived"`
	CreatedOn   resource.Time `json:"createdOn"`
	CreatedBy   int64         `json:"createdBy"`
	ModifiedOn  resource.Time `json:"modifiedOn"`
	ModifiedBy  int64         `json:"modifiedBy"`
}

func renderPerson(p *Person) personOut {
	return personOut{ID: p.GUID, ReferenceID: p.ReferenceID, Name: p.Name, Title: p.Title, IsArchived: p.IsArchived,
		CreatedOn: p.CreatedOn, CreatedBy: p.CreatedBy, ModifiedOn: p.ModifiedOn, ModifiedBy: p.ModifiedBy}
}

// personIn is Crm.V2.CreateContactRequest, UpdateContactRequest and
// ReplaceContactRequest.
type personIn struct {
	Name        *string `json:"name"`
	Title       *string `json:"title"`
	ReferenceID *string `json:"referenceId"`
	IsArchived  *bool   `json:"isArchived"`
}

// apply writes the members sent (patch) or all of them (replace).
func (p *Person) apply(in *personIn, patch bool) {
	if patch {
		api.SetPtr(&p.Name, in.Name)
		api.SetPtr(&p.Title, in.Title)
		api.SetPtr(&p.ReferenceID, in.ReferenceID)
	} else {
		p.Name, p.Title, p.ReferenceID = in.Name, in.Title, in.ReferenceID
	}
	api.SetIf(&p.IsArchived, in.IsArchived)
	p.ModifiedBy = IntegrationUserID
}

// referenceFree fails with a 409 when another live contact has ref.
func referenceFree(tx *resource.Tx, ref *string, self int64) error {
	if ref == nil || *ref == "" {
		return nil
	}
	ids, err := resource.Lookup(tx, &people, "reference", strings.ToLower(*ref))
	if err != nil {
		return err
	}
	for _, id := range ids {
		if id != self {
			return apierr.New(409, "Another contact has referenceId '"+*ref+"'.")
		}
	}
	return nil
}

// createPerson handles POST /contacts.
var createPerson = api.Create(nil, func(tx *resource.Tx, in *personIn) (personOut, error) {
	if err := referenceFree(tx, in.ReferenceID, 0); err != nil {
		return personOut{}, err
	}
	id, err := resource.NewID(tx)
	if err != nil {
		return personOut{}, err
	}
	p := &Person{Meta: resource.Meta{ID: id, Active: true}, GUID: guidFor(1, id), CreatedBy: IntegrationUserID}
	p.apply(in, false)
	if err := resource.Create(tx, &people, p); err != nil {
		return personOut{}, err
	}
	return renderPerson(p), nil
})

// personAction serves GET, PATCH and PUT /contacts/{id}: change (nil for a
// read) applies the body.
func personAction(param string, bind bool, change func(*Person, *personIn)) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		guid, err := pathGUID(call, param)
		if err != nil {
			call.Fail(c, err)
			return
		}
		check := func(in *personIn) error {
			if in.IsArchived == nil {
				return apierr.BadRequest("isArchived", "isArchived is required.")
			}
			return nil
		}
		if change == nil {
			var out personOut
			err := call.View(func(tx *resource.Tx) error {
				p, err := byGUID(tx, &people, guid)
				if err == nil {
					out = renderPerson(p)
				}
				return err
			})
			call.Respond(c, out, err)
			return
		}
		api.Write(c, call, bind, check, func(tx *resource.Tx, in *personIn) (any, error) {
			p, err := byGUID(tx, &people, guid)
			if err != nil {
				return nil, err
			}
			change(p, in)
			if err := referenceFree(tx, p.ReferenceID, p.ID); err != nil {
				return nil, err
			}
			if err := resource.Save(tx, &people, p); err != nil {
				return nil, err
			}
			return renderPerson(p), nil
		})
	}
}

// deletePerson handles DELETE /contacts/{id}.
func deletePerson(c *gin.Context, call *api.Call) {
	guid, err := pathGUID(call, "id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	api.Write(c, call, false, nil, func(tx *resource.Tx, _ *struct{}) (any, error) {
		p, err := byGUID(tx, &people, guid)
		if err != nil {
			return nil, err
		}
		if rels, err := resource.LookupRecords(tx, &relationships, "owner", resource.IDKey(p.ID)); err != nil || len(rels) > 0 {
			return nil, errOr(err, apierr.New(409, "Contact "+guid+" has relationships: remove them first."))
		}
		methods, err := resource.LookupRecords(tx, &contactMethods, "owner", resource.IDKey(p.ID))
		if err != nil {
			return nil, err
		}
		for _, m := range methods {
			if err := resource.Delete(tx, &contactMethods, m); err != nil {
				return nil, err
			}
		}
		return nil, resource.Delete(tx, &people, p)
	})
}

// listPeople handles GET /contacts and (byRelated) GET
// /contacts/relationships/{relationshipId}.
func listPeople(byRelated bool) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		var related *int64
		if byRelated {
			id, err := call.IDParam("relationshipId")
			if err != nil {
				call.Fail(c, err)
				return
			}
			related = &id
		}
		api.List(&people, api.ListSpec[Person, *Person]{
			Options: resource.ListOptions{Sorts: resource.StandardSorts},
			Filter: func(c *gin.Context, tx *resource.Tx) (resource.Select, func(*Person) bool, error) {
				var sel resource.Select
				archived, err := boolParam(c, "isArchived")
				if err != nil {
					return sel, nil, err
				}
				if related != nil {
					rels, err := resource.LookupRecords(tx, &relationships, "related", resource.IDKey(*related))
					if err != nil {
						return sel, nil, err
					}
					ids := []int64{}
					for _, r := range rels {
						ids = append(ids, r.PersonID)
					}
					sel.Narrow(ids)
				}
				ref := c.Query("referenceId")
				return sel, api.All(
					api.Contains(c, "name", func(p *Person) string { return optional.Value(p.Name) }),
					api.Contains(c, "title", func(p *Person) string { return optional.Value(p.Title) }),
					func(p *Person) bool { return ref == "" || strings.EqualFold(optional.Value(p.ReferenceID), ref) },
					func(p *Person) bool { return archived == nil || p.IsArchived == *archived },
				), nil
			},
		}, func(_ *gin.Context, p *Person) personOut { return renderPerson(p) })(c, call)
	}
}

// boolParam reads an optional true/false query parameter.
func boolParam(c *gin.Context, name string) (*bool, error) {
	switch strings.ToLower(c.Query(name)) {
	case "":
		return nil, nil
	case "true":
		return new(true), nil
	case "false":
		return new(false), nil
	}
	return nil, apierr.BadRequest(name, name+" must be true or false.")
}

// relationshipOut is Crm.V2.ContactRelationshipResponse.
type relationshipOut struct {
	ID              string        `json:"id"`
	RelatedEntityID int64         `json:"relatedEntityId"`
	TypeName        string        `json:"typeName"`
	TypeSlug        string        `json:"typeSlug"`
	CreatedOn       resource.Time `json:"createdOn"`
	CreatedBy       int64         `json:"createdBy"`
}

// relate handles POST (link) and DELETE (unlink)
// /contacts/{contactId}/relationships/{relatedEntityId}/{typeSlug}.
func relate(linking bool) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		guid, err := pathGUID(call, "contactId")
		if err != nil {
			call.Fail(c, err)
			return
		}
		related, err := call.IDParam("relatedEntityId")
		if err != nil {
			call.Fail(c, err)
			return
		}
		slug := strings.ToLower(call.Param("typeSlug"))
		if _, ok := relationshipTypes[slug]; !ok {
			call.Fail(c, apierr.BadRequest("typeSlug", "typeSlug must be customer or location."))
			return
		}
		api.Write(c, call, false, nil, func(tx *resource.Tx, _ *struct{}) (any, error) {
			p, err := byGUID(tx, &people, guid)
			if err != nil {
				return nil, err
			}
			rels, err := resource.LookupRecords(tx, &relationships, "owner", resource.IDKey(p.ID))
			if err != nil {
				return nil, err
			}
			i := slices.IndexFunc(rels, func(r *Relationship) bool { return r.RelatedID == related && r.TypeSlug == slug })
			if !linking {
				if i < 0 {
					return nil, apierr.New(404, "Contact "+guid+" is not linked to "+slug+" "+resource.IDKey(related)+".")
				}
				return nil, resource.Delete(tx, &relationships, rels[i])
			}
			if i >= 0 {
				return nil, apierr.New(409, "Contact "+guid+" is already linked to "+slug+" "+resource.IDKey(related)+".")
			}
			var exists bool
			if slug == "customer" {
				exists, err = resource.Exists(tx, &Customers, related)
			} else {
				exists, err = resource.Exists(tx, &Locations, related)
			}
			if err != nil || !exists {
				return nil, errOr(err, apierr.New(404, relationshipTypes[slug]+" "+resource.IDKey(related)+" was not found."))
			}
			return nil, link(tx, p, 0, related, slug)
		})
	}
}

// listRelationships handles GET /contacts/{contactId}/relationships.
func listRelationships(c *gin.Context, call *api.Call) {
	guid, err := pathGUID(call, "contactId")
	if err != nil {
		call.Fail(c, err)
		return
	}
	q, err := resource.ParseQuery(api.DocumentedQuery(c, api.PagingParams, []string{"createdBefore", "createdOnOrAfter", "sort"}),
		resource.ListOptions{Sorts: resource.StandardSorts})
	if err != nil {
		call.Fail(c, err)
		return
	}
	related := c.Query("relatedEntityId")
	slug, name := strings.ToLower(c.Query("typeSlug")), strings.ToLower(c.Query("typeName"))
	var page resource.Page[*Relationship]
	err = call.View(func(tx *resource.Tx) error {
		p, err := byGUID(tx, &people, guid)
		if err != nil {
			return err
		}
		page, err = resource.List(tx, &relationships, q, resource.Select{Index: "owner", Value: resource.IDKey(p.ID)}, func(r *Relationship) bool {
			return (related == "" || related == resource.IDKey(r.RelatedID)) && (slug == "" || slug == r.TypeSlug) &&
				(name == "" || name == strings.ToLower(relationshipTypes[r.TypeSlug]))
		})
		return err
	})
	call.Respond(c, api.MapPage(page, func(r *Relationship) relationshipOut {
		return relationshipOut{ID: r.GUID, RelatedEntityID: r.RelatedID, TypeName: relationshipTypes[r.TypeSlug], TypeSlug: r.TypeSlug,
			CreatedOn: r.CreatedOn, CreatedBy: r.CreatedBy}
	}), err)
}

// methodOut is Crm.V2.ContactMethodResponse.
type methodOut struct {
	ID          string        `json:"id"`
	ContactID   string        `json:"contactId"`
	ReferenceID *string       `json:"referenceId"`
	Type        string        `json:"type"`
	Value       string        `json:"value"`
	Memo        *string       `json:"memo"`
	CreatedOn   resource.Time `json:"createdOn"`
	CreatedBy   int64         `json:"createdBy"`
	ModifiedOn  resource.Time `json:"modifiedOn"`
	ModifiedBy  int64         `json:"modifiedBy"`
}

func renderMethod(m *ContactMethod, owner string) methodOut {
	return methodOut{ID: m.GUID, ContactID: owner, ReferenceID: m.ReferenceID, Type: m.Type, Value: m.Value, Memo: m.Memo,
		CreatedOn: m.CreatedOn, CreatedBy: m.CreatedBy, ModifiedOn: m.ModifiedOn, ModifiedBy: m.ModifiedBy}
}

// methodIn is Crm.V2.CreateContactMethodRequest, UpsertContactMethodRequest
// and UpdateContactMethodRequest.
type methodIn struct {
	ReferenceID *string `json:"referenceId"`
	Type        *string `json:"type"`
	Value       *string `json:"value"`
	Memo        *string `json:"memo"`
}

// methodChange acts on a contact's method: m is nil when the path names
// none (create) or a new GUID (upsert); guid is the path's method GUID.
type methodChange func(tx *resource.Tx, p *Person, m *ContactMethod, guid string, in *methodIn) (*ContactMethod, error)

// methodAction serves the /contacts/{contactId}/contact-methods[/{id}]
// operations: named says whether the path names a method; change (nil for
// a read) acts on it.
func methodAction(named bool, change methodChange) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		owner, err := pathGUID(call, "contactId")
		if err != nil {
			call.Fail(c, err)
			return
		}
		var guid string
		if call.Param("contactMethodId") != "" {
			if guid, err = pathGUID(call, "contactMethodId"); err != nil {
				call.Fail(c, err)
				return
			}
		}
		load := func(tx *resource.Tx) (*Person, *ContactMethod, error) {
			p, err := byGUID(tx, &people, owner)
			if err != nil || guid == "" {
				return p, nil, err
			}
			m, err := byGUID(tx, &contactMethods, guid)
			if err == nil && m.PersonID != p.ID {
				m, err = nil, fmt.Errorf("%w: %w", apierr.New(404, "Contact method "+guid+" was not found."), errNoGUID)
			}
			if err != nil && !named && errors.Is(err, errNoGUID) {
				return p, nil, nil // an upsert of a new GUID
			}
			return p, m, err
		}
		if change == nil {
			var out methodOut
			err := call.View(func(tx *resource.Tx) error {
				_, m, err := load(tx)
				if err == nil {
					out = renderMethod(m, owner)
				}
				return err
			})
			call.Respond(c, out, err)
			return
		}
		bind := c.Request.Method != "DELETE"
		api.Write(c, call, bind, nil, func(tx *resource.Tx, in *methodIn) (any, error) {
			p, m, err := load(tx)
			if err != nil {
				return nil, err
			}
			m, err = change(tx, p, m, guid, in)
			if err != nil || m == nil {
				return nil, err
			}
			return renderMethod(m, owner), nil
		})
	}
}

// checkMethod checks a method's type and value.
func checkMethod(m *ContactMethod) error { return checkContact("", m.Type, m.Value) }

func createMethod(tx *resource.Tx, p *Person, _ *ContactMethod, _ string, in *methodIn) (*ContactMethod, error) {
	id, err := resource.NewID(tx)
	if err != nil {
		return nil, err
	}
	return saveNewMethod(tx, p, &ContactMethod{Meta: resource.Meta{ID: id, Active: true}, GUID: guidFor(2, id)}, in)
}

func saveNewMethod(tx *resource.Tx, p *Person, m *ContactMethod, in *methodIn) (*ContactMethod, error) {
	m.PersonID, m.ReferenceID, m.Type, m.Value, m.Memo = p.ID, in.ReferenceID, optional.Value(in.Type), optional.Value(in.Value), in.Memo
	m.CreatedBy, m.ModifiedBy = IntegrationUserID, IntegrationUserID
	if err := checkMethod(m); err != nil {
		return nil, err
	}
	return m, resource.Create(tx, &contactMethods, m)
}

// upsertMethod replaces the method the path names, or creates it with that
// GUID.
func upsertMethod(tx *resource.Tx, p *Person, m *ContactMethod, guid string, in *methodIn) (*ContactMethod, error) {
	if m == nil {
		if taken, err := resource.Lookup(tx, &contactMethods, "guid", guid); err != nil || len(taken) > 0 {
			return nil, errOr(err, apierr.New(404, "Contact method "+guid+" was not found."))
		}
		return saveNewMethod(tx, p, &ContactMethod{Meta: resource.Meta{Active: true}, GUID: guid}, in)
	}
	m.ReferenceID, m.Type, m.Value, m.Memo, m.ModifiedBy = in.ReferenceID, optional.Value(in.Type), optional.Value(in.Value), in.Memo, IntegrationUserID
	if err := checkMethod(m); err != nil {
		return nil, err
	}
	return m, resource.Save(tx, &contactMethods, m)
}

// updateMethod changes the value and memo sent.
func updateMethod(tx *resource.Tx, _ *Person, m *ContactMethod, _ string, in *methodIn) (*ContactMethod, error) {
	api.SetIf(&m.Value, in.Value)
	api.SetPtr(&m.Memo, in.Memo)
	m.ModifiedBy = IntegrationUserID
	if err := checkMethod(m); err != nil {
		return nil, err
	}
	return m, resource.Save(tx, &contactMethods, m)
}

func deleteMethod(tx *resource.Tx, _ *Person, m *ContactMethod, _ string, _ *methodIn) (*ContactMethod, error) {
	return nil, resource.Delete(tx, &contactMethods, m)
}

// listMethods handles GET /contacts/{contactId}/contact-methods (owned)
// and GET /contacts/contact-methods (a search over every contact, with an
// optional contactId). value matches ignoring case; phone values ignoring
// formatting.
func listMethods(owned bool) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		q, err := resource.ParseQuery(api.DocumentedQuery(c, api.PagingParams, api.DateParams, []string{"sort"}),
			resource.ListOptions{Sorts: resource.StandardSorts})
		if err != nil {
			call.Fail(c, err)
			return
		}
		owner := c.Query("contactId")
		if owned {
			owner = call.Param("contactId")
		}
		if owner != "" {
			owner = strings.ToLower(strings.Trim(owner, "{}"))
			if !guidRE.MatchString(owner) {
				call.Fail(c, apierr.BadRequest("contactId", "The value '"+owner+"' is not a valid GUID."))
				return
			}
		}
		typ, value, ref := c.Query("type"), strings.ToLower(c.Query("value")), c.Query("referenceId")
		owners := map[int64]string{}
		var page resource.Page[*ContactMethod]
		err = call.View(func(tx *resource.Tx) error {
			var sel resource.Select
			if owner != "" {
				p, err := byGUID(tx, &people, owner)
				if err != nil {
					if owned {
						return err
					}
					sel.Narrow(nil)
				} else {
					sel.Index, sel.Value = "owner", resource.IDKey(p.ID)
				}
			}
			page, err = resource.List(tx, &contactMethods, q, sel, func(m *ContactMethod) bool {
				return (typ == "" || strings.EqualFold(typ, m.Type)) && (ref == "" || strings.EqualFold(ref, optional.Value(m.ReferenceID))) &&
					(value == "" || strings.ToLower(m.Value) == value ||
						((m.Type == "Phone" || m.Type == "MobilePhone") && NormalizePhone(value) != "" && NormalizePhone(m.Value) == NormalizePhone(value)))
			})
			if err != nil {
				return err
			}
			for _, m := range page.Data {
				if _, ok := owners[m.PersonID]; !ok {
					p, err := resource.Get(tx, &people, m.PersonID)
					if err != nil {
						return err
					}
					owners[m.PersonID] = p.GUID
				}
			}
			return nil
		})
		call.Respond(c, api.MapPage(page, func(m *ContactMethod) methodOut { return renderMethod(m, owners[m.PersonID]) }), err)
	}
}
