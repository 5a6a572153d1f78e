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

const businessActivityCleaning = "4bff7cb9-0fd2-4b44-9b0e-f6d17bb40002"

// inCity acts as c in the com.keyclic.city application.
func inCity(c *testkit.Client) *testkit.Client {
	return c.With(func(c *testkit.Client) { c.App = "com.keyclic.city" })
}

// countOrganizationsNamed counts the organizations c sees whose name contains name.
func countOrganizationsNamed(c *testkit.Client, name string) int {
	c.T.Helper()
	return int(c.Get("/organizations?search[name]=" + url.QueryEscape(name)).Expect(http.StatusOK).Num("total"))
}

// organizationFields lists what an organization shows, to compare before and after.
var organizationFields = []string{"name", "alternateName", "description", "billingEmailAddress", "notificationEmailAddress",
	"updatedAt", "_links.logo.href", "_links.businessActivity.href"}

func assertSameOrganization(t *testing.T, before, after *testkit.Response) {
	t.Helper()
	for _, f := range organizationFields {
		if before.Str(f) != after.Str(f) {
			t.Fatalf("organization %s changed from %q to %q", f, before.Str(f), after.Str(f))
		}
	}
}

func TestCreateOrganization(t *testing.T) {
	u := stack.NewUser(t)
	name := testkit.Unique("Mairie ")
	r := u.Post("/organizations", map[string]any{
		"name": name, "businessActivity": testkit.BusinessActivityRoads, "alternateName": "Ville",
		"description": "Services techniques", "billingEmailAddress": "billing@example.com",
		"notificationEmailAddress": "alerts@example.com",
	}).Expect(http.StatusCreated)
	org := r.Str("id")
	if r.Str("type") != "Organization" || r.Str("name") != name || r.Str("alternateName") != "Ville" ||
		r.Str("description") != "Services techniques" || r.Str("billingEmailAddress") != "billing@example.com" ||
		r.Str("notificationEmailAddress") != "alerts@example.com" || r.At("enabled") != true {
		t.Fatalf("created organization: %s", r.Body)
	}
	if r.Str("_links.self.href") != "/organizations/"+org ||
		r.Str("_links.businessActivity.iriTemplate.mapping.businessActivity") != testkit.BusinessActivityRoads ||
		r.Str("_links.application.iriTemplate.mapping.token") != "com.keyclic.app" || r.At("_links.logo") != nil {
		t.Fatalf("organization links: %s", r.Body)
	}
	got := u.Get("/organizations/" + org).Expect(http.StatusOK)
	if got.Str("name") != name || got.Str("createdAt") != r.Str("createdAt") {
		t.Fatalf("read back: %s", got.Body)
	}

	members := u.Get("/organizations/" + org + "/members").Expect(http.StatusOK)
	if members.Num("total") != 1 || members.Str("_embedded.items.0._links.person.iriTemplate.mapping.person") != u.PersonID {
		t.Fatalf("the creator should be the only member: %s", members.Body)
	}
	if roles := members.List("_embedded.items.0.roles"); len(roles) != 1 || roles[0] != "ORGANIZATION:ADMIN" {
		t.Fatalf("the creator should be admin: %s", members.Body)
	}
	if members.Str("_embedded.items.0.id") == u.PersonID {
		t.Fatalf("the member id is the person id: %s", members.Body)
	}

	// another person can create an organization with the same name: it is a different one
	v := stack.NewUser(t)
	twin := v.CreateOrganization(name)
	if twin == org || countOrganizationsNamed(u, name) != 2 {
		t.Fatalf("two organizations named %q expected", name)
	}
	u.Get("/organizations/" + twin + "/members").ExpectError(http.StatusForbidden)
}

