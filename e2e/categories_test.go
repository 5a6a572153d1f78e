package e2e

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

func TestCategoryCreateAndGet(t *testing.T) {
	admin := stack.NewUser(t)
	org := admin.CreateOrganization(testkit.Unique("Categories "))
	name := testkit.Unique("Nid de poule ")
	r := admin.Post("/organizations/"+org+"/categories", map[string]any{"name": " " + name + " ", "color": "#ff0000", "icon": "fa-bug"}).
		Expect(http.StatusCreated)
	id := r.Str("id")
	if _, err := uuid.Parse(id); err != nil || r.Str("type") != "Category" || r.Str("name") != name || r.Str("color") != "#ff0000" ||
		r.Str("icon") != "fa-bug" || r.Str("identificationNumber") != "" || r.At("identificationNumber") == nil ||
		r.Str("createdAt") == "" || r.Str("updatedAt") == "" {
		t.Fatalf("created category: %s", r.Body)
	}
	if r.Str("_links.self.href") != "/categories/"+id || r.Str("_links.self.iriTemplate.mapping.category") != id ||
		r.Str("_links.organization.href") != "/organizations/"+org || r.Str("_links.organization.iriTemplate.mapping.organization") != org {
		t.Fatalf("category links: %s", r.Body)
	}
	got := stack.NewUser(t).Get("/categories/" + id).Expect(http.StatusOK) // any signed-in user reads it
	if got.Str("name") != name || got.Str("color") != "#ff0000" || got.Str("icon") != "fa-bug" || got.Str("createdAt") != r.Str("createdAt") {
		t.Fatalf("read category: %s", got.Body)
	}
	expectIDs(t, admin.Get("/organizations/"+org+"/categories").Expect(http.StatusOK), id)

	admin.Get("/categories/not-a-uuid").ExpectError(http.StatusNotFound)
	admin.Get("/categories/" + uuid.NewString()).ExpectError(http.StatusNotFound)
	body := map[string]any{"name": "x", "color": "#000000", "icon": "fa-bug"}
	admin.Post("/organizations/"+uuid.NewString()+"/categories", body).ExpectError(http.StatusNotFound)
	admin.Post("/organizations/not-a-uuid/categories", body).ExpectError(http.StatusNotFound)
	admin.Get("/organizations/" + uuid.NewString() + "/categories").ExpectError(http.StatusNotFound)
	stack.Client(t).Get("/categories/" + id).ExpectError(http.StatusUnauthorized)
	stack.Client(t).Get("/categories").ExpectError(http.StatusUnauthorized)
}

func TestCategoryValidation(t *testing.T) {
	admin := stack.NewUser(t)
	org := admin.CreateOrganization(testkit.Unique("Invalid categories "))
	cases := []struct {
		name  string
		body  any
		paths []string
	}{
		{"nothing", map[string]any{}, []string{"name", "color", "icon"}},
		{"blank fields", map[string]any{"name": " ", "color": "", "icon": " "}, []string{"name", "color", "icon"}},
		{"color name", map[string]any{"name": "a", "color": "red", "icon": "fa-bug"}, []string{"color"}},
		{"short color", map[string]any{"name": "a", "color": "#12345", "icon": "fa-bug"}, []string{"color"}},
		{"color without #", map[string]any{"name": "a", "color": "123456", "icon": "fa-bug"}, []string{"color"}},
		{"color not hexadecimal", map[string]any{"name": "a", "color": "#GG0000", "icon": "fa-bug"}, []string{"color"}},
		{"long name", map[string]any{"name": strings.Repeat("n", 256), "color": "#123456", "icon": "fa-bug"}, []string{"name"}},
		{"color of the wrong type", map[string]any{"name": "a", "color": 123456, "icon": "fa-bug"}, []string{"color"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			admin.With(func(c *testkit.Client) { c.T = t }).Post("/organizations/"+org+"/categories", tc.body).
				ExpectError(http.StatusBadRequest, tc.paths...)
		})
	}
	if n := admin.Get("/organizations/" + org + "/categories").Expect(http.StatusOK).Num("total"); n != 0 {
		t.Fatalf("invalid categories were stored: %v", n)
	}
	r := admin.With(func(c *testkit.Client) { c.Lang = "en-US" }).Post("/organizations/"+org+"/categories",
		map[string]any{"name": "a", "color": "red", "icon": "fa-bug"}).ExpectError(http.StatusBadRequest, "color")
	if !strings.Contains(r.Str("_embedded.errors.0.message"), "#rrggbb") {
		t.Fatalf("color message: %s", r.Body)
	}
}

