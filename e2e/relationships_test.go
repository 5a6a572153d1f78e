package e2e

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// expectPartner checks in the store whether org lists partner, the question delegation asks.
func expectPartner(t *testing.T, org, partner string, want bool) {
	t.Helper()
	ok, err := stack.App.Store.IsPartner(context.Background(), uuid.MustParse(org), uuid.MustParse(partner))
	if err != nil {
		t.Fatal(err)
	}
	if ok != want {
		t.Fatalf("IsPartner(%s, %s) = %v, want %v", org, partner, ok, want)
	}
}

func TestRelationshipAddListRemove(t *testing.T) {
	admin := stack.NewUser(t)
	a := admin.CreateOrganization(testkit.Unique("Mairie "))
	otherAdmin := stack.NewUser(t)
	bName := testkit.Unique("Voirie ")
	b := otherAdmin.CreateOrganization(bName)
	c := createOrganizationOf(otherAdmin, testkit.Unique("Propreté "), activityCleaning)
	rels := "/organizations/" + a + "/relationships"

	expectIDs(t, admin.Get(rels).Expect(http.StatusOK))

	// An admin of A lists B (an organization it does not belong to) as a partner.
	r := admin.Post(rels, map[string]any{"organization": b}).Expect(http.StatusCreated)
	if r.Str("type") != "Organization" || r.Str("id") != b || r.Str("name") != bName || r.Str("_links.self.href") != "/organizations/"+b {
		t.Fatalf("partner answer: %s", r.Body)
	}
	admin.Post(rels, map[string]any{"organization": c}).Expect(http.StatusCreated)
	expectIDs(t, admin.Get(rels).Expect(http.StatusOK), c, b)
	expectPartner(t, a, b, true)
	expectPartner(t, a, c, true)

	// One-way: B lists no partner and may not delegate to A.
	expectIDs(t, otherAdmin.Get("/organizations/"+b+"/relationships").Expect(http.StatusOK))
	expectPartner(t, b, a, false)

	// The filters of the organization list apply.
	o := testkit.RandomArea()
	otherAdmin.CreatePlace(b, "Centre", testkit.Box(o.Lat, o.Lon, o.Lat+0.1, o.Lon+0.1))
	expectIDs(t, admin.Get(rels+"?search[name]="+url.QueryEscape(bName)).Expect(http.StatusOK), b)
	expectIDs(t, admin.Get(rels+"?business_activity="+activityCleaning).Expect(http.StatusOK), c)
	expectIDs(t, admin.Get(rels+"?business_activity="+testkit.BusinessActivityRoads).Expect(http.StatusOK), b)
	expectIDs(t, admin.Get(rels+"?geo_coordinates="+testkit.GeoCoordinates(o.Offset(0.05, 0.05))).Expect(http.StatusOK), b)
	expectIDs(t, admin.Get(rels+"?geo_point="+testkit.GeoCoordinates(o.Offset(0.5, 0.5))).Expect(http.StatusOK))
	expectIDs(t, admin.Get(rels+"?organization="+c).Expect(http.StatusOK), c)
	expectIDs(t, admin.Get(rels+"?order=asc").Expect(http.StatusOK), b, c)
	if p := admin.Get(rels + "?limit=1").Expect(http.StatusOK); p.Num("total") != 2 || p.Num("pages") != 2 || len(p.IDs()) != 1 {
		t.Fatalf("paging partners: %s", p.Body)
	}
	expectIDs(t, admin.Get(rels+"?after=2999-01-01").Expect(http.StatusOK))
	admin.Get(rels+"?geo_coordinates=x").ExpectError(http.StatusBadRequest, "geo_coordinates")
	admin.Get(rels+"?business_activity=x").ExpectError(http.StatusBadRequest, "business_activity")
	admin.Get(rels+"?page=-1").ExpectError(http.StatusBadRequest, "page")

	// Removing ends the partnership; the organization itself stays.
	admin.Delete(rels + "/" + b).Expect(http.StatusNoContent)
	expectIDs(t, admin.Get(rels).Expect(http.StatusOK), c)
	expectPartner(t, a, b, false)
	otherAdmin.Get("/organizations/" + b).Expect(http.StatusOK)
	admin.Delete(rels + "/" + b).ExpectError(http.StatusNotFound)
	admin.Delete(rels + "/" + uuid.NewString()).ExpectError(http.StatusNotFound)
	admin.Delete(rels + "/not-a-uuid").ExpectError(http.StatusNotFound)
	admin.Delete("/organizations/" + uuid.NewString() + "/relationships/" + c).ExpectError(http.StatusNotFound)

	// It can be added again (partners are listed like organizations: newest organization first).
	admin.Post(rels, map[string]any{"organization": b}).Expect(http.StatusCreated)
	expectIDs(t, admin.Get(rels).Expect(http.StatusOK), c, b)
}

