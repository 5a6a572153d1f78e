package e2e

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// The answers below have the shapes Keyclic's own generated clients read: each test is written
// from the Swagger file's definition (../shared/reference/), which the clients were built from.

// successLogin.credentials: {id, login, roles, administratorOf: [{id, token, type}],
// memberOf: [{id, organization: {type, id}, roles}]}.
func TestLoginCredentialsAsTheClientReadsThem(t *testing.T) {
	u := stack.NewUser(t)
	admin := stack.NewUser(t)
	mine := u.CreateOrganization(testkit.Unique("Mine "))
	theirs := admin.CreateOrganization(testkit.Unique("Theirs "))
	member := admin.AddMember(theirs, u.PersonID, "ORGANIZATION:OPERATOR")
	cityOrg := inCity(u).Post("/organizations", map[string]any{"name": testkit.Unique("City "), "businessActivity": testkit.BusinessActivityRoads}).
		Expect(http.StatusCreated).Str("id")

	r := u.Post("/security/login", map[string]string{"login": u.Email, "password": u.Password}).Expect(http.StatusOK)
	creds, ok := r.At("credentials").(map[string]any)
	if !ok {
		t.Fatalf("credentials is not an object: %s", r.Body)
	}
	if creds["id"] != u.PersonID || creds["login"] != u.Email {
		t.Errorf("credentials id %v, login %v; want %s, %s", creds["id"], creds["login"], u.PersonID, u.Email)
	}
	roles, ok := creds["roles"].([]any)
	if !ok || !slices.Contains(roles, any("ROLE_USER")) {
		t.Errorf("credentials.roles %v, want an array with ROLE_USER", creds["roles"])
	}
	if admins, ok := creds["administratorOf"].([]any); !ok || len(admins) != 0 {
		t.Errorf("credentials.administratorOf %v, want an empty array (no application administrators)", creds["administratorOf"])
	}
	memberOf, ok := creds["memberOf"].([]any)
	if !ok {
		t.Fatalf("credentials.memberOf is not an array: %s", r.Body)
	}
	// The application's organizations only (the client names it in X-Keyclic-App), each as
	// {id: the member's id, organization: {type, id}, roles}.
	got := map[string]map[string]any{}
	for _, m := range memberOf {
		it := m.(map[string]any)
		org, _ := it["organization"].(map[string]any)
		if org["type"] != "Organization" {
			t.Errorf("memberOf item's organization: %v", it)
		}
		got[org["id"].(string)] = it
	}
	if len(got) != 2 || got[mine] == nil || got[theirs] == nil || got[cityOrg] != nil {
		t.Fatalf("memberOf lists %v, want %s and %s: %s", got, mine, theirs, r.Body)
	}
	if got[theirs]["id"] != member || !slices.Equal(got[theirs]["roles"].([]any), []any{"ORGANIZATION:OPERATOR"}) {
		t.Errorf("membership in %s: %v, want member %s with ORGANIZATION:OPERATOR", theirs, got[theirs], member)
	}
	if roles, _ := got[mine]["roles"].([]any); !slices.Contains(roles, any("ORGANIZATION:ADMIN")) {
		t.Errorf("membership in %s: %v, want ORGANIZATION:ADMIN", mine, got[mine])
	}
	city := inCity(u).Post("/security/login", map[string]string{"login": u.Email, "password": u.Password}).Expect(http.StatusOK)
	if l := city.List("credentials.memberOf"); len(l) != 1 || l[0].(map[string]any)["organization"].(map[string]any)["id"] != cityOrg {
		t.Errorf("memberOf through com.keyclic.city: %v, want the city organization only", l)
	}
}

