package api

import (
	"encoding/json"
	"testing"

	"github.com/stsim/stsim/sim/resource"
)

// TestEnvelopesMatchEncodingJSON checks that the hand-written page and
// export envelopes are the bytes encoding/json writes for the same pages.
func TestEnvelopesMatchEncodingJSON(t *testing.T) {
	// Records as Marshal writes them (HTML characters escaped).
	records := [][]byte{[]byte(`{"id":1,"name":"a"}`), []byte(`{"id":2,"name":"\u003cb \u0026 c\u003e"}`), []byte(`[]`)}
	raw := func(data [][]byte) []json.RawMessage {
		out := make([]json.RawMessage, 0, len(data))
		for _, d := range data {
			out = append(out, d)
		}
		return out
	}
	total := 12345
	for _, p := range []resource.Page[[]byte]{
		{Page: 1, PageSize: 50, Data: [][]byte{}},
		{Page: 2, PageSize: 5000, TotalCount: &total, HasMore: true, Data: records},
		{Page: 7, PageSize: 1, TotalCount: new(int), Data: records[:1]},
	} {
		want, err := json.Marshal(resource.Page[json.RawMessage]{Page: p.Page, PageSize: p.PageSize, TotalCount: p.TotalCount, HasMore: p.HasMore, Data: raw(p.Data)})
		if err != nil {
			t.Fatal(err)
		}
		if got := appendPage(nil, p); string(got) != string(want) {
			t.Errorf("page:\n got %s\nwant %s", got, want)
		}
	}
	for _, p := range []resource.ExportPage[[]byte]{
		{ContinueFrom: "", Data: [][]byte{}},
		{HasMore: true, ContinueFrom: `MTIz<"&>`, Data: records},
	} {
		want, err := json.Marshal(resource.ExportPage[json.RawMessage]{HasMore: p.HasMore, ContinueFrom: p.ContinueFrom, Data: raw(p.Data)})
		if err != nil {
			t.Fatal(err)
		}
		if got := appendExportPage(nil, p); string(got) != string(want) {
			t.Errorf("export page:\n got %s\nwant %s", got, want)
		}
	}
}
