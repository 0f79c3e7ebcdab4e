package crm

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/stsim/stsim/sim/optional"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/marketing"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
)

// bookingRoutes lists the booking-provider tag, booking, booking contact and
// booking export operations.
func bookingRoutes() api.Routes {
	return api.Routes{
		"crm.BookingProviderTags_Create":  createBookingProviderTag,
		"crm.BookingProviderTags_GetList": listBookingProviderTags,
		"crm.BookingProviderTags_Get":     getBookingProviderTag,
		"crm.BookingProviderTags_Update":  updateBookingProviderTag,

		"crm.Bookings_Get":            scoped(tenantLevel, getBooking),
		"crm.Bookings_GetList":        scoped(tenantLevel, listBookings),
		"crm.Bookings_GetContactList": scoped(tenantLevel, listBookingContacts),

		"crm.Bookings_GetForProvider":       scoped(providerLevel, getBooking),
		"crm.Bookings_GetList2":             scoped(providerLevel, listBookings),
		"crm.Bookings_GetContactList2":      scoped(providerLevel, listBookingContacts),
		"crm.Bookings_Create":               scoped(providerLevel, createBooking),
		"crm.Bookings_Update":               scoped(providerLevel, updateBooking),
		"crm.Bookings_CreateContact":        scoped(providerLevel, createBookingContact),
		"crm.Bookings_UpdateBookingContact": scoped(providerLevel, updateBookingContact),
		"crm.Bookings_DeleteContact":        scoped(providerLevel, deleteBookingContact),

		"crm.ExportBookings_Get": scoped(tenantLevel, exportBookingFeed),
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
	// CampaignID, BusinessUnitID and JobTypeID must name a campaign, a
	// business unit and a job type (checkBookingRefs).
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
// API moves it on: accepting and dismissing happen in ServiceTitan's UI,
// which the control API plays (booking_desk.go).
const bookingStatusNew = "New"

// Kinds of bookings and of their contacts (a booking's phone numbers and
// emails, filed by owner like customer and location contacts).
var (
	bookings = resource.Kind[Booking]{Name: "crm.bookings", Label: "Booking", Indexes: []resource.Index[Booking]{
		{Name: "provider", Keys: func(b *Booking) []string { return []string{resource.IDKey(b.BookingProviderID)} }},
		{Name: "external", Keys: func(b *Booking) []string { return []string{externalIDKey(b.ExternalID)} }},
	}}
	bookingContacts = resource.Kind[Contact]{Name: "crm.booking-contacts", Label: "Contact", Indexes: []resource.Index[Contact]{
		{Name: "owner", Keys: func(c *Contact) []string { return []string{resource.IDKey(c.OwnerID)} }},
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

// Starts is when the booking asks the work to start: its start, else (a
// booking stored without one) when it was created.
func (b *Booking) Starts() resource.Time {
	if b.Start.IsZero() {
		return b.CreatedOn
	}
	return b.Start
}

func renderBooking(b *Booking) bookingOut {
	firstTime, summary := b.IsFirstTimeClient, b.Summary
	return bookingOut{
		ID: b.ID, Source: b.Source, CreatedOn: b.CreatedOn, Name: b.Name, Address: b.Address,
		CustomerType: b.CustomerType, Start: b.Starts(), CampaignID: b.CampaignID, BusinessUnitID: b.BusinessUnitID,
		IsFirstTimeClient: &firstTime, UploadedImages: optional.NonNil(b.UploadedImages),
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
	return bookingContactOut{ID: c.ID, Type: c.Type, Value: c.Value, Memo: optional.Value(c.Memo), ModifiedOn: c.ModifiedOn}
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
				Field("booking_provider", "This connection is restricted to booking provider "+resource.IDKey(bound)+"; use /booking-provider/"+resource.IDKey(bound)+"/bookings, or ask the tenant admin to set the connection to No Restriction.")
		}
		return bookingScope{}, nil
	}
	provider, err := call.IDParam("booking_provider")
	if err != nil {
		return bookingScope{}, err
	}
	if bound != 0 && provider != bound {
		return bookingScope{}, apierr.New(http.StatusForbidden, "Access denied: this connection is restricted to booking provider "+resource.IDKey(bound)+".").
			Field("booking_provider", "The tenant admin bound this connection to booking provider tag "+resource.IDKey(bound)+"; the path names "+resource.IDKey(provider)+".")
	}
	return bookingScope{provider: provider}, nil
}

// check fails with 404 when the scope's booking provider tag does not exist.
func (s bookingScope) check(tx *resource.Tx) error {
	if s.provider == 0 {
		return nil
	}
	ok, err := resource.Exists(tx, &bookingProviderTags, s.provider)
	if err != nil {
		return err
	}
	if !ok {
		return apierr.NotFound("Booking provider", s.provider).
			Field("booking_provider", "No booking provider tag has id "+resource.IDKey(s.provider)+".")
	}
	return nil
}

// scoped serves h with the caller's booking scope: a connection the path
// does not allow is refused (403) before anything else is read.
func scoped(level bookingLevel, h func(c *gin.Context, call *api.Call, scope bookingScope)) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		scope, err := bookingScopeOf(call, level)
		if err != nil {
			call.Fail(c, err)
			return
		}
		h(c, call, scope)
	}
}

// booking loads a booking the scope can see; others are 404.
func (s bookingScope) booking(tx *resource.Tx, id int64) (*Booking, error) {
	if err := s.check(tx); err != nil {
		return nil, err
	}
	b, err := resource.Get(tx, &bookings, id)
	if err != nil {
		return nil, err
	}
	if s.provider != 0 && b.BookingProviderID != s.provider {
		return nil, apierr.NotFound("Booking", id)
	}
	return b, nil
}

// contacts are the contacts of the bookings the scope can see; another
// booking's contact is a 404.
func (s bookingScope) contacts() api.Children[*Booking, Contact, *Contact] {
	return api.ChildrenOf(s.booking, &bookingContacts, "owner")
}

// getBooking handles GET /bookings/{id} (tenant) and
// GET /booking-provider/{booking_provider}/bookings/{id} (the provider's own
// bookings only).
func getBooking(c *gin.Context, call *api.Call, scope bookingScope) {
	api.Read(scope.booking, func(_ *gin.Context, _ *resource.Tx, b *Booking) (bookingOut, error) {
		return renderBooking(b), nil
	})(c, call)
}

// listBookings handles GET /bookings (every provider's bookings) and
// GET /booking-provider/{booking_provider}/bookings (that provider's): ids,
// externalId (whole value, ignoring case), sort, the CM-dates and paging.
func listBookings(c *gin.Context, call *api.Call, scope bookingScope) {
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
			sel = resource.Select{Index: "provider", Value: resource.IDKey(scope.provider)}
		}
		page, err = resource.List(tx, &bookings, q, sel, func(b *Booking) bool {
			return scope.provider == 0 || b.BookingProviderID == scope.provider
		})
		return err
	})
	call.Respond(c, api.MapPage(page, renderBooking), err)
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
	Source                  string          `json:"source"`
	Name                    string          `json:"name"`
	Address                 *BookingAddress `json:"address"`
	Contacts                []contactIn     `json:"contacts"`
	CustomerType            *string         `json:"customerType"`
	Start                   resource.Time   `json:"start"`
	Summary                 string          `json:"summary"`
	CampaignID              *int64          `json:"campaignId"`
	BusinessUnitID          *int64          `json:"businessUnitId"`
	JobTypeID               *int64          `json:"jobTypeId"`
	Priority                *string         `json:"priority"`
	IsFirstTimeClient       bool            `json:"isFirstTimeClient"`
	UploadedImages          []string        `json:"uploadedImages"`
	IsSendConfirmationEmail *bool           `json:"isSendConfirmationEmail"`
	ExternalID              string          `json:"externalId"`
}

