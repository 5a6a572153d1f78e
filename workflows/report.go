package workflows

import (
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/failure"
)

// ReportInput starts a report's lifecycle, or continues it in a new run (Chain and Operations set).
type ReportInput struct {
	ReportID       uuid.UUID
	FeedbackID     uuid.UUID
	ApplicationID  uuid.UUID
	OrganizationID uuid.UUID
	State          domain.State
	Chain          []uuid.UUID
	Operations     []OperationStatus
	Settings       OperationSettings
	Continued      bool // a continue-as-new: the report was already announced
	// The service-level clocks, the breaches announced and the overdue mark, carried over a
	// continue-as-new (see reportclock.go).
	Clock    *domain.ServiceClock `json:",omitempty"`
	Breaches []string             `json:",omitempty"`
	Overdue  bool                 `json:",omitempty"`
}

// OperationSettings are the reminder delays operations of this report use.
type OperationSettings struct {
	DefaultDelay     domain.Duration // due time of an operation with no start date and duration
	ReminderInterval domain.Duration // between reminders once overdue
}

// OperationStatus is what a report knows of one of its operations.
type OperationStatus struct {
	ID      uuid.UUID
	Name    string
	State   domain.State
	Removed bool
}

// ReportTransitionRequest applies a transition ("accept", "close"…) for an actor.
type ReportTransitionRequest struct {
	Transition string
	ActorID    uuid.UUID
	// DuplicateOf, with "refuse", refuses the report as a duplicate of that report.
	DuplicateOf *uuid.UUID `json:",omitempty"`
}

// ReportState is the answer to report updates: the state after the change.
type ReportState struct {
	State domain.State
	Chain []uuid.UUID
}

// DelegateRequest hands the report to another organization.
type DelegateRequest struct {
	OrganizationID uuid.UUID
	ActorID        uuid.UUID
}

// EditReportRequest changes the report's fields.
type EditReportRequest struct {
	Patch   domain.ReportPatch
	ActorID uuid.UUID
}

// AddOperationRequest creates an operation on the report (its id chosen by the caller).
type AddOperationRequest struct {
	Operation domain.Operation
}

// WithdrawSignal tells a report that another report of its feedback was accepted.
type WithdrawSignal struct {
	AcceptedReportID uuid.UUID
}

// ReportWorkflow is a report's lifecycle. Clients' transitions, delegations, edits and new
// operations arrive as updates; a validator refuses what the state does not allow, so nothing is
// written. Operations tell the report of their states by signal, so "close" is decided here.
// The workflow ends when the report is closed, refused or withdrawn.
func ReportWorkflow(ctx workflow.Context, in ReportInput) error {
	r := &report{in: in, state: in.State, chain: in.Chain, ops: in.Operations, mu: workflow.NewMutex(ctx), events: newPublisher(ctx)}
	if len(r.chain) == 0 {
		r.chain = []uuid.UUID{in.OrganizationID}
	}
	if !in.Continued {
		r.announce(domain.EventReportCreated, "created")
		r.tell(domain.ActionReportCreated, "created", nil)
	}
	r.opCh = workflow.GetSignalChannel(ctx, SignalOperationChanged)
	r.withdrawCh = workflow.GetSignalChannel(ctx, SignalWithdraw)
	// A slice, not a map: registration order decides which queued update runs first, and it
	// must be the same on every replay.
	for _, h := range []struct {
		name          string
		fn, validator any
	}{
		{UpdateReportTransition, r.transition, r.validateTransition},
		{UpdateReportDelegate, r.delegate, r.validateDelegate},
		{UpdateReportEdit, r.edit, r.validateEdit},
		{UpdateReportAddOp, r.addOperation, r.validateAddOperation},
	} {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, h.name, h.fn, workflow.UpdateHandlerOptions{Validator: h.validator}); err != nil {
			return err
		}
	}
	// After the handlers: an update sent with the start must find them. The clock holds the lock
	// while it starts, so a transition in the same task waits for it.
	if err := r.startClock(ctx); err != nil {
		return err
	}
	for !domain.ReportFinal(r.state) {
		err := workflow.Await(ctx, func() bool {
			return domain.ReportFinal(r.state) || r.opCh.Len() > 0 || r.withdrawCh.Len() > 0 || r.sl.due ||
				(workflow.GetInfo(ctx).GetContinueAsNewSuggested() && r.quiet(ctx))
		})
		if err != nil {
			return err
		}
		if err := r.drain(ctx); err != nil {
			return err
		}
		if r.sl.due {
			if err := r.announceBreaches(ctx); err != nil {
				return err
			}
		}
		if !domain.ReportFinal(r.state) && workflow.GetInfo(ctx).GetContinueAsNewSuggested() && r.quiet(ctx) {
			next := r.in
			next.State, next.Chain, next.Operations, next.Continued = r.state, r.chain, r.ops, true
			next.Clock, next.Breaches, next.Overdue = r.sl.clock, r.sl.breaches, r.sl.overdue
			return workflow.NewContinueAsNewError(ctx, ReportWorkflowName, next)
		}
	}
	if err := r.drain(ctx); err != nil { // operations that ended meanwhile need no telling
		return err
	}
	if open := r.openOperations(); len(open) > 0 && r.state != domain.ReportClosed &&
		workflow.GetVersion(ctx, changeEndOperationsWithReport, workflow.DefaultVersion, 1) >= 1 {
		r.endOperations(ctx, open)
	}
	if r.state == domain.ReportClosed && workflow.GetVersion(ctx, changeRequestReview, workflow.DefaultVersion, 1) >= 1 {
		if err := r.requestReview(ctx); err != nil {
			return err
		}
	}
	return workflow.Await(ctx, func() bool { return r.quiet(ctx) })
}

