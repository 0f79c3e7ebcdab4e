package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/stsim/stsim/openapi"
	"github.com/stsim/stsim/sim"
)

// version is stamped at link time:
//
//	go build -ldflags "-X main.version=v1.4.0" ./cmd/stsim
//
// Unstamped builds report what the Go toolchain recorded instead: the module
// version for `go install …@vX`, else "devel" and the VCS revision.
var version = ""

// buildVersion is the version line's first part: version, commit, toolchain.
func buildVersion() string {
	v, details := version, []string{}
	info, ok := debug.ReadBuildInfo()
	if ok {
		if v == "" {
			v = info.Main.Version
		}
		settings := map[string]string{}
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
		if rev := settings["vcs.revision"]; rev != "" {
			if len(rev) > 12 {
				rev = rev[:12]
			}
			if settings["vcs.modified"] == "true" {
				rev += " (modified)"
			}
			details = append(details, "commit "+rev)
		}
	}
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	details = append(details, runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH)
	return v + " (" + strings.Join(details, ", ") + ")"
}

// printVersion says which stsim this is and which ServiceTitan documents it
// emulates, module by module.
func printVersion(_ context.Context, _ []string, _ func(string) string, w, _ io.Writer) int {
	fmt.Fprintf(w, "stsim %s\nemulates ServiceTitan's V2 API as described by these documents:\n", buildVersion())
	for _, m := range sim.Modules {
		v, err := documentVersion(m.File())
		if err != nil {
			fmt.Fprintf(w, "stsim: %v\n", err)
			return 1
		}
		fmt.Fprintf(w, "  %-10s %-24s ServiceTitan %s\n", m.Name, v, m.Export)
	}
	return 0
}

// documentVersion reads info.version of an embedded OpenAPI document: the
// module's API version and a hash of the reference bytes it came from.
func documentVersion(file string) (string, error) {
	f, err := openapi.FS.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	inInfo := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "info:":
			inInfo = true
		case inInfo && strings.HasPrefix(line, "  version:"):
			return strings.TrimSpace(strings.TrimPrefix(line, "  version:")), nil
		case inInfo && !strings.HasPrefix(line, " "):
			inInfo = false
		}
	}
	return "", fmt.Errorf("%s has no info.version", file)
}
