// Package specfacts holds what cmd/specgen and the openapi fidelity test
// must agree on besides the module list (sim.Modules names each module's
// reference document): every deliberate deviation from those documents.
package specfacts

import "strings"

// Kind says what a Deviation changes.
type Kind int

const (
	// AddProperty adds an optional property to a component schema.
	AddProperty Kind = iota + 1
	// AddQueryParam adds an optional query parameter to an operation.
	AddQueryParam
	// RenamePathParam renames a path parameter in one path template and in
	// the parameter lists of that template's operations.
	RenamePathParam
	// ErrorResponse types one response of an operation (Target, status in
	// Name) as the document's ApiErrorResponse, where the reference gives it
	// a bare string schema.
	ErrorResponse
)

// ErrorSchema is the component schema ServiceTitan's error bodies follow.
const ErrorSchema = "ApiErrorResponse"

// Deviation is one deliberate difference between a generated document and
// its reference document.
type Deviation struct {
	Module string
	Kind   Kind
	// Target is the component schema name (AddProperty), the operationId
	// (AddQueryParam, ErrorResponse) or the reference path template
	// (RenamePathParam).
	Target string
	// Name is the property, the query parameter, the path parameter to
	// rename or the response status code.
	Name string
	// To is the new path parameter name (RenamePathParam only).
	To string
	// Schema is the added property's or parameter's schema, as JSON.
	Schema string
	// Reason says why, with its source.
	Reason string
}

const (
	reasonCampaignFields = "contract §8, fields seen live 2026 (T-probe); the only raw marketing document is from 2022"
	reasonCampaignParams = "contract §7, 2026 campaign list filters (T-scopes); absent from the 2022 document"
	reasonStringErrors   = "the reference types this 400 as a bare string while every other operation's error response, and ServiceTitan's answers, are ApiErrorResponse objects; stsim answers with the object, and strict response validation checks error bodies too"
	reasonZones          = "GET /zones/{id} and PATCH, DELETE /zones/{zoneId} match the same URLs, which kin-openapi rejects as conflicting paths; a path parameter's name never reaches the wire"
)

// Deviations lists every deliberate difference from the reference documents.
// cmd/specgen applies them; the fidelity test applies them to the reference
// before comparing, so each one must be present and nothing else may differ.
var Deviations = []Deviation{
	{Module: "marketing", Kind: AddProperty, Target: "Marketing.V2.CampaignResponse", Name: "businessUnit",
		Schema: `{"type":"object","nullable":true,"properties":{"id":{"type":"integer","format":"int64"},"name":{"type":"string"}},"additionalProperties":false}`,
		Reason: reasonCampaignFields},
	{Module: "marketing", Kind: AddProperty, Target: "Marketing.V2.CampaignResponse", Name: "campaignPhoneNumbers",
		Schema: `{"type":"array","items":{"type":"string"}}`, Reason: reasonCampaignFields},
	{Module: "marketing", Kind: AddProperty, Target: "Marketing.V2.CampaignResponse", Name: "createdOn",
		Schema: `{"type":"string","format":"date-time"}`, Reason: reasonCampaignFields},
	{Module: "marketing", Kind: AddProperty, Target: "Marketing.V2.CampaignResponse", Name: "isDefaultCampaign",
		Schema: `{"type":"boolean"}`, Reason: reasonCampaignFields},
	{Module: "marketing", Kind: AddProperty, Target: "Marketing.V2.CampaignResponse", Name: "medium",
		Schema: `{"type":"string","nullable":true}`, Reason: reasonCampaignFields},
	{Module: "marketing", Kind: AddProperty, Target: "Marketing.V2.CampaignResponse", Name: "otherMedium",
		Schema: `{"type":"string","nullable":true}`, Reason: reasonCampaignFields},
	{Module: "marketing", Kind: AddProperty, Target: "Marketing.V2.CampaignResponse", Name: "otherSource",
		Schema: `{"type":"string","nullable":true}`, Reason: reasonCampaignFields},
	{Module: "marketing", Kind: AddProperty, Target: "Marketing.V2.CampaignResponse", Name: "source",
		Schema: `{"type":"string","nullable":true}`, Reason: reasonCampaignFields},

	{Module: "marketing", Kind: AddQueryParam, Target: "Campaigns_GetList", Name: "createdBefore",
		Schema: `{"type":"string","format":"date-time","nullable":true}`, Reason: reasonCampaignParams},
	{Module: "marketing", Kind: AddQueryParam, Target: "Campaigns_GetList", Name: "createdOnOrAfter",
		Schema: `{"type":"string","format":"date-time","nullable":true}`, Reason: reasonCampaignParams},
	{Module: "marketing", Kind: AddQueryParam, Target: "Campaigns_GetList", Name: "campaignPhoneNumber",
		Schema: `{"type":"string","nullable":true}`, Reason: reasonCampaignParams},
	{Module: "marketing", Kind: AddQueryParam, Target: "Campaigns_GetList", Name: "sort",
		Schema: `{"type":"string","nullable":true}`, Reason: reasonCampaignParams},

	{Module: "dispatch", Kind: RenamePathParam, Target: "/tenant/{tenant}/zones/{zoneId}", Name: "zoneId", To: "id",
		Reason: reasonZones},
	{Module: "dispatch", Kind: ErrorResponse, Target: "Zone_CreateZone", Name: "400", Reason: reasonStringErrors},
	{Module: "dispatch", Kind: ErrorResponse, Target: "Zone_UpdateZone", Name: "400", Reason: reasonStringErrors},
	{Module: "dispatch", Kind: ErrorResponse, Target: "TechnicianTracking_Get", Name: "400", Reason: reasonStringErrors},
}

// For returns the deviations that apply to module.
func For(module string) []Deviation {
	var out []Deviation
	for _, d := range Deviations {
		if d.Module == module {
			out = append(out, d)
		}
	}
	return out
}

// RenamedPath returns the template a reference path template has in the
// generated document of module.
func RenamedPath(module, path string) string {
	for _, d := range For(module) {
		if d.Kind == RenamePathParam && d.Target == path {
			return d.NewPath()
		}
	}
	return path
}

// NewPath is the path template after a RenamePathParam deviation.
func (d Deviation) NewPath() string {
	return strings.ReplaceAll(d.Target, "{"+d.Name+"}", "{"+d.To+"}")
}
