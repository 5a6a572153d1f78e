package workflows

import (
	"context"
	"strings"
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

func newReportEnv() *testsuite.TestWorkflowEnvironment {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(quietLogger())
	e := s.NewTestWorkflowEnvironment()
	e.RegisterWorkflowWithOptions(ReportWorkflow, workflow.RegisterOptions{Name: ReportWorkflowName})
	withoutServiceLevels(e)
	e.RegisterWorkflowWithOptions(OperationWorkflow, workflow.RegisterOptions{Name: OperationWorkflowName})
	e.RegisterWorkflowWithOptions(ReviewRequestWorkflow, workflow.RegisterOptions{Name: ReviewRequestWorkflowName})
	e.RegisterActivity(act)
	e.OnActivity(act.SetReportState, mock.Anything, mock.Anything).Return(nil)
	e.OnActivity(act.CreateOperation, mock.Anything, mock.Anything).Return(nil)
	e.OnActivity(act.PrepareEvent, mock.Anything, mock.Anything).Return(activities.PreparedEvent{}, nil)
	e.OnActivity(act.Notify, mock.Anything, mock.Anything).Return(nil)
	// The operation's and the review request's own lifecycles are not under test here.
	e.OnWorkflow(OperationWorkflowName, mock.Anything, mock.Anything).Return(nil)
	e.OnWorkflow(ReviewRequestWorkflowName, mock.Anything, mock.Anything).Return(ReviewRequestResult{State: domain.ReviewExpired}, nil).Maybe()
	return e
}

// result records what became of one update.
type result struct {
	rejected, failed error
	done             bool
}

func sendUpdate(e *testsuite.TestWorkflowEnvironment, after time.Duration, name string, arg any) *result {
	r := &result{}
	e.RegisterDelayedCallback(func() {
		e.UpdateWorkflow(name, uuid.NewString(), &testsuite.TestUpdateCallback{
			OnReject:   func(err error) { r.rejected = err },
			OnAccept:   func() {},
			OnComplete: func(_ any, err error) { r.failed, r.done = err, true },
		}, arg)
	}, after)
	return r
}

func reportInput(state domain.State) ReportInput {
	return ReportInput{ReportID: uuid.New(), FeedbackID: uuid.New(), ApplicationID: uuid.New(), OrganizationID: uuid.New(), State: state}
}

func transition(name string) ReportTransitionRequest {
	return ReportTransitionRequest{Transition: name, ActorID: uuid.New()}
}

func TestReportRefusesTransitionsNotAllowedNow(t *testing.T) {
	e := newReportEnv()
	close := sendUpdate(e, time.Minute, UpdateReportTransition, transition("close"))
	hold := sendUpdate(e, 2*time.Minute, UpdateReportTransition, transition("hold"))
	refuse := sendUpdate(e, 3*time.Minute, UpdateReportTransition, transition("refuse"))
	e.ExecuteWorkflow(ReportWorkflowName, reportInput(domain.ReportNew))
	for name, r := range map[string]*result{"close": close, "hold": hold} {
		if de := failure.FromTemporal(r.rejected); de == nil || de.Kind != domain.KindConflict {
			t.Errorf("%s from NEW: want a conflict rejection, got %v", name, r.rejected)
		}
	}
	if refuse.rejected != nil || refuse.failed != nil || !e.IsWorkflowCompleted() {
		t.Fatalf("refuse from NEW should end the report: %v %v", refuse.rejected, refuse.failed)
	}
	e.AssertNumberOfCalls(t, "SetReportState", 1) // only the refusal was written
}

func TestReportClosesOnlyOnceOperationsAreResolved(t *testing.T) {
	e := newReportEnv()
	in := reportInput(domain.ReportInProgress)
	opID := uuid.New()
	sendUpdate(e, time.Minute, UpdateReportAddOp, AddOperationRequest{Operation: domain.Operation{ID: opID, Name: "Repave", ReportID: in.ReportID}})
	early := sendUpdate(e, 2*time.Minute, UpdateReportTransition, transition("close"))
	// The resolution and the close arrive together (one workflow task): close must see it.
	late := &result{}
	e.RegisterDelayedCallback(func() {
		e.SignalWorkflow(SignalOperationChanged, OperationStatus{ID: opID, Name: "Repave", State: domain.OperationResolved})
		e.UpdateWorkflow(UpdateReportTransition, "late-close", &testsuite.TestUpdateCallback{
			OnReject:   func(err error) { late.rejected = err },
			OnAccept:   func() {},
			OnComplete: func(_ any, err error) { late.failed, late.done = err, true },
		}, transition("close"))
	}, 3*time.Minute)
	e.ExecuteWorkflow(ReportWorkflowName, in)

	de := failure.FromTemporal(early.failed)
	if de == nil || de.Kind != domain.KindConflict || !strings.Contains(de.Msg.In(domain.English), "Repave") {
		t.Fatalf("close with an open operation: want a conflict naming it, got %v", early.failed)
	}
	if late.failed != nil || late.rejected != nil || !e.IsWorkflowCompleted() {
		t.Fatalf("close after the operation was resolved should succeed: %v %v", late.rejected, late.failed)
	}
}

func TestReportWithRemovedOperationCanClose(t *testing.T) {
	e := newReportEnv()
	in := reportInput(domain.ReportInProgress)
	opID := uuid.New()
	sendUpdate(e, time.Minute, UpdateReportAddOp, AddOperationRequest{Operation: domain.Operation{ID: opID, Name: "Cancelled"}})
	e.RegisterDelayedCallback(func() {
		e.SignalWorkflow(SignalOperationChanged, OperationStatus{ID: opID, Name: "Cancelled", State: domain.OperationAssigned, Removed: true})
	}, 2*time.Minute)
	closed := sendUpdate(e, 3*time.Minute, UpdateReportTransition, transition("close"))
	e.ExecuteWorkflow(ReportWorkflowName, in)
	if closed.failed != nil || !e.IsWorkflowCompleted() {
		t.Fatalf("a removed operation must not block close: %v", closed.failed)
	}
}

func TestReportAcceptWithdrawsSiblings(t *testing.T) {
	e := newReportEnv()
	sibling := uuid.New()
	e.OnActivity(act.AcceptReport, mock.Anything, mock.Anything).Return(activities.AcceptReportResult{Withdrawn: []uuid.UUID{sibling}}, nil)
	signalled := ""
	e.OnSignalExternalWorkflow(mock.Anything, ReportWorkflowID(sibling), "", SignalWithdraw, mock.Anything).Return(
		func(_, workflowID, _, _ string, _ any) error { signalled = workflowID; return nil })
	accepted := sendUpdate(e, time.Minute, UpdateReportTransition, transition("accept"))
	sendUpdate(e, 2*time.Minute, UpdateReportTransition, transition("refuse"))
	e.ExecuteWorkflow(ReportWorkflowName, reportInput(domain.ReportNew))
	if accepted.failed != nil || signalled != ReportWorkflowID(sibling) {
		t.Fatalf("accept: err %v, signalled %q", accepted.failed, signalled)
	}
}

func TestReportAcceptRefusedWhenAnotherOrganizationWasFirst(t *testing.T) {
	e := newReportEnv()
	e.OnActivity(act.AcceptReport, mock.Anything, mock.Anything).Return(activities.AcceptReportResult{},
		failure.ToTemporal(domain.Conflict(domain.MsgAcceptedElsewhere)))
	accepted := sendUpdate(e, time.Minute, UpdateReportTransition, transition("accept"))
	// The other organization's acceptance withdraws this report.
	e.RegisterDelayedCallback(func() { e.SignalWorkflow(SignalWithdraw, WithdrawSignal{AcceptedReportID: uuid.New()}) }, 2*time.Minute)
	e.ExecuteWorkflow(ReportWorkflowName, reportInput(domain.ReportNew))
	if de := failure.FromTemporal(accepted.failed); de == nil || de.Msg.Key != domain.MsgAcceptedElsewhere {
		t.Fatalf("want the accepted-elsewhere conflict, got %v", accepted.failed)
	}
	if !e.IsWorkflowCompleted() || e.GetWorkflowError() != nil {
		t.Fatalf("a withdrawn report's workflow ends: %v", e.GetWorkflowError())
	}
}

func TestReportDelegationRefusesCycles(t *testing.T) {
	e := newReportEnv()
	e.OnActivity(act.DelegateReport, mock.Anything, mock.Anything).Return(nil)
	in := reportInput(domain.ReportAccepted)
	b := uuid.New()
	first := sendUpdate(e, time.Minute, UpdateReportDelegate, DelegateRequest{OrganizationID: b, ActorID: uuid.New()})
	back := sendUpdate(e, 2*time.Minute, UpdateReportDelegate, DelegateRequest{OrganizationID: in.OrganizationID, ActorID: uuid.New()})
	again := sendUpdate(e, 3*time.Minute, UpdateReportDelegate, DelegateRequest{OrganizationID: b, ActorID: uuid.New()})
	sendUpdate(e, 4*time.Minute, UpdateReportTransition, transition("refuse"))
	e.ExecuteWorkflow(ReportWorkflowName, in)
	if first.failed != nil || first.rejected != nil {
		t.Fatalf("delegating to a new organization: %v %v", first.rejected, first.failed)
	}
	for _, r := range []*result{back, again} {
		if de := failure.FromTemporal(r.rejected); de == nil || de.Msg.Key != domain.MsgDelegationCycle {
			t.Errorf("delegating into the chain: want a cycle rejection, got %v", r.rejected)
		}
	}
	e.AssertNumberOfCalls(t, "DelegateReport", 1)
}

func TestReportAnnouncesCreationAndEveryStateChange(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(quietLogger())
	e := s.NewTestWorkflowEnvironment()
	e.RegisterWorkflowWithOptions(ReportWorkflow, workflow.RegisterOptions{Name: ReportWorkflowName})
	withoutServiceLevels(e)
	e.RegisterWorkflowWithOptions(WebhookDeliveryWorkflow, workflow.RegisterOptions{Name: WebhookDeliveryWorkflowName})
	e.RegisterActivity(act)
	e.OnActivity(act.SetReportState, mock.Anything, mock.Anything).Return(nil)
	var notices []string
	e.OnActivity(act.Notify, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.NotifyInput) error {
		notices = append(notices, in.Notice.Action)
		return nil
	})
	var events []string
	delivery := uuid.New()
	e.OnActivity(act.PrepareEvent, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.EventInput) (activities.PreparedEvent, error) {
		events = append(events, in.Event)
		return activities.PreparedEvent{Deliveries: []uuid.UUID{delivery}, WebhookIDs: []uuid.UUID{uuid.New()}}, nil
	})
	started := 0
	e.OnWorkflow(WebhookDeliveryWorkflowName, mock.Anything, mock.Anything).Return(func(_ workflow.Context, in DeliveryInput) (DeliveryResult, error) {
		started++
		return DeliveryResult{State: domain.DeliveryDelivered}, nil
	})
	sendUpdate(e, time.Minute, UpdateReportTransition, transition("refuse"))
	e.ExecuteWorkflow(ReportWorkflowName, reportInput(domain.ReportNew))
	if !e.IsWorkflowCompleted() || e.GetWorkflowError() != nil {
		t.Fatalf("workflow: %v", e.GetWorkflowError())
	}
	want := []string{domain.EventReportCreated, domain.EventReportStateChanged}
	if len(events) != len(want) || events[0] != want[0] || events[1] != want[1] || started != 2 {
		t.Fatalf("events %v with %d deliveries started, want %v with 2", events, started, want)
	}
	if len(notices) != 2 || notices[0] != domain.ActionReportCreated || notices[1] != domain.ActionReportRefused {
		t.Fatalf("notices %v, want the creation then the refusal", notices)
	}
}

