package oas

import (
	"slices"
	"testing"
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
