package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
)

// putServiceLevels sets an organization's service levels as its admin.
func putServiceLevels(t *testing.T, admin *testkit.Client, org string, body map[string]any) {
	t.Helper()
	admin.Do(http.MethodPut, "/organizations/"+org+"/service-levels", body).Expect(http.StatusOK)
}

// serviceLevelOf reads a report's _embedded.serviceLevel as the admin sees it.
func serviceLevelOf(admin *testkit.Client, report string) map[string]any {
	admin.T.Helper()
	r := admin.Get("/reports/" + report).Expect(http.StatusOK)
	sl, ok := r.At("_embedded.serviceLevel").(map[string]any)
	if !ok {
		admin.T.Fatalf("report %s has no _embedded.serviceLevel: %s", report, r.Body)
	}
	return sl
}

func timeField(t *testing.T, m map[string]any, name string) time.Time {
	t.Helper()
	s, _ := m[name].(string)
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("%s = %v: not a time (%v)", name, m[name], err)
	}
	return at
}

// overdueInTemporal reports whether the Temporal UI's search finds the report's workflow with
// KeyclicOverdue = value.
func overdueInTemporal(t *testing.T, report string, value bool) bool {
	t.Helper()
	v := "false"
	if value {
		v = "true"
	}
	return testkit.Eventually(30*time.Second, func() bool {
		resp, err := stack.App.Temporal.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Query: "WorkflowId = 'report/" + report + "' AND KeyclicOverdue = " + v,
		})
		if err != nil {
			t.Fatalf("search workflows: %v", err)
		}
		return len(resp.GetExecutions()) == 1
	})
}

// A report its organization does not accept within the time it promised is escalated once: the
// organization's admins are told (push, wall, mail), its webhooks get a signed reportOverdue
// with the report as it stands, the overdue filter lists it, and operators find it overdue in
// the Temporal UI. Accepted late, it says the deadline was missed and is no longer overdue.
func TestMissedAcceptDeadlineIsEscalatedOnce(t *testing.T) {
	desk := stack.NewDesk(t, "Délai dépassé")
	consumer := testkit.NewConsumer(t)
	hook := newHook(t, desk.Admin, desk.Org, domain.EventReportOverdue, consumer.URL("/overdue"))
	admin2, _ := desk.Member(testkit.RoleAdmin)
	operator, _ := desk.Member(testkit.RoleOperator)
	putServiceLevels(t, desk.Admin, desk.Org, map[string]any{"timeZone": "UTC", "default": map[string]any{"acceptWithin": "5s"}})

	before := stack.Inboxes(t, desk.Admin, admin2, operator, desk.Citizen)
	description := testkit.Unique("Égout bouché ")
	posted := time.Now()
	report := desk.Admin.ReportOf(desk.Org, desk.Citizen.Issue(desk.Inside(), testkit.Visibility(false, description)))
	sl := serviceLevelOf(desk.Admin, report)
	acceptBy := timeField(t, sl, "acceptBy")
	if d := acceptBy.Sub(posted); d < 3*time.Second || d > 15*time.Second {
		t.Fatalf("acceptBy %v is %v after the post, want about 5s: %v", acceptBy, d, sl)
	}
	if time.Now().Before(acceptBy) && (sl["overdue"] != false || sl["acceptMet"] != nil) {
		t.Fatalf("before its deadline the report is not overdue and not decided: %v", sl)
	}

	got := consumer.WaitDelivered(t, "/overdue", 1)
	if time.Now().Before(acceptBy) {
		t.Fatalf("reportOverdue arrived before the deadline %v", acceptBy)
	}
	event, payload := checkReceipt(t, hook, got[0])
	var p struct {
		ID       string
		State    string
		Embedded struct {
			ServiceLevel map[string]any `json:"serviceLevel"`
		} `json:"_embedded"`
	}
	if err := json.Unmarshal(payload, &p); err != nil {
		t.Fatal(err)
	}
	if event != domain.EventReportOverdue || p.ID != report || p.State != "NEW" ||
		p.Embedded.ServiceLevel["overdue"] != true || p.Embedded.ServiceLevel["acceptMet"] != false {
		t.Fatalf("delivery %s: %s", event, payload)
	}

	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionReportOverdue, report, description, desk.Admin.OrganizationName(desk.Org), acceptBy.UTC().Format(time.RFC3339)),
		To:   people(desk.Admin, admin2), NotTo: people(operator, desk.Citizen),
	})
	desk.Admin.Get("/organizations/" + desk.Org + "/reports?overdue=true").Expect(http.StatusOK).ExpectIDSet(report)
	if !overdueInTemporal(t, report, true) {
		t.Fatalf("the report's workflow is not found with KeyclicOverdue = true")
	}

	desk.Admin.TransitionReport(report, "accept", false).Expect(http.StatusOK)
	sl = serviceLevelOf(desk.Admin, report)
	if sl["acceptMet"] != false || sl["overdue"] != false {
		t.Fatalf("accepted after its deadline: %v; want acceptMet false, overdue false", sl)
	}
	desk.Admin.Get("/organizations/" + desk.Org + "/reports?overdue=true").Expect(http.StatusOK).ExpectIDSet()
	if !overdueInTemporal(t, report, false) {
		t.Fatalf("the accepted report's workflow is still marked overdue")
	}
	if n := len(consumer.DeliveredAt("/overdue")); n != 1 {
		t.Fatalf("%d reportOverdue deliveries, want 1", n)
	}
}

