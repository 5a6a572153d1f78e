package e2e

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// activityCleaning is a second business activity every database starts with.
const activityCleaning = "4bff7cb9-0fd2-4b44-9b0e-f6d17bb40002"

// asApp acts as c in another application.
func asApp(c *testkit.Client, key string) *testkit.Client {
	return c.With(func(c *testkit.Client) { c.App = key })
}

// createOrganizationOf creates an organization of the given business activity administered by c.
func createOrganizationOf(c *testkit.Client, name, activity string) string {
	c.T.Helper()
	return c.Post("/organizations", map[string]string{"name": name, "businessActivity": activity}).
		Expect(http.StatusCreated).Str("id")
}

// expectIDs fails unless the collection holds exactly want, in that order.
func expectIDs(t *testing.T, r *testkit.Response, want ...string) {
	t.Helper()
	got := r.IDs()
	if len(got) != len(want) || !slices.Equal(got, want) || int(r.Num("total")) != len(want) {
		t.Fatalf("got ids %v (total %v), want %v; body: %s", got, r.Num("total"), want, r.Body)
	}
}

// parisPolygon is the example of the service's documentation (Paris).
var parisPolygon = []testkit.LatLon{
	{Lat: 48.84088179130599, Lon: 2.373991012573242},
	{Lat: 48.84205393836751, Lon: 2.3763084411621094},
	{Lat: 48.84189859515306, Lon: 2.376694679260254},
	{Lat: 48.84041574931067, Lon: 2.3787975311279297},
	{Lat: 48.839031720249054, Lon: 2.376115322113037},
	{Lat: 48.84088179130599, Lon: 2.373991012573242},
}

// shiftedPolygon is the documentation's example moved to a random area (tests sharing the database
// must not meet in Paris), keeping its shape and its full-precision coordinates.
func shiftedPolygon() []testkit.LatLon {
	o := testkit.RandomArea()
	out := make([]testkit.LatLon, len(parisPolygon))
	for i, p := range parisPolygon {
		out[i] = p.Offset(o.Lat-parisPolygon[0].Lat, o.Lon-parisPolygon[0].Lon)
	}
	return out
}

// ringOf reads ring i of a place's polygon, a GeoJSON FeatureCollection of one Polygon.
func ringOf(t *testing.T, r *testkit.Response, i int) []testkit.LatLon {
	t.Helper()
	if r.Str("geo.polygon.type") != "FeatureCollection" || r.Str("geo.polygon.features.0.geometry.type") != "Polygon" {
		t.Fatalf("polygon is not a FeatureCollection of a Polygon: %s", r.Body)
	}
	var out []testkit.LatLon
	for _, p := range r.List(fmt.Sprintf("geo.polygon.features.0.geometry.coordinates.%d", i)) {
		pos, _ := p.([]any)
		if len(pos) != 2 {
			t.Fatalf("position %v of ring %d: %s", p, i, r.Body)
		}
		lon, ok1 := pos[0].(float64)
		lat, ok2 := pos[1].(float64)
		if !ok1 || !ok2 {
			t.Fatalf("position %v of ring %d: %s", p, i, r.Body)
		}
		out = append(out, testkit.LatLon{Lat: lat, Lon: lon})
	}
	return out
}

