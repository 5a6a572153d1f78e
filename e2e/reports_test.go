package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/keyclic/keyclic/internal/testkit"
)

// The report machine (lifecycles.md, Report): from each state, the transitions allowed and
// where they lead. Every other transition is refused.
var reportMachineTable = map[string]map[string]string{
	"NEW":         {"accept": "ACCEPTED", "refuse": "REFUSED"},
	"ACCEPTED":    {"refuse": "REFUSED", "hold": "ON_HOLD", "progress": "IN_PROGRESS"},
	"ON_HOLD":     {"progress": "IN_PROGRESS"},
	"IN_PROGRESS": {"close": "CLOSED"},
	"CLOSED":      {},
	"REFUSED":     {},
}

// reportStatePath is how a new report reaches each state.
var reportStatePath = map[string][]string{
	"NEW":         nil,
	"ACCEPTED":    {"accept"},
	"ON_HOLD":     {"accept", "hold"},
	"IN_PROGRESS": {"accept", "progress"},
	"CLOSED":      {"accept", "progress", "close"},
	"REFUSED":     {"refuse"},
}

var reportTransitionList = []string{"accept", "refuse", "hold", "progress", "close"}

// reportAllowedFrom lists the transitions the machine allows from state.
func reportAllowedFrom(state string) []string {
	out := []string{}
	for t := range reportMachineTable[state] {
		out = append(out, t)
	}
	return out
}

// transitionEndpoint names the endpoint a transition goes through, for messages.
func transitionEndpoint(viaPatch bool) string {
	if viaPatch {
		return "PATCH state"
	}
	return "POST workflow/transition"
}

func TestReportTransitionsFromEachState(t *testing.T) {
	d := stack.NewDesk(t, "Machine")
	for _, state := range []string{"NEW", "ACCEPTED", "ON_HOLD", "IN_PROGRESS", "CLOSED", "REFUSED"} {
		t.Run(state, func(t *testing.T) {
			// Refused transitions: 409 through both endpoints, and nothing changes.
			report := d.ReportIn(reportStatePath[state]...)
			before := d.Admin.Get("/reports/"+report).Expect(http.StatusOK).ExpectState(state, reportAllowedFrom(state)...)
			for _, tr := range reportTransitionList {
				if _, ok := reportMachineTable[state][tr]; ok {
					continue
				}
				for _, viaPatch := range []bool{false, true} {
					d.Admin.TransitionReport(report, tr, viaPatch).ExpectError(http.StatusConflict)
					after := d.Admin.Get("/reports/"+report).Expect(http.StatusOK).ExpectState(state, reportAllowedFrom(state)...)
					if !slices.Equal(after.CheckpointStates(), before.CheckpointStates()) || after.Str("updatedAt") != before.Str("updatedAt") {
						t.Fatalf("refused %s (%s) changed the report: before %s, after %s", tr, transitionEndpoint(viaPatch), before.Body, after.Body)
					}
				}
			}
			// Unknown or missing transition names: 400 on "transition".
			d.Admin.TransitionReport(report, "explode", false).ExpectError(http.StatusBadRequest, "transition")
			d.Admin.TransitionReport(report, "ACCEPT", true).ExpectError(http.StatusBadRequest, "transition")
			d.Admin.Post("/reports/"+report+"/workflow/transition", map[string]any{}).ExpectError(http.StatusBadRequest, "transition")
			d.Admin.Patch("/reports/"+report+"/state", `{"transition":`).ExpectError(http.StatusBadRequest)
			d.Admin.Get("/reports/"+report).Expect(http.StatusOK).ExpectState(state, reportAllowedFrom(state)...)

			// Allowed transitions: through each endpoint, on a fresh report in this state.
			for tr, next := range reportMachineTable[state] {
				for _, viaPatch := range []bool{false, true} {
					report := d.ReportIn(reportStatePath[state]...)
					r := d.Admin.TransitionReport(report, tr, viaPatch).Expect(http.StatusOK).ExpectState(next, reportAllowedFrom(next)...)
					if r.Str("id") != report {
						t.Fatalf("%s answered another report: %s", tr, r.Body)
					}
					got := d.Admin.Get("/reports/"+report).Expect(http.StatusOK).ExpectState(next, reportAllowedFrom(next)...)
					want := append(append([]string{"NEW"}, reportStatePath[state]...), tr)
					if cps := got.CheckpointStates(); len(cps) != len(want) || cps[len(cps)-1] != next {
						t.Fatalf("%s from %s (%s): checkpoints %v after transitions %v", tr, state, transitionEndpoint(viaPatch), cps, want)
					}
					d.Admin.Reports(d.Org, "state="+next).Expect(http.StatusOK)
					if !slices.Contains(d.Admin.Reports(d.Org, "state="+next).IDs(), report) {
						t.Fatalf("report %s not listed under state %s", report, next)
					}
				}
			}
		})
	}
}

