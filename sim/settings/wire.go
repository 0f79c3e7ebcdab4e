package settings

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/extdata"
	"github.com/stsim/stsim/sim/oas"
	"github.com/stsim/stsim/sim/resource"
)

// Enumerations of the settings document that the handlers check
// themselves, so that requests sent with validation off or in warn mode
// still cannot store a value the responses could not carry. The values are
// read from the embedded document (openapi/settings.yaml) on first use.
var (
	accountCreationMethods = documentEnum("TenantSettings.V2.AccountCreationMethod")
	employeePositions      = documentEnum("TenantSettings.V2.EmployeePosition")
	technicianPositions    = documentEnum("TenantSettings.V2.TechnicianPosition")
	licenseTypes           = documentEnum("TenantSettings.V2.LicenseType")
	// identityLicenseTypes are the license types of the identity account
	// requests, which spell them differently.
	identityLicenseTypes  = documentEnum("IdentityUserManagement.TechnicianLicenseType")
	jobFilters            = documentEnum("TenantSettings.V2.JobFilter")
	jobHistoryDateFilters = documentEnum("TenantSettings.V2.JobHistoryDateFilter")
	accountActions        = documentEnum("TenantSettings.V2.AccountAction")
)

// documentEnum reads an enumeration schema of the embedded settings
// document once, when first asked. The embedded document is part of the
// binary and the handler tests use every one of these enumerations, so a
// missing schema is a programming error.
func documentEnum(component string) func() []string {
	return sync.OnceValue(func() []string {
		values, err := oas.Load(nil).Enum("settings", component)
		if err != nil {
			panic(err)
		}
		return values
	})
}

// Technician license types (TenantSettings.V2.LicenseType).
const (
	LicenseNonManagedTech   = "NonManagedTech"
	LicenseManagedTech      = "ManagedTech"
	LicenseManagedInstaller = "ManagedInstaller"
)

// oneOf checks an enumeration value.
func oneOf(field, v string, allowed []string) error {
	if !slices.Contains(allowed, v) {
		return apierr.BadRequest(field, "'"+v+"' is not one of "+strings.Join(allowed, ", ")+".")
	}
	return nil
}

// eachOneOf checks every member of an enumeration array.
func eachOneOf(field string, vs []string, allowed []string) error {
	for i, v := range vs {
		if err := oneOf(field+"["+strconv.Itoa(i)+"]", v, allowed); err != nil {
			return err
		}
	}
	return nil
}

// member is a sent-or-not string member of a PATCH body.
type member struct {
	field string
	value *string
}

// requireSent checks that the members that were sent are not blank.
func requireSent(members ...member) error {
	for _, m := range members {
		if m.value != nil {
			if err := api.RequireText(m.field, *m.value); err != nil {
				return err
			}
		}
	}
	return nil
}

// customFieldIn is the Employee/Technician CustomFieldCreateOrUpdateRequest.
type customFieldIn struct {
	TypeID int64   `json:"typeId"`
	Value  *string `json:"value"`
}

// customFields checks custom field values: any positive typeId.
func customFields(field string, in []customFieldIn) ([]CustomField, error) {
	out := make([]CustomField, 0, len(in))
	for i, f := range in {
		if f.TypeID <= 0 {
			return nil, apierr.BadRequest(field+"["+strconv.Itoa(i)+"].typeId", "typeId must be a positive custom field type ID.")
		}
		out = append(out, CustomField{TypeID: f.TypeID, Value: f.Value})
	}
	return out, nil
}

// MergeCustomFields returns current with the values of the types updates
// names replaced (every value of such a type) and the other updates
// appended; current is not changed.
func MergeCustomFields(current, updates []CustomField) []CustomField {
	out := slices.Clone(current)
	for _, u := range updates {
		found := false
		for i := range out {
			if out[i].TypeID == u.TypeID {
				out[i], found = u, true
			}
		}
		if !found {
			out = append(out, u)
		}
	}
	return out
}

// customFieldOut is Employee/TechnicianCustomFieldResponse.
type customFieldOut struct {
	TypeID int64   `json:"typeId"`
	Name   *string `json:"name"`
	Value  *string `json:"value"`
}

func customFieldsOut(fs []CustomField) []customFieldOut {
	out := make([]customFieldOut, 0, len(fs))
	for _, f := range fs {
		out = append(out, customFieldOut(f))
	}
	return out
}

// permissionOut is Employee/TechnicianPermissionResponse. stsim grants no
// permissions, so the lists are always empty.
type permissionOut struct {
	ID    int32   `json:"id"`
	Value *string `json:"value"`
}

// idOut is the {id} answer of creates and updates (EmployeeCreateResponse,
// TechnicianUpdateResponse, ModificationResponse, …).
type idOut struct {
	ID int64 `json:"id"`
}

// accountActionOut is TenantSettings.V2.AccountActionResponse.
type accountActionOut struct {
	Status string `json:"status"`
}

// KV and ExternalData are the external-data types every module shares.
type (
	KV           = extdata.KV
	ExternalData = extdata.Data
)

// selectUsers selects the users of a kind that the userIds parameter names,
// from the kind's "user" index (every user without it). An unknown user ID
// selects nothing.
func selectUsers[T any](c *gin.Context, tx *resource.Tx, k *resource.Kind[T]) (resource.Select, error) {
	var sel resource.Select
	v := c.Query("userIds")
	if v == "" {
		return sel, nil
	}
	userIDs, msg := resource.ParseIDs(v)
	if msg != "" {
		return sel, apierr.BadRequest("userIds", msg)
	}
	sel.IDs = []int64{}
	for _, uid := range userIDs {
		ids, err := resource.Lookup(tx, k, "user", resource.IDKey(uid))
		if err != nil {
			return sel, err
		}
		sel.IDs = append(sel.IDs, ids...)
	}
	return sel, nil
}
