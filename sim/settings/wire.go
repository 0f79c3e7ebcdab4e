package settings

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/extdata"
	"github.com/stsim/stsim/sim/resource"
)

// Enumerations of the settings document that the handlers check
// themselves, so that requests sent with validation off or in warn mode
// still cannot store a value the responses could not carry.
var (
	accountCreationMethods = []string{"CreateLater", "SendInvite", "AssignLoginAndPassword"}
	employeePositions      = []string{
		"CSR", "Dispatcher", "CsrManager", "DispatchManager", "InstallProductionManager", "ServiceManager",
		"SalesManager", "MarketingManager", "Administrator", "PayrollManager", "Bookkeeper", "PurchasingManager",
		"WarehouseManager", "OfficeManager", "GeneralManager", "BusinessOwner", "AnsweringService", "InsideSales",
		"GeneralOfficeNonManagement",
	}
	technicianPositions = []string{
		"Installer", "Service", "Sales", "Maintenance", "Helper", "InstallProductionManager", "ServiceManager",
		"SalesManager", "PartRunner", "DummyTech",
	}
	licenseTypes = []string{LicenseNonManagedTech, LicenseManagedTech, LicenseManagedInstaller}
	jobFilters   = []string{
		"AllScheduledDispatchedWorking", "NextScheduledDispatchedWorking", "DispatchedWorking",
		"NextScheduledDispatchedWorkingToday", "AllScheduledDispatchedWorkingToday",
		"AllScheduledDispatchedWorkingFiveDays", "NextScheduledDispatchedWorkingTodayTomorrow",
		"AllScheduledDispatchedWorkingTodayTomorrow", "Next2ScheduledDispatchedWorkingToday",
	}
	jobHistoryDateFilters = []string{"AllJobs", "LastThreeDays", "LastSevenDays", "LastMonth"}
	accountActions        = []string{"Activate", "Deactivate", "SendInvite", "SendPasswordResetLink"}
)

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

func requireText(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return apierr.BadRequest(field, field+" must not be empty.")
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
			if err := requireText(m.field, *m.value); err != nil {
				return err
			}
		}
	}
	return nil
}

// opt is a PATCH member that can be absent, null or a value: Set tells
// whether the member was sent, Value is nil for null.
type opt[T any] struct {
	Set   bool
	Value *T
}

// UnmarshalJSON runs only for members present in the body.
func (o *opt[T]) UnmarshalJSON(b []byte) error {
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

// setIf copies a sent PATCH member.
func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// setOpt copies a sent nullable PATCH member (null included).
func setOpt[T any](dst **T, o opt[T]) {
	if o.Set {
		*dst = o.Value
	}
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

// mergeCustomFields updates the values of the given types and keeps the rest.
func mergeCustomFields(current, updates []CustomField) []CustomField {
	out := append([]CustomField{}, current...)
	for _, u := range updates {
		i := slices.IndexFunc(out, func(f CustomField) bool { return f.TypeID == u.TypeID })
		if i >= 0 {
			out[i] = u
		} else {
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

func parseUserIDs(v string) ([]int64, error) {
	if v == "" {
		return nil, nil
	}
	ids, msg := resource.ParseIDs(v)
	if msg != "" {
		return nil, apierr.BadRequest("userIds", msg)
	}
	return ids, nil
}

// byUserIDs looks users up in a kind's "user" index; never nil, so an
// unknown user ID selects nothing.
func byUserIDs[T any](tx *resource.Tx, k *resource.Kind[T], userIDs []int64) ([]int64, error) {
	out := []int64{}
	for _, uid := range userIDs {
		ids, err := resource.Lookup(tx, k, "user", resource.IDKey(uid))
		if err != nil {
			return nil, err
		}
		out = append(out, ids...)
	}
	return out, nil
}