func TestReportCloseRule(t *testing.T) {
	d := stack.NewDesk(t, "Clôture")
	adminMember := d.Admin.MemberIDOf(d.Org, d.Admin)
	report := d.ReportIn("accept", "progress")
	// No operation yet: close is offered.
	d.Admin.Get("/reports/"+report).Expect(http.StatusOK).ExpectState("IN_PROGRESS", "close")

	done := d.Admin.CreateOperation(report, testkit.Unique("Reboucher "))
	waiting := d.Admin.CreateOperation(report, testkit.Unique("Signaler "))
	started := d.Admin.CreateOperation(report, testkit.Unique("Baliser "))
	dropped := d.Admin.CreateOperation(report, testkit.Unique("Photographier "))
	names := map[string]string{}
	for _, op := range []string{done, waiting, started, dropped} {
		names[op] = d.Admin.Get("/operations/" + op).Expect(http.StatusOK).Str("name")
	}
	r := d.Admin.Get("/reports/" + report).Expect(http.StatusOK).ExpectState("IN_PROGRESS")
	if r.Num("_embedded.tracking.progression.total") != 4 || r.Num("_embedded.tracking.progression.resolved") != 0 {
		t.Fatalf("progression with four new operations: %s", r.Body)
	}

	for _, op := range []string{done, started} {
		d.Admin.Assign(op, adminMember).Expect(http.StatusOK)
		d.Admin.TransitionOperation(op, "progress", false).Expect(http.StatusOK)
	}
	d.Admin.TransitionOperation(done, "resolve", false).Expect(http.StatusOK)
	d.Admin.Delete("/operations/" + dropped).Expect(http.StatusNoContent)

	// Open operations (one NEW, one IN_PROGRESS): close is neither offered nor allowed.
	r = d.Admin.Get("/reports/" + report).Expect(http.StatusOK).ExpectState("IN_PROGRESS")
	if r.Num("_embedded.tracking.progression.total") != 3 || r.Num("_embedded.tracking.progression.resolved") != 1 {
		t.Fatalf("progression with one resolved, two open and one removed operation: %s", r.Body)
	}
	for _, viaPatch := range []bool{false, true} {
		e := d.Admin.TransitionReport(report, "close", viaPatch).ExpectError(http.StatusConflict).
			ExpectMessageContains(names[waiting], names[started])
		for _, other := range []string{done, dropped} {
			if strings.Contains(string(e.Body), names[other]) {
				t.Fatalf("close refusal names %q, which is resolved or removed: %s", names[other], e.Body)
			}
		}
		d.Admin.Get("/reports/" + report).Expect(http.StatusOK).ExpectState("IN_PROGRESS")
	}

	// One left open: still refused, naming it alone.
	d.Admin.Assign(started, adminMember).Expect(http.StatusOK) // re-assigned: ASSIGNED again
	d.Admin.TransitionOperation(started, "progress", false).Expect(http.StatusOK)
	d.Admin.TransitionOperation(started, "resolve", true).Expect(http.StatusOK)
	e := d.Admin.TransitionReport(report, "close", false).ExpectError(http.StatusConflict).ExpectMessageContains(names[waiting])
	if strings.Contains(string(e.Body), names[started]) {
		t.Fatalf("close refusal names a resolved operation: %s", e.Body)
	}
	d.Admin.Get("/reports/" + report).Expect(http.StatusOK).ExpectState("IN_PROGRESS")

	// Removing the last open one is enough: close is offered and works.
	d.Admin.Delete("/operations/" + waiting).Expect(http.StatusNoContent)
	r = d.Admin.Get("/reports/"+report).Expect(http.StatusOK).ExpectState("IN_PROGRESS", "close")
	if r.Num("_embedded.tracking.progression.total") != 2 || r.Num("_embedded.tracking.progression.resolved") != 2 {
		t.Fatalf("progression with two resolved operations: %s", r.Body)
	}
	d.Admin.TransitionReport(report, "close", false).Expect(http.StatusOK).ExpectState("CLOSED")

	// A finished report refuses everything, and nothing changes.
	closed := d.Admin.Get("/reports/" + report).Expect(http.StatusOK).ExpectState("CLOSED")
	for _, tr := range reportTransitionList {
		d.Admin.TransitionReport(report, tr, false).ExpectError(http.StatusConflict)
		d.Admin.TransitionReport(report, tr, true).ExpectError(http.StatusConflict)
	}
	d.Admin.Patch("/reports/"+report, map[string]any{"description": "trop tard"}).ExpectError(http.StatusConflict)
	d.Admin.Post("/operations", map[string]any{"report": report, "name": "Encore"}).ExpectError(http.StatusConflict)
	after := d.Admin.Get("/reports/" + report).Expect(http.StatusOK).ExpectState("CLOSED")
	if string(after.Body) != string(closed.Body) {
		t.Fatalf("a closed report changed: before %s, after %s", closed.Body, after.Body)
	}
	d.Admin.Get("/reports/"+report+"/operations?limit=100").Expect(http.StatusOK).ExpectIDSet(done, started)

	// Refused is finished too.
	refused := d.ReportIn("refuse")
	d.Admin.Patch("/reports/"+refused, map[string]any{"priority": 3}).ExpectError(http.StatusConflict)
	d.Admin.Post("/operations", map[string]any{"report": refused, "name": "Encore"}).ExpectError(http.StatusConflict)
	r = d.Admin.Get("/reports/" + refused).Expect(http.StatusOK).ExpectState("REFUSED")
	if r.Num("priority") != 0 {
		t.Fatalf("refused report changed: %s", r.Body)
	}
	d.Admin.Get("/reports/" + refused + "/operations").Expect(http.StatusOK).ExpectIDSet()
}