func TestCategoryPatch(t *testing.T) {
	admin := stack.NewUser(t)
	org := admin.CreateOrganization(testkit.Unique("Patched categories "))
	id := admin.CreateCategory(org, "Graffiti", "#00ff00", "fa-paint-brush")
	path := "/categories/" + id
	before := admin.Get(path).Expect(http.StatusOK)

	// Others may not change it.
	member := stack.NewUser(t)
	admin.AddMember(org, member.PersonID)
	agent := stack.NewUser(t)
	admin.AddMember(org, agent.PersonID, "ORGANIZATION:AGENT")
	stranger := stack.NewUser(t)
	for _, c := range []*testkit.Client{member, agent, stranger} {
		c.Get(path).Expect(http.StatusOK)
		c.Patch(path, map[string]any{"name": "Hijacked", "color": "#000000"}).ExpectError(http.StatusForbidden)
		c.Post("/organizations/"+org+"/categories", map[string]any{"name": "Intruder", "color": "#000000", "icon": "fa-bug"}).
			ExpectError(http.StatusForbidden)
	}
	after := admin.Get(path).Expect(http.StatusOK)
	for _, f := range []string{"name", "color", "icon", "identificationNumber", "updatedAt"} {
		if after.Str(f) != before.Str(f) {
			t.Fatalf("%s changed by a non-admin: %s", f, after.Body)
		}
	}
	expectIDs(t, admin.Get("/organizations/"+org+"/categories").Expect(http.StatusOK), id)

	// The admin changes every field, then some.
	r := admin.Patch(path, map[string]any{"name": "Tags", "color": "#0000FF", "icon": "fa-tint", "identificationNumber": "CAT-7"}).Expect(http.StatusOK)
	if r.Str("name") != "Tags" || r.Str("color") != "#0000FF" || r.Str("icon") != "fa-tint" || r.Str("identificationNumber") != "CAT-7" ||
		r.Str("updatedAt") == before.Str("updatedAt") || r.Str("createdAt") != before.Str("createdAt") {
		t.Fatalf("patched category: %s", r.Body)
	}
	r = admin.Patch(path, map[string]any{"icon": "fa-trash"}).Expect(http.StatusOK)
	if r.Str("name") != "Tags" || r.Str("color") != "#0000FF" || r.Str("icon") != "fa-trash" || r.Str("identificationNumber") != "CAT-7" {
		t.Fatalf("partial patch: %s", r.Body)
	}
	if got := admin.Get(path).Expect(http.StatusOK); got.Str("icon") != "fa-trash" {
		t.Fatalf("patch not stored: %s", got.Body)
	}
	admin.Patch(path, map[string]any{"identificationNumber": ""}).Expect(http.StatusOK) // may be cleared

	admin.Patch(path, map[string]any{"color": "blue"}).ExpectError(http.StatusBadRequest, "color")
	admin.Patch(path, map[string]any{"color": ""}).ExpectError(http.StatusBadRequest, "color")
	admin.Patch(path, map[string]any{"name": " "}).ExpectError(http.StatusBadRequest, "name")
	admin.Patch(path, map[string]any{"icon": ""}).ExpectError(http.StatusBadRequest, "icon")
	admin.Patch(path, map[string]any{"identificationNumber": strings.Repeat("9", 256)}).ExpectError(http.StatusBadRequest, "identificationNumber")
	if got := admin.Get(path).Expect(http.StatusOK); got.Str("name") != "Tags" || got.Str("color") != "#0000FF" || got.Str("icon") != "fa-trash" {
		t.Fatalf("invalid patch applied: %s", got.Body)
	}
	admin.Patch("/categories/not-a-uuid", map[string]any{"name": "x"}).ExpectError(http.StatusNotFound)
	admin.Patch("/categories/"+uuid.NewString(), map[string]any{"name": "x"}).ExpectError(http.StatusNotFound)
}

