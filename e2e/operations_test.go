package e2e

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// The operation machine (lifecycles.md, Operation): from each state, what each request leads to.
// "assign" has its own endpoint; the transition endpoints take "progress" and "resolve".
var operationMachineTable = map[string]map[string]string{
	"NEW":         {"assign": "ASSIGNED"},
	"ASSIGNED":    {"assign": "ASSIGNED", "progress": "IN_PROGRESS"},
	"IN_PROGRESS": {"assign": "ASSIGNED", "resolve": "RESOLVED"},
	"RESOLVED":    {},
}

// operationStatePath is how a new operation reaches each state.
var operationStatePath = map[string][]string{
	"NEW":         nil,
	"ASSIGNED":    {"assign"},
	"IN_PROGRESS": {"assign", "progress"},
	"RESOLVED":    {"assign", "progress", "resolve"},
}

// operationOffered is what _embedded.stateTransitions lists in each state (assign excluded: it
// is an endpoint of its own).
func operationOffered(state string) []string {
	out := []string{}
	for t := range operationMachineTable[state] {
		if t != "assign" {
			out = append(out, t)
		}
	}
	return out
}

// opDesk is a desk with a report being worked on and an operator, to create operations on.
type opDesk struct {
	*testkit.Desk
	report         string
	operator       *testkit.Client
	operatorMember string
}

func newOpDesk(t *testing.T, name string) *opDesk {
	t.Helper()
	d := &opDesk{Desk: stack.NewDesk(t, name)}
	d.report = d.ReportIn("accept", "progress")
	d.operator, d.operatorMember = d.Member(testkit.RoleOperator)
	return d
}

// operationIn creates an operation on the desk's report and drives it to state.
func (d *opDesk) operationIn(state string) string {
	d.T.Helper()
	op := d.Admin.CreateOperation(d.report, testkit.Unique("Op "))
	for _, step := range operationStatePath[state] {
		if step == "assign" {
			d.Admin.Assign(op, d.operatorMember).Expect(http.StatusOK)
		} else {
			d.operator.TransitionOperation(op, step, false).Expect(http.StatusOK)
		}
	}
	d.Admin.Get("/operations/"+op).Expect(http.StatusOK).ExpectState(state, operationOffered(state)...)
	return op
}

// logActions lists the actions of an operation's log, oldest first.
func logActions(t *testing.T, c *testkit.Client, op string) []string {
	t.Helper()
	r := c.Get("/operations/" + op + "/logs?limit=100").Expect(http.StatusOK)
	out := []string{}
	for _, it := range r.List("_embedded.items") {
		out = append(out, it.(map[string]any)["action"].(string))
	}
	if int(r.Num("total")) != len(out) {
		t.Fatalf("log page total %v for %d items: %s", r.Num("total"), len(out), r.Body)
	}
	return out
}

// expectOperationUnchanged fails unless the operation reads as before and its log did not grow.
func expectOperationUnchanged(t *testing.T, c *testkit.Client, op string, before *testkit.Response, logBefore []string) {
	t.Helper()
	after := c.Get("/operations/" + op).Expect(http.StatusOK)
	if string(after.Body) != string(before.Body) {
		t.Fatalf("a refused request changed operation %s: before %s, after %s", op, before.Body, after.Body)
	}
	if got := logActions(t, c, op); !slices.Equal(got, logBefore) {
		t.Fatalf("a refused request was logged: %v, then %v", logBefore, got)
	}
}