// Person.preferences: {messageEmailEnabled, messagePushEnabled}, both booleans and required. A
// PATCH may name them as the seeds' summary does (preferencesMessageEmailEnabled), as the Swagger
// file's PersonPatch does (preferences.messageEmailEnabled), or nested as they are read.
func TestPersonPreferencesAsTheClientReadsThem(t *testing.T) {
	u := stack.NewUser(t)
	me := "/people/" + u.PersonID
	prefs := func(r *testkit.Response) map[string]any {
		t.Helper()
		p, ok := r.At("preferences").(map[string]any)
		if !ok {
			t.Fatalf("preferences is not an object: %s", r.Body)
		}
		for _, k := range []string{"messageEmailEnabled", "messagePushEnabled"} {
			if _, ok := p[k].(bool); !ok {
				t.Fatalf("preferences.%s is not a boolean: %s", k, r.Body)
			}
		}
		return p
	}
	if p := prefs(u.Get(me).Expect(http.StatusOK)); p["messageEmailEnabled"] != true || p["messagePushEnabled"] != true {
		t.Fatalf("a new person's preferences: %v", p)
	}
	steps := []struct {
		body        map[string]any
		email, push bool
	}{
		{map[string]any{"preferencesMessageEmailEnabled": "false"}, false, true},
		{map[string]any{"preferences.messagePushEnabled": "false"}, false, false},
		{map[string]any{"preferences.messageEmailEnabled": true}, true, false},
		{map[string]any{"preferences": map[string]any{"messageEmailEnabled": false, "messagePushEnabled": true}}, false, true},
	}
	for i, s := range steps {
		p := prefs(u.Patch(me, s.body).Expect(http.StatusOK))
		if p["messageEmailEnabled"] != s.email || p["messagePushEnabled"] != s.push {
			t.Fatalf("step %d %v: preferences %v", i, s.body, p)
		}
	}
	u.Patch(me, map[string]any{"preferences.messageEmailEnabled": "sometimes"}).ExpectError(http.StatusBadRequest, "preferences.messageEmailEnabled")
	u.Patch(me, map[string]any{"preferences": map[string]any{"messagePushEnabled": 3}}).ExpectError(http.StatusBadRequest, "preferences.messagePushEnabled")
	if p := prefs(u.Get(me).Expect(http.StatusOK)); p["messageEmailEnabled"] != false || p["messagePushEnabled"] != true {
		t.Fatalf("refused changes changed the preferences: %v", p)
	}
}

// Place.geo.polygon: a GeoJSON FeatureCollection ({type: "FeatureCollection", features}); the
// request keeps the seeds' {rings: [{points}], srid} form.
func TestPlacePolygonAsTheClientReadsIt(t *testing.T) {
	admin := stack.NewUser(t)
	org := admin.CreateOrganization(testkit.Unique("GeoJSON "))
	a := testkit.RandomArea()
	outer, hole := testkit.Box(a.Lat, a.Lon, a.Lat+0.1, a.Lon+0.1), testkit.Box(a.Lat+0.04, a.Lon+0.04, a.Lat+0.06, a.Lon+0.06)
	created := admin.Post("/organizations/"+org+"/places", map[string]any{"name": "Zone", "polygon": testkit.Polygon(outer, hole)}).
		Expect(http.StatusCreated)
	for _, r := range []*testkit.Response{created, admin.Get("/places/" + created.Str("id")).Expect(http.StatusOK)} {
		poly, ok := r.At("geo.polygon").(map[string]any)
		if !ok || poly["type"] != "FeatureCollection" || poly["rings"] != nil || poly["srid"] != nil {
			t.Fatalf("geo.polygon is not a FeatureCollection: %s", r.Body)
		}
		features, ok := poly["features"].([]any)
		if !ok || len(features) != 1 {
			t.Fatalf("geo.polygon.features: %s", r.Body)
		}
		if r.Str("geo.polygon.features.0.type") != "Feature" || r.Str("geo.polygon.features.0.geometry.type") != "Polygon" {
			t.Fatalf("the feature is not a Polygon Feature: %s", r.Body)
		}
		// GeoJSON positions are [longitude, latitude]; the boundary first, then the hole.
		rings := r.List("geo.polygon.features.0.geometry.coordinates")
		for i, want := range [][]testkit.LatLon{outer, hole} {
			ring, _ := rings[i].([]any)
			if len(rings) != 2 || len(ring) != len(want) {
				t.Fatalf("ring %d: %s", i, r.Body)
			}
			for j, p := range want {
				if pos := ring[j].([]any); pos[0] != p.Lon || pos[1] != p.Lat {
					t.Fatalf("ring %d position %d is %v, want [%v, %v]", i, j, pos, p.Lon, p.Lat)
				}
			}
		}
	}
}

// expectActivityPage checks an ActivityPagination: {duration, next, results: [Activity]}, each
// Activity with actor, message, object and verb as strings and time as a date-time.
func expectActivityPage(t *testing.T, r *testkit.Response, activities int) []any {
	t.Helper()
	results := expectFeedPage(t, r, activities)
	for _, a := range results {
		expectActivityItem(t, r, a)
	}
	return results
}

