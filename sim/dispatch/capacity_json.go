package dispatch

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"sync"
)

// A capacity answer is written by appending, not through encoding/json's
// reflection, which was a third of a 14-day capacity call's CPU (pprof of
// BenchmarkHandlersInProcess/capacity). The bytes are encoding/json's
// (TestCapacityJSONIsEncodingJSON): same members, order, escaping and
// number forms.

// buffers keep the buffers answers are written in, as encoding/json keeps
// its own: an answer for 50 technicians is hundreds of kilobytes.
var buffers = sync.Pool{New: func() any { return new([]byte) }}

// encode writes the answer as JSON.
func (out capacityOut) encode() []byte {
	buf := buffers.Get().(*[]byte)
	*buf = out.appendJSON((*buf)[:0])
	body := bytes.Clone(*buf)
	buffers.Put(buf)
	return body
}

// appendJSON appends the answer as JSON.
func (out capacityOut) appendJSON(b []byte) []byte {
	stamp, _ := out.TimeStamp.MarshalJSON() // a time always encodes
	b = append(b, `{"timeStamp":`...)
	b = append(b, stamp...)
	b = appendMember(b, ',', "availabilities")
	names := map[string][]byte{} // technicians recur in every slot
	b = appendArray(b, out.Availabilities, func(b []byte, a availabilityOut) []byte { return a.appendJSON(b, names) })
	return append(b, '}')
}

func (a availabilityOut) appendJSON(b []byte, names map[string][]byte) []byte {
	b = appendMember(b, '{', "start")
	b = appendPlain(b, a.Start) // RFC 3339: nothing to escape
	b = appendMember(b, ',', "end")
	b = appendPlain(b, a.End)
	b = appendMember(b, ',', "startUtc")
	b = appendPlain(b, a.StartUtc)
	b = appendMember(b, ',', "endUtc")
	b = appendPlain(b, a.EndUtc)
	b = appendMember(b, ',', "businessUnitIds")
	b = appendArray(b, a.BusinessUnitIDs, appendID)
	b = appendMember(b, ',', "totalAvailability")
	b = appendFloat(b, a.TotalAvailability)
	b = appendMember(b, ',', "openAvailability")
	b = appendFloat(b, a.OpenAvailability)
	b = appendMember(b, ',', "technicians")
	b = appendArray(b, a.Technicians, func(b []byte, t capacityTechOut) []byte { return t.appendJSON(b, names) })
	b = appendMember(b, ',', "isAvailable")
	b = strconv.AppendBool(b, a.IsAvailable)
	b = appendMember(b, ',', "isExceedingIdealBookingPercentage")
	b = strconv.AppendBool(b, a.IsExceedingIdealBookingPercentage)
	return append(b, '}')
}

// appendJSON appends a technician of a slot; names holds the names encoded
// so far.
func (t capacityTechOut) appendJSON(b []byte, names map[string][]byte) []byte {
	name, ok := names[t.Name]
	if !ok {
		name, _ = json.Marshal(t.Name) // a string always encodes
		names[t.Name] = name
	}
	b = appendMember(b, '{', "id")
	b = strconv.AppendInt(b, t.ID, 10)
	b = appendMember(b, ',', "name")
	b = append(b, name...)
	b = appendMember(b, ',', "status")
	b = appendPlain(b, t.Status) // Available or Unavailable
	b = appendMember(b, ',', "hasRequiredSkills")
	if t.HasRequiredSkills == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendBool(b, *t.HasRequiredSkills)
	}
	return append(b, '}')
}

// appendArray appends s as a JSON array, each element by elem.
func appendArray[E any](b []byte, s []E, elem func([]byte, E) []byte) []byte {
	b = append(b, '[')
	for i, e := range s {
		if i > 0 {
			b = append(b, ',')
		}
		b = elem(b, e)
	}
	return append(b, ']')
}

func appendID(b []byte, id int64) []byte { return strconv.AppendInt(b, id, 10) }

// appendPlain appends a string that needs no escaping as a JSON string.
func appendPlain(b []byte, s string) []byte {
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendMember appends sep and a member name with its colon.
func appendMember(b []byte, sep byte, name string) []byte {
	b = append(b, sep, '"')
	b = append(b, name...)
	return append(b, '"', ':')
}

// appendFloat writes a float64 as encoding/json does: the shortest form,
// in exponent notation only below 1e-6 or from 1e21 on.
func appendFloat(b []byte, f float64) []byte {
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