func TestOperationTransitionsFromEachState(t *testing.T) {
	d := newOpDesk(t, "Machine op")
	_, otherMember := d.Member(testkit.RoleOperator)
	for _, state := range []string{"NEW", "ASSIGNED", "IN_PROGRESS", "RESOLVED"} {
		t.Run(state, func(t *testing.T) {
			op := d.operationIn(state)
			before := d.Admin.Get("/operations/" + op).Expect(http.StatusOK)
			logBefore := logActions(t, d.Admin, op)
			// Refused: 409 through every endpoint, and nothing changes.
			for _, tr := range []string{"progress", "resolve"} {
				if _, ok := operationMachineTable[state][tr]; ok {
					continue
				}
				d.Admin.TransitionOperation(op, tr, false).ExpectError(http.StatusConflict)
				d.Admin.TransitionOperation(op, tr, true).ExpectError(http.StatusConflict)
				expectOperationUnchanged(t, d.Admin, op, before, logBefore)
			}
			if _, ok := operationMachineTable[state]["assign"]; !ok {
				d.Admin.Assign(op, otherMember).ExpectError(http.StatusConflict)
				expectOperationUnchanged(t, d.Admin, op, before, logBefore)
			}
			// Names the transition endpoints do not take: 400.
			d.Admin.TransitionOperation(op, "assign", false).ExpectError(http.StatusBadRequest, "transition")
			d.Admin.TransitionOperation(op, "explode", true).ExpectError(http.StatusBadRequest, "transition")
			d.Admin.Post("/operations/"+op+"/workflow/transition", map[string]any{}).ExpectError(http.StatusBadRequest, "transition")
			expectOperationUnchanged(t, d.Admin, op, before, logBefore)

			// Allowed: each on a fresh operation in this state, through each endpoint.
			for tr, next := range operationMachineTable[state] {
				for _, viaPatch := range []bool{false, true} {
					if tr == "assign" && viaPatch {
						continue
					}
					op := d.operationIn(state)
					logBefore := logActions(t, d.Admin, op)
					var r *testkit.Response
					if tr == "assign" {
						r = d.Admin.Assign(op, otherMember)
					} else {
						r = d.operator.TransitionOperation(op, tr, viaPatch)
					}
					r.Expect(http.StatusOK).ExpectState(next, operationOffered(next)...)
					got := d.Admin.Get("/operations/"+op).Expect(http.StatusOK).ExpectState(next, operationOffered(next)...)
					if tr == "assign" && got.Str("_links.operator.href") != "/organizations/"+d.Org+"/members/"+otherMember {
						t.Fatalf("assigned operation's operator: %s", got.Body)
					}
					if cps := got.CheckpointStates(); cps[len(cps)-1] != next {
						t.Fatalf("%s from %s: checkpoints %v", tr, state, cps)
					}
					if logs := logActions(t, d.Admin, op); !slices.Equal(logs, append(logBefore, tr)) {
						t.Fatalf("%s from %s logged %v (before: %v)", tr, state, logs, logBefore)
					}
				}
			}
		})
	}
}

func TestOperationCreate(t *testing.T) {
	d := newOpDesk(t, "Création op")
	r := d.Admin.Post("/operations", map[string]any{
		"report": d.report, "name": "Reboucher", "description": "Enrobé à froid", "duration": 90,
		"startDate": "2030-05-04T08:00:00+02:00", "identificationNumber": "OP-1",
	}).Expect(http.StatusCreated).ExpectState("NEW")
	op := r.Str("id")
	if r.Str("type") != "Operation" || r.Str("name") != "Reboucher" || r.Str("description") != "Enrobé à froid" || r.Num("duration") != 90 ||
		!strings.HasPrefix(r.Str("startDate"), "2030-05-04") || r.Str("identificationNumber") != "OP-1" ||
		r.Str("_links.report.href") != "/reports/"+d.report || r.At("_links.operator") != nil {
		t.Fatalf("created operation: %s", r.Body)
	}
	if got := stack.WorkflowStatus(t, "operation/"+op); got != "Running" {
		t.Fatalf("workflow operation/%s: %q", op, got)
	}

	// Refused creations: nothing is added.
	outsider := stack.NewUser(t)
	other := stack.NewDesk(t, "Autre op")
	cases := []struct {
		name   string
		c      *testkit.Client
		body   any
		status int
		paths  []string
	}{
		{"no report", d.Admin, map[string]any{"name": "x"}, http.StatusBadRequest, []string{"report"}},
		{"unknown report", d.Admin, map[string]any{"report": uuid.NewString(), "name": "x"}, http.StatusBadRequest, []string{"report"}},
		{"malformed report", d.Admin, map[string]any{"report": "abc", "name": "x"}, http.StatusBadRequest, []string{"report"}},
		{"name too long", d.Admin, map[string]any{"report": d.report, "name": strings.Repeat("n", 256)}, http.StatusBadRequest, []string{"name"}},
		{"duration zero", d.Admin, map[string]any{"report": d.report, "name": "x", "duration": 0}, http.StatusBadRequest, []string{"duration"}},
		{"bad start date", d.Admin, map[string]any{"report": d.report, "name": "x", "startDate": "demain"}, http.StatusBadRequest, []string{"startDate"}},
		{"start date in year 1", d.Admin, map[string]any{"report": d.report, "name": "x", "startDate": "0001-01-01T00:00:00Z"}, http.StatusBadRequest, []string{"startDate"}},
		{"start date in year 9999", d.Admin, map[string]any{"report": d.report, "name": "x", "startDate": "9999-12-31"}, http.StatusBadRequest, []string{"startDate"}},
		{"operator", d.operator, map[string]any{"report": d.report, "name": "x"}, http.StatusForbidden, nil},
		{"outsider", outsider, map[string]any{"report": d.report, "name": "x"}, http.StatusBadRequest, []string{"report"}},
		{"another organization's admin", other.Admin, map[string]any{"report": d.report, "name": "x"}, http.StatusBadRequest, []string{"report"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.c.Post("/operations", tc.body).ExpectError(tc.status, tc.paths...)
		})
	}
	d.Admin.Get("/reports/" + d.report + "/operations").Expect(http.StatusOK).ExpectIDSet(op)
	d.Admin.Get("/organizations/" + d.Org + "/operations").Expect(http.StatusOK).ExpectIDSet(op)
}

