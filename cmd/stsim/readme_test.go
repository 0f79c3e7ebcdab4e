package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stsim/stsim/sim/config"
	"go.yaml.in/yaml/v4"
)

// readmeBlock is one fenced shell example of README.md.
type readmeBlock struct {
	line     int    // where its fence opens
	lang     string // sh or console
	skip     string // the reason given in a "not run by the README test" comment
	commands []readmeCommand
}

// readmeCommand is one command of a block and the output the README shows.
type readmeCommand struct {
	text, output string
}

const skipMarker = "<!-- not run by the README test:"

// readmeBlocks extracts every ```sh and ```console block. In console blocks
// commands start with "$ " and continue while a line ends in a backslash;
// the lines after a command, up to the next one, are its output. In sh
// blocks every line (with its continuations) is a command.
func readmeBlocks(readme string) []readmeBlock {
	var blocks []readmeBlock
	lines := strings.Split(readme, "\n")
	for i := 0; i < len(lines); i++ {
		lang, ok := strings.CutPrefix(lines[i], "```")
		if !ok || lang != "sh" && lang != "console" {
			continue
		}
		b := readmeBlock{line: i + 1, lang: lang}
		if i > 0 && strings.HasPrefix(lines[i-1], skipMarker) {
			b.skip = strings.TrimSuffix(strings.TrimPrefix(lines[i-1], skipMarker), "-->")
		}
		var cur *readmeCommand
		continued := false
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			l := lines[i]
			switch {
			case continued:
				cur.text += "\n" + l
			case lang == "sh" && strings.TrimSpace(l) != "" && !strings.HasPrefix(l, "#"):
				b.commands = append(b.commands, readmeCommand{text: l})
				cur = &b.commands[len(b.commands)-1]
			case lang == "console" && strings.HasPrefix(l, "$ "):
				b.commands = append(b.commands, readmeCommand{text: strings.TrimPrefix(l, "$ ")})
				cur = &b.commands[len(b.commands)-1]
			case lang == "console" && cur != nil && strings.TrimSpace(l) != "":
				cur.output += l + "\n"
			default:
				continue
			}
			continued = strings.HasSuffix(l, "\\")
		}
		blocks = append(blocks, b)
	}
	return blocks
}

// TestREADMEExamplesRunAsPasted runs every shell example of README.md, in
// order and in one shell (so TOKEN carries over), against a live stsim, and
// compares each output with the README's: status lines and headers
// verbatim, JSON by its keys (values such as tokens and times differ).
// Blocks that cannot run here (starting servers, Docker) say why in a
// comment right above the fence.
func TestREADMEExamplesRunAsPasted(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed; the README examples use it")
	}
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	srv := startServe(t)
	waitFor(t, srv.stderr, "ready")
	addr := strings.TrimPrefix(srv.base, "http://")

	var script strings.Builder
	var ran []readmeCommand
	for _, b := range readmeBlocks(string(data)) {
		if b.skip != "" {
			continue
		}
		if len(b.commands) == 0 {
			t.Errorf("README.md:%d: a %s block without commands", b.line, b.lang)
		}
		for _, c := range b.commands {
			fmt.Fprintf(&script, "%s\necho \"@@exit $?\"\n", strings.ReplaceAll(c.text, "127.0.0.1:8080", addr))
			ran = append(ran, c)
		}
	}
	shell := exec.Command("bash", "-c", script.String())
	shell.Dir = "../.." // the README's commands run from the repository root
	// The reference client's examples reach this stsim instead of :8080.
	shell.Env = append(os.Environ(), "SE_AUTH_URL="+srv.base, "SE_API_URL="+srv.base)
	out, err := shell.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	parts := regexp.MustCompile(`@@exit (\d+)\n`).Split(string(out), -1)
	codes := regexp.MustCompile(`@@exit (\d+)\n`).FindAllStringSubmatch(string(out), -1)
	if len(codes) != len(ran) {
		t.Fatalf("ran %d commands, %d finished:\n%s", len(ran), len(codes), out)
	}
	for i, c := range ran {
		got := strings.ReplaceAll(parts[i], "\r", "")
		if want := wantExit(c.output); codes[i][1] != want {
			t.Errorf("%s\nexited %s, want %s:\n%s", c.text, codes[i][1], want, got)
			continue
		}
		if msg := compareOutput(c.output, got); msg != "" {
			t.Errorf("%s\n%s\nREADME shows:\n%s\ngot:\n%s", c.text, msg, c.output, got)
		}
	}
	if len(ran) < 5 {
		t.Errorf("only %d README commands ran; the extraction is broken", len(ran))
	}
}

// compareOutput says how got differs from what the README shows, or "".
// A JSON line must come back as JSON with the same keys (values vary);
// a line with an ellipsis is abridged; any other line must appear with
// only its numbers, UUIDs, day and month names and spacing changed (IDs,
// timings and dates vary from run to run).
func compareOutput(want, got string) string {
	var gotLines []string
	for _, g := range strings.Split(strings.TrimSpace(got), "\n") {
		gotLines = append(gotLines, varying(g))
	}
	for _, w := range strings.Split(strings.TrimSpace(want), "\n") {
		switch {
		case w == "":
		case strings.HasPrefix(w, "{"):
			keys := jsonKeys(w)
			found := false
			for _, g := range gotLines {
				if strings.HasPrefix(g, "{") && json.Valid([]byte(g)) && isSubset(keys, jsonKeys(g)) {
					found = true
				}
			}
			if !found {
				return fmt.Sprintf("no JSON line with the keys %v", keys)
			}
		case strings.Contains(w, "…"):
		case !slices.Contains(gotLines, varying(w)):
			return fmt.Sprintf("line %q is missing", w)
		}
	}
	return ""
}

