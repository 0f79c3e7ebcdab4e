package sim

import (
	"slices"

	"github.com/stsim/stsim/sim/config"
	"github.com/stsim/stsim/sim/control"
	"github.com/stsim/stsim/sim/env"
)

// environments derives from the configuration how requests select their
// environment, each environment's issuer, and their description for the
// control API.
func environments(cfg config.Config) (env.Selector, map[string]string, []control.Environment) {
	sel := env.Selector{Prefix: cfg.EnvPrefix, Hosts: map[string]string{}}
	for _, h := range cfg.ProductionHosts {
		sel.Hosts[h] = env.Production
	}
	issuers := map[string]string{}
	var described []control.Environment
	for _, name := range env.Names {
		issuers[name] = sel.Issuer(cfg.Issuer, name)
		e := control.Environment{Name: name, Issuer: issuers[name], TokenURL: issuers[name] + "/connect/token",
			PathPrefix: cfg.EnvPrefix + "/" + name, Hosts: []string{}}
		for host, hostEnv := range sel.Hosts {
			if hostEnv == name {
				e.Hosts = append(e.Hosts, host)
			}
		}
		slices.Sort(e.Hosts)
		described = append(described, e)
	}
	return sel, issuers, described
}
