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

	"github.com/keyclic/keyclic/api"
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
)

// The worker is a separate process here, killed with SIGKILL in the middle of a lifecycle and
// started again: requests made while it is down complete once it is back, reminders due while
// it is down are sent, and nothing is lost or written twice.
func TestWorkerKilledMidLifecycleLosesAndDoublesNothing(t *testing.T) {
	iso := stack.NewIsolated(t, func(s *api.Settings) {
		// Operations without a due date are due 2s after creation, then reminded every 2s.
		s.Operations.DefaultDelay = domain.Duration(2 * time.Second)
		s.Operations.ReminderInterval = domain.Duration(2 * time.Second)
	})
	worker := iso.StartWorker(t)
	desk := stack.NewDesk(t, "Restart")
	admin, citizen := iso.On(desk.Admin), iso.On(desk.Citizen)

	feedback := citizen.Issue(desk.Inside(), nil)
	report := admin.ReportOf(desk.Org, feedback)
	admin.TransitionReport(report, "accept", false).Expect(http.StatusOK)

	// Killed while idle: a transition sent now waits for the next worker and then completes.
	worker.Kill()
	progressed := make(chan *testkit.Response, 1)
	go func() { progressed <- admin.TransitionReport(report, "progress", false) }()
	time.Sleep(500 * time.Millisecond) // let the request reach Temporal while no worker runs
	worker = iso.StartWorker(t)
	if r := <-progressed; r.Status != http.StatusOK || r.Str("state") != "IN_PROGRESS" {
		t.Fatalf("transition sent while the worker was down: %d %s", r.Status, r.Body)
	}

	// An operation assigned to the admin, due 2s after creation; the worker dies before that.
	op := admin.CreateOperation(report, "Reboucher")
	admin.Assign(op, admin.MemberIDOf(desk.Org, desk.Admin)).Expect(http.StatusOK)
	worker.Kill()
	time.Sleep(3 * time.Second) // the due time passes while no worker runs
	worker = iso.StartWorker(t)
	reminders := func() []string { return reminderKeys(t, desk.Admin.PersonID, op) }
	if !testkit.Eventually(30*time.Second, func() bool { return len(reminders()) >= 2 }) {
		t.Fatalf("reminders due while the worker was down were not sent: %v", reminders())
	}

	// Killed in the middle of the resolution and closing requests.
	admin.TransitionOperation(op, "progress", false).Expect(http.StatusOK)
	resolved := make(chan *testkit.Response, 1)
	go func() { resolved <- admin.TransitionOperation(op, "resolve", false) }()
	worker.Kill()
	iso.StartWorker(t) // stopped by the test's cleanup
	if r := <-resolved; r.Status != http.StatusOK || r.Str("state") != "RESOLVED" {
		t.Fatalf("resolve across a worker kill: %d %s", r.Status, r.Body)
	}
	closed := admin.TransitionReport(report, "close", false).Expect(http.StatusOK)

	// Nothing doubled: each state reached once, each change logged once, each reminder once.
	if got, want := closed.CheckpointStates(), []string{"NEW", "ACCEPTED", "IN_PROGRESS", "CLOSED"}; !slices.Equal(got, want) {
		t.Errorf("report checkpoints %v, want %v", got, want)
	}
	if got, want := desk.Admin.LogActions(op), []string{"create", "assign", "progress", "resolve"}; !slices.Equal(got, want) {
		t.Errorf("operation log %v, want %v", got, want)
	}
	fb := desk.Citizen.Get("/feedbacks/" + feedback).Expect(http.StatusOK)
	if got, want := fb.CheckpointStates(), []string{"NEW", "PUBLISHED", "PENDING_MATCHING", "SUCCEED", "OUT_FOR_DELIVERY", "DELIVERED"}; !slices.Equal(got, want) {
		t.Errorf("feedback checkpoints %v, want %v", got, want)
	}
	keys := reminders()
	for i, k := range keys {
		// operation-remind/<operation>/<number>/<person>
		if parts := strings.Split(k, "/"); len(parts) != 4 || parts[2] != strconv.Itoa(i+1) {
			t.Errorf("reminders %v: number %d missing or sent twice", keys, i+1)
			break
		}
	}
	// Resolved: no reminder after that.
	n := len(keys)
	time.Sleep(3 * time.Second)
	if after := reminders(); len(after) != n {
		t.Errorf("reminders went on after the operation was resolved: %d then %d", n, len(after))
	}
	// The workflows end once their last events are out; one whose activity was lost with a
	// killed worker retries it after its heartbeat timeout.
	for _, id := range []string{"operation/" + op, "report/" + report} {
		if !testkit.Eventually(time.Minute, func() bool { return stack.WorkflowStatus(t, id) == "Completed" }) {
			t.Errorf("workflow %s: status %q, want Completed", id, stack.WorkflowStatus(t, id))
		}
	}
}

// reminderKeys lists the reminders of an operation on the wall of the person with id, in order
// (reminders go on the wall and by push, not by mail).
func reminderKeys(t *testing.T, person, op string) []string {
	ctx := context.Background()
	app, err := stack.App.Store.ApplicationByToken(ctx, "com.keyclic.app")
	if err != nil {
		t.Fatal(err)
	}
	entries, _, err := stack.App.Store.Wall(ctx, uuid.MustParse(person), app.ID, nil, domain.Page{Page: 1, Limit: domain.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, e := range entries {
		if strings.HasPrefix(e.Key, "operation-remind/"+op+"/") {
			keys = append(keys, e.Key)
		}
	}
	return keys
}
