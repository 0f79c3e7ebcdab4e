package settings_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/crm"
	"github.com/stsim/stsim/sim/settings"
	"github.com/stsim/stsim/sim/simtest"
)

const otherApp = "0b7d9a4e-1111-4c3b-9d2e-000000000042"

func TestBusinessUnitGetAndList(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	hvac := buID(t, srv, tok, settings.BusinessUnitHVAC)
	inactive := buID(t, srv, tok, settings.BusinessUnitInactive)

	var b businessUnit
	r := srv.Do(t, "GET", at("/business-units/%d", hvac), tok, nil).OK(t)
	r.JSON(t, &b)
	if m := r.Map(t); b.Name != settings.BusinessUnitHVAC || len(b.ExternalData) != 0 || m["tenant"] != nil || m["currency"] != "USD" {
		t.Fatalf("business unit: %s", r.Body)
	}
	// External data shows only for the application named.
	srv.Do(t, "GET", at("/business-units/%d?externalDataApplicationGuid=%s", hvac, crm.DemoApplicationGUID), tok, nil).OK(t).JSON(t, &b)
	if len(b.ExternalData) != 1 || b.ExternalData[0]["key"] != "seBusinessUnitId" || settings.DemoApplicationGUID != crm.DemoApplicationGUID {
		t.Fatalf("external data: %+v", b.ExternalData)
	}
	srv.Do(t, "GET", at("/business-units/%d?externalDataApplicationGuid=%s", hvac, otherApp), tok, nil).OK(t).JSON(t, &b)
	if len(b.ExternalData) != 0 {
		t.Fatalf("another application sees %+v", b.ExternalData)
	}
	// An inactive unit is still found by ID.
	srv.Do(t, "GET", at("/business-units/%d", inactive), tok, nil).OK(t).JSON(t, &b)
	if b.Active {
		t.Fatalf("inactive unit: %+v", b)
	}
	srv.Do(t, "GET", ST+"/business-units/999999", tok, nil).WantError(t, 404, "")
	srv.Do(t, "GET", ST+"/business-units/x", tok, nil).WantError(t, 400, "id")

	nameOf := func(b businessUnit) string { return b.Name }
	cases := []struct {
		query string
		want  []string
	}{
		{"", []string{settings.BusinessUnitHVAC, settings.BusinessUnitPlumbing, settings.BusinessUnitElectrical}},
		{"name=service", []string{settings.BusinessUnitHVAC, settings.BusinessUnitPlumbing, settings.BusinessUnitElectrical}},
		{"name=REFRIG", []string{}},
		{"name=REFRIG&active=Any", []string{settings.BusinessUnitInactive}},
		{"active=False", []string{settings.BusinessUnitInactive}},
		{fmt.Sprintf("ids=%d,%d&active=Any", hvac, inactive), []string{settings.BusinessUnitHVAC, settings.BusinessUnitInactive}},
		{"createdBefore=2100-01-01T00:00:00Z&name=plumb", []string{settings.BusinessUnitPlumbing}},
		{"modifiedOnOrAfter=2100-01-01T00:00:00Z", []string{}},
	}
	for _, tc := range cases {
		if got := names(list[businessUnit](t, srv, tok, "/business-units?"+tc.query).Data, nameOf); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.query, got, tc.want)
		}
	}
	p := list[businessUnit](t, srv, tok, "/business-units?externalDataApplicationGuid="+crm.DemoApplicationGUID+"&pageSize=1&includeTotal=true")
	if len(p.Data) != 1 || len(p.Data[0].ExternalData) != 1 || !p.HasMore || *p.TotalCount != 3 {
		t.Fatalf("list with guid: %+v", p)
	}
	if p := list[businessUnit](t, srv, tok, "/business-units?pageSize=2&page=2"); p.HasMore || len(p.Data) != 1 {
		t.Fatalf("page 2: %+v", p)
	}
	srv.Do(t, "GET", ST+"/business-units?active=yes", tok, nil).WantError(t, 400, "active")
	srv.Do(t, "GET", ST+"/business-units?ids=1,,x", tok, nil).WantError(t, 400, "ids")
}

