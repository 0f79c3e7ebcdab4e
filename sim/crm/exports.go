package crm

import (
	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/resource"
)

// exportRoutes serves the CRM export feeds of customers, locations and their
// contacts (contract §6): every record, active, inactive or deleted, once
// per its latest change, oldest change first, visible 15 minutes after the
// change unless includeRecentChanges is set. The feeds' continueFrom tokens
// are bound to the tenant and to the feed.
func exportRoutes() api.Routes {
	return api.Routes{
		"crm.ExportCustomers_GetCustomers":     exportFeed(&Customers, renderExportCustomer),
		"crm.ExportLocations_Locations":        exportFeed(&Locations, renderExportLocation),
		"crm.ExportContacts_CustomersContacts": exportFeed(&CustomerContacts, renderExportCustomerContact),
		"crm.ExportContacts_LocationsContacts": exportFeed(&LocationContacts, renderExportLocationContact),
	}
}

// exportFeed builds the handler of one kind's feed.
func exportFeed[T any, P resource.Record[T], W any](kind *resource.Kind[T], render func(P) W) api.Handler {
	return func(c *gin.Context, call *api.Call) {
		q, err := resource.ParseExport(c.Request.URL.Query(), call.Tenant, kind.Name)
		if err != nil {
			call.Fail(c, err)
			return
		}
		var out resource.ExportPage[W]
		err = call.View(func(tx *resource.Tx) error {
			page, err := resource.Export[T, P](tx, kind, call.Tenant, q)
			if err != nil {
				return err
			}
			out = resource.ExportPage[W]{HasMore: page.HasMore, ContinueFrom: page.ContinueFrom, Data: make([]W, 0, len(page.Data))}
			for _, rec := range page.Data {
				out.Data = append(out.Data, render(rec))
			}
			return nil
		})
		call.Respond(c, out, err)
	}
}

// renderExportCustomer is Crm.V2.ExportCustomerResponse: the customer
// response's members. The feed takes no externalDataApplicationGuid, so
// externalData is always empty.
func renderExportCustomer(c *Customer) customerOut { return renderCustomer(c, "") }

// renderExportLocation is Crm.V2.ExportLocationsResponse, with externalData
// empty for the same reason.
func renderExportLocation(l *Location) locationOut { return renderLocation(l, "") }

// exportCustomerContactOut is Crm.V2.ExportCustomerContactResponse.
type exportCustomerContactOut struct {
	ModifiedOn    resource.Time `json:"modifiedOn"`
	PhoneSettings phoneSettings `json:"phoneSettings"`
	CreatedOn     resource.Time `json:"createdOn"`
	ID            int64         `json:"id"`
	Type          string        `json:"type"`
	Value         string        `json:"value"`
	Memo          *string       `json:"memo"`
	CustomerID    int64         `json:"customerId"`
	Active        bool          `json:"active"`
}

// exportLocationContactOut is Crm.V2.ExportLocationContactResponse.
type exportLocationContactOut struct {
	ID            int64         `json:"id"`
	Type          string        `json:"type"`
	Value         string        `json:"value"`
	Memo          *string       `json:"memo"`
	PhoneSettings phoneSettings `json:"phoneSettings"`
	ModifiedOn    resource.Time `json:"modifiedOn"`
	CreatedOn     resource.Time `json:"createdOn"`
	LocationID    int64         `json:"locationId"`
	Active        bool          `json:"active"`
}

// exportPhoneSettings fills the required phoneSettings object the way the
// contact endpoints do: phoneNumber is the contact's value, whatever its type.
func exportPhoneSettings(c *Contact) phoneSettings {
	return phoneSettings{PhoneNumber: c.Value, DoNotText: c.DoNotText}
}

func renderExportCustomerContact(c *Contact) exportCustomerContactOut {
	return exportCustomerContactOut{
		ModifiedOn: c.ModifiedOn, PhoneSettings: exportPhoneSettings(c), CreatedOn: c.CreatedOn, ID: c.ID,
		Type: c.Type, Value: c.Value, Memo: c.Memo, CustomerID: c.OwnerID, Active: c.Active,
	}
}

func renderExportLocationContact(c *Contact) exportLocationContactOut {
	return exportLocationContactOut{
		ID: c.ID, Type: c.Type, Value: c.Value, Memo: c.Memo, PhoneSettings: exportPhoneSettings(c),
		ModifiedOn: c.ModifiedOn, CreatedOn: c.CreatedOn, LocationID: c.OwnerID, Active: c.Active,
	}
}
