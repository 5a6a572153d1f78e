package e2e

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/keyclic/keyclic/internal/testkit"
)

// The service as production deploys it: two API processes and two worker processes, separate OS
// processes sharing one Postgres and one Temporal (on both engines; CI runs this file on the
// Temporal server too). Requests alternate between the APIs; one worker is SIGKILLed halfway.
// The lifecycle completes, each change happens once, and each webhook delivery arrives once.
func TestTwoAPIsAndTwoWorkersShareTheWork(t *testing.T) {
	iso := stack.NewIsolated(t, nil)
	first := iso.StartWorker(t)
	iso.StartWorker(t)
	apis := []*testkit.APIProcess{iso.StartAPIProcess(t), iso.StartAPIProcess(t)}
	desk := stack.NewDesk(t, "Processes")
	calls := 0
	// next spreads the requests: each call goes to the other API.
	next := func(c *testkit.Client) *testkit.Client {
		calls++
		return apis[calls%2].On(c)
	}

	consumer := testkit.NewConsumer(t)
	next(desk.Admin).CreateWebhook(desk.Org, "reportStateChanged", consumer.URL("/processes"))
	feedback := next(desk.Citizen).Issue(desk.Inside(), nil)
	report := next(desk.Admin).ReportOf(desk.Org, feedback)
	next(desk.Admin).TransitionReport(report, "accept", false).Expect(http.StatusOK)
	op := next(desk.Admin).CreateOperation(report, "Reboucher")
	next(desk.Admin).Assign(op, desk.Admin.MemberIDOf(desk.Org, desk.Admin)).Expect(http.StatusOK)

	first.Kill() // the other worker takes over what it held
	next(desk.Admin).TransitionOperation(op, "progress", false).Expect(http.StatusOK)
	next(desk.Admin).TransitionOperation(op, "resolve", false).Expect(http.StatusOK)
	next(desk.Admin).TransitionReport(report, "progress", false).Expect(http.StatusOK)
	closed := next(desk.Admin).TransitionReport(report, "close", false).Expect(http.StatusOK)

	if got, want := closed.CheckpointStates(), []string{"NEW", "ACCEPTED", "IN_PROGRESS", "CLOSED"}; !slices.Equal(got, want) {
		t.Errorf("report checkpoints %v, want %v", got, want)
	}
	if got, want := next(desk.Admin).LogActions(op), []string{"create", "assign", "progress", "resolve"}; !slices.Equal(got, want) {
		t.Errorf("operation log %v, want %v", got, want)
	}
	fb := next(desk.Citizen).Get("/feedbacks/" + feedback).Expect(http.StatusOK)
	if got, want := fb.CheckpointStates(), []string{"NEW", "PUBLISHED", "PENDING_MATCHING", "SUCCEED", "OUT_FOR_DELIVERY", "DELIVERED"}; !slices.Equal(got, want) {
		t.Errorf("feedback checkpoints %v, want %v", got, want)
	}
	// Three state changes, three deliveries, each webhook-id once (a killed worker's attempt
	// may have reached the consumer before it died: then the same id comes again, not a new one).
	consumer.WaitDelivered(t, "/processes", 3)
	time.Sleep(time.Second) // a late duplicate would arrive now
	ids := consumer.DeliveredIDs()
	if len(ids) != 3 {
		t.Errorf("deliveries by webhook-id %v: want 3 different ids", ids)
	}
	for _, id := range []string{"operation/" + op, "report/" + report} {
		if !testkit.Eventually(time.Minute, func() bool { return stack.WorkflowStatus(t, id) == "Completed" }) {
			t.Errorf("workflow %s: status %q, want Completed", id, stack.WorkflowStatus(t, id))
		}
	}
}
