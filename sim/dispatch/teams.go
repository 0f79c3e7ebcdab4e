package dispatch

import (
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// Teams. CreateTeamResponse.created says "whether the team was created or
// this is an existing record": creating a team whose name a live team
// already has (ignoring case and surrounding blanks) returns that team,
// unchanged, with created false. Delete removes the team (gets and lists
// no longer see it). Lists show active teams unless includeInactive.

// teamOut is Dispatch.V2.TeamResponse.
type teamOut struct {
	ID         int64         `json:"id"`
	Active     bool          `json:"active"`
	Name       *string       `json:"name"`
	CreatedBy  *int64        `json:"createdBy"`
	CreatedOn  resource.Time `json:"createdOn"`
	ModifiedOn resource.Time `json:"modifiedOn"`
}

func renderTeam(t *Team) teamOut {
	return teamOut{ID: t.ID, Active: t.Active, Name: t.Name, CreatedBy: t.CreatedByID, CreatedOn: t.CreatedOn, ModifiedOn: t.ModifiedOn}
}

// teamCreatedOut is Dispatch.V2.CreateTeamResponse.
type teamCreatedOut struct {
	teamOut
	Created bool `json:"created"`
}

// createTeam handles POST /teams ({active*, name?}).
func createTeam(c *gin.Context, call *api.Call) {
	var in struct {
		Active *bool   `json:"active"`
		Name   *string `json:"name"`
	}
	if err := api.Bind(c, &in); err != nil {
		call.Fail(c, err)
		return
	}
	if in.Active == nil {
		call.Fail(c, apierr.BadRequest("active", "active is required."))
		return
	}
	var name *string
	if in.Name != nil {
		if n := strings.TrimSpace(*in.Name); n != "" {
			name = &n
		}
	}
	var out teamCreatedOut
	err := call.Update(func(tx *resource.Tx) error {
		if name != nil {
			existing, err := resource.All(tx, &teams, func(t *Team) bool { return t.Name != nil && strings.EqualFold(*t.Name, *name) })
			if err != nil {
				return err
			}
			if len(existing) > 0 {
				out = teamCreatedOut{teamOut: renderTeam(existing[0]), Created: false}
				return nil
			}
		}
		by := integrationUserID
		t := &Team{Meta: resource.Meta{Active: *in.Active}, Name: name, CreatedByID: &by}
		if err := resource.Create(tx, &teams, t); err != nil {
			return err
		}
		out = teamCreatedOut{teamOut: renderTeam(t), Created: true}
		return nil
	})
	call.Respond(c, out, err)
}

// deleteTeam handles DELETE /teams/{id}: 200 with no body.
var deleteTeam = deleteRecord(&teams)

// listTeams handles GET /teams: includeInactive (default false), the four
// date filters and sort by Id, CreatedOn or ModifiedOn.
var listTeams = api.List(&teams, api.ListSpec[Team, *Team]{
	Options: resource.ListOptions{Sorts: resource.StandardSorts},
	Filter: func(c *gin.Context, _ *resource.Tx) (resource.Select, func(*Team) bool, error) {
		p := badRequest()
		inactive := queryBool(c, p, "includeInactive", false)
		return resource.Select{}, func(t *Team) bool { return inactive || t.Active }, p.orNil()
	},
}, func(_ *gin.Context, t *Team) teamOut { return renderTeam(t) })

// getTeam handles GET /teams/{id}.
var getTeam = api.GetByID(&teams, func(_ *gin.Context, t *Team) teamOut { return renderTeam(t) })
