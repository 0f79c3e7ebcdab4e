// Package scenarios embeds stsim's shipped scenario files and the JSON
// Schema they follow. README.md documents each scenario.
package scenarios

import "embed"

// FS holds schema.json and every *.yaml scenario.
//
//go:embed schema.json *.yaml
var FS embed.FS
