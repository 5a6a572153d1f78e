package workflows

import (
	"errors"
	"strconv"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/failure"
)

// FeedbackInput starts a feedback's processing: a new feedback (State NEW) or the retry of a
// FAILED one (State FAILED).
type FeedbackInput struct {
	Feedback domain.Feedback
	Settings OperationSettings // handed to the reports, for their operations' reminders
}

// ProcessFeedbackRequest is the update that waits for the outcome.
type ProcessFeedbackRequest struct{}

// FeedbackResult is the outcome of one processing.
type FeedbackResult struct {
	State     domain.State
	ReportIDs []uuid.UUID
	// Why the feedback failed (a domain error kind and message key), when it did.
	FailureKind domain.Kind
	FailureKey  string
}

// Failure returns the domain error a FAILED outcome stands for (a *domain.Error), or nil.
func (r FeedbackResult) Failure() error {
	if r.FailureKey == "" {
		return nil
	}
	return &domain.Error{Kind: r.FailureKind, Msg: domain.Msg(r.FailureKey)}
}

// FeedbackWorkflow walks a feedback through publish, process, matching (success or fail),
// dispatch and deliver. Delivery creates one report per receiving organization, each with its
// own workflow (a child that outlives this one).
func FeedbackWorkflow(ctx workflow.Context, in FeedbackInput) (FeedbackResult, error) {
	r := &feedbackRun{f: in.Feedback, state: in.Feedback.State, settings: in.Settings}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateProcessFeedback, r.awaitOutcome,
		workflow.UpdateHandlerOptions{Validator: r.validateAwait}); err != nil {
		return FeedbackResult{}, err
	}
	out, err := r.run(withLocalActivityDefaults(ctx))
	if err != nil {
		return out, err
	}
	r.outcome, r.done = out, true
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return out, err
	}
	return out, nil
}

type feedbackRun struct {
	settings OperationSettings
	f        domain.Feedback
	state    domain.State
	outcome  FeedbackResult
	done     bool
	steps    int // checkpoints made by this run, numbering their keys
}

func (r *feedbackRun) validateAwait(_ workflow.Context, _ ProcessFeedbackRequest) error {
	if r.done {
		return failure.ToTemporal(domain.Conflict(domain.MsgTransitionNotAllowed, "process", string(r.state)))
	}
	return nil
}

func (r *feedbackRun) awaitOutcome(ctx workflow.Context, _ ProcessFeedbackRequest) (FeedbackResult, error) {
	if err := workflow.Await(ctx, func() bool { return r.done }); err != nil {
		return FeedbackResult{}, err
	}
	return r.outcome, nil
}

// step moves to the state a transition leads to, checking it against the machine, and returns
// the checkpoint to record.
func (r *feedbackRun) step(ctx workflow.Context, transition string) (domain.Checkpoint, error) {
	next, err := domain.FeedbackMachine.Next(r.state, transition)
	if err != nil {
		return domain.Checkpoint{}, err
	}
	r.state = next
	// The search attribute shows operators where each feedback stands.
	if err := workflow.UpsertTypedSearchAttributes(ctx, SAState.ValueSet(string(next))); err != nil {
		return domain.Checkpoint{}, err
	}
	return r.checkpoint(ctx, next, workflow.Now(ctx)), nil
}

// checkpoint is the run's next checkpoint, keyed by the run and its number in it: the same in
// a workflow task run again after its write, so that the write is not made twice.
func (r *feedbackRun) checkpoint(ctx workflow.Context, state domain.State, at time.Time) domain.Checkpoint {
	r.steps++
	key := workflow.GetInfo(ctx).WorkflowExecution.RunID + "/" + strconv.Itoa(r.steps)
	return domain.Checkpoint{State: state, At: at, Key: key}
}