func TestOperationAssignmentRules(t *testing.T) {
	d := newOpDesk(t, "Affectation")
	op := d.Admin.CreateOperation(d.report, testkit.Unique("Affecter "))
	_, agentMember := d.Member(testkit.RoleAgent)
	_, plainMember := d.Member()
	_, analystMember := d.Member("ORGANIZATION:ANALYTICS", "ORGANIZATION:EXPORT")
	other := stack.NewDesk(t, "Ailleurs op")
	foreignOperator, foreignMember := other.Member(testkit.RoleOperator)

	before := d.Admin.Get("/operations/" + op).Expect(http.StatusOK).ExpectState("NEW")
	logBefore := logActions(t, d.Admin, op)
	for name, member := range map[string]any{
		"agent only":                     agentMember,
		"no role":                        plainMember,
		"analytics and export":           analystMember,
		"member of another organization": foreignMember,
		"a person id, not a member id":   d.operator.PersonID,
		"unknown":                        uuid.NewString(),
		"malformed":                      "abc",
		"empty":                          "",
		"not a string":                   42,
	} {
		t.Run(name, func(t *testing.T) {
			d.Admin.Post("/operations/"+op+"/assign", map[string]any{"member": member}).ExpectError(http.StatusBadRequest, "member")
		})
	}
	d.Admin.Post("/operations/"+op+"/assign", map[string]any{}).ExpectError(http.StatusBadRequest, "member")
	expectOperationUnchanged(t, d.Admin, op, before, logBefore)

	// Who may assign: admins of the organization treating the report.
	d.operator.Assign(op, d.operatorMember).ExpectError(http.StatusForbidden)
	foreignOperator.Assign(op, d.operatorMember).ExpectError(http.StatusNotFound)
	other.Admin.Assign(op, d.operatorMember).ExpectError(http.StatusNotFound)
	expectOperationUnchanged(t, d.Admin, op, before, logBefore)

	// An operator, then an admin (re-assigning before RESOLVED).
	r := d.Admin.Assign(op, d.operatorMember).Expect(http.StatusOK).ExpectState("ASSIGNED", "progress")
	if r.Str("_links.operator.href") != "/organizations/"+d.Org+"/members/"+d.operatorMember {
		t.Fatalf("operator link: %s", r.Body)
	}
	d.operator.Get("/people/" + d.operator.PersonID + "/operations").Expect(http.StatusOK).ExpectIDSet(op)
	adminMember := d.Admin.MemberIDOf(d.Org, d.Admin)
	r = d.Admin.Assign(op, adminMember).Expect(http.StatusOK).ExpectState("ASSIGNED", "progress")
	if r.Str("_links.operator.href") != "/organizations/"+d.Org+"/members/"+adminMember {
		t.Fatalf("operator link after re-assignment: %s", r.Body)
	}
	d.operator.Get("/people/" + d.operator.PersonID + "/operations").Expect(http.StatusOK).ExpectIDSet()
	d.Admin.Get("/people/" + d.Admin.PersonID + "/operations").Expect(http.StatusOK).ExpectIDSet(op)
}

