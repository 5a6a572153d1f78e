package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// named registers a person and gives them a name.
func named(t *testing.T, given, family string) *testkit.Client {
	t.Helper()
	u := stack.NewUser(t)
	u.Patch("/people/"+u.PersonID, map[string]string{"givenName": given, "familyName": family}).Expect(http.StatusOK)
	return u
}

// sameSet reports whether got and want hold the same strings, in any order.
func sameSet(got, want []string) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}

func TestPeopleSearch(t *testing.T) {
	tag := testkit.Unique("srch")
	alpha := named(t, "Zoe"+tag+"Alpha", "Martin"+tag)
	beta := named(t, "Zoe"+tag+"Beta", "Durand"+tag)
	gamma := named(t, "Other"+tag, "Martin"+tag)
	alpha.Patch("/people/"+alpha.PersonID, map[string]string{"jobTitle": "Grutier " + tag}).Expect(http.StatusOK)

	cases := []struct {
		query string
		want  []string
	}{
		{"search[givenName]=" + strings.ToUpper("zoe"+tag), []string{alpha.PersonID, beta.PersonID}},
		{"search[givenName]=" + strings.ToLower(tag+"beta"), []string{beta.PersonID}},
		{"search[familyName]=" + strings.ToLower("MARTIN"+tag), []string{alpha.PersonID, gamma.PersonID}},
		{"search[familyName]=durand" + tag, []string{beta.PersonID}},
		{"search[givenName]=zoe" + tag + "&search[familyName]=martin" + tag, []string{alpha.PersonID}},
		// the email's local part is "user-<random>": search a case-changed piece of it
		{"search[email]=" + strings.ToUpper(alpha.Email[5:15]), []string{alpha.PersonID}},
		{"search[email]=" + strings.ToUpper(gamma.Email[3:]), []string{gamma.PersonID}},
		{"search[username]=" + beta.Email, []string{beta.PersonID}},
		{"search[jobTitle]=" + url.QueryEscape(strings.ToUpper("grutier "+tag)), []string{alpha.PersonID}},
		{"search[givenName]=nobody" + tag, nil},
		// LIKE wildcards are searched literally
		{"search[familyName]=%25" + tag, nil},
		{"search[familyName]=_artin" + tag, nil},
	}
	for _, tc := range cases {
		r := alpha.Get("/people?limit=100&" + tc.query).Expect(http.StatusOK)
		if !sameSet(r.IDs(), tc.want) || int(r.Num("total")) != len(tc.want) {
			t.Errorf("%s: got %v (total %v), want %v", tc.query, r.IDs(), r.Num("total"), tc.want)
		}
	}

	r := alpha.Get("/people?search[email]=" + url.QueryEscape(alpha.Email)).Expect(http.StatusOK)
	if r.Num("total") != 1 || r.Str("_embedded.items.0.type") != "Person" ||
		r.Str("_embedded.items.0.email") != alpha.Email || r.Str("_embedded.items.0.givenName") != "Zoe"+tag+"Alpha" ||
		r.Str("_embedded.items.0._links.self.href") != "/people/"+alpha.PersonID {
		t.Fatalf("person item: %s", r.Body)
	}
}

