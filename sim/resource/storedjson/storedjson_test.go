package storedjson_test

import (
	"math"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/resource/storedjson"
	"github.com/stsim/stsim/sim/resource/storedjson/storedjsontest"
)

// sample has a member of every sort a Writer writes.
type sample struct {
	resource.Meta
	S      string             `json:"s"`
	SP     *string            `json:"sp"`
	I      int64              `json:"i"`
	IP     *int64             `json:"ip"`
	I32P   *int32             `json:"i32p"`
	B      bool               `json:"b"`
	BP     *bool              `json:"bp"`
	F      float64            `json:"f"`
	FP     *float64           `json:"fp"`
	T      resource.Time      `json:"t"`
	TP     *resource.Time     `json:"tp"`
	Strs   []string           `json:"strs"`
	Ints   []int64            `json:"ints"`
	Inner  inner              `json:"inner"`
	Inners []inner            `json:"inners"`
	Map    map[string][]inner `json:"map"`
}

type inner struct {
	N string `json:"n"`
	V int64  `json:"v"`
}

func (s *sample) AppendStored(b []byte) ([]byte, bool) {
	w := storedjson.Begin(b, &s.Meta)
	w.String("s", s.S)
	w.StringPtr("sp", s.SP)
	w.Int("i", s.I)
	w.IntPtr("ip", s.IP)
	w.Int32Ptr("i32p", s.I32P)
	w.Bool("b", s.B)
	w.BoolPtr("bp", s.BP)
	w.Float("f", s.F)
	w.FloatPtr("fp", s.FP)
	w.Time("t", s.T)
	w.TimePtr("tp", s.TP)
	w.Strings("strs", s.Strs)
	w.Ints("ints", s.Ints)
	if s.Inner != (inner{}) {
		w.Object("inner")
		s.Inner.appendStored(&w)
		w.Close('}')
	}
	if s.Inners != nil {
		w.Array("inners")
		for _, in := range s.Inners {
			w.Element()
			in.appendStored(&w)
			w.Close('}')
		}
		w.Close(']')
	}
	if s.Map != nil {
		if len(s.Map) > 1 {
			w.Fail()
		}
		w.Object("map")
		for k, v := range s.Map {
			w.MapArray(k)
			for _, in := range v {
				w.Element()
				in.appendStored(&w)
				w.Close('}')
			}
			w.Close(']')
		}
		w.Close('}')
	}
	return w.End()
}

func (in inner) appendStored(w *storedjson.Writer) {
	w.String("n", in.N)
	w.Int("v", in.V)
}

var (
	sampleStrings = []string{"", "plain", `quote " and \ backslash`, "<tag> & amp", "tab\tnewline\n", "\x00\x1f\x7f",
		"café", "\u2028\u2029", "\xff invalid \xc3", "emoji 😀", "\ufffd"}
	sampleFloats = []float64{0, math.Copysign(0, -1), 1, -1.5, 33.4484, -112.074, 1e-6, 9.99e-7, 1e20, 1e21, 123456789.125,
		math.SmallestNonzeroFloat64, math.MaxFloat64, math.NaN(), math.Inf(1)}
	sampleTimes = []time.Time{{}, time.Date(2026, 12, 2, 15, 4, 5, 123456700, time.UTC), time.Date(1, 1, 1, 0, 0, 0, 100, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 6, 1, 8, 0, 0, 0, time.FixedZone("x", -5*3600))}
)

func TestWriterIsMarshalStored(t *testing.T) {
	storedjsontest.Check(t, &sample{}, true) // no members at all
	for _, s := range sampleStrings {
		storedjsontest.Check(t, &sample{Meta: resource.Meta{ID: 1}, S: s, SP: &s, Strs: []string{s, "", s}, Inner: inner{N: s}, Map: map[string][]inner{s: {{N: s}}}}, true)
	}
	for _, f := range sampleFloats {
		storedjsontest.Check(t, &sample{Meta: resource.Meta{ID: 1, Seq: 2}, F: f, FP: &f}, !math.IsNaN(f) && !math.IsInf(f, 0))
	}
	for _, tm := range sampleTimes {
		y := tm.UTC().Year()
		stamp := resource.Stamp(tm)
		storedjsontest.Check(t, &sample{Meta: resource.Meta{ID: 1, CreatedOn: stamp}, T: stamp, TP: &stamp}, y >= 0 && y <= 9999)
		storedjsontest.Check(t, &sample{Meta: resource.Meta{CreatedOn: resource.Stamp(tm), ModifiedOn: resource.Stamp(tm)}}, y >= 0 && y <= 9999)
	}
	zero, neg := int64(0), int64(-7)
	storedjsontest.Check(t, &sample{Meta: resource.Meta{ID: -3, Active: true, Deleted: true, Seq: math.MaxUint64}, I: math.MinInt64, IP: &zero, B: true}, true)
	zero32, min32 := int32(0), int32(math.MinInt32)
	no, yes := false, true
	storedjsontest.Check(t, &sample{I32P: &zero32, BP: &no}, true)
	storedjsontest.Check(t, &sample{BP: &yes}, true)
	storedjsontest.Check(t, &sample{I32P: &min32}, true)
	storedjsontest.Check(t, &sample{IP: &neg, Ints: []int64{}, Strs: []string{}, Inners: []inner{}, Map: map[string][]inner{}, TP: new(resource.Time)}, true)
	storedjsontest.Check(t, &sample{Ints: []int64{0, -1, math.MaxInt64}, Inners: []inner{{}, {N: "a", V: 1}}, Map: map[string][]inner{"k": {}}}, true)
	storedjsontest.Check(t, &sample{Map: map[string][]inner{"a": nil, "b": nil}}, false) // two keys: left to the encoder
}

// FuzzWriter holds the Writer to MarshalStored on arbitrary strings,
// numbers and instants.
func FuzzWriter(f *testing.F) {
	for i, s := range sampleStrings {
		fl := sampleFloats[i%len(sampleFloats)]
		tm := sampleTimes[i%len(sampleTimes)]
		f.Add(s, int64(i)-5, fl, tm.Unix(), int64(tm.Nanosecond()), uint8(i))
	}
	f.Fuzz(func(t *testing.T, s string, n int64, fl float64, sec, nsec int64, flags uint8) {
		tm := resource.Stamp(time.Unix(sec, nsec))
		rec := &sample{Meta: resource.Meta{ID: n, ModifiedOn: tm, Active: flags&1 != 0, Seq: uint64(n)}, S: s, I: n, B: flags&2 != 0, F: fl, T: tm}
		if flags&32 != 0 {
			rec.CreatedOn = tm
		}
		if flags&4 != 0 {
			n32 := int32(n)
			rec.SP, rec.IP, rec.I32P, rec.FP, rec.TP = &s, &n, &n32, &fl, &tm
		}
		if flags&8 != 0 {
			rec.Ints = []int64{n, -n}
			rec.Strs = []string{s}
			rec.Inners = []inner{{N: s, V: n}}
		}
		if flags&16 != 0 {
			rec.Inner = inner{N: s}
			rec.Map = map[string][]inner{s: {{N: s, V: n}, {}}}
		}
		y := tm.UTC().Year()
		storedjsontest.Check(t, rec, !math.IsNaN(fl) && !math.IsInf(fl, 0) && (tm.IsZero() || y >= 0 && y <= 9999))
	})
}