// A report keeps the terms it started with: levels changed afterwards apply to the reports that
// arrive afterwards only.
func TestReportKeepsTheLevelsItStartedWith(t *testing.T) {
	desk := stack.NewDesk(t, "Délais changés")
	putServiceLevels(t, desk.Admin, desk.Org, map[string]any{"timeZone": "UTC", "default": map[string]any{"acceptWithin": "10h"}})
	posted := time.Now()
	_, first := desk.NewReport()
	putServiceLevels(t, desk.Admin, desk.Org, map[string]any{"timeZone": "UTC", "default": map[string]any{"acceptWithin": "2h"}})
	_, second := desk.NewReport()

	if d := timeField(t, serviceLevelOf(desk.Admin, first), "acceptBy").Sub(posted); d < 10*time.Hour || d > 10*time.Hour+time.Minute {
		t.Fatalf("the first report's acceptBy is %v after its post, want 10h (the levels it started with)", d)
	}
	if d := timeField(t, serviceLevelOf(desk.Admin, second), "acceptBy").Sub(posted); d < 2*time.Hour || d > 2*time.Hour+time.Minute {
		t.Fatalf("the second report's acceptBy is %v after the first post, want 2h (the new levels)", d)
	}
}

// Holding a report pauses its time to close (closeBy null while held; resumed, what was left is
// counted from then), and a delegation hands the report to its receiver's levels, counted from the
// delegation; the delegate's admins, not the first organization's, hear of its missed deadline.
func TestHoldAndDelegationMoveTheDeadlines(t *testing.T) {
	a := stack.NewDesk(t, "Délais pause")
	putServiceLevels(t, a.Admin, a.Org, map[string]any{"timeZone": "UTC", "default": map[string]any{"closeWithin": "10h"}})
	report := a.ReportIn("accept")
	first := timeField(t, serviceLevelOf(a.Admin, report), "closeBy")
	a.Admin.TransitionReport(report, "hold", false).Expect(http.StatusOK)
	if sl := serviceLevelOf(a.Admin, report); sl["closeBy"] != nil || sl["overdue"] != false {
		t.Fatalf("held: %v; want closeBy null (paused)", sl)
	}
	time.Sleep(2 * time.Second)
	a.Admin.TransitionReport(report, "progress", false).Expect(http.StatusOK)
	resumed := timeField(t, serviceLevelOf(a.Admin, report), "closeBy")
	if d := resumed.Sub(first); d < 2*time.Second || d > time.Minute {
		t.Fatalf("closeBy moved by %v over a hold of 2s: %v then %v", d, first, resumed)
	}

	b := stack.NewDesk(t, "Délais délégués")
	makePartner(a, b)
	putServiceLevels(t, a.Admin, a.Org, map[string]any{"timeZone": "UTC", "default": map[string]any{"acceptWithin": "10h"}})
	putServiceLevels(t, b.Admin, b.Org, map[string]any{"timeZone": "UTC", "default": map[string]any{"acceptWithin": "4s"}})
	description := testkit.Unique("Trottoir effondré ")
	handed := a.Admin.ReportOf(a.Org, a.Citizen.Issue(a.Inside(), testkit.Visibility(false, description)))
	before := stack.Inboxes(t, a.Admin, b.Admin)
	delegated := time.Now()
	delegate(a.Admin, a.Org, handed, b.Org).Expect(http.StatusOK)
	acceptBy := timeField(t, serviceLevelOf(b.Admin, handed), "acceptBy")
	if d := acceptBy.Sub(delegated); d < 2*time.Second || d > 15*time.Second {
		t.Fatalf("delegated: acceptBy %v is %v after the delegation, want the receiver's 4s", acceptBy, d)
	}
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionReportOverdue, handed, description, b.Admin.OrganizationName(b.Org), acceptBy.UTC().Format(time.RFC3339)),
		To:   people(b.Admin), NotTo: people(a.Admin),
	})
}
