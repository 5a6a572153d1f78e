package workflows

import (
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/workflow"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/failure"
)

// OperationInput starts an operation's lifecycle (or continues it in a new run).
type OperationInput struct {
	Operation         domain.Operation
	ReportWorkflowID  string
	FeedbackID        uuid.UUID
	Settings          OperationSettings
	RemindersSent     int  // in all, numbering the reminders (and keeping each sent once)
	RemindersSinceDue int  // since the current due time, placing the next one
	Continued         bool // a continue-as-new: the operation was already announced
}

// ReportEndedSignal tells an open operation that its report ended without being closed.
type ReportEndedSignal struct {
	State   domain.State // REFUSED or WITHDRAWN
	ActorID *uuid.UUID   // who refused it; none for a withdrawal
}

// AssignRequest hands the operation to a member.
type AssignRequest struct {
	MemberID uuid.UUID
	PersonID uuid.UUID
	ActorID  uuid.UUID
}

// OperationTransitionRequest applies "progress" or "resolve".
type OperationTransitionRequest struct {
	Transition string
	ActorID    uuid.UUID
}

// EditOperationRequest changes the operation's fields.
type EditOperationRequest struct {
	Patch   domain.OperationPatch
	ActorID uuid.UUID
}

// RemoveOperationRequest removes the operation.
type RemoveOperationRequest struct {
	ActorID uuid.UUID
}

// OperationState is the answer to operation updates.
type OperationState struct {
	State   domain.State
	Removed bool
}

// OperationWorkflow is an operation's lifecycle: assignments, progress, resolution, edits and
// removal arrive as updates; every change is logged (who, when, what) and told to the report.
// Until the operation is resolved or removed, a durable timer sends the "Operation remind"
// notification at its due time, then again every reminder interval.
func OperationWorkflow(ctx workflow.Context, in OperationInput) error {
	o := &operation{in: in, op: in.Operation, sent: in.RemindersSent, sinceDue: in.RemindersSinceDue, mu: workflow.NewMutex(ctx), events: newPublisher(ctx)}
	if !in.Continued {
		o.announce(domain.EventOperationCreated, "created")
	}
	// A slice, not a map: registration order decides which queued update runs first, and it
	// must be the same on every replay.
	for _, h := range []struct {
		name          string
		fn, validator any
	}{
		{UpdateOperationAssign, o.assign, o.validateAssign},
		{UpdateOperationTransition, o.transition, o.validateTransition},
		{UpdateOperationEdit, o.edit, o.validateEdit},
		{UpdateOperationRemove, o.remove, o.validateRemove},
	} {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, h.name, h.fn, workflow.UpdateHandlerOptions{Validator: h.validator}); err != nil {
			return err
		}
	}
	o.reportEnded = workflow.GetSignalChannel(ctx, SignalReportEnded)
	actx := withActivityDefaults(ctx)
	for !o.over() {
		if o.reportEnded.Len() > 0 {
			if err := o.endWithReport(ctx); err != nil {
				return err
			}
			continue
		}
		if workflow.GetInfo(ctx).GetContinueAsNewSuggested() && o.quiet(ctx) {
			next := o.in
			next.Operation, next.RemindersSent, next.RemindersSinceDue, next.Continued = o.op, o.sent, o.sinceDue, true
			return workflow.NewContinueAsNewError(ctx, OperationWorkflowName, next)
		}
		due := o.nextReminder()
		if wait := due.Sub(workflow.Now(ctx)); wait > 0 {
			schedule := o.schedule
			changed, err := workflow.AwaitWithTimeout(ctx, wait, func() bool {
				return o.over() || o.schedule != schedule || o.reportEnded.Len() > 0 || workflow.GetInfo(ctx).GetContinueAsNewSuggested()
			})
			if err != nil {
				return err
			}
			if changed {
				continue
			}
		}
		// A reminder in flight when the operation is resolved or removed is cancelled: it must
		// not hold the workflow open until its retries end.
		rctx, cancel := workflow.WithCancel(actx)
		fut := workflow.ExecuteActivity(rctx, act.SendOperationReminder, activities.SendOperationReminderInput{
			OperationID: o.op.ID, FeedbackID: o.in.FeedbackID, Number: o.sent + 1,
		})
		if err := workflow.Await(ctx, func() bool { return fut.IsReady() || o.over() }); err != nil {
			cancel()
			return err
		}
		if !fut.IsReady() {
			cancel()
			break
		}
		cancel()
		if err := fut.Get(ctx, nil); err != nil {
			return err
		}
		o.sent++
		o.sinceDue++
		if workflow.GetVersion(ctx, changeSkipMissedReminders, workflow.DefaultVersion, 1) >= 1 {
			o.skipMissedReminders(workflow.Now(ctx))
		}
	}
	return workflow.Await(ctx, func() bool { return o.quiet(ctx) })
}