func TestReportFirstAcceptWins(t *testing.T) {
	corner := testkit.RandomArea()
	var desks []*testkit.Desk
	for i := 0; i < 4; i++ {
		desks = append(desks, stack.NewDeskIn(t, fmt.Sprintf("Concurrente %d", i), testkit.BusinessActivityRoads, corner, 0.2))
	}
	reporter := stack.NewUser(t)
	feedback := reporter.Issue(corner.Offset(0.1, 0.1), nil)
	reports := make([]string, len(desks))
	for i, d := range desks {
		reports[i] = d.Admin.ReportOf(d.Org, feedback)
		d.ExpectReport(reports[i], feedback, d.Place, "NEW", "accept", "refuse")
	}

	// One organization refuses first: that does not decide anything for the others.
	desks[0].Admin.TransitionReport(reports[0], "refuse", false).Expect(http.StatusOK).ExpectState("REFUSED")
	for i := 1; i < len(desks); i++ {
		desks[i].Admin.Get("/reports/"+reports[i]).Expect(http.StatusOK).ExpectState("NEW", "accept", "refuse")
	}

	// The second accepts: it treats the report; the other open ones are withdrawn.
	desks[1].Admin.TransitionReport(reports[1], "accept", true).Expect(http.StatusOK).ExpectState("ACCEPTED", "refuse", "hold", "progress")
	for _, i := range []int{2, 3} {
		r := desks[i].Admin.Get("/reports/" + reports[i]).Expect(http.StatusOK).ExpectState("WITHDRAWN")
		if cps := r.CheckpointStates(); !slices.Equal(cps, []string{"NEW", "WITHDRAWN"}) {
			t.Fatalf("withdrawn report's history: %v", cps)
		}
		// It leaves its organization's lists, whatever the filter.
		desks[i].Admin.Reports(desks[i].Org, "").Expect(http.StatusOK).ExpectIDSet()
		desks[i].Admin.Reports(desks[i].Org, "state=NEW").Expect(http.StatusOK).ExpectIDSet()
		desks[i].Admin.Reports(desks[i].Org, "place="+desks[i].Place).Expect(http.StatusOK).ExpectIDSet()
	}
	desks[0].Admin.Reports(desks[0].Org, "").ExpectIDSet(reports[0])
	desks[1].Admin.Reports(desks[1].Org, "").ExpectIDSet(reports[1])
	desks[0].Admin.Get("/reports/" + reports[0]).Expect(http.StatusOK).ExpectState("REFUSED")

	// Later attempts by the others: 409, and nothing changes.
	for _, i := range []int{2, 3} {
		for _, tr := range reportTransitionList {
			desks[i].Admin.TransitionReport(reports[i], tr, false).ExpectError(http.StatusConflict)
		}
		desks[i].Admin.TransitionReport(reports[i], "accept", true).ExpectError(http.StatusConflict)
		desks[i].Admin.Get("/reports/" + reports[i]).Expect(http.StatusOK).ExpectState("WITHDRAWN")
		desks[i].Admin.Post("/operations", map[string]any{"report": reports[i], "name": "Trop tard"}).ExpectError(http.StatusConflict)
		desks[i].Admin.Patch("/reports/"+reports[i], map[string]any{"priority": 9}).ExpectError(http.StatusConflict)
		if r := desks[i].Admin.Get("/reports/" + reports[i]).Expect(http.StatusOK); r.Num("priority") != 0 {
			t.Fatalf("a refused patch changed a withdrawn report: %s", r.Body)
		}
		desks[i].Admin.Reports(desks[i].Org, "").ExpectIDSet()
		desks[i].Admin.Get("/reports/" + reports[i] + "/operations").Expect(http.StatusOK).ExpectIDSet()
	}
	desks[1].Admin.Get("/reports/"+reports[1]).Expect(http.StatusOK).ExpectState("ACCEPTED", "refuse", "hold", "progress")
	// The winner goes on.
	desks[1].Admin.DriveReport(reports[1], "progress").ExpectState("IN_PROGRESS", "close")
}

