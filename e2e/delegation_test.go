package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// Delegation: an admin of the organization treating a report hands it to a partner
// (lifecycles.md, Delegation).

// makePartner has from's admin list to as a partner.
func makePartner(from, to *testkit.Desk) {
	from.T.Helper()
	from.Admin.Post("/organizations/"+from.Org+"/relationships", map[string]string{"organization": to.Org}).Expect(http.StatusCreated)
}

// delegate asks, as c, that org hand report to the organization to.
func delegate(c *testkit.Client, org, report, to string) *testkit.Response {
	c.T.Helper()
	return c.Post("/organizations/"+org+"/delegates", map[string]string{"report": report, "organization": to})
}

// orgHrefs are the organization links of the desks, in order.
func orgHrefs(desks ...*testkit.Desk) []string {
	out := []string{}
	for _, d := range desks {
		out = append(out, "/organizations/"+d.Org)
	}
	return out
}

// expectChain checks, as c sees the report, that delegatedFrom and delegatedTo name the last
// handover (one link each, none before the first delegation) and that _embedded.delegationChain
// lists the organizations of the chain in order.
func expectChain(t *testing.T, c *testkit.Client, report string, chain ...*testkit.Desk) *testkit.Response {
	t.Helper()
	r := c.Get("/reports/" + report).Expect(http.StatusOK)
	expectHandover(t, r, chain...)
	var hrefs []string
	for i := range r.List("_embedded.delegationChain") {
		hrefs = append(hrefs, r.Str(fmt.Sprintf("_embedded.delegationChain.%d._links.self.href", i)))
	}
	if want := orgHrefs(chain...); !slices.Equal(hrefs, want) {
		t.Fatalf("delegation chain %v, want %v; body: %s", hrefs, want, r.Body)
	}
	if r.Str("_links.organization.href") != "/organizations/"+chain[0].Org {
		t.Fatalf("the receiving organization changed: %s", r.Body)
	}
	return r
}

// expectHandover checks the single delegatedFrom / delegatedTo links of a report whose chain is given.
func expectHandover(t *testing.T, r *testkit.Response, chain ...*testkit.Desk) {
	t.Helper()
	var wantFrom, wantTo []string
	if n := len(chain); n > 1 {
		wantFrom, wantTo = orgHrefs(chain[n-2]), orgHrefs(chain[n-1])
	}
	for rel, want := range map[string][]string{"delegatedFrom": wantFrom, "delegatedTo": wantTo} {
		l := r.At("_links." + rel)
		if _, isList := l.([]any); isList {
			t.Fatalf("_links.%s is an array, not one link: %s", rel, r.Body)
		}
		if got := r.Hrefs("_links." + rel); !slices.Equal(got, want) {
			t.Fatalf("_links.%s %v, want %v; body: %s", rel, got, want, r.Body)
		}
	}
}

func TestDelegationRequirements(t *testing.T) {
	a := stack.NewDesk(t, "Délégante")
	b := stack.NewDesk(t, "Partenaire")
	_, report := a.NewReport()
	operator, _ := a.Member(testkit.RoleOperator)
	unchanged := func() {
		t.Helper()
		expectChain(t, a.Admin, report, a).ExpectState("NEW", "accept", "refuse")
		b.Admin.Get("/reports/" + report).ExpectError(http.StatusNotFound)
		b.ExpectNoReports()
	}

	// B is not yet A's partner: 400 on organization.
	delegate(a.Admin, a.Org, report, b.Org).ExpectError(http.StatusBadRequest, "organization")
	delegate(a.Admin, a.Org, report, uuid.NewString()).ExpectError(http.StatusBadRequest, "organization")
	unchanged()
	// Partnership is one-way: B listing A does not let A delegate to B.
	makePartner(b, a)
	delegate(a.Admin, a.Org, report, b.Org).ExpectError(http.StatusBadRequest, "organization")
	unchanged()
	makePartner(a, b)

	// Bad bodies.
	a.Admin.Post("/organizations/"+a.Org+"/delegates", map[string]string{"organization": b.Org}).ExpectError(http.StatusBadRequest, "report")
	a.Admin.Post("/organizations/"+a.Org+"/delegates", map[string]string{"report": report}).ExpectError(http.StatusBadRequest, "organization")
	delegate(a.Admin, a.Org, uuid.NewString(), b.Org).ExpectError(http.StatusBadRequest, "report")
	delegate(a.Admin, a.Org, "abc", b.Org).ExpectError(http.StatusBadRequest, "report")
	a.Admin.Post("/organizations/"+a.Org+"/delegates", `{"report": `).ExpectError(http.StatusBadRequest)
	unchanged()

	// Admin of A required.
	delegate(operator, a.Org, report, b.Org).ExpectError(http.StatusForbidden)
	delegate(b.Admin, a.Org, report, b.Org).ExpectError(http.StatusForbidden)
	delegate(a.Citizen, a.Org, report, b.Org).ExpectError(http.StatusForbidden)
	stack.Client(t).Post("/organizations/"+a.Org+"/delegates", map[string]string{"report": report, "organization": b.Org}).ExpectError(http.StatusUnauthorized)
	unchanged()

	// The organization in the path must be the one treating the report: A's admin also
	// administers X (B's partner too), but X does not treat the report.
	x := a.Admin.CreateOrganization(testkit.Unique("Autre casquette "))
	a.Admin.Post("/organizations/"+x+"/relationships", map[string]string{"organization": b.Org}).Expect(http.StatusCreated)
	delegate(a.Admin, x, report, b.Org).ExpectError(http.StatusForbidden)
	// B's admin cannot hand A's report on from B (B lists A as partner, but does not see the
	// report: 400 on report).
	delegate(b.Admin, b.Org, report, a.Org).ExpectError(http.StatusBadRequest, "report")
	unchanged()

	// To itself: already in the chain.
	delegate(a.Admin, a.Org, report, a.Org).ExpectError(http.StatusConflict)
	unchanged()

	// At last: A hands it to B.
	r := delegate(a.Admin, a.Org, report, b.Org).Expect(http.StatusOK).ExpectState("NEW", "accept", "refuse")
	if r.Str("id") != report {
		t.Fatalf("delegation answered another report: %s", r.Body)
	}
	expectChain(t, a.Admin, report, a, b)
	expectChain(t, b.Admin, report, a, b)
	b.Admin.Reports(b.Org, "").ExpectIDSet(report)
	a.Admin.Reports(a.Org, "").ExpectIDSet(report)

	// A no longer treats it: it cannot hand it on again, nor to the same partner.
	c := stack.NewDesk(t, "Tierce")
	makePartner(a, c)
	delegate(a.Admin, a.Org, report, c.Org).ExpectError(http.StatusForbidden)
	delegate(a.Admin, a.Org, report, b.Org).ExpectError(http.StatusForbidden)
	expectChain(t, a.Admin, report, a, b)
	c.ExpectNoReports()

	// A finished report is not delegated.
	b.Admin.DriveReport(report, "refuse")
	makePartner(b, c)
	delegate(b.Admin, b.Org, report, c.Org).ExpectError(http.StatusConflict)
	expectChain(t, b.Admin, report, a, b).ExpectState("REFUSED")
	c.ExpectNoReports()
}

