package resource

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
)

// The hand-written .NET form must be exactly what the layout writes, and
// both JSON libraries must write it (records are stored with
// go-json-experiment, answers written with encoding/json).
func TestTimeWireFormMatchesLayout(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	times := []time.Time{
		{},
		time.Date(2021, 7, 19, 20, 35, 38, 287600400, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 8, 2, 30, 0, 100, time.FixedZone("x", -6*3600)),
	}
	for range 2000 {
		times = append(times, time.Unix(r.Int64N(1<<36)-1<<35, r.Int64N(1e9)))
	}
	for _, tm := range times {
		want := `"` + tm.UTC().Format(wireLayout) + `"`
		v1, err := json.Marshal(Time{tm})
		if err != nil || string(v1) != want {
			t.Fatalf("encoding/json of %v: %s, %v; want %s", tm, v1, err, want)
		}
		v2, err := jsonv2.Marshal(Time{tm}, storedOptions)
		if err != nil || string(v2) != want {
			t.Fatalf("go-json-experiment of %v: %s, %v; want %s", tm, v2, err, want)
		}
		if !bytes.Equal(v1, v2) {
			t.Fatalf("%s != %s", v1, v2)
		}
	}
}
