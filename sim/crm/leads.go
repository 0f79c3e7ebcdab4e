package crm

import (
	"errors"
	"math"
	"slices"
	"strings"

	"github.com/stsim/stsim/sim/optional"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/jbce"
	"github.com/stsim/stsim/sim/marketing"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
)

// A lead is a sales opportunity that is not yet a job. Rules stsim applies:
//
//   - A lead starts Open. Dismiss (POST /leads/{id}/dismiss) makes it
//     Dismissed with the reason given; it converts (Converted) when a job
//     is booked for its customer and location while it is open
//     (ConvertLeads, which jpm calls). Only an Open lead can be updated,
//     dismissed or given a follow-up: otherwise 400.
//   - campaignId names a campaign; businessUnitId an active business unit;
//     tagTypeIds tag types; callReasonId an active call reason; jobTypeId
//     an active job type (checkJobType).
//     customerId names a customer and locationId one of its locations; a
//     location alone brings its customer.
//   - dismissingReasonId is any positive ID (the documents list no lead
//     dismissal reasons).
//   - A follow-up sets followUpDate and, with text, adds a note (pinned with
//     pinToTop).
//   - A submitted lead form creates an Open lead without a customer, in the
//     tenant's default campaign; the name, email, phone and address are
//     written into its summary.
//   - leadUrl is a permanent URL under LeadURLBase, answered when
//     genPermUrl=true (null otherwise).

// Lead statuses (Crm.V2.LeadStatus).
const (
	LeadOpen      = "Open"
	LeadDismissed = "Dismissed"
	LeadConverted = "Converted"
)

// LeadURLBase is where leads' permanent URLs point.
const LeadURLBase = "https://go.stsim.invalid/leads/"

// Lead is a lead.
type Lead struct {
	resource.Meta
	Status             string         `json:"status"`
	Priority           string         `json:"priority"`
	CustomerID         *int64         `json:"customerId"`
	LocationID         *int64         `json:"locationId"`
	BusinessUnitID     *int64         `json:"businessUnitId"`
	JobTypeID          *int64         `json:"jobTypeId"`
	CampaignID         int64          `json:"campaignId"`
	FollowUpDate       *resource.Time `json:"followUpDate"`
	CreatedByID        int64          `json:"createdById"`
	TagTypeIDs         []int64        `json:"tagTypeIds"`
	DismissingReasonID *int64         `json:"dismissingReasonId"`
	Summary            string         `json:"summary"`
	CallReasonID       *int64         `json:"callReasonId"`
}

// Leads and their notes.
var (
	leads = resource.Kind[Lead]{Name: "crm.leads", Label: "Lead", Indexes: []resource.Index[Lead]{
		{Name: "customer", Keys: func(l *Lead) []string { return optKeys(l.CustomerID) }},
	}}
	leadNoteRecords = resource.Kind[Note]{Name: "crm.lead-notes", Label: "Note", Indexes: noteIndexes}
)

func optKeys(id *int64) []string {
	if id == nil {
		return nil
	}
	return []string{resource.IDKey(*id)}
}

var leadPriorities = []string{"Low", "Normal", "High", "Urgent"}

func leadRoutes() api.Routes {
	leadNotes := api.ChildrenOf(api.OwnerKind(&leads), &leadNoteRecords, "owner")
	return api.Routes{
		"crm.Leads_Create":         createLead,
		"crm.Leads_Get":            api.GetByID(&leads, renderLead),
		"crm.Leads_GetList":        listLeads,
		"crm.Leads_Update":         updateLead,
		"crm.Leads_Dismiss":        dismissLead,
		"crm.Leads_CreateFollowUp": leadFollowUp,
		"crm.Leads_GetNotes":       api.ListChildren(leadNotes, noteParams, renderNote),
		"crm.Leads_CreateNote": api.CreateChild(leadNotes, (*noteIn).check, func(tx *resource.Tx, _ *Lead, id int64, in *noteIn) (*Note, error) {
			return addNote(tx, &leadNoteRecords, id, *in)
		}, renderNote),
		"crm.Leads_SubmitLeadForm": submitLeadForm,
		"crm.ExportLeads_Leads": api.Export(&leads, func(_ *gin.Context, l *Lead) exportLeadOut {
			return exportLeadOut{leadOut: renderLeadPlain(l), Active: l.Active}
		}),
	}
}