func TestOperationProgressPermissions(t *testing.T) {
	d := newOpDesk(t, "Avancement")
	second, secondMember := d.Member(testkit.RoleOperator)
	plain, _ := d.Member()
	outsider := stack.NewUser(t)
	other := stack.NewDesk(t, "Voisine op")

	// The assigned member works it; another operator, a plain member or outsiders may not.
	op := d.Admin.CreateOperation(d.report, testkit.Unique("Assigné "))
	d.Admin.Assign(op, d.operatorMember).Expect(http.StatusOK)
	refuse := func(tr string, state string) {
		t.Helper()
		before := d.Admin.Get("/operations/" + op).Expect(http.StatusOK)
		logBefore := logActions(t, d.Admin, op)
		for _, viaPatch := range []bool{false, true} {
			second.TransitionOperation(op, tr, viaPatch).ExpectError(http.StatusForbidden)
			plain.TransitionOperation(op, tr, viaPatch).ExpectError(http.StatusForbidden)
			outsider.TransitionOperation(op, tr, viaPatch).ExpectError(http.StatusNotFound)
			other.Admin.TransitionOperation(op, tr, viaPatch).ExpectError(http.StatusNotFound)
		}
		before.ExpectState(state, operationOffered(state)...)
		expectOperationUnchanged(t, d.Admin, op, before, logBefore)
	}
	refuse("progress", "ASSIGNED")
	d.operator.TransitionOperation(op, "progress", false).Expect(http.StatusOK).ExpectState("IN_PROGRESS", "resolve")
	refuse("resolve", "IN_PROGRESS")
	d.operator.TransitionOperation(op, "resolve", true).Expect(http.StatusOK).ExpectState("RESOLVED")

	// An admin works any operation, assigned to someone else.
	byAdmin := d.Admin.CreateOperation(d.report, testkit.Unique("Admin "))
	d.Admin.Assign(byAdmin, d.operatorMember).Expect(http.StatusOK)
	d.Admin.TransitionOperation(byAdmin, "progress", true).Expect(http.StatusOK).ExpectState("IN_PROGRESS", "resolve")
	d.Admin.TransitionOperation(byAdmin, "resolve", false).Expect(http.StatusOK).ExpectState("RESOLVED")

	// Re-assigned: the former operator loses it, the new one has it.
	moved := d.Admin.CreateOperation(d.report, testkit.Unique("Réaffecté "))
	d.Admin.Assign(moved, d.operatorMember).Expect(http.StatusOK)
	d.Admin.Assign(moved, secondMember).Expect(http.StatusOK)
	d.operator.TransitionOperation(moved, "progress", false).ExpectError(http.StatusForbidden)
	d.Admin.Get("/operations/"+moved).Expect(http.StatusOK).ExpectState("ASSIGNED", "progress")
	second.TransitionOperation(moved, "progress", false).Expect(http.StatusOK).ExpectState("IN_PROGRESS", "resolve")

	// Not yet assigned: only an admin could act, and there is nothing to do but assign.
	fresh := d.Admin.CreateOperation(d.report, testkit.Unique("Libre "))
	d.operator.TransitionOperation(fresh, "progress", false).ExpectError(http.StatusForbidden)
	d.Admin.TransitionOperation(fresh, "progress", false).ExpectError(http.StatusConflict)
	d.Admin.Get("/operations/" + fresh).Expect(http.StatusOK).ExpectState("NEW")
}

