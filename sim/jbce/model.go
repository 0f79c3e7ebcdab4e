// Package jbce emulates ServiceTitan's call reasons (jbce/v2).
package jbce

import (
	"errors"

	"github.com/stsim/stsim/sim/resource"
)

// CallReason is why a customer called; IsLead marks a lead reason.
type CallReason struct {
	resource.Meta
	Name   string `json:"name"`
	IsLead bool   `json:"isLead"`
}

// CallReasons is the call-reason kind.
var CallReasons = resource.Kind[CallReason]{Name: "jbce.call-reasons", Label: "Call reason"}

// ActiveCallReason reports whether a call reason exists and is active.
func ActiveCallReason(tx *resource.Tx, id int64) (bool, error) {
	r, err := resource.Get(tx, &CallReasons, id)
	if err != nil {
		if errors.Is(err, resource.ErrNotFound) {
			return false, nil
		}
		return false, err
	}
	return r.Active, nil
}
