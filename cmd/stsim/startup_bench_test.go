package main

import (
	"testing"

	"github.com/stsim/stsim/sim"
)

// BenchmarkStartToReady measures what the README's start-up claim rests on:
// New (the token endpoint can answer from here) and then Ready (every
// OpenAPI document loaded, the demo tenant seeded: /_sim/health is 200).
func BenchmarkStartToReady(b *testing.B) {
	for b.Loop() {
		s, err := sim.New(sim.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Ready(); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// BenchmarkStartToServing measures New alone: how long until requests are
// accepted (those for a module wait only for its own document).
func BenchmarkStartToServing(b *testing.B) {
	for b.Loop() {
		s, err := sim.New(sim.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = s.Ready()
		s.Close()
		b.StartTimer()
	}
}