func TestReportConcurrentAccepts(t *testing.T) {
	corner := testkit.RandomArea()
	var desks []*testkit.Desk
	for i := 0; i < 5; i++ {
		desks = append(desks, stack.NewDeskIn(t, fmt.Sprintf("Course %d", i), testkit.BusinessActivityRoads, corner, 0.2))
	}
	feedback := stack.NewUser(t).Issue(corner.Offset(0.1, 0.1), nil)
	reports := make([]string, len(desks))
	for i, d := range desks {
		reports[i] = d.Admin.ReportOf(d.Org, feedback)
	}
	// Every organization accepts at once: exactly one wins.
	statuses := make([]int, len(desks))
	var wg sync.WaitGroup
	for i, d := range desks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = d.Admin.TransitionReport(reports[i], "accept", i%2 == 1).Status
		}()
	}
	wg.Wait()
	winner := -1
	for i, st := range statuses {
		switch {
		case st == http.StatusOK && winner < 0:
			winner = i
		case st != http.StatusConflict:
			t.Fatalf("concurrent accepts answered %v; want one 200 and 409 for the others", statuses)
		}
	}
	if winner < 0 {
		t.Fatalf("concurrent accepts answered %v; nobody won", statuses)
	}
	for i, d := range desks {
		if i == winner {
			d.Admin.Get("/reports/"+reports[i]).Expect(http.StatusOK).ExpectState("ACCEPTED", "refuse", "hold", "progress")
			d.Admin.Reports(d.Org, "").ExpectIDSet(reports[i])
			continue
		}
		d.Admin.Get("/reports/" + reports[i]).Expect(http.StatusOK).ExpectState("WITHDRAWN")
		d.Admin.Reports(d.Org, "").ExpectIDSet()
	}
}