func TestBusinessUnitUpdate(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		id := buID(t, srv, tok, settings.BusinessUnitPlumbing)
		self := at("/business-units/%d", id)
		read := func(guid string) businessUnit {
			var b businessUnit
			srv.Do(t, "GET", self+"?externalDataApplicationGuid="+guid, tok, nil).OK(t).JSON(t, &b)
			return b
		}
		before := read(otherApp)

		// An empty PATCH changes nothing and writes nothing.
		srv.Clock.Advance(time.Minute)
		if got := idOf(t, srv.Do(t, "PATCH", self, tok, map[string]any{})); got != id {
			t.Fatalf("answered id %d", got)
		}
		if b := read(otherApp); b.ModifiedOn != before.ModifiedOn {
			t.Fatal("an empty PATCH moved modifiedOn")
		}

		ext := func(mode any, kv ...any) map[string]any {
			items := []map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				items = append(items, map[string]any{"key": kv[i], "value": kv[i+1]})
			}
			e := map[string]any{"applicationGuid": otherApp, "externalData": items}
			if mode != nil {
				e["patchMode"] = mode
			}
			return map[string]any{"externalData": e}
		}
		kvs := func(b businessUnit) string { return fmt.Sprint(b.ExternalData) }

		idOf(t, srv.Do(t, "PATCH", self, tok, ext(nil, "a", "1", "b", "2")))
		if b := read(otherApp); kvs(b) != "[map[key:a value:1] map[key:b value:2]]" || b.ModifiedOn == before.ModifiedOn {
			t.Fatalf("after replace: %s %s", kvs(b), b.ModifiedOn)
		}
		idOf(t, srv.Do(t, "PATCH", self, tok, ext("Merge", "b", "3", "a", nil, "c", "4")))
		if b := read(otherApp); kvs(b) != "[map[key:b value:3] map[key:c value:4]]" {
			t.Fatalf("after merge: %s", kvs(b))
		}
		idOf(t, srv.Do(t, "PATCH", self, tok, ext("Replace", "z", "9")))
		if b := read(otherApp); kvs(b) != "[map[key:z value:9]]" {
			t.Fatalf("after replace: %s", kvs(b))
		}
		// Other applications' data is untouched, and hidden.
		if b := read(crm.DemoApplicationGUID); len(b.ExternalData) != 0 {
			t.Fatalf("demo application sees %s", kvs(b))
		}
		idOf(t, srv.Do(t, "PATCH", self, tok, ext("Replace")))
		if b := read(otherApp); len(b.ExternalData) != 0 {
			t.Fatalf("after clearing: %s", kvs(b))
		}
		// The inactive unit can be updated too.
		idOf(t, srv.Do(t, "PATCH", at("/business-units/%d", buID(t, srv, tok, settings.BusinessUnitInactive)), tok, ext(nil, "k", "v")))

		srv.Do(t, "PATCH", ST+"/business-units/999999", tok, ext(nil, "a", "1")).WantError(t, 404, "")
		bad := ext("Sideways", "a", "1")
		srv.Do(t, "PATCH", self, tok, bad).WantError(t, 400, "externalData.patchMode")
		srv.Do(t, "PATCH", self, tok, map[string]any{"name": "Renamed"}).WantError(t, 400, "name")
		off := func(body string) *simtest.Response {
			return unvalidated(t, srv, tok, "PATCH", fmt.Sprintf("/business-units/%d", id), body)
		}
		off(`{"externalData":{"externalData":[]}}`).WantError(t, 400, "externalData.applicationGuid")
		off(`{"externalData":{"applicationGuid":"not-a-guid","externalData":[]}}`).WantError(t, 400, "externalData.applicationGuid")
		off(`{"externalData":{"applicationGuid":"`+otherApp+`"}}`).WantError(t, 400, "externalData.externalData")
		off(`{"externalData":{"applicationGuid":"`+otherApp+`","patchMode":"Sideways","externalData":[]}}`).WantError(t, 400, "externalData.patchMode")
		off(`{"externalData":{"applicationGuid":"`+otherApp+`","externalData":[{"key":"","value":"x"}]}}`).WantError(t, 400, "externalData.externalData[0].key")
	})
}
