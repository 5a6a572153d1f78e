package e2e

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

const (
	roleAdmin     = "ORGANIZATION:ADMIN"
	roleAgent     = "ORGANIZATION:AGENT"
	roleOperator  = "ORGANIZATION:OPERATOR"
	roleAnalytics = "ORGANIZATION:ANALYTICS"
	roleExport    = "ORGANIZATION:EXPORT"
)

// rolesOf reads a member's roles as strings.
func rolesOf(r *testkit.Response) []string {
	r.T.Helper()
	roles := []string{}
	for _, v := range r.List("roles") {
		roles = append(roles, v.(string))
	}
	return roles
}

// memberRoles reads, as admin (any member), the roles of one member.
func memberRoles(t *testing.T, c *testkit.Client, org, member string) []string {
	t.Helper()
	return rolesOf(c.Get("/organizations/" + org + "/members/" + member).Expect(http.StatusOK))
}

func assertRoles(t *testing.T, c *testkit.Client, org, member string, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if got := memberRoles(t, c, org, member); !sameSet(got, want) {
		t.Fatalf("member %s has roles %v, want %v", member, got, want)
	}
}

// memberCount counts an organization's members as c (a member) sees them.
func memberCount(c *testkit.Client, org string) int {
	c.T.Helper()
	return int(c.Get("/organizations/" + org + "/members").Expect(http.StatusOK).Num("total"))
}

func TestAddMember(t *testing.T) {
	admin := stack.NewUser(t)
	org := admin.CreateOrganization(testkit.Unique("Members "))
	p := stack.NewUser(t)

	r := admin.Post("/organizations/"+org+"/members", map[string]any{"person": p.PersonID}).Expect(http.StatusCreated)
	id := r.Str("id")
	if id == "" || id == p.PersonID || r.Str("type") != "Member" {
		t.Fatalf("member: %s", r.Body)
	}
	if r.Str("_links.person.iriTemplate.mapping.person") != p.PersonID || r.Str("_links.person.href") != "/people/"+p.PersonID ||
		r.Str("_links.organization.iriTemplate.mapping.organization") != org ||
		r.Str("_links.self.href") != "/organizations/"+org+"/members/"+id {
		t.Fatalf("member links: %s", r.Body)
	}
	if got := rolesOf(r); len(got) != 0 {
		t.Fatalf("a new member has roles %v", got)
	}
	var available []string
	for _, v := range r.List("_embedded.availableRoles") {
		available = append(available, v.(string))
	}
	if !sameSet(available, []string{roleAdmin, roleAgent, roleOperator, roleAnalytics, roleExport}) {
		t.Fatalf("available roles: %v", available)
	}
	if memberCount(admin, org) != 2 || admin.MemberIDOf(org, p) != id {
		t.Fatalf("the new member is not listed")
	}
	// the new member sees the organization among their memberships
	if m := p.Get("/people/" + p.PersonID + "/memberships").Expect(http.StatusOK); m.Num("total") != 1 || m.IDs()[0] != id {
		t.Fatalf("memberships of the new member: %s", m.Body)
	}

	// refused additions change nothing
	admin.Post("/organizations/"+org+"/members", map[string]any{"person": p.PersonID}).ExpectError(http.StatusBadRequest, "person")
	admin.Post("/organizations/"+org+"/members", map[string]any{"person": admin.PersonID}).ExpectError(http.StatusBadRequest, "person")
	admin.Post("/organizations/"+org+"/members", map[string]any{"person": uuid.NewString()}).ExpectError(http.StatusBadRequest, "person")
	admin.Post("/organizations/"+org+"/members", map[string]any{"person": "not-a-uuid"}).ExpectError(http.StatusBadRequest, "person")
	admin.Post("/organizations/"+org+"/members", map[string]any{"person": 12}).ExpectError(http.StatusBadRequest, "person")
	admin.Post("/organizations/"+org+"/members", map[string]any{}).ExpectError(http.StatusBadRequest, "person")
	admin.Post("/organizations/"+org+"/members", `{"person": `).ExpectError(http.StatusBadRequest)
	if n := memberCount(admin, org); n != 2 {
		t.Fatalf("refused additions changed the member count to %d", n)
	}
	assertRoles(t, admin, org, id)

	// only admins add members
	q := stack.NewUser(t)
	operator := stack.NewUser(t)
	admin.AddMember(org, operator.PersonID, roleOperator, roleAnalytics, roleExport, roleAgent)
	outsider := stack.NewUser(t)
	p.Post("/organizations/"+org+"/members", map[string]any{"person": q.PersonID}).ExpectError(http.StatusForbidden)
	operator.Post("/organizations/"+org+"/members", map[string]any{"person": q.PersonID}).ExpectError(http.StatusForbidden)
	outsider.Post("/organizations/"+org+"/members", map[string]any{"person": outsider.PersonID}).ExpectError(http.StatusForbidden)
	outsider.Post("/organizations/"+org+"/members", map[string]any{"person": "junk"}).ExpectError(http.StatusForbidden)
	if admin.MemberIDOf(org, q) != "" || admin.MemberIDOf(org, outsider) != "" || memberCount(admin, org) != 3 {
		t.Fatalf("a refused addition made a member")
	}

	admin.Post("/organizations/"+uuid.NewString()+"/members", map[string]any{"person": q.PersonID}).ExpectError(http.StatusNotFound)
}

