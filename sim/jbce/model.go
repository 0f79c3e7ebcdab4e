// Package jbce emulates ServiceTitan's call reasons (jbce/v2).
package jbce

import "github.com/stsim/stsim/sim/resource"

// CallReason is why a customer called; IsLead marks a lead reason.
type CallReason struct {
	resource.Meta
	Name   string `json:"name"`
	IsLead bool   `json:"isLead"`
}

// CallReasons is the call-reason kind.
var CallReasons = resource.Kind[CallReason]{Name: "jbce.call-reasons", Label: "Call reason"}
