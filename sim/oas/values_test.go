package oas

import (
	"io/fs"
	"slices"
	"testing"

	"github.com/stsim/stsim/openapi"
)

func TestEnum(t *testing.T) {
	s, err := embeddedSpec()
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Enum("settings", "TenantSettings.V2.AccountCreationMethod")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"CreateLater", "SendInvite", "AssignLoginAndPassword"}; !slices.Equal(got, want) {
		t.Fatalf("Enum = %q, want %q", got, want)
	}
	compiled, err := fs.Sub(openapi.Compiled, "compiled")
	if err != nil {
		t.Fatal(err)
	}
	fresh := newSpec(openapi.FS, compiled) // the shared Spec's documents may have been parsed whole by other tests
	if _, err := fresh.Enum("settings", "TenantSettings.V2.AccountCreationMethod"); err != nil {
		t.Fatal(err)
	}
	if d, _ := fresh.Document("settings"); d.whole != nil {
		t.Error("Enum parsed the whole settings document; the compiled index holds its enumerations")
	}
	for _, c := range []struct{ module, component string }{
		{"settings", "TenantSettings.V2.NoSuchSchema"},
		{"settings", "TenantSettings.V2.BusinessUnitResponse"}, // an object, not an enum
		{"nosuchmodule", "TenantSettings.V2.AccountCreationMethod"},
	} {
		if vs, err := s.Enum(c.module, c.component); err == nil {
			t.Errorf("Enum(%s, %s) = %q, want an error", c.module, c.component, vs)
		}
	}
}