// leadOut is Crm.V2.LeadResponse (and ExportLeadsResponse, whose extra
// member, active, is added by exportLeadOut).
type leadOut struct {
	ID                 int64          `json:"id"`
	Status             string         `json:"status"`
	Priority           string         `json:"priority"`
	CustomerID         *int64         `json:"customerId"`
	LocationID         *int64         `json:"locationId"`
	BusinessUnitID     *int64         `json:"businessUnitId"`
	JobTypeID          *int64         `json:"jobTypeId"`
	CampaignID         int64          `json:"campaignId"`
	FollowUpDate       *resource.Time `json:"followUpDate"`
	CreatedByID        int64          `json:"createdById"`
	CreatedOn          resource.Time  `json:"createdOn"`
	ModifiedOn         resource.Time  `json:"modifiedOn"`
	TagTypeIDs         []int64        `json:"tagTypeIds"`
	DismissingReasonID *int64         `json:"dismissingReasonId"`
	Summary            *string        `json:"summary"`
	CallReasonID       *int64         `json:"callReasonId"`
	CallID             *int64         `json:"callId"`
	BookingID          *int64         `json:"bookingId"`
	ManualCallID       *int64         `json:"manualCallId"`
	LeadURL            *string        `json:"leadUrl"`
}

// exportLeadOut is Crm.V2.ExportLeadsResponse.
type exportLeadOut struct {
	leadOut
	Active bool `json:"active"`
}

// renderLead answers leadUrl when genPermUrl=true.
func renderLead(c *gin.Context, l *Lead) leadOut {
	out := renderLeadPlain(l)
	if c.Query("genPermUrl") == "true" {
		out.LeadURL = new(LeadURLBase + resource.IDKey(l.ID))
	}
	return out
}

// leadIn is Crm.V2.LeadCreateRequest.
type leadIn struct {
	CustomerID     *int64         `json:"customerId"`
	LocationID     *int64         `json:"locationId"`
	CampaignID     int64          `json:"campaignId"`
	BusinessUnitID *int64         `json:"businessUnitId"`
	JobTypeID      *int64         `json:"jobTypeId"`
	Summary        string         `json:"summary"`
	TagTypeIDs     []int64        `json:"tagTypeIds"`
	Priority       *string        `json:"priority"`
	CallReasonID   *int64         `json:"callReasonId"`
	FollowUpDate   *resource.Time `json:"followUpDate"`
}

// createLead handles POST /leads.
var createLead = api.Create(func(in *leadIn) error { return api.RequireText("summary", in.Summary) },
	func(tx *resource.Tx, in *leadIn) (leadOut, error) {
		l, err := newLead(tx, in)
		if err != nil {
			return leadOut{}, err
		}
		if err := resource.Create(tx, &leads, l); err != nil {
			return leadOut{}, err
		}
		return renderLeadPlain(l), nil
	})

// newLead checks a create request and returns the Open lead it makes, not
// yet stored.
func newLead(tx *resource.Tx, in *leadIn) (*Lead, error) {
	l := &Lead{Meta: resource.Meta{Active: true}, Status: LeadOpen, Priority: "Normal", CreatedByID: IntegrationUserID,
		Summary: in.Summary, FollowUpDate: in.FollowUpDate, TagTypeIDs: slices.Clone(in.TagTypeIDs)}
	if in.Priority != nil {
		p, err := leadPriority(*in.Priority)
		if err != nil {
			return nil, err
		}
		l.Priority = p
	}
	if err := l.setCustomer(tx, in.CustomerID, in.LocationID); err != nil {
		return nil, err
	}
	if err := l.setRefs(tx, &in.CampaignID, in.BusinessUnitID, in.JobTypeID); err != nil {
		return nil, err
	}
	for i, id := range in.TagTypeIDs {
		if ok, err := settings.TagTypeExists(tx, id); err != nil || !ok {
			return nil, errOr(err, apierr.BadRequest("tagTypeIds["+resource.IDKey(int64(i))+"]", "No tag type has id "+resource.IDKey(id)+"."))
		}
	}
	if in.CallReasonID != nil {
		if ok, err := jbce.ActiveCallReason(tx, *in.CallReasonID); err != nil || !ok {
			return nil, errOr(err, apierr.BadRequest("callReasonId", "No active call reason has id "+resource.IDKey(*in.CallReasonID)+"."))
		}
		l.CallReasonID = in.CallReasonID
	}
	return l, nil
}

// errOr is err, or fallback when err is nil.
func errOr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}

