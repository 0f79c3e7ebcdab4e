package jpm

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// queryReader reads an operation's own query parameters, collecting every
// malformed one into a single 400.
type queryReader struct {
	q   url.Values
	err *apierr.Error
}

func newQueryReader(c *gin.Context) *queryReader {
	return &queryReader{q: c.Request.URL.Query()}
}

func (r *queryReader) fail(name, msg string) {
	if r.err == nil {
		r.err = apierr.New(400, "One or more validation errors occurred.")
	}
	r.err.Field(name, msg)
}

// int64 returns a parameter's value, or nil when it is absent.
func (r *queryReader) int64(name string) *int64 {
	v := r.q.Get(name)
	if v == "" {
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		r.fail(name, "The value '"+v+"' is not a valid int64.")
		return nil
	}
	return &n
}

func (r *queryReader) bool(name string) *bool {
	v := r.q.Get(name)
	if v == "" {
		return nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.fail(name, name+" must be true or false.")
		return nil
	}
	return &b
}

// time returns a date-time parameter, or the zero time when absent.
func (r *queryReader) time(name string) time.Time {
	v := r.q.Get(name)
	if v == "" {
		return time.Time{}
	}
	t, err := resource.ParseDateTime(v)
	if err != nil {
		r.fail(name, "The value '"+v+"' is not an RFC 3339 date-time.")
	}
	return t
}

// oneOf returns a parameter that must be one of values (matched ignoring
// case, returned as listed), or "" when absent.
func (r *queryReader) oneOf(name string, values []string) string {
	v := r.q.Get(name)
	if v == "" {
		return ""
	}
	i := slices.IndexFunc(values, func(s string) bool { return strings.EqualFold(s, v) })
	if i < 0 {
		r.fail(name, name+" must be one of "+strings.Join(values, ", ")+".")
		return ""
	}
	return values[i]
}

func (r *queryReader) ids(name string) []int64 {
	v := r.q.Get(name)
	if v == "" {
		return nil
	}
	ids, msg := resource.ParseIDs(v)
	if msg != "" {
		r.fail(name, msg)
	}
	return ids
}

// done returns the collected 400, if any.
func (r *queryReader) done() error {
	if r.err != nil {
		return r.err
	}
	return nil
}

// inRange reports whether t lies in [onOrAfter, before), either bound
// optional (zero).
func inRange(t time.Time, onOrAfter, before time.Time) bool {
	if !onOrAfter.IsZero() && t.Before(onOrAfter) {
		return false
	}
	if !before.IsZero() && !t.Before(before) {
		return false
	}
	return true
}

func idx(i int) string { return "[" + strconv.Itoa(i) + "]" }

// validPriority checks Low|Normal|High|Urgent (ignoring case) and returns
// the canonical spelling.
func validPriority(field, p string) (string, error) {
	i := slices.IndexFunc(priorities, func(s string) bool { return strings.EqualFold(s, p) })
	if i < 0 {
		return "", apierr.BadRequest(field, field+" must be Low, Normal, High or Urgent.")
	}
	return priorities[i], nil
}
