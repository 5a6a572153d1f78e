package e2e

import (
	"net/http"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// seededBusinessActivities are the business activities every database starts with.
var seededBusinessActivities = map[string]string{
	testkit.BusinessActivityRoads:          "Voirie",
	businessActivityCleaning:               "Propreté",
	"4bff7cb9-0fd2-4b44-9b0e-f6d17bb40003": "Éclairage public",
	"4bff7cb9-0fd2-4b44-9b0e-f6d17bb40004": "Espaces verts",
	"4bff7cb9-0fd2-4b44-9b0e-f6d17bb40005": "Autoroute",
}

func TestListBusinessActivities(t *testing.T) {
	u := stack.NewUser(t)
	r := u.Get("/businessactivities?limit=100").Expect(http.StatusOK)
	if r.Num("total") < float64(len(seededBusinessActivities)) {
		t.Fatalf("business activities: %s", r.Body)
	}
	found := map[string]string{}
	for _, it := range r.List("_embedded.items") {
		b := it.(map[string]any)
		if b["type"] != "BusinessActivity" {
			t.Fatalf("item type: %v", b)
		}
		found[b["id"].(string)] = b["name"].(string)
	}
	for id, name := range seededBusinessActivities {
		if found[id] != name {
			t.Errorf("business activity %s: name %q, want %q", id, found[id], name)
		}
	}

	small := u.Get("/businessactivities?limit=2&order=asc").Expect(http.StatusOK)
	if small.Num("limit") != 2 || len(small.IDs()) != 2 || small.Str("_links.next.href") == "" || small.Num("total") != r.Num("total") {
		t.Fatalf("paged business activities: %s", small.Body)
	}

	// ?organization= gives that organization's activity only, within the application
	org := u.Post("/organizations", map[string]any{"name": testkit.Unique("Propre "), "businessActivity": businessActivityCleaning}).
		Expect(http.StatusCreated).Str("id")
	byOrg := u.Get("/businessactivities?organization=" + org).Expect(http.StatusOK)
	if byOrg.Num("total") != 1 || len(byOrg.IDs()) != 1 || byOrg.IDs()[0] != businessActivityCleaning {
		t.Fatalf("business activities of %s: %s", org, byOrg.Body)
	}
	roadsOrg := u.CreateOrganization(testkit.Unique("Routes "))
	if ids := u.Get("/businessactivities?organization=" + roadsOrg).Expect(http.StatusOK).IDs(); len(ids) != 1 || ids[0] != testkit.BusinessActivityRoads {
		t.Fatalf("business activities of a roads organization: %v", ids)
	}
	if r := u.Get("/businessactivities?organization=" + uuid.NewString()).Expect(http.StatusOK); r.Num("total") != 0 {
		t.Fatalf("an unknown organization has business activities: %s", r.Body)
	}
	if r := inCity(u).Get("/businessactivities?organization=" + org).Expect(http.StatusOK); r.Num("total") != 0 {
		t.Fatalf("the organization filter crosses applications: %s", r.Body)
	}

	// a point covered by no place matches no activity
	if r := u.Get("/businessactivities?geo_coordinates=-89.5+179.5").Expect(http.StatusOK); r.Num("total") != 0 {
		t.Fatalf("business activities at the south pole: %s", r.Body)
	}

	u.Get("/businessactivities?organization=nope").ExpectError(http.StatusBadRequest, "organization")
	u.Get("/businessactivities?geo_coordinates=garbage").ExpectError(http.StatusBadRequest, "geo_coordinates")
	u.Get("/businessactivities?geo_coordinates=%2B95.0-0.5").ExpectError(http.StatusBadRequest, "geo_coordinates")
	u.Get("/businessactivities?geo_point=44.85,-0.57").ExpectError(http.StatusBadRequest, "geo_point")
	u.Get("/businessactivities?page=0").ExpectError(http.StatusBadRequest, "page")
}

func TestGetBusinessActivity(t *testing.T) {
	u := stack.NewUser(t)
	r := u.Get("/businessactivities/" + testkit.BusinessActivityRoads).Expect(http.StatusOK)
	if r.Str("type") != "BusinessActivity" || r.Str("id") != testkit.BusinessActivityRoads || r.Str("name") != "Voirie" ||
		r.Str("alternateName") != "Road network" || r.Str("_links.self.href") != "/businessactivities/"+testkit.BusinessActivityRoads {
		t.Fatalf("business activity: %s", r.Body)
	}
	if _, ok := r.At("metadataSchema").(map[string]any); !ok {
		t.Fatalf("metadataSchema should be an object: %s", r.Body)
	}
	// the organization's link leads to it
	org := u.CreateOrganization(testkit.Unique("Lien "))
	href := u.Get("/organizations/" + org).Expect(http.StatusOK).Str("_links.businessActivity.href")
	if got := u.Get(href).Expect(http.StatusOK).Str("name"); got != "Voirie" {
		t.Fatalf("%s: name %q", href, got)
	}

	u.Get("/businessactivities/voirie").ExpectError(http.StatusNotFound)
	u.Get("/businessactivities/" + uuid.NewString()).ExpectError(http.StatusNotFound)
}