// changeRequestReview versions requestReview: reports closed before reviews existed replay
// without it.
const changeRequestReview = "request-review"

// requestReview starts the review request of the closed report's feedback (review-request/<id>),
// a child that outlives the report. The id derives from the feedback: when another report of it
// closed first, the request exists already and this one is not made again.
func (r *report) requestReview(ctx workflow.Context) error {
	id := domain.ReviewRequestID(r.in.FeedbackID)
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            ReviewRequestWorkflowID(id),
		ParentClosePolicy:     enums.PARENT_CLOSE_POLICY_ABANDON,
		WorkflowIDReusePolicy: enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		StaticSummary:         "Review request of feedback " + r.in.FeedbackID.String() + " (report " + r.in.ReportID.String() + " closed)",
		TypedSearchAttributes: temporal.NewSearchAttributes(
			SAApplication.ValueSet(r.in.ApplicationID.String()),
			SAState.ValueSet(string(domain.ReviewPending)),
			SAFeedback.ValueSet(r.in.FeedbackID.String()),
			SAReport.ValueSet(r.in.ReportID.String()),
		),
	})
	err := workflow.ExecuteChildWorkflow(cctx, ReviewRequestWorkflowName, ReviewRequestInput{
		RequestID: id, FeedbackID: r.in.FeedbackID, ReportID: r.in.ReportID, ClosedBy: r.closedBy,
	}).GetChildWorkflowExecution().Get(ctx, nil)
	var started *temporal.ChildWorkflowExecutionAlreadyStartedError
	if err != nil && !errors.As(err, &started) {
		return err
	}
	return nil
}

// changeEndOperationsWithReport versions endOperations: reports that ended before it replay
// without it.
const changeEndOperationsWithReport = "end-operations-with-report"

// endOperations tells the operations still open on a refused or withdrawn report that it ended,
// so that they stop (removed, logged) instead of being worked and reminded for nothing.
func (r *report) endOperations(ctx workflow.Context, open []OperationStatus) {
	futures := make([]workflow.Future, len(open))
	for i, o := range open {
		futures[i] = workflow.SignalExternalWorkflow(ctx, OperationWorkflowID(o.ID), "", SignalReportEnded,
			ReportEndedSignal{State: r.state, ActorID: r.endedBy})
	}
	for i, f := range futures {
		if err := f.Get(ctx, nil); err != nil { // an operation that already ended needs no telling
			workflow.GetLogger(ctx).Info("operation not told of the report's end", "operation", open[i].ID, "error", err)
		}
	}
}

