package crm

import (
	"fmt"

	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/resource"
)

// leadKinds are the kinds of crm.json that name other modules' records
// (leads name campaigns, business units, job types and call reasons), which
// SeedLeads writes once every module has seeded. A lead follows
// Crm.V2.LeadCreateRequest, plus its id, its status (Open, Dismissed with
// a dismissingReasonId, or Converted) and its notes' texts.
var leadKinds = []fixture.Kind{
	{Name: "leads", Schema: "Crm.V2.LeadCreateRequest", Extra: []string{"id", "status", "dismissingReasonId", "notes"}, Decode: fixture.DecodeAs[leadFixture]},
}

type leadFixture struct {
	ID int64 `json:"id"`
	leadIn
	Status             string   `json:"status"`
	DismissingReasonID *int64   `json:"dismissingReasonId"`
	Notes              []string `json:"notes"`
}

// SeedLeads writes the leads of crm.json, each checked as POST /leads
// checks it, with the status it has come to and its notes.
func SeedLeads(tx *resource.Tx, in fixture.Input) error {
	leads, err := fixture.Decode[leadFixture](in, "leads")
	if err != nil {
		return err
	}
	for i, spec := range leads {
		if err := seedLead(tx, spec); err != nil {
			return in.RecordError("leads", i, err)
		}
	}
	return nil
}

func seedLead(tx *resource.Tx, spec leadFixture) error {
	l, err := newLead(tx, &spec.leadIn)
	if err != nil {
		return err
	}
	l.ID = spec.ID
	switch spec.Status {
	case "", LeadOpen, LeadConverted:
	case LeadDismissed:
		if spec.DismissingReasonID == nil || *spec.DismissingReasonID <= 0 {
			return fmt.Errorf("a Dismissed lead needs a positive dismissingReasonId")
		}
		l.DismissingReasonID = spec.DismissingReasonID
	default:
		return fmt.Errorf("status %q: a lead is Open, Dismissed or Converted", spec.Status)
	}
	if spec.Status != "" {
		l.Status = spec.Status
	}
	if err := resource.Create(tx, &leads, l); err != nil {
		return err
	}
	for _, text := range spec.Notes {
		if _, err := addNote(tx, &leadNoteRecords, l.ID, noteIn{Text: text}); err != nil {
			return err
		}
	}
	return nil
}
