package crm

import (
	"maps"

	"github.com/stsim/stsim/sim/api"
)

// Routes returns the CRM operations stsim emulates, by qualified
// operation ID.
func Routes() api.Routes {
	r := api.Routes{}
	for _, area := range []api.Routes{customerRoutes(), contactRoutes(), bookingRoutes(), exportRoutes(), leadRoutes(), peopleRoutes()} {
		maps.Copy(r, area)
	}
	return r
}

func customerRoutes() api.Routes {
	return api.Routes{
		"crm.Customers_Create":  createCustomer,
		"crm.Customers_Get":     getCustomer,
		"crm.Customers_GetList": listCustomers,
		"crm.Customers_Update":  updateCustomer,
		"crm.Locations_Create":  createLocationHandler,
		"crm.Locations_Get":     getLocation,
		"crm.Locations_GetList": listLocations,
		"crm.Locations_Update":  updateLocation,
	}
}
