// Package prefault has the kernel map the stsim binary's code and
// read-only data into the process on another core while the first one
// runs package initialisation. Importing it (for its init) is all there is
// to it.
//
// Why: a cold start reads most of a ~45 MB binary. Each first touch of a
// page not yet mapped is a page fault (the kernel maps 16 pages around it),
// ~300 of them on the main thread before the first authenticated 200, and
// on the VM stsim's numbers come from a fault costs ~10-20 µs. The second
// core idles through package initialisation, so the faults are taken there
// instead: one madvise(MADV_POPULATE_READ) per mapping (Linux 5.14) maps
// every page of the binary's read-only mappings in ~1.5 ms. The main
// thread's faults in the binary then fall to the ~100 taken before this
// init runs. The gain needs that core idle: on a machine busy with other
// work it was within the noise. See README, Performance, Start-up.
//
// How: it imports only runtime, syscall, unsafe and a package that
// imports nothing, so Go initialises it right after syscall, a few
// milliseconds into package initialisation and ahead of the large library
// inits (GODEBUG=inittrace=1 shows it). init only starts a goroutine, which
// a second P runs at once on another thread; the goroutine reads
// /proc/self/cmdline and /proc/self/maps (on the main thread those reads
// cost ~0.3 ms) and issues the madvise calls.
//
// It does nothing off Linux, with one CPU, with GOMAXPROCS=1, for stsim's
// commands other than the server, and with GODEBUG=stsimprefault=0. With
// one P the goroutine would start only when the main goroutine first
// blocks, and the P would stay with its calls until the runtime's monitor
// took it back: the first authenticated
// 200 came 2-4 ms later in alternating runs, not sooner.
package prefault

// Done is closed when the goroutine init started has returned (at once
// where init did nothing).
var Done = make(chan struct{})

// Refused reports, once Done is closed, whether the kernel refused a
// populate.
var Refused bool

// wanted reports whether the settings allow the prefault: the GODEBUG
// variable's value does not turn it off, and procs (the fewer of the CPUs
// the process may run on and GOMAXPROCS) leave one beside the main thread.
func wanted(godebug string, procs int) bool {
	if procs < 2 {
		return false
	}
	for start := 0; start <= len(godebug); {
		end := start
		for end < len(godebug) && godebug[end] != ',' {
			end++
		}
		if trimSpace(godebug[start:end]) == "stsimprefault=0" {
			return false
		}
		start = end + 1
	}
	return true
}

// trimSpace drops the spaces around s (package strings would delay init).
func trimSpace(s string) string {
	for s != "" && s[0] == ' ' {
		s = s[1:]
	}
	for s != "" && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	return s
}

// span is a range of addresses, [start, end).
type span struct{ start, end uintptr }

// readOnlyMappings returns, from the text of /proc/self/maps, the
// mappings of the file mapped at addr that are not writable, in order. The
// file is told by its device and inode, which stay right if the binary was
// replaced or deleted while it runs.
func readOnlyMappings(maps []byte, addr uintptr) []span {
	var file string // the device and inode mapped at addr
	for rest := maps; len(rest) > 0; {
		var m mapping
		m, rest = nextMapping(rest)
		if m.file != "" && m.start <= addr && addr < m.end {
			file = m.file
			break
		}
	}
	if file == "" {
		return nil
	}
	var out []span
	for rest := maps; len(rest) > 0; {
		var m mapping
		m, rest = nextMapping(rest)
		if m.file == file && !m.writable {
			out = append(out, m.span)
		}
	}
	return out
}

// mapping is one line of /proc/self/maps.
type mapping struct {
	span
	writable bool
	file     string // "device inode", or "" when anonymous or unreadable
}

// nextMapping parses the first line of maps ("start-end perms offset
// device inode [path]") and returns the lines after it. A line it cannot
// read comes back with an empty file.
func nextMapping(maps []byte) (mapping, []byte) {
	line := maps
	rest := []byte(nil)
	for i, c := range maps {
		if c == '\n' {
			line, rest = maps[:i], maps[i+1:]
			break
		}
	}
	var f [5][]byte
	for i := range f {
		for len(line) > 0 && line[0] == ' ' {
			line = line[1:]
		}
		n := 0
		for n < len(line) && line[n] != ' ' {
			n++
		}
		f[i], line = line[:n], line[n:]
	}
	var m mapping
	dash := -1
	for i, c := range f[0] {
		if c == '-' {
			dash = i
			break
		}
	}
	if dash < 0 || len(f[1]) < 2 || len(f[4]) == 0 || string(f[4]) == "0" {
		return m, rest
	}
	start, ok1 := parseHex(f[0][:dash])
	end, ok2 := parseHex(f[0][dash+1:])
	if !ok1 || !ok2 || start >= end {
		return m, rest
	}
	m.span = span{start, end}
	m.writable = f[1][1] == 'w'
	m.file = string(f[3]) + " " + string(f[4])
	return m, rest
}

// parseHex reads a lower-case hexadecimal address.
func parseHex(b []byte) (uintptr, bool) {
	if len(b) == 0 || len(b) > 16 {
		return 0, false
	}
	var v uintptr
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			v = v<<4 | uintptr(c-'0')
		case 'a' <= c && c <= 'f':
			v = v<<4 | uintptr(c-'a'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

// splitArgs splits the text of /proc/self/cmdline (NUL-terminated
// arguments) and drops the program's name.
func splitArgs(cmdline []byte) []string {
	var args []string
	for len(cmdline) > 0 {
		n := 0
		for n < len(cmdline) && cmdline[n] != 0 {
			n++
		}
		args = append(args, string(cmdline[:n]))
		if n < len(cmdline) {
			n++
		}
		cmdline = cmdline[n:]
	}
	if len(args) > 0 {
		args = args[1:]
	}
	return args
}