type report struct {
	events     *publisher
	in         ReportInput
	state      domain.State
	chain      []uuid.UUID
	ops        []OperationStatus // in creation order: never iterate a map in a workflow
	mu         workflow.Mutex
	opCh       workflow.ReceiveChannel
	withdrawCh workflow.ReceiveChannel
	endedBy    *uuid.UUID // who refused the report
	closedBy   *uuid.UUID // who closed it
	sl         reportClock
}

// drain applies the signals received so far; handlers call it first so that an operation
// resolved just before a "close" is known when close is decided.
func (r *report) drain(ctx workflow.Context) error {
	for {
		var s OperationStatus
		if !r.opCh.ReceiveAsync(&s) {
			break
		}
		r.setOperation(s)
	}
	var w WithdrawSignal
	for r.withdrawCh.ReceiveAsync(&w) {
		if r.state == domain.ReportNew {
			// The accepting transaction already withdrew this report in the database.
			r.state = domain.ReportWithdrawn
			workflow.GetLogger(ctx).Info("report withdrawn: another organization accepted the feedback", "accepted_report", w.AcceptedReportID)
			if err := workflow.UpsertTypedSearchAttributes(ctx, SAState.ValueSet(string(r.state))); err != nil {
				return err
			}
			if err := r.setOverdue(ctx, false); err != nil {
				return err
			}
			r.announce(domain.EventReportStateChanged, "withdrawn")
		}
	}
	return nil
}

// quiet is true when no update is running and every event was published.
func (r *report) quiet(ctx workflow.Context) bool {
	return workflow.AllHandlersFinished(ctx) && r.events.idle()
}

// announce queues an event of this report for its webhooks; occurrence makes its key unique.
func (r *report) announce(event, occurrence string) {
	r.events.add(activities.EventInput{Event: event, ReportID: r.in.ReportID, Key: ReportWorkflowID(r.in.ReportID) + "/" + occurrence})
}

// reportActions are the transitions the notification table names.
var reportActions = map[string]string{
	"accept": domain.ActionReportAccepted,
	"close":  domain.ActionReportClosed,
	"refuse": domain.ActionReportRefused,
}

// tell queues a notice of this report for the people the notification table names.
func (r *report) tell(action, occurrence string, actor *uuid.UUID) {
	id := r.in.ReportID
	r.events.tell(domain.Notice{Action: action, Key: ReportWorkflowID(id) + "/" + action + "/" + occurrence, ActorID: actor, ReportID: &id})
}

func (r *report) setOperation(s OperationStatus) {
	for i := range r.ops {
		if r.ops[i].ID == s.ID {
			r.ops[i] = s
			return
		}
	}
	r.ops = append(r.ops, s)
}

// openOperations are the operations that are neither resolved nor removed.
func (r *report) openOperations() []OperationStatus {
	var open []OperationStatus
	for _, o := range r.ops {
		if !o.Removed && o.State != domain.OperationResolved {
			open = append(open, o)
		}
	}
	return open
}

// checkOpen refuses changes to a report whose lifecycle is over.
func (r *report) checkOpen() error {
	if domain.ReportFinal(r.state) {
		return failure.ToTemporal(domain.Conflict(domain.MsgReportFinal, string(r.state)))
	}
	return nil
}

func (r *report) validateEdit(_ workflow.Context, _ EditReportRequest) error { return r.checkOpen() }

func (r *report) validateTransition(_ workflow.Context, req ReportTransitionRequest) error {
	if err := validateDuplicateOf(req); err != nil {
		return err
	}
	if _, err := domain.ReportMachine.Next(r.state, req.Transition); err != nil {
		return failure.ToTemporal(err)
	}
	return nil
}

