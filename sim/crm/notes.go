package crm

import (
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/optional"
	"github.com/stsim/stsim/sim/resource"
)

// Note is a note on a customer or a location. Notes are append-only
// (contract §9): they are created and deleted, never edited. A note copied
// to a customer's locations (or a location's customer) is a separate record
// per owner; deleting one leaves the copies.
type Note struct {
	resource.Meta
	OwnerID     int64  `json:"ownerId"` // the customer or location
	Text        string `json:"text"`
	IsPinned    bool   `json:"isPinned"`
	CreatedByID int64  `json:"createdById"`
}

// Notes of customers and of locations; "owner" lists one owner's notes.
var (
	customerNoteRecords = resource.Kind[Note]{Name: "crm.customer-notes", Label: "Note", Indexes: noteIndexes}
	locationNoteRecords = resource.Kind[Note]{Name: "crm.location-notes", Label: "Note", Indexes: noteIndexes}
)

var noteIndexes = []resource.Index[Note]{
	{Name: "owner", Keys: func(n *Note) []string { return []string{resource.IDKey(n.OwnerID)} }},
}

// noteOut is Crm.V2.NoteResponse.
type noteOut struct {
	ID          int64         `json:"id"`
	Text        string        `json:"text"`
	IsPinned    bool          `json:"isPinned"`
	CreatedByID int64         `json:"createdById"`
	CreatedOn   resource.Time `json:"createdOn"`
	ModifiedOn  resource.Time `json:"modifiedOn"`
}

func renderNote(n *Note) noteOut {
	return noteOut{ID: n.ID, Text: n.Text, IsPinned: n.IsPinned, CreatedByID: n.CreatedByID, CreatedOn: n.CreatedOn, ModifiedOn: n.ModifiedOn}
}

// noteIn is what the note create requests share.
type noteIn struct {
	Text     string `json:"text"`
	PinToTop *bool  `json:"pinToTop"`
}

// check: text must not be blank.
func (in *noteIn) check() error { return api.RequireText("text", in.Text) }

// addNote stores a new note of an owner, attributed to the integration user;
// pinToTop sets isPinned.
func addNote(tx *resource.Tx, kind *resource.Kind[Note], owner int64, in noteIn) (*Note, error) {
	n := &Note{Meta: resource.Meta{Active: true}, OwnerID: owner, Text: in.Text, IsPinned: optional.Value(in.PinToTop), CreatedByID: IntegrationUserID}
	return n, resource.Create(tx, kind, n)
}

// The note lists (GET /customers/{id}/notes and /locations/{id}/notes) give
// the owner's notes in ID order (the document names no order; pinned notes
// are not moved first), paged, with the date filters. Deleting a note
// (DELETE …/notes/{noteId}) leaves its copies on other owners.

// customerNoteIn is Crm.V2.CustomerNoteCreateRequest.
type customerNoteIn struct {
	noteIn
	AddToLocations *bool `json:"addToLocations"`
}

// createCustomerNote handles POST /customers/{id}/notes. text must not be
// blank; pinToTop sets isPinned; addToLocations also adds the note to each
// of the customer's locations (one transaction). The response is the
// customer's note.
var createCustomerNote = api.CreateChild(customerNotes, (*customerNoteIn).check, func(tx *resource.Tx, _ *Customer, id int64, in *customerNoteIn) (*Note, error) {
	note, err := addNote(tx, &customerNoteRecords, id, in.noteIn)
	if err != nil {
		return nil, err
	}
	if optional.Value(in.AddToLocations) {
		locations, err := resource.Lookup(tx, &Locations, "customer", resource.IDKey(id))
		if err != nil {
			return nil, err
		}
		for _, loc := range locations {
			if _, err := addNote(tx, &locationNoteRecords, loc, in.noteIn); err != nil {
				return nil, err
			}
		}
	}
	return note, nil
}, renderNote)

// locationNoteIn is Crm.V2.LocationNoteCreateRequest.
type locationNoteIn struct {
	noteIn
	AddToCustomer *bool `json:"addToCustomer"`
}

// createLocationNote handles POST /locations/{id}/notes. text must not be
// blank; pinToTop sets isPinned; addToCustomer also adds the note to the
// location's customer. The response is the location's note.
var createLocationNote = api.CreateChild(locationNotes, (*locationNoteIn).check, func(tx *resource.Tx, loc *Location, id int64, in *locationNoteIn) (*Note, error) {
	note, err := addNote(tx, &locationNoteRecords, id, in.noteIn)
	if err != nil {
		return nil, err
	}
	if optional.Value(in.AddToCustomer) {
		if _, err := resource.Get(tx, &Customers, loc.CustomerID); err != nil {
			return nil, err
		}
		if _, err := addNote(tx, &customerNoteRecords, loc.CustomerID, in.noteIn); err != nil {
			return nil, err
		}
	}
	return note, nil
}, renderNote)