// Closing a report starts its feedback's review request (review-request/<id derived from the
// feedback>), naming who closed it; refusing it does not.
func TestReportCloseStartsTheReviewRequest(t *testing.T) {
	for _, tc := range []struct {
		from       domain.State
		transition string
		review     bool
	}{{domain.ReportInProgress, "close", true}, {domain.ReportAccepted, "refuse", false}} {
		t.Run(tc.transition, func(t *testing.T) {
			var s testsuite.WorkflowTestSuite
			s.SetLogger(quietLogger())
			e := s.NewTestWorkflowEnvironment()
			e.RegisterWorkflowWithOptions(ReportWorkflow, workflow.RegisterOptions{Name: ReportWorkflowName})
			withoutServiceLevels(e)
			e.RegisterWorkflowWithOptions(ReviewRequestWorkflow, workflow.RegisterOptions{Name: ReviewRequestWorkflowName})
			e.RegisterActivity(act)
			e.OnActivity(act.SetReportState, mock.Anything, mock.Anything).Return(nil)
			e.OnActivity(act.PrepareEvent, mock.Anything, mock.Anything).Return(activities.PreparedEvent{}, nil)
			e.OnActivity(act.Notify, mock.Anything, mock.Anything).Return(nil)
			var started []ReviewRequestInput
			var workflowIDs []string
			e.OnWorkflow(ReviewRequestWorkflowName, mock.Anything, mock.Anything).Return(
				func(ctx workflow.Context, in ReviewRequestInput) (ReviewRequestResult, error) {
					started = append(started, in)
					workflowIDs = append(workflowIDs, workflow.GetInfo(ctx).WorkflowExecution.ID)
					return ReviewRequestResult{State: domain.ReviewPending}, nil
				})
			in := reportInput(tc.from)
			req := transition(tc.transition)
			sendUpdate(e, time.Minute, UpdateReportTransition, req)
			e.ExecuteWorkflow(ReportWorkflowName, in)
			if !e.IsWorkflowCompleted() || e.GetWorkflowError() != nil {
				t.Fatalf("workflow: %v", e.GetWorkflowError())
			}
			if !tc.review {
				if len(started) != 0 {
					t.Fatalf("a %s report started review requests %+v", tc.transition, started)
				}
				return
			}
			id := domain.ReviewRequestID(in.FeedbackID)
			if len(started) != 1 || workflowIDs[0] != ReviewRequestWorkflowID(id) {
				t.Fatalf("review requests started %v (%+v), want one: %s", workflowIDs, started, ReviewRequestWorkflowID(id))
			}
			got := started[0]
			if got.RequestID != id || got.FeedbackID != in.FeedbackID || got.ReportID != in.ReportID || got.ClosedBy == nil || *got.ClosedBy != req.ActorID {
				t.Fatalf("review request input %+v, want request %s of feedback %s, report %s, closed by %s", got, id, in.FeedbackID, in.ReportID, req.ActorID)
			}
		})
	}
}
