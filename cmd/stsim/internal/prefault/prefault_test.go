package prefault

import (
	"slices"
	"testing"
)

// TestWanted: GODEBUG=stsimprefault=0 turns the prefault off, and so does
// a single CPU; other settings leave it on.
func TestWanted(t *testing.T) {
	for _, tc := range []struct {
		godebug string
		cpus    int
		want    bool
	}{
		{"", 2, true},
		{"", 1, false},
		{"", 0, false},
		{"gctrace=1", 4, true},
		{"stsimprefault=0", 2, false},
		{"gctrace=1, stsimprefault=0 ,madvdontneed=1", 2, false},
		{"stsimprefault=1", 2, true},
		{"stsimprefault=00", 2, true},
		{"xstsimprefault=0", 2, true},
	} {
		if got := wanted(tc.godebug, tc.cpus); got != tc.want {
			t.Errorf("wanted(%q, %d) = %v, want %v", tc.godebug, tc.cpus, got, tc.want)
		}
	}
}

// TestReadOnlyMappings: the file mapped at the address is told by device
// and inode, and only its mappings that are not writable are kept.
func TestReadOnlyMappings(t *testing.T) {
	const maps = `00400000-0125c000 r-xp 00000000 fe:00 10315020                           /tmp/stsim
0125c000-02342000 r--p 00e5c000 fe:00 10315020                           /tmp/stsim
02342000-023d3000 rw-p 01f42000 fe:00 10315020                           /tmp/stsim
023d3000-04424000 rw-p 00000000 00:00 0 
0aac1000-0aae2000 rw-p 00000000 00:00 0                                  [heap]
7f7c9657f000-7f7c965a5000 r--p 00000000 fe:00 326269                     /usr/lib/x86_64-linux-gnu/libc.so.6
7f7c965a5000-7f7c966fb000 r-xp 00026000 fe:00 326269                     /usr/lib/x86_64-linux-gnu/libc.so.6
7f7c96800000-7f7c96900000 r--p 00000000 fe:01 10315020                   /mnt/other-device-same-inode
7f7c96771000-7f7c96773000 r-xp 00000000 00:00 0                          [vdso]
55d0e0a00000-55d0e0a01000 r--p 00000000 fe:00 10315020                   /tmp/stsim (deleted)
ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]`
	binary := []span{{0x400000, 0x125c000}, {0x125c000, 0x2342000}, {0x55d0e0a00000, 0x55d0e0a01000}}
	for _, tc := range []struct {
		name string
		addr uintptr
		want []span
	}{
		{"text", 0x401000, binary},
		{"read-only data, last byte", 0x2341fff, binary},
		{"writable data", 0x2342000, binary},
		{"libc", 0x7f7c965a5000, []span{{0x7f7c9657f000, 0x7f7c965a5000}, {0x7f7c965a5000, 0x7f7c966fb000}}},
		{"anonymous", 0x23d3000, nil},
		{"vdso", 0x7f7c96771000, nil},
		{"unmapped", 0x1000, nil},
		{"end of a mapping", 0x4424000, nil},
	} {
		if got := readOnlyMappings([]byte(maps), tc.addr); !slices.Equal(got, tc.want) {
			t.Errorf("%s (%#x): got %x, want %x", tc.name, tc.addr, got, tc.want)
		}
	}
	for _, bad := range []string{"", "\n\n", "garbage", "0125c000 r--p 0 fe:00 1 /x", "2000-1000 r--p 0 fe:00 1 /x", "1000-2000 r 0 fe:00 1 /x", "1000-200g r--p 0 fe:00 1 /x", "1000-2000 r--p 0 fe:00"} {
		if got := readOnlyMappings([]byte(bad), 0x1800); got != nil {
			t.Errorf("readOnlyMappings(%q) = %x, want none", bad, got)
		}
	}
}

// TestSplitArgs: /proc/self/cmdline's NUL-terminated arguments, without
// the program's name.
func TestSplitArgs(t *testing.T) {
	for _, tc := range []struct {
		cmdline string
		want    []string
	}{
		{"", nil},
		{"/bin/stsim\x00", []string{}},
		{"/bin/stsim\x00serve\x00-addr\x00:9000\x00", []string{"serve", "-addr", ":9000"}},
		{"stsim\x00\x00health\x00", []string{"", "health"}},
		{"stsim\x00version", []string{"version"}},
	} {
		if got := splitArgs([]byte(tc.cmdline)); !slices.Equal(got, tc.want) {
			t.Errorf("splitArgs(%q) = %q, want %q", tc.cmdline, got, tc.want)
		}
	}
}