func (r *report) transition(ctx workflow.Context, req ReportTransitionRequest) (ReportState, error) {
	ctx = withLocalActivityDefaults(ctx)
	if err := lockForChange(ctx, r.mu, r.events); err != nil {
		return ReportState{}, err
	}
	defer r.mu.Unlock()
	if err := r.drain(ctx); err != nil {
		return ReportState{}, err
	}
	// The state may have moved while this update waited for the lock: check again.
	to, err := domain.ReportMachine.Next(r.state, req.Transition)
	if err != nil {
		return ReportState{}, failure.ToTemporal(err)
	}
	if req.Transition == "close" {
		if open := r.openOperations(); len(open) > 0 {
			names := make([]string, len(open))
			for i, o := range open {
				names[i] = o.Name
			}
			return ReportState{}, failure.ToTemporal(domain.Conflict(domain.MsgOpenOperations, strings.Join(names, ", ")))
		}
	}
	// The update's id is the request's: the key a lost workflow task writes again.
	cp := domain.Checkpoint{State: to, At: workflow.Now(ctx), Key: "state/" + workflow.GetCurrentUpdateInfo(ctx).ID}
	if req.Transition == "accept" {
		var res activities.AcceptReportResult
		if err := workflow.ExecuteLocalActivity(ctx, act.AcceptReport, activities.AcceptReportInput{ReportID: r.in.ReportID, Checkpoint: cp}).Get(ctx, &res); err != nil {
			return ReportState{}, err
		}
		r.withdrawSiblings(ctx, res.Withdrawn)
	} else if err := workflow.ExecuteLocalActivity(ctx, act.SetReportState, activities.SetReportStateInput{ReportID: r.in.ReportID, From: r.state, Checkpoint: cp, DuplicateOf: req.DuplicateOf}).Get(ctx, nil); err != nil {
		return ReportState{}, err
	}
	from := r.state
	r.state = to
	if err := r.moveClock(ctx, from, to); err != nil {
		return ReportState{}, err
	}
	actor := req.ActorID
	switch to {
	case domain.ReportRefused:
		r.endedBy = &actor
	case domain.ReportClosed:
		r.closedBy = &actor
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, SAState.ValueSet(string(to))); err != nil {
		return ReportState{}, err
	}
	r.announce(domain.EventReportStateChanged, "state/"+workflow.GetCurrentUpdateInfo(ctx).ID)
	if action, ok := reportActions[req.Transition]; ok {
		r.tell(action, "state/"+workflow.GetCurrentUpdateInfo(ctx).ID, &req.ActorID)
	}
	return ReportState{State: r.state, Chain: r.chain}, nil
}

// withdrawSiblings tells the feedback's other reports they were withdrawn; one that already
// ended needs no telling.
func (r *report) withdrawSiblings(ctx workflow.Context, ids []uuid.UUID) {
	futures := make([]workflow.Future, len(ids))
	for i, id := range ids {
		futures[i] = workflow.SignalExternalWorkflow(ctx, ReportWorkflowID(id), "", SignalWithdraw, WithdrawSignal{AcceptedReportID: r.in.ReportID})
	}
	for i, f := range futures {
		if err := f.Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Info("withdrawn report's workflow not signalled", "report", ids[i], "error", err)
		}
	}
}

func (r *report) validateDelegate(_ workflow.Context, req DelegateRequest) error {
	if err := r.checkOpen(); err != nil {
		return err
	}
	for _, o := range r.chain {
		if o == req.OrganizationID {
			return failure.ToTemporal(domain.Conflict(domain.MsgDelegationCycle))
		}
	}
	return nil
}

func (r *report) delegate(ctx workflow.Context, req DelegateRequest) (ReportState, error) {
	ctx = withLocalActivityDefaults(ctx)
	if err := lockForChange(ctx, r.mu, r.events); err != nil {
		return ReportState{}, err
	}
	defer r.mu.Unlock()
	if err := r.validateDelegate(ctx, req); err != nil {
		return ReportState{}, err
	}
	if err := workflow.ExecuteLocalActivity(ctx, act.DelegateReport, activities.DelegateReportInput{
		ReportID: r.in.ReportID, OrganizationID: req.OrganizationID, ActorID: req.ActorID, At: workflow.Now(ctx),
	}).Get(ctx, nil); err != nil {
		return ReportState{}, err
	}
	r.chain = append(r.chain, req.OrganizationID)
	orgs := make([]string, len(r.chain))
	for i, o := range r.chain {
		orgs[i] = o.String()
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, SAOrganizations.ValueSet(orgs)); err != nil {
		return ReportState{}, err
	}
	if err := r.restartClock(ctx, req.OrganizationID); err != nil {
		return ReportState{}, err
	}
	// The receiver is named now: by the time the notice goes out, the report may have moved on.
	id, to := r.in.ReportID, req.OrganizationID
	r.events.tell(domain.Notice{Action: domain.ActionReportDelegated, ActorID: &req.ActorID, ReportID: &id, OrganizationID: &to,
		Key: ReportWorkflowID(id) + "/" + domain.ActionReportDelegated + "/" + to.String()})
	return ReportState{State: r.state, Chain: r.chain}, nil
}

