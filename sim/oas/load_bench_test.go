package oas

import (
	"io/fs"
	"testing"

	"github.com/stsim/stsim/openapi"
)

// What a process start pays for the documents (Load(nil) reads each part
// once per process, so these benchmarks make a new Spec each time):
//
//	go test -run '^$' -bench 'Load|FirstMatch' ./sim/oas/

// BenchmarkLoad measures making every document's operations known: by
// parsing every document whole (what -openapi DIR does) and from the
// compiled form (the embedded documents).
func BenchmarkLoad(b *testing.B) {
	b.Run("whole", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := newSpec(openapi.FS, nil).Wait(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("compiled", func(b *testing.B) {
		b.ReportAllocs()
		compiled := compiledFS(b)
		for b.Loop() {
			if err := newSpec(openapi.FS, compiled).Wait(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFirstMatch measures what a fresh process's first CRM request
// waits for before it can be validated: its document's operations and
// its own operation's fragment.
func BenchmarkFirstMatch(b *testing.B) {
	b.ReportAllocs()
	compiled := compiledFS(b)
	for b.Loop() {
		if _, _, outcome := newSpec(openapi.FS, compiled).Match("GET", "/crm/v2/tenant/1/customers/6"); outcome != Matched {
			b.Fatalf("outcome %v", outcome)
		}
	}
}

func compiledFS(b *testing.B) fs.FS {
	compiled, err := fs.Sub(openapi.Compiled, "compiled")
	if err != nil {
		b.Fatal(err)
	}
	return compiled
}

// BenchmarkFirstEnum measures a fresh process's first enumeration lookup
// (the settings handlers' first use of one), read from the compiled index.
func BenchmarkFirstEnum(b *testing.B) {
	b.ReportAllocs()
	compiled := compiledFS(b)
	for b.Loop() {
		if _, err := newSpec(openapi.FS, compiled).Enum("settings", "TenantSettings.V2.AccountCreationMethod"); err != nil {
			b.Fatal(err)
		}
	}
}
