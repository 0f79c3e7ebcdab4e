package config

import (
	"errors"
	"strings"
	"testing"
)

// TestHelpNamesEveryFlagsType: -h shows each flag with the kind of value it
// takes (never flag's placeholder "value"), its environment twin and default.
func TestHelpNamesEveryFlagsType(t *testing.T) {
	var out strings.Builder
	if _, err := Load([]string{"-h"}, envOf(nil), &out); !errors.Is(err, ErrHelp) {
		t.Fatalf("-h: err = %v, want ErrHelp", err)
	}
	help := out.String()
	if strings.Contains(help, " value") || strings.Contains(help, "`") {
		t.Errorf("help shows a placeholder or a raw back quote:\n%s", help)
	}
	for _, want := range []string{"-addr host:port\n", "-token-ttl duration\n", "-rate-limit int\n",
		"-data file\n", "-strict-responses\n", "[STSIM_TOKEN_TTL; default 15m0s]", "fixtures directory;"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
	for _, o := range Options() {
		if !strings.Contains(help, "  -"+o.Flag) || !strings.Contains(help, "["+o.Env) {
			t.Errorf("help lacks -%s or %s", o.Flag, o.Env)
		}
	}
}
