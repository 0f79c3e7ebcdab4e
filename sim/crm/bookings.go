package crm

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// bookingRoutes lists the booking-provider tag, booking, booking contact and
// booking export operations.
func bookingRoutes() api.Routes {
	return api.Routes{
		"crm.BookingProviderTags_Create":  createBookingProviderTag,
		"crm.BookingProviderTags_GetList": listBookingProviderTags,
		"crm.BookingProviderTags_Get":     getBookingProviderTag,
		"crm.BookingProviderTags_Update":  updateBookingProviderTag,

		"crm.Bookings_Get":            getBooking(tenantLevel),
		"crm.Bookings_GetList":        listBookings(tenantLevel),
		"crm.Bookings_GetContactList": listBookingContacts(tenantLevel),

		"crm.Bookings_GetForProvider":       getBooking(providerLevel),
		"crm.Bookings_GetList2":             listBookings(providerLevel),
		"crm.Bookings_GetContactList2":      listBookingContacts(providerLevel),
		"crm.Bookings_Create":               createBooking,
		"crm.Bookings_Update":               updateBooking,
		"crm.Bookings_CreateContact":        createBookingContact,
		"crm.Bookings_UpdateBookingContact": updateBookingContact,
		"crm.Bookings_DeleteContact":        deleteBookingContact,

		"crm.ExportBookings_Get": exportBookingFeed,
	}
}

// BookingAddress is Crm.V2.AddressModel (and AddressPatchModel): a booking's
// address, without the coordinates customers and locations carry.
type BookingAddress struct {
	Street  string  `json:"street"`
	Unit    *string `json:"unit"`
	City    string  `json:"city"`
	State   string  `json:"state"`
	Zip     string  `json:"zip"`
	Country string  `json:"country"`
}

// Booking is a booking a booking provider sent in: a prospective job that a
// CSR accepts or dismisses in ServiceTitan (contract §9).
type Booking struct {
	resource.Meta
	BookingProviderID int64           `json:"bookingProviderId"` // the tag of the path it was created under
	Source            string          `json:"source"`
	Name              string          `json:"name"`
	Address           *BookingAddress `json:"address"`
	CustomerType      *string         `json:"customerType"`
	Start             resource.Time   `json:"start"`
	Summary           string          `json:"summary"`
	// CampaignID, BusinessUnitID and JobTypeID refer to the marketing,
	// settings and JPM modules, which stsim does not emulate yet: they are
	// stored as given, unchecked.
	CampaignID              *int64   `json:"campaignId"`
	BusinessUnitID          *int64   `json:"businessUnitId"`
	JobTypeID               *int64   `json:"jobTypeId"`
	Priority                *string  `json:"priority"`
	IsFirstTimeClient       bool     `json:"isFirstTimeClient"`
	UploadedImages          []string `json:"uploadedImages"`
	IsSendConfirmationEmail *bool    `json:"isSendConfirmationEmail"`
	Status                  string   `json:"status"` // Crm.V2.BookingStatus
	DismissingReasonID      *int64   `json:"dismissingReasonId"`
	JobID                   *int64   `json:"jobId"`
	ExternalID              string   `json:"externalId"`
}

// bookingStatusNew is where every booking starts. Nothing in the emulated
// API moves it on yet: accepting and dismissing happen in ServiceTitan's UI.
const bookingStatusNew = "New"

// Kinds of bookings and of their contacts (a booking's phone numbers and
// emails, filed by owner like customer and location contacts).
var (
	Bookings = resource.Kind[Booking]{Name: "crm.bookings", Label: "Booking", Indexes: []resource.Index[Booking]{
		{Name: "provider", Keys: func(b *Booking) []string { return []string{idKey(b.BookingProviderID)} }},
		{Name: "external", Keys: func(b *Booking) []string { return []string{externalIDKey(b.ExternalID)} }},
	}}
	BookingContacts = resource.Kind[Contact]{Name: "crm.booking-contacts", Label: "Contact", Indexes: []resource.Index[Contact]{
		{Name: "owner", Keys: func(c *Contact) []string { return []string{idKey(c.OwnerID)} }},
	}}
)