func TestOperationRemoval(t *testing.T) {
	d := newOpDesk(t, "Suppression")
	keep := d.Admin.CreateOperation(d.report, testkit.Unique("Garder "))
	gone := d.Admin.CreateOperation(d.report, testkit.Unique("Retirer "))
	d.Admin.Assign(gone, d.operatorMember).Expect(http.StatusOK)
	outsider := stack.NewUser(t)

	// Refused removals change nothing.
	before := d.Admin.Get("/operations/" + gone).Expect(http.StatusOK)
	logBefore := logActions(t, d.Admin, gone)
	d.operator.Delete("/operations/" + gone).ExpectError(http.StatusForbidden)
	outsider.Delete("/operations/" + gone).ExpectError(http.StatusNotFound)
	expectOperationUnchanged(t, d.Admin, gone, before, logBefore)
	d.Admin.Get("/reports/"+d.report+"/operations").ExpectIDSet(keep, gone)

	d.Admin.Delete("/operations/" + gone).Expect(http.StatusNoContent)
	// It leaves every list and can no longer be read or changed.
	d.Admin.Get("/operations/" + gone).ExpectError(http.StatusNotFound)
	d.operator.Get("/operations/" + gone).ExpectError(http.StatusNotFound)
	d.Admin.Get("/reports/" + d.report + "/operations").Expect(http.StatusOK).ExpectIDSet(keep)
	d.Admin.Get("/organizations/" + d.Org + "/operations").Expect(http.StatusOK).ExpectIDSet(keep)
	d.operator.Get("/people/" + d.operator.PersonID + "/operations").Expect(http.StatusOK).ExpectIDSet()
	d.operator.TransitionOperation(gone, "progress", false).ExpectError(http.StatusNotFound)
	d.Admin.Assign(gone, d.operatorMember).ExpectError(http.StatusNotFound)
	d.Admin.Patch("/operations/"+gone, map[string]any{"name": "Revenu"}).ExpectError(http.StatusNotFound)
	d.Admin.Delete("/operations/" + gone).ExpectError(http.StatusNotFound)
	d.Admin.Get("/operations/" + gone + "/logs").ExpectError(http.StatusNotFound)
	r := d.Admin.Get("/reports/" + d.report).Expect(http.StatusOK)
	if r.Num("_embedded.tracking.progression.total") != 1 {
		t.Fatalf("progression after a removal: %s", r.Body)
	}
	d.Admin.Get("/operations/" + keep).Expect(http.StatusOK).ExpectState("NEW")
}

func TestOperationLogs(t *testing.T) {
	d := newOpDesk(t, "Historique")
	op := d.Admin.CreateOperation(d.report, "Nettoyer")
	d.Admin.Assign(op, d.operatorMember).Expect(http.StatusOK)
	d.operator.TransitionOperation(op, "progress", false).Expect(http.StatusOK)
	d.Admin.Patch("/operations/"+op, map[string]any{"name": "Nettoyer à fond", "duration": 30}).Expect(http.StatusOK)
	d.operator.TransitionOperation(op, "progress", false).ExpectError(http.StatusConflict) // refused: not logged
	d.operator.TransitionOperation(op, "resolve", true).Expect(http.StatusOK)

	r := d.Admin.Get("/operations/" + op + "/logs").Expect(http.StatusOK)
	items := r.List("_embedded.items")
	want := []struct{ action, actor string }{
		{"create", d.Admin.PersonID}, {"assign", d.Admin.PersonID}, {"progress", d.operator.PersonID},
		{"update", d.Admin.PersonID}, {"resolve", d.operator.PersonID},
	}
	if len(items) != len(want) || r.Num("total") != float64(len(want)) {
		t.Fatalf("logs: %s", r.Body)
	}
	lastAt := ""
	for i, w := range want {
		e := items[i].(map[string]any)
		links, _ := e["_links"].(map[string]any)
		actor, _ := links["actor"].(map[string]any)
		at, _ := e["loggedAt"].(string)
		if e["action"] != w.action || e["version"] != strconv.Itoa(i+1) || actor["href"] != "/people/"+w.actor || at == "" || at < lastAt ||
			e["objectId"] != op || e["data"] == nil {
			t.Fatalf("log entry %d: %v, want action %s by %s, version %d", i, e, w.action, w.actor, i+1)
		}
		lastAt = at
	}
	data := func(i int) map[string]any { return items[i].(map[string]any)["data"].(map[string]any) }
	if data(0)["name"] != "Nettoyer" || data(1)["member"] != d.operatorMember || data(1)["from"] != "NEW" || data(1)["to"] != "ASSIGNED" ||
		data(2)["from"] != "ASSIGNED" || data(2)["to"] != "IN_PROGRESS" || data(3)["name"] != "Nettoyer à fond" || data(3)["duration"] != float64(30) ||
		data(4)["from"] != "IN_PROGRESS" || data(4)["to"] != "RESOLVED" {
		t.Fatalf("logged data: %s", r.Body)
	}

	// Paging applies.
	p := d.Admin.Get("/operations/" + op + "/logs?limit=2&page=3").Expect(http.StatusOK)
	if len(p.List("_embedded.items")) != 1 || p.Num("total") != 5 || p.List("_embedded.items")[0].(map[string]any)["action"] != "resolve" {
		t.Fatalf("last page of logs: %s", p.Body)
	}
	// Who may read them: admins; not the operator, not outsiders.
	d.operator.Get("/operations/" + op + "/logs").ExpectError(http.StatusForbidden)
	stack.NewUser(t).Get("/operations/" + op + "/logs").ExpectError(http.StatusNotFound)
}