func TestDelegationChain(t *testing.T) {
	a := stack.NewDesk(t, "Chaîne A")
	b := stack.NewDesk(t, "Chaîne B")
	c := stack.NewDesk(t, "Chaîne C")
	feedback, report := a.NewReport()
	makePartner(a, b)
	makePartner(b, c)
	makePartner(c, a) // so that C→A is refused as a cycle, not for want of a partnership
	makePartner(c, b)
	bOperator, bOperatorMember := b.Member(testkit.RoleOperator)
	cOperator, cOperatorMember := c.Member(testkit.RoleOperator)

	delegate(a.Admin, a.Org, report, b.Org).Expect(http.StatusOK)
	// B treats it now: B delegates on to C.
	r := delegate(b.Admin, b.Org, report, c.Org).Expect(http.StatusOK)
	expectHandover(t, r, a, b, c)
	for _, d := range []*testkit.Desk{a, b, c} {
		expectChain(t, d.Admin, report, a, b, c).ExpectState("NEW", "accept", "refuse")
		d.Admin.Reports(d.Org, "").ExpectIDSet(report)
		d.Admin.Get("/feedbacks/" + feedback).Expect(http.StatusOK)
	}
	// A reader of C (not admin) sees it too.
	cOperator.Get("/reports/" + report).Expect(http.StatusOK)

	// Cycles: back to A, or to B, refused; nothing changes.
	delegate(c.Admin, c.Org, report, a.Org).ExpectError(http.StatusConflict)
	delegate(c.Admin, c.Org, report, b.Org).ExpectError(http.StatusConflict)
	expectChain(t, c.Admin, report, a, b, c)

	// A and B keep read access but can no longer change it.
	for _, d := range []*testkit.Desk{a, b} {
		for _, viaPatch := range []bool{false, true} {
			d.Admin.TransitionReport(report, "accept", viaPatch).ExpectError(http.StatusForbidden)
		}
		d.Admin.Patch("/reports/"+report, map[string]any{"priority": 5}).ExpectError(http.StatusForbidden)
		d.Admin.Post("/operations", map[string]any{"report": report, "name": "Pas à moi"}).ExpectError(http.StatusForbidden)
		delegate(d.Admin, d.Org, report, c.Org).ExpectError(http.StatusForbidden)
	}
	r = expectChain(t, a.Admin, report, a, b, c).ExpectState("NEW", "accept", "refuse")
	if r.Num("priority") != 0 {
		t.Fatalf("a refused patch changed the report: %s", r.Body)
	}
	c.Admin.Get("/reports/" + report + "/operations").ExpectIDSet()

	// C treats it: transitions, operations, assignment to its own operators only.
	c.Admin.TransitionReport(report, "accept", false).Expect(http.StatusOK).ExpectState("ACCEPTED", "refuse", "hold", "progress")
	c.Admin.Patch("/reports/"+report, map[string]any{"priority": 4}).Expect(http.StatusOK)
	op := c.Admin.CreateOperation(report, testkit.Unique("Réparer "))
	c.Admin.Assign(op, bOperatorMember).ExpectError(http.StatusBadRequest, "member")
	c.Admin.Assign(op, cOperatorMember).Expect(http.StatusOK).ExpectState("ASSIGNED", "progress")
	c.Admin.DriveReport(report, "progress")
	// A and B follow the operation but do not work it.
	for _, cl := range []*testkit.Client{a.Admin, b.Admin} {
		cl.Get("/operations/"+op).Expect(http.StatusOK).ExpectState("ASSIGNED", "progress")
		cl.Get("/reports/" + report + "/operations").Expect(http.StatusOK).ExpectIDSet(op)
		cl.TransitionOperation(op, "progress", false).ExpectError(http.StatusForbidden)
		cl.Assign(op, cOperatorMember).ExpectError(http.StatusForbidden)
		cl.Delete("/operations/" + op).ExpectError(http.StatusForbidden)
	}
	bOperator.TransitionOperation(op, "progress", false).ExpectError(http.StatusForbidden)
	c.Admin.Get("/operations/"+op).Expect(http.StatusOK).ExpectState("ASSIGNED", "progress")
	cOperator.TransitionOperation(op, "progress", false).Expect(http.StatusOK)
	cOperator.TransitionOperation(op, "resolve", false).Expect(http.StatusOK)
	c.Admin.TransitionReport(report, "close", true).Expect(http.StatusOK).ExpectState("CLOSED")

	// Everyone in the chain sees the outcome.
	for _, d := range []*testkit.Desk{a, b, c} {
		r := expectChain(t, d.Admin, report, a, b, c).ExpectState("CLOSED")
		if r.Num("priority") != 4 || r.Num("_embedded.tracking.progression.resolved") != 1 || r.Num("_embedded.tracking.progression.total") != 1 {
			t.Fatalf("%s sees: %s", d.Org, r.Body)
		}
		d.Admin.Reports(d.Org, "state=CLOSED").ExpectIDSet(report)
	}
}

