// Command stsim runs the ServiceTitan V2 API simulator.
//
//	stsim [flags]        serve (flags and STSIM_* variables: stsim -h)
//	stsim ops [-all]     list the emulated operations, module by module
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	_ "github.com/stsim/stsim/cmd/stsim/internal/prefault"  // the binary mapped on a second core during init (its doc says why)
	_ "github.com/stsim/stsim/cmd/stsim/internal/startheap" // huge pages for start-up's heap (its doc says why)
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}
