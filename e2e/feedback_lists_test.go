package e2e

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// feedbackWorld is a set of feedbacks in an area of its own, seen by people with different rights.
type feedbackWorld struct {
	desk               *testkit.Desk   // organization O, its place, its admin (a member of O)
	other              *testkit.Desk   // organization O2, whose small place covers pB only
	reporter           *testkit.Client // posts fA (public, pA), fB (private, pB) and fE (public, outside: FAILED)
	second             *testkit.Client // posts fC (public, pA, category) and fD (private, pB)
	outsider           *testkit.Client // a member of no organization
	pA, pB             testkit.LatLon  // pB is 0.01° (about 1.1 km) north of pA
	category           string
	fA, fB, fC, fD, fE string
	created            map[string]string // createdAt of each delivered feedback
}

func newFeedbackWorld(t *testing.T) *feedbackWorld {
	t.Helper()
	w := &feedbackWorld{desk: stack.NewDesk(t, "Feedback lists"), created: map[string]string{}}
	w.pA = w.desk.Corner.Offset(0.05, 0.05)
	w.pB = w.pA.Offset(0.01, 0)
	w.other = stack.NewDeskIn(t, "Feedback lists O2", testkit.BusinessActivityRoads, w.pB.Offset(-0.001, -0.001), 0.002)
	w.reporter, w.second, w.outsider = w.desk.Citizen, stack.NewUser(t), stack.NewUser(t)
	w.category = w.desk.Admin.CreateCategory(w.desk.Org, testkit.Unique("Voirie "), "#aa0000", "road")
	post := func(c *testkit.Client, p testkit.LatLon, extra map[string]any) string {
		r := c.PostIssue(p, extra).Expect(http.StatusCreated)
		w.created[r.Str("id")] = r.Str("createdAt")
		return r.Str("id")
	}
	w.fA = post(w.reporter, w.pA, testkit.Visibility(true, testkit.Unique("fA ")))
	w.fB = post(w.reporter, w.pB, testkit.Visibility(false, testkit.Unique("fB ")))
	extra := testkit.Visibility(true, testkit.Unique("fC "))
	extra["category"] = w.category
	w.fC = post(w.second, w.pA, extra)
	w.fD = post(w.second, w.pB, testkit.Visibility(false, testkit.Unique("fD ")))
	// Outside every place (the desk's place is 0.1° wide): 409, and the feedback stays FAILED.
	w.fE = stack.ExpectFailedIssue(t, w.reporter, w.desk.Corner.Offset(0.2, 0.05), testkit.Visibility(true, testkit.Unique("fE ")))
	return w
}

// near restricts a list to the world's area (20 km around pA): other tests post elsewhere.
func (w *feedbackWorld) near() string { return "geo_near=" + testkit.GeoNear(w.pA, 20000) }