// expectFeedPage checks what both activity paginations share: {duration, next, results}, and
// that they are not HAL pages.
func expectFeedPage(t *testing.T, r *testkit.Response, results int) []any {
	t.Helper()
	body := r.JSON()
	if _, ok := body["duration"].(string); !ok {
		t.Fatalf("duration is not a string: %s", r.Body)
	}
	if _, ok := body["next"].(string); !ok {
		t.Fatalf("next is not a string: %s", r.Body)
	}
	list, ok := body["results"].([]any)
	if !ok || len(list) != results {
		t.Fatalf("results: want %d: %s", results, r.Body)
	}
	for _, k := range []string{"_embedded", "total", "page"} {
		if _, ok := body[k]; ok {
			t.Fatalf("an activity page is not a HAL page (%s): %s", k, r.Body)
		}
	}
	return list
}

func expectActivityItem(t *testing.T, r *testkit.Response, a any) {
	t.Helper()
	m, ok := a.(map[string]any)
	if !ok {
		t.Fatalf("an activity is not an object: %s", r.Body)
	}
	for _, k := range []string{"actor", "message", "object", "verb", "time"} {
		if _, ok := m[k].(string); !ok {
			t.Fatalf("activity %s is not a string: %s", k, r.Body)
		}
	}
	if _, err := time.Parse(time.RFC3339, m["time"].(string)); err != nil {
		t.Fatalf("activity time: %v", err)
	}
}

// Comments of feedbacks and of operations: an ActivityPagination, paged through next.
func TestCommentsAsTheClientReadsThem(t *testing.T) {
	d := newOperationDesk(t, "Activity pages")
	f := d.Citizen.Issue(d.Inside(), testkit.Visibility(true, testkit.Unique("Commented ")))
	for _, path := range []string{"/feedbacks/" + f + "/comments", "/operations/" + d.op + "/comments"} {
		expectActivityPage(t, d.Admin.Get(path).Expect(http.StatusOK), 0)
		for _, text := range []string{"un", "deux", "trois"} {
			d.Admin.Post(path, map[string]string{"text": text}).Expect(http.StatusCreated)
		}
		page := d.Admin.Get(path + "?limit=2").Expect(http.StatusOK)
		got := expectActivityPage(t, page, 2)
		if got[0].(map[string]any)["message"] != "trois" || got[0].(map[string]any)["verb"] != "comment" || got[0].(map[string]any)["actor"] != d.Admin.PersonID {
			t.Fatalf("newest comment first: %s", page.Body)
		}
		last := d.Admin.Get(page.Str("next")).Expect(http.StatusOK)
		if expectActivityPage(t, last, 1)[0].(map[string]any)["message"] != "un" || last.Str("next") != "" {
			t.Fatalf("next page: %s", last.Body)
		}
	}
}

// Contributions: an ActivityAggregatedPagination, {duration, next, results: [{id, verb, group,
// activity_count, actor_count, created_at, updated_at, activities: [Activity]}]}.
func TestContributionsAsTheClientReadsThem(t *testing.T) {
	d := stack.NewDesk(t, "Aggregated")
	f := d.Citizen.Issue(d.Inside(), testkit.Visibility(true, testkit.Unique("Supported ")))
	path := "/feedbacks/" + f + "/contributions"
	expectFeedPage(t, d.Citizen.Get(path).Expect(http.StatusOK), 0)
	supporters := []*testkit.Client{stack.NewUser(t), stack.NewUser(t), stack.NewUser(t)}
	for _, u := range supporters {
		u.Post(path, nil).Expect(http.StatusCreated)
	}
	r := d.Citizen.Get(path + "?limit=2").Expect(http.StatusOK)
	groups := expectFeedPage(t, r, 1)
	g := groups[0].(map[string]any)
	for _, k := range []string{"id", "verb", "group", "created_at", "updated_at"} {
		if _, ok := g[k].(string); !ok {
			t.Fatalf("group %s is not a string: %s", k, r.Body)
		}
	}
	if _, err := uuid.Parse(g["id"].(string)); err != nil || g["verb"] != "contribute" {
		t.Fatalf("group id or verb: %s", r.Body)
	}
	for _, k := range []string{"created_at", "updated_at"} {
		if _, err := time.Parse(time.RFC3339, g[k].(string)); err != nil {
			t.Fatalf("group %s: %v", k, err)
		}
	}
	if g["activity_count"] != float64(3) || g["actor_count"] != float64(3) {
		t.Fatalf("counts: %s", r.Body)
	}
	activities, ok := g["activities"].([]any)
	if !ok || len(activities) != 2 || r.Str("next") == "" {
		t.Fatalf("a first page of two supports: %s", r.Body)
	}
	for _, a := range activities {
		expectActivityItem(t, r, a)
	}
	if activities[0].(map[string]any)["actor"] != supporters[2].PersonID {
		t.Fatalf("newest support first: %s", r.Body)
	}
	again := d.Citizen.Get(r.Str("next")).Expect(http.StatusOK)
	if again.Str("results.0.id") != g["id"] || len(again.List("results.0.activities")) != 1 || again.Str("next") != "" {
		t.Fatalf("the next page of the same group: %s", again.Body)
	}
}

