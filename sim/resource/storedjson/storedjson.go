// Package storedjson writes records' stored form by hand (see
// resource.StoredAppender): the JSON resource.MarshalStored writes, byte
// for byte, for the record kinds a tenant's seed writes most. A Writer
// leaves out members whose value is the zero value of their type, as the
// stored form does, and gives up (Fail; End then reports false) on any
// value it does not write exactly as the general encoder would, so that
// the record goes through that encoder instead.
//
// An appender lists its record's members in the order of the struct's
// fields, under their JSON names; its tests hold it to MarshalStored on
// records with every field set (so a field added later and not written
// fails them) and on fuzzed values.
package storedjson

import (
	"strconv"
	"unicode/utf8"

	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/resource"
)

// stampLen is the length of a written resource.Time (years 0–9999).
const stampLen = len(`"2006-01-02T15:04:05.0000000Z"`)

// Writer appends one record's stored form.
type Writer struct {
	b []byte
	// open is set right after an object or array opens: its first
	// member or element takes no comma.
	open   bool
	failed bool
}

// Begin starts the record's object in b with the members of its Meta,
// which every record embeds first.
func Begin(b []byte, m *resource.Meta) Writer {
	w := Writer{b: append(b, '{'), open: true}
	w.Int("id", m.ID)
	w.Time("createdOn", m.CreatedOn)
	if !m.CreatedOn.IsZero() && m.ModifiedOn.Equal(m.CreatedOn.Time) && !w.failed {
		// A record as created (most of what a seed writes): createdOn's
		// bytes again.
		n := len(w.b)
		w.member("modifiedOn")
		w.b = append(w.b, w.b[n-stampLen:n]...)
	} else {
		w.Time("modifiedOn", m.ModifiedOn)
	}
	w.Bool("active", m.Active)
	w.Bool("deleted", m.Deleted)
	w.Uint("seq", m.Seq)
	return w
}

// End closes the record's object and returns the bytes, or false if any
// value was left to the general encoder.
func (w *Writer) End() ([]byte, bool) {
	w.Close('}')
	return w.b, !w.failed
}

// Fail leaves the whole record to the general encoder.
func (w *Writer) Fail() { w.failed = true }

// sep writes the comma before a member or element, unless it is the first.
func (w *Writer) sep() {
	if !w.open {
		w.b = append(w.b, ',')
	}
	w.open = false
}

// member writes a member's name and its colon. Names are struct tags'
// JSON names, which need no escaping.
func (w *Writer) member(name string) {
	w.sep()
	w.b = append(w.b, '"')
	w.b = append(w.b, name...)
	w.b = append(w.b, '"', ':')
}

// Object opens an object member (the caller leaves out a zero struct).
func (w *Writer) Object(name string) {
	w.member(name)
	w.b = append(w.b, '{')
	w.open = true
}

// Array opens an array member (the caller leaves out a nil slice).
func (w *Writer) Array(name string) {
	w.member(name)
	w.b = append(w.b, '[')
	w.open = true
}

// MapArray opens an array member under a map's key (escaped as any
// string).
func (w *Writer) MapArray(key string) {
	w.sep()
	w.str(key)
	w.b = append(w.b, ':', '[')
	w.open = true
}

// Element opens an object element of the array being written.
func (w *Writer) Element() {
	w.sep()
	w.b = append(w.b, '{')
	w.open = true
}

// Close ends the object ('}') or array (']') opened last.
func (w *Writer) Close(bracket byte) {
	w.b = append(w.b, bracket)
	w.open = false
}

// Int writes a non-zero integer member.
func (w *Writer) Int(name string, v int64) {
	if v != 0 {
		w.member(name)
		w.b = strconv.AppendInt(w.b, v, 10)
	}
}

// Int32Ptr writes a non-nil 32-bit integer pointer's value.
func (w *Writer) Int32Ptr(name string, v *int32) {
	if v != nil {
		w.member(name)
		w.b = strconv.AppendInt(w.b, int64(*v), 10)
	}
}

// Uint writes a non-zero unsigned integer member.
func (w *Writer) Uint(name string, v uint64) {
	if v != 0 {
		w.member(name)
		w.b = strconv.AppendUint(w.b, v, 10)
	}
}

