package marketing_test

import (
	"testing"

	"github.com/stsim/stsim/sim/marketing"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/simtest"
)

func TestDemoCategories(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		p := get[resource.Page[category]](t, srv, tok, "/categories?includeTotal=true")
		want := []category{
			{Name: marketing.CategoryDigital, Active: true, Type: "Regular"},
			{Name: marketing.CategoryPrint, Active: true, Type: "Regular"},
			{Name: marketing.CategoryReferral, Active: true, Type: "Regular"},
			{Name: marketing.CategoryLSA, Active: true, Type: "GoogleHomeServices"},
			{Name: marketing.CategoryRadio, Active: false, Type: "Regular"},
		}
		if len(p.Data) != len(want) || *p.TotalCount != len(want) || p.HasMore {
			t.Fatalf("categories: %+v", p)
		}
		for i, w := range want {
			got := p.Data[i]
			w.ID = got.ID
			if got != w || got.ID == 0 {
				t.Errorf("category %d = %+v, want %+v", i, got, w)
			}
		}
		one := get[category](t, srv, tok, at("/categories/%d", p.Data[3].ID))
		if one != p.Data[3] {
			t.Fatalf("get: %+v, want %+v", one, p.Data[3])
		}
	})
}

func TestCategoryCreateUpdate(t *testing.T) {
	simtest.Backends(t, func(t *testing.T, backend simtest.Option) {
		srv := simtest.Start(t, backend)
		tok := srv.Token(t)
		created := send[struct{ ID int64 }](t, srv, tok, "POST", "/categories", map[string]any{"name": "  Television  "})
		got := get[category](t, srv, tok, at("/categories/%d", created.ID))
		if got != (category{ID: created.ID, Name: "Television", Active: true, Type: "Regular"}) {
			t.Fatalf("created: %+v", got)
		}
		// Duplicate names are allowed.
		send[struct{ ID int64 }](t, srv, tok, "POST", "/categories", map[string]any{"name": "Television"})

		upd := send[struct{ ID int64 }](t, srv, tok, "PATCH", at("/categories/%d", created.ID), map[string]any{"name": "TV", "active": false})
		if upd.ID != created.ID {
			t.Fatalf("update answered id %d", upd.ID)
		}
		if got := get[category](t, srv, tok, at("/categories/%d", created.ID)); got.Name != "TV" || got.Active {
			t.Fatalf("after update: %+v", got)
		}
		// active is optional: a name-only patch keeps it.
		send[struct{ ID int64 }](t, srv, tok, "PATCH", at("/categories/%d", created.ID), map[string]any{"name": "Broadcast TV"})
		if got := get[category](t, srv, tok, at("/categories/%d", created.ID)); got.Name != "Broadcast TV" || got.Active {
			t.Fatalf("after name-only update: %+v", got)
		}
		if p := get[resource.Page[category]](t, srv, tok, "/categories?includeTotal=true"); *p.TotalCount != 7 {
			t.Fatalf("categories after two creates: %d", *p.TotalCount)
		}
	})
}

func TestCategoryErrors(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	srv.Do(t, "GET", mkt+"/categories/999999", tok, nil).WantError(t, 404, "")
	srv.Do(t, "PATCH", mkt+"/categories/999999", tok, map[string]any{"name": "x"}).WantError(t, 404, "")
	srv.Do(t, "POST", mkt+"/categories", tok, map[string]any{"name": "   "}).WantError(t, 400, "name")
	srv.Do(t, "POST", mkt+"/categories", tok, map[string]any{"name": 5}).WantError(t, 400, "name")
	srv.Do(t, "POST", mkt+"/categories", tok, map[string]any{"title": "x"}).WantError(t, 400, "name")
	unvalidated(t, srv, tok, "POST", "/categories", map[string]any{}).WantError(t, 400, "name")
	id := demoCategory(t, srv, tok, marketing.CategoryDigital).ID
	srv.Do(t, "PATCH", mkt+at("/categories/%d", id), tok, map[string]any{"name": ""}).WantError(t, 400, "name")
	srv.Do(t, "GET", mkt+"/categories/abc", tok, nil).WantError(t, 400, "id")
}

func TestCategoryPaging(t *testing.T) {
	srv := simtest.Start(t)
	tok := srv.Token(t)
	p := get[resource.Page[category]](t, srv, tok, "/categories?page=2&pageSize=2&includeTotal=true")
	if p.Page != 2 || p.PageSize != 2 || len(p.Data) != 2 || !p.HasMore || *p.TotalCount != 5 {
		t.Fatalf("page 2: %+v", p)
	}
	if p.Data[0].Name != marketing.CategoryReferral {
		t.Fatalf("page 2 starts with %q", p.Data[0].Name)
	}
	if p := get[resource.Page[category]](t, srv, tok, "/categories?page=3&pageSize=2"); len(p.Data) != 1 || p.HasMore || p.TotalCount != nil {
		t.Fatalf("page 3: %+v", p)
	}
	if p := get[resource.Page[category]](t, srv, tok, "/categories?page=9&pageSize=2"); len(p.Data) != 0 || p.Data == nil || p.HasMore {
		t.Fatalf("page 9: %+v", p)
	}
	srv.Do(t, "GET", mkt+"/categories?pageSize=0", tok, nil).WantError(t, 400, "pageSize")
}
