// Package cmdline says what an stsim command line runs, for the packages
// that act at start-up before main parses it (startheap, prefault). It
// imports nothing, so that importing it does not delay their init.
package cmdline

// Serving reports whether args (the command line after the program's
// name) run the server, stsim's default command. The other commands (a
// container's health check every few seconds, version, ops, help) end
// too soon to gain from start-up work.
func Serving(args []string) bool {
	return len(args) == 0 || args[0] == "serve" || args[0] != "" && args[0][0] == '-'
}
