package crm

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/stsim/stsim/sim/optional"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
)

// Tags on customers and locations are the tagTypeIds of the record.
//
// Tag types are the settings module's: adding a tag type that does not
// exist is a 404 naming it (POST /customers/{id}/tags/{tagTypeId} and the
// location one) or a 400 per unknown ID ("tagTypeIds[i]", PUT /tags);
// zero or a negative ID is a 400.
//
// Conflicts and missing records, where the document allows a choice:
//   - POST /customers/{id}/tags/{tagTypeId} (and the location one) for a tag
//     the record already has is a 409 Conflict; nothing changes.
//   - DELETE of a tag the record does not have is a 404 (the operation
//     documents 400 and 404 only).
//   - The bulk endpoints (PUT and DELETE /tags) are idempotent: adding a
//     tag a customer has, or removing one it lacks, is not an error, so they
//     never answer 409. A bulk request that names a missing customer is a
//     400 with an errors entry per missing customer ("customerIds[i]"; the
//     operations document no 404), and it is all-or-nothing: every customer
//     is checked before any is changed, in one transaction.
//
// A tag change is a change of the customer or location: it moves its
// modifiedOn and its place in the export feed.

// customerTagsOut is Crm.V2.Customers.CreateCustomerTagResponse.
type customerTagsOut struct {
	CustomerID int64   `json:"customerId"`
	TagTypeIDs []int64 `json:"tagTypeIds"`
}

// locationTagsOut is Crm.V2.Locations.CreateLocationTagResponse.
type locationTagsOut struct {
	LocationID int64   `json:"locationId"`
	TagTypeIDs []int64 `json:"tagTypeIds"`
}

func customerTags(c *Customer) *[]int64 { return &c.TagTypeIDs }
func locationTags(l *Location) *[]int64 { return &l.TagTypeIDs }

// renderCustomerTags answers a tag add with every tag type the customer
// now has, the new one last.
func renderCustomerTags(c *Customer) customerTagsOut {
	return customerTagsOut{CustomerID: c.ID, TagTypeIDs: optional.NonNil(c.TagTypeIDs)}
}

func renderLocationTags(l *Location) locationTagsOut {
	return locationTagsOut{LocationID: l.ID, TagTypeIDs: optional.NonNil(l.TagTypeIDs)}
}

// tagTypeParam reads the tagTypeId path parameter: a positive ID.
func tagTypeParam(call *api.Call) (int64, error) {
	tag, err := call.IDParam("tagTypeId")
	if err == nil && tag <= 0 {
		err = apierr.BadRequest("tagTypeId", "tagTypeId must be a positive tag type ID.")
	}
	return tag, err
}

// changeTags serves a tag operation on a record of kind: it reads the
// record's id and the tagTypeId, and in one transaction lets change edit
// the live record's tag list (404 for a missing record or, when adding, a
// missing tag type) and saves it. answer renders the response; nil answers
// 200 with no body.
func changeTags[T any, P resource.Record[T]](kind *resource.Kind[T], tags func(P) *[]int64, adding bool, change func(ids *[]int64, id, tag int64) error, answer func(P) any) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		id, err := call.IDParam("id")
		if err != nil {
			call.Fail(c, err)
			return
		}
		tag, err := tagTypeParam(call)
		if err != nil {
			call.Fail(c, err)
			return
		}
		api.Write(c, call, false, nil, func(tx *resource.Tx, _ *struct{}) (any, error) {
			rec, err := resource.Get[T, P](tx, kind, id)
			if err != nil {
				return nil, err
			}
			if adding {
				if _, err := settings.TagTypeByID(tx, tag); err != nil {
					return nil, err
				}
			}
			if err := change(tags(rec), id, tag); err != nil {
				return nil, err
			}
			if err := resource.Save[T, P](tx, kind, rec); err != nil || answer == nil {
				return nil, err
			}
			return answer(rec), nil
		})
	}
}

// addTag handles POST /customers/{id}/tags/{tagTypeId} and the location
// equivalent: the record must exist (404) and must not have the tag yet
// (409).
func addTag[T any, P resource.Record[T], W any](kind *resource.Kind[T], tags func(P) *[]int64, render func(P) W) api.Handler {
	return changeTags(kind, tags, true, func(ids *[]int64, id, tag int64) error {
		if slices.Contains(*ids, tag) {
			return apierr.Conflict(kind.Label + " " + resource.IDKey(id) + " already has tag type " + resource.IDKey(tag) + ".")
		}
		*ids = append(*ids, tag)
		return nil
	}, func(rec P) any { return render(rec) })
}