type operation struct {
	events   *publisher
	in       OperationInput
	op       domain.Operation
	sent     int
	sinceDue int
	schedule int // bumped when the due time changes, to re-arm the timer
	mu       workflow.Mutex

	reportEnded workflow.ReceiveChannel
}

// quiet is true when no update is running and every event was published.
func (o *operation) quiet(ctx workflow.Context) bool {
	return workflow.AllHandlersFinished(ctx) && o.events.idle()
}

// announce queues an event of this operation for its webhooks; occurrence makes its key unique.
func (o *operation) announce(event, occurrence string) {
	id := o.op.ID
	o.events.add(activities.EventInput{Event: event, ReportID: o.op.ReportID, OperationID: &id, Key: OperationWorkflowID(id) + "/" + occurrence})
}

// tell queues a notice of this operation for the people the notification table names.
func (o *operation) tell(action, occurrence string, actor uuid.UUID) {
	id := o.op.ID
	o.events.tell(domain.Notice{Action: action, Key: OperationWorkflowID(id) + "/" + action + "/" + occurrence, ActorID: &actor, OperationID: &id})
}

func (o *operation) over() bool { return o.op.Removed || o.op.State == domain.OperationResolved }

// nextReminder is the due time for the first reminder, then one interval after the previous.
func (o *operation) nextReminder() time.Time {
	return o.op.DueAt(o.in.Settings.DefaultDelay.Std()).Add(time.Duration(o.sinceDue) * o.in.Settings.ReminderInterval.Std())
}

// changeSkipMissedReminders versions skipMissedReminders: runs that sent reminders before it
// replay without it.
const changeSkipMissedReminders = "skip-missed-reminders"

// skipMissedReminders places the next reminder after now, on the due time's rhythm: an
// operation found overdue by many intervals (a start date set in the past, a worker down for
// days) is reminded once now, not once for every interval it missed.
func (o *operation) skipMissedReminders(now time.Time) {
	interval := o.in.Settings.ReminderInterval.Std()
	if late := now.Sub(o.op.DueAt(o.in.Settings.DefaultDelay.Std())); interval > 0 && late >= 0 {
		o.sinceDue = max(o.sinceDue, int(late/interval)+1)
	}
}

// checkLive refuses changes to a removed operation.
func (o *operation) checkLive() error {
	if o.op.Removed {
		return failure.ToTemporal(domain.Conflict(domain.MsgOperationRemoved))
	}
	return nil
}

// validateEdit refuses edits once the operation is resolved: its workflow may still be
// publishing its last events, but its lifecycle is over (answered the same as once it has ended).
func (o *operation) validateEdit(_ workflow.Context, _ EditOperationRequest) error {
	if err := o.checkLive(); err != nil {
		return err
	}
	if o.op.State == domain.OperationResolved {
		return failure.ToTemporal(domain.Conflict(domain.MsgLifecycleOver))
	}
	return nil
}
func (o *operation) validateRemove(_ workflow.Context, _ RemoveOperationRequest) error {
	return o.checkLive()
}

