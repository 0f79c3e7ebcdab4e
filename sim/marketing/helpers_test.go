package marketing_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/simtest"
)

const mkt = "/marketing/v2/tenant/1234567"

type category struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Active bool   `json:"active"`
	Type   string `json:"type"`
}

type campaign struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	ModifiedOn string `json:"modifiedOn"`
	Active     bool   `json:"active"`
	Category   *struct {
		ID     int64  `json:"id"`
		Name   string `json:"name"`
		Active bool   `json:"active"`
	} `json:"category"`
	BusinessUnit *struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"businessUnit"`
	CampaignPhoneNumbers []string `json:"campaignPhoneNumbers"`
	CreatedOn            string   `json:"createdOn"`
	IsDefaultCampaign    bool     `json:"isDefaultCampaign"`
	Medium               *string  `json:"medium"`
	OtherMedium          *string  `json:"otherMedium"`
	OtherSource          *string  `json:"otherSource"`
	Source               *string  `json:"source"`
}

type cost struct {
	ID        int64   `json:"id"`
	Year      int     `json:"year"`
	Month     int     `json:"month"`
	DailyCost float64 `json:"dailyCost"`
}

func get[T any](t *testing.T, srv *simtest.Server, tok, path string) T {
	t.Helper()
	var v T
	srv.Do(t, "GET", mkt+path, tok, nil).OK(t).JSON(t, &v)
	return v
}

func send[T any](t *testing.T, srv *simtest.Server, tok, method, path string, body any) T {
	t.Helper()
	var v T
	srv.Do(t, method, mkt+path, tok, body).OK(t).JSON(t, &v)
	return v
}

// unvalidated sends a request with request validation off, so the
// handler's own checks answer.
func unvalidated(t *testing.T, srv *simtest.Server, tok, method, path string, body any) *simtest.Response {
	t.Helper()
	return srv.Unvalidated(t, method, mkt+path, tok, body)
}

func nameList[T any](items []T, name func(T) string) string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = name(it)
	}
	return strings.Join(out, ", ")
}

func campaignNames(p resource.Page[campaign]) string {
	return nameList(p.Data, func(c campaign) string { return c.Name })
}

// unit is a business unit as GET /settings/…/business-units lists it.
type unit struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// businessUnits returns an active and an inactive business unit of the
// demo tenant, read through the settings API.
func businessUnits(t *testing.T, srv *simtest.Server) (active, inactive unit) {
	t.Helper()
	tok := srv.Token(t)
	first := func(state string) unit {
		var p resource.Page[unit]
		srv.Do(t, "GET", "/settings/v2/tenant/1234567/business-units?pageSize=1&active="+state, tok, nil).OK(t).JSON(t, &p)
		if len(p.Data) == 0 {
			t.Fatalf("the demo tenant has no business unit with active=%s", state)
		}
		return p.Data[0]
	}
	return first("True"), first("False")
}

// demoCategory finds a demo category by name.
func demoCategory(t *testing.T, srv *simtest.Server, tok, name string) category {
	t.Helper()
	p := get[resource.Page[category]](t, srv, tok, "/categories?pageSize=5000")
	for _, c := range p.Data {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no category %q", name)
	return category{}
}

// demoCampaign finds a demo campaign by name, active or not.
func demoCampaign(t *testing.T, srv *simtest.Server, tok, name string) campaign {
	t.Helper()
	p := get[resource.Page[campaign]](t, srv, tok, "/campaigns?active=Any&pageSize=5000")
	for _, c := range p.Data {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no campaign %q", name)
	return campaign{}
}

func at(format string, args ...any) string { return fmt.Sprintf(format, args...) }
