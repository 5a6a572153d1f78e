package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/keyclic/keyclic/internal/testkit"
)

// POST /feedbacks/issues runs its feedback workflow while the client waits: a worker SIGKILLed
// before or while it runs that workflow costs the client time, not its feedback, and never a
// second one. The request answers 201 DELIVERED once another worker runs; there is one feedback
// and one report.
func TestFeedbackPostSurvivesAWorkerKillWithOneEffect(t *testing.T) {
	iso := stack.NewIsolated(t, nil)
	desk := stack.NewDesk(t, "Feedback kill")
	for _, wait := range []time.Duration{0, 150 * time.Millisecond, 400 * time.Millisecond} {
		worker := iso.StartWorker(t)
		citizen := stack.NewUser(t)
		answered := make(chan *testkit.Response, 1)
		go func() { answered <- iso.On(citizen).PostIssue(desk.Inside(), nil) }()
		time.Sleep(wait) // before the workflow starts, or while it runs
		worker.Kill()
		next := iso.StartWorker(t)
		r := <-answered
		if r.Status != http.StatusCreated || r.Str("state") != "DELIVERED" {
			t.Fatalf("kill after %v: answered %d %s, want 201 DELIVERED", wait, r.Status, r.Body)
		}
		mine := citizen.Get("/people/" + citizen.PersonID + "/feedbacks").Expect(http.StatusOK)
		if n := mine.Num("total"); n != 1 {
			t.Fatalf("kill after %v: the citizen has %v feedbacks, want 1", wait, n)
		}
		if reports := desk.Admin.ReportsOfFeedback(desk.Org, r.Str("id")); len(reports) != 1 {
			t.Fatalf("kill after %v: %d reports for the feedback, want 1", wait, len(reports))
		}
		next.Kill()
	}
}