// externalIDKey normalizes an externalId for the index: the filter matches
// the whole value, ignoring case and surrounding blanks.
func externalIDKey(v string) string { return strings.ToLower(strings.TrimSpace(v)) }

// bookingOut is Crm.V2.BookingResponse.
type bookingOut struct {
	ID                      int64           `json:"id"`
	Source                  string          `json:"source"`
	CreatedOn               resource.Time   `json:"createdOn"`
	Name                    string          `json:"name"`
	Address                 *BookingAddress `json:"address"`
	CustomerType            *string         `json:"customerType"`
	Start                   resource.Time   `json:"start"`
	CampaignID              *int64          `json:"campaignId"`
	BusinessUnitID          *int64          `json:"businessUnitId"`
	IsFirstTimeClient       *bool           `json:"isFirstTimeClient"`
	UploadedImages          []string        `json:"uploadedImages"`
	IsSendConfirmationEmail *bool           `json:"isSendConfirmationEmail"`
	Status                  string          `json:"status"`
	DismissingReasonID      *int64          `json:"dismissingReasonId"`
	JobID                   *int64          `json:"jobId"`
	ExternalID              string          `json:"externalId"`
	Priority                *string         `json:"priority"`
	JobTypeID               *int64          `json:"jobTypeId"`
	BookingProviderID       int64           `json:"bookingProviderId"`
	ModifiedOn              resource.Time   `json:"modifiedOn"`
	Summary                 *string         `json:"summary"`
}

func renderBooking(b *Booking) bookingOut {
	firstTime, summary := b.IsFirstTimeClient, b.Summary
	start := b.Start
	if start.IsZero() {
		start = b.CreatedOn
	}
	return bookingOut{
		ID: b.ID, Source: b.Source, CreatedOn: b.CreatedOn, Name: b.Name, Address: b.Address,
		CustomerType: b.CustomerType, Start: start, CampaignID: b.CampaignID, BusinessUnitID: b.BusinessUnitID,
		IsFirstTimeClient: &firstTime, UploadedImages: nonNil(b.UploadedImages),
		IsSendConfirmationEmail: b.IsSendConfirmationEmail, Status: b.Status, DismissingReasonID: b.DismissingReasonID,
		JobID: b.JobID, ExternalID: b.ExternalID, Priority: b.Priority, JobTypeID: b.JobTypeID,
		BookingProviderID: b.BookingProviderID, ModifiedOn: b.ModifiedOn, Summary: &summary,
	}
}

// exportBookingOut is Crm.V2.ExportBookingResponse: the booking plus active.
type exportBookingOut struct {
	bookingOut
	Active bool `json:"active"`
}

// bookingContactOut is Crm.V2.BookingContactResponse; memo is a required,
// non-nullable string there, so a missing memo is "".
type bookingContactOut struct {
	ID         int64         `json:"id"`
	Type       string        `json:"type"`
	Value      string        `json:"value"`
	Memo       string        `json:"memo"`
	ModifiedOn resource.Time `json:"modifiedOn"`
}

func renderBookingContact(c *Contact) bookingContactOut {
	return bookingContactOut{ID: c.ID, Type: c.Type, Value: c.Value, Memo: deref(c.Memo), ModifiedOn: c.ModifiedOn}
}

// Access to bookings.
//
// A connection the tenant admin bound to a booking-provider tag
// (Connection.BookingProviderID != 0) works only through
// /booking-provider/{its tag}/bookings…. The tenant-level /bookings…
// endpoints and the bookings export are for the tenant: they need a "No
// Restriction" connection (contract §7). What ServiceTitan answers for
// another provider's tag id is undocumented (403 or 404 are the likely
// answers); stsim answers 403 "this connection is restricted to booking
// provider N", so a misconfigured integration learns why at once. An
// unrestricted connection may use any existing tag id; an unknown one is a
// 404 naming the booking provider. Bookings of one provider do not exist
// for another provider's path (404).

// bookingLevel says whether an operation is tenant-level or provider-level.
type bookingLevel bool

const (
	tenantLevel   bookingLevel = false
	providerLevel bookingLevel = true
)

