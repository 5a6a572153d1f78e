package testkit

import (
	"testing"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/worker"
)

// RunWorker runs a worker in this process polling the isolated task queue, with a copy of the
// stack's activities changed by tune. The stack's own worker keeps its settings untouched, so a
// test varying an activity setting never races the activities other tests are running.
func (iso *Isolated) RunWorker(t testing.TB, tune func(*activities.Activities)) {
	t.Helper()
	acts := *iso.Stack.App.Activities
	if tune != nil {
		tune(&acts)
	}
	w := worker.New(iso.Stack.App.Temporal, iso.TaskQueue, &acts)
	if err := w.Start(); err != nil {
		t.Fatalf("start isolated worker: %v", err)
	}
	t.Cleanup(w.Stop)
}
