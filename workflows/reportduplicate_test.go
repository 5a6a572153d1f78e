package workflows

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/failure"
)

// duplicateEnv is a report's test environment recording what reaches the store, the webhook
// events and the notices.
type duplicateEnv struct {
	*testsuite.TestWorkflowEnvironment
	written []activities.SetReportStateInput
	events  []string
	notices []domain.Notice
}

func newDuplicateEnv() *duplicateEnv {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(quietLogger())
	d := &duplicateEnv{TestWorkflowEnvironment: s.NewTestWorkflowEnvironment()}
	e := d.TestWorkflowEnvironment
	e.RegisterWorkflowWithOptions(ReportWorkflow, workflow.RegisterOptions{Name: ReportWorkflowName})
	withoutServiceLevels(e)
	e.RegisterActivity(act)
	e.OnActivity(act.SetReportState, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.SetReportStateInput) error {
		d.written = append(d.written, in)
		return nil
	})
	e.OnActivity(act.PrepareEvent, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.EventInput) (activities.PreparedEvent, error) {
		d.events = append(d.events, in.Event)
		return activities.PreparedEvent{}, nil
	})
	e.OnActivity(act.Notify, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.NotifyInput) error {
		d.notices = append(d.notices, in.Notice)
		return nil
	})
	return d
}

// A refusal as a duplicate is a refusal: the store is handed the original with the refusal's
// state and checkpoint, the webhook event and the "Report refused" notice go out, and the
// report's lifecycle ends.
func TestReportRefusedAsDuplicateHandsTheOriginalToTheStore(t *testing.T) {
	d := newDuplicateEnv()
	original, actor := uuid.New(), uuid.New()
	in := reportInput(domain.ReportAccepted)
	refuse := sendUpdate(d.TestWorkflowEnvironment, time.Minute, UpdateReportTransition, ReportTransitionRequest{Transition: "refuse", ActorID: actor, DuplicateOf: &original})
	d.ExecuteWorkflow(ReportWorkflowName, in)

	if refuse.rejected != nil || refuse.failed != nil || !d.IsWorkflowCompleted() {
		t.Fatalf("refusal as a duplicate: rejected %v, failed %v, completed %v", refuse.rejected, refuse.failed, d.IsWorkflowCompleted())
	}
	if len(d.written) != 1 {
		t.Fatalf("SetReportState called %d times, want once", len(d.written))
	}
	w := d.written[0]
	if w.ReportID != in.ReportID || w.From != domain.ReportAccepted || w.Checkpoint.State != domain.ReportRefused ||
		w.DuplicateOf == nil || *w.DuplicateOf != original {
		t.Fatalf("SetReportState input %+v: want report %s from ACCEPTED to REFUSED as a duplicate of %s", w, in.ReportID, original)
	}
	if !slices.Equal(d.events, []string{domain.EventReportCreated, domain.EventReportStateChanged}) {
		t.Fatalf("webhook events %v, want the creation then one %s", d.events, domain.EventReportStateChanged)
	}
	if n := len(d.notices); n == 0 || d.notices[n-1].Action != domain.ActionReportRefused || d.notices[n-1].ActorID == nil || *d.notices[n-1].ActorID != actor {
		t.Fatalf("notices %+v, want %s by the actor last", d.notices, domain.ActionReportRefused)
	}
}

// A plain refusal names no original; an original named with any other transition is refused
// before anything is written.
func TestReportDuplicateOfOnlyWithRefuse(t *testing.T) {
	d := newDuplicateEnv()
	original := uuid.New()
	hold := sendUpdate(d.TestWorkflowEnvironment, time.Minute, UpdateReportTransition, ReportTransitionRequest{Transition: "hold", ActorID: uuid.New(), DuplicateOf: &original})
	refuse := sendUpdate(d.TestWorkflowEnvironment, 2*time.Minute, UpdateReportTransition, transition("refuse"))
	d.ExecuteWorkflow(ReportWorkflowName, reportInput(domain.ReportAccepted))
	if de := failure.FromTemporal(hold.rejected); de == nil || de.Kind != domain.KindInvalid {
		t.Errorf("hold naming an original: want a validation rejection, got %v", hold.rejected)
	}
	if refuse.rejected != nil || refuse.failed != nil {
		t.Fatalf("plain refusal: %v %v", refuse.rejected, refuse.failed)
	}
	if len(d.written) != 1 || d.written[0].DuplicateOf != nil || d.written[0].Checkpoint.State != domain.ReportRefused {
		t.Fatalf("writes %+v: want the plain refusal only, naming no original", d.written)
	}
}
