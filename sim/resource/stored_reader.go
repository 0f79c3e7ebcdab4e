package resource

import (
	jsonv2 "github.com/go-json-experiment/json"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// A StoredDecoder is a record type with a hand-written reader of its own
// stored form. Lists decode every record their kind's cache does not hold,
// and the generic decoder (reflection over go-json-experiment) was most of
// such a record's cost; the record types lists read often (customers,
// locations, contacts) and those the demo seed reads back as it books
// (jobs, assignments, booked logs, job types, technicians, business
// units, user roles) read themselves through a StoredReader instead. The
// reader only accepts the compact form encode writes: whatever else it meets (whitespace, an
// unknown or repeated member, a null, a number or date-time in another
// form, a lone surrogate) fails it, and decode reads the record again with
// the generic decoder, so both read every input the same
// (TestStoredDecodersReadAsGeneric in the record's package).
type StoredDecoder interface {
	DecodeStored(r *StoredReader)
}

// StoredReader reads one stored record for a StoredDecoder. Once failed,
// every read returns a zero value and the record is decoded generically.
// Strings without escapes are slices of the stored text, so a record
// decoded this way costs one copy of its bytes, not one per string.
type StoredReader struct {
	s      string
	i      int
	failed bool
}

// decodeStored reads text (the stored bytes) into rec (a zero value) with
// its own decoder, and reports whether that decoder read all of it.
func decodeStored(text string, rec StoredDecoder) bool {
	r := StoredReader{s: text}
	rec.DecodeStored(&r)
	return !r.failed && r.i == len(r.s)
}

// Fail marks the record as one to decode generically.
func (r *StoredReader) Fail() {
	r.failed = true
	r.i = len(r.s)
}

// take consumes c if it is next.
func (r *StoredReader) take(c byte) bool {
	if r.i < len(r.s) && r.s[r.i] == c {
		r.i++
		return true
	}
	return false
}

// Object reads an object; member is called with each member's name and
// the reader at its value, reads the value and returns the member's
// number (0 to 63, each member its own), or -1 for a name it does not
// know. An unknown or repeated member fails the reader.
func (r *StoredReader) Object(member func(name string) int) {
	var seen uint64
	r.members(func(name string) bool {
		n := member(name)
		if n < 0 || n > 63 || seen&(1<<n) != 0 {
			return false
		}
		seen |= 1 << n
		return true
	})
}

// Map reads an object whose names are keys of a map: entry is called with
// each name and the reader at its value, reads the value and returns
// false for a name it cannot take (a repeated key), which fails the reader.
func (r *StoredReader) Map(entry func(key string) bool) {
	r.members(entry)
}

func (r *StoredReader) members(member func(name string) bool) {
	if !r.take('{') {
		r.Fail()
		return
	}
	if r.take('}') {
		return
	}
	for {
		name := r.String()
		if !r.take(':') {
			r.Fail()
			return
		}
		if !member(name) {
			r.Fail()
			return
		}
		if r.failed {
			return
		}
		if r.take(',') {
			continue
		}
		if !r.take('}') {
			r.Fail()
		}
		return
	}
}

// Array reads an array, calling elem with the reader at each element,
// which elem reads. Callers make an empty non-nil slice for "[]", as the
// generic decoder does.
func (r *StoredReader) Array(elem func()) {
	if !r.take('[') {
		r.Fail()
		return
	}
	if r.take(']') {
		return
	}
	for {
		elem()
		if r.failed {
			return
		}
		if r.take(',') {
			continue
		}
		if !r.take(']') {
			r.Fail()
		}
		return
	}
}

// Ints reads an array of integers (never nil).
func (r *StoredReader) Ints() []int64 {
	out := []int64{}
	r.Array(func() { out = append(out, r.Int()) })
	return out
}

// Strings reads an array of strings (never nil).
func (r *StoredReader) Strings() []string {
	out := []string{}
	r.Array(func() { out = append(out, r.String()) })
	return out
}

// String reads a string.
func (r *StoredReader) String() string {
	if !r.take('"') {
		r.Fail()
		return ""
	}
	start, ascii := r.i, true
	for r.i < len(r.s) {
		switch c := r.s[r.i]; {
		case c == '"':
			s := r.s[start:r.i]
			r.i++
			if !ascii && !utf8.ValidString(s) {
				r.Fail() // the generic decoder's replacement of invalid bytes is its business
				return ""
			}
			return s
		case c == '\\':
			return r.escaped(start)
		case c < 0x20:
			r.Fail()
			return ""
		case c >= utf8.RuneSelf:
			ascii = false
		}
		r.i++
	}
	r.Fail()
	return ""
}

// escaped reads the rest of a string with escapes, from its first
// character at start (the reader is at the first backslash).
func (r *StoredReader) escaped(start int) string {
	b := []byte(r.s[start:r.i])
	for r.i < len(r.s) {
		c := r.s[r.i]
		switch {
		case c == '"':
			r.i++
			if !utf8.Valid(b) {
				r.Fail()
				return ""
			}
			return string(b)
		case c < 0x20:
			r.Fail()
			return ""
		case c != '\\':
			b = append(b, c)
			r.i++
			continue
		}
		if r.i+1 >= len(r.s) {
			break
		}
		e := r.s[r.i+1]
		r.i += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			u := r.hex4()
			if utf16.IsSurrogate(u) {
				if u >= 0xDC00 || !r.take('\\') || !r.take('u') {
					r.Fail() // a lone surrogate
					return ""
				}
				u = utf16.DecodeRune(u, r.hex4())
				if u == utf8.RuneError {
					r.Fail()
					return ""
				}
			}
			if r.failed {
				return ""
			}
			b = utf8.AppendRune(b, u)
		default:
			r.Fail()
			return ""
		}
	}
	r.Fail()
	return ""
}