// Tracking.time is an integer: how long, in seconds, the resource took to reach its state
// (from its first checkpoint to its last).
func TestTrackingTimeAsTheClientReadsIt(t *testing.T) {
	d := stack.NewDesk(t, "Tracking time")
	feedback, report := d.NewReport()
	op := d.Admin.CreateOperation(report, testkit.Unique("Suivi "))
	_, member := d.Member(testkit.RoleOperator)
	time.Sleep(1100 * time.Millisecond)
	d.Admin.DriveReport(report, "accept")
	d.Admin.Assign(op, member).Expect(http.StatusOK)
	at := func(path string) (*testkit.Response, string) {
		if strings.HasSuffix(path, "/tracking") {
			return d.Admin.Get(path).Expect(http.StatusOK), ""
		}
		return d.Admin.Get(path).Expect(http.StatusOK), "_embedded.tracking."
	}
	for _, path := range []string{"/feedbacks/" + feedback + "/tracking", "/reports/" + report + "/tracking", "/reports/" + report,
		"/operations/" + op + "/tracking", "/operations/" + op} {
		r, prefix := at(path)
		v, ok := r.At(prefix + "time").(float64)
		if !ok || v != float64(int64(v)) {
			t.Fatalf("%stime is not an integer: %s", prefix, r.Body)
		}
		cps := r.List(prefix + "checkpoints")
		first, err1 := time.Parse(time.RFC3339, cps[0].(map[string]any)["createdAt"].(string))
		last, err2 := time.Parse(time.RFC3339, cps[len(cps)-1].(map[string]any)["createdAt"].(string))
		if err1 != nil || err2 != nil {
			t.Fatalf("checkpoint times: %v %v", err1, err2)
		}
		// The report and the operation changed state more than a second after their creation.
		if want := int64(last.Sub(first) / time.Second); int64(v) != want || (want < 1 && !strings.HasPrefix(path, "/feedbacks/")) {
			t.Fatalf("%stime %v, want %d (seconds from the first checkpoint to the last): %s", prefix, v, want, r.Body)
		}
	}
}

// _links.delegatedFrom and _links.delegatedTo are one link each (the last handover); the whole
// chain is under _embedded.delegationChain.
func TestDelegationLinksAsTheClientReadsThem(t *testing.T) {
	a, b := stack.NewDesk(t, "Handing"), stack.NewDesk(t, "Receiving")
	_, report := a.NewReport()
	r := a.Admin.Get("/reports/" + report).Expect(http.StatusOK)
	if r.At("_links.delegatedFrom") != nil || r.At("_links.delegatedTo") != nil {
		t.Fatalf("a report never delegated has delegation links: %s", r.Body)
	}
	if l := r.List("_embedded.delegationChain"); len(l) != 1 || r.Str("_embedded.delegationChain.0.id") != a.Org {
		t.Fatalf("chain of a report never delegated: %s", r.Body)
	}
	makePartner(a, b)
	delegate(a.Admin, a.Org, report, b.Org).Expect(http.StatusOK)
	for _, c := range []*testkit.Client{a.Admin, b.Admin} {
		r := c.Get("/reports/" + report).Expect(http.StatusOK)
		from, okFrom := r.At("_links.delegatedFrom").(map[string]any)
		to, okTo := r.At("_links.delegatedTo").(map[string]any)
		if !okFrom || !okTo {
			t.Fatalf("delegation links are not single links: %s", r.Body)
		}
		if from["href"] != "/organizations/"+a.Org || r.MappingOf("_links.delegatedFrom", "organization") != a.Org ||
			to["href"] != "/organizations/"+b.Org || r.MappingOf("_links.delegatedTo", "organization") != b.Org {
			t.Fatalf("delegation links: %s", r.Body)
		}
	}
}