func TestReportListFilters(t *testing.T) {
	d := stack.NewDesk(t, "Filtres")
	east := d.Admin.CreatePlace(d.Org, testkit.Unique("Est "), testkit.Box(d.Corner.Lat, d.Corner.Lon+0.2, d.Corner.Lat+0.1, d.Corner.Lon+0.3))
	inEast := d.Corner.Offset(0.05, 0.25)
	category := d.Admin.CreateCategory(d.Org, testkit.Unique("Voirie "), "#123456", "fa-road")

	f1 := d.Citizen.Issue(d.Inside(), nil)
	f2 := d.Citizen.Issue(inEast, nil)
	f3 := d.Citizen.Issue(d.Inside(), map[string]any{"category": category})
	f4 := d.Citizen.Issue(inEast, map[string]any{"category": category})
	r1, r2, r3, r4 := d.Admin.ReportOf(d.Org, f1), d.Admin.ReportOf(d.Org, f2), d.Admin.ReportOf(d.Org, f3), d.Admin.ReportOf(d.Org, f4)
	d.Admin.DriveReport(r1, "accept")
	d.Admin.DriveReport(r3, "refuse")
	d.Admin.DriveReport(r4, "accept", "hold")
	// Another organization's report never shows.
	other := stack.NewDesk(t, "Autre")
	_, foreign := other.NewReport()

	cases := []struct {
		query string
		want  []string
	}{
		{"", []string{r1, r2, r3, r4}},
		{"state=NEW", []string{r2}},
		{"state=ACCEPTED", []string{r1}},
		{"state=REFUSED", []string{r3}},
		{"state=ON_HOLD", []string{r4}},
		{"state=CLOSED", nil},
		{"state[]=NEW&state[]=ACCEPTED", []string{r1, r2}},
		{"place=" + d.Place, []string{r1, r3}},
		{"place=" + east, []string{r2, r4}},
		{"place=" + other.Place, nil},
		{"category=" + category, []string{r3, r4}},
		{"place=" + east + "&category=" + category, []string{r4}},
		{"place=" + d.Place + "&state=ACCEPTED", []string{r1}},
		{"place=" + d.Place + "&state=ON_HOLD", nil},
		{"category=" + category + "&state=REFUSED", []string{r3}},
	}
	for _, tc := range cases {
		d.Admin.Reports(d.Org, tc.query).Expect(http.StatusOK).ExpectIDSet(tc.want...)
	}
	other.Admin.Reports(other.Org, "").ExpectIDSet(foreign)

	// Bad filters: 400 naming the parameter.
	for query, path := range map[string]string{
		"state=BOGUS":     "state",
		"state=WITHDRAWN": "state",
		"place=abc":       "place",
		"category=42":     "category",
	} {
		d.Admin.Reports(d.Org, query).ExpectError(http.StatusBadRequest, path)
	}

	// Who may list: members (any role); not others.
	operator, _ := d.Member(testkit.RoleOperator)
	operator.Reports(d.Org, "").Expect(http.StatusOK).ExpectIDSet(r1, r2, r3, r4)
	other.Admin.Reports(d.Org, "").ExpectError(http.StatusForbidden)
	d.Citizen.Reports(d.Org, "").ExpectError(http.StatusForbidden)
}

func TestReportPatch(t *testing.T) {
	d := stack.NewDesk(t, "Édition")
	_, report := d.NewReport()
	r := d.Admin.Patch("/reports/"+report, map[string]any{
		"description": "Trou profond", "priority": 7, "tags": []string{"urgent", "chaussée"}, "identificationNumber": "RPT-42",
	}).Expect(http.StatusOK).ExpectState("NEW", "accept", "refuse")
	check := func(r *testkit.Response) {
		t.Helper()
		if r.Str("description") != "Trou profond" || r.Num("priority") != 7 || !slices.Equal(r.Strings("tags"), []string{"urgent", "chaussée"}) ||
			r.Str("identificationNumber") != "RPT-42" {
			t.Fatalf("patched report: %s", r.Body)
		}
	}
	check(r)
	check(d.Admin.Get("/reports/" + report).Expect(http.StatusOK))

	// Only what is sent changes.
	r = d.Admin.Patch("/reports/"+report, map[string]any{"priority": 9}).Expect(http.StatusOK)
	if r.Num("priority") != 9 || r.Str("description") != "Trou profond" || len(r.Strings("tags")) != 2 {
		t.Fatalf("partial patch: %s", r.Body)
	}
	d.Admin.Patch("/reports/"+report, map[string]any{"priority": 7}).Expect(http.StatusOK)
	before := d.Admin.Get("/reports/" + report).Expect(http.StatusOK)

	many := make([]string, 51)
	for i := range many {
		many[i] = fmt.Sprint("t", i)
	}
	cases := []struct {
		name  string
		body  any
		paths []string
	}{
		{"priority negative", map[string]any{"priority": -1}, []string{"priority"}},
		{"priority too high", map[string]any{"priority": 101}, []string{"priority"}},
		{"priority not a number", map[string]any{"priority": "high"}, []string{"priority"}},
		{"priority not an integer", map[string]any{"priority": 1.5}, []string{"priority"}},
		{"tags not an array", map[string]any{"tags": "urgent"}, []string{"tags"}},
		{"empty tag", map[string]any{"tags": []string{"ok", ""}}, []string{"tags"}},
		{"tag too long", map[string]any{"tags": []string{strings.Repeat("x", 101)}}, []string{"tags"}},
		{"too many tags", map[string]any{"tags": many}, []string{"tags"}},
		{"description too long", map[string]any{"description": strings.Repeat("d", 10001)}, []string{"description"}},
		{"description not a string", map[string]any{"description": 12}, []string{"description"}},
		{"identificationNumber too long", map[string]any{"identificationNumber": strings.Repeat("9", 256)}, []string{"identificationNumber"}},
		{"identificationNumber not a string", map[string]any{"identificationNumber": true}, []string{"identificationNumber"}},
		{"several faults", map[string]any{"priority": 500, "identificationNumber": strings.Repeat("9", 256), "description": "valide"},
			[]string{"priority", "identificationNumber"}},
		{"malformed JSON", `{"priority": `, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d.Admin.Patch("/reports/"+report, tc.body).ExpectError(http.StatusBadRequest, tc.paths...)
		})
	}
	after := d.Admin.Get("/reports/" + report).Expect(http.StatusOK)
	if string(after.Body) != string(before.Body) {
		t.Fatalf("refused patches changed the report: before %s, after %s", before.Body, after.Body)
	}

	// Who may patch: admins of the organization treating it.
	operator, _ := d.Member(testkit.RoleOperator)
	operator.Patch("/reports/"+report, map[string]any{"priority": 1}).ExpectError(http.StatusForbidden)
	stack.NewUser(t).Patch("/reports/"+report, map[string]any{"priority": 1}).ExpectError(http.StatusNotFound)
	d.Citizen.Patch("/reports/"+report, map[string]any{"priority": 1}).ExpectError(http.StatusNotFound)
	after = d.Admin.Get("/reports/" + report).Expect(http.StatusOK)
	if string(after.Body) != string(before.Body) {
		t.Fatalf("refused patches changed the report: before %s, after %s", before.Body, after.Body)
	}
}

