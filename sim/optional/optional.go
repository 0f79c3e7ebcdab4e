// Package optional holds the helpers every module needs for the documents'
// nullable fields: a pointer to a value, the value behind a pointer that
// may be nil, and a slice that encodes as [] rather than null.
package optional

// Ptr returns a pointer to a copy of v.
func Ptr[T any](v T) *T { return &v }

// Value returns *p, or T's zero value when p is nil.
func Value[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// NonNil returns s, or an empty slice when s is nil, so that JSON carries
// [] where the documents want an array.
func NonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// First returns the first of ptrs that is not nil, or nil.
func First[T any](ptrs ...*T) *T {
	for _, p := range ptrs {
		if p != nil {
			return p
		}
	}
	return nil
}