// bookingScope is what a call may see: one provider's bookings (provider
// != 0) or, at tenant level, every provider's.
type bookingScope struct{ provider int64 }

// bookingScopeOf checks the caller's connection against the path. The tag's
// existence is checked later, inside the transaction (scope.check).
func bookingScopeOf(call *api.Call, level bookingLevel) (bookingScope, error) {
	bound := call.Principal.Connection.BookingProviderID
	if level == tenantLevel {
		if bound != 0 {
			return bookingScope{}, apierr.New(http.StatusForbidden, "The tenant-level bookings endpoints are to be used by the tenant, not by a booking provider.").
				Field("booking_provider", "This connection is restricted to booking provider "+idKey(bound)+"; use /booking-provider/"+idKey(bound)+"/bookings, or ask the tenant admin to set the connection to No Restriction.")
		}
		return bookingScope{}, nil
	}
	provider, err := call.IDParam("booking_provider")
	if err != nil {
		return bookingScope{}, err
	}
	if bound != 0 && provider != bound {
		return bookingScope{}, apierr.New(http.StatusForbidden, "Access denied: this connection is restricted to booking provider "+idKey(bound)+".").
			Field("booking_provider", "The tenant admin bound this connection to booking provider tag "+idKey(bound)+"; the path names "+idKey(provider)+".")
	}
	return bookingScope{provider: provider}, nil
}

// check fails with 404 when the scope's booking provider tag does not exist.
func (s bookingScope) check(tx *resource.Tx) error {
	if s.provider == 0 {
		return nil
	}
	ok, err := resource.Exists(tx, &BookingProviderTags, s.provider)
	if err != nil {
		return err
	}
	if !ok {
		return apierr.NotFound("Booking provider", s.provider).
			Field("booking_provider", "No booking provider tag has id "+idKey(s.provider)+".")
	}
	return nil
}

// booking loads a booking the scope can see; others are 404.
func (s bookingScope) booking(tx *resource.Tx, id int64) (*Booking, error) {
	if err := s.check(tx); err != nil {
		return nil, err
	}
	b, err := resource.Get(tx, &Bookings, id)
	if err != nil {
		return nil, err
	}
	if s.provider != 0 && b.BookingProviderID != s.provider {
		return nil, apierr.NotFound("Booking", id)
	}
	return b, nil
}

// contact loads a live contact of a booking; another booking's is 404.
func (s bookingScope) contact(tx *resource.Tx, b *Booking, contactID int64) (*Contact, error) {
	contact, err := resource.Get(tx, &BookingContacts, contactID)
	if err != nil {
		return nil, err
	}
	if contact.OwnerID != b.ID {
		return nil, apierr.NotFound("Contact", contactID)
	}
	return contact, nil
}

// getBooking handles GET /bookings/{id} (tenant) and
// GET /booking-provider/{booking_provider}/bookings/{id} (the provider's own
// bookings only).
func getBooking(level bookingLevel) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		scope, err := bookingScopeOf(call, level)
		if err != nil {
			call.Fail(c, err)
			return
		}
		id, err := call.IDParam("id")
		if err != nil {
			call.Fail(c, err)
			return
		}
		var out bookingOut
		err = call.View(func(tx *resource.Tx) error {
			b, err := scope.booking(tx, id)
			if err == nil {
				out = renderBooking(b)
			}
			return err
		})
		call.Respond(c, out, err)
	}
}

// listBookings handles GET /bookings (every provider's bookings) and
// GET /booking-provider/{booking_provider}/bookings (that provider's): ids,
// externalId (whole value, ignoring case), sort, the CM-dates and paging.
func listBookings(level bookingLevel) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		scope, err := bookingScopeOf(call, level)
		if err != nil {
			call.Fail(c, err)
			return
		}
		q, err := resource.ParseQuery(c.Request.URL.Query(), resource.ListOptions{Sorts: resource.StandardSorts})
		if err != nil {
			call.Fail(c, err)
			return
		}
		externalID, hasExternal := c.GetQuery("externalId")
		var page resource.Page[*Booking]
		err = call.View(func(tx *resource.Tx) error {
			if err := scope.check(tx); err != nil {
				return err
			}
			sel := resource.Select{}
			switch {
			case hasExternal && externalID != "":
				sel = resource.Select{Index: "external", Value: externalIDKey(externalID)}
			case scope.provider != 0:
				sel = resource.Select{Index: "provider", Value: idKey(scope.provider)}
			}
			page, err = resource.List(tx, &Bookings, q, sel, func(b *Booking) bool {
				return scope.provider == 0 || b.BookingProviderID == scope.provider
			})
			return err
		})
		call.Respond(c, mapPage(page, renderBooking), err)
	}
}