func TestPeoplePaging(t *testing.T) {
	tag := testkit.Unique("page")
	var made []*testkit.Client
	for i := 0; i < 3; i++ {
		made = append(made, named(t, "Pat", "Page"+tag))
	}
	u := made[0]
	filter := "search[familyName]=page" + tag

	first := u.Get("/people?limit=2&" + filter).Expect(http.StatusOK)
	if first.Num("page") != 1 || first.Num("limit") != 2 || first.Num("pages") != 2 || first.Num("total") != 3 || len(first.IDs()) != 2 {
		t.Fatalf("first page: %s", first.Body)
	}
	for _, l := range []string{"self", "first", "last", "next"} {
		if first.Str("_links."+l+".href") == "" {
			t.Fatalf("first page lacks _links.%s: %s", l, first.Body)
		}
	}
	next := first.Str("_links.next.href")
	nu, err := url.Parse(next)
	if err != nil || nu.Path != "/people" || nu.Query().Get("page") != "2" || nu.Query().Get("limit") != "2" ||
		nu.Query().Get("search[familyName]") != "page"+tag {
		t.Fatalf("next link %q should keep the filters and point at page 2", next)
	}
	if lu, _ := url.Parse(first.Str("_links.last.href")); lu.Query().Get("page") != "2" {
		t.Fatalf("last link: %s", first.Body)
	}
	second := u.Get(next).Expect(http.StatusOK)
	if second.Num("page") != 2 || len(second.IDs()) != 1 || second.At("_links.next") != nil || second.Str("_links.previous.href") == "" {
		t.Fatalf("second page: %s", second.Body)
	}
	all := append(first.IDs(), second.IDs()...)
	var want []string
	for _, m := range made {
		want = append(want, m.PersonID)
	}
	if !sameSet(all, want) {
		t.Fatalf("pages hold %v, want %v", all, want)
	}

	// order: newest first by default, oldest first with asc
	desc := u.Get("/people?" + filter).Expect(http.StatusOK).IDs()
	explicitDesc := u.Get("/people?order=desc&" + filter).Expect(http.StatusOK).IDs()
	asc := u.Get("/people?order=asc&" + filter).Expect(http.StatusOK).IDs()
	if !slices.Equal(asc, want) {
		t.Fatalf("asc order %v, want creation order %v", asc, want)
	}
	reversed := slices.Clone(want)
	slices.Reverse(reversed)
	if !slices.Equal(desc, reversed) || !slices.Equal(explicitDesc, reversed) {
		t.Fatalf("desc order %v / %v, want %v", desc, explicitDesc, reversed)
	}

	// after/before filter on the creation time, bounds included
	created := u.Get("/people/" + made[1].PersonID).Expect(http.StatusOK).Str("createdAt")
	after := u.Get("/people?order=asc&after=" + url.QueryEscape(created) + "&" + filter).Expect(http.StatusOK).IDs()
	if !slices.Equal(after, want[1:]) {
		t.Fatalf("after %s: %v, want %v", created, after, want[1:])
	}
	before := u.Get("/people?order=asc&before=" + url.QueryEscape(created) + "&" + filter).Expect(http.StatusOK).IDs()
	if !slices.Equal(before, want[:2]) {
		t.Fatalf("before %s: %v, want %v", created, before, want[:2])
	}
	// a client that forgets to escape the '+' of the offset gets the same answer
	unescaped := u.Get("/people?order=asc&after=" + created + "&" + filter).Expect(http.StatusOK).IDs()
	if !slices.Equal(unescaped, want[1:]) {
		t.Fatalf("after %s (unescaped): %v, want %v", created, unescaped, want[1:])
	}
	if got := u.Get("/people?after=2999-01-01&" + filter).Expect(http.StatusOK); got.Num("total") != 0 || len(got.IDs()) != 0 {
		t.Fatalf("after the future: %s", got.Body)
	}

	// a page past the end is empty, not an error
	if got := u.Get("/people?limit=2&page=5&" + filter).Expect(http.StatusOK); len(got.IDs()) != 0 || got.Num("total") != 3 {
		t.Fatalf("page past the end: %s", got.Body)
	}

	// the limit is capped
	if got := u.Get("/people?limit=1000").Expect(http.StatusOK); got.Num("limit") != 100 || len(got.IDs()) > 100 {
		t.Fatalf("limit=1000 should be capped to 100: limit %v, %d items", got.Num("limit"), len(got.IDs()))
	}
	if got := u.Get("/people").Expect(http.StatusOK); got.Num("limit") != 10 || got.Num("page") != 1 {
		t.Fatalf("defaults: page %v limit %v", got.Num("page"), got.Num("limit"))
	}
}

func TestPeopleListRejectsBadParameters(t *testing.T) {
	u := stack.NewUser(t)
	cases := []struct {
		query string
		paths []string
	}{
		{"page=0", []string{"page"}},
		{"page=-1", []string{"page"}},
		{"page=abc", []string{"page"}},
		{"limit=0", []string{"limit"}},
		{"limit=ten", []string{"limit"}},
		{"order=sideways", []string{"order"}},
		{"after=not-a-date", []string{"after"}},
		{"before=yesterday", []string{"before"}},
		{"page=0&limit=0&order=up", []string{"page", "limit", "order"}},
	}
	for _, tc := range cases {
		u.Get("/people?"+tc.query).ExpectError(http.StatusBadRequest, tc.paths...)
	}
}

func TestGetPerson(t *testing.T) {
	u := stack.NewUser(t)
	r := u.Get("/people/" + u.PersonID).Expect(http.StatusOK)
	if r.Str("type") != "Person" || r.Str("id") != u.PersonID || r.Str("email") != u.Email || r.Str("username") != u.Email ||
		r.Str("_links.self.href") != "/people/"+u.PersonID || r.Str("createdAt") == "" || r.Str("updatedAt") == "" {
		t.Fatalf("person: %s", r.Body)
	}
	if r.At("preferences.messageEmailEnabled") != true || r.At("preferences.messagePushEnabled") != true || r.At("optIn") != false {
		t.Fatalf("a new person's defaults: %s", r.Body)
	}
	if r.At("_links.image") != nil {
		t.Fatalf("a person without picture has no image link: %s", r.Body)
	}
	u.Get("/people/not-a-uuid").ExpectError(http.StatusNotFound)
	u.Get("/people/" + strings.ToUpper(u.PersonID)[:35]).ExpectError(http.StatusNotFound)
	u.Get("/people/" + uuid.NewString()).ExpectError(http.StatusNotFound)
}