// The seeds' own example sends no businessActivity: the organization is created without one,
// and its creator administers it.
func TestCreateOrganizationWithoutBusinessActivity(t *testing.T) {
	u := stack.NewUser(t)
	name := testkit.Unique("organization name ")
	r := u.Post("/organizations", map[string]any{"name": name, "billingEmailAddress": "test@test.com", "notificationEmailAddress": "test@test.com"}).
		Expect(http.StatusCreated)
	id := r.Str("id")
	if r.Str("name") != name || r.Str("billingEmailAddress") != "test@test.com" || r.At("_links.businessActivity") != nil {
		t.Fatalf("organization created without a business activity: %s", r.Body)
	}
	if got := u.Get("/organizations/" + id).Expect(http.StatusOK); got.At("_links.businessActivity") != nil {
		t.Fatalf("organization read back: %s", got.Body)
	}
	if ms := u.Get("/people/" + u.PersonID + "/memberships").Expect(http.StatusOK); ms.Num("total") != 1 ||
		!slices.Contains(ms.Strings("_embedded.items.0.roles"), "ORGANIZATION:ADMIN") {
		t.Fatalf("the creator is not its admin: %s", ms.Body)
	}
	if n := u.Get("/businessactivities?organization=" + id).Expect(http.StatusOK).Num("total"); n != 0 {
		t.Fatalf("an organization without business activity lists %v", n)
	}
	if ids := u.Get("/organizations?limit=100&business_activity=" + testkit.BusinessActivityRoads + "&search[name]=" + url.QueryEscape(name)).Expect(http.StatusOK).IDs(); len(ids) != 0 {
		t.Fatalf("filtered by a business activity, it is listed: %v", ids)
	}
	if ids := u.Get("/organizations?search[name]=" + url.QueryEscape(name)).Expect(http.StatusOK).IDs(); !slices.Equal(ids, []string{id}) {
		t.Fatalf("organizations named %q: %v", name, ids)
	}
	// An empty businessActivity reads as none too.
	u.Post("/organizations", map[string]any{"name": testkit.Unique("Empty "), "businessActivity": ""}).Expect(http.StatusCreated)
}

func TestCreateOrganizationRefused(t *testing.T) {
	u := stack.NewUser(t)
	name := testkit.Unique("Refused ")
	cases := []struct {
		body  any
		paths []string
	}{
		{map[string]any{}, []string{"name"}},
		{map[string]any{"name": "   ", "businessActivity": testkit.BusinessActivityRoads}, []string{"name"}},
		{map[string]any{"name": name, "businessActivity": "roads"}, []string{"businessActivity"}},
		{map[string]any{"name": name, "businessActivity": uuid.NewString()}, []string{"businessActivity"}},
		{map[string]any{"name": name, "businessActivity": testkit.BusinessActivityRoads, "billingEmailAddress": "nope"}, []string{"billingEmailAddress"}},
		{map[string]any{"name": name, "businessActivity": testkit.BusinessActivityRoads, "notificationEmailAddress": "a@b"}, []string{"notificationEmailAddress"}},
		{map[string]any{"name": 42, "businessActivity": testkit.BusinessActivityRoads}, []string{"name"}},
		{map[string]any{"name": strings.Repeat("n", 256), "businessActivity": testkit.BusinessActivityRoads}, []string{"name"}},
	}
	for _, tc := range cases {
		u.Post("/organizations", tc.body).ExpectError(http.StatusBadRequest, tc.paths...)
	}
	u.Post("/organizations", `{"name": "`+name+`", "businessActivity": `).ExpectError(http.StatusBadRequest)
	u.Post("/organizations", `"`+name+`"`).ExpectError(http.StatusBadRequest)

	if n := countOrganizationsNamed(u, name); n != 0 {
		t.Fatalf("%d organizations were created by refused requests", n)
	}
	if r := u.Get("/people/" + u.PersonID + "/memberships").Expect(http.StatusOK); r.Num("total") != 0 {
		t.Fatalf("refused creations left memberships: %s", r.Body)
	}
}