func TestFeedbackListVisibility(t *testing.T) {
	w := newFeedbackWorld(t)
	list := func(c *testkit.Client, query string) *testkit.Response {
		t.Helper()
		return c.Get("/feedbacks?limit=100&" + w.near() + query).Expect(http.StatusOK)
	}
	// Public ones, one's own, and those reported to one's organizations; DELIVERED only by default.
	list(w.reporter, "").ExpectIDSet(w.fA, w.fB, w.fC)
	list(w.second, "").ExpectIDSet(w.fA, w.fC, w.fD)
	list(w.outsider, "").ExpectIDSet(w.fA, w.fC)
	list(w.desk.Admin, "").ExpectIDSet(w.fA, w.fB, w.fC, w.fD)
	list(w.other.Admin, "").ExpectIDSet(w.fA, w.fB, w.fC, w.fD)
	list(w.other.Citizen, "").ExpectIDSet(w.fA, w.fC)

	// Items are rendered feedbacks.
	r := list(w.reporter, "&order=asc")
	if r.Str("_embedded.items.0.type") != "Feedback" || r.Str("_embedded.items.0.id") != w.fA ||
		r.At("_embedded.items.0.public") != true || r.At("_embedded.items.1.public") != false ||
		r.Str("_embedded.items.0.state") != "DELIVERED" || r.Str("_embedded.items.0._links.self.href") != "/feedbacks/"+w.fA ||
		r.Num("_embedded.items.0.geoCoordinates.point.latitude") != w.pA.Lat {
		t.Fatalf("feedback items: %s", r.Body)
	}

	// state: any feedback state; the FAILED public feedback shows to everybody who asks for it.
	list(w.reporter, "&state=DELIVERED").ExpectIDSet(w.fA, w.fB, w.fC)
	list(w.reporter, "&state=FAILED").ExpectIDSet(w.fE)
	list(w.outsider, "&state=FAILED").ExpectIDSet(w.fE)
	list(w.reporter, "&state[]=FAILED&state[]=DELIVERED").ExpectIDSet(w.fA, w.fB, w.fC, w.fE)
	list(w.reporter, "&state=NEW").ExpectIDSet()
	w.reporter.Get("/feedbacks?state=ACCEPTED").ExpectError(http.StatusBadRequest, "state")
	w.reporter.Get("/feedbacks?state=delivered").ExpectError(http.StatusBadRequest, "state")

	// visibility, in both forms; private ones still only when visible.
	list(w.desk.Admin, "&visibility[]=VISIBILITY_PUBLIC").ExpectIDSet(w.fA, w.fC)
	list(w.desk.Admin, "&visibility=VISIBILITY_PRIVATE").ExpectIDSet(w.fB, w.fD)
	list(w.desk.Admin, "&visibility[]=VISIBILITY_PRIVATE&visibility[]=VISIBILITY_PUBLIC").ExpectIDSet(w.fA, w.fB, w.fC, w.fD)
	list(w.reporter, "&visibility[]=VISIBILITY_PRIVATE").ExpectIDSet(w.fB)
	list(w.outsider, "&visibility[]=VISIBILITY_PRIVATE").ExpectIDSet()
	w.reporter.Get("/feedbacks?visibility[]=PUBLIC").ExpectError(http.StatusBadRequest, "visibility")

	// organization: feedbacks with a report for it.
	list(w.desk.Admin, "&organization="+w.other.Org).ExpectIDSet(w.fB, w.fD)
	list(w.reporter, "&organization="+w.other.Org).ExpectIDSet(w.fB)
	list(w.outsider, "&organization="+w.other.Org).ExpectIDSet()
	list(w.outsider, "&organization="+w.desk.Org).ExpectIDSet(w.fA, w.fC)
	list(w.desk.Admin, "&organization="+uuid.NewString()).ExpectIDSet()
	w.reporter.Get("/feedbacks?organization=nope").ExpectError(http.StatusBadRequest, "organization")

	// category.
	list(w.outsider, "&category="+w.category).ExpectIDSet(w.fC)
	w.reporter.Get("/feedbacks?category=12").ExpectError(http.StatusBadRequest, "category")
}

