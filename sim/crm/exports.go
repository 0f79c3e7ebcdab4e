package crm

import (
	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
)

// exportRoutes serves the CRM export feeds of customers, locations and their
// contacts (contract §6): every record, active, inactive or deleted, once
// per its latest change, oldest change first, visible 15 minutes after the
// change unless includeRecentChanges is set. The feeds' continueFrom tokens
// are bound to the tenant and to the feed.
func exportRoutes() api.Routes {
	return api.Routes{
		"crm.ExportCustomers_GetCustomers":     api.Export(&Customers, renderExportCustomer),
		"crm.ExportLocations_Locations":        api.Export(&Locations, renderExportLocation),
		"crm.ExportContacts_CustomersContacts": api.Export(&CustomerContacts, renderExportCustomerContact),
		"crm.ExportContacts_LocationsContacts": api.Export(&locationContactRecords, renderExportLocationContact),
	}
}

// renderExportCustomer is Crm.V2.ExportCustomerResponse: the customer
// response's members. The feed takes no externalDataApplicationGuid, so
// externalData is always empty.
func renderExportCustomer(_ *gin.Context, c *Customer) customerOut { return renderCustomer(c, "") }

// renderExportLocation is Crm.V2.ExportLocationsResponse, with externalData
// empty for the same reason.
func renderExportLocation(_ *gin.Context, l *Location) locationOut { return renderLocation(l, "") }

// exportCustomerContactOut is Crm.V2.ExportCustomerContactResponse: the
// contact list item plus active (deleted contacts appear inactive).
type exportCustomerContactOut struct {
	customerContactWithOwnerOut
	Active bool `json:"active"`
}

// exportLocationContactOut is Crm.V2.ExportLocationContactResponse.
type exportLocationContactOut struct {
	locationContactWithOwnerOut
	Active bool `json:"active"`
}

func renderExportCustomerContact(_ *gin.Context, c *Contact) exportCustomerContactOut {
	return exportCustomerContactOut{customerContactWithOwnerOut: renderCustomerContactWithOwner(c), Active: c.Active}
}

func renderExportLocationContact(_ *gin.Context, c *Contact) exportLocationContactOut {
	return exportLocationContactOut{locationContactWithOwnerOut: renderLocationContactWithOwner(c), Active: c.Active}
}