func TestCategoryApplicationIsolation(t *testing.T) {
	u := stack.NewUser(t)
	city := asApp(u, "com.keyclic.city")
	org := city.Post("/organizations", map[string]string{"name": testkit.Unique("Ville "), "businessActivity": testkit.BusinessActivityRoads}).
		Expect(http.StatusCreated).Str("id")
	o := testkit.RandomArea()
	city.CreatePlace(org, "Centre", testkit.Box(o.Lat, o.Lon, o.Lat+0.1, o.Lon+0.1))
	name := testkit.Unique("City category ")
	id := city.CreateCategory(org, name, "#abcdef", "fa-road")
	inside := testkit.GeoCoordinates(o.Offset(0.05, 0.05))

	city.Get("/categories/" + id).Expect(http.StatusOK)
	expectIDs(t, city.Get("/categories?search[name]="+url.QueryEscape(name)).Expect(http.StatusOK), id)
	expectIDs(t, city.Get("/categories?geo_coordinates="+inside).Expect(http.StatusOK), id)
	expectIDs(t, city.Get("/organizations/"+org+"/categories").Expect(http.StatusOK), id)

	u.Get("/categories/" + id).ExpectError(http.StatusNotFound)
	expectIDs(t, u.Get("/categories?search[name]="+url.QueryEscape(name)).Expect(http.StatusOK))
	expectIDs(t, u.Get("/categories?geo_coordinates="+inside).Expect(http.StatusOK))
	expectIDs(t, u.Get("/categories?organization="+org).Expect(http.StatusOK))
	u.Get("/organizations/" + org + "/categories").ExpectError(http.StatusNotFound)
	u.Post("/organizations/"+org+"/categories", map[string]any{"name": "x", "color": "#000000", "icon": "fa-bug"}).ExpectError(http.StatusNotFound)
	u.Patch("/categories/"+id, map[string]any{"name": "Moved"}).ExpectError(http.StatusNotFound)
	if got := city.Get("/categories/" + id).Expect(http.StatusOK); got.Str("name") != name {
		t.Fatalf("category changed from another application: %s", got.Body)
	}
}