func TestFeedbackListGeoFilters(t *testing.T) {
	w := newFeedbackWorld(t)
	admin := w.desk.Admin
	get := func(query string) *testkit.Response {
		t.Helper()
		return admin.Get("/feedbacks?limit=100&" + query).Expect(http.StatusOK)
	}
	// geo_near, documented form: pB is about 1.1 km from pA.
	get(testkit.GeoNearBrackets(w.pA, 500)).ExpectIDSet(w.fA, w.fC)
	get(testkit.GeoNearBrackets(w.pA, 2000)).ExpectIDSet(w.fA, w.fB, w.fC, w.fD)
	get(testkit.GeoNearBrackets(w.pB, 500)).ExpectIDSet(w.fB, w.fD)
	// The coordinates may be named geo_point, as elsewhere.
	get("geo_near[radius]=500&geo_near[geo_point]="+testkit.GeoCoordinates(w.pB)).ExpectIDSet(w.fB, w.fD)
	// Compact form, escaped and unescaped ('+' then arrives as a space).
	get("geo_near="+testkit.GeoNear(w.pA, 500)).ExpectIDSet(w.fA, w.fC)
	get("geo_near="+testkit.GeoNear(w.pA, 2000)).ExpectIDSet(w.fA, w.fB, w.fC, w.fD)
	raw := strings.ReplaceAll(testkit.GeoNear(w.pB, 500), "%2B", "+")
	if !strings.Contains(raw, "+") {
		t.Fatalf("expected an unescaped plus in %q", raw)
	}
	get("geo_near="+raw).ExpectIDSet(w.fB, w.fD)
	// Combined with another filter.
	get("geo_near="+testkit.GeoNear(w.pB, 500)+"&visibility=VISIBILITY_PRIVATE&organization="+w.other.Org).ExpectIDSet(w.fB, w.fD)

	// geo_hash: cells of 7 characters (about 150 m) hold pA or pB only.
	hA, hB := testkit.GeoHash(w.pA, 7), testkit.GeoHash(w.pB, 7)
	if hA == hB {
		t.Fatalf("pA and pB share the cell %s", hA)
	}
	get("geo_hash[]="+hA).ExpectIDSet(w.fA, w.fC)
	get("geo_hash[]="+hA+"&geo_hash[]="+hB).ExpectIDSet(w.fA, w.fB, w.fC, w.fD)
	get("geo_hash="+strings.ToUpper(hB)).ExpectIDSet(w.fB, w.fD)
	// A cell of 12 characters holding pA exactly, and the outsider's view of it.
	get("geo_hash[]="+testkit.GeoHash(w.pA, 12)).ExpectIDSet(w.fA, w.fC)
	w.outsider.Get("/feedbacks?geo_hash[]=" + hB).Expect(http.StatusOK).ExpectIDSet()
	// A longer prefix is a smaller cell, a shorter one a larger cell; both filter by prefix.
	get("geo_hash[]="+testkit.GeoHash(w.pA, 4)+"&geo_hash[]="+testkit.GeoHash(w.pB, 4)+"&"+w.near()).ExpectIDSet(w.fA, w.fB, w.fC, w.fD)

	// Malformed values: 400 naming the parameter, never 500.
	bad := map[string]string{
		"geo_near=abc": "geo_near",
		"geo_near=" + url.QueryEscape("+44.8-0.5"):                                         "geo_near",
		"geo_near=" + url.QueryEscape("+95-0.5+100"):                                       "geo_near",
		"geo_near=" + url.QueryEscape("+44.8-0.5-100"):                                     "geo_near",
		"geo_near=" + url.QueryEscape("+44.8-0.5+0"):                                       "geo_near",
		"geo_near=" + url.QueryEscape("+44.8-0.5+1e9"):                                     "geo_near",
		"geo_near[radius]=abc&geo_near[geo_coordinates]=" + url.QueryEscape("+44.8-0.5"):   "geo_near[radius]",
		"geo_near[radius]=NaN&geo_near[geo_coordinates]=" + url.QueryEscape("+44.8-0.5"):   "geo_near[radius]",
		"geo_near[radius]=-5&geo_near[geo_coordinates]=" + url.QueryEscape("+44.8-0.5"):    "geo_near[radius]",
		"geo_near[radius]=1e999&geo_near[geo_coordinates]=" + url.QueryEscape("+44.8-0.5"): "geo_near[radius]",
		"geo_near[radius]=1000&geo_near[geo_coordinates]=" + url.QueryEscape("+44.8"):      "geo_near[geo_coordinates]",
		"geo_near[radius]=1000&geo_near[geo_coordinates]=" + url.QueryEscape("+44.8-200"):  "geo_near[geo_coordinates]",
		"geo_near[radius]=1000": "geo_near[geo_coordinates]",
		"geo_near[geo_coordinates]=" + url.QueryEscape("+44.8-0.5"):                                     "geo_near[radius]",
		"geo_near=" + testkit.GeoNear(w.pA, 500) + "&geo_near[radius]=5&geo_near[geo_coordinates]=+1+1": "geo_near",
		"geo_hash[]=ezzi":                "geo_hash",
		"geo_hash[]=ezzx&geo_hash[]=a":   "geo_hash",
		"geo_hash[]=" + hA + "x23456789": "geo_hash", // 16 characters
		"geo_hash[]=ez%25":               "geo_hash",
		"geo_hash[]=ez'":                 "geo_hash",
	}
	for query, path := range bad {
		admin.Get("/feedbacks?"+query).ExpectError(http.StatusBadRequest, path)
		admin.Get("/people/"+w.reporter.PersonID+"/feedbacks?"+query).ExpectError(http.StatusBadRequest, path)
	}
	// Every violation at once.
	admin.Get("/feedbacks?geo_hash[]=i&geo_near=x&state=X&visibility=Y").ExpectError(http.StatusBadRequest, "geo_hash", "geo_near", "state", "visibility")
}