func TestPlaceCreateAndGet(t *testing.T) {
	admin := stack.NewUser(t)
	org := admin.CreateOrganization(testkit.Unique("Places "))
	name := testkit.Unique("Bercy ")
	samplePolygon := shiftedPolygon()
	r := admin.Post("/organizations/"+org+"/places", map[string]any{
		"name": name, "branchCode": "PAR-12", "elevation": 35.5, "polygon": testkit.Polygon(samplePolygon),
	}).Expect(http.StatusCreated)
	id := r.Str("id")
	if _, err := uuid.Parse(id); err != nil || r.Str("type") != "Place" || r.Str("name") != name ||
		r.Str("branchCode") != "PAR-12" || r.Num("geo.elevation") != 35.5 ||
		r.Str("createdAt") == "" || r.Str("updatedAt") == "" {
		t.Fatalf("created place: %s", r.Body)
	}
	if got := ringOf(t, r, 0); !slices.Equal(got, samplePolygon) || len(r.List("geo.polygon.features.0.geometry.coordinates")) != 1 {
		t.Fatalf("polygon changed: got %v, want %v", got, samplePolygon)
	}
	if r.Str("_links.self.href") != "/places/"+id || r.Str("_links.self.iriTemplate.mapping.place") != id ||
		r.Str("_links.organization.href") != "/organizations/"+org || r.Str("_links.organization.iriTemplate.mapping.organization") != org {
		t.Fatalf("place links: %s", r.Body)
	}

	// Anyone signed in reads it, identical.
	got := stack.NewUser(t).Get("/places/" + id).Expect(http.StatusOK)
	if got.Str("name") != name || got.Str("createdAt") != r.Str("createdAt") || !slices.Equal(ringOf(t, got, 0), samplePolygon) {
		t.Fatalf("read place: %s", got.Body)
	}
	if !strings.HasPrefix(got.Header.Get("Content-Type"), "application/hal+json") {
		t.Fatalf("content type %q", got.Header.Get("Content-Type"))
	}

	// Optional fields: no branch code, no elevation.
	base := testkit.RandomArea()
	r = admin.Post("/organizations/"+org+"/places", map[string]any{
		"name": "Bare", "polygon": testkit.Polygon(testkit.Box(base.Lat, base.Lon, base.Lat+0.1, base.Lon+0.1)),
	}).Expect(http.StatusCreated)
	if r.Str("branchCode") != "" || r.At("geo.elevation") != nil {
		t.Fatalf("place without optional fields: %s", r.Body)
	}

	// WKT, longitude first, with a hole; also as EWKT. (Coordinates in a random area, rounded.)
	w := testkit.RandomArea()
	lat, lon := math.Round(w.Lat*10)/10, math.Round(w.Lon*10)/10
	wkt := fmt.Sprintf("POLYGON((%[2]g %[1]g, %[4]g %[1]g, %[4]g %[3]g, %[2]g %[3]g, %[2]g %[1]g), (%[6]g %[5]g,%[8]g %[5]g,%[8]g %[7]g,%[6]g %[5]g))",
		lat, lon, lat+0.1, lon+0.1, lat+0.04, lon+0.04, lat+0.06, lon+0.06)
	r = admin.Post("/organizations/"+org+"/places", map[string]any{"name": "WKT", "polygon": wkt}).Expect(http.StatusCreated)
	wantOuter := []testkit.LatLon{testkit.Pt(lat, lon), testkit.Pt(lat, lon+0.1), testkit.Pt(lat+0.1, lon+0.1), testkit.Pt(lat+0.1, lon), testkit.Pt(lat, lon)}
	wantHole := []testkit.LatLon{testkit.Pt(lat+0.04, lon+0.04), testkit.Pt(lat+0.04, lon+0.06), testkit.Pt(lat+0.06, lon+0.06), testkit.Pt(lat+0.04, lon+0.04)}
	if !slices.Equal(ringOf(t, r, 0), wantOuter) || !slices.Equal(ringOf(t, r, 1), wantHole) {
		t.Fatalf("WKT polygon read as %s", r.Body)
	}
	admin.Post("/organizations/"+org+"/places", map[string]any{"name": "EWKT", "polygon": "SRID=4326;" + wkt}).Expect(http.StatusCreated)

	// The object form sent as a JSON string (the old client types polygon as a string).
	triangle := []testkit.LatLon{testkit.Pt(lat, lon), testkit.Pt(lat, lon+1), testkit.Pt(lat+1, lon+1), testkit.Pt(lat, lon)}
	obj, err := json.Marshal(testkit.Polygon(triangle))
	if err != nil {
		t.Fatal(err)
	}
	r = admin.Post("/organizations/"+org+"/places", map[string]any{"name": "String", "polygon": string(obj)}).Expect(http.StatusCreated)
	if !slices.Equal(ringOf(t, r, 0), triangle) {
		t.Fatalf("object-in-string polygon read as %s", r.Body)
	}

	if n := admin.Get("/organizations/" + org + "/places").Expect(http.StatusOK).Num("total"); n != 5 {
		t.Fatalf("organization has %v places, want 5", n)
	}

	admin.Get("/places/not-a-uuid").ExpectError(http.StatusNotFound)
	admin.Get("/places/" + uuid.NewString()).ExpectError(http.StatusNotFound)
	body := map[string]any{"name": "x", "polygon": testkit.Polygon(samplePolygon)}
	admin.Post("/organizations/"+uuid.NewString()+"/places", body).ExpectError(http.StatusNotFound)
	admin.Post("/organizations/not-a-uuid/places", body).ExpectError(http.StatusNotFound)
	admin.Get("/organizations/" + uuid.NewString() + "/places").ExpectError(http.StatusNotFound)
	admin.Get("/organizations/not-a-uuid/places").ExpectError(http.StatusNotFound)
	stack.Client(t).Get("/places/" + id).ExpectError(http.StatusUnauthorized)
	stack.Client(t).Get("/places").ExpectError(http.StatusUnauthorized)
}

