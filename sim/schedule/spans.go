package schedule

import (
	"slices"
	"time"
)

// span is a half-open interval [from, to) of Unix seconds.
type span struct{ from, to int64 }

func spanOf(start, end time.Time) span { return span{start.Unix(), end.Unix()} }

// spans is a set of instants: sorted, disjoint, non-touching spans.
type spans []span

// normalize turns any list of spans into a set (sorting and merging).
func normalize(in []span) spans {
	out := make(spans, 0, len(in))
	for _, s := range in {
		if s.to > s.from {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b span) int {
		switch {
		case a.from < b.from:
			return -1
		case a.from > b.from:
			return 1
		}
		return 0
	})
	merged := out[:0]
	for _, s := range out {
		if n := len(merged); n > 0 && s.from <= merged[n-1].to {
			merged[n-1].to = max(merged[n-1].to, s.to)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// clip returns the part of the set inside [from, to).
func (s spans) clip(from, to int64) spans {
	var out spans
	for _, x := range s {
		a, b := max(x.from, from), min(x.to, to)
		if a < b {
			out = append(out, span{a, b})
		}
	}
	return out
}

// minus returns the instants of s that are not in t.
func (s spans) minus(t spans) spans {
	if len(t) == 0 {
		return s
	}
	var out spans
	j := 0
	for _, x := range s {
		from := x.from
		for j < len(t) && t[j].to <= from {
			j++
		}
		k := j
		for k < len(t) && t[k].from < x.to {
			if t[k].from > from {
				out = append(out, span{from, t[k].from})
			}
			from = max(from, t[k].to)
			k++
		}
		if from < x.to {
			out = append(out, span{from, x.to})
		}
	}
	return out
}

// total is the set's length in seconds.
func (s spans) total() int64 {
	var n int64
	for _, x := range s {
		n += x.to - x.from
	}
	return n
}

// longest is the length of the set's longest span, in seconds.
func (s spans) longest() int64 {
	var n int64
	for _, x := range s {
		n = max(n, x.to-x.from)
	}
	return n
}

// covers reports whether x lies inside one span of the set.
func (s spans) covers(x span) bool {
	for _, y := range s {
		if y.from <= x.from && x.to <= y.to {
			return true
		}
	}
	return false
}