// renderLeadPlain renders a lead without leadUrl.
func renderLeadPlain(l *Lead) leadOut {
	return leadOut{ID: l.ID, Status: l.Status, Priority: l.Priority, CustomerID: l.CustomerID, LocationID: l.LocationID,
		BusinessUnitID: l.BusinessUnitID, JobTypeID: l.JobTypeID, CampaignID: l.CampaignID, FollowUpDate: l.FollowUpDate,
		CreatedByID: l.CreatedByID, CreatedOn: l.CreatedOn, ModifiedOn: l.ModifiedOn, TagTypeIDs: optional.NonNil(l.TagTypeIDs),
		DismissingReasonID: l.DismissingReasonID, Summary: &l.Summary, CallReasonID: l.CallReasonID}
}

func leadPriority(p string) (string, error) {
	i := slices.IndexFunc(leadPriorities, func(s string) bool { return strings.EqualFold(s, p) })
	if i < 0 {
		return "", apierr.BadRequest("priority", "priority must be Low, Normal, High or Urgent.")
	}
	return leadPriorities[i], nil
}

// setCustomer checks and sets the lead's customer and location.
func (l *Lead) setCustomer(tx *resource.Tx, customerID, locationID *int64) error {
	if customerID != nil {
		if _, err := resource.Get(tx, &Customers, *customerID); err != nil {
			return refError(err, "customerId", "No customer has id "+resource.IDKey(*customerID)+".")
		}
	}
	if locationID != nil {
		loc, err := resource.Get(tx, &Locations, *locationID)
		if err != nil {
			return refError(err, "locationId", "No location has id "+resource.IDKey(*locationID)+".")
		}
		if customerID != nil && loc.CustomerID != *customerID {
			return apierr.BadRequest("locationId", "Location "+resource.IDKey(loc.ID)+" belongs to customer "+resource.IDKey(loc.CustomerID)+", not to customer "+resource.IDKey(*customerID)+".")
		}
		customerID = &loc.CustomerID
	}
	l.CustomerID, l.LocationID = customerID, locationID
	return nil
}

// setRefs checks and sets the campaign, business unit and job type sent.
func (l *Lead) setRefs(tx *resource.Tx, campaignID, businessUnitID, jobTypeID *int64) error {
	if campaignID != nil {
		if ok, err := marketing.CampaignExists(tx, *campaignID); err != nil || !ok {
			return errOr(err, apierr.BadRequest("campaignId", "No campaign has id "+resource.IDKey(*campaignID)+"."))
		}
		l.CampaignID = *campaignID
	}
	if businessUnitID != nil {
		if _, err := settings.ActiveBusinessUnit(tx, *businessUnitID); err != nil {
			return refError(err, "businessUnitId", "No business unit has id "+resource.IDKey(*businessUnitID)+".")
		}
		l.BusinessUnitID = businessUnitID
	}
	if err := checkJobType(tx, jobTypeID, true); err != nil {
		return err
	}
	api.SetPtr(&l.JobTypeID, jobTypeID)
	return nil
}

// refError turns a failed lookup into a 400 naming field; other errors
// (a 400 already, or a store failure) pass.
var refError = api.RefError

// openLead loads the lead a path's {id} names and requires it Open.
func openLead(tx *resource.Tx, id int64) (*Lead, error) {
	l, err := resource.Get(tx, &leads, id)
	if err != nil {
		return nil, err
	}
	if l.Status != LeadOpen {
		return nil, apierr.BadRequest("id", "Lead "+resource.IDKey(id)+" is "+l.Status+": only an open lead can change.")
	}
	return l, nil
}

// leadPatch is Crm.V2.LeadUpdateRequest.
type leadPatch struct {
	CampaignID     *int64  `json:"campaignId"`
	Priority       *string `json:"priority"`
	BusinessUnitID *int64  `json:"businessUnitId"`
	JobTypeID      *int64  `json:"jobTypeId"`
}

// updateLead handles PATCH /leads/{id}: the members sent change.
var updateLead = api.Action(openLead, true, nil, func(tx *resource.Tx, _ int64, l *Lead, in *leadPatch) (any, error) {
	if in.Priority != nil {
		p, err := leadPriority(*in.Priority)
		if err != nil {
			return nil, err
		}
		l.Priority = p
	}
	if err := l.setRefs(tx, in.CampaignID, in.BusinessUnitID, in.JobTypeID); err != nil {
		return nil, err
	}
	if err := resource.Save(tx, &leads, l); err != nil {
		return nil, err
	}
	return renderLeadPlain(l), nil
})