func TestListOrganizations(t *testing.T) {
	u := stack.NewUser(t)
	tag := testkit.Unique("")
	north := u.CreateOrganization("Mairie " + tag + " Nord")
	south := u.Post("/organizations", map[string]any{"name": "Mairie " + tag + " Sud", "businessActivity": businessActivityCleaning}).
		Expect(http.StatusCreated).Str("id")
	other := stack.NewUser(t).CreateOrganization("Syndicat " + tag)
	u.Patch("/organizations/"+north, map[string]any{
		"alternateName": "Nord-" + tag, "description": "Quartier " + tag + " nord",
		"billingEmailAddress": "billing-" + tag + "@example.com", "notificationEmailAddress": "notif-" + tag + "@example.com",
	}).Expect(http.StatusOK)

	cases := []struct {
		query string
		want  []string
	}{
		{"search[name]=" + url.QueryEscape("MAIRIE "+tag), []string{north, south}},
		{"search[name]=" + tag, []string{north, south, other}},
		{"search[name]=" + url.QueryEscape(tag+" nord"), []string{north}},
		{"search[name]=" + tag + "&business_activity=" + testkit.BusinessActivityRoads, []string{north, other}},
		{"search[name]=" + tag + "&business_activity=" + businessActivityCleaning, []string{south}},
		{"search[alternateName]=NORD-" + tag, []string{north}},
		{"search[description]=" + url.QueryEscape("QUARTIER "+tag), []string{north}},
		{"search[billingEmailAddress]=billing-" + tag, []string{north}},
		{"search[notificationEmailAddress]=NOTIF-" + tag, []string{north}},
		{"search[name]=%25" + tag, nil},
		{"organization=" + north, []string{north}},
		{"organization=" + south + "&business_activity=" + testkit.BusinessActivityRoads, nil},
		{"search[name]=" + tag + "&order=asc&limit=1&page=3", []string{other}},
	}
	for _, tc := range cases {
		r := u.Get("/organizations?" + tc.query).Expect(http.StatusOK)
		if !sameSet(r.IDs(), tc.want) {
			t.Errorf("%s: got %v, want %v", tc.query, r.IDs(), tc.want)
		}
	}
	if r := u.Get("/organizations?search[name]=" + tag); r.Num("total") != 3 || r.Str("_embedded.items.0.type") != "Organization" {
		t.Fatalf("organization list: %s", r.Body)
	}

	u.Get("/organizations?business_activity=roads").ExpectError(http.StatusBadRequest, "business_activity")
	u.Get("/organizations?organization=12").ExpectError(http.StatusBadRequest, "organization")
	u.Get("/organizations?geo_coordinates=here").ExpectError(http.StatusBadRequest, "geo_coordinates")
	u.Get("/organizations?limit=0&organization=x").ExpectError(http.StatusBadRequest, "limit", "organization")
}

func TestOrganizationIsolation(t *testing.T) {
	u := stack.NewUser(t)
	city := inCity(u)
	name := testkit.Unique("Ville ")
	org := city.Post("/organizations", map[string]any{
		"name": name, "businessActivity": testkit.BusinessActivityRoads, "logo": testkit.PNGDataURI(t, 20, 20),
	}).Expect(http.StatusCreated).Str("id")

	r := city.Get("/organizations/" + org).Expect(http.StatusOK)
	if r.Str("_links.application.iriTemplate.mapping.token") != "com.keyclic.city" {
		t.Fatalf("application link: %s", r.Body)
	}
	if countOrganizationsNamed(city, name) != 1 {
		t.Fatalf("the organization is missing from com.keyclic.city's list")
	}

	if countOrganizationsNamed(u, name) != 0 {
		t.Fatalf("an organization of com.keyclic.city is listed under com.keyclic.app")
	}
	if ids := u.Get("/organizations?organization=" + org).Expect(http.StatusOK).IDs(); len(ids) != 0 {
		t.Fatalf("organization filter crosses applications: %v", ids)
	}
	u.Get("/organizations/" + org).ExpectError(http.StatusNotFound)
	u.Get("/organizations/" + org + "/members").ExpectError(http.StatusNotFound)
	u.Get("/organizations/" + org + "/logo/50/50").ExpectError(http.StatusNotFound)
	u.Patch("/organizations/"+org, map[string]any{"name": "Moved"}).ExpectError(http.StatusNotFound)
	u.Post("/organizations/"+org+"/members", map[string]any{"person": stack.NewUser(t).PersonID}).ExpectError(http.StatusNotFound)
	u.With(func(c *testkit.Client) { c.App = "com.keyclic.highway" }).Get("/organizations/" + org).ExpectError(http.StatusNotFound)

	assertSameOrganization(t, r, city.Get("/organizations/"+org).Expect(http.StatusOK))
	if n := city.Get("/organizations/" + org + "/members").Expect(http.StatusOK).Num("total"); n != 1 {
		t.Fatalf("members of the city organization: %v", n)
	}
}

