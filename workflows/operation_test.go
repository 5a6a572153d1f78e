package workflows

import (
	"context"
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

// operationEnv is a test environment with the operation workflow and its activities mocked to
// succeed; reminders are recorded with the test clock's time.
type operationEnv struct {
	*testsuite.TestWorkflowEnvironment
	reminders []time.Time
	removals  []domain.LogEntry
	start     time.Time
}

func newOperationEnv(t *testing.T) *operationEnv {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(quietLogger())
	e := &operationEnv{TestWorkflowEnvironment: s.NewTestWorkflowEnvironment()}
	e.RegisterWorkflowWithOptions(OperationWorkflow, workflow.RegisterOptions{Name: OperationWorkflowName})
	e.RegisterActivity(act)
	e.OnActivity(act.ChangeOperation, mock.Anything, mock.Anything).Return(nil)
	e.OnActivity(act.PatchOperation, mock.Anything, mock.Anything).Return(nil)
	e.OnActivity(act.RemoveOperation, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RemoveOperationInput) error {
			e.removals = append(e.removals, in.Log)
			return nil
		})
	e.OnActivity(act.PrepareEvent, mock.Anything, mock.Anything).Return(activities.PreparedEvent{}, nil)
	e.OnActivity(act.Notify, mock.Anything, mock.Anything).Return(nil)
	e.OnActivity(act.SendOperationReminder, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.SendOperationReminderInput) error {
			if in.Number != len(e.reminders)+1 {
				t.Errorf("reminder number %d, want %d", in.Number, len(e.reminders)+1)
			}
			e.reminders = append(e.reminders, e.Now())
			return nil
		})
	// The report is told of every change; it is not running in these tests.
	e.OnSignalExternalWorkflow(mock.Anything, mock.Anything, mock.Anything, mock.Anything, mock.Anything).Return(nil)
	e.start = e.Now()
	return e
}

func (e *operationEnv) update(t *testing.T, after time.Duration, name string, arg any) {
	e.RegisterDelayedCallback(func() {
		e.UpdateWorkflow(name, uuid.NewString(), &testsuite.TestUpdateCallback{
			OnReject: func(err error) { t.Errorf("%s rejected: %v", name, err) },
			OnAccept: func() {},
			OnComplete: func(_ any, err error) {
				if err != nil {
					t.Errorf("%s failed: %v", name, err)
				}
			},
		}, arg)
	}, after)
}

// expectRemindersAt checks that reminders were sent at these times after the start, and no others.
func (e *operationEnv) expectRemindersAt(t *testing.T, want ...time.Duration) {
	t.Helper()
	if len(e.reminders) != len(want) {
		t.Fatalf("%d reminders sent, want %d: %v", len(e.reminders), len(want), e.reminders)
	}
	for i, w := range want {
		if got := e.reminders[i].Sub(e.start); got < w || got > w+time.Second {
			t.Errorf("reminder %d sent %v after start, want %v", i+1, got, w)
		}
	}
}

func operationInput(start time.Time) OperationInput {
	duration := 60 // minutes
	return OperationInput{
		Operation: domain.Operation{
			ID: uuid.New(), ReportID: uuid.New(), Name: "Repair", State: domain.OperationNew,
			StartDate: &start, Duration: &duration, CreatedAt: start,
		},
		ReportWorkflowID: "report/x",
		Settings:         OperationSettings{DefaultDelay: domain.Duration(72 * time.Hour), ReminderInterval: domain.Duration(24 * time.Hour)},
	}
}

func TestOperationRemindsAtDueTimeThenEveryInterval(t *testing.T) {
	e := newOperationEnv(t)
	in := operationInput(e.start)
	// Resolved after three and a half days: due after 1h, then reminded every 24h.
	e.update(t, time.Minute, UpdateOperationAssign, AssignRequest{MemberID: uuid.New(), PersonID: uuid.New(), ActorID: uuid.New()})
	e.update(t, 2*time.Minute, UpdateOperationTransition, OperationTransitionRequest{Transition: "progress", ActorID: uuid.New()})
	e.update(t, 84*time.Hour, UpdateOperationTransition, OperationTransitionRequest{Transition: "resolve", ActorID: uuid.New()})
	e.ExecuteWorkflow(OperationWorkflowName, in)
	if !e.IsWorkflowCompleted() || e.GetWorkflowError() != nil {
		t.Fatalf("workflow should complete once resolved: %v", e.GetWorkflowError())
	}
	e.expectRemindersAt(t, time.Hour, 25*time.Hour, 49*time.Hour, 73*time.Hour)
}

func TestOperationLongOverdueIsRemindedOnceThenOnItsRhythm(t *testing.T) {
	e := newOperationEnv(t)
	in := operationInput(e.start.Add(-30 * 24 * time.Hour)) // due 30 days ago, at start-30d+1h
	e.update(t, 50*time.Hour, UpdateOperationRemove, RemoveOperationRequest{ActorID: uuid.New()})
	e.ExecuteWorkflow(OperationWorkflowName, in)
	if !e.IsWorkflowCompleted() {
		t.Fatal("workflow should end when the operation is removed")
	}
	// Once at once for the thirty missed days, then at the due time's hour: 1h, 25h, 49h.
	e.expectRemindersAt(t, 0, time.Hour, 25*time.Hour, 49*time.Hour)
}

