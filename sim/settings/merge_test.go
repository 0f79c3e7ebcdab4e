package settings

import (
	"reflect"
	"testing"
)

// TestMergeCustomFields: an update replaces every value of its type (a
// record may hold two), a new type is appended, and current is left as it
// was.
func TestMergeCustomFields(t *testing.T) {
	s := func(v string) *string { return &v }
	current := []CustomField{{TypeID: 1, Value: s("a")}, {TypeID: 2, Value: s("b")}, {TypeID: 1, Value: s("c")}}
	got := MergeCustomFields(current, []CustomField{{TypeID: 1, Value: s("x")}, {TypeID: 3, Value: s("y")}})
	want := []CustomField{{TypeID: 1, Value: s("x")}, {TypeID: 2, Value: s("b")}, {TypeID: 1, Value: s("x")}, {TypeID: 3, Value: s("y")}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merged %+v, want %+v", got, want)
	}
	if *current[0].Value != "a" || *current[2].Value != "c" || len(current) != 3 {
		t.Errorf("current changed: %+v", current)
	}
}