func TestPlaceValidation(t *testing.T) {
	admin := stack.NewUser(t)
	org := admin.CreateOrganization(testkit.Unique("Invalid places "))
	square := testkit.Box(10, 10, 11, 11)
	with := func(i int, p testkit.LatLon) []testkit.LatLon {
		r := slices.Clone(square)
		r[i] = p
		return r
	}
	cases := []struct {
		name  string
		body  any
		paths []string
	}{
		{"no polygon", map[string]any{"name": "a"}, []string{"polygon"}},
		{"null polygon", map[string]any{"name": "a", "polygon": nil}, []string{"polygon"}},
		{"empty polygon text", map[string]any{"name": "a", "polygon": " "}, []string{"polygon"}},
		{"no name", map[string]any{"polygon": testkit.Polygon(square)}, []string{"name"}},
		{"blank name and no polygon", map[string]any{"name": "  "}, []string{"name", "polygon"}},
		{"long branch code", map[string]any{"name": "a", "branchCode": strings.Repeat("b", 256), "polygon": testkit.Polygon(square)}, []string{"branchCode"}},
		{"no ring", map[string]any{"name": "a", "polygon": map[string]any{"rings": []any{}, "srid": 4326}}, []string{"polygon"}},
		{"rings missing", map[string]any{"name": "a", "polygon": map[string]any{"srid": 4326}}, []string{"polygon"}},
		{"closed ring of three points", map[string]any{"name": "a", "polygon": testkit.Polygon([]testkit.LatLon{testkit.Pt(10, 10), testkit.Pt(10, 11), testkit.Pt(10, 10)})}, []string{"polygon"}},
		{"two short rings", map[string]any{"name": "a", "polygon": testkit.Polygon(square[:2], nil)}, []string{"polygon", "polygon"}},
		{"triangle not closed", map[string]any{"name": "a", "polygon": testkit.Polygon(square[:3])}, []string{"polygon"}},
		{"ring not closed", map[string]any{"name": "a", "polygon": testkit.Polygon(square[:4])}, []string{"polygon"}},
		{"hole not closed", map[string]any{"name": "a", "polygon": testkit.Polygon(square, testkit.Box(10.2, 10.2, 10.4, 10.4)[:4])}, []string{"polygon"}},
		{"latitude out of range", map[string]any{"name": "a", "polygon": testkit.Polygon(with(2, testkit.LatLon{Lat: 91, Lon: 11}))},
			[]string{"polygon.rings[0].points[2].latitude"}},
		{"longitude out of range", map[string]any{"name": "a", "polygon": testkit.Polygon(with(1, testkit.LatLon{Lat: 10, Lon: -181}))},
			[]string{"polygon.rings[0].points[1].longitude"}},
		{"hole coordinate out of range", map[string]any{"name": "a", "polygon": testkit.Polygon(square,
			[]testkit.LatLon{testkit.Pt(10.2, 10.2), testkit.Pt(10.2, 10.4), testkit.Pt(-90.5, 10.4), testkit.Pt(10.2, 10.2)})}, []string{"polygon.rings[1].points[2].latitude"}},
		{"missing latitude", map[string]any{"name": "a", "polygon": map[string]any{"rings": []any{map[string]any{"points": []any{
			map[string]any{"latitude": 10, "longitude": 10}, map[string]any{"longitude": 11}, map[string]any{"latitude": 11, "longitude": 11},
			map[string]any{"latitude": 10, "longitude": 10}}}}}}, []string{"polygon.rings[0].points[1].latitude"}},
		{"srid", map[string]any{"name": "a", "polygon": map[string]any{"rings": testkit.Polygon(square)["rings"], "srid": 3857}}, []string{"polygon"}},
		{"bow-tie", map[string]any{"name": "a", "polygon": testkit.Polygon([]testkit.LatLon{testkit.Pt(10, 10), testkit.Pt(11, 11), testkit.Pt(11, 10), testkit.Pt(10, 11), testkit.Pt(10, 10)})}, []string{"polygon"}},
		{"hole outside the boundary", map[string]any{"name": "a", "polygon": testkit.Polygon(square, testkit.Box(20, 20, 21, 21))}, []string{"polygon"}},
		{"flat ring", map[string]any{"name": "a", "polygon": testkit.Polygon([]testkit.LatLon{testkit.Pt(10, 10), testkit.Pt(10, 11), testkit.Pt(10, 12), testkit.Pt(10, 10)})}, []string{"polygon"}},
		{"polygon of the wrong type", map[string]any{"name": "a", "polygon": 42}, []string{"polygon"}},
		{"points of the wrong type", map[string]any{"name": "a", "polygon": map[string]any{"rings": []any{map[string]any{"points": "x"}}}}, []string{"polygon"}},
		{"elevation of the wrong type", map[string]any{"name": "a", "elevation": "high", "polygon": testkit.Polygon(square)}, []string{"elevation"}},
		{"WKT garbage", map[string]any{"name": "a", "polygon": "POLYGON((1 2, 3))"}, []string{"polygon"}},
		{"WKT not a polygon", map[string]any{"name": "a", "polygon": "LINESTRING(1 2, 3 4)"}, []string{"polygon"}},
		{"WKT empty", map[string]any{"name": "a", "polygon": "POLYGON EMPTY"}, []string{"polygon"}},
		{"WKT three points", map[string]any{"name": "a", "polygon": "POLYGON((10 10, 11 10, 10 10))"}, []string{"polygon"}},
		{"WKT not closed", map[string]any{"name": "a", "polygon": "POLYGON((10 10, 11 10, 11 11, 10 11))"}, []string{"polygon"}},
		{"WKT latitude out of range", map[string]any{"name": "a", "polygon": "POLYGON((10 10, 11 10, 11 95, 10 10))"}, []string{"polygon.rings[0].points[2].latitude"}},
		{"WKT bow-tie", map[string]any{"name": "a", "polygon": "POLYGON((10 10, 11 11, 10 11, 11 10, 10 10))"}, []string{"polygon"}},
		{"WKT srid", map[string]any{"name": "a", "polygon": "SRID=3857;POLYGON((10 10, 11 10, 11 11, 10 10))"}, []string{"polygon"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := admin.With(func(c *testkit.Client) { c.T = t })
			c.Post("/organizations/"+org+"/places", tc.body).ExpectError(http.StatusBadRequest, tc.paths...)
		})
	}
	if n := admin.Get("/organizations/" + org + "/places").Expect(http.StatusOK).Num("total"); n != 0 {
		t.Fatalf("invalid places were stored: %v", n)
	}

	// The messages follow Accept-Language.
	bowTie := map[string]any{"name": "a", "polygon": "POLYGON((10 10, 11 11, 10 11, 11 10, 10 10))"}
	en := admin.With(func(c *testkit.Client) { c.Lang = "en-US" }).Post("/organizations/"+org+"/places", bowTie).ExpectError(http.StatusBadRequest, "polygon")
	fr := admin.With(func(c *testkit.Client) { c.Lang = "fr-FR" }).Post("/organizations/"+org+"/places", bowTie).ExpectError(http.StatusBadRequest, "polygon")
	if !strings.Contains(en.Str("_embedded.errors.0.message"), "not valid") || !strings.Contains(fr.Str("_embedded.errors.0.message"), "n'est pas valide") {
		t.Fatalf("messages: %s / %s", en.Body, fr.Body)
	}
	r := admin.With(func(c *testkit.Client) { c.Lang = "en-US" }).Post("/organizations/"+org+"/places",
		map[string]any{"name": "a", "polygon": testkit.Polygon(square[:4])}).ExpectError(http.StatusBadRequest, "polygon")
	if !strings.Contains(r.Str("_embedded.errors.0.message"), "closed") {
		t.Fatalf("unclosed ring message: %s", r.Body)
	}
}