func TestOperationEndsWithItsReport(t *testing.T) {
	e := newOperationEnv(t)
	// Reminded at 1h and 25h; the report is withdrawn at 30h (twice told: once is enough).
	for _, at := range []time.Duration{30 * time.Hour, 30*time.Hour + time.Minute} {
		e.RegisterDelayedCallback(func() {
			e.SignalWorkflow(SignalReportEnded, ReportEndedSignal{State: domain.ReportWithdrawn})
		}, at)
	}
	e.ExecuteWorkflow(OperationWorkflowName, operationInput(e.start))
	if !e.IsWorkflowCompleted() || e.GetWorkflowError() != nil {
		t.Fatalf("the operation should end with its report: %v", e.GetWorkflowError())
	}
	if len(e.removals) != 1 || len(e.reminders) != 2 {
		t.Fatalf("removed %d times, %d reminders: want once, and reminders at 1h and 25h only", len(e.removals), len(e.reminders))
	}
	if l := e.removals[0]; l.Action != "remove" || l.ActorID != nil || l.Data["report"] != string(domain.ReportWithdrawn) {
		t.Fatalf("log of the end: %+v", l)
	}
}

func TestOperationNotRemindedWhenResolvedInTime(t *testing.T) {
	e := newOperationEnv(t)
	e.update(t, time.Minute, UpdateOperationAssign, AssignRequest{MemberID: uuid.New(), PersonID: uuid.New(), ActorID: uuid.New()})
	e.update(t, 2*time.Minute, UpdateOperationTransition, OperationTransitionRequest{Transition: "progress", ActorID: uuid.New()})
	e.update(t, 30*time.Minute, UpdateOperationTransition, OperationTransitionRequest{Transition: "resolve", ActorID: uuid.New()})
	e.ExecuteWorkflow(OperationWorkflowName, operationInput(e.start))
	if !e.IsWorkflowCompleted() || len(e.reminders) != 0 {
		t.Fatalf("completed=%v, reminders=%v: an operation resolved before its due time is never reminded", e.IsWorkflowCompleted(), e.reminders)
	}
}

func TestOperationRemovalStopsReminders(t *testing.T) {
	e := newOperationEnv(t)
	e.update(t, 30*time.Hour, UpdateOperationRemove, RemoveOperationRequest{ActorID: uuid.New()})
	e.ExecuteWorkflow(OperationWorkflowName, operationInput(e.start))
	if !e.IsWorkflowCompleted() {
		t.Fatal("workflow should end when the operation is removed")
	}
	if len(e.reminders) != 2 { // at 1h and 25h, none after the removal at 30h
		t.Fatalf("%d reminders, want 2: %v", len(e.reminders), e.reminders)
	}
}

func TestOperationNewDueTimeReschedulesReminders(t *testing.T) {
	e := newOperationEnv(t)
	later := e.start.Add(48 * time.Hour)
	// Reminded once at 1h; then the start date moves to 48h, so the operation is due again at
	// 49h (not 25h, and not 49h + one interval), and removed at 50h.
	e.update(t, 2*time.Hour, UpdateOperationEdit, EditOperationRequest{Patch: storePatchStart(later), ActorID: uuid.New()})
	e.update(t, 50*time.Hour, UpdateOperationRemove, RemoveOperationRequest{ActorID: uuid.New()})
	e.ExecuteWorkflow(OperationWorkflowName, operationInput(e.start))
	if len(e.reminders) != 2 || e.reminders[1].Sub(e.start) != 49*time.Hour {
		t.Fatalf("reminders %v after %v: want two, at 1h and 49h", e.reminders, e.start)
	}
}

func TestOperationRefusesTransitionsNotAllowedNow(t *testing.T) {
	e := newOperationEnv(t)
	rejected := false
	e.RegisterDelayedCallback(func() {
		e.UpdateWorkflow(UpdateOperationTransition, "u1", &testsuite.TestUpdateCallback{
			OnReject:   func(error) { rejected = true },
			OnAccept:   func() { t.Error("resolve must be refused on a NEW operation") },
			OnComplete: func(any, error) {},
		}, OperationTransitionRequest{Transition: "resolve", ActorID: uuid.New()})
	}, time.Minute)
	e.update(t, 2*time.Minute, UpdateOperationRemove, RemoveOperationRequest{ActorID: uuid.New()})
	e.ExecuteWorkflow(OperationWorkflowName, operationInput(e.start))
	if !rejected {
		t.Fatal("the validator should have rejected the update")
	}
	e.AssertNotCalled(t, "ChangeOperation", mock.Anything, mock.Anything)
}

// A resolved operation's workflow may still be publishing its last events: an edit arriving then
// is refused as one arriving after the workflow ended, not applied.
func TestOperationRefusesEditsOnceResolved(t *testing.T) {
	o := &operation{op: domain.Operation{State: domain.OperationResolved}}
	err := o.validateEdit(nil, EditOperationRequest{ActorID: uuid.New()})
	if back := failure.FromTemporal(err); back == nil || back.Kind != domain.KindConflict {
		t.Fatalf("edit of a resolved operation: %v, want a conflict", err)
	}
	o.op.State = domain.OperationInProgress
	if err := o.validateEdit(nil, EditOperationRequest{ActorID: uuid.New()}); err != nil {
		t.Fatalf("edit of an operation in progress: %v", err)
	}
}
