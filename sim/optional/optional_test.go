package optional

import "testing"

func TestFirst(t *testing.T) {
	a, b := 1, 2
	if got := First(nil, &a, &b); got != &a {
		t.Errorf("First(nil, &a, &b) = %v, want &a", got)
	}
	if got := First[int](nil, nil); got != nil {
		t.Errorf("First(nil, nil) = %v, want nil", got)
	}
	if got := First[int](); got != nil {
		t.Errorf("First() = %v, want nil", got)
	}
}
