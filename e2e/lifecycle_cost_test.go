package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/keyclic/keyclic/internal/benchkit"
	"github.com/keyclic/keyclic/internal/testkit"
)

// What one whole lifecycle costs Temporal (feedback posted, report accepted, an operation
// created, assigned, progressed and resolved, the report progressed and closed, one webhook on
// its state changes) stays within what it costs today: a change that makes it dearer fails
// here, and is either justified by raising the bound or undone. keyclic-bench prints the same
// counts.
func TestLifecycleTemporalCostStaysBounded(t *testing.T) {
	iso := stack.NewIsolated(t, nil)
	iso.StartWorker(t)
	consumer := testkit.NewConsumer(t)
	since := time.Now().Add(-time.Second)
	if _, err := benchkit.RunLifecycle(benchkit.NewClient(iso.HTTP.URL), 47.2, -1.55, consumer.URL("/cost")); err != nil {
		t.Fatal(err)
	}
	consumer.WaitDelivered(t, "/cost", 3) // accepted, in progress, closed
	cost, err := benchkit.TemporalCost(context.Background(), stack.App.Temporal, iso.TaskQueue, since, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("one lifecycle: %s", cost)
	want := map[string]int{"Feedback": 1, "Report": 1, "Operation": 1, "WebhookDelivery": 3, "ReviewRequest": 1}
	for typ, n := range want {
		if cost.Workflows[typ] != n {
			t.Errorf("%d %s workflows, want %d", cost.Workflows[typ], typ, n)
		}
	}
	for name, c := range map[string]struct{ got, max int }{
		// Measured on 2026-12-05: 7 starts, 32 to 34 workflow tasks, 9 activities, 20 local
		// activities, 211 to 221 history events (tasks and events vary with how signals and
		// updates happen to be batched into workflow tasks).
		"workflow starts":  {cost.Starts(), 7},
		"workflow tasks":   {cost.WorkflowTasks, 38},
		"activities":       {cost.Activities, 10},
		"local activities": {cost.LocalActivities, 22},
		"history events":   {cost.Events, 240},
	} {
		if c.got > c.max {
			t.Errorf("%s: %d, more than the %d a lifecycle costs", name, c.got, c.max)
		}
	}
}