func (o *operation) validateAssign(ctx workflow.Context, _ AssignRequest) error {
	if err := o.checkLive(); err != nil {
		return err
	}
	if _, err := domain.OperationMachine.Next(o.op.State, "assign"); err != nil {
		return failure.ToTemporal(err)
	}
	return nil
}

func (o *operation) validateTransition(ctx workflow.Context, req OperationTransitionRequest) error {
	if err := o.checkLive(); err != nil {
		return err
	}
	if _, err := domain.OperationClientMachine.Next(o.op.State, req.Transition); err != nil {
		return failure.ToTemporal(err)
	}
	return nil
}

// logEntry describes the change this update makes; its key is the update's id, so a retried
// write finds it and adds nothing.
func logEntry(ctx workflow.Context, action string, actor uuid.UUID, data map[string]any) domain.LogEntry {
	return domain.LogEntry{
		Key: action + "/" + workflow.GetCurrentUpdateInfo(ctx).ID, Action: action, ActorID: &actor,
		Data: data, LoggedAt: workflow.Now(ctx),
	}
}

func (o *operation) assign(ctx workflow.Context, req AssignRequest) (OperationState, error) {
	return o.change(ctx, "assign", req.ActorID, &req.MemberID, &req.PersonID,
		map[string]any{"member": req.MemberID.String(), "person": req.PersonID.String()})
}

func (o *operation) transition(ctx workflow.Context, req OperationTransitionRequest) (OperationState, error) {
	return o.change(ctx, req.Transition, req.ActorID, nil, nil, map[string]any{})
}

// change applies a transition of the machine (and an assignment), logs it and tells the report.
func (o *operation) change(ctx workflow.Context, transition string, actor uuid.UUID, member, person *uuid.UUID, data map[string]any) (OperationState, error) {
	ctx = withLocalActivityDefaults(ctx)
	if err := lockForChange(ctx, o.mu, o.events); err != nil {
		return OperationState{}, err
	}
	defer o.mu.Unlock()
	if err := o.checkLive(); err != nil {
		return OperationState{}, err
	}
	to, err := domain.OperationMachine.Next(o.op.State, transition)
	if err != nil {
		return OperationState{}, failure.ToTemporal(err)
	}
	data["from"], data["to"] = string(o.op.State), string(to)
	err = workflow.ExecuteLocalActivity(ctx, act.ChangeOperation, activities.ChangeOperationInput{
		OperationID: o.op.ID,
		Change: domain.OperationChange{From: o.op.State, To: to, OperatorMemberID: member, OperatorPersonID: person,
			Log: logEntry(ctx, transition, actor, data)},
	}).Get(ctx, nil)
	if err != nil {
		return OperationState{}, err
	}
	o.op.State = to
	if member != nil {
		o.op.OperatorMemberID, o.op.OperatorPersonID = member, person
	}
	occurrence := "state/" + workflow.GetCurrentUpdateInfo(ctx).ID
	o.announce(domain.EventOperationStateChanged, occurrence)
	switch transition {
	case "assign":
		// The assignee is named now: the operation may be reassigned before the notice goes out.
		id := o.op.ID
		o.events.tell(domain.Notice{Action: domain.ActionOperationAssigned, ActorID: &actor, OperationID: &id, PersonID: person,
			Key: OperationWorkflowID(id) + "/" + domain.ActionOperationAssigned + "/" + occurrence})
	case "resolve":
		o.tell(domain.ActionOperationResolved, occurrence, actor)
	}
	return o.changed(ctx)
}

// changed records the new state in the search attributes and tells the report.
func (o *operation) changed(ctx workflow.Context) (OperationState, error) {
	if err := workflow.UpsertTypedSearchAttributes(ctx, SAState.ValueSet(string(o.op.State))); err != nil {
		return OperationState{}, err
	}
	err := workflow.SignalExternalWorkflow(ctx, o.in.ReportWorkflowID, "", SignalOperationChanged,
		OperationStatus{ID: o.op.ID, Name: o.op.Name, State: o.op.State, Removed: o.op.Removed}).Get(ctx, nil)
	if err != nil {
		// A report that ended (closed or refused) no longer needs to know.
		workflow.GetLogger(ctx).Info("report not signalled", "report", o.in.ReportWorkflowID, "error", err)
	}
	return OperationState{State: o.op.State, Removed: o.op.Removed}, nil
}