// removeTag handles DELETE /customers/{id}/tags/{tagTypeId} and the
// location equivalent: 200 with no body; a missing record, or a tag the
// record does not have, is a 404.
func removeTag[T any, P resource.Record[T]](kind *resource.Kind[T], tags func(P) *[]int64) api.Handler {
	return changeTags(kind, tags, false, func(ids *[]int64, id, tag int64) error {
		i := slices.Index(*ids, tag)
		if i < 0 {
			return apierr.New(http.StatusNotFound, kind.Label+" "+resource.IDKey(id)+" has no tag type "+resource.IDKey(tag)+".")
		}
		*ids = slices.Delete(*ids, i, i+1)
		return nil
	}, nil)
}

// bulkTagsIn is Crm.V2.AddBulkTagsRequest and Crm.V2.RemoveBulkTagsRequest.
type bulkTagsIn struct {
	CustomerIDs []int64 `json:"customerIds"`
	TagTypeIDs  []int64 `json:"tagTypeIds"`
}

// bulkTags handles PUT /tags (add) and DELETE /tags (remove): every listed
// tag type is added to, or removed from, every listed customer; 200 with no
// body. Both lists must be non-empty, tag type IDs positive, every
// customer and (when adding) every tag type must exist, else nothing
// changes (see the rules above).
// Customers whose tags end up unchanged are not written.
func bulkTags(add bool) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		var in bulkTagsIn
		if err := api.Bind(c, &in); err != nil {
			call.Fail(c, err)
			return
		}
		e := apierr.New(http.StatusBadRequest, "One or more validation errors occurred.")
		if len(in.CustomerIDs) == 0 {
			e.Field("customerIds", "Give at least one customer ID.")
		}
		if len(in.TagTypeIDs) == 0 {
			e.Field("tagTypeIds", "Give at least one tag type ID.")
		}
		for i, tag := range in.TagTypeIDs {
			if tag <= 0 {
				e.Field("tagTypeIds["+strconv.Itoa(i)+"]", "Tag type IDs must be positive.")
			}
		}
		if len(e.Errors) > 0 {
			call.Fail(c, e)
			return
		}
		err := call.Update(func(tx *resource.Tx) error {
			missing := apierr.New(http.StatusBadRequest, "One or more validation errors occurred.")
			for i, tag := range in.TagTypeIDs {
				if !add {
					break // removing a tag type no customer can have changes nothing
				}
				_, err := settings.TagTypeByID(tx, tag)
				if errors.Is(err, resource.ErrNotFound) {
					missing.Field("tagTypeIds["+strconv.Itoa(i)+"]", "No tag type has id "+resource.IDKey(tag)+".")
				} else if err != nil {
					return err
				}
			}
			var customers []*Customer
			seen := map[int64]bool{}
			for i, id := range in.CustomerIDs {
				if seen[id] {
					continue
				}
				seen[id] = true
				cust, err := resource.Get(tx, &Customers, id)
				if errors.Is(err, resource.ErrNotFound) {
					missing.Field("customerIds["+strconv.Itoa(i)+"]", "No customer has id "+resource.IDKey(id)+".")
					continue
				}
				if err != nil {
					return err
				}
				customers = append(customers, cust)
			}
			if len(missing.Errors) > 0 {
				return missing
			}
			for _, cust := range customers {
				if changed := applyTags(&cust.TagTypeIDs, in.TagTypeIDs, add); !changed {
					continue
				}
				if err := resource.Save(tx, &Customers, cust); err != nil {
					return err
				}
			}
			return nil
		})
		call.RespondEmpty(c, err)
	}
}

// applyTags adds (in order, skipping ones present) or removes tag type IDs
// and reports whether anything changed.
func applyTags(current *[]int64, tags []int64, add bool) bool {
	before := len(*current)
	if add {
		for _, tag := range tags {
			if !slices.Contains(*current, tag) {
				*current = append(*current, tag)
			}
		}
	} else {
		*current = slices.DeleteFunc(*current, func(t int64) bool { return slices.Contains(tags, t) })
	}
	return len(*current) != before
}
