package dispatch

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"

	"github.com/stsim/stsim/sim/api"
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
	b = api.AppendMember(b, ',', "availabilities")
	names := map[string][]byte{} // technicians recur in every slot
	b = api.AppendArray(b, out.Availabilities, func(b []byte, a availabilityOut) []byte { return a.appendJSON(b, names) })
	return append(b, '}')
}

func (a availabilityOut) appendJSON(b []byte, names map[string][]byte) []byte {
	b = api.AppendMember(b, '{', "start")
	b = appendPlain(b, a.Start) // RFC 3339: nothing to escape
	b = api.AppendMember(b, ',', "end")
	b = appendPlain(b, a.End)
	b = api.AppendMember(b, ',', "startUtc")
	b = appendPlain(b, a.StartUtc)
	b = api.AppendMember(b, ',', "endUtc")
	b = appendPlain(b, a.EndUtc)
	b = api.AppendMember(b, ',', "businessUnitIds")
	b = api.AppendArray(b, a.BusinessUnitIDs, appendID)
	b = api.AppendMember(b, ',', "totalAvailability")
	b = api.AppendFloat(b, a.TotalAvailability)
	b = api.AppendMember(b, ',', "openAvailability")
	b = api.AppendFloat(b, a.OpenAvailability)
	b = api.AppendMember(b, ',', "technicians")
	b = api.AppendArray(b, a.Technicians, func(b []byte, t capacityTechOut) []byte { return t.appendJSON(b, names) })
	b = api.AppendMember(b, ',', "isAvailable")
	b = strconv.AppendBool(b, a.IsAvailable)
	b = api.AppendMember(b, ',', "isExceedingIdealBookingPercentage")
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
	b = api.AppendMember(b, '{', "id")
	b = strconv.AppendInt(b, t.ID, 10)
	b = api.AppendMember(b, ',', "name")
	b = append(b, name...)
	b = api.AppendMember(b, ',', "status")
	b = appendPlain(b, t.Status) // Available or Unavailable
	b = api.AppendMember(b, ',', "hasRequiredSkills")
	if t.HasRequiredSkills == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendBool(b, *t.HasRequiredSkills)
	}
	return append(b, '}')
}

func appendID(b []byte, id int64) []byte { return strconv.AppendInt(b, id, 10) }

// appendPlain appends a string that needs no escaping as a JSON string.
func appendPlain(b []byte, s string) []byte {
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