func (o *operation) edit(ctx workflow.Context, req EditOperationRequest) (OperationState, error) {
	ctx = withLocalActivityDefaults(ctx)
	if err := lockForChange(ctx, o.mu, o.events); err != nil {
		return OperationState{}, err
	}
	defer o.mu.Unlock()
	if err := o.checkLive(); err != nil {
		return OperationState{}, err
	}
	p := req.Patch
	data := map[string]any{}
	if p.Name != nil {
		data["name"] = *p.Name
	}
	if p.Description != nil {
		data["description"] = *p.Description
	}
	if p.IdentificationNumber != nil {
		data["identificationNumber"] = *p.IdentificationNumber
	}
	if p.StartDate != nil {
		data["startDate"] = p.StartDate.UTC().Format(time.RFC3339)
	}
	if p.Duration != nil {
		data["duration"] = *p.Duration
	}
	if err := workflow.ExecuteLocalActivity(ctx, act.PatchOperation, activities.PatchOperationInput{
		OperationID: o.op.ID, Patch: p, Log: logEntry(ctx, "update", req.ActorID, data),
	}).Get(ctx, nil); err != nil {
		return OperationState{}, err
	}
	if p.Name != nil {
		o.op.Name = *p.Name
	}
	if p.StartDate != nil || p.Duration != nil {
		if p.StartDate != nil {
			o.op.StartDate = p.StartDate
		}
		if p.Duration != nil {
			o.op.Duration = p.Duration
		}
		o.sinceDue, o.schedule = 0, o.schedule+1 // a new due time: remind afresh
	}
	return OperationState{State: o.op.State, Removed: o.op.Removed}, nil
}

// endWithReport removes the operation whose report was refused or withdrawn: nobody is to work
// it or be reminded of it any more. The log names the report's end (and who refused it).
func (o *operation) endWithReport(ctx workflow.Context) error {
	var s ReportEndedSignal
	for o.reportEnded.ReceiveAsync(&s) {
	}
	ctx = withLocalActivityDefaults(ctx)
	if err := lockForChange(ctx, o.mu, o.events); err != nil {
		return err
	}
	defer o.mu.Unlock()
	if o.over() {
		return nil
	}
	_, err := o.markRemoved(ctx, domain.LogEntry{
		Key: OperationWorkflowID(o.op.ID) + "/report-ended", Action: "remove", ActorID: s.ActorID,
		Data: map[string]any{"report": string(s.State)}, LoggedAt: workflow.Now(ctx),
	})
	return err
}

func (o *operation) remove(ctx workflow.Context, req RemoveOperationRequest) (OperationState, error) {
	ctx = withLocalActivityDefaults(ctx)
	if err := lockForChange(ctx, o.mu, o.events); err != nil {
		return OperationState{}, err
	}
	defer o.mu.Unlock()
	if err := o.checkLive(); err != nil {
		return OperationState{}, err
	}
	return o.markRemoved(ctx, logEntry(ctx, "remove", req.ActorID, map[string]any{}))
}

// markRemoved stores the removal with its log entry, announces it and tells the report; the
// caller holds the mutex.
func (o *operation) markRemoved(ctx workflow.Context, log domain.LogEntry) (OperationState, error) {
	if err := workflow.ExecuteLocalActivity(ctx, act.RemoveOperation, activities.RemoveOperationInput{OperationID: o.op.ID, Log: log}).Get(ctx, nil); err != nil {
		return OperationState{}, err
	}
	o.op.Removed = true
	o.announce(domain.EventOperationRemoved, "removed")
	return o.changed(ctx)
}
