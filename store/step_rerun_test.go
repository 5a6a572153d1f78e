package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/store"
)

// A workflow task lost after its write (a worker killed, Temporal restarted before the task
// completed) runs its local activities again at a later workflow time, with the same step keys.
// Its writes find their checkpoints and do nothing more; the answer is the first one's.

func TestFeedbackStepRunAgainLaterAddsNoCheckpoint(t *testing.T) {
	st, feedback, _ := deliveredFeedback(t)
	ctx := context.Background()
	before := count(t, st, `SELECT count(*) FROM feedback_checkpoints WHERE feedback_id = $1`, feedback)
	first := time.Date(2026, 12, 5, 11, 0, 0, 0, time.UTC)
	for i, at := range []time.Time{first, first.Add(3 * time.Second)} {
		cps := []store.Checkpoint{{State: domain.FeedbackDelivered, At: at, Key: "run-1/7"}}
		if err := st.SetFeedbackState(ctx, feedback, domain.FeedbackDelivered, cps); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
	}
	if n := count(t, st, `SELECT count(*) FROM feedback_checkpoints WHERE feedback_id = $1`, feedback); n != before+1 {
		t.Fatalf("%d checkpoints after the step ran twice, want %d", n, before+1)
	}
}

func TestTransitionRunAgainLaterIsDoneNotAConflict(t *testing.T) {
	st, _, reports := deliveredFeedback(t)
	ctx := context.Background()
	first := time.Date(2026, 12, 5, 11, 0, 0, 0, time.UTC)
	accept := func(at time.Time) ([]string, error) {
		ids, err := st.AcceptReport(ctx, reports[0], store.Checkpoint{State: domain.ReportAccepted, At: at, Key: "state/update-1"})
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = id.String()
		}
		return out, err
	}
	withdrawn, err := accept(first)
	if err != nil || len(withdrawn) != 1 || withdrawn[0] != reports[1].String() {
		t.Fatalf("first run: withdrawn %v, %v; want [%s]", withdrawn, err, reports[1])
	}
	// Its answer was lost with the task: the step run again tells the same siblings again, so
	// that their workflows learn it, and writes nothing more.
	again, err := accept(first.Add(2 * time.Second))
	if err != nil || len(again) != 1 || again[0] != reports[1].String() {
		t.Fatalf("run again: withdrawn %v, %v; want [%s]", again, err, reports[1])
	}
	if n := count(t, st, `SELECT count(*) FROM report_checkpoints WHERE report_id = $1`, reports[0]); n != 2 {
		t.Fatalf("%d checkpoints of the accepted report, want 2 (NEW, ACCEPTED)", n)
	}
	if n := count(t, st, `SELECT count(*) FROM report_checkpoints WHERE report_id = $1`, reports[1]); n != 2 {
		t.Fatalf("%d checkpoints of the withdrawn report, want 2 (NEW, WITHDRAWN)", n)
	}
	progress := func(at time.Time, key string) error {
		return st.SetReportState(ctx, reports[0], domain.ReportAccepted, domain.ReportInProgress,
			store.Checkpoint{State: domain.ReportInProgress, At: at, Key: key})
	}
	if err := progress(first.Add(time.Minute), "state/update-2"); err != nil {
		t.Fatal(err)
	}
	if err := progress(first.Add(time.Minute+time.Second), "state/update-2"); err != nil {
		t.Fatalf("the same update run again: %v, want done", err)
	}
	// Another request for a move already made is still a conflict.
	err = progress(first.Add(2*time.Minute), "state/update-3")
	if e, ok := err.(*domain.Error); !ok || e.Kind != domain.KindConflict {
		t.Fatalf("another update to the same state: %v, want a conflict", err)
	}
}
