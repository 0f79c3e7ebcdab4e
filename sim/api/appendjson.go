package api

import (
	"encoding/json"
	"math"
	"strconv"
)

// Helpers for wire shapes that write their own JSON (JSONAppender, the
// capacity answer) with exactly the bytes encoding/json writes.

// AppendMember appends sep and a member name with its colon.
func AppendMember(b []byte, sep byte, name string) []byte {
	b = append(b, sep, '"')
	b = append(b, name...)
	return append(b, '"', ':')
}

// AppendArray appends s as a JSON array, each element by elem.
func AppendArray[E any](b []byte, s []E, elem func([]byte, E) []byte) []byte {
	b = append(b, '[')
	for i, e := range s {
		if i > 0 {
			b = append(b, ',')
		}
		b = elem(b, e)
	}
	return append(b, ']')
}

// AppendString appends s as encoding/json writes a string. Printable ASCII
// without '"', '\\', '<', '>' and '&' (names, addresses and codes, nearly
// always) is written as it is; anything else goes through encoding/json
// itself, so escapes, HTML-safe forms and invalid UTF-8 come out as it
// writes them.
func AppendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// AppendFloat writes a finite float64 as encoding/json does: the shortest
// form, in exponent notation only below 1e-6 or from 1e21 on. (encoding/json
// refuses NaN and infinities; callers check Finite first.)
func AppendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // e-07 -> e-7
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// Finite reports whether every f is neither NaN nor infinite: whether
// JSON can carry them.
func Finite(fs ...float64) bool {
	for _, f := range fs {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
	}
	return true
}