// bookingContactIn is Crm.V2.BookingContactModel and
// Crm.V2.ContactCreateRequest.
type bookingContactIn struct {
	Type  string  `json:"type"`
	Value string  `json:"value"`
	Memo  *string `json:"memo"`
}

// validBookingContact checks a contact's type (Crm.V2.ContactType; the
// create-contact request types it as a plain string) and value. prefix
// names the contact in a larger body ("contacts[0]."), or is "".
func validBookingContact(prefix, typ, value string) error {
	switch typ {
	case "Phone", "MobilePhone", "Email", "Fax":
	default:
		return apierr.BadRequest(prefix+"type", "type must be Phone, MobilePhone, Email or Fax.")
	}
	if strings.TrimSpace(value) == "" {
		return apierr.BadRequest(prefix+"value", "A contact needs a value.")
	}
	return nil
}

// reaches reports whether a contact counts toward the booking rule: a phone
// number or an email (a fax does not).
func reaches(c *Contact) bool { return c.Type != "Fax" }

// hasAddress reports whether an address counts toward the booking rule:
// one with a street.
func hasAddress(a *BookingAddress) bool { return a != nil && strings.TrimSpace(a.Street) != "" }

// errUnreachable is the booking rule of contract §9.
func errUnreachable(field string) *apierr.Error {
	return apierr.BadRequest(field, "A booking needs a name plus an address or a phone/email contact.")
}

type createBookingIn struct {
	Source                  string             `json:"source"`
	Name                    string             `json:"name"`
	Address                 *BookingAddress    `json:"address"`
	Contacts                []bookingContactIn `json:"contacts"`
	CustomerType            *string            `json:"customerType"`
	Start                   resource.Time      `json:"start"`
	Summary                 string             `json:"summary"`
	CampaignID              *int64             `json:"campaignId"`
	BusinessUnitID          *int64             `json:"businessUnitId"`
	JobTypeID               *int64             `json:"jobTypeId"`
	Priority                *string            `json:"priority"`
	IsFirstTimeClient       bool               `json:"isFirstTimeClient"`
	UploadedImages          []string           `json:"uploadedImages"`
	IsSendConfirmationEmail *bool              `json:"isSendConfirmationEmail"`
	ExternalID              string             `json:"externalId"`
}

// customerTypeOf reads the create request's customerType, a plain string
// there, into Crm.V2.CustomerType (ignoring case).
func customerTypeOf(v *string) (*string, error) {
	if v == nil || strings.TrimSpace(*v) == "" {
		return nil, nil
	}
	for _, t := range []string{"Residential", "Commercial"} {
		if strings.EqualFold(strings.TrimSpace(*v), t) {
			return &t, nil
		}
	}
	return nil, apierr.BadRequest("customerType", "customerType must be Residential or Commercial.")
}

// priorityOf checks Crm.V2.Priority (request validation does too, unless it
// is switched off); blank is no priority.
func priorityOf(p *string) (*string, error) {
	switch deref(p) {
	case "":
		return nil, nil
	case "Low", "Normal", "High", "Urgent":
		return p, nil
	}
	return nil, apierr.BadRequest("priority", "priority must be Low, Normal, High or Urgent.")
}