func TestPatchPerson(t *testing.T) {
	u := stack.NewUser(t)
	me := "/people/" + u.PersonID

	r := u.Patch(me, map[string]any{"givenName": "Jeanne", "familyName": "Dupont", "jobTitle": "Technicienne"}).Expect(http.StatusOK)
	if r.Str("givenName") != "Jeanne" || r.Str("familyName") != "Dupont" || r.Str("jobTitle") != "Technicienne" || r.Str("id") != u.PersonID {
		t.Fatalf("patch answer: %s", r.Body)
	}
	// only the fields sent change
	u.Patch(me, map[string]any{"jobTitle": "Cheffe d'équipe"}).Expect(http.StatusOK)
	r = u.Get(me).Expect(http.StatusOK)
	if r.Str("givenName") != "Jeanne" || r.Str("familyName") != "Dupont" || r.Str("jobTitle") != "Cheffe d'équipe" {
		t.Fatalf("after a partial patch: %s", r.Body)
	}

	// booleans: the old client sends the preferences as strings
	steps := []struct {
		body                      map[string]any
		optIn, mailPref, pushPref bool
	}{
		{map[string]any{"optIn": true}, true, true, true},
		{map[string]any{"preferencesMessageEmailEnabled": "false"}, true, false, true},
		{map[string]any{"preferencesMessageEmailEnabled": true, "preferencesMessagePushEnabled": false}, true, true, false},
		{map[string]any{"preferencesMessagePushEnabled": "true", "optIn": "false"}, false, true, true},
		{map[string]any{"preferencesMessageEmailEnabled": false}, false, false, true},
	}
	for i, s := range steps {
		u.Patch(me, s.body).Expect(http.StatusOK)
		r := u.Get(me).Expect(http.StatusOK)
		if r.At("optIn") != s.optIn || r.At("preferences.messageEmailEnabled") != s.mailPref || r.At("preferences.messagePushEnabled") != s.pushPref {
			t.Fatalf("step %d %v: %s", i, s.body, r.Body)
		}
	}

	// email change: stored lower-case, and it becomes the login
	newEmail := testkit.Unique("renamed-") + "@example.com"
	r = u.Patch(me, map[string]any{"email": "  " + strings.ToUpper(newEmail) + " "}).Expect(http.StatusOK)
	if r.Str("email") != newEmail || r.Str("username") != newEmail {
		t.Fatalf("email should be lower-cased: %s", r.Body)
	}
	if got := u.Get(me).Expect(http.StatusOK).Str("email"); got != newEmail {
		t.Fatalf("email read back %q, want %q", got, newEmail)
	}
	anon := stack.Client(t)
	anon.Post("/security/login", map[string]string{"login": newEmail, "password": u.Password}).Expect(http.StatusOK)
	anon.Post("/security/login", map[string]string{"login": u.Email, "password": u.Password}).ExpectError(http.StatusUnauthorized)
	u.Email = newEmail

	// refused changes leave the person as it was
	other := stack.NewUser(t)
	before := u.Get(me).Expect(http.StatusOK)
	refused := []struct {
		body any
		path string
	}{
		{map[string]any{"email": strings.ToUpper(other.Email)}, "email"},
		{map[string]any{"email": "not-an-email", "givenName": "Changed"}, "email"},
		{map[string]any{"email": "", "givenName": "Changed"}, "email"},
		{map[string]any{"email": "Someone <someone@example.com>"}, "email"},
		{map[string]any{"givenName": 123}, "givenName"},
		{map[string]any{"familyName": true}, "familyName"},
		{map[string]any{"optIn": "maybe"}, "optIn"},
		{map[string]any{"preferencesMessageEmailEnabled": 7}, "preferencesMessageEmailEnabled"},
		{map[string]any{"givenName": strings.Repeat("x", 256)}, "givenName"},
	}
	for _, tc := range refused {
		u.Patch(me, tc.body).ExpectError(http.StatusBadRequest, tc.path)
	}
	u.Patch(me, `{"givenName": "Changed"`).ExpectError(http.StatusBadRequest)
	u.Patch(me, `["givenName"]`).ExpectError(http.StatusBadRequest)
	after := u.Get(me).Expect(http.StatusOK)
	assertSamePerson(t, before, after)
}