func (r *report) edit(ctx workflow.Context, req EditReportRequest) (ReportState, error) {
	ctx = withLocalActivityDefaults(ctx)
	if err := lockForChange(ctx, r.mu, r.events); err != nil {
		return ReportState{}, err
	}
	defer r.mu.Unlock()
	if err := r.checkOpen(); err != nil {
		return ReportState{}, err
	}
	if err := workflow.ExecuteLocalActivity(ctx, act.EditReport, activities.EditReportInput{
		ReportID: r.in.ReportID, Patch: req.Patch, At: workflow.Now(ctx),
	}).Get(ctx, nil); err != nil {
		return ReportState{}, err
	}
	return ReportState{State: r.state, Chain: r.chain}, nil
}

func (r *report) validateAddOperation(_ workflow.Context, _ AddOperationRequest) error {
	return r.checkOpen()
}

// addOperation stores the operation and starts its workflow, a child that outlives the report's
// run (a continue-as-new must not end it).
func (r *report) addOperation(ctx workflow.Context, req AddOperationRequest) (ReportState, error) {
	ctx = withLocalActivityDefaults(ctx)
	if err := lockForChange(ctx, r.mu, r.events); err != nil {
		return ReportState{}, err
	}
	defer r.mu.Unlock()
	if err := r.checkOpen(); err != nil {
		return ReportState{}, err
	}
	op := req.Operation
	op.State, op.CreatedAt, op.UpdatedAt = domain.OperationNew, workflow.Now(ctx), workflow.Now(ctx)
	r.setOperation(OperationStatus{ID: op.ID, Name: op.Name, State: op.State})
	if err := workflow.ExecuteLocalActivity(ctx, act.CreateOperation, activities.CreateOperationInput{
		Operation: op,
		Log: domain.LogEntry{Key: "create/" + op.ID.String(), Action: "create", ActorID: &op.CreatedBy, LoggedAt: op.CreatedAt,
			Data: operationData(op)},
	}).Get(ctx, nil); err != nil {
		return ReportState{}, err
	}
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            OperationWorkflowID(op.ID),
		ParentClosePolicy:     enums.PARENT_CLOSE_POLICY_ABANDON,
		WorkflowIDReusePolicy: enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		StaticSummary:         "Operation " + op.ID.String() + " of report " + r.in.ReportID.String(),
		TypedSearchAttributes: temporal.NewSearchAttributes(
			SAApplication.ValueSet(r.in.ApplicationID.String()),
			SAOrganizations.ValueSet([]string{op.OrganizationID.String()}),
			SAState.ValueSet(string(op.State)),
			SAReport.ValueSet(r.in.ReportID.String()),
		),
	})
	err := workflow.ExecuteChildWorkflow(cctx, OperationWorkflowName, OperationInput{
		Operation: op, ReportWorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, FeedbackID: r.in.FeedbackID,
		Settings: r.in.Settings,
	}).GetChildWorkflowExecution().Get(ctx, nil)
	var started *temporal.ChildWorkflowExecutionAlreadyStartedError
	if err != nil && !errors.As(err, &started) {
		return ReportState{}, err
	}
	return ReportState{State: r.state, Chain: r.chain}, nil
}

// operationData is what an operation's log entries record of its fields.
func operationData(o domain.Operation) map[string]any {
	d := map[string]any{"name": o.Name, "description": o.Description, "identificationNumber": o.IdentificationNumber, "state": string(o.State)}
	if o.StartDate != nil {
		d["startDate"] = o.StartDate.UTC().Format(time.RFC3339)
	}
	if o.Duration != nil {
		d["duration"] = *o.Duration
	}
	return d
}
