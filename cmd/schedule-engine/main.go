// Command schedule-engine is the reference Schedule Engine client on the
// command line: onboarding checks, availability, booking, rescheduling,
// cancelling and status sync against ServiceTitan's V2 API or a stsim.
//
//	schedule-engine connect
//	schedule-engine availability -date 2026-12-08
//	schedule-engine book -name "Ada Byron" -phone 312-555-0100 -street "1 Main St" -city Chicago -state IL -zip 60601
//	schedule-engine demo
//
// Every flag has an environment twin (SE_AUTH_URL, …); a flag beats its
// variable, which beats the default (a local stsim with its demo credentials).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// commands are the subcommands, each parsing its own flags.
var commands = map[string]func(ctx context.Context, a *app) error{
	"connect":      cmdConnect,
	"availability": cmdAvailability,
	"book":         cmdBook,
	"follow":       cmdFollow,
	"reschedule":   cmdReschedule,
	"cancel":       cmdCancel,
	"sync":         cmdSync,
	"demo":         cmdDemo,
}

const usage = `usage: schedule-engine <command> [flags]

commands:
  connect       check the onboarding steps: token, tenant, scopes, one call, booking provider
  availability  list bookable arrival windows
  book          book a job (or, with -inbox, a booking in the Bookings inbox)
  follow        follow an inbox booking until the office converts (its job) or dismisses it
  reschedule    move an appointment to another window
  cancel        cancel a job with a reason
  sync          follow job and appointment changes through the export feeds
  demo          run the whole flow against a stsim with the demo credentials

run "schedule-engine <command> -h" for the command's flags.
`

// run is main without the process: testable.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "schedule-engine: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	a := newApp(args[0], stdout, stderr, getenv)
	err := cmd(ctx, a.withArgs(args[1:]))
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errReported):
		return 1
	}
	fmt.Fprintln(stderr, "schedule-engine "+args[0]+": "+err.Error())
	return 1
}