// assertSamePerson fails unless two readings of a person show the same data.
func assertSamePerson(t *testing.T, before, after *testkit.Response) {
	t.Helper()
	for _, f := range []string{"email", "givenName", "familyName", "jobTitle", "updatedAt"} {
		if before.Str(f) != after.Str(f) {
			t.Fatalf("%s changed from %q to %q", f, before.Str(f), after.Str(f))
		}
	}
	for _, f := range []string{"optIn", "preferences.messageEmailEnabled", "preferences.messagePushEnabled", "_links.image"} {
		if b, a := string(mustJSON(t, before.At(f))), string(mustJSON(t, after.At(f))); b != a {
			t.Fatalf("%s changed from %s to %s", f, b, a)
		}
	}
}

func TestPatchSomeoneElse(t *testing.T) {
	u := stack.NewUser(t)
	victim := named(t, "Victor", "Victime")
	path := "/people/" + victim.PersonID
	before := victim.Get(path).Expect(http.StatusOK)

	u.Patch(path, map[string]any{"givenName": "Hacked"}).ExpectError(http.StatusForbidden)
	u.Patch(path, map[string]any{"email": testkit.Unique("stolen-") + "@example.com"}).ExpectError(http.StatusForbidden)
	u.Patch(path, map[string]any{"image": testkit.PNGDataURI(t, 10, 10)}).ExpectError(http.StatusForbidden)
	u.Patch(path, map[string]any{"givenName": 5}).ExpectError(http.StatusForbidden) // authorization comes first

	assertSamePerson(t, before, victim.Get(path).Expect(http.StatusOK))
	victim.Post("/security/login", map[string]string{"login": victim.Email, "password": victim.Password}).Expect(http.StatusOK)

	u.Patch("/people/"+uuid.NewString(), map[string]any{"givenName": "Ghost"}).ExpectError(http.StatusNotFound)
	u.Patch("/people/nope", map[string]any{"givenName": "Ghost"}).ExpectError(http.StatusNotFound)
}

func TestMemberships(t *testing.T) {
	u := stack.NewUser(t)
	own := u.CreateOrganization(testkit.Unique("Own "))
	city := u.With(func(c *testkit.Client) { c.App = "com.keyclic.city" })
	cityOrg := city.CreateOrganization(testkit.Unique("City "))
	other := stack.NewUser(t)
	joined := other.CreateOrganization(testkit.Unique("Joined "))
	joinedMember := other.AddMember(joined, u.PersonID, "ORGANIZATION:OPERATOR")

	r := u.Get("/people/" + u.PersonID + "/memberships").Expect(http.StatusOK)
	if r.Num("total") != 2 || len(r.IDs()) != 2 {
		t.Fatalf("memberships under com.keyclic.app: %s", r.Body)
	}
	roles := map[string][]string{}
	for _, it := range r.List("_embedded.items") {
		m := it.(map[string]any)
		links := m["_links"].(map[string]any)
		person := links["person"].(map[string]any)["iriTemplate"].(map[string]any)["mapping"].(map[string]any)["person"]
		org := links["organization"].(map[string]any)["iriTemplate"].(map[string]any)["mapping"].(map[string]any)["organization"].(string)
		if person != u.PersonID || m["type"] != "Member" {
			t.Fatalf("membership item: %v", m)
		}
		if links["organization"].(map[string]any)["href"] != "/organizations/"+org {
			t.Fatalf("organization link: %v", links["organization"])
		}
		for _, role := range m["roles"].([]any) {
			roles[org] = append(roles[org], role.(string))
		}
		if org == joined && m["id"] != joinedMember {
			t.Fatalf("membership of %s has id %v, want %s", joined, m["id"], joinedMember)
		}
	}
	if !slices.Equal(roles[own], []string{"ORGANIZATION:ADMIN"}) || !slices.Equal(roles[joined], []string{"ORGANIZATION:OPERATOR"}) {
		t.Fatalf("roles by organization: %v (own %s, joined %s)", roles, own, joined)
	}
	if _, ok := roles[cityOrg]; ok {
		t.Fatalf("an organization of com.keyclic.city is listed under com.keyclic.app: %s", r.Body)
	}

	rc := city.Get("/people/" + u.PersonID + "/memberships").Expect(http.StatusOK)
	if rc.Num("total") != 1 || rc.Str("_embedded.items.0._links.organization.iriTemplate.mapping.organization") != cityOrg {
		t.Fatalf("memberships under com.keyclic.city: %s", rc.Body)
	}

	other.Get("/people/" + u.PersonID + "/memberships").ExpectError(http.StatusForbidden)
	u.Get("/people/" + other.PersonID + "/memberships").ExpectError(http.StatusForbidden)
	u.Get("/people/" + uuid.NewString() + "/memberships").ExpectError(http.StatusNotFound)
	u.Get("/people/"+u.PersonID+"/memberships?page=0").ExpectError(http.StatusBadRequest, "page")
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
