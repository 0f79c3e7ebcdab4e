package api

import (
	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/resource"
)

// Owner loads what a path's {id} names: the record an operation acts on,
// or the owner of the records served under it. It fails (normally with a
// 404 naming it) when the caller cannot see one.
type Owner[R any] func(tx *resource.Tx, id int64) (R, error)

// OwnerKind is the Owner that loads a live record of k.
func OwnerKind[T any, P resource.Record[T]](k *resource.Kind[T]) Owner[P] {
	return func(tx *resource.Tx, id int64) (P, error) { return resource.Get[T, P](tx, k, id) }
}

// Action serves a write on what a path's {id} names: it binds the body
// (unless bind is false), lets check (nil: none) validate it before the
// transaction, and in one write transaction loads the record with load and
// runs fn on it. fn's result is the answer; nil answers the empty 200 of
// an action endpoint.
func Action[R, In any](load Owner[R], bind bool, check func(*In) error, fn func(tx *resource.Tx, id int64, rec R, in *In) (any, error)) Handler {
	return func(c *gin.Context, call *Call) {
		id, err := call.IDParam("id")
		if err != nil {
			call.Fail(c, err)
			return
		}
		Write(c, call, bind, check, func(tx *resource.Tx, in *In) (any, error) {
			rec, err := load(tx, id)
			if err != nil {
				return nil, err
			}
			return fn(tx, id, rec, in)
		})
	}
}

// Write serves the rest of a write once its path is read: it binds the
// body (unless bind is false), lets check (nil: none) validate it before
// the transaction, and runs fn in one write transaction. fn's result is
// the answer; nil answers the empty 200 of an action endpoint.
func Write[In any](c *gin.Context, call *Call, bind bool, check func(*In) error, fn func(tx *resource.Tx, in *In) (any, error)) {
	var in In
	if bind {
		if err := Bind(c, &in); err != nil {
			call.Fail(c, err)
			return
		}
	}
	if check != nil {
		if err := check(&in); err != nil {
			call.Fail(c, err)
			return
		}
	}
	var out any
	err := call.Update(func(tx *resource.Tx) error {
		var err error
		out, err = fn(tx, &in)
		return err
	})
	if err != nil || out == nil {
		call.RespondEmpty(c, err)
		return
	}
	call.Respond(c, out, nil)
}

// Patch serves PATCH …/{id} of a kind: it binds the body, lets check (nil:
// none) validate it before the transaction, and in one write transaction
// loads the live record (404 naming it), lets apply change it as the body
// says (failing when the result would break a rule), saves it and answers
// it, rendered.
func Patch[T any, P resource.Record[T], In, W any](k *resource.Kind[T], check func(*In) error, apply func(tx *resource.Tx, rec P, in *In) error, render func(rec P, in *In) W) Handler {
	return Action(OwnerKind[T, P](k), true, check, func(tx *resource.Tx, _ int64, rec P, in *In) (any, error) {
		if err := apply(tx, rec, in); err != nil {
			return nil, err
		}
		if err := resource.Save[T, P](tx, k, rec); err != nil {
			return nil, err
		}
		return render(rec, in), nil
	})
}

// Read serves a GET of what a path's {id} names: in one read transaction
// it loads the record with load and answers what render makes of it.
func Read[R, W any](load Owner[R], render func(c *gin.Context, tx *resource.Tx, rec R) (W, error)) Handler {
	return func(c *gin.Context, call *Call) {
		id, err := call.IDParam("id")
		if err != nil {
			call.Fail(c, err)
			return
		}
		var out W
		err = call.View(func(tx *resource.Tx) error {
			rec, err := load(tx, id)
			if err != nil {
				return err
			}
			out, err = render(c, tx, rec)
			return err
		})
		call.Respond(c, out, err)
	}
}

// Create serves a POST whose path names no record: it binds the body, lets
// check (nil: none) validate it before the transaction, and answers what
// create makes in one write transaction.
func Create[In, W any](check func(*In) error, create func(tx *resource.Tx, in *In) (W, error)) Handler {
	return func(c *gin.Context, call *Call) {
		Write(c, call, true, check, func(tx *resource.Tx, in *In) (any, error) { return create(tx, in) })
	}
}