// createBooking handles POST /booking-provider/{booking_provider}/bookings.
// The document requires source, name, summary, isFirstTimeClient and
// externalId; the domain rule adds that a booking needs a name plus an
// address or a phone/email contact (400). The booking starts New, belongs to
// the path's provider, and its contacts become booking contacts. Without a
// start, start is the creation time (the response requires one).
func createBooking(c *gin.Context, call *api.Call) {
	scope, err := bookingScopeOf(call, providerLevel)
	if err != nil {
		call.Fail(c, err)
		return
	}
	var in createBookingIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	if err := requireText("name", in.Name); err != nil {
		call.Fail(c, err)
		return
	}
	reachable := hasAddress(in.Address)
	for i, ci := range in.Contacts {
		if err := validBookingContact("contacts["+strconv.Itoa(i)+"].", ci.Type, ci.Value); err != nil {
			call.Fail(c, err)
			return
		}
		reachable = reachable || ci.Type != "Fax" // a fax does not reach the customer
	}
	if !reachable {
		call.Fail(c, errUnreachable("address"))
		return
	}
	customerType, err := customerTypeOf(in.CustomerType)
	if err != nil {
		call.Fail(c, err)
		return
	}
	priority, err := priorityOf(in.Priority)
	if err != nil {
		call.Fail(c, err)
		return
	}
	var out bookingOut
	err = call.Update(func(tx *resource.Tx) error {
		if err := scope.check(tx); err != nil {
			return err
		}
		b := &Booking{
			Meta: resource.Meta{Active: true}, BookingProviderID: scope.provider, Source: in.Source, Name: in.Name,
			Address: in.Address, CustomerType: customerType, Start: in.Start, Summary: in.Summary,
			CampaignID: in.CampaignID, BusinessUnitID: in.BusinessUnitID, JobTypeID: in.JobTypeID,
			Priority: priority, IsFirstTimeClient: in.IsFirstTimeClient, UploadedImages: nonNil(in.UploadedImages),
			IsSendConfirmationEmail: in.IsSendConfirmationEmail, Status: bookingStatusNew, ExternalID: in.ExternalID,
		}
		if b.Start.IsZero() {
			b.Start = resource.Stamp(tx.Now)
		}
		if err := resource.Create(tx, &Bookings, b); err != nil {
			return err
		}
		for _, ci := range in.Contacts {
			contact := &Contact{Meta: resource.Meta{Active: true}, OwnerID: b.ID, Type: ci.Type, Value: ci.Value, Memo: ci.Memo}
			if err := resource.Create(tx, &BookingContacts, contact); err != nil {
				return err
			}
		}
		out = renderBooking(b)
		return nil
	})
	call.Respond(c, out, err)
}

type updateBookingIn struct {
	Source            *string         `json:"source"`
	Name              *string         `json:"name"`
	Address           *BookingAddress `json:"address"`
	CustomerType      *string         `json:"customerType"`
	Start             *resource.Time  `json:"start"`
	Summary           *string         `json:"summary"`
	CampaignID        *int64          `json:"campaignId"`
	BusinessUnitID    *int64          `json:"businessUnitId"`
	JobTypeID         *int64          `json:"jobTypeId"`
	Priority          *string         `json:"priority"`
	IsFirstTimeClient *bool           `json:"isFirstTimeClient"`
	UploadedImages    *[]string       `json:"uploadedImages"`
	ExternalID        *string         `json:"externalId"`
}

// updateBooking handles PATCH /booking-provider/{booking_provider}/bookings/{id}:
// only the members sent change; the name must stay non-blank. The address
// can be replaced but not removed, so the booking rule keeps holding.
func updateBooking(c *gin.Context, call *api.Call) {
	scope, err := bookingScopeOf(call, providerLevel)
	if err != nil {
		call.Fail(c, err)
		return
	}
	id, err := call.IDParam("id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	var in updateBookingIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	if in.Name != nil {
		if err := requireText("name", *in.Name); err != nil {
			call.Fail(c, err)
			return
		}
	}
	customerType, err := customerTypeOf(in.CustomerType)
	if err != nil {
		call.Fail(c, err)
		return
	}
	priority, err := priorityOf(in.Priority)
	if err != nil {
		call.Fail(c, err)
		return
	}
	var out bookingOut
	err = call.Update(func(tx *resource.Tx) error {
		b, err := scope.booking(tx, id)
		if err != nil {
			return err
		}
		setIf(&b.Source, in.Source)
		setIf(&b.Name, in.Name)
		setIf(&b.Summary, in.Summary)
		setIf(&b.IsFirstTimeClient, in.IsFirstTimeClient)
		setIf(&b.ExternalID, in.ExternalID)
		setIf(&b.UploadedImages, in.UploadedImages)
		if in.Address != nil {
			b.Address = in.Address
		}
		if customerType != nil {
			b.CustomerType = customerType
		}
		if in.Start != nil && !in.Start.IsZero() {
			b.Start = *in.Start
		}
		if in.CampaignID != nil {
			b.CampaignID = in.CampaignID
		}
		if in.BusinessUnitID != nil {
			b.BusinessUnitID = in.BusinessUnitID
		}
		if in.JobTypeID != nil {
			b.JobTypeID = in.JobTypeID
		}
		if priority != nil {
			b.Priority = priority
		}
		if err := resource.Save(tx, &Bookings, b); err != nil {
			return err
		}
		out = renderBooking(b)
		return nil
	})
	call.Respond(c, out, err)
}

