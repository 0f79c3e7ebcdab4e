package sim

// notEmulated lists every documented ServiceTitan operation that stsim does
// not serve, with the reason. It is the one table behind the 501 answers,
// `stsim ops` and the coverage test: an operation is either routed (it has a
// handler) or listed here, never both, never neither. Remove an entry in the
// same change that adds its handler.
var notEmulated = map[string]string{
	"crm.ContactMethods_CreateContactMethod":  notPlanned,
	"crm.ContactMethods_DeleteContactMethod":  notPlanned,
	"crm.ContactMethods_GetContactMethod":     notPlanned,
	"crm.ContactMethods_GetContactMethods":    notPlanned,
	"crm.ContactMethods_UpdateContactMethod":  notPlanned,
	"crm.ContactMethods_UpsertContactMethod":  notPlanned,
	"crm.Contacts_Create":                     notPlanned,
	"crm.Contacts_CreateContactRelationship":  notPlanned,
	"crm.Contacts_DeleteContact":              notPlanned,
	"crm.Contacts_DeleteContactRelationship":  notPlanned,
	"crm.Contacts_Get":                        notPlanned,
	"crm.Contacts_GetByRelationshipId":        notPlanned,
	"crm.Contacts_GetContactRelationshipList": notPlanned,
	"crm.Contacts_GetList":                    notPlanned,
	"crm.Contacts_Replace":                    notPlanned,
	"crm.Contacts_SearchContactMethods":       notPlanned,
	"crm.Contacts_Update":                     notPlanned,
}

// notPlanned is the reason of every entry in notEmulated.
const notPlanned = "not emulated: outside the booking, scheduling and CRM flows stsim covers (leads, the contacts and contact-methods API, projects, GPS pings, technician tracking, user roles)"