func TestDelegationKeepsOperations(t *testing.T) {
	a := stack.NewDesk(t, "Avant")
	b := stack.NewDesk(t, "Après")
	makePartner(a, b)
	_, report := a.NewReport()
	a.Admin.DriveReport(report, "accept")
	// An operation A created before handing the report on.
	op := a.Admin.CreateOperation(report, testkit.Unique("Commencée "))
	delegate(a.Admin, a.Org, report, b.Org).Expect(http.StatusOK)
	_, aOperatorMember := a.Member(testkit.RoleOperator)
	bOperator, bOperatorMember := b.Member(testkit.RoleOperator)

	// B treats it now, its operations included: B's admin assigns it to B's operator.
	a.Admin.Assign(op, aOperatorMember).ExpectError(http.StatusForbidden)
	b.Admin.Assign(op, aOperatorMember).ExpectError(http.StatusBadRequest, "member")
	r := b.Admin.Assign(op, bOperatorMember).Expect(http.StatusOK).ExpectState("ASSIGNED", "progress")
	operator := r.Str("_links.operator.href")
	if operator != "/organizations/"+b.Org+"/members/"+bOperatorMember {
		t.Fatalf("operator link %q, want B's member %s; body: %s", operator, bOperatorMember, r.Body)
	}
	// The link leads to the member.
	b.Admin.Get(operator).Expect(http.StatusOK)
	bOperator.TransitionOperation(op, "progress", false).Expect(http.StatusOK)
	for _, d := range []*testkit.Desk{a, b} {
		d.Admin.Get("/organizations/" + d.Org + "/operations").Expect(http.StatusOK).ExpectIDSet(op)
	}
	bOperator.Get("/people/" + bOperator.PersonID + "/operations").Expect(http.StatusOK).ExpectIDSet(op)
}

func TestDelegationLongChain(t *testing.T) {
	desks := []*testkit.Desk{stack.NewDesk(t, "Maillon 0")}
	for i := 1; i < 6; i++ {
		desks = append(desks, stack.NewDesk(t, "Maillon"))
		makePartner(desks[i-1], desks[i])
	}
	_, report := desks[0].NewReport()
	for i := 1; i < len(desks); i++ {
		delegate(desks[i-1].Admin, desks[i-1].Org, report, desks[i].Org).Expect(http.StatusOK)
		expectChain(t, desks[i].Admin, report, desks[:i+1]...)
	}
	last := desks[len(desks)-1]
	for i := 0; i < len(desks)-1; i++ {
		makePartner(last, desks[i])
		delegate(last.Admin, last.Org, report, desks[i].Org).ExpectError(http.StatusConflict)
		desks[i].Admin.TransitionReport(report, "accept", false).ExpectError(http.StatusForbidden)
		expectChain(t, desks[i].Admin, report, desks...)
	}
	last.Admin.TransitionReport(report, "accept", false).Expect(http.StatusOK).ExpectState("ACCEPTED", "refuse", "hold", "progress")
}
