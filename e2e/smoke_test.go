package e2e

import (
	"net/http"
	"testing"
)

func TestRegisterLoginCreateOrganization(t *testing.T) {
	u := stack.NewUser(t)
	org := u.CreateOrganization("Mairie de Bordeaux")
	r := u.Get("/organizations/" + org).Expect(http.StatusOK)
	if r.Str("name") != "Mairie de Bordeaux" || r.Str("type") != "Organization" {
		t.Fatalf("unexpected organization: %s", r.Body)
	}
	members := u.Get("/organizations/" + org + "/members").Expect(http.StatusOK)
	if members.Num("total") != 1 || members.Str("_embedded.items.0._links.person.iriTemplate.mapping.person") != u.PersonID {
		t.Fatalf("creator should be the only member: %s", members.Body)
	}
	if roles := members.List("_embedded.items.0.roles"); len(roles) != 1 || roles[0] != "ORGANIZATION:ADMIN" {
		t.Fatalf("creator should be admin: %v", roles)
	}
}
