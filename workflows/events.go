package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
)

// publisher sends a workflow's events to their subscribers in the background of the workflow
// (deterministic coroutines), so an update answers as soon as its change is stored. The
// workflow waits for idle() before it ends or continues as new: no event is lost.
//
// An event's payload is rendered as soon as the event is queued, by a coroutine of its own: its
// local activity runs in the workflow task of the change, before the next change is handled, so
// the payload is the resource as this change left it, even when the queue is busy sending earlier
// events and notices, or another change follows at once. Deliveries are started, and notices
// sent, one after the other in the order they were queued.
type publisher struct {
	queue     []*outgoing // to start or send, in order
	pending   []*outgoing // events still to render, in order
	busy      bool
	preparing bool
}

// outgoing is an event for webhooks, a notice for people, or both.
type outgoing struct {
	event    *activities.EventInput
	notice   *domain.Notice
	prepared bool // the event's deliveries are recorded (or failed to be: err)
	prep     activities.PreparedEvent
	err      error
}

func newPublisher(ctx workflow.Context) *publisher {
	p := &publisher{}
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			if err := workflow.Await(ctx, func() bool { return len(p.pending) > 0 }); err != nil {
				return
			}
			p.preparing = true
			out := p.pending[0]
			p.pending = p.pending[1:]
			out.prep, out.err = prepare(ctx, *out.event)
			out.prepared = true
			p.preparing = false
		}
	})
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			if err := workflow.Await(ctx, func() bool { return len(p.queue) > 0 }); err != nil {
				return
			}
			p.busy = true
			out := p.queue[0]
			p.queue = p.queue[1:]
			if out.event != nil {
				if err := workflow.Await(ctx, func() bool { return out.prepared }); err != nil {
					return
				}
				err := out.err
				if err == nil {
					err = startDeliveries(ctx, *out.event, out.prep)
				}
				if err != nil {
					workflow.GetLogger(ctx).Error("event not published", "event", out.event.Event, "key", out.event.Key, "error", err)
				}
			}
			if out.notice != nil {
				if err := notify(ctx, *out.notice); err != nil {
					workflow.GetLogger(ctx).Error("notice not sent", "action", out.notice.Action, "key", out.notice.Key, "error", err)
				}
			}
			p.busy = false
		}
	})
	return p
}

func (p *publisher) add(ev activities.EventInput) {
	out := &outgoing{event: &ev}
	p.queue = append(p.queue, out)
	p.pending = append(p.pending, out)
}

// rendered says whether every event queued so far has its payload.
func (p *publisher) rendered() bool { return len(p.pending) == 0 && !p.preparing }

// changeRenderBeforeChange versions lockForChange's wait: runs that made changes before it
// replay without it.
const changeRenderBeforeChange = "render-before-change"

// lockForChange takes a resource's lock for a change once the events queued before the change
// are rendered. Rendering and the change are both local activities; without the wait, a change
// arriving in the same workflow task as the event before it (the first task of a new report and
// its acceptance, or a task run again after a worker died) could be written before the payload
// was read, and the event would carry the later state.
func lockForChange(ctx workflow.Context, mu workflow.Mutex, p *publisher) error {
	if err := mu.Lock(ctx); err != nil {
		return err
	}
	if workflow.GetVersion(ctx, changeRenderBeforeChange, workflow.DefaultVersion, 1) >= 1 {
		if err := workflow.Await(ctx, p.rendered); err != nil {
			mu.Unlock()
			return err
		}
	}
	return nil
}

func (p *publisher) tell(n domain.Notice) { p.queue = append(p.queue, &outgoing{notice: &n}) }
func (p *publisher) idle() bool {
	return len(p.queue) == 0 && len(p.pending) == 0 && !p.busy && !p.preparing
}

// notify sends a notice to the people the notification table names (one activity, retried
// until every recipient has it; each recipient and channel is written once).
func notify(ctx workflow.Context, n domain.Notice) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute, // many recipients, each a few emails and pushes
		HeartbeatTimeout:    15 * time.Second, // heartbeats after each recipient
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	})
	return workflow.ExecuteActivity(ctx, act.Notify, activities.NotifyInput{Notice: n}).Get(ctx, nil)
}

// prepare renders the event and records one delivery per subscribed webhook (a local activity,
// retried while the database does not answer).
func prepare(ctx workflow.Context, ev activities.EventInput) (activities.PreparedEvent, error) {
	var prep activities.PreparedEvent
	err := workflow.ExecuteLocalActivity(withLocalActivityDefaults(ctx), act.PrepareEvent, ev).Get(ctx, &prep)
	return prep, err
}

// startDeliveries starts each delivery's workflow (webhook-delivery/<id>), a child that outlives
// this workflow.
func startDeliveries(ctx workflow.Context, ev activities.EventInput, prep activities.PreparedEvent) error {
	futures := make([]workflow.ChildWorkflowFuture, len(prep.Deliveries))
	for i, id := range prep.Deliveries {
		cctx := asDeliveryChild(ctx, id, ev.Event+" to webhook "+prep.WebhookIDs[i].String())
		futures[i] = workflow.ExecuteChildWorkflow(cctx, WebhookDeliveryWorkflowName, DeliveryInput{
			DeliveryID: id, WebhookID: prep.WebhookIDs[i], DeliveryRetry: prep.DeliveryRetry, FirstAttempt: 1,
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
