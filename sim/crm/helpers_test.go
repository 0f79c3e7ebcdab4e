package crm_test

import (
	"testing"
	"time"

	"github.com/stsim/stsim/sim/auth"
	"github.com/stsim/stsim/sim/simtest"
)

// startOtherTenant connects the demo app to tenant 7654321 and returns a
// token for it.
func startOtherTenant(t *testing.T, srv *simtest.Server) string {
	t.Helper()
	reg := srv.Auth().Registry
	if err := reg.AddTenant(auth.Tenant{ID: 7654321, Name: "other"}); err != nil {
		t.Fatal(err)
	}
	app, _ := reg.AppByKey(simtest.AppKey)
	conn, err := reg.Connect(app.ID, 7654321, "")
	if err != nil {
		t.Fatal(err)
	}
	secret, err := reg.GenerateSecret(conn.ClientID, 1, srv.Clock.Now(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return srv.TokenFor(t, conn.ClientID, secret)
}
