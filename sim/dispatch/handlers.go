package dispatch

import (
	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/resource"
)

// createRecord serves a POST that makes one record of k: it binds the body
// and, in one write transaction, lets apply check it and write it into the
// record fresh makes, creates the record and answers it rendered.
func createRecord[T any, P resource.Record[T], In, W any](k *resource.Kind[T], fresh func() P, apply func(in *In, tx *resource.Tx, rec P) error, render func(P) W) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		writeRecord(c, call, func(tx *resource.Tx, in *In) (P, error) {
			rec := fresh()
			if err := apply(in, tx, rec); err != nil {
				return nil, err
			}
			return rec, resource.Create[T, P](tx, k, rec)
		}, render)
	}
}

// updateRecord serves a PUT or PATCH of …/{id} of k: it binds the body and,
// in one write transaction, loads the live record (404 naming it), lets
// apply check the body and write it into the record, saves the record and
// answers it rendered.
func updateRecord[T any, P resource.Record[T], In, W any](k *resource.Kind[T], apply func(in *In, tx *resource.Tx, rec P) error, render func(P) W) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		id, err := call.IDParam("id")
		if err != nil {
			call.Fail(c, err)
			return
		}
		writeRecord(c, call, func(tx *resource.Tx, in *In) (P, error) {
			rec, err := resource.Get[T, P](tx, k, id)
			if err != nil {
				return nil, err
			}
			if err := apply(in, tx, rec); err != nil {
				return nil, err
			}
			return rec, resource.Save[T, P](tx, k, rec)
		}, render)
	}
}

// writeRecord binds the body, runs write in one write transaction and
// answers the record it wrote, rendered, or the error.
func writeRecord[P, In, W any](c *gin.Context, call *api.Call, write func(tx *resource.Tx, in *In) (P, error), render func(P) W) {
	var in In
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	var out W
	err := call.Update(func(tx *resource.Tx) error {
		rec, err := write(tx, &in)
		if err != nil {
			return err
		}
		out = render(rec)
		return nil
	})
	if err != nil {
		call.Fail(c, err)
		return
	}
	call.OK(c, out)
}

// deleteResultOut is the {message, id} answer of the delete operations.
type deleteResultOut struct {
	Message string `json:"message"`
	ID      int64  `json:"id"`
}

// deleteRecord serves DELETE …/{id} of k: it deletes the live record (404
// naming it) and answers the empty 200.
func deleteRecord[T any, P resource.Record[T]](k *resource.Kind[T]) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		_, err := deleteByID[T, P](call, k)
		call.RespondEmpty(c, err)
	}
}

// deleteRecordWithResult serves DELETE …/{id} of k like deleteRecord, but
// answers {message, id}: "<k.Label> <id> was deleted.".
func deleteRecordWithResult[T any, P resource.Record[T]](k *resource.Kind[T]) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		id, err := deleteByID[T, P](call, k)
		call.Respond(c, deleteResultOut{Message: k.Label + " " + resource.IDKey(id) + " was deleted.", ID: id}, err)
	}
}

// deleteByID deletes the live record of k that the path's {id} names.
func deleteByID[T any, P resource.Record[T]](call *api.Call, k *resource.Kind[T]) (int64, error) {
	id, err := call.IDParam("id")
	if err != nil {
		return 0, err
	}
	return id, call.Update(func(tx *resource.Tx) error {
		rec, err := resource.Get[T, P](tx, k, id)
		if err != nil {
			return err
		}
		return resource.Delete[T, P](tx, k, rec)
	})
}

// getDoc serves the GET of a tenant-wide document: in one read
// transaction it answers what load reads.
func getDoc[W any](load func(tx *resource.Tx) (W, error)) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		var out W
		err := call.View(func(tx *resource.Tx) error {
			var err error
			out, err = load(tx)
			return err
		})
		call.Respond(c, out, err)
	}
}
