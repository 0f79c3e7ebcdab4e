package resource

import (
	"errors"
	"fmt"
	"slices"
)

// Records filed under another record by an index (a customer's contacts
// under "owner", a job's notes under "job", an appointment's assignments
// under "appointment") are read through the helpers here.

// LookupRecords loads the live records filed under an exact index value, in
// ID order.
func LookupRecords[T any, P Record[T]](tx *Tx, k *Kind[T], index, value string) ([]P, error) {
	return lookupRecords[T, P](tx, k, index, value, false)
}

// LookupActive loads the live records filed under an exact index value that
// are active, in ID order.
func LookupActive[T any, P Record[T]](tx *Tx, k *Kind[T], index, value string) ([]P, error) {
	return lookupRecords[T, P](tx, k, index, value, true)
}

func lookupRecords[T any, P Record[T]](tx *Tx, k *Kind[T], index, value string, activeOnly bool) ([]P, error) {
	ids, err := Lookup(tx, k, index, value)
	if err != nil {
		return nil, err
	}
	out := make([]P, 0, len(ids))
	for _, id := range ids {
		rec, err := Get[T, P](tx, k, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !activeOnly || rec.meta().Active {
			out = append(out, rec)
		}
	}
	return out, nil
}

// Child loads a live record filed under owner's ID in index. A record filed
// under another owner is the same 404 as a missing one: it does not exist
// for this owner.
func Child[T any, P Record[T]](tx *Tx, k *Kind[T], index string, owner, id int64) (P, error) {
	rec, err := Get[T, P](tx, k, id)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(k.Indexes, func(ix Index[T]) bool { return ix.Name == index })
	if i < 0 {
		return nil, fmt.Errorf("resource: %s has no index %q", k.Name, index)
	}
	if !slices.Contains(k.Indexes[i].Keys((*T)(rec)), IDKey(owner)) {
		return nil, notFound(k, id)
	}
	return rec, nil
}
