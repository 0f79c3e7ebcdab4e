package main

import (
	"debug/elf"
	"encoding/json"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stsim/stsim/sim/config"
	"go.yaml.in/yaml/v4"
)

// dockerfile is what the checks read from the Dockerfile, per stage.
type dockerfile struct {
	stages map[string]*dockerStage // by stage name
	order  []string
}

type dockerStage struct {
	env         map[string]string
	run         []string // RUN commands
	expose      []string
	volumes     []string
	entrypoint  []string
	cmd         []string
	healthcheck []string // the CMD of HEALTHCHECK
	user        string
}

// parseDockerfile reads the instructions the tests check; continuation
// lines are joined.
func parseDockerfile(t *testing.T, path string) *dockerfile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := regexp.MustCompile(`\\\n\s*`).ReplaceAllString(string(data), " ")
	d := &dockerfile{stages: map[string]*dockerStage{}}
	var cur *dockerStage
	jsonArray := func(s string) []string {
		var a []string
		if err := json.Unmarshal([]byte(s), &a); err != nil {
			t.Fatalf("%s: %q is not an exec-form JSON array: %v", path, s, err)
		}
		return a
	}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		instr, rest, _ := strings.Cut(line, " ")
		switch strings.ToUpper(instr) {
		case "FROM":
			f := strings.Fields(rest)
			name := f[len(f)-1]
			cur = &dockerStage{env: map[string]string{}}
			d.stages[name] = cur
			d.order = append(d.order, name)
		case "ENV":
			for _, kv := range strings.Fields(rest) {
				k, v, _ := strings.Cut(kv, "=")
				cur.env[k] = v
			}
		case "RUN":
			cur.run = append(cur.run, rest)
		case "EXPOSE":
			cur.expose = append(cur.expose, strings.Fields(rest)...)
		case "VOLUME":
			cur.volumes = append(cur.volumes, strings.Fields(rest)...)
		case "ENTRYPOINT":
			cur.entrypoint = jsonArray(rest)
		case "CMD":
			cur.cmd = jsonArray(rest)
		case "USER":
			cur.user = rest
		case "HEALTHCHECK":
			_, c, ok := strings.Cut(rest, " CMD ")
			if !ok {
				t.Fatalf("%s: HEALTHCHECK without CMD: %s", path, rest)
			}
			cur.healthcheck = jsonArray(c)
		}
	}
	return d
}