func TestFeedbackListPaging(t *testing.T) {
	w := newFeedbackWorld(t)
	admin := w.desk.Admin
	base := "/feedbacks?" + w.near()
	// Newest first by default; asc on request.
	expectIDs(t, admin.Get(base).Expect(http.StatusOK), w.fD, w.fC, w.fB, w.fA)
	expectIDs(t, admin.Get(base+"&order=asc").Expect(http.StatusOK), w.fA, w.fB, w.fC, w.fD)
	r := admin.Get(base + "&order=asc&limit=1&page=2").Expect(http.StatusOK)
	if got := r.IDs(); len(got) != 1 || got[0] != w.fB || r.Num("total") != 4 || r.Num("pages") != 4 ||
		!strings.Contains(r.Str("_links.next.href"), "page=3") {
		t.Fatalf("page 2 of 4: %s", r.Body)
	}
	// after / before, inclusive, on creation time (the '+' of the offset escaped).
	after := url.QueryEscape(w.created[w.fC])
	expectIDs(t, admin.Get(base+"&order=asc&after="+after).Expect(http.StatusOK), w.fC, w.fD)
	before := url.QueryEscape(w.created[w.fB])
	expectIDs(t, admin.Get(base+"&order=asc&before="+before).Expect(http.StatusOK), w.fA, w.fB)
	expectIDs(t, admin.Get(base+"&after="+url.QueryEscape(w.created[w.fB])+"&before="+url.QueryEscape(w.created[w.fC])).Expect(http.StatusOK), w.fC, w.fB)
	admin.Get("/feedbacks?after=yesterday").ExpectError(http.StatusBadRequest, "after")
	admin.Get("/feedbacks?order=up").ExpectError(http.StatusBadRequest, "order")
}

func TestPersonFeedbacks(t *testing.T) {
	w := newFeedbackWorld(t)
	of := func(c *testkit.Client, person, query string) *testkit.Response {
		t.Helper()
		return c.Get("/people/" + person + "/feedbacks?limit=100" + query).Expect(http.StatusOK)
	}
	// Anyone may list someone's feedbacks; private ones show only to those allowed.
	of(w.outsider, w.reporter.PersonID, "").ExpectIDSet(w.fA)
	of(w.second, w.reporter.PersonID, "").ExpectIDSet(w.fA)
	of(w.reporter, w.reporter.PersonID, "").ExpectIDSet(w.fA, w.fB)
	of(w.desk.Admin, w.reporter.PersonID, "").ExpectIDSet(w.fA, w.fB)
	of(w.other.Admin, w.reporter.PersonID, "").ExpectIDSet(w.fA, w.fB)
	of(w.reporter, w.second.PersonID, "").ExpectIDSet(w.fC)
	of(w.second, w.second.PersonID, "").ExpectIDSet(w.fC, w.fD)
	of(w.reporter, w.outsider.PersonID, "").ExpectIDSet()
	// The same filters as /feedbacks.
	of(w.outsider, w.reporter.PersonID, "&state=FAILED").ExpectIDSet(w.fE)
	of(w.reporter, w.reporter.PersonID, "&visibility[]=VISIBILITY_PRIVATE").ExpectIDSet(w.fB)
	of(w.reporter, w.reporter.PersonID, "&"+testkit.GeoNearBrackets(w.pA, 500)).ExpectIDSet(w.fA)
	of(w.reporter, w.reporter.PersonID, "&geo_hash[]="+testkit.GeoHash(w.pB, 7)).ExpectIDSet(w.fB)
	of(w.desk.Admin, w.reporter.PersonID, "&organization="+w.other.Org).ExpectIDSet(w.fB)
	of(w.desk.Admin, w.second.PersonID, "&category="+w.category).ExpectIDSet(w.fC)
	expectIDs(t, of(w.reporter, w.reporter.PersonID, "&order=asc"), w.fA, w.fB)
	w.reporter.Get("/people/"+w.reporter.PersonID+"/feedbacks?state=OPEN").ExpectError(http.StatusBadRequest, "state")
	// Unknown or malformed person: 404.
	w.reporter.Get("/people/" + uuid.NewString() + "/feedbacks").ExpectError(http.StatusNotFound)
	w.reporter.Get("/people/nobody/feedbacks").ExpectError(http.StatusNotFound)
}

