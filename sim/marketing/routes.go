package marketing

import (
	"maps"

	"github.com/stsim/stsim/sim/api"
)

// Routes returns the operations of this module that stsim emulates.
func Routes() api.Routes {
	r := api.Routes{}
	for _, area := range []api.Routes{categoryRoutes(), campaignRoutes(), costRoutes()} {
		maps.Copy(r, area)
	}
	return r
}
