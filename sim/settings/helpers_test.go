package settings_test

import (
	"fmt"
	"testing"

	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/simtest"
)

// ST is the settings path prefix of the demo tenant.
const ST = "/settings/v2/tenant/1234567"

func at(format string, args ...any) string { return ST + fmt.Sprintf(format, args...) }

// exportPage is the export envelope.
type exportPage[T any] struct {
	HasMore      bool   `json:"hasMore"`
	ContinueFrom string `json:"continueFrom"`
	Data         []T    `json:"data"`
}

// employee, technician, businessUnit and tagType decode what the tests read.
type employee struct {
	ID             int64            `json:"id"`
	UserID         int64            `json:"userId"`
	Name           string           `json:"name"`
	Role           string           `json:"role"`
	RoleIDs        []int64          `json:"roleIds"`
	BusinessUnitID *int64           `json:"businessUnitId"`
	CreatedOn      string           `json:"createdOn"`
	ModifiedOn     string           `json:"modifiedOn"`
	Email          *string          `json:"email"`
	PhoneNumber    *string          `json:"phoneNumber"`
	LoginName      *string          `json:"loginName"`
	CustomFields   []map[string]any `json:"customFields"`
	Active         bool             `json:"active"`
	AadUserID      *string          `json:"aadUserId"`
	Permissions    []map[string]any `json:"permissions"`
	AccountLocked  *bool            `json:"accountLocked"`
}

type technician struct {
	ID             int64            `json:"id"`
	UserID         int64            `json:"userId"`
	Name           string           `json:"name"`
	RoleIDs        []int64          `json:"roleIds"`
	BusinessUnitID *int64           `json:"businessUnitId"`
	ZoneIDs        []int64          `json:"zoneIds"`
	CreatedOn      string           `json:"createdOn"`
	ModifiedOn     string           `json:"modifiedOn"`
	Email          *string          `json:"email"`
	PhoneNumber    *string          `json:"phoneNumber"`
	LoginName      *string          `json:"loginName"`
	Home           map[string]any   `json:"home"`
	DailyGoal      float64          `json:"dailyGoal"`
	IsManagedTech  bool             `json:"isManagedTech"`
	CustomFields   []map[string]any `json:"customFields"`
	Active         bool             `json:"active"`
	BurdenRate     float64          `json:"burdenRate"`
	Team           *string          `json:"team"`
	JobFilter      *string          `json:"jobFilter"`
	AccountLocked  *bool            `json:"accountLocked"`
}

type businessUnit struct {
	ID           int64               `json:"id"`
	Active       bool                `json:"active"`
	Name         string              `json:"name"`
	ModifiedOn   string              `json:"modifiedOn"`
	Address      map[string]any      `json:"address"`
	ExternalData []map[string]string `json:"externalData"`
}

type tagType struct {
	ID                            int64   `json:"id"`
	Name                          string  `json:"name"`
	Color                         string  `json:"color"`
	Code                          string  `json:"code"`
	Importance                    *string `json:"importance"`
	IsConversionOpportunity       bool    `json:"isConversionOpportunity"`
	AllowToUseOnTimesheetActivity bool    `json:"allowToUseOnTimesheetActivity"`
	Active                        bool    `json:"active"`
	CreatedOn                     string  `json:"createdOn"`
}

// list reads one page of a list.
func list[T any](t *testing.T, srv *simtest.Server, tok, path string) resource.Page[T] {
	t.Helper()
	var p resource.Page[T]
	srv.Do(t, "GET", ST+path, tok, nil).OK(t).JSON(t, &p)
	return p
}

// names lists the names of records with a Name.
func names[T any](items []T, name func(T) string) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, name(it))
	}
	return out
}

// unvalidated sends a request with request validation off, so the
// handler's own checks answer.
func unvalidated(t *testing.T, srv *simtest.Server, tok, method, path string, body any) *simtest.Response {
	t.Helper()
	return srv.Unvalidated(t, method, ST+path, tok, body)
}

// idOf decodes the {id} answer of a create or update.
func idOf(t *testing.T, r *simtest.Response) int64 {
	t.Helper()
	var v struct {
		ID int64 `json:"id"`
	}
	r.OK(t).JSON(t, &v)
	if v.ID == 0 {
		t.Fatalf("no id in %s", r.Body)
	}
	return v.ID
}

// buID returns the ID of the business unit with that name.
func buID(t *testing.T, srv *simtest.Server, tok, name string) int64 {
	t.Helper()
	for _, b := range list[businessUnit](t, srv, tok, "/business-units?active=Any").Data {
		if b.Name == name {
			return b.ID
		}
	}
	t.Fatalf("no business unit %q", name)
	return 0
}