func TestFeedbackListsStayInTheirApplication(t *testing.T) {
	w := newFeedbackWorld(t)
	city := asApp(w.reporter, "com.keyclic.city")
	city.Get("/feedbacks?limit=100&" + w.near()).Expect(http.StatusOK).ExpectIDSet()
	city.Get("/feedbacks?limit=100&state=FAILED&" + w.near()).Expect(http.StatusOK).ExpectIDSet()
	city.Get("/people/" + w.reporter.PersonID + "/feedbacks").Expect(http.StatusOK).ExpectIDSet()
	// And back in the application they were posted to, they are listed.
	w.reporter.Get("/people/"+w.reporter.PersonID+"/feedbacks").Expect(http.StatusOK).ExpectIDSet(w.fA, w.fB)
	// Without a token: 401.
	stack.Client(t).Get("/feedbacks").ExpectError(http.StatusUnauthorized)
}

// Lists that no filter narrows to a small area, one person or one organization take another path
// for members of organizations (their reported private feedbacks are gathered apart): a wide
// radius and a time window keep this test's feedbacks apart from others'.
func TestFeedbackListForMembersOverAWideArea(t *testing.T) {
	w := newFeedbackWorld(t)
	admin := w.desk.Admin
	plain, _ := w.desk.Member() // a member of O without any role
	// The admin's own private feedback, also reported to O: listed once.
	fF := admin.Issue(w.pA, testkit.Visibility(false, testkit.Unique("fF ")))
	wide := "&after=" + url.QueryEscape(w.created[w.fA]) + "&geo_near=" + testkit.GeoNear(w.pA, 150000)
	list := func(c *testkit.Client, query string) *testkit.Response {
		t.Helper()
		return c.Get("/feedbacks?limit=100" + wide + query).Expect(http.StatusOK)
	}
	list(admin, "").ExpectIDSet(w.fA, w.fB, w.fC, w.fD, fF)
	list(plain, "").ExpectIDSet(w.fA, w.fB, w.fC, w.fD, fF)
	list(w.other.Admin, "").ExpectIDSet(w.fA, w.fB, w.fC, w.fD)
	list(w.reporter, "").ExpectIDSet(w.fA, w.fB, w.fC)
	list(w.outsider, "").ExpectIDSet(w.fA, w.fC)
	// Order and pages across both parts.
	expectIDs(t, list(admin, "&order=asc"), w.fA, w.fB, w.fC, w.fD, fF)
	expectIDs(t, list(plain, ""), fF, w.fD, w.fC, w.fB, w.fA)
	for page, want := range map[int][]string{1: {fF, w.fD}, 2: {w.fC, w.fB}, 3: {w.fA}} {
		r := admin.Get("/feedbacks?limit=2&page=" + strconv.Itoa(page) + wide).Expect(http.StatusOK)
		if got := r.IDs(); !slices.Equal(got, want) || r.Num("total") != 5 || r.Num("pages") != 3 {
			t.Fatalf("page %d: got %v, want %v; body: %s", page, got, want, r.Body)
		}
	}
	if r := admin.Get("/feedbacks?limit=2&page=4" + wide).Expect(http.StatusOK); len(r.IDs()) != 0 || r.Num("total") != 5 {
		t.Fatalf("page past the end: %s", r.Body)
	}
	// Filters.
	list(admin, "&visibility=VISIBILITY_PRIVATE").ExpectIDSet(w.fB, w.fD, fF)
	list(w.other.Admin, "&visibility=VISIBILITY_PRIVATE").ExpectIDSet(w.fB, w.fD)
	list(w.reporter, "&visibility=VISIBILITY_PRIVATE").ExpectIDSet(w.fB)
	list(admin, "&visibility=VISIBILITY_PUBLIC").ExpectIDSet(w.fA, w.fC)
	list(admin, "&state=FAILED").ExpectIDSet(w.fE)
	list(admin, "&state[]=FAILED&state[]=DELIVERED").ExpectIDSet(w.fA, w.fB, w.fC, w.fD, w.fE, fF)
	// Wide geohash cells (3 characters) instead of a radius.
	cells := "&after=" + url.QueryEscape(w.created[w.fA]) + "&geo_hash[]=" + testkit.GeoHash(w.pA, 3) + "&geo_hash[]=" + testkit.GeoHash(w.pB, 3)
	admin.Get("/feedbacks?limit=100"+cells).Expect(http.StatusOK).ExpectIDSet(w.fA, w.fB, w.fC, w.fD, fF)
	w.other.Admin.Get("/feedbacks?limit=100"+cells).Expect(http.StatusOK).ExpectIDSet(w.fA, w.fB, w.fC, w.fD)
}
