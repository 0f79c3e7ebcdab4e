package crm

import (
	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
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
	CustomerNotes = resource.Kind[Note]{Name: "crm.customer-notes", Label: "Note", Indexes: noteIndexes}
	LocationNotes = resource.Kind[Note]{Name: "crm.location-notes", Label: "Note", Indexes: noteIndexes}
)

var noteIndexes = []resource.Index[Note]{
	{Name: "owner", Keys: func(n *Note) []string { return []string{idKey(n.OwnerID)} }},
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

// addNote stores a new note of an owner, attributed to the integration user.
func addNote(tx *resource.Tx, kind *resource.Kind[Note], owner int64, text string, pinned bool) (*Note, error) {
	n := &Note{Meta: resource.Meta{Active: true}, OwnerID: owner, Text: text, IsPinned: pinned, CreatedByID: IntegrationUserID}
	return n, resource.Create(tx, kind, n)
}

// listNotes handles GET /customers/{id}/notes and /locations/{id}/notes:
// the owner's notes in ID order (the document names no order; pinned notes
// are not moved first), paged, with the date filters. An unknown owner is a
// 404.
func listNotes(owner ownerCheck, kind *resource.Kind[Note]) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		id, err := call.IDParam("id")
		if err != nil {
			call.Fail(c, err)
			return
		}
		q, err := resource.ParseQuery(documentedQuery(c, pagingParams, dateParams), resource.ListOptions{})
		if err != nil {
			call.Fail(c, err)
			return
		}
		var page resource.Page[*Note]
		err = call.View(func(tx *resource.Tx) error {
			if err := owner(tx, id); err != nil {
				return err
			}
			page, err = resource.List(tx, kind, q, resource.Select{Index: "owner", Value: idKey(id)}, nil)
			return err
		})
		call.Respond(c, mapPage(page, renderNote), err)
	}
}

// customerNoteIn is Crm.V2.CustomerNoteCreateRequest.
type customerNoteIn struct {
	Text           string `json:"text"`
	PinToTop       *bool  `json:"pinToTop"`
	AddToLocations *bool  `json:"addToLocations"`
}

// createCustomerNote handles POST /customers/{id}/notes. text must not be
// blank; pinToTop sets isPinned; addToLocations also adds the note to each
// of the customer's locations (one transaction). The response is the
// customer's note.
func createCustomerNote(c *gin.Context, call *api.Call) {
	id, err := call.IDParam("id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	var in customerNoteIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	if err := requireText("text", in.Text); err != nil {
		call.Fail(c, err)
		return
	}
	pinned := deref(in.PinToTop)
	var out noteOut
	err = call.Update(func(tx *resource.Tx) error {
		if err := customerExists(tx, id); err != nil {
			return err
		}
		note, err := addNote(tx, &CustomerNotes, id, in.Text, pinned)
		if err != nil {
			return err
		}
		if deref(in.AddToLocations) {
			locations, err := resource.Lookup(tx, &Locations, "customer", idKey(id))
			if err != nil {
				return err
			}
			for _, loc := range locations {
				if _, err := addNote(tx, &LocationNotes, loc, in.Text, pinned); err != nil {
					return err
				}
			}
		}
		out = renderNote(note)
		return nil
	})
	call.Respond(c, out, err)
}

// locationNoteIn is Crm.V2.LocationNoteCreateRequest.
type locationNoteIn struct {
	Text          string `json:"text"`
	PinToTop      *bool  `json:"pinToTop"`
	AddToCustomer *bool  `json:"addToCustomer"`
}

// createLocationNote handles POST /locations/{id}/notes. text must not be
// blank; pinToTop sets isPinned; addToCustomer also adds the note to the
// location's customer. The response is the location's note.
func createLocationNote(c *gin.Context, call *api.Call) {
	id, err := call.IDParam("id")
	if err != nil {
		call.Fail(c, err)
		return
	}
	var in locationNoteIn
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	if err := requireText("text", in.Text); err != nil {
		call.Fail(c, err)
		return
	}
	pinned := deref(in.PinToTop)
	var out noteOut
	err = call.Update(func(tx *resource.Tx) error {
		loc, err := resource.Get(tx, &Locations, id)
		if err != nil {
			return err
		}
		note, err := addNote(tx, &LocationNotes, id, in.Text, pinned)
		if err != nil {
			return err
		}
		if deref(in.AddToCustomer) {
			if err := customerExists(tx, loc.CustomerID); err != nil {
				return err
			}
			if _, err := addNote(tx, &CustomerNotes, loc.CustomerID, in.Text, pinned); err != nil {
				return err
			}
		}
		out = renderNote(note)
		return nil
	})
	call.Respond(c, out, err)
}

// deleteNote handles DELETE /customers/{id}/notes/{noteId} and the location
// equivalent: 200 with no body. A note of another owner is a 404; copies of
// the note on other owners stay.
func deleteNote(owner ownerCheck, kind *resource.Kind[Note]) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		id, err := call.IDParam("id")
		if err != nil {
			call.Fail(c, err)
			return
		}
		noteID, err := call.IDParam("noteId")
		if err != nil {
			call.Fail(c, err)
			return
		}
		err = call.Update(func(tx *resource.Tx) error {
			if err := owner(tx, id); err != nil {
				return err
			}
			note, err := resource.Get(tx, kind, noteID)
			if err != nil {
				return err
			}
			if note.OwnerID != id {
				return apierr.NotFound(kind.Label, noteID)
			}
			return resource.Delete(tx, kind, note)
		})
		call.RespondEmpty(c, err)
	}
}