func TestOperationLists(t *testing.T) {
	d := newOpDesk(t, "Listes op")
	second, secondMember := d.Member(testkit.RoleOperator)
	tag := testkit.Unique("")
	alpha := d.Admin.CreateOperation(d.report, "Alpha nid de poule "+tag)
	beta := d.Admin.CreateOperation(d.report, "Beta lampadaire "+tag)
	gamma := d.Admin.CreateOperation(d.report, "Gamma nid de poule "+tag)
	delta := d.Admin.CreateOperation(d.report, "Delta banc "+tag)
	d.Admin.Assign(beta, d.operatorMember).Expect(http.StatusOK)
	d.Admin.Assign(gamma, d.operatorMember).Expect(http.StatusOK)
	d.operator.TransitionOperation(gamma, "progress", false).Expect(http.StatusOK)
	d.Admin.Assign(delta, secondMember).Expect(http.StatusOK)
	second.TransitionOperation(delta, "progress", false).Expect(http.StatusOK)
	second.TransitionOperation(delta, "resolve", false).Expect(http.StatusOK)
	otherReport := d.ReportIn("accept")
	epsilon := d.Admin.CreateOperation(otherReport, "Epsilon nid de poule "+tag)
	// Another organization's operation never shows.
	foreign := newOpDesk(t, "Étrangère op")
	foreignOp := foreign.Admin.CreateOperation(foreign.report, "Zeta nid de poule "+tag)
	foreign.Admin.Assign(foreignOp, foreign.operatorMember).Expect(http.StatusOK)

	cases := []struct {
		c     *testkit.Client
		path  string
		query string
		want  []string
	}{
		{d.Admin, "/reports/" + d.report + "/operations", "", []string{alpha, beta, gamma, delta}},
		{d.Admin, "/reports/" + d.report + "/operations", "state=NEW", []string{alpha}},
		{d.Admin, "/reports/" + d.report + "/operations", "state=ASSIGNED", []string{beta}},
		{d.Admin, "/reports/" + d.report + "/operations", "state=IN_PROGRESS", []string{gamma}},
		{d.Admin, "/reports/" + d.report + "/operations", "state=RESOLVED", []string{delta}},
		{d.Admin, "/reports/" + d.report + "/operations", "search[name]=nid de poule", []string{alpha, gamma}},
		{d.Admin, "/reports/" + d.report + "/operations", "search[name]=NID DE POULE&state=IN_PROGRESS", []string{gamma}},
		{d.operator, "/reports/" + otherReport + "/operations", "", []string{epsilon}},
		{d.Admin, "/organizations/" + d.Org + "/operations", "", []string{alpha, beta, gamma, delta, epsilon}},
		{d.Admin, "/organizations/" + d.Org + "/operations", "state=NEW", []string{alpha, epsilon}},
		{d.Admin, "/organizations/" + d.Org + "/operations", "search[name]=poule", []string{alpha, gamma, epsilon}},
		{d.Admin, "/organizations/" + d.Org + "/operations", "search[name]=lampadaire&state=ASSIGNED", []string{beta}},
		{d.Admin, "/organizations/" + d.Org + "/operations", "search[name]=lampadaire&state=NEW", nil},
		{d.operator, "/organizations/" + d.Org + "/operations", "state=RESOLVED", []string{delta}},
		{d.operator, "/people/" + d.operator.PersonID + "/operations", "", []string{beta, gamma}},
		{d.operator, "/people/" + d.operator.PersonID + "/operations", "state=ASSIGNED", []string{beta}},
		{d.operator, "/people/" + d.operator.PersonID + "/operations", "search[name]=gamma", []string{gamma}},
		{d.operator, "/people/" + d.operator.PersonID + "/operations", "state=RESOLVED", nil},
		{second, "/people/" + second.PersonID + "/operations", "", []string{delta}},
		{d.Admin, "/people/" + d.Admin.PersonID + "/operations", "", nil},
		{foreign.Admin, "/organizations/" + foreign.Org + "/operations", "search[name]=" + tag, []string{foreignOp}},
	}
	for _, tc := range cases {
		q := strings.ReplaceAll(tc.query, " ", "%20")
		tc.c.Get(tc.path + "?limit=100&" + q).Expect(http.StatusOK).ExpectIDSet(tc.want...)
	}

	// Bad filters, and who may list.
	d.Admin.Get("/reports/"+d.report+"/operations?state=DONE").ExpectError(http.StatusBadRequest, "state")
	d.Admin.Get("/organizations/"+d.Org+"/operations?state=DONE").ExpectError(http.StatusBadRequest, "state")
	d.operator.Get("/people/"+d.operator.PersonID+"/operations?state=DONE").ExpectError(http.StatusBadRequest, "state")
	d.operator.Get("/people/" + second.PersonID + "/operations").ExpectError(http.StatusForbidden)
	foreign.Admin.Get("/organizations/" + d.Org + "/operations").ExpectError(http.StatusForbidden)
	foreign.Admin.Get("/reports/" + d.report + "/operations").ExpectError(http.StatusNotFound)
	d.Citizen.Get("/reports/" + d.report + "/operations").ExpectError(http.StatusNotFound)
}

