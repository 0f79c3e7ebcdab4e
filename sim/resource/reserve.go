package resource

import (
	"fmt"
	"time"

	"github.com/stsim/stsim/sim/store"
)

// MaxReservedID bounds the IDs a fixture may give its records: the ID
// sequence is moved past the highest one, one step at a time.
const MaxReservedID = 1_000_000

// Reserve sets IDs aside for records this transaction will create with
// those IDs (a fixture's literal records), so that NewID skips them, and
// moves the ID sequence past the highest when done returns: IDs stay
// unique after the transaction, whatever order records were created in.
func Reserve(tx *Tx, ids []int64, done func() error) error {
	highest := int64(0)
	tx.reserved = make(map[int64]bool, len(ids))
	for _, id := range ids {
		if id <= 0 || id > MaxReservedID {
			return fmt.Errorf("id %d: fixture IDs run from 1 to %d", id, MaxReservedID)
		}
		tx.reserved[id] = true
		highest = max(highest, id)
	}
	defer func() { tx.reserved = nil }()
	if err := done(); err != nil {
		return err
	}
	tx.reserved = nil
	for n := tx.lastID; n < highest; {
		next, err := tx.NextSequence("id")
		if err != nil {
			return err
		}
		n = int64(next)
	}
	return nil
}

// CreateAt stores a new record as one that was created at created and last
// changed at changed (each no later than tx.Now): a seeded tenant's history
// (past jobs, their appointments and logs) carries the stamps it would have
// had, so that export feeds show it at once.
func CreateAt[T any, P Record[T]](tx *Tx, k *Kind[T], rec P, created, changed time.Time) error {
	now := tx.Now
	defer func() { tx.Now = now }()
	tx.Now = minTime(changed, now)
	if err := Create[T, P](tx, k, rec); err != nil {
		return err
	}
	// Create stamped both with tx.Now; write again with the creation date.
	rec.meta().CreatedOn = Stamp(minTime(created, tx.Now))
	data, err := tx.storedValue(rec)
	if err != nil {
		return err
	}
	return tx.Put(recordsBucket(k.Name), store.Int64Key(rec.meta().ID), data)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
