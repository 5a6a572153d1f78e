package workflows

import (
	"errors"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
)

// publisher sends a workflow's events to their subscribers in the background of the workflow
// (a deterministic coroutine), so an update answers as soon as its change is stored. The
// workflow waits for idle() before it ends or continues as new: no event is lost.
type publisher struct {
	queue []outgoing
	busy  bool
}

// outgoing is an event for webhooks, a notice for people, or both.
type outgoing struct {
	event  *activities.EventInput
	notice *domain.Notice
}

func newPublisher(ctx workflow.Context) *publisher {
	p := &publisher{}
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			if err := workflow.Await(ctx, func() bool { return len(p.queue) > 0 }); err != nil {
				return
			}
			p.busy = true
			out := p.queue[0]
			p.queue = p.queue[1:]
			if out.event != nil {
				if err := publish(ctx, *out.event); err != nil {
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

func (p *publisher) add(ev activities.EventInput) { p.queue = append(p.queue, outgoing{event: &ev}) }
func (p *publisher) tell(n domain.Notice)         { p.queue = append(p.queue, outgoing{notice: &n}) }
func (p *publisher) idle() bool                   { return len(p.queue) == 0 && !p.busy }

// notify sends a notice to the people the notification table names (one activity, retried
// until every recipient has it; each recipient and channel is written once).
func notify(ctx workflow.Context, n domain.Notice) error {
	return workflow.ExecuteActivity(withActivityDefaults(ctx), act.Notify, activities.NotifyInput{Notice: n}).Get(ctx, nil)
}

// publish records one delivery per subscribed webhook and starts each delivery's workflow
// (webhook-delivery/<id>), a child that outlives this workflow.
func publish(ctx workflow.Context, ev activities.EventInput) error {
	var prep activities.PreparedEvent
	if err := workflow.ExecuteLocalActivity(withLocalActivityDefaults(ctx), act.PrepareEvent, ev).Get(ctx, &prep); err != nil {
		return err
	}
	futures := make([]workflow.ChildWorkflowFuture, len(prep.Deliveries))
	for i, id := range prep.Deliveries {
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            WebhookDeliveryWorkflowID(id),
			ParentClosePolicy:     enums.PARENT_CLOSE_POLICY_ABANDON,
			WorkflowIDReusePolicy: enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
			StaticSummary:         ev.Event + " to webhook " + prep.WebhookIDs[i].String(),
		})
		futures[i] = workflow.ExecuteChildWorkflow(cctx, WebhookDeliveryWorkflowName, DeliveryInput{
			DeliveryID: id, WebhookID: prep.WebhookIDs[i], Schedule: prep.Schedule, RetryAfterCap: prep.RetryAfterCap, FirstAttempt: 1,
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