func TestReportPermissions(t *testing.T) {
	d := stack.NewDesk(t, "Droits")
	_, report := d.NewReport()
	operator, _ := d.Member(testkit.RoleOperator)
	agent, _ := d.Member(testkit.RoleAgent)
	plain, _ := d.Member()
	outsider := stack.NewUser(t)
	other := stack.NewDesk(t, "Étrangère")

	// Members read it; others do not see it at all (404), the reporter included.
	for _, c := range []*testkit.Client{d.Admin, operator, agent, plain} {
		c.Get("/reports/"+report).Expect(http.StatusOK).ExpectState("NEW", "accept", "refuse")
		c.Get("/reports/" + report + "/tracking").Expect(http.StatusOK)
	}
	for _, c := range []*testkit.Client{outsider, other.Admin, d.Citizen} {
		c.Get("/reports/" + report).ExpectError(http.StatusNotFound)
		c.Get("/reports/" + report + "/tracking").ExpectError(http.StatusNotFound)
	}
	stack.Client(t).Get("/reports/" + report).ExpectError(http.StatusUnauthorized)
	d.Admin.Get("/reports/not-a-uuid").ExpectError(http.StatusNotFound)

	// Only admins transition it: members without admin get 403, others 404.
	for _, viaPatch := range []bool{false, true} {
		for _, c := range []*testkit.Client{operator, agent, plain} {
			c.TransitionReport(report, "accept", viaPatch).ExpectError(http.StatusForbidden)
		}
		for _, c := range []*testkit.Client{outsider, other.Admin, d.Citizen} {
			c.TransitionReport(report, "accept", viaPatch).ExpectError(http.StatusNotFound)
		}
		stack.Client(t).TransitionReport(report, "accept", viaPatch).ExpectError(http.StatusUnauthorized)
	}
	d.Admin.Get("/reports/"+report).Expect(http.StatusOK).ExpectState("NEW", "accept", "refuse")
	if cps := d.Admin.Get("/reports/" + report).CheckpointStates(); !slices.Equal(cps, []string{"NEW"}) {
		t.Fatalf("refused transitions left checkpoints %v", cps)
	}

	// An admin promoted later may; one demoted may no longer.
	d.Admin.Patch("/organizations/"+d.Org+"/members/"+d.Admin.MemberIDOf(d.Org, operator), map[string]any{
		"roles": []string{testkit.RoleOperator, testkit.RoleAdmin},
	}).Expect(http.StatusOK)
	operator.TransitionReport(report, "accept", false).Expect(http.StatusOK).ExpectState("ACCEPTED", "refuse", "hold", "progress")
	d.Admin.Patch("/organizations/"+d.Org+"/members/"+d.Admin.MemberIDOf(d.Org, operator), map[string]any{
		"roles": []string{testkit.RoleOperator},
	}).Expect(http.StatusOK)
	operator.TransitionReport(report, "hold", false).ExpectError(http.StatusForbidden)
	d.Admin.Get("/reports/"+report).Expect(http.StatusOK).ExpectState("ACCEPTED", "refuse", "hold", "progress")
}
