package cmdline

import "testing"

// TestServing: the server's command lines are serving, the other commands
// are not.
func TestServing(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{nil, true},
		{[]string{"-addr", ":9000"}, true},
		{[]string{"serve", "-data", "x.db"}, true},
		{[]string{""}, false},
		{[]string{"health"}, false},
		{[]string{"version"}, false},
		{[]string{"ops", "-all"}, false},
	} {
		if got := Serving(tc.args); got != tc.want {
			t.Errorf("Serving(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}