func TestListAndGetMembers(t *testing.T) {
	admin := named(t, "Ada", "Admin")
	org := admin.CreateOrganization(testkit.Unique("List "))
	tag := testkit.Unique("")
	p := named(t, "Paul"+tag, "Membre")
	q := named(t, "Quentin"+tag, "Membre")
	pID := admin.AddMember(org, p.PersonID)
	qID := admin.AddMember(org, q.PersonID, roleOperator)

	r := p.Get("/organizations/" + org + "/members").Expect(http.StatusOK)
	if r.Num("total") != 3 || len(r.IDs()) != 3 {
		t.Fatalf("members as seen by a plain member: %s", r.Body)
	}
	for _, it := range r.List("_embedded.items") {
		m := it.(map[string]any)
		if m["type"] != "Member" || m["_embedded"].(map[string]any)["person"] == nil {
			t.Fatalf("member item should embed its person: %v", m)
		}
	}

	// search[email] is a case-insensitive substring of the person's email
	r = admin.Get("/organizations/" + org + "/members?search[email]=" + strings.ToUpper(q.Email[5:14])).Expect(http.StatusOK)
	if r.Num("total") != 1 || r.IDs()[0] != qID || r.Str("_embedded.items.0._embedded.person.email") != q.Email {
		t.Fatalf("search[email]: %s", r.Body)
	}
	r = admin.Get("/organizations/" + org + "/members?search[givenName]=" + strings.ToLower("PAUL"+tag)).Expect(http.StatusOK)
	if r.Num("total") != 1 || r.IDs()[0] != pID {
		t.Fatalf("search[givenName]: %s", r.Body)
	}
	r = admin.Get("/organizations/" + org + "/members?search[familyName]=membre&order=asc").Expect(http.StatusOK)
	if !sameSet(r.IDs(), []string{pID, qID}) || r.IDs()[0] != pID {
		t.Fatalf("search[familyName] in creation order: %s", r.Body)
	}
	// a person of another organization is not listed even when the filter matches them
	stranger := named(t, "Paul"+tag, "Ailleurs")
	stranger.CreateOrganization(testkit.Unique("Elsewhere "))
	r = admin.Get("/organizations/" + org + "/members?search[givenName]=paul" + tag).Expect(http.StatusOK)
	if r.Num("total") != 1 || r.IDs()[0] != pID {
		t.Fatalf("the list shows people of another organization: %s", r.Body)
	}
	admin.Get("/organizations/"+org+"/members?limit=0").ExpectError(http.StatusBadRequest, "limit")

	// members only
	stranger.Get("/organizations/" + org + "/members").ExpectError(http.StatusForbidden)
	stranger.Get("/organizations/" + org + "/members/" + pID).ExpectError(http.StatusForbidden)

	one := p.Get("/organizations/" + org + "/members/" + qID).Expect(http.StatusOK)
	if one.Str("id") != qID || one.Str("_links.person.iriTemplate.mapping.person") != q.PersonID ||
		!sameSet(rolesOf(one), []string{roleOperator}) || len(one.List("_embedded.availableRoles")) != 5 {
		t.Fatalf("one member: %s", one.Body)
	}
	admin.Get("/organizations/" + org + "/members/" + uuid.NewString()).ExpectError(http.StatusNotFound)
	admin.Get("/organizations/" + org + "/members/" + q.PersonID).ExpectError(http.StatusNotFound) // a person id is not a member id
	admin.Get("/organizations/" + org + "/members/bad-id").ExpectError(http.StatusNotFound)
	admin.Get("/organizations/" + uuid.NewString() + "/members/" + qID).ExpectError(http.StatusNotFound)

	// a member of another organization is not found through this one
	otherOrg := admin.CreateOrganization(testkit.Unique("Other "))
	otherMember := admin.AddMember(otherOrg, q.PersonID)
	admin.Get("/organizations/" + org + "/members/" + otherMember).ExpectError(http.StatusNotFound)
}