// wantExit is the exit code a command's README output admits to: go run's
// last line "exit status N" for a command shown failing, else 0.
func wantExit(output string) string {
	lines := strings.Split(strings.TrimSpace(output), "\n")
	if code, ok := strings.CutPrefix(lines[len(lines)-1], "exit status "); ok {
		return code
	}
	return "0"
}

var (
	uuids    = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	numbers  = regexp.MustCompile(`[0-9]+`)
	calendar = regexp.MustCompile(`\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b`)
	spaces   = regexp.MustCompile(`\s+`)
)

// varying masks what differs between runs of one example.
func varying(line string) string {
	line = uuids.ReplaceAllString(line, "U")
	line = calendar.ReplaceAllString(numbers.ReplaceAllString(line, "0"), "D")
	return strings.TrimSpace(spaces.ReplaceAllString(line, " "))
}

var jsonKey = regexp.MustCompile(`"([A-Za-z_]+)":`)

func jsonKeys(line string) []string {
	var keys []string
	for _, m := range jsonKey.FindAllStringSubmatch(line, -1) {
		if !slices.Contains(keys, m[1]) {
			keys = append(keys, m[1])
		}
	}
	return keys
}

func isSubset(want, have []string) bool {
	for _, k := range want {
		if !slices.Contains(have, k) {
			return false
		}
	}
	return true
}

func TestReadmeBlocksParsesConsoleAndSh(t *testing.T) {
	readme := "x\n" + skipMarker + " starts a server -->\n```sh\ngo run .\n```\n" +
		"```console\n$ curl a \\\n    -d b\n{\"k\":1}\n\n$ echo hi\nhi\n```\n```sh\n# note\nuntil a; do\n  b\ndone\n```\n"
	blocks := readmeBlocks(readme)
	if len(blocks) != 3 || blocks[0].skip != " starts a server " || len(blocks[1].commands) != 2 ||
		blocks[1].commands[0].text != "curl a \\\n    -d b" || blocks[1].commands[0].output != "{\"k\":1}\n" ||
		blocks[1].commands[1].output != "hi\n" {
		t.Fatalf("parsed %+v", blocks)
	}
	if compareOutput(`{"a":1,"b":"…"}`, `{"b":2,"a":3,"c":4}`) != "" || compareOutput("HTTP/1.1 401 Unauthorized", "HTTP/1.1 200 OK") == "" ||
		compareOutput("connect   14.2 ms  tag 1946", "connect    9.0 ms  tag 1969") != "" ||
		compareOutput("first Mon Dec 7", "first Tue Dec 8") != "" ||
		compareOutput(`{"a":1}`, `{"b":1}`) == "" {
		t.Fatal("compareOutput does not tell matching from differing output")
	}
}

// TestREADMEWaitLoopWaitsForStsim runs the README's shell wait-loop before
// stsim is up, then starts stsim: the loop must end, successfully, once
// /_sim/health answers 200.
func TestREADMEWaitLoopWaitsForStsim(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed; the wait loop uses it")
	}
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var loop string
	for _, b := range readmeBlocks(string(data)) {
		for _, c := range b.commands {
			if strings.Contains(c.text, "until curl") && strings.Contains(c.text, "127.0.0.1:8080/_sim/health") {
				loop = c.text
			}
		}
	}
	if loop == "" {
		t.Fatal("README.md has no wait loop on http://127.0.0.1:8080/_sim/health")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // free again for stsim; the loop meanwhile finds nothing there

	wait := exec.Command("bash", "-c", strings.ReplaceAll(loop, "127.0.0.1:8080", addr))
	var out strings.Builder
	wait.Stdout, wait.Stderr = &out, &out
	if err := wait.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- wait.Wait() }()
	startServe(t, "-addr", addr)
	if err := <-done; err != nil {
		t.Fatalf("the wait loop failed: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), `"status":"ok"`) {
		t.Errorf("the loop ended without a healthy answer:\n%s", out.String())
	}
}

// TestREADMECIRecipesUseRealSettings checks the README's YAML recipes (which
// no runner here can run) name only real STSIM_* variables and commands.
func TestREADMECIRecipesUseRealSettings(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, o := range config.Options() {
		known[o.Env] = true
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(data), -1)
	if len(blocks) < 2 {
		t.Fatalf("README.md has %d YAML recipes, want GitHub Actions and GitLab", len(blocks))
	}
	for _, b := range blocks {
		var doc map[string]any
		if err := yaml.Unmarshal([]byte(b[1]), &doc); err != nil {
			t.Errorf("a README YAML recipe does not parse: %v\n%s", err, b[1])
		}
		for _, v := range regexp.MustCompile(`STSIM_[A-Z_]+`).FindAllString(b[1], -1) {
			if !known[v] {
				t.Errorf("a README recipe sets %s, which stsim does not read", v)
			}
		}
		for _, m := range regexp.MustCompile(`stsim ([a-z]+)`).FindAllStringSubmatch(b[1], -1) {
			if !slices.ContainsFunc(commands(), func(c command) bool { return c.name == m[1] }) {
				t.Errorf("a README recipe runs stsim %s, which is not a command", m[1])
			}
		}
	}
}