// dismissIn is Crm.V2.DismissLeadRequest.
type dismissIn struct {
	DismissingReasonID int64 `json:"dismissingReasonId"`
}

// dismissLead handles POST /leads/{id}/dismiss: 200 with no body.
var dismissLead = api.Action(openLead, true, func(in *dismissIn) error {
	if in.DismissingReasonID <= 0 {
		return apierr.BadRequest("dismissingReasonId", "dismissingReasonId must be a positive ID.")
	}
	return nil
}, func(tx *resource.Tx, _ int64, l *Lead, in *dismissIn) (any, error) {
	l.Status, l.DismissingReasonID = LeadDismissed, &in.DismissingReasonID
	return nil, resource.Save(tx, &leads, l)
})

// followUpIn is Crm.V2.CreateFollowUpRequest.
type followUpIn struct {
	FollowUpDate resource.Time `json:"followUpDate"`
	Text         *string       `json:"text"`
	PinToTop     *bool         `json:"pinToTop"`
}

// followUpOut is Crm.V2.FollowUpResponse.
type followUpOut struct {
	LeadID       int64         `json:"leadId"`
	FollowUpDate resource.Time `json:"followUpDate"`
	Text         *string       `json:"text"`
	PinToTop     bool          `json:"pinToTop"`
}

// leadFollowUp handles POST /leads/{id}/follow-up.
var leadFollowUp = api.Action(openLead, true, func(in *followUpIn) error {
	if in.FollowUpDate.IsZero() {
		return apierr.BadRequest("followUpDate", "followUpDate is required.")
	}
	return nil
}, func(tx *resource.Tx, id int64, l *Lead, in *followUpIn) (any, error) {
	l.FollowUpDate = &in.FollowUpDate
	if err := resource.Save(tx, &leads, l); err != nil {
		return nil, err
	}
	if in.Text != nil && strings.TrimSpace(*in.Text) != "" {
		if _, err := addNote(tx, &leadNoteRecords, id, noteIn{Text: *in.Text, PinToTop: in.PinToTop}); err != nil {
			return nil, err
		}
	}
	return followUpOut{LeadID: id, FollowUpDate: in.FollowUpDate, Text: in.Text, PinToTop: optional.Value(in.PinToTop)}, nil
})

// leadFormIn is Crm.V2.SubmitLeadFormRequest.
type leadFormIn struct {
	Name        string   `json:"name"`
	Email       *string  `json:"email"`
	PhoneNumber *string  `json:"phoneNumber"`
	Address     *Address `json:"address"`
	Summary     *string  `json:"summary"`
}

// submitLeadForm handles POST /leads/form.
var submitLeadForm = api.Create(func(in *leadFormIn) error { return api.RequireText("name", in.Name) },
	func(tx *resource.Tx, in *leadFormIn) (struct {
		LeadID int64 `json:"leadId"`
	}, error) {
		var out struct {
			LeadID int64 `json:"leadId"`
		}
		campaign, err := marketing.DefaultCampaign(tx)
		if err != nil {
			return out, err
		}
		lines := []string{"Web lead form: " + strings.TrimSpace(in.Name)}
		if v := optional.Value(in.Email); v != "" {
			lines = append(lines, "Email: "+v)
		}
		if v := optional.Value(in.PhoneNumber); v != "" {
			lines = append(lines, "Phone: "+v)
		}
		if a := in.Address; a != nil {
			lines = append(lines, "Address: "+a.Street+", "+a.City+", "+a.State+" "+a.Zip)
		}
		if v := optional.Value(in.Summary); v != "" {
			lines = append(lines, v)
		}
		l := &Lead{Meta: resource.Meta{Active: true}, Status: LeadOpen, Priority: "Normal", CampaignID: campaign.ID,
			CreatedByID: IntegrationUserID, Summary: strings.Join(lines, "\n")}
		if err := resource.Create(tx, &leads, l); err != nil {
			return out, err
		}
		out.LeadID = l.ID
		return out, nil
	})

