// Command specgen derives stsim's module OpenAPI documents from ServiceTitan's
// own OpenAPI documents.
//
// It keeps every fact (paths, operations, parameters, bodies, responses,
// schemas, security), drops the prose (descriptions, summaries, examples,
// vendor extensions), points servers at the module's relative base path and
// applies the deviations listed in package specfacts. It makes one document
// per entry of sim.Modules, recording the module's scope abbreviation in it.
//
// Usage, from the repository root:
//
//	go run ./cmd/specgen [-ref DIR] [-out DIR]
//
// After the documents it writes their compiled form, which stsim reads at
// run time (sim/oas.Compile), to the folder compiled/ under -out. With
// -compile it writes only that, from the documents already in -out (what
// `go generate ./openapi` runs after a hand edit of token.yaml or sim.yaml).
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/stsim/stsim/openapi"
	"github.com/stsim/stsim/openapi/specfacts"
	"github.com/stsim/stsim/sim"
	"github.com/stsim/stsim/sim/oas"
)

func main() {
	root := repoRoot()
	ref := flag.String("ref", filepath.Join(root, "..", "shared", "reference", "servicetitan-openapi"), "folder holding ServiceTitan's OpenAPI documents")
	out := flag.String("out", filepath.Join(root, "openapi"), "folder to write the module documents to")
	compileOnly := flag.Bool("compile", false, "only write the compiled form of the documents in -out")
	flag.Parse()
	if *compileOnly {
		if err := writeCompiled(*out); err != nil {
			fmt.Fprintf(os.Stderr, "specgen: %v\n", err)
			os.Exit(1)
		}
		return
	}

	// Generate and compile everything before writing anything, so a
	// failure leaves the committed documents and their compiled form alone.
	results := make([]*result, len(sim.Modules))
	for i, m := range sim.Modules {
		res, err := generate(m.Module, *ref)
		if err != nil {
			fmt.Fprintf(os.Stderr, "specgen: %s: %v\n", m.Name, err)
			os.Exit(1)
		}
		results[i] = res
	}
	docs, err := readDocuments(*out)
	if err != nil {
		fmt.Fprintf(os.Stderr, "specgen: %v\n", err)
		os.Exit(1)
	}
	for i, m := range sim.Modules {
		docs[m.File()] = &fstest.MapFile{Data: results[i].data}
	}
	compiled, err := oas.Compile(docs)
	if err != nil {
		fmt.Fprintf(os.Stderr, "specgen: %v\n", err)
		os.Exit(1)
	}

	total := 0
	fmt.Printf("%-10s %5s %8s  %s\n", "module", "ops", "bytes", "reference")
	for i, m := range sim.Modules {
		src, res := m.Module, results[i]
		if err := os.WriteFile(filepath.Join(*out, src.File()), res.data, 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "specgen: %v\n", err)
			os.Exit(1)
		}
		total += res.ops
		fmt.Printf("%-10s %5d %8d  %s sha256:%s\n", src.Name, res.ops, len(res.data), src.Reference, res.sum)
		if len(res.stats.extensions) > 0 {
			fmt.Printf("%-10s dropped extensions: %s\n", "", strings.Join(res.stats.extensions, ", "))
		}
	}
	fmt.Printf("%-10s %5d\n", "total", total)
	if err := replaceCompiled(*out, compiled); err != nil {
		fmt.Fprintf(os.Stderr, "specgen: %v\n", err)
		os.Exit(1)
	}
}

// readDocuments reads the documents (*.yaml) in dir into memory.
func readDocuments(dir string) (fstest.MapFS, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	docs := fstest.MapFS{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		docs[filepath.Base(f)] = &fstest.MapFile{Data: data}
	}
	return docs, nil
}

// writeCompiled replaces dir/compiled with the compiled form of the
// documents in dir.
func writeCompiled(dir string) error {
	files, err := oas.Compile(os.DirFS(dir))
	if err != nil {
		return err
	}
	return replaceCompiled(dir, files)
}

// replaceCompiled replaces dir/compiled with files (name to contents).
func replaceCompiled(dir string, files map[string][]byte) error {
	target := filepath.Join(dir, "compiled")
	old, err := filepath.Glob(filepath.Join(target, "*"))
	if err != nil {
		return err
	}
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(target, 0o755); err != nil {
		return err
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(target, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// result is one generated document and what was learnt making it.
type result struct {
	data  []byte
	ops   int
	sum   string // sha256 of the reference document, hex
	stats stats
}

// generate transforms one reference document and checks the outcome with
// kin-openapi before returning it.
func generate(src openapi.Module, refDir string) (*result, error) {
	raw, err := os.ReadFile(filepath.Join(refDir, src.Reference))
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(raw)
	sum := hex.EncodeToString(h[:])

	doc, err := parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src.Reference, err)
	}
	var st stats
	strip(doc, &st)
	sort.Strings(st.extensions)
	setInfo(doc, src, sum)
	setServers(doc, src.Base())
	setScope(doc, src.Scope)
	describeResponses(doc)
	for _, d := range specfacts.For(src.Name) {
		if err := apply(doc, d); err != nil {
			return nil, fmt.Errorf("deviation %s %q: %w", d.Target, d.Name, err)
		}
	}
	data, err := encode(doc)
	if err != nil {
		return nil, err
	}
	ops, err := check(data)
	if err != nil {
		return nil, fmt.Errorf("generated document is not valid: %w", err)
	}
	return &result{data: data, ops: ops, sum: sum, stats: st}, nil
}

// check loads a generated document with kin-openapi, validates it with the
// default options and counts its operations.
func check(data []byte) (int, error) {
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return 0, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return 0, err
	}
	n := 0
	for _, item := range doc.Paths.Map() {
		n += len(item.Operations())
	}
	return n, nil
}

// repoRoot returns the nearest directory at or above the working directory
// that holds a go.mod, or the working directory when there is none.
func repoRoot() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		} else if !errors.Is(err, os.ErrNotExist) || filepath.Dir(dir) == dir {
			return wd
		}
	}
}

// encode writes doc as block-style YAML with two-space indentation and no
// line wrapping.
func encode(doc *node) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("# Generated by cmd/specgen from ServiceTitan's OpenAPI document. DO NOT EDIT.\n")
	if err := dump(&buf, doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