// listBookingContacts handles GET /bookings/{id}/contacts (tenant) and
// GET /booking-provider/{booking_provider}/bookings/{id}/contacts, paged in
// ID order.
func listBookingContacts(level bookingLevel) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		scope, err := bookingScopeOf(call, level)
		if err != nil {
			call.Fail(c, err)
			return
		}
		id, err := call.IDParam("id")
		if err != nil {
			call.Fail(c, err)
			return
		}
		q, err := resource.ParseQuery(c.Request.URL.Query(), resource.ListOptions{})
		if err != nil {
			call.Fail(c, err)
			return
		}
		var page resource.Page[*Contact]
		err = call.View(func(tx *resource.Tx) error {
			if _, err := scope.booking(tx, id); err != nil {
				return err
			}
			page, err = resource.List(tx, &BookingContacts, q, resource.Select{Index: "owner", Value: idKey(id)}, nil)
			return err
		})
		call.Respond(c, mapPage(page, renderBookingContact), err)
	}
}

// createBookingContact handles POST
// /booking-provider/{booking_provider}/bookings/{id}/contacts: a Phone,
// MobilePhone, Email or Fax with a value.
func createBookingContact(c *gin.Context, call *api.Call) {
	scope, err := bookingScopeOf(call, providerLevel)
	if err != nil {
		call.Fail(c, err)
		return
	}
	id, err := call.IDParam("id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	var in bookingContactIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	if err := validBookingContact("", in.Type, in.Value); err != nil {
		call.Fail(c, err)
		return
	}
	var out bookingContactOut
	err = call.Update(func(tx *resource.Tx) error {
		b, err := scope.booking(tx, id)
		if err != nil {
			return err
		}
		contact := &Contact{Meta: resource.Meta{Active: true}, OwnerID: b.ID, Type: in.Type, Value: in.Value, Memo: in.Memo}
		if err := resource.Create(tx, &BookingContacts, contact); err != nil {
			return err
		}
		out = renderBookingContact(contact)
		return nil
	})
	call.Respond(c, out, err)
}

// stillReachable reports whether a booking keeps an address or a phone/email
// contact once one of its contacts is replaced by changed (deleted when
// changed.Deleted).
func stillReachable(tx *resource.Tx, b *Booking, changed *Contact) (bool, error) {
	if hasAddress(b.Address) {
		return true, nil
	}
	ids, err := resource.Lookup(tx, &BookingContacts, "owner", idKey(b.ID))
	if err != nil {
		return false, err
	}
	for _, cid := range ids {
		contact := changed
		if cid != changed.ID {
			if contact, err = resource.Get(tx, &BookingContacts, cid); err != nil {
				return false, err
			}
		}
		if !contact.Deleted && reaches(contact) {
			return true, nil
		}
	}
	return false, nil
}

// errLastContact is the 409 for a change that would break the booking rule.
func errLastContact(b *Booking) error {
	return apierr.Conflict("Booking "+idKey(b.ID)+" has no address: it must keep at least one phone or email contact.").
		Field("contactId", "A booking needs a name plus an address or a phone/email contact.")
}