// ConvertLeads marks the open leads of a customer converted when a job is
// booked for it at locationID: the leads at that location and those with
// no location. jpm calls it when it books a job.
// It reads the customer's leads shared (most are already converted) and
// decodes afresh only those it changes.
func ConvertLeads(tx *resource.Tx, customerID, locationID int64) error {
	ids, err := resource.Lookup(tx, &leads, "customer", resource.IDKey(customerID))
	if err != nil {
		return err
	}
	for _, id := range ids {
		l, err := resource.Ref(tx, &leads, id)
		if errors.Is(err, resource.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if l.Status != LeadOpen || (l.LocationID != nil && *l.LocationID != locationID) {
			continue
		}
		if l, err = resource.Get(tx, &leads, id); err != nil {
			return err
		}
		l.Status = LeadConverted
		if err := resource.Save(tx, &leads, l); err != nil {
			return err
		}
	}
	return nil
}

// listLeads handles GET /leads: ids, customerId (index), status,
// withoutCustomer, isProspect, the customer's city, state, zip and
// created/modified dates, the date filters and sort (Id, ModifiedOn,
// CreatedOn). isProspect=true keeps leads without a customer or not yet
// converted (stsim's reading of "the customer has no job": a lead
// converts when a job is booked); false keeps converted leads with a
// customer.
var listLeads = api.List(&leads, api.ListSpec[Lead, *Lead]{
	Options: resource.ListOptions{Sorts: resource.StandardSorts},
	Filter:  leadFilter,
}, renderLead)

func leadFilter(c *gin.Context, tx *resource.Tx) (resource.Select, func(*Lead) bool, error) {
	e := apierr.New(400, "One or more validation errors occurred.")
	q := c.Request.URL.Query()
	ids, msg := resource.ParseIDs(q.Get("customerId"))
	if msg != "" || len(ids) > 1 {
		e.Field("customerId", "customerId must be one customer ID.")
	}
	status := q.Get("status")
	if status != "" && status != LeadOpen && status != LeadDismissed && status != LeadConverted {
		e.Field("status", "status must be Open, Dismissed or Converted.")
	}
	flags := map[string]*bool{}
	for _, name := range []string{"withoutCustomer", "isProspect"} {
		switch q.Get(name) {
		case "":
		case "true":
			flags[name] = new(true)
		case "false":
			flags[name] = new(false)
		default:
			e.Field(name, name+" must be true or false.")
		}
	}
	times := map[string]resource.Time{}
	for _, name := range []string{"customerCreatedOnOrAfter", "customerCreatedBefore", "customerModifiedOnOrAfter"} {
		if v := q.Get(name); v != "" {
			t, err := resource.ParseDateTime(v)
			if err != nil {
				e.Field(name, "The value '"+v+"' is not an RFC 3339 date-time.")
			}
			times[name] = resource.Stamp(t)
		}
	}
	if len(e.Errors) > 0 {
		return resource.Select{}, nil, e
	}
	var sel resource.Select
	if len(ids) == 1 {
		sel.Index, sel.Value = "customer", resource.IDKey(ids[0])
	}
	city, state, zip := strings.ToLower(q.Get("customerCity")), strings.ToLower(q.Get("customerState")), strings.ToLower(q.Get("customerZip"))
	var customers map[int64]bool // nil: no customer filter
	if city != "" || state != "" || zip != "" || len(times) > 0 {
		after := func(name string, t resource.Time) bool { tt, ok := times[name]; return !ok || !t.Before(tt.Time) }
		before := func(name string, t resource.Time) bool { tt, ok := times[name]; return !ok || t.Before(tt.Time) }
		page, err := resource.List(tx, &Customers, resource.Query{Page: 1, PageSize: math.MaxInt32, Active: resource.ActiveAny}, resource.Select{}, func(cu *Customer) bool {
			return (city == "" || strings.ToLower(cu.Address.City) == city) && (state == "" || strings.ToLower(cu.Address.State) == state) &&
				(zip == "" || strings.ToLower(cu.Address.Zip) == zip) &&
				after("customerCreatedOnOrAfter", cu.CreatedOn) && before("customerCreatedBefore", cu.CreatedOn) &&
				after("customerModifiedOnOrAfter", cu.ModifiedOn)
		})
		if err != nil {
			return sel, nil, err
		}
		customers = map[int64]bool{}
		for _, cu := range page.Data {
			customers[cu.ID] = true
		}
	}
	return sel, func(l *Lead) bool {
		if status != "" && l.Status != status {
			return false
		}
		if w := flags["withoutCustomer"]; w != nil && (l.CustomerID == nil || l.LocationID == nil) != *w {
			return false
		}
		if p := flags["isProspect"]; p != nil && (l.CustomerID == nil || l.Status != LeadConverted) != *p {
			return false
		}
		return customers == nil || (l.CustomerID != nil && customers[*l.CustomerID])
	}, nil
}
