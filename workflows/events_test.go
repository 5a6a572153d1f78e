package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
)

// A change that comes in the same workflow task as the event before it (a new report accepted at
// once, or a task run again after a worker died) waits until that event is rendered: the
// creation's payload shows the new report, not the accepted one, however slowly it renders.
func TestChangeWaitsForTheEventBeforeItToRender(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(quietLogger())
	e := s.NewTestWorkflowEnvironment()
	e.RegisterWorkflowWithOptions(ReportWorkflow, workflow.RegisterOptions{Name: ReportWorkflowName})
	withoutServiceLevels(e)
	e.RegisterActivity(act)
	stored := make(chan domain.State, 1) // what the database holds
	stored <- domain.ReportNew
	set := func(s domain.State) { <-stored; stored <- s }
	read := func() domain.State { s := <-stored; stored <- s; return s }
	e.OnActivity(act.AcceptReport, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.AcceptReportInput) (activities.AcceptReportResult, error) {
			set(in.Checkpoint.State)
			return activities.AcceptReportResult{}, nil
		})
	e.OnActivity(act.SetReportState, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.SetReportStateInput) error {
			set(in.Checkpoint.State)
			return nil
		})
	rendered := map[string]domain.State{} // event → the state its payload shows
	e.OnActivity(act.PrepareEvent, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.EventInput) (activities.PreparedEvent, error) {
			if in.Event == domain.EventReportCreated {
				time.Sleep(200 * time.Millisecond) // a slow database
			}
			if _, seen := rendered[in.Event]; !seen {
				rendered[in.Event] = read()
			}
			return activities.PreparedEvent{}, nil
		})
	e.OnActivity(act.Notify, mock.Anything, mock.Anything).Return(nil)
	accept := sendUpdate(e, 0, UpdateReportTransition, transition("accept"))
	refuse := sendUpdate(e, time.Minute, UpdateReportTransition, transition("refuse"))
	e.ExecuteWorkflow(ReportWorkflowName, reportInput(domain.ReportNew))
	for i, u := range []*result{accept, refuse} {
		if u.rejected != nil || u.failed != nil || !u.done {
			t.Fatalf("update %d: rejected %v, failed %v, done %v", i, u.rejected, u.failed, u.done)
		}
	}
	if got := rendered[domain.EventReportCreated]; got != domain.ReportNew {
		t.Errorf("reportCreated rendered with state %s, want NEW", got)
	}
	if got := rendered[domain.EventReportStateChanged]; got != domain.ReportAccepted {
		t.Errorf("the first reportStateChanged rendered with state %s, want ACCEPTED", got)
	}
}
