package auth

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stsim/stsim/sim/store"
)

func settingsText(r *Registry) string {
	var b strings.Builder
	for _, s := range r.Settings() {
		fmt.Fprintf(&b, "%d %s=%s;", s.Tenant, s.Name, s.Value)
	}
	return b.String()
}

// TestSettingsAreStoredAndGoWithTheirTenant: settings are committed with
// the registry, read back by a new registry on the same store, refused
// for an unknown tenant and removed with their tenant; AfterCommit runs
// only after a commit.
func TestSettingsAreStoredAndGoWithTheirTenant(t *testing.T) {
	st := store.OpenMemory()
	r, err := OpenRegistry(st)
	if err != nil {
		t.Fatal(err)
	}
	applied := 0
	err = r.Change(func(c *Change) error {
		if err := c.AddTenant(Tenant{ID: 7}); err != nil {
			return err
		}
		if err := c.PutSetting(0, "clock", map[string]int{"offset": 1}); err != nil {
			return err
		}
		if err := c.PutSetting(7, "clock", map[string]int{"offset": 2}); err != nil {
			return err
		}
		if err := c.PutSetting(7, "scenario/x/", "on"); err != nil {
			return err
		}
		c.AfterCommit(func() {
			if len(r.Settings()) != 3 {
				t.Errorf("AfterCommit ran before the change was visible: %s", settingsText(r))
			}
			applied++
		})
		return nil
	})
	if err != nil || applied != 1 {
		t.Fatalf("change: %v, AfterCommit ran %d times", err, applied)
	}
	want := `0 clock={"offset":1};7 clock={"offset":2};7 scenario/x/="on";`
	if got := settingsText(r); got != want {
		t.Fatalf("settings %s, want %s", got, want)
	}
	failed := errors.New("refused")
	err = r.Change(func(c *Change) error {
		c.DeleteSetting(0, "clock")
		c.AfterCommit(func() { applied++ })
		return failed
	})
	if !errors.Is(err, failed) || applied != 1 || settingsText(r) != want {
		t.Fatalf("a failed change: %v, AfterCommit ran %d times, settings %s", err, applied, settingsText(r))
	}
	if err := r.Change(func(c *Change) error { return c.PutSetting(8, "clock", 1) }); err == nil {
		t.Fatal("a setting of an unknown tenant was stored")
	}
	if err := r.Change(func(c *Change) error { return c.PutSetting(0, strings.Repeat("n", MaxSettingName+1), 1) }); err == nil {
		t.Fatal("a setting with an over-long name was stored")
	}

	again, err := OpenRegistry(st)
	if err != nil {
		t.Fatal(err)
	}
	if got := settingsText(again); got != want {
		t.Fatalf("settings read back %s, want %s", got, want)
	}
	if err := again.RemoveTenant(7); err != nil {
		t.Fatal(err)
	}
	if err := again.Change(func(c *Change) error { c.DeleteSetting(0, "clock"); return nil }); err != nil {
		t.Fatal(err)
	}
	if got := settingsText(again); got != "" {
		t.Fatalf("settings after the tenant's removal and a delete: %s", got)
	}
	third, err := OpenRegistry(st)
	if err != nil {
		t.Fatal(err)
	}
	if got := settingsText(third); got != "" {
		t.Fatalf("settings read back after the removal: %s", got)
	}
}