// updateBookingContactOut is what the document answers a contact update
// with: the Crm.V2.UpdateBookingContactRequest schema (type, value, memo).
type updateBookingContactOut struct {
	Type  string `json:"type"`
	Value string `json:"value"`
	Memo  string `json:"memo"`
}

type updateBookingContactIn struct {
	Type  *string `json:"type"`
	Value *string `json:"value"`
	Memo  *string `json:"memo"`
}

// updateBookingContact handles PATCH
// /booking-provider/{booking_provider}/bookings/{id}/contacts/{contactId}:
// only the members sent change. Turning the last phone/email of a booking
// without an address into a fax is a 409 (the booking rule).
func updateBookingContact(c *gin.Context, call *api.Call) {
	scope, err := bookingScopeOf(call, providerLevel)
	if err != nil {
		call.Fail(c, err)
		return
	}
	id, err := call.IDParam("id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	contactID, err := call.IDParam("contactId")
	if err != nil {
		call.Fail(c, err)
		return
	}
	var in updateBookingContactIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	var out updateBookingContactOut
	err = call.Update(func(tx *resource.Tx) error {
		b, err := scope.booking(tx, id)
		if err != nil {
			return err
		}
		contact, err := scope.contact(tx, b, contactID)
		if err != nil {
			return err
		}
		setIf(&contact.Type, in.Type)
		setIf(&contact.Value, in.Value)
		if in.Memo != nil {
			contact.Memo = in.Memo
		}
		if err := validBookingContact("", contact.Type, contact.Value); err != nil {
			return err
		}
		if ok, err := stillReachable(tx, b, contact); err != nil || !ok {
			return firstErr(err, errLastContact(b))
		}
		if err := resource.Save(tx, &BookingContacts, contact); err != nil {
			return err
		}
		out = updateBookingContactOut{Type: contact.Type, Value: contact.Value, Memo: deref(contact.Memo)}
		return nil
	})
	call.Respond(c, out, err)
}

// deleteBookingContact handles DELETE
// /booking-provider/{booking_provider}/bookings/{id}/contacts/{contactId}
// (200, empty). Removing the last phone/email of a booking without an
// address is a 409 (the booking rule).
func deleteBookingContact(c *gin.Context, call *api.Call) {
	scope, err := bookingScopeOf(call, providerLevel)
	if err != nil {
		call.Fail(c, err)
		return
	}
	id, err := call.IDParam("id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	contactID, err := call.IDParam("contactId")
	if err != nil {
		call.Fail(c, err)
		return
	}
	err = call.Update(func(tx *resource.Tx) error {
		b, err := scope.booking(tx, id)
		if err != nil {
			return err
		}
		contact, err := scope.contact(tx, b, contactID)
		if err != nil {
			return err
		}
		gone := *contact
		gone.Deleted = true
		if ok, err := stillReachable(tx, b, &gone); err != nil || !ok {
			return firstErr(err, errLastContact(b))
		}
		return resource.Delete(tx, &BookingContacts, contact)
	})
	call.RespondEmpty(c, err)
}

// exportBookingFeed handles GET /export/bookings: every provider's bookings,
// each once per its latest change, visible 15 minutes after it unless
// includeRecentChanges=true. The feed is tenant data like /bookings, so a
// connection restricted to a booking provider is refused (403).
func exportBookingFeed(c *gin.Context, call *api.Call) {
	if _, err := bookingScopeOf(call, tenantLevel); err != nil {
		call.Fail(c, err)
		return
	}
	eq, err := resource.ParseExport(c.Request.URL.Query(), call.Tenant, Bookings.Name)
	if err != nil {
		call.Fail(c, err)
		return
	}
	var page resource.ExportPage[*Booking]
	err = call.View(func(tx *resource.Tx) error {
		page, err = resource.Export(tx, &Bookings, call.Tenant, eq)
		return err
	})
	out := resource.ExportPage[exportBookingOut]{HasMore: page.HasMore, ContinueFrom: page.ContinueFrom, Data: make([]exportBookingOut, 0, len(page.Data))}
	for _, b := range page.Data {
		out.Data = append(out.Data, exportBookingOut{bookingOut: renderBooking(b), Active: b.Active})
	}
	call.Respond(c, out, err)
}
