package resource

import (
	"fmt"
	"time"
)

// Time is a UTC instant that travels as ServiceTitan writes date-times: .NET
// style, seven fractional digits, "Z" (contract §6, e.g.
// "2021-07-19T20:35:38.2876004Z"). Stamps are cut to .NET's 100 ns tick so
// they survive a round trip through a client unchanged.
type Time struct{ time.Time }

const wireLayout = "2006-01-02T15:04:05.0000000Z"

// Stamp returns t in UTC, truncated to 100 ns.
func Stamp(t time.Time) Time { return Time{t.UTC().Truncate(100 * time.Nanosecond)} }

// MarshalJSON writes the .NET form (one allocation: lists write two per record).
func (t Time) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, len(wireLayout)+2)
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, wireLayout)
	return append(b, '"'), nil
}

// UnmarshalJSON reads RFC 3339 with any number of fractional digits.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = Time{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("resource: date-time must be a string, got %s", b)
	}
	parsed, err := time.Parse(time.RFC3339Nano, string(b[1:len(b)-1]))
	if err != nil {
		return err
	}
	*t = Stamp(parsed)
	return nil
}

// Ptr returns a pointer to t, or nil for the zero time (nullable fields).
func (t Time) Ptr() *Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