func TestPatchMemberRoles(t *testing.T) {
	admin := stack.NewUser(t)
	org := admin.CreateOrganization(testkit.Unique("Roles "))
	adminID := admin.MemberIDOf(org, admin)
	p := stack.NewUser(t)
	pID := admin.AddMember(org, p.PersonID)
	path := "/organizations/" + org + "/members/" + pID

	r := admin.Patch(path, map[string]any{"roles": []string{roleOperator, roleAgent}}).Expect(http.StatusOK)
	if !sameSet(rolesOf(r), []string{roleOperator, roleAgent}) || r.Str("id") != pID {
		t.Fatalf("patched member: %s", r.Body)
	}
	assertRoles(t, admin, org, pID, roleOperator, roleAgent)
	admin.Patch(path, map[string]any{"roles": []string{roleOperator, roleOperator, roleAgent}}).Expect(http.StatusOK)
	assertRoles(t, admin, org, pID, roleOperator, roleAgent)

	// refused changes leave the roles as they were
	admin.Patch(path, map[string]any{"roles": []string{roleOperator, "ORGANIZATION:KING"}}).ExpectError(http.StatusBadRequest, "roles")
	admin.Patch(path, map[string]any{"roles": []string{"organization:admin"}}).ExpectError(http.StatusBadRequest, "roles")
	admin.Patch(path, map[string]any{"roles": roleAdmin}).ExpectError(http.StatusBadRequest, "roles")
	admin.Patch(path, map[string]any{"roles": []any{1}}).ExpectError(http.StatusBadRequest, "roles")
	admin.Patch(path, `{"roles": [`).ExpectError(http.StatusBadRequest)
	assertRoles(t, admin, org, pID, roleOperator, roleAgent)

	// a member without the admin role cannot change roles, not even their own
	p.Patch(path, map[string]any{"roles": []string{roleAdmin}}).ExpectError(http.StatusForbidden)
	p.Patch("/organizations/"+org+"/members/"+adminID, map[string]any{"roles": []string{}}).ExpectError(http.StatusForbidden)
	stack.NewUser(t).Patch(path, map[string]any{"roles": []string{roleAdmin}}).ExpectError(http.StatusForbidden)
	assertRoles(t, admin, org, pID, roleOperator, roleAgent)
	assertRoles(t, admin, org, adminID, roleAdmin)

	// the only admin cannot drop the role
	admin.Patch("/organizations/"+org+"/members/"+adminID, map[string]any{"roles": []string{roleOperator}}).ExpectError(http.StatusConflict)
	admin.Patch("/organizations/"+org+"/members/"+adminID, map[string]any{"roles": []string{}}).ExpectError(http.StatusConflict)
	assertRoles(t, admin, org, adminID, roleAdmin)
	admin.Patch("/organizations/"+org, map[string]any{"description": "still admin"}).Expect(http.StatusOK)

	// one agency per person: p is the agent of org, so not of another
	other := stack.NewUser(t)
	otherOrg := other.CreateOrganization(testkit.Unique("Agency "))
	pInOther := other.AddMember(otherOrg, p.PersonID)
	other.Patch("/organizations/"+otherOrg+"/members/"+pInOther, map[string]any{"roles": []string{roleAgent, roleOperator}}).
		ExpectError(http.StatusBadRequest, "roles")
	assertRoles(t, other, otherOrg, pInOther)
	other.Patch("/organizations/"+otherOrg+"/members/"+pInOther, map[string]any{"roles": []string{roleOperator}}).Expect(http.StatusOK)
	// once p is no longer org's agent, otherOrg may make them its agent
	admin.Patch(path, map[string]any{"roles": []string{roleOperator}}).Expect(http.StatusOK)
	other.Patch("/organizations/"+otherOrg+"/members/"+pInOther, map[string]any{"roles": []string{roleAgent}}).Expect(http.StatusOK)
	admin.Patch(path, map[string]any{"roles": []string{roleAgent}}).ExpectError(http.StatusBadRequest, "roles")
	assertRoles(t, admin, org, pID, roleOperator)

	// with a second admin, the first may step down
	admin.Patch(path, map[string]any{"roles": []string{roleAdmin}}).Expect(http.StatusOK)
	admin.Patch("/organizations/"+org+"/members/"+adminID, map[string]any{"roles": []string{roleAnalytics}}).Expect(http.StatusOK)
	assertRoles(t, p, org, adminID, roleAnalytics)
	admin.Patch("/organizations/"+org, map[string]any{"description": "no longer admin"}).ExpectError(http.StatusForbidden)
	p.Patch("/organizations/"+org+"/members/"+adminID, map[string]any{"roles": []string{}}).Expect(http.StatusOK)
	assertRoles(t, p, org, adminID)

	p.Patch("/organizations/"+org+"/members/"+uuid.NewString(), map[string]any{"roles": []string{}}).ExpectError(http.StatusNotFound)
}

