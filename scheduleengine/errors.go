package scheduleengine

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// APIError is an API answer other than 2xx, in ServiceTitan's error shape
// {type, title, status, traceId, errors, data} when the body has it.
type APIError struct {
	Method, Path string
	Status       int
	Title        string
	TraceID      string
	Errors       map[string][]string // field → messages
	RetryAfter   time.Duration       // from the Retry-After header, if any
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d", e.Method, e.Path, e.Status)
	if e.Title != "" {
		b.WriteString(" " + e.Title)
	}
	keys := make([]string, 0, len(e.Errors))
	for k := range e.Errors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "; %s: %s", k, strings.Join(e.Errors[k], " "))
	}
	if e.TraceID != "" {
		b.WriteString(" (traceId " + e.TraceID + ")")
	}
	return b.String()
}

// Field returns the messages about one field, matched without regard to
// case (ServiceTitan's keys are PascalCase or JSON paths).
func (e *APIError) Field(name string) []string {
	for k, v := range e.Errors {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

// NetworkError is a call whose answer never arrived whole: a refused or
// reset connection, a timeout, a truncated body. A write that fails this way
// may or may not have been carried out.
type NetworkError struct {
	Op  string
	Err error
}

func (e *NetworkError) Error() string { return e.Op + ": " + e.Err.Error() }
func (e *NetworkError) Unwrap() error { return e.Err }

// StatusOf returns the HTTP status of an APIError in err's chain, else 0.
func StatusOf(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}

// ambiguous reports whether a write that failed with err may have been
// carried out anyway: a 5xx answer, or no answer at all.
func ambiguous(err error) bool {
	var ne *NetworkError
	return errors.As(err, &ne) || StatusOf(err) >= http.StatusInternalServerError
}

// Refusals of the booking flow: the API said no for a reason the customer or
// the office must resolve. None of them is retried.
var (
	ErrDoNotService  = errors.New("the customer is marked do-not-service: book through the office")
	ErrSlotTaken     = errors.New("the slot is no longer available")
	ErrCallTheOffice = errors.New("ServiceTitan refused the change: please call the office")
)
