// Package scenario scripts failures: a scenario is a data file of ordered
// rules, each a match (operation, path, method, tenant, app, Nth call,
// elapsed time, probability) and an effect (credential faults, error
// statuses, commits followed by a 500, latency, broken connections,
// throttling, stolen capacity). Effects intercept requests instead of
// changing stored state, so deactivating a scenario restores normal service
// at once and scenarios on two tenants never touch each other.
package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"github.com/stsim/stsim/scenarios"
	"go.yaml.in/yaml/v4"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// File is one scenario.
type File struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Seed        int64  `json:"seed"`
	Rules       []Rule `json:"rules"`
}

// Rule is a match and the effect it triggers.
type Rule struct {
	Match  Match  `json:"match"`
	Effect Effect `json:"effect"`
}

// Match selects requests; zero fields match everything.
type Match struct {
	Operation   string  `json:"operation"`
	Path        string  `json:"path"`
	Method      string  `json:"method"`
	Write       bool    `json:"write"`
	Tenant      int64   `json:"tenant"`
	App         string  `json:"app"`
	Nth         int     `json:"nth"`
	Every       int     `json:"every"`
	After       string  `json:"after"`
	Probability float64 `json:"probability"`

	after time.Duration
}

// Effect is what happens to a matched request (see schema.json).
type Effect struct {
	ExpireSecret      bool   `json:"expireSecret,omitempty"`
	RevokeSecret      bool   `json:"revokeSecret,omitempty"`
	DisableConnection bool   `json:"disableConnection,omitempty"`
	ExpireTokens      bool   `json:"expireTokens,omitempty"`
	DropScope         string `json:"dropScope,omitempty"`
	RateLimit         int    `json:"rateLimit,omitempty"`
	Status            int    `json:"status,omitempty"`
	Title             string `json:"title,omitempty"`
	RetryAfter        int    `json:"retryAfter,omitempty"`
	AfterCommit       bool   `json:"afterCommit,omitempty"`
	Latency           string `json:"latency,omitempty"`
	Reset             bool   `json:"reset,omitempty"`
	SlowBody          string `json:"slowBody,omitempty"`
	TruncateBody      bool   `json:"truncateBody,omitempty"`
	TakeSlot          bool   `json:"takeSlot,omitempty"`
	// ConvertBookings: the tenant's office converts every booking that
	// has waited New this long (simulator time) before the request runs.
	ConvertBookings string `json:"convertBookings,omitempty"`

	latency, slowBody, convertBookings time.Duration
}

// Summary names the effect for the journal.
func (e *Effect) Summary() string {
	data, _ := json.Marshal(e)
	return string(data)
}

// schema is schema.json compiled, when first needed (not at start-up).
var schema = sync.OnceValue(mustCompileSchema)

func mustCompileSchema() *jsonschema.Schema {
	data, err := fs.ReadFile(scenarios.FS, schemaFile)
	if err != nil {
		panic(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		panic(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(schemaFile, doc); err != nil {
		panic(err)
	}
	s, err := c.Compile(schemaFile)
	if err != nil {
		panic(err)
	}
	return s
}

// Parse reads one scenario file (YAML or JSON), validates it against
// schema.json and names the offending line in any error.
func Parse(name string, data []byte) (*File, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("scenario %s: %w", name, err)
	}
	var doc any
	if err := root.Decode(&doc); err != nil {
		return nil, fmt.Errorf("scenario %s: %w", name, err)
	}
	doc = jsonTypes(doc)
	if err := schema().Validate(doc); err != nil {
		return nil, fmt.Errorf("scenario %s: %s", name, describe(err, &root))
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", name, err)
	}
	var f File
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("scenario %s: %w", name, err)
	}
	for i := range f.Rules {
		r := &f.Rules[i]
		r.Match.after, _ = time.ParseDuration(r.Match.After)
		r.Effect.latency, _ = time.ParseDuration(r.Effect.Latency)
		r.Effect.slowBody, _ = time.ParseDuration(r.Effect.SlowBody)
		r.Effect.convertBookings, _ = time.ParseDuration(r.Effect.ConvertBookings)
	}
	return &f, nil
}

// jsonTypes turns YAML's decoded maps into JSON-shaped values.
func jsonTypes(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = jsonTypes(e)
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = jsonTypes(e)
		}
		return t
	case int:
		return json.Number(fmt.Sprint(t))
	case float64:
		return json.Number(fmt.Sprint(t))
	}
	return v
}

var english = message.NewPrinter(language.English)

// describe turns a schema error into "line N: <pointer>: <reason>" lines.
func describe(err error, root *yaml.Node) string {
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return err.Error()
	}
	var lines []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			loc := e.InstanceLocation
			if extra, ok := e.ErrorKind.(*kind.AdditionalProperties); ok && len(extra.Properties) > 0 {
				loc = append(slices.Clone(loc), extra.Properties[0]) // point at the unknown key itself
			}
			ptr := "/" + strings.Join(loc, "/")
			lines = append(lines, fmt.Sprintf("line %d: %s: %s", lineOf(root, loc), ptr, e.ErrorKind.LocalizedString(english)))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	sort.Strings(lines)
	return strings.Join(lines, "; ")
}

// lineOf finds the YAML line of a JSON pointer into the document.
func lineOf(root *yaml.Node, loc []string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, seg := range loc {
		switch n.Kind {
		case yaml.MappingNode:
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == seg {
					line, n, found = n.Content[i].Line, n.Content[i+1], true
					break
				}
			}
			if !found {
				return line
			}
		case yaml.SequenceNode:
			var idx int
			if _, err := fmt.Sscan(seg, &idx); err != nil || idx >= len(n.Content) {
				return line
			}
			n = n.Content[idx]
			line = n.Line
		default:
			return line
		}
	}
	return line
}

// schemaFile is the scenario schema, which sits beside the shipped
// scenarios and is not one.
const schemaFile = "schema.json"

// shipped holds the embedded scenarios, parsed once per process when first
// needed.
var shipped = sync.OnceValues(func() (map[string]*File, error) { return LoadAll(nil) })

// Shipped returns the embedded scenarios (a new map each call; the files
// are shared and read-only).
func Shipped() (map[string]*File, error) {
	files, err := shipped()
	return maps.Clone(files), err
}

// LoadAll reads every *.yaml, *.yml and *.json scenario of fsys (the
// embedded ones when nil), but schema.json. The file name must equal the
// scenario's name.
func LoadAll(fsys fs.FS) (map[string]*File, error) {
	if fsys == nil {
		fsys = scenarios.FS
	}
	out := map[string]*File{}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		ext := path.Ext(e.Name())
		if e.IsDir() || e.Name() == schemaFile || (ext != ".yaml" && ext != ".yml" && ext != ".json") {
			continue
		}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		f, err := Parse(e.Name(), data)
		if err != nil {
			return nil, err
		}
		if want := strings.TrimSuffix(e.Name(), ext); f.Name != want {
			return nil, fmt.Errorf("scenario %s: name %q must match the file name %q", e.Name(), f.Name, want)
		}
		out[f.Name] = f
	}
	return out, nil
}

// OfficeConverts says whether the office converts waiting bookings, and
// how long a booking waits New before it does.
func (e *Effect) OfficeConverts() (wait time.Duration, on bool) {
	return e.convertBookings, e.ConvertBookings != ""
}

// Delay is the effect's latency.
func (e *Effect) Delay() time.Duration { return e.latency }

// Trickle is how long the effect spreads the body over.
func (e *Effect) Trickle() time.Duration { return e.slowBody }