func TestPlacePermissions(t *testing.T) {
	admin := stack.NewUser(t)
	org := admin.CreateOrganization(testkit.Unique("Guarded places "))
	member := stack.NewUser(t)
	admin.AddMember(org, member.PersonID)
	agent := stack.NewUser(t)
	admin.AddMember(org, agent.PersonID, "ORGANIZATION:AGENT", "ORGANIZATION:OPERATOR")
	stranger := stack.NewUser(t)
	otherAdmin := stack.NewUser(t)
	otherAdmin.CreateOrganization(testkit.Unique("Other "))

	o := testkit.RandomArea()
	box := testkit.Box(o.Lat, o.Lon, o.Lat+1, o.Lon+1)
	body := map[string]any{"name": "Intruder", "polygon": testkit.Polygon(box)}
	for _, c := range []*testkit.Client{member, agent, stranger, otherAdmin} {
		c.Post("/organizations/"+org+"/places", body).ExpectError(http.StatusForbidden)
	}
	if n := admin.Get("/organizations/" + org + "/places").Expect(http.StatusOK).Num("total"); n != 0 {
		t.Fatalf("a non-admin created a place: %v", n)
	}

	id := admin.CreatePlace(org, "Port", box)
	before := admin.Get("/places/" + id).Expect(http.StatusOK)
	for _, c := range []*testkit.Client{member, agent, stranger, otherAdmin} {
		c.Get("/places/" + id).Expect(http.StatusOK)
		c.Get("/organizations/" + org + "/places").Expect(http.StatusOK)
		c.Patch("/places/"+id, map[string]any{"name": "Hijacked", "branchCode": "X"}).ExpectError(http.StatusForbidden)
	}
	after := admin.Get("/places/" + id).Expect(http.StatusOK)
	if after.Str("name") != "Port" || after.Str("branchCode") != "" || after.Str("updatedAt") != before.Str("updatedAt") {
		t.Fatalf("place changed by a non-admin: %s", after.Body)
	}

	// The admin renames it; the polygon stays.
	r := admin.Patch("/places/"+id, map[string]any{"name": " Port de la Lune ", "branchCode": "BX-1"}).Expect(http.StatusOK)
	if r.Str("name") != "Port de la Lune" || r.Str("branchCode") != "BX-1" || !slices.Equal(ringOf(t, r, 0), box) ||
		r.Str("updatedAt") == before.Str("updatedAt") {
		t.Fatalf("patched place: %s", r.Body)
	}
	r = admin.Patch("/places/"+id, map[string]any{"branchCode": "BX-2"}).Expect(http.StatusOK)
	if r.Str("name") != "Port de la Lune" || r.Str("branchCode") != "BX-2" {
		t.Fatalf("partial patch: %s", r.Body)
	}
	admin.Patch("/places/"+id, map[string]any{"name": ""}).ExpectError(http.StatusBadRequest, "name")
	admin.Patch("/places/"+id, map[string]any{"name": strings.Repeat("n", 256)}).ExpectError(http.StatusBadRequest, "name")
	admin.Patch("/places/"+id, map[string]any{"name": 3}).ExpectError(http.StatusBadRequest, "name")
	if got := admin.Get("/places/" + id).Expect(http.StatusOK); got.Str("name") != "Port de la Lune" {
		t.Fatalf("invalid patch applied: %s", got.Body)
	}
	admin.Patch("/places/not-a-uuid", map[string]any{"name": "x"}).ExpectError(http.StatusNotFound)
	admin.Patch("/places/"+uuid.NewString(), map[string]any{"name": "x"}).ExpectError(http.StatusNotFound)
	stack.Client(t).Patch("/places/"+id, map[string]any{"name": "x"}).ExpectError(http.StatusUnauthorized)
}