// check validates a new booking: a name, valid contacts, an address or a
// phone/email contact (the booking rule), and customerType and priority,
// which it normalizes.
func (in *createBookingIn) check() error {
	if err := api.RequireText("name", in.Name); err != nil {
		return err
	}
	reachable := hasAddress(in.Address)
	for i, ci := range in.Contacts {
		if err := checkContact("contacts["+strconv.Itoa(i)+"].", ci.Type, ci.Value); err != nil {
			return err
		}
		reachable = reachable || ci.Type != "Fax" // a fax does not reach the customer
	}
	if !reachable {
		return errUnreachable("address")
	}
	var err error
	if in.CustomerType, err = customerTypeOf(in.CustomerType); err != nil {
		return err
	}
	in.Priority, err = priorityOf(in.Priority)
	return err
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
	switch optional.Value(p) {
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
func createBooking(c *gin.Context, call *api.Call, scope bookingScope) {
	api.Create((*createBookingIn).check, func(tx *resource.Tx, in *createBookingIn) (bookingOut, error) {
		if err := scope.check(tx); err != nil {
			return bookingOut{}, err
		}
		if err := checkBookingRefs(tx, in.CampaignID, in.BusinessUnitID, in.JobTypeID); err != nil {
			return bookingOut{}, err
		}
		b := &Booking{
			Meta: resource.Meta{Active: true}, BookingProviderID: scope.provider, Source: in.Source, Name: in.Name,
			Address: in.Address, CustomerType: in.CustomerType, Start: in.Start, Summary: in.Summary,
			CampaignID: in.CampaignID, BusinessUnitID: in.BusinessUnitID, JobTypeID: in.JobTypeID,
			Priority: in.Priority, IsFirstTimeClient: in.IsFirstTimeClient, UploadedImages: optional.NonNil(in.UploadedImages),
			IsSendConfirmationEmail: in.IsSendConfirmationEmail, Status: bookingStatusNew, ExternalID: in.ExternalID,
		}
		if b.Start.IsZero() {
			b.Start = resource.Stamp(tx.Now)
		}
		if err := resource.Create(tx, &bookings, b); err != nil {
			return bookingOut{}, err
		}
		for _, ci := range in.Contacts {
			if err := resource.Create(tx, &bookingContacts, ci.record(b.ID)); err != nil {
				return bookingOut{}, err
			}
		}
		return renderBooking(b), nil
	})(c, call)
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

// check validates an update and normalizes customerType and priority (a
// blank one changes nothing).
func (in *updateBookingIn) check() error {
	if err := checkName(in.Name); err != nil {
		return err
	}
	var err error
	if in.CustomerType, err = customerTypeOf(in.CustomerType); err != nil {
		return err
	}
	in.Priority, err = priorityOf(in.Priority)
	return err
}

// checkBookingRefs checks the campaign, business unit and job type a
// booking names, when it names them: a missing one is a 400 naming the
// member.
func checkBookingRefs(tx *resource.Tx, campaignID, businessUnitID, jobTypeID *int64) error {
	if campaignID != nil {
		if _, err := marketing.CampaignByID(tx, *campaignID); err != nil {
			return api.RefError(err, "campaignId", "No campaign has id "+resource.IDKey(*campaignID)+".")
		}
	}
	if businessUnitID != nil {
		if _, err := settings.BusinessUnitByID(tx, *businessUnitID); err != nil {
			return api.RefError(err, "businessUnitId", "No business unit has id "+resource.IDKey(*businessUnitID)+".")
		}
	}
	return checkJobType(tx, jobTypeID, false)
}

// updateBooking handles PATCH /booking-provider/{booking_provider}/bookings/{id}:
// only the members sent change; the name must stay non-blank. The address
// can be replaced but not removed, so the booking rule keeps holding.
func updateBooking(c *gin.Context, call *api.Call, scope bookingScope) {
	api.Action(scope.booking, true, (*updateBookingIn).check, func(tx *resource.Tx, _ int64, b *Booking, in *updateBookingIn) (any, error) {
		if err := checkBookingRefs(tx, in.CampaignID, in.BusinessUnitID, in.JobTypeID); err != nil {
			return nil, err
		}
		api.SetIf(&b.Source, in.Source)
		api.SetIf(&b.Name, in.Name)
		api.SetIf(&b.Summary, in.Summary)
		api.SetIf(&b.IsFirstTimeClient, in.IsFirstTimeClient)
		api.SetIf(&b.ExternalID, in.ExternalID)
		api.SetIf(&b.UploadedImages, in.UploadedImages)
		api.SetPtr(&b.Address, in.Address)
		api.SetPtr(&b.CustomerType, in.CustomerType)
		if in.Start != nil && !in.Start.IsZero() {
			b.Start = *in.Start
		}
		api.SetPtr(&b.CampaignID, in.CampaignID)
		api.SetPtr(&b.BusinessUnitID, in.BusinessUnitID)
		api.SetPtr(&b.JobTypeID, in.JobTypeID)
		api.SetPtr(&b.Priority, in.Priority)
		if err := resource.Save(tx, &bookings, b); err != nil {
			return nil, err
		}
		return renderBooking(b), nil
	})(c, call)
}

// listBookingContacts handles GET /bookings/{id}/contacts (tenant) and
// GET /booking-provider/{booking_provider}/bookings/{id}/contacts, paged in
// ID order.
func listBookingContacts(c *gin.Context, call *api.Call, scope bookingScope) {
	api.ListChildren(scope.contacts(), nil, renderBookingContact)(c, call)
}

// createBookingContact handles POST
// /booking-provider/{booking_provider}/bookings/{id}/contacts: a Phone,
// MobilePhone, Email or Fax with a value.
func createBookingContact(c *gin.Context, call *api.Call, scope bookingScope) {
	createContact(scope.contacts(), renderBookingContact)(c, call)
}

// stillReachable reports whether a booking keeps an address or a phone/email
// contact once one of its contacts is replaced by changed (deleted when
// changed.Deleted).
func stillReachable(tx *resource.Tx, b *Booking, changed *Contact) (bool, error) {
	if hasAddress(b.Address) {
		return true, nil
	}
	contacts, err := resource.LookupRecords(tx, &bookingContacts, "owner", resource.IDKey(b.ID))
	if err != nil {
		return false, err
	}
	for _, contact := range contacts {
		if contact.ID == changed.ID {
			contact = changed
		}
		if !contact.Deleted && reaches(contact) {
			return true, nil
		}
	}
	return false, nil
}

// errLastContact is the 409 for a change that would break the booking rule.
func errLastContact(b *Booking) error {
	return apierr.Conflict("Booking "+resource.IDKey(b.ID)+" has no address: it must keep at least one phone or email contact.").
		Field("contactId", "A booking needs a name plus an address or a phone/email contact.")
}

// updateBookingContactOut is what the document answers a contact update
// with: the Crm.V2.UpdateBookingContactRequest schema (type, value, memo).
type updateBookingContactOut struct {
	Type  string `json:"type"`
	Value string `json:"value"`
	Memo  string `json:"memo"`
}

// keepsReachable fails with 409 when a booking without an address would
// be left without a phone or email contact once changed is written.
func keepsReachable(tx *resource.Tx, b *Booking, changed *Contact) error {
	if ok, err := stillReachable(tx, b, changed); err != nil || !ok {
		return firstErr(err, errLastContact(b))
	}
	return nil
}

// updateBookingContact handles PATCH
// /booking-provider/{booking_provider}/bookings/{id}/contacts/{contactId}:
// only the members sent change. Turning the last phone/email of a booking
// without an address into a fax is a 409 (the booking rule).
func updateBookingContact(c *gin.Context, call *api.Call, scope bookingScope) {
	api.UpdateChild(scope.contacts(), "contactId", func(tx *resource.Tx, b *Booking, contact *Contact, in *contactPatch) error {
		if err := in.apply(contact); err != nil {
			return err
		}
		return keepsReachable(tx, b, contact)
	}, func(contact *Contact) updateBookingContactOut {
		return updateBookingContactOut{Type: contact.Type, Value: contact.Value, Memo: optional.Value(contact.Memo)}
	})(c, call)
}

// deleteBookingContact handles DELETE
// /booking-provider/{booking_provider}/bookings/{id}/contacts/{contactId}
// (200, empty). Removing the last phone/email of a booking without an
// address is a 409 (the booking rule).
func deleteBookingContact(c *gin.Context, call *api.Call, scope bookingScope) {
	api.DeleteChild(scope.contacts(), "contactId", func(tx *resource.Tx, b *Booking, contact *Contact) error {
		gone := *contact
		gone.Deleted = true
		return keepsReachable(tx, b, &gone)
	})(c, call)
}

// exportBookingFeed handles GET /export/bookings: every provider's bookings,
// each once per its latest change, visible 15 minutes after it unless
// includeRecentChanges=true. The feed is tenant data like /bookings, so a
// connection restricted to a booking provider is refused (403).
func exportBookingFeed(c *gin.Context, call *api.Call, _ bookingScope) {
	exportBookings(c, call)
}

var exportBookings = api.Export(&bookings, func(_ *gin.Context, b *Booking) exportBookingOut {
	return exportBookingOut{bookingOut: renderBooking(b), Active: b.Active}
})
