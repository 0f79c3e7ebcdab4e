package dispatch

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/settings"
	"github.com/stsim/stsim/sim/store"
)

// problems collects the field errors of one request into a single 400.
type problems struct{ e *apierr.Error }

func badRequest() *problems {
	return &problems{apierr.New(http.StatusBadRequest, "One or more validation errors occurred.")}
}

// Field adds a message for one field.
func (p *problems) Field(name, msg string) { p.e.Field(name, msg) }

// orNil is the 400, or nil when nothing was wrong.
func (p *problems) orNil() error {
	if len(p.e.Errors) == 0 {
		return nil
	}
	return p.e
}

// requiredTime parses a required date-time member.
func requiredTime(p *problems, field string, v *string) time.Time {
	if v == nil || strings.TrimSpace(*v) == "" {
		p.Field(field, field+" is required.")
		return time.Time{}
	}
	return optionalTime(p, field, v)
}

// optionalTime parses a date-time member that may be absent (zero time).
func optionalTime(p *problems, field string, v *string) time.Time {
	if v == nil || *v == "" {
		return time.Time{}
	}
	t, err := resource.ParseDateTime(*v)
	if err != nil {
		p.Field(field, "The value '"+*v+"' is not an RFC 3339 date-time.")
	}
	return t
}

// queryTime parses a date-time query parameter (zero when absent).
func queryTime(c *gin.Context, p *problems, name string) time.Time {
	v := c.Query(name)
	return optionalTime(p, name, &v)
}

// queryID parses an int64 query parameter (0, false when absent).
func queryID(c *gin.Context, p *problems, name string) (int64, bool) {
	v := c.Query(name)
	if v == "" {
		return 0, false
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		p.Field(name, "The value '"+v+"' is not a valid int64.")
		return 0, false
	}
	return id, true
}

// queryBool parses a boolean query parameter (def when absent).
func queryBool(c *gin.Context, p *problems, name string, def bool) bool {
	v := c.Query(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.Field(name, name+" must be true or false.")
	}
	return b
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// setPtrIf points *dst at v when v is not nil.
func setPtrIf[T any](dst **T, v *T) {
	if v != nil {
		*dst = v
	}
}

// activeTechnician loads an active technician or fails with a 400 naming
// field.
func activeTechnician(tx *resource.Tx, field string, id int64) (*settings.Technician, error) {
	t, err := settings.TechnicianByID(tx, id)
	if errors.Is(err, resource.ErrNotFound) {
		return nil, apierr.BadRequest(field, "No technician has id "+resource.IDKey(id)+".")
	}
	if err != nil {
		return nil, err
	}
	if !t.Active {
		return nil, apierr.BadRequest(field, "Technician "+resource.IDKey(id)+" is inactive.")
	}
	return t, nil
}

// checkBusinessUnits fails with a 400 naming field[i] for an unknown
// business unit.
func checkBusinessUnits(tx *resource.Tx, field string, ids []int64) error {
	for i, id := range ids {
		ok, err := settings.BusinessUnitExists(tx, id)
		if err != nil {
			return err
		}
		if !ok {
			return apierr.BadRequest(field+"["+strconv.Itoa(i)+"]", "No business unit has id "+resource.IDKey(id)+".")
		}
	}
	return nil
}

// mapPage renders a page of records.
func mapPage[P, W any](p resource.Page[P], render func(P) W) resource.Page[W] {
	out := resource.Page[W]{Page: p.Page, PageSize: p.PageSize, TotalCount: p.TotalCount, HasMore: p.HasMore, Data: make([]W, 0, len(p.Data))}
	for _, rec := range p.Data {
		out.Data = append(out.Data, render(rec))
	}
	return out
}

// settingsBucket holds the dispatch module's tenant-wide documents
// (business hours, arrival-window configuration), one JSON value per key.
const settingsBucket = "dispatch.settings"

// loadDoc reads a tenant-wide document into v; ok is false when it was
// never written.
func loadDoc(tx *resource.Tx, key string, v any) (bool, error) {
	data, err := tx.Get(settingsBucket, []byte(key))
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		return false, err
	}
	return true, json.Unmarshal(data, v)
}

// saveDoc writes a tenant-wide document.
func saveDoc(tx *resource.Tx, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Put(settingsBucket, []byte(key), data)
}

func itoa(i int) string { return strconv.Itoa(i) }