// composeFile is the part of docker-compose.yml the tests check.
type composeFile struct {
	Services map[string]struct {
		Build struct {
			Context string `yaml:"context"`
			Target  string `yaml:"target"`
		} `yaml:"build"`
		Image       string            `yaml:"image"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Ports       []string          `yaml:"ports"`
		Volumes     []string          `yaml:"volumes"`
		Healthcheck struct {
			Test        []string `yaml:"test"`
			StartPeriod string   `yaml:"start_period"`
		} `yaml:"healthcheck"`
		DependsOn map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

// composeEnv expands ${NAME:-default} the way compose does with NAME unset.
func composeEnv(env map[string]string) func(string) string {
	def := regexp.MustCompile(`\$\{[A-Z_]+:-([^}]*)\}`)
	return func(k string) string { return def.ReplaceAllString(env[k], "$1") }
}

// checkStsimEnv fails unless every STSIM_* variable is one of stsim's real
// settings and the whole environment loads as a valid configuration.
func checkStsimEnv(t *testing.T, where string, env map[string]string) config.Config {
	t.Helper()
	known := map[string]bool{}
	for _, o := range config.Options() {
		known[o.Env] = true
	}
	for k := range env {
		if strings.HasPrefix(k, "STSIM_") && !known[k] {
			t.Errorf("%s sets %s, which stsim does not read", where, k)
		}
	}
	cfg, err := config.Load(nil, composeEnv(env), nil)
	if err != nil {
		t.Fatalf("%s: stsim would not start: %v", where, err)
	}
	return cfg
}

// checkStsimArgs fails unless args (after the binary's name) are a real
// stsim command line.
func checkStsimArgs(t *testing.T, where string, args []string) {
	t.Helper()
	if len(args) == 0 {
		return
	}
	for _, c := range commands() {
		if c.name == args[0] {
			if len(args) > 1 {
				if _, err := config.Load(args[1:], noEnv, nil); err != nil {
					t.Errorf("%s: %v", where, err)
				}
			}
			return
		}
	}
	t.Errorf("%s runs stsim %q, which is not a command", where, args[0])
}

func port(t *testing.T, addr string) string {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("%q: %v", addr, err)
	}
	return p
}

// TestDockerfileMatchesTheBinary checks the image against stsim's real
// commands and settings, so neither can drift from the other.
func TestDockerfileMatchesTheBinary(t *testing.T) {
	d := parseDockerfile(t, "../../Dockerfile")
	final := d.order[len(d.order)-1]
	img := d.stages[final]
	if final != "stsim" || img == nil {
		t.Fatalf("the last (default) stage is %q, want stsim", final)
	}
	if img.user == "" || strings.HasPrefix(img.user, "root") || strings.HasPrefix(img.user, "0") {
		t.Errorf("the image runs as %q, want a non-root user", img.user)
	}
	if !slices.Equal(img.entrypoint, []string{"stsim"}) {
		t.Errorf("ENTRYPOINT %v, want [stsim]", img.entrypoint)
	}
	checkStsimArgs(t, "Dockerfile CMD", img.cmd)
	if len(img.healthcheck) < 2 || img.healthcheck[0] != "stsim" || img.healthcheck[1] != "health" {
		t.Errorf("HEALTHCHECK runs %v, want stsim health", img.healthcheck)
	}
	cfg := checkStsimEnv(t, "Dockerfile ENV", img.env)
	if cfg.Loopback() {
		t.Errorf("the image listens on %s: unreachable from outside the container", cfg.Addr)
	}
	if !slices.Contains(img.expose, port(t, cfg.Addr)) {
		t.Errorf("EXPOSE %v lacks the listen port of %s", img.expose, cfg.Addr)
	}
	if len(img.volumes) != 1 || !strings.HasPrefix(cfg.DataFile, img.volumes[0]+"/") {
		t.Errorf("STSIM_DATA %q is not inside the VOLUME %v", cfg.DataFile, img.volumes)
	}
	client := d.stages["schedule-engine"]
	if client == nil || !slices.Equal(client.entrypoint, []string{"schedule-engine"}) || client.user == "" {
		t.Errorf("no non-root schedule-engine stage running the client: %+v", client)
	}
}

// TestComposeMatchesTheBinary checks docker-compose.yml against the
// Dockerfile, stsim's real settings and the reference client's variables.
func TestComposeMatchesTheBinary(t *testing.T) {
	data, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	d := parseDockerfile(t, "../../Dockerfile")
	stsim, ok := c.Services["stsim"]
	if !ok {
		t.Fatal("no stsim service")
	}
	if stsim.Build.Context != "." || d.stages[stsim.Build.Target] == nil {
		t.Errorf("stsim builds %+v, want this repository's Dockerfile and one of its stages", stsim.Build)
	}
	checkStsimArgs(t, "compose stsim command", stsim.Command)
	env := map[string]string{}
	for k, v := range d.stages[stsim.Build.Target].env {
		env[k] = v
	}
	for k, v := range stsim.Environment {
		env[k] = v
	}
	cfg := checkStsimEnv(t, "compose stsim environment", env)
	if cfg.ControlToken == "" {
		t.Error("compose sets no control token: every /_sim call would answer 403")
	}
	iss, err := url.Parse(cfg.Issuer)
	if err != nil || iss.Hostname() != "stsim" || iss.Port() != port(t, cfg.Addr) {
		t.Errorf("issuer %q is not what other containers reach (http://stsim:%s)", cfg.Issuer, port(t, cfg.Addr))
	}
	if len(stsim.Ports) != 1 || !strings.HasSuffix(stsim.Ports[0], ":"+port(t, cfg.Addr)) {
		t.Errorf("ports %v do not publish the listen port of %s", stsim.Ports, cfg.Addr)
	}
	if len(stsim.Healthcheck.Test) < 3 || stsim.Healthcheck.Test[0] != "CMD" {
		t.Fatalf("healthcheck %v, want an exec-form CMD", stsim.Healthcheck.Test)
	}
	checkStsimArgs(t, "compose healthcheck", stsim.Healthcheck.Test[2:])
	if stsim.Healthcheck.Test[1] != "stsim" || stsim.Healthcheck.Test[2] != "health" || stsim.Healthcheck.StartPeriod == "" {
		t.Errorf("healthcheck %+v, want stsim health with a start_period", stsim.Healthcheck)
	}
	volume, mount, _ := strings.Cut(strings.Join(stsim.Volumes, ""), ":")
	if _, named := c.Volumes[volume]; !named || !strings.HasPrefix(cfg.DataFile, mount+"/") {
		t.Errorf("volumes %v: want a named volume holding STSIM_DATA %q", stsim.Volumes, cfg.DataFile)
	}

	client, ok := c.Services["schedule-engine"]
	if !ok {
		t.Fatal("no schedule-engine service")
	}
	if d.stages[client.Build.Target] == nil || client.DependsOn["stsim"].Condition != "service_healthy" {
		t.Errorf("schedule-engine: build %+v, depends_on %+v; want a Dockerfile stage, started once stsim is healthy",
			client.Build, client.DependsOn)
	}
	if !slices.Equal(client.Command, []string{"demo"}) {
		t.Errorf("schedule-engine runs %v, want demo", client.Command)
	}
	source, err := os.ReadFile("../schedule-engine/app.go")
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range client.Environment {
		if !strings.Contains(string(source), `"`+k+`"`) {
			t.Errorf("schedule-engine does not read %s", k)
		}
		if strings.HasSuffix(k, "_URL") && v != cfg.Issuer {
			t.Errorf("%s=%s, but stsim is reached (and issues tokens) as %s", k, v, cfg.Issuer)
		}
	}
}

// TestComposeConfigAccepts runs Debian's docker-compose on the file when it
// is installed (there is no Docker engine here; `config` needs none).
func TestComposeConfigAccepts(t *testing.T) {
	bin, err := exec.LookPath("docker-compose")
	if err != nil {
		t.Skip("docker-compose is not installed (apt-get install docker-compose)")
	}
	cmd := exec.Command(bin, "-f", "docker-compose.yml", "config", "-q")
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker-compose config: %v\n%s", err, out)
	}
}

// TestDockerfileBuildStageBuilds runs the build stage's go build commands
// here, as the image would, and checks the results are static binaries and
// the version is stamped. There is no Docker engine to build the image in
// CI; this is the part of it that can break with the code.
func TestDockerfileBuildStageBuilds(t *testing.T) {
	if os.Getenv("STSIM_DOCKERFILE_BUILD") == "" {
		t.Skip("set STSIM_DOCKERFILE_BUILD=1 to run (-trimpath rebuilds every package: minutes of CPU; .ci/run does)")
	}
	d := parseDockerfile(t, "../../Dockerfile")
	out := t.TempDir()
	var builds int
	for _, run := range d.stages["build"].run {
		if !strings.Contains(run, "go build") {
			continue
		}
		builds++
		cmd := exec.Command("bash", "-c", strings.ReplaceAll(strings.ReplaceAll(run, "/out/", out+"/"), "${VERSION}", "v0.0.0-docker-test"))
		cmd.Dir = "../.."
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", run, err, b)
		}
	}
	if builds != 2 {
		t.Fatalf("the build stage has %d go build commands, want 2 (stsim, schedule-engine)", builds)
	}
	for _, name := range []string{"stsim", "schedule-engine"} {
		f, err := elf.Open(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		libs, _ := f.ImportedLibraries()
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Errorf("%s is dynamically linked (has an interpreter)", name)
			}
		}
		f.Close()
		if len(libs) > 0 {
			t.Errorf("%s links %v; distroless/static has no libc", name, libs)
		}
	}
	v, err := exec.Command(filepath.Join(out, "stsim"), "version").Output()
	if err != nil || !strings.HasPrefix(string(v), "stsim v0.0.0-docker-test (") {
		t.Errorf("the image's stsim says %q (%v)", v, err)
	}
}