// hex4 reads the four hex digits of a \u escape.
func (r *StoredReader) hex4() rune {
	if len(r.s)-r.i < 4 {
		r.Fail()
		return 0
	}
	var u rune
	for _, c := range []byte(r.s[r.i : r.i+4]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			r.Fail()
			return 0
		}
		u = u<<4 | rune(c)
	}
	r.i += 4
	return u
}

// StringPtr reads a string into a new pointer.
func (r *StoredReader) StringPtr() *string {
	s := r.String()
	return &s
}

// Bool reads true or false.
func (r *StoredReader) Bool() bool {
	switch {
	case len(r.s)-r.i >= 4 && r.s[r.i:r.i+4] == "true":
		r.i += 4
		return true
	case len(r.s)-r.i >= 5 && r.s[r.i:r.i+5] == "false":
		r.i += 5
		return false
	}
	r.Fail()
	return false
}

// number reads a JSON number's text: an integer, or with fraction and
// exponent when frac is set.
func (r *StoredReader) number(frac bool) string {
	start := r.i
	r.take('-')
	switch {
	case r.take('0'):
	case r.i < len(r.s) && '1' <= r.s[r.i] && r.s[r.i] <= '9':
		r.digits()
	default:
		r.Fail()
		return ""
	}
	if frac {
		if r.take('.') && !r.digits() {
			r.Fail()
			return ""
		}
		if r.take('e') || r.take('E') {
			if !r.take('+') {
				r.take('-')
			}
			if !r.digits() {
				r.Fail()
				return ""
			}
		}
	}
	return r.s[start:r.i]
}

// digits consumes decimal digits and reports whether there was one.
func (r *StoredReader) digits() bool {
	start := r.i
	for r.i < len(r.s) && '0' <= r.s[r.i] && r.s[r.i] <= '9' {
		r.i++
	}
	return r.i > start
}