func TestRelationshipRefused(t *testing.T) {
	admin := stack.NewUser(t)
	a := admin.CreateOrganization(testkit.Unique("Mairie "))
	b := stack.NewUser(t).CreateOrganization(testkit.Unique("Partner "))
	rels := "/organizations/" + a + "/relationships"
	admin.Post(rels, map[string]any{"organization": b}).Expect(http.StatusCreated)

	cityOrg := asApp(stack.NewUser(t), "com.keyclic.city").Post("/organizations",
		map[string]string{"name": testkit.Unique("Ville "), "businessActivity": testkit.BusinessActivityRoads}).Expect(http.StatusCreated).Str("id")
	cases := map[string]any{
		"missing":           map[string]any{},
		"null":              map[string]any{"organization": nil},
		"blank":             map[string]any{"organization": ""},
		"malformed":         map[string]any{"organization": "not-a-uuid"},
		"wrong type":        map[string]any{"organization": 12},
		"unknown":           map[string]any{"organization": uuid.NewString()},
		"itself":            map[string]any{"organization": a},
		"already a partner": map[string]any{"organization": b},
		"other application": map[string]any{"organization": cityOrg},
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			admin.With(func(c *testkit.Client) { c.T = t }).Post(rels, body).ExpectError(http.StatusBadRequest, "organization")
		})
	}
	expectIDs(t, admin.Get(rels).Expect(http.StatusOK), b)
	expectPartner(t, a, a, false)
	expectPartner(t, a, cityOrg, false)

	r := admin.With(func(c *testkit.Client) { c.Lang = "en-US" }).Post(rels, map[string]any{"organization": b}).
		ExpectError(http.StatusBadRequest, "organization")
	if r.Str("_embedded.errors.0.message") != "This organization is already a partner." {
		t.Fatalf("duplicate message: %s", r.Body)
	}
	admin.Post("/organizations/"+uuid.NewString()+"/relationships", map[string]any{"organization": b}).ExpectError(http.StatusNotFound)
	admin.Post("/organizations/not-a-uuid/relationships", map[string]any{"organization": b}).ExpectError(http.StatusNotFound)
}

func TestRelationshipPermissions(t *testing.T) {
	admin := stack.NewUser(t)
	a := admin.CreateOrganization(testkit.Unique("Mairie "))
	partnerAdmin := stack.NewUser(t)
	b := partnerAdmin.CreateOrganization(testkit.Unique("Partner "))
	c := partnerAdmin.CreateOrganization(testkit.Unique("Candidate "))
	rels := "/organizations/" + a + "/relationships"
	admin.Post(rels, map[string]any{"organization": b}).Expect(http.StatusCreated)

	member := stack.NewUser(t)
	admin.AddMember(a, member.PersonID)
	agent := stack.NewUser(t)
	admin.AddMember(a, agent.PersonID, "ORGANIZATION:AGENT", "ORGANIZATION:ANALYTICS", "ORGANIZATION:EXPORT")
	stranger := stack.NewUser(t)
	for _, u := range []*testkit.Client{member, agent, stranger, partnerAdmin} {
		u.Get(rels).ExpectError(http.StatusForbidden)
		u.Post(rels, map[string]any{"organization": c}).ExpectError(http.StatusForbidden)
		u.Delete(rels + "/" + b).ExpectError(http.StatusForbidden)
	}
	expectIDs(t, admin.Get(rels).Expect(http.StatusOK), b)
	expectPartner(t, a, b, true)
	expectPartner(t, a, c, false)

	// Once promoted, the member may manage partners.
	admin.Patch("/organizations/"+a+"/members/"+admin.MemberIDOf(a, member), map[string]any{"roles": []string{"ORGANIZATION:ADMIN"}}).
		Expect(http.StatusOK)
	member.Post(rels, map[string]any{"organization": c}).Expect(http.StatusCreated)
	expectIDs(t, member.Get(rels).Expect(http.StatusOK), c, b)

	stack.Client(t).Get(rels).ExpectError(http.StatusUnauthorized)
}

func TestRelationshipApplicationIsolation(t *testing.T) {
	u := stack.NewUser(t)
	city := asApp(u, "com.keyclic.city")
	newCityOrg := func() string {
		return city.Post("/organizations", map[string]string{"name": testkit.Unique("Ville "), "businessActivity": testkit.BusinessActivityRoads}).
			Expect(http.StatusCreated).Str("id")
	}
	a, b := newCityOrg(), newCityOrg()
	appOrg := u.CreateOrganization(testkit.Unique("App "))
	rels := "/organizations/" + a + "/relationships"
	city.Post(rels, map[string]any{"organization": b}).Expect(http.StatusCreated)
	expectIDs(t, city.Get(rels).Expect(http.StatusOK), b)

	// The same admin, under another application key, sees none of it.
	u.Get(rels).ExpectError(http.StatusNotFound)
	u.Post(rels, map[string]any{"organization": appOrg}).ExpectError(http.StatusNotFound)
	u.Delete(rels + "/" + b).ExpectError(http.StatusNotFound)
	u.Post("/organizations/"+appOrg+"/relationships", map[string]any{"organization": a}).ExpectError(http.StatusBadRequest, "organization")
	city.Post(rels, map[string]any{"organization": appOrg}).ExpectError(http.StatusBadRequest, "organization")
	expectIDs(t, city.Get(rels).Expect(http.StatusOK), b)
	expectIDs(t, u.Get("/organizations/"+appOrg+"/relationships").Expect(http.StatusOK))
}
