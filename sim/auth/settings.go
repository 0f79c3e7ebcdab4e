package auth

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/stsim/stsim/sim/store"
)

// Setting is a piece of control-plane state other than credentials that
// the registry keeps for the control plane: a tenant's clock, a scenario
// activated for it. It belongs to a tenant (0: the whole simulator) and
// goes with it when the tenant is removed; its value is JSON the owner
// decodes.
type Setting struct {
	Tenant int64
	Name   string
	Value  json.RawMessage
}

// MaxSettingName bounds a setting's name (a bbolt key holds at most 32 KiB).
const MaxSettingName = 1024

type settingKey struct {
	tenant int64
	name   string
}

func (k settingKey) bytes() []byte { return append(store.Int64Key(k.tenant), k.name...) }

func parseSettingKey(b []byte) (settingKey, error) {
	if len(b) < 8 {
		return settingKey{}, fmt.Errorf("%s: a key of %d bytes has no tenant", settingsBucket, len(b))
	}
	tenant, err := store.ParseInt64Key(b[:8])
	return settingKey{tenant, string(b[8:])}, err
}

// PutSetting stores v as JSON under a tenant's (0: the simulator's) setting
// name. A tenant's setting needs the tenant, so nothing outlives its
// removal.
func (c *Change) PutSetting(tenant int64, name string, v any) error {
	if name == "" || len(name) > MaxSettingName {
		return fmt.Errorf("auth: a setting name has 1 to %d bytes, got %d", MaxSettingName, len(name))
	}
	if _, ok := c.tenant(tenant); tenant != 0 && !ok {
		return fmt.Errorf("auth: unknown tenant %d", tenant)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.settings[settingKey{tenant, name}] = data
	return nil
}

// DeleteSetting removes a tenant's setting, if it has it.
func (c *Change) DeleteSetting(tenant int64, name string) {
	k := settingKey{tenant, name}
	if _, stored := c.r.settings[k]; stored {
		c.settings[k] = nil
	} else {
		delete(c.settings, k) // put and deleted within this change
	}
}

// AfterCommit runs fn once the change is committed and visible, before
// Registry.Change returns and before the next change starts: the place to
// apply the change to live state in commit order. fn must not start a
// Change.
func (c *Change) AfterCommit(fn func()) { c.afterCommit = append(c.afterCommit, fn) }

// Settings lists the stored settings, by tenant and name.
func (r *Registry) Settings() []Setting {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Setting, 0, len(r.settings))
	for k, v := range r.settings {
		out = append(out, Setting{Tenant: k.tenant, Name: k.name, Value: v})
	}
	slices.SortFunc(out, func(a, b Setting) int {
		return cmp.Or(cmp.Compare(a.Tenant, b.Tenant), strings.Compare(a.Name, b.Name))
	})
	return out
}