func TestPatchOrganization(t *testing.T) {
	admin := stack.NewUser(t)
	org := admin.CreateOrganization(testkit.Unique("Patch "))
	path := "/organizations/" + org

	newName := testkit.Unique("Renamed ")
	r := admin.Patch(path, map[string]any{
		"name": newName, "alternateName": "Alt", "description": "Une description",
		"billingEmailAddress": "compta@example.com", "notificationEmailAddress": "notif@example.com",
	}).Expect(http.StatusOK)
	if r.Str("name") != newName || r.Str("alternateName") != "Alt" || r.Str("description") != "Une description" ||
		r.Str("billingEmailAddress") != "compta@example.com" || r.Str("notificationEmailAddress") != "notif@example.com" {
		t.Fatalf("patch answer: %s", r.Body)
	}
	admin.Patch(path, map[string]any{"description": "Autre"}).Expect(http.StatusOK)
	r = admin.Get(path).Expect(http.StatusOK)
	if r.Str("name") != newName || r.Str("alternateName") != "Alt" || r.Str("description") != "Autre" ||
		r.Str("billingEmailAddress") != "compta@example.com" {
		t.Fatalf("after a partial patch: %s", r.Body)
	}
	if countOrganizationsNamed(admin, newName) != 1 {
		t.Fatalf("the list does not find the new name")
	}

	outsider := stack.NewUser(t)
	plain := stack.NewUser(t)
	operator := stack.NewUser(t)
	admin.AddMember(org, plain.PersonID)
	admin.AddMember(org, operator.PersonID, "ORGANIZATION:OPERATOR", "ORGANIZATION:ANALYTICS", "ORGANIZATION:EXPORT")

	before := admin.Get(path).Expect(http.StatusOK)
	for _, c := range []*testkit.Client{outsider, plain, operator} {
		c.Patch(path, map[string]any{"name": "Hijacked", "description": "x"}).ExpectError(http.StatusForbidden)
		c.Patch(path, map[string]any{"logo": testkit.PNGDataURI(t, 8, 8)}).ExpectError(http.StatusForbidden)
	}
	admin.Patch(path, map[string]any{"billingEmailAddress": "nope", "name": "Half"}).ExpectError(http.StatusBadRequest, "billingEmailAddress")
	admin.Patch(path, map[string]any{"notificationEmailAddress": "x@"}).ExpectError(http.StatusBadRequest, "notificationEmailAddress")
	admin.Patch(path, map[string]any{"name": ""}).ExpectError(http.StatusBadRequest, "name")
	admin.Patch(path, map[string]any{"name": "  "}).ExpectError(http.StatusBadRequest, "name")
	admin.Patch(path, map[string]any{"name": []string{"a"}}).ExpectError(http.StatusBadRequest, "name")
	admin.Patch(path, `{"name": "Broken"`).ExpectError(http.StatusBadRequest)
	admin.Patch(path, `not json`).ExpectError(http.StatusBadRequest)
	assertSameOrganization(t, before, admin.Get(path).Expect(http.StatusOK))

	admin.Patch("/organizations/"+uuid.NewString(), map[string]any{"name": "Ghost"}).ExpectError(http.StatusNotFound)
	admin.Patch("/organizations/ghost", map[string]any{"name": "Ghost"}).ExpectError(http.StatusNotFound)
	admin.Get("/organizations/ghost").ExpectError(http.StatusNotFound)
	admin.Get("/organizations/" + uuid.NewString()).ExpectError(http.StatusNotFound)
}