// IntPtr writes a non-nil integer pointer's value.
func (w *Writer) IntPtr(name string, v *int64) {
	if v != nil {
		w.member(name)
		w.b = strconv.AppendInt(w.b, *v, 10)
	}
}

// Bool writes a true member.
func (w *Writer) Bool(name string, v bool) {
	if v {
		w.member(name)
		w.b = append(w.b, "true"...)
	}
}

// BoolPtr writes a non-nil bool pointer's value (false too).
func (w *Writer) BoolPtr(name string, v *bool) {
	if v != nil {
		w.member(name)
		w.b = strconv.AppendBool(w.b, *v)
	}
}

// String writes a non-empty string member.
func (w *Writer) String(name, v string) {
	if v != "" {
		w.member(name)
		w.str(v)
	}
}

// StringPtr writes a non-nil string pointer's value (empty or not).
func (w *Writer) StringPtr(name string, v *string) {
	if v != nil {
		w.member(name)
		w.str(*v)
	}
}

// Float writes a non-zero float member (-0 is zero too).
func (w *Writer) Float(name string, v float64) {
	if v != 0 {
		w.float(name, v)
	}
}

// FloatPtr writes a non-nil float pointer's value.
func (w *Writer) FloatPtr(name string, v *float64) {
	if v != nil {
		w.float(name, *v)
	}
}

func (w *Writer) float(name string, v float64) {
	if !api.Finite(v) { // the general encoder refuses it, with its own error
		w.Fail()
		return
	}
	w.member(name)
	w.b = api.AppendFloat(w.b, v)
}

// Time writes a non-zero stamp. Years outside 0–9999 are left to the
// general encoder.
func (w *Writer) Time(name string, t resource.Time) {
	if t.IsZero() {
		return
	}
	if y := t.UTC().Year(); y < 0 || y > 9999 {
		w.Fail()
		return
	}
	w.member(name)
	w.b = t.AppendJSON(w.b)
}

// TimePtr writes a non-nil stamp unless it is zero (the general encoder
// asks the pointer's IsZero too).
func (w *Writer) TimePtr(name string, t *resource.Time) {
	if t != nil {
		w.Time(name, *t)
	}
}

// Ints writes a non-nil integer slice.
func (w *Writer) Ints(name string, v []int64) {
	if v == nil {
		return
	}
	w.Array(name)
	for _, n := range v {
		w.sep()
		w.b = strconv.AppendInt(w.b, n, 10)
	}
	w.Close(']')
}

// Strings writes a non-nil string slice.
func (w *Writer) Strings(name string, v []string) {
	if v == nil {
		return
	}
	w.Array(name)
	for _, s := range v {
		w.sep()
		w.str(s)
	}
	w.Close(']')
}

// str writes a quoted string as the general encoder does: '"' and '\\'
// escaped by a backslash, control characters in their short form or as
// \u00XX, '<', '>', '&', U+2028 and U+2029 as \u escapes, each byte of
// invalid UTF-8 as U+FFFD, and other UTF-8 as it is.
func (w *Writer) str(s string) {
	const hex = "0123456789abcdef"
	w.b = append(w.b, '"')
	start := 0 // s[start:i] is yet to be copied
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			var esc string
			switch {
			case r == utf8.RuneError && size == 1:
				esc = "\ufffd" // the character itself
			case r == '\u2028':
				esc = `\u2028`
			case r == '\u2029':
				esc = `\u2029`
			}
			if esc != "" {
				w.b = append(append(w.b, s[start:i]...), esc...)
				start = i + size
			}
			i += size
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
			i++
			continue
		}
		w.b = append(w.b, s[start:i]...)
		switch c {
		case '"', '\\':
			w.b = append(w.b, '\\', c)
		case '\b':
			w.b = append(w.b, '\\', 'b')
		case '\f':
			w.b = append(w.b, '\\', 'f')
		case '\n':
			w.b = append(w.b, '\\', 'n')
		case '\r':
			w.b = append(w.b, '\\', 'r')
		case '\t':
			w.b = append(w.b, '\\', 't')
		default: // other control characters, '<', '>', '&'
			w.b = append(w.b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		i++
		start = i
	}
	w.b = append(w.b, s[start:]...)
	w.b = append(w.b, '"')
}