func (r *feedbackRun) run(ctx workflow.Context) (FeedbackResult, error) {
	log := workflow.GetLogger(ctx)
	var pending []domain.Checkpoint
	switch r.state {
	case domain.FeedbackNew:
		r.f.CreatedAt = workflow.Now(ctx)
		created := r.checkpoint(ctx, domain.FeedbackNew, r.f.CreatedAt)
		published, err := r.step(ctx, "publish")
		if err != nil {
			return FeedbackResult{}, err
		}
		r.f.State = domain.FeedbackPublished
		err = workflow.ExecuteLocalActivity(ctx, act.RecordFeedback, activities.RecordFeedbackInput{
			Feedback:    r.f,
			Checkpoints: []domain.Checkpoint{created, published},
		}).Get(ctx, nil)
		if err != nil {
			return r.fail(ctx, err, nil)
		}
		cp, err := r.step(ctx, "process")
		if err != nil {
			return FeedbackResult{}, err
		}
		pending = append(pending, cp)
	case domain.FeedbackFailed:
		cp, err := r.step(ctx, "process")
		if err != nil {
			return FeedbackResult{}, err
		}
		var res activities.RetryFeedbackResult
		if err := workflow.ExecuteLocalActivity(ctx, act.RetryFeedback, activities.RetryFeedbackInput{FeedbackID: r.f.ID, Checkpoint: cp}).Get(ctx, &res); err != nil {
			return FeedbackResult{}, err
		}
		if !res.Started {
			// Another run processed it meanwhile: report the state it is in now.
			r.state = res.State
			return FeedbackResult{State: res.State, FailureKind: domain.KindConflict, FailureKey: domain.MsgTransitionNotAllowed}, nil
		}
	default:
		return FeedbackResult{}, temporal.NewNonRetryableApplicationError("feedback cannot be processed in state "+string(r.state), "InvalidStart", nil)
	}

	var data activities.FindCandidatesResult
	err := workflow.ExecuteLocalActivity(ctx, act.FindCandidates, activities.FindCandidatesInput{
		ApplicationID: r.f.ApplicationID, Point: r.f.Point, ReporterID: r.f.ReporterID, CategoryID: r.f.CategoryID, ProMode: r.f.ProMode,
	}).Get(ctx, &data)
	if err != nil {
		return r.fail(ctx, err, pending)
	}
	receivers, err := domain.Match(domain.MatchRequest{
		BusinessActivityID:     r.f.BusinessActivityID,
		CategoryOrganizationID: data.CategoryOrganizationID,
		ProMode:                r.f.ProMode,
		AgentOrganizationID:    data.AgentOrganizationID,
	}, data.Candidates)
	if err != nil {
		return r.fail(ctx, err, pending)
	}
	log.Info("feedback matched", "organizations", len(receivers))

	for _, t := range []string{"success", "dispatch"} {
		cp, err := r.step(ctx, t)
		if err != nil {
			return FeedbackResult{}, err
		}
		pending = append(pending, cp)
	}
	reports := make([]domain.NewReport, len(receivers))
	ids := make([]uuid.UUID, len(receivers))
	now := workflow.Now(ctx)
	for i, rc := range receivers {
		ids[i] = domain.ReportID(r.f.ID, rc.OrganizationID)
		cps := []domain.Checkpoint{{State: domain.ReportNew, At: now}}
		if rc.State != domain.ReportNew {
			cps = append(cps, domain.Checkpoint{State: rc.State, At: now})
		}
		reports[i] = domain.NewReport{ID: ids[i], OrganizationID: rc.OrganizationID, PlaceID: rc.PlaceID, State: rc.State, Checkpoints: cps}
	}
	if err := workflow.ExecuteLocalActivity(ctx, act.DispatchFeedback, activities.DispatchFeedbackInput{
		FeedbackID: r.f.ID, Reports: reports, Checkpoints: pending,
	}).Get(ctx, nil); err != nil {
		return FeedbackResult{}, err
	}
	if err := r.startReports(ctx, reports); err != nil {
		return FeedbackResult{}, err
	}
	delivered, err := r.step(ctx, "deliver")
	if err != nil {
		return FeedbackResult{}, err
	}
	if err := workflow.ExecuteLocalActivity(ctx, act.SetFeedbackState, activities.SetFeedbackStateInput{
		FeedbackID: r.f.ID, State: domain.FeedbackDelivered, Checkpoints: []domain.Checkpoint{delivered},
	}).Get(ctx, nil); err != nil {
		return FeedbackResult{}, err
	}
	return FeedbackResult{State: domain.FeedbackDelivered, ReportIDs: ids}, nil
}

// startReports starts each report's workflow as a child that outlives the feedback's, and
// waits until all have started, so a client can act on a report as soon as it is answered.
func (r *feedbackRun) startReports(ctx workflow.Context, reports []domain.NewReport) error {
	futures := make([]workflow.ChildWorkflowFuture, len(reports))
	for i, rep := range reports {
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            ReportWorkflowID(rep.ID),
			ParentClosePolicy:     enums.PARENT_CLOSE_POLICY_ABANDON,
			WorkflowIDReusePolicy: enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
			StaticSummary:         "Report " + rep.ID.String() + " of feedback " + r.f.ID.String(),
			TypedSearchAttributes: temporal.NewSearchAttributes(
				SAApplication.ValueSet(r.f.ApplicationID.String()),
				SAOrganizations.ValueSet([]string{rep.OrganizationID.String()}),
				SAState.ValueSet(string(rep.State)),
				SAFeedback.ValueSet(r.f.ID.String()),
				SAReport.ValueSet(rep.ID.String()),
			),
		})
		futures[i] = workflow.ExecuteChildWorkflow(cctx, ReportWorkflowName, ReportInput{
			ReportID: rep.ID, FeedbackID: r.f.ID, ApplicationID: r.f.ApplicationID,
			OrganizationID: rep.OrganizationID, State: rep.State, Settings: r.settings,
		})
	}
	for _, f := range futures {
		err := f.GetChildWorkflowExecution().Get(ctx, nil)
		var started *temporal.ChildWorkflowExecutionAlreadyStartedError
		if err != nil && !errors.As(err, &started) {
			return err
		}
	}
	return nil
}

// fail ends a processing with the FAILED state when err is a rule's refusal (no organization,
// pro mode outside, a category that vanished); other errors fail the run and are retried.
func (r *feedbackRun) fail(ctx workflow.Context, err error, pending []domain.Checkpoint) (FeedbackResult, error) {
	de := failure.FromTemporal(err)
	if de == nil {
		if d, ok := domain.AsError(err); ok {
			de = d
		}
	}
	if de == nil {
		return FeedbackResult{}, err
	}
	if r.state == domain.FeedbackPendingMatching {
		cp, stepErr := r.step(ctx, "fail")
		if stepErr != nil {
			return FeedbackResult{}, stepErr
		}
		pending = append(pending, cp)
		if err := workflow.ExecuteLocalActivity(ctx, act.SetFeedbackState, activities.SetFeedbackStateInput{
			FeedbackID: r.f.ID, State: domain.FeedbackFailed, Checkpoints: pending,
		}).Get(ctx, nil); err != nil {
			return FeedbackResult{}, err
		}
	}
	workflow.GetLogger(ctx).Info("feedback not matched", "reason", de.Msg.Key)
	return FeedbackResult{State: r.state, FailureKind: de.Kind, FailureKey: de.Msg.Key}, nil
}
