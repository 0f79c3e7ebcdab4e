package api

import (
	"strconv"
	"testing"
)

// TestContentLengthValues: the shared Content-Length values name their
// length, the first time and from the table after, past the table too.
func TestContentLengthValues(t *testing.T) {
	for _, n := range []int{1, 2, 513, 4095, 4096, 70000} {
		for range 2 {
			v := contentLength(n)
			if len(v) != 1 || v[0] != strconv.Itoa(n) {
				t.Fatalf("contentLength(%d) = %q", n, v)
			}
		}
	}
}
