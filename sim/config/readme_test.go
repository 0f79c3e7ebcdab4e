package config

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEDocumentsEveryOption keeps the README's configuration table in
// step with Options.
func TestREADMEDocumentsEveryOption(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	for _, o := range Options() {
		row := "| `-" + o.Flag + "` | `" + o.Env + "` |"
		if !strings.Contains(readme, row) {
			t.Errorf("README.md has no table row starting %s", row)
		}
	}
}