// Refusing a report ends the operations still open on it (removed, with their log saying why),
// so nobody works them or is reminded of them; resolved ones stay as they were.
func TestRefusedReportEndsItsOpenOperations(t *testing.T) {
	d := &opDesk{Desk: stack.NewDesk(t, "Refus avec opérations")}
	d.report = d.ReportIn("accept")
	d.operator, d.operatorMember = d.Member(testkit.RoleOperator)
	done := d.operationIn("RESOLVED")
	open := d.operationIn("ASSIGNED")

	d.Admin.TransitionReport(d.report, "refuse", false).Expect(http.StatusOK)
	if !testkit.Eventually(10*time.Second, func() bool {
		return d.Admin.Get("/operations/"+open).Status == http.StatusNotFound
	}) {
		t.Fatalf("operation %s still open on a refused report", open)
	}
	d.operator.TransitionOperation(open, "progress", false).ExpectError(http.StatusNotFound)
	d.Admin.Get("/operations/" + done).Expect(http.StatusOK).ExpectState("RESOLVED")
	d.Admin.Get("/reports/" + d.report + "/operations").Expect(http.StatusOK).ExpectIDSet(done)
	var action, actor, state string
	err := stack.App.Store.Pool.QueryRow(context.Background(),
		`SELECT action, actor_id::text, data->>'report' FROM operation_logs WHERE operation_id = $1 ORDER BY version DESC LIMIT 1`, open).
		Scan(&action, &actor, &state)
	if err != nil || action != "remove" || actor != d.Admin.PersonID || state != "REFUSED" {
		t.Fatalf("last log of the ended operation: %q by %q (%q), %v", action, actor, state, err)
	}
}
