package crm

import (
	"math"
	"math/rand/v2"
)

// randomValues draws the member values of random records for the tests
// that hold hand-written JSON code to a library's: texts that need every
// kind of escape (and invalid UTF-8), floats of every form.
type randomValues struct{ *rand.Rand }

func newRandomValues(seed1, seed2 uint64) randomValues {
	return randomValues{rand.New(rand.NewPCG(seed1, seed2))}
}

var (
	randomTexts = []string{"", "plain", `quote " and \ backslash`, "<b>Tom & Jerry</b>", "tab\tnew\nline\r\x00\x1f\x7f",
		"café ☕ 𝄞", "line\u2028sep\u2029", "bad \xff\xfe utf-8", "\b\f"}
	randomFloats = []float64{0, math.Copysign(0, -1), 1, -1.5, 123.45, 1e20, 1e21, 1.5e-6, 1e-7, -2.5e-9, 12345678.9, math.MaxFloat64, math.SmallestNonzeroFloat64}
)

func (r randomValues) text() string   { return randomTexts[r.IntN(len(randomTexts))] }
func (r randomValues) float() float64 { return randomFloats[r.IntN(len(randomFloats))] }

// textPtr and floatPtr are nil a third of the time.
func (r randomValues) textPtr() *string {
	if r.IntN(3) == 0 {
		return nil
	}
	s := r.text()
	return &s
}

func (r randomValues) floatPtr() *float64 {
	if r.IntN(3) == 0 {
		return nil
	}
	f := r.float()
	return &f
}