// Int reads an integer (a number with a fraction or exponent fails).
func (r *StoredReader) Int() int64 {
	text := r.number(false)
	if r.failed {
		return 0
	}
	if len(text) <= 18 { // cannot overflow
		var n int64
		for _, c := range []byte(text) {
			if c != '-' {
				n = n*10 + int64(c-'0')
			}
		}
		if text[0] == '-' {
			n = -n
		}
		return n
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		r.Fail()
	}
	return n
}

// IntPtr reads an integer into a new pointer.
func (r *StoredReader) IntPtr() *int64 {
	n := r.Int()
	return &n
}

// Uint reads a non-negative integer.
func (r *StoredReader) Uint() uint64 {
	text := r.number(false)
	if r.failed {
		return 0
	}
	n, err := strconv.ParseUint(text, 10, 64)
	if err != nil {
		r.Fail()
	}
	return n
}

// Float reads a number.
func (r *StoredReader) Float() float64 {
	text := r.number(true)
	if r.failed {
		return 0
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		r.Fail()
	}
	return f
}

// FloatPtr reads a number into a new pointer.
func (r *StoredReader) FloatPtr() *float64 {
	f := r.Float()
	return &f
}

// TimePtr reads a date-time into a new pointer.
func (r *StoredReader) TimePtr() *Time {
	t := r.Time()
	return &t
}

// Time reads a date-time in the form Time writes ("2021-07-19T20:35:38.2876004Z").
func (r *StoredReader) Time() Time {
	const n = len(wireLayout) + 2
	if len(r.s)-r.i < n {
		r.Fail()
		return Time{}
	}
	t := r.s[r.i : r.i+n]
	num := func(from, to int) int {
		v := 0
		for _, c := range []byte(t[from:to]) {
			if c < '0' || c > '9' {
				r.Fail()
				return 0
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	if t[0] != '"' || t[5] != '-' || t[8] != '-' || t[11] != 'T' || t[14] != ':' || t[17] != ':' || t[20] != '.' || t[28] != 'Z' || t[29] != '"' {
		r.Fail()
		return Time{}
	}
	year, month, day := num(1, 5), time.Month(num(6, 8)), num(9, 11)
	hour, minute, second, ticks := num(12, 14), num(15, 17), num(18, 20), num(21, 28)
	if r.failed || month < time.January || month > time.December || day < 1 ||
		day > 28 && day > time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day() || hour > 23 || minute > 59 || second > 59 {
		r.Fail() // time.Parse's business
		return Time{}
	}
	r.i += n
	return Time{time.Date(year, month, day, hour, minute, second, ticks*100, time.UTC)}
}

// DecodeStoredMember reads the member of Meta named name into m, and
// returns its number for Object (0 to 5), or -1 when Meta has none.
// Record types' numbers for their own members start at MetaMembers.
func (m *Meta) DecodeStoredMember(name string, r *StoredReader) int {
	switch name {
	case "id":
		m.ID = r.Int()
		return 0
	case "createdOn":
		m.CreatedOn = r.Time()
		return 1
	case "modifiedOn":
		m.ModifiedOn = r.Time()
		return 2
	case "active":
		m.Active = r.Bool()
		return 3
	case "deleted":
		m.Deleted = r.Bool()
		return 4
	case "seq":
		m.Seq = r.Uint()
		return 5
	}
	return -1
}

// MetaMembers is the number of Meta's members (see DecodeStoredMember).
const MetaMembers = 6

// DecodeBoth decodes data with T's own decoder (ok: it read all of it)
// and with the generic decoder, for the tests that hold a StoredDecoder
// to the generic reading.
func DecodeBoth[T any, P Record[T]](data []byte) (own P, ok bool, generic P, err error) {
	own, generic = P(new(T)), P(new(T))
	if d, is := any(own).(StoredDecoder); is {
		ok = decodeStored(string(data), d)
	}
	return own, ok, generic, jsonv2.Unmarshal(data, generic, readOptions)
}
