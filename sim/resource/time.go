package resource

import (
	"fmt"
	"time"

	"github.com/go-json-experiment/json/jsontext"
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
	return t.appendWire(make([]byte, 0, len(wireLayout)+2)), nil
}

// AppendJSON appends the .NET form as MarshalJSON writes it.
func (t Time) AppendJSON(b []byte) []byte { return t.appendWire(b) }

// MarshalJSONTo writes the .NET form for go-json-experiment, which stores
// records: straight into the encoder, without MarshalJSON's allocation.
func (t Time) MarshalJSONTo(enc *jsontext.Encoder) error {
	var buf [len(wireLayout) + 2]byte
	return enc.WriteValue(t.appendWire(buf[:0]))
}

// appendWire appends the quoted .NET form. Digits are written by hand
// (time.AppendFormat interprets its layout on every call, and every
// stored record carries two or more stamps); years outside 0–9999, which
// the layout would not write in four digits, go through AppendFormat.
func (t Time) appendWire(b []byte) []byte {
	u := t.UTC()
	year, month, day := u.Date()
	if year < 0 || year > 9999 {
		b = append(b, '"')
		return append(u.AppendFormat(b, wireLayout), '"')
	}
	hour, minute, second := u.Clock()
	ticks := u.Nanosecond() / 100
	b = append(b, '"')
	b = appendDigits(b, year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	b = appendDigits(b, day, 2)
	b = append(b, 'T')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, minute, 2)
	b = append(b, ':')
	b = appendDigits(b, second, 2)
	b = append(b, '.')
	b = appendDigits(b, ticks, 7)
	return append(b, 'Z', '"')
}

// appendDigits appends n (≥ 0) in exactly width decimal digits.
func appendDigits(b []byte, n, width int) []byte {
	b = append(b, make([]byte, width)...)
	for i := len(b) - 1; i >= len(b)-width; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return b
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

// IsZero reports whether t is the zero instant. It has a pointer receiver
// on purpose: go-json-experiment omits zero members by calling IsZero, and
// through time.Time's value method it boxed a copy of every stamp it
// checked (one allocation per stamp, two or more per stored record); with
// a pointer it passes the field's address.
func (t *Time) IsZero() bool { return t.Time.IsZero() }