func TestCategoryFilters(t *testing.T) {
	admin := stack.NewUser(t)
	token := testkit.Unique("k")
	roads := admin.CreateOrganization(testkit.Unique("Roads "))
	cleaning := createOrganizationOf(admin, testkit.Unique("Cleaning "), activityCleaning)
	bare := admin.CreateOrganization(testkit.Unique("No place ")) // an organization without places

	// roads acts in a square with a hole; cleaning in a square overlapping its north-east corner.
	o := testkit.RandomArea()
	admin.CreatePlace(roads, "Square", testkit.Box(o.Lat, o.Lon, o.Lat+0.1, o.Lon+0.1), testkit.Box(o.Lat+0.03, o.Lon+0.03, o.Lat+0.07, o.Lon+0.07))
	admin.CreatePlace(cleaning, "Corner", testkit.Box(o.Lat+0.08, o.Lon+0.08, o.Lat+0.12, o.Lon+0.12))

	create := func(org, name, color, icon string) string {
		t.Helper()
		return admin.Post("/organizations/"+org+"/categories", map[string]any{"name": name + " " + token, "color": color, "icon": icon}).
			Expect(http.StatusCreated).Str("id")
	}
	pothole := create(roads, "Nid de poule", "#FF0000", "fa-road")
	lamp := create(roads, "Lampadaire", "#ffcc00", "fa-lightbulb-o")
	litter := create(cleaning, "Dépôt sauvage", "#00aa00", "fa-trash")
	sign := create(bare, "Panneau", "#0000ff", "fa-sign")
	admin.Patch("/categories/"+lamp, map[string]any{"identificationNumber": "LAMP-" + token}).Expect(http.StatusOK)

	list := func(query string) *testkit.Response {
		t.Helper()
		return admin.Get("/categories?" + query).Expect(http.StatusOK)
	}
	at := func(dLat, dLon float64) string { return testkit.GeoCoordinates(o.Offset(dLat, dLon)) }

	// organization
	expectIDs(t, list("organization="+roads), lamp, pothole)
	expectIDs(t, list("organization="+cleaning), litter)
	expectIDs(t, admin.Get("/organizations/"+roads+"/categories").Expect(http.StatusOK), lamp, pothole)
	expectIDs(t, admin.Get("/organizations/"+bare+"/categories").Expect(http.StatusOK), sign)

	// geo_coordinates / geo_point: categories of the organizations having a place covering the point
	expectIDs(t, list("geo_coordinates="+at(0.01, 0.01)), lamp, pothole)
	expectIDs(t, list("geo_point="+at(0.01, 0.01)), lamp, pothole)
	expectIDs(t, list("geo_coordinates="+at(0, 0.05)), lamp, pothole) // on an edge
	expectIDs(t, list("geo_coordinates="+at(0.05, 0.05)))             // in the hole
	expectIDs(t, list("geo_coordinates="+at(0.09, 0.09)), litter, lamp, pothole)
	expectIDs(t, list("geo_coordinates="+at(0.11, 0.11)), litter)
	expectIDs(t, list("geo_coordinates="+at(0.2, 0.2)))
	expectIDs(t, admin.Get("/organizations/"+roads+"/categories?geo_coordinates="+at(0.11, 0.11)).Expect(http.StatusOK))
	expectIDs(t, admin.Get("/organizations/"+roads+"/categories?geo_coordinates="+at(0.09, 0.09)).Expect(http.StatusOK), lamp, pothole)

	// business_activity
	expectIDs(t, list("business_activity="+activityCleaning+"&geo_coordinates="+at(0.09, 0.09)), litter)
	expectIDs(t, list("business_activity="+testkit.BusinessActivityRoads+"&geo_coordinates="+at(0.09, 0.09)), lamp, pothole)
	expectIDs(t, list("business_activity="+activityCleaning+"&organization="+roads))
	expectIDs(t, list("business_activity="+testkit.BusinessActivityRoads+"&search[name]="+token), sign, lamp, pothole)

	// search[...]: case-insensitive substrings
	expectIDs(t, list("search[name]="+token), sign, litter, lamp, pothole)
	expectIDs(t, list("search[name]="+url.QueryEscape("NID DE POULE "+token)), pothole)
	expectIDs(t, list("search[name]="+url.QueryEscape("dépôt")+"&organization="+cleaning), litter)
	expectIDs(t, list("search[color]="+url.QueryEscape("#ff0000")+"&search[name]="+token), pothole)
	expectIDs(t, list("search[color]=FF&search[name]="+token), sign, lamp, pothole)
	expectIDs(t, list("search[icon]=trash&search[name]="+token), litter)
	expectIDs(t, list("search[icon]=fa-&search[name]="+token), sign, litter, lamp, pothole)
	expectIDs(t, list("search[identificationNumber]="+strings.ToLower("lamp-"+token)), lamp)
	expectIDs(t, list("search[identificationNumber]=%25"+"&search[name]="+token)) // % is literal

	// paging and order
	r := list("search[name]=" + token + "&limit=3")
	if r.Num("total") != 4 || r.Num("pages") != 2 || len(r.IDs()) != 3 || r.IDs()[0] != sign {
		t.Fatalf("first page: %s", r.Body)
	}
	if r := list("search[name]=" + token + "&limit=3&page=2"); r.Num("total") != 4 || r.Num("page") != 2 || !slices.Equal(r.IDs(), []string{pothole}) {
		t.Fatalf("second page: %s", r.Body)
	}
	if ids := list("search[name]=" + token + "&order=asc").IDs(); len(ids) != 4 || ids[0] != pothole || ids[3] != sign {
		t.Fatalf("ascending order: %v", ids)
	}
	expectIDs(t, list("search[name]="+token+"&after=2999-01-01"))

	bad := map[string]string{
		"organization=x":        "organization",
		"business_activity=x":   "business_activity",
		"geo_coordinates=north": "geo_coordinates",
		"geo_point=%2B44.85":    "geo_point",
		"limit=0":               "limit",
		"order=random":          "order",
		"before=2020-13-45":     "before",
	}
	for q, path := range bad {
		admin.Get("/categories?"+q).ExpectError(http.StatusBadRequest, path)
		if path != "organization" {
			admin.Get("/organizations/"+roads+"/categories?"+q).ExpectError(http.StatusBadRequest, path)
		}
	}
}
