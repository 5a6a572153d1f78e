package workflows_test

import (
	"bytes"
	"log/slog"
	"os"
	"testing"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	kworker "github.com/keyclic/keyclic/worker"
)

// reportClosedBeforeReviews is the history of a report closed by the code that came before
// reviews (recorded then, and kept under its own name so that recording histories again never
// replaces it).
const reportClosedBeforeReviews = "testdata/histories/report-closed-before-reviews.json"

// A report closed before reviews existed replays against today's code: closing now starts a
// review request, and that step must be skipped (workflow.GetVersion) where the history shows
// none, or the report's execution could no longer be replayed.
func TestReportClosedBeforeReviewsReplays(t *testing.T) {
	f, err := os.Open(reportClosedBeforeReviews)
	if err != nil {
		t.Fatal(err)
	}
	h, err := client.HistoryFromJSON(f, client.HistoryJSONOptions{})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	// The history is what its name says: a report that ended CLOSED, with no version marker and no
	// child started for a review.
	closed := false
	for _, e := range h.Events {
		switch e.GetEventType() {
		case enums.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
			state := e.GetUpsertWorkflowSearchAttributesEventAttributes().GetSearchAttributes().GetIndexedFields()["KeyclicState"]
			closed = bytes.Equal(state.GetData(), []byte(`"CLOSED"`))
		case enums.EVENT_TYPE_MARKER_RECORDED:
			if name := e.GetMarkerRecordedEventAttributes().GetMarkerName(); name != "LocalActivity" {
				t.Fatalf("the history records a %s marker: it is not from before reviews", name)
			}
		case enums.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
			if typ := e.GetStartChildWorkflowExecutionInitiatedEventAttributes().GetWorkflowType().GetName(); typ == "ReviewRequest" {
				t.Fatalf("the history starts a %s child: it is not from before reviews", typ)
			}
		}
	}
	if !closed || h.Events[len(h.Events)-1].GetEventType() != enums.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED {
		t.Fatal("the history is not of a report that was closed and completed")
	}

	r := worker.NewWorkflowReplayer()
	kworker.RegisterWorkflows(r)
	if err := r.ReplayWorkflowHistory(tlog.NewStructuredLogger(slog.New(slog.DiscardHandler)), h); err != nil {
		t.Fatalf("a report closed before reviews no longer replays: %v", err)
	}
}