func TestPlaceApplicationIsolation(t *testing.T) {
	u := stack.NewUser(t)
	city := asApp(u, "com.keyclic.city")
	org := city.Post("/organizations", map[string]string{"name": testkit.Unique("Ville "), "businessActivity": testkit.BusinessActivityRoads}).
		Expect(http.StatusCreated).Str("id")
	base := testkit.RandomArea()
	name := testkit.Unique("City place ")
	id := city.CreatePlace(org, name, testkit.Box(base.Lat, base.Lon, base.Lat+0.1, base.Lon+0.1))
	inside := testkit.GeoCoordinates(base.Offset(0.05, 0.05))
	hash := testkit.GeoHash(base.Offset(0.05, 0.05), 5)

	// Visible in its application.
	city.Get("/places/" + id).Expect(http.StatusOK)
	expectIDs(t, city.Get("/places?geo_coordinates="+inside), id)
	expectIDs(t, city.Get("/places?geo_hash[]="+hash), id)
	expectIDs(t, city.Get("/places?search[name]="+url.QueryEscape(name)), id)
	expectIDs(t, city.Get("/organizations/"+org+"/places"), id)

	// Invisible and unusable in another.
	u.Get("/places/" + id).ExpectError(http.StatusNotFound)
	expectIDs(t, u.Get("/places?geo_coordinates="+inside))
	expectIDs(t, u.Get("/places?geo_hash[]="+hash))
	expectIDs(t, u.Get("/places?search[name]="+url.QueryEscape(name)))
	expectIDs(t, u.Get("/places?organization="+org))
	u.Get("/organizations/" + org + "/places").ExpectError(http.StatusNotFound)
	u.Post("/organizations/"+org+"/places", map[string]any{"name": "x", "polygon": testkit.Polygon(testkit.Box(base.Lat, base.Lon, base.Lat+1, base.Lon+1))}).
		ExpectError(http.StatusNotFound)
	u.Patch("/places/"+id, map[string]any{"name": "Moved"}).ExpectError(http.StatusNotFound)
	if got := city.Get("/places/" + id).Expect(http.StatusOK); got.Str("name") != name {
		t.Fatalf("place changed from another application: %s", got.Body)
	}
	expectIDs(t, city.Get("/organizations/"+org+"/places"), id)
}