func TestRemoveMember(t *testing.T) {
	admin := stack.NewUser(t)
	org := admin.CreateOrganization(testkit.Unique("Remove "))
	adminID := admin.MemberIDOf(org, admin)
	p, q, r := stack.NewUser(t), stack.NewUser(t), stack.NewUser(t)
	pID := admin.AddMember(org, p.PersonID, roleOperator, roleAnalytics)
	qID := admin.AddMember(org, q.PersonID)
	rID := admin.AddMember(org, r.PersonID)
	members := "/organizations/" + org + "/members/"

	// a member without the admin role cannot remove someone else
	p.Delete(members + qID).ExpectError(http.StatusForbidden)
	p.Delete(members + adminID).ExpectError(http.StatusForbidden)
	stack.NewUser(t).Delete(members + qID).ExpectError(http.StatusForbidden)
	admin.Get(members + qID).Expect(http.StatusOK)
	assertRoles(t, admin, org, adminID, roleAdmin)
	if n := memberCount(admin, org); n != 4 {
		t.Fatalf("refused removals changed the member count to %d", n)
	}

	// an admin removes a member
	admin.Delete(members + qID).Expect(http.StatusNoContent)
	admin.Get(members + qID).ExpectError(http.StatusNotFound)
	if admin.MemberIDOf(org, q) != "" || memberCount(admin, org) != 3 {
		t.Fatalf("the removed member is still listed")
	}
	q.Get("/organizations/" + org + "/members").ExpectError(http.StatusForbidden)
	admin.Delete(members + qID).ExpectError(http.StatusNotFound)

	// a member leaves
	r.Delete(members + rID).Expect(http.StatusNoContent)
	admin.Get(members + rID).ExpectError(http.StatusNotFound)
	r.Get("/organizations/" + org + "/members").ExpectError(http.StatusForbidden)
	if m := r.Get("/people/" + r.PersonID + "/memberships").Expect(http.StatusOK); m.Num("total") != 0 {
		t.Fatalf("memberships after leaving: %s", m.Body)
	}
	// and can be added again, as a new member
	rID2 := admin.AddMember(org, r.PersonID)
	if rID2 == rID {
		t.Fatalf("re-adding a person reused the old member id")
	}

	// the last admin cannot leave
	admin.Delete(members + adminID).ExpectError(http.StatusConflict)
	assertRoles(t, admin, org, adminID, roleAdmin)
	if admin.MemberIDOf(org, admin) != adminID {
		t.Fatalf("the last admin is gone")
	}

	// with two admins, one removes the other; then the remaining one is the last
	admin.Patch(members+pID, map[string]any{"roles": []string{roleAdmin}}).Expect(http.StatusOK)
	p.Delete(members + adminID).Expect(http.StatusNoContent)
	p.Get(members + adminID).ExpectError(http.StatusNotFound)
	admin.Get("/organizations/" + org + "/members").ExpectError(http.StatusForbidden)
	p.Delete(members + pID).ExpectError(http.StatusConflict)
	assertRoles(t, p, org, pID, roleAdmin)

	p.Delete(members + uuid.NewString()).ExpectError(http.StatusNotFound)
	p.Delete(members + "x").ExpectError(http.StatusNotFound)
}

