package api

import (
	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/resource"
)

// Generic handlers for records served under an owner's path: a customer's
// contacts (/customers/{id}/contacts/{contactId}), a booking's contacts, a
// job's notes. The owner must exist (its 404 otherwise), and a record of
// another owner is a 404, as if it did not exist. A module supplies how the
// owner is loaded, the kind and the index that files records under their
// owner, and the record's own rules.

// Children are the records of Kind filed under their owner's ID in the
// index named Index, served under owners that Owner loads.
type Children[O, T any, P resource.Record[T]] struct {
	Owner Owner[O]
	Kind  *resource.Kind[T]
	Index string
}

// ChildrenOf declares Children, inferring their types.
func ChildrenOf[O, T any, P resource.Record[T]](owner Owner[O], k *resource.Kind[T], index string) Children[O, T, P] {
	return Children[O, T, P]{Owner: owner, Kind: k, Index: index}
}

// ListChildren serves GET …/{id}/<children>: the owner's live records in ID
// order, paged. params are the query parameters the operation documents
// (nil: all of them); others are ignored rather than read as shared list
// parameters.
func ListChildren[O, T any, P resource.Record[T], W any](ch Children[O, T, P], params []string, render func(P) W) Handler {
	return func(c *gin.Context, call *Call) {
		id, err := call.IDParam("id")
		if err != nil {
			call.Fail(c, err)
			return
		}
		query := c.Request.URL.Query()
		if params != nil {
			query = DocumentedQuery(c, params)
		}
		q, err := resource.ParseQuery(query, resource.ListOptions{})
		if err != nil {
			call.Fail(c, err)
			return
		}
		var page resource.Page[P]
		err = call.View(func(tx *resource.Tx) error {
			if _, err := ch.Owner(tx, id); err != nil {
				return err
			}
			var err error
			page, err = resource.List[T, P](tx, ch.Kind, q, resource.Select{Index: ch.Index, Value: resource.IDKey(id)}, nil)
			return err
		})
		call.Respond(c, MapPage(page, render), err)
	}
}

// CreateChild serves POST …/{id}/<children>: it binds the body, lets check
// validate it before the transaction, and in one write transaction loads
// the owner and lets create store the new record (and whatever goes with
// it). The answer is the new record, rendered.
func CreateChild[O, T any, P resource.Record[T], In, W any](ch Children[O, T, P], check func(*In) error, create func(tx *resource.Tx, owner O, id int64, in *In) (P, error), render func(P) W) Handler {
	return Action(ch.Owner, true, check, func(tx *resource.Tx, id int64, owner O, in *In) (any, error) {
		rec, err := create(tx, owner, id, in)
		if err != nil {
			return nil, err
		}
		return render(rec), nil
	})
}

// UpdateChild serves PATCH …/{id}/<children>/{param}: apply changes the
// owner's record as the body says (and fails when the result breaks a
// rule); the record is saved and answered, rendered.
func UpdateChild[O, T any, P resource.Record[T], In, W any](ch Children[O, T, P], param string, apply func(tx *resource.Tx, owner O, rec P, in *In) error, render func(P) W) Handler {
	return childAction(ch, param, true, func(tx *resource.Tx, owner O, rec P, in *In) (any, error) {
		if err := apply(tx, owner, rec, in); err != nil {
			return nil, err
		}
		if err := resource.Save[T, P](tx, ch.Kind, rec); err != nil {
			return nil, err
		}
		return render(rec), nil
	})
}

// DeleteChild serves DELETE …/{id}/<children>/{param}: 200 with no body.
// guard (nil: none) may refuse the deletion. The record is marked deleted,
// so lists and gets lose it while export feeds report the deletion.
func DeleteChild[O, T any, P resource.Record[T]](ch Children[O, T, P], param string, guard func(tx *resource.Tx, owner O, rec P) error) Handler {
	return childAction(ch, param, false, func(tx *resource.Tx, owner O, rec P, _ *struct{}) (any, error) {
		if guard != nil {
			if err := guard(tx, owner, rec); err != nil {
				return nil, err
			}
		}
		return nil, resource.Delete[T, P](tx, ch.Kind, rec)
	})
}

// childAction is Action for one record of an owner: it reads the owner's
// {id} and the record's path parameter param, binds the body (unless bind
// is false), and in one write transaction loads the owner and its record
// and runs fn on them. fn's result is the answer; nil answers the empty 200.
func childAction[O, T any, P resource.Record[T], In any](ch Children[O, T, P], param string, bind bool, fn func(tx *resource.Tx, owner O, rec P, in *In) (any, error)) Handler {
	return func(c *gin.Context, call *Call) {
		ownerID, err := call.IDParam("id")
		if err != nil {
			call.Fail(c, err)
			return
		}
		id, err := call.IDParam(param)
		if err != nil {
			call.Fail(c, err)
			return
		}
		Write(c, call, bind, nil, func(tx *resource.Tx, in *In) (any, error) {
			owner, err := ch.Owner(tx, ownerID)
			if err != nil {
				return nil, err
			}
			rec, err := resource.Child[T, P](tx, ch.Kind, ch.Index, ownerID, id)
			if err != nil {
				return nil, err
			}
			return fn(tx, owner, rec, in)
		})
	}
}