func TestPlaceFilters(t *testing.T) {
	admin := stack.NewUser(t)
	token := testkit.Unique("f")
	roads := admin.CreateOrganization(testkit.Unique("Roads "))
	cleaning := createOrganizationOf(admin, testkit.Unique("Cleaning "), activityCleaning)

	// A: a 0.1° square with a 0.04° hole in its middle; B: a square 0.2° north of A;
	// C (another organization, another activity): overlaps the north-east corner of A.
	o := testkit.RandomArea()
	boxA := testkit.Box(o.Lat, o.Lon, o.Lat+0.1, o.Lon+0.1)
	hole := testkit.Box(o.Lat+0.03, o.Lon+0.03, o.Lat+0.07, o.Lon+0.07)
	a := admin.Post("/organizations/"+roads+"/places", map[string]any{
		"name": "Quai des Chartrons " + token, "branchCode": "QC-" + token, "elevation": 12.5, "polygon": testkit.Polygon(boxA, hole),
	}).Expect(http.StatusCreated).Str("id")
	b := admin.Post("/organizations/"+roads+"/places", map[string]any{
		"name": "Gare Saint-Jean " + token, "branchCode": "GSJ-" + token, "elevation": 30, "polygon": testkit.Polygon(testkit.Box(o.Lat+0.3, o.Lon, o.Lat+0.4, o.Lon+0.1)),
	}).Expect(http.StatusCreated).Str("id")
	c := admin.CreatePlace(cleaning, "Bastide "+token, testkit.Box(o.Lat+0.08, o.Lon+0.08, o.Lat+0.12, o.Lon+0.12))

	list := func(query string) *testkit.Response {
		t.Helper()
		return admin.Get("/places?" + query).Expect(http.StatusOK)
	}
	inRoads := "organization=" + roads + "&"
	at := func(dLat, dLon float64) string { return testkit.GeoCoordinates(o.Offset(dLat, dLon)) }

	// organization
	expectIDs(t, list("organization="+roads), b, a)
	expectIDs(t, list("organization="+cleaning), c)
	expectIDs(t, admin.Get("/organizations/"+roads+"/places").Expect(http.StatusOK), b, a)

	// geo_coordinates / geo_point: inside, on an edge, on a vertex, in the hole, outside, in two places.
	expectIDs(t, list("geo_coordinates="+at(0.01, 0.01)), a)
	expectIDs(t, list("geo_point="+at(0.01, 0.01)), a)
	expectIDs(t, list("geo_coordinates="+at(0, 0.05)), a)   // on the south edge
	expectIDs(t, list("geo_coordinates="+at(0.05, 0.1)), a) // on the east edge
	expectIDs(t, list("geo_coordinates="+at(0.1, 0)), a)    // on the north-west vertex
	expectIDs(t, list("geo_coordinates="+at(0.05, 0.05)))   // in the hole
	expectIDs(t, list("geo_coordinates="+at(-0.001, 0.05))) // just south
	expectIDs(t, list("geo_coordinates="+at(0.09, 0.09)), c, a)
	expectIDs(t, list("geo_coordinates="+at(0.35, 0.05)), b)
	expectIDs(t, admin.Get("/organizations/"+roads+"/places?geo_coordinates="+at(0.09, 0.09)).Expect(http.StatusOK), a)
	expectIDs(t, admin.Get("/organizations/"+cleaning+"/places?geo_point="+at(0.09, 0.09)).Expect(http.StatusOK), c)
	// an unescaped '+' arrives as a space and still works
	expectIDs(t, list("geo_coordinates="+strings.ReplaceAll(at(0.01, 0.01), "%2B", "+")), a)

	// geo_hash[]: cells intersecting the polygons, several at once, a cell inside the hole.
	hashB := testkit.GeoHash(o.Offset(0.35, 0.05), 5)
	hashA := testkit.GeoHash(o.Offset(0.015, 0.015), 6)
	hashHole := testkit.GeoHash(o.Offset(0.05, 0.05), 7)
	expectIDs(t, list("geo_hash[]="+hashB), b)
	expectIDs(t, list("geo_hash[]="+hashA), a)
	expectIDs(t, list("geo_hash[]="+hashA+"&geo_hash[]="+hashB), b, a)
	expectIDs(t, list("geo_hash="+hashB), b)
	expectIDs(t, list("geo_hash[]="+hashHole))
	expectIDs(t, list("geo_hash[]="+strings.ToUpper(hashB)), b)

	// business_activity (combined with a point where both organizations have a place)
	expectIDs(t, list("business_activity="+testkit.BusinessActivityRoads+"&geo_coordinates="+at(0.09, 0.09)), a)
	expectIDs(t, list("business_activity="+activityCleaning+"&geo_coordinates="+at(0.09, 0.09)), c)
	expectIDs(t, list("business_activity="+activityCleaning+"&"+inRoads))

	// search[name], search[branchCode]: case-insensitive substrings
	expectIDs(t, list("search[name]="+url.QueryEscape("chartrons "+token)), a)
	expectIDs(t, list("search[name]="+token), c, b, a)
	expectIDs(t, list("search[branchCode]="+url.QueryEscape("gsj-"+strings.ToUpper(token))), b)
	expectIDs(t, list("search[branchCode]="+token), b, a)

	// geo_elevation: exact
	expectIDs(t, list(inRoads+"geo_elevation=12.5"), a)
	expectIDs(t, list(inRoads+"geo_elevation=30"), b)
	expectIDs(t, list(inRoads+"geo_elevation=12"))

	// parent / parents[]: places have no parent, so none is the child of any place.
	expectIDs(t, list(inRoads+"parent="+a))
	expectIDs(t, list(inRoads+"parents[]="+a+"&parents[]="+uuid.NewString()))
	expectIDs(t, list(inRoads+"parent="), b, a)

	// paging, order and dates
	r := list(inRoads + "limit=1")
	if r.Num("total") != 2 || r.Num("pages") != 2 || r.Num("limit") != 1 || !slices.Equal(r.IDs(), []string{b}) || r.Str("_links.next.href") == "" {
		t.Fatalf("first page: %s", r.Body)
	}
	if ids := list(inRoads + "limit=1&page=2").IDs(); !slices.Equal(ids, []string{a}) {
		t.Fatalf("second page: %v", ids)
	}
	if ids := list(inRoads + "order=asc").IDs(); !slices.Equal(ids, []string{a, b}) {
		t.Fatalf("ascending order: %v", ids)
	}
	expectIDs(t, list(inRoads+"after=2999-01-01T00:00:00Z"))
	expectIDs(t, list(inRoads+"before=2000-01-01"))
	expectIDs(t, list(inRoads+"after=2000-01-01&before=2999-01-01"), b, a)

	// malformed filters are 400s naming the parameter, never 500s
	bad := map[string]string{
		"geo_coordinates=44.85":                            "geo_coordinates",
		"geo_coordinates=%2B95-0.5":                        "geo_coordinates",
		"geo_point=abc":                                    "geo_point",
		"geo_hash[]=ezza":                                  "geo_hash",
		"geo_hash[]=ezzl":                                  "geo_hash",
		"geo_hash[]=ezzx&geo_hash[]=e%20z":                 "geo_hash",
		"geo_hash[]=" + strings.Repeat("e", 13):            "geo_hash",
		"geo_hash[]=%27%3B":                                "geo_hash",
		"geo_elevation=high":                               "geo_elevation",
		"geo_elevation=NaN":                                "geo_elevation",
		"parent=nope":                                      "parent",
		"parents[]=" + uuid.NewString() + "&parents[]=bad": "parents",
		"organization=nope":                                "organization",
		"business_activity=nope":                           "business_activity",
		"page=0":                                           "page",
		"order=sideways":                                   "order",
		"after=yesterday":                                  "after",
	}
	for q, path := range bad {
		admin.Get("/places?"+q).ExpectError(http.StatusBadRequest, path)
		if path != "organization" { // the organization is in the path there
			admin.Get("/organizations/"+roads+"/places?"+q).ExpectError(http.StatusBadRequest, path)
		}
	}
	// Twelve characters is the longest geohash accepted.
	expectIDs(t, list("geo_hash[]="+testkit.GeoHash(o.Offset(0.35, 0.05), 12)), b)
}