// TestAdminsDemotingEachOtherAtOnce checks that an organization keeps an admin when its two admins
// remove each other's role, or each other, at the same time.
func TestAdminsDemotingEachOtherAtOnce(t *testing.T) {
	for round := 0; round < 5; round++ {
		a, b := stack.NewUser(t), stack.NewUser(t)
		org := a.CreateOrganization(testkit.Unique("Concurrent "))
		aID := a.MemberIDOf(org, a)
		bID := a.AddMember(org, b.PersonID, roleAdmin)
		members := "/organizations/" + org + "/members/"
		statuses := make([]int, 2)
		var wg sync.WaitGroup
		for i, step := range []func() *testkit.Response{
			func() *testkit.Response {
				if round%2 == 0 {
					return a.Patch(members+bID, map[string]any{"roles": []string{roleOperator}})
				}
				return a.Delete(members + bID)
			},
			func() *testkit.Response {
				if round%2 == 0 {
					return b.Patch(members+aID, map[string]any{"roles": []string{roleOperator}})
				}
				return b.Delete(members + aID)
			},
		} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = step().Status
			}()
		}
		wg.Wait()
		slices.Sort(statuses)
		success := http.StatusOK
		if round%2 == 1 {
			success = http.StatusNoContent
		}
		if statuses[0] != success && statuses[1] != success {
			t.Fatalf("round %d: neither change succeeded: %v", round, statuses)
		}
		if statuses[0] == success && statuses[1] == success {
			t.Fatalf("round %d: both changes succeeded: %v", round, statuses)
		}
		// exactly one admin remains, and they can still administer the organization
		var admins []*testkit.Client
		for _, c := range []*testkit.Client{a, b} {
			if c.Patch("/organizations/"+org, map[string]any{"description": "round"}).Status == http.StatusOK {
				admins = append(admins, c)
			}
		}
		if len(admins) != 1 {
			t.Fatalf("round %d: %d admins remain (statuses %v)", round, len(admins), statuses)
		}
		list := admins[0].Get("/organizations/" + org + "/members").Expect(http.StatusOK)
		n := 0
		for _, it := range list.List("_embedded.items") {
			for _, r := range it.(map[string]any)["roles"].([]any) {
				if r == roleAdmin {
					n++
				}
			}
		}
		if n != 1 {
			t.Fatalf("round %d: %d members hold the admin role: %s", round, n, list.Body)
		}
	}
}

// TestTwoOrganizationsHiringTheSameAgentAtOnce checks the one-agency rule under concurrency.
func TestTwoOrganizationsHiringTheSameAgentAtOnce(t *testing.T) {
	for round := 0; round < 3; round++ {
		p := stack.NewUser(t)
		type hire struct {
			admin       *testkit.Client
			org, member string
		}
		var hires []hire
		for i := 0; i < 2; i++ {
			admin := stack.NewUser(t)
			org := admin.CreateOrganization(testkit.Unique("Agency "))
			hires = append(hires, hire{admin, org, admin.AddMember(org, p.PersonID)})
		}
		statuses := make([]int, len(hires))
		var wg sync.WaitGroup
		for i, h := range hires {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = h.admin.Patch("/organizations/"+h.org+"/members/"+h.member, map[string]any{"roles": []string{roleAgent}}).Status
			}()
		}
		wg.Wait()
		slices.Sort(statuses)
		if !slices.Equal(statuses, []int{http.StatusOK, http.StatusBadRequest}) {
			t.Fatalf("round %d: statuses %v, want one 200 and one 400", round, statuses)
		}
		agents := 0
		for _, h := range hires {
			if slices.Contains(memberRoles(t, h.admin, h.org, h.member), roleAgent) {
				agents++
			}
		}
		if agents != 1 {
			t.Fatalf("round %d: the person is the agent of %d organizations", round, agents)
		}
	}
}
