package api

import (
	"encoding/json"
	"strings"

	"github.com/stsim/stsim/sim/apierr"
)

// Members of PATCH bodies. A plain pointer member tells sent from absent;
// Opt also tells null from a value, for members that null clears.

// Opt is a request member that can be absent, null or a value: Set tells
// whether the member was sent, Value is nil for null.
type Opt[T any] struct {
	Set   bool
	Value *T
}

// UnmarshalJSON runs only for members present in the body.
func (o *Opt[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	o.Value = &v
	return nil
}

// SetIf copies a sent member.
func SetIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// SetOpt copies a sent nullable member (null included).
func SetOpt[T any](dst **T, o Opt[T]) {
	if o.Set {
		*dst = o.Value
	}
}

// SetPtr replaces a nullable member with a sent one; a member sent as null
// leaves it as it is.
func SetPtr[T any](dst **T, v *T) {
	if v != nil {
		*dst = v
	}
}

// RequireText fails with a 400 naming field when v is blank.
func RequireText(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return apierr.BadRequest(field, field+" must not be empty.")
	}
	return nil
}
