package workflows

import (
	"time"

	"github.com/google/uuid"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
)

// DeliveryInput starts (or restarts, for a redelivery) one webhook delivery.
type DeliveryInput struct {
	DeliveryID uuid.UUID
	WebhookID  uuid.UUID
	domain.DeliveryRetry
	FirstAttempt int // the number of the first attempt of this run (attempts are numbered across runs)
}

// DeliveryResult is how the delivery ended.
type DeliveryResult struct {
	State    string
	Attempts int
}

// asDeliveryChild starts a delivery's workflow (webhook-delivery/<id>) as a child that outlives
// its parent, or as a new run when an earlier one has ended.
func asDeliveryChild(ctx workflow.Context, delivery uuid.UUID, summary string) workflow.Context {
	return workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            WebhookDeliveryWorkflowID(delivery),
		ParentClosePolicy:     enums.PARENT_CLOSE_POLICY_ABANDON,
		WorkflowIDReusePolicy: enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		StaticSummary:         summary,
	})
}

// changeRedeliverAfterLastAttempt versions the attempt a redelivery asked for during the last
// one gets: runs that ended before it replay without it.
const changeRedeliverAfterLastAttempt = "redeliver-after-last-attempt"

// WebhookDeliveryWorkflow POSTs one event to one webhook until a 2xx arrives: each attempt is an
// activity of its own (so the history shows every attempt), separated by durable timers
// following the schedule (a Retry-After longer than the next wait is honoured, up to a cap).
// Restarts of the worker, the API or the Temporal server lose nothing: the next attempt simply
// happens later. After the last wait the delivery fails; a "redeliver" signal tries again now.
func WebhookDeliveryWorkflow(ctx workflow.Context, in DeliveryInput) (DeliveryResult, error) {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		// The HTTP timeout is shorter; this bounds an attempt that hangs.
		StartToCloseTimeout: time.Minute,
		// The attempt heartbeats while it waits for the endpoint: a worker killed mid-attempt
		// is noticed after this, and the attempt is retried on another (or the restarted) worker.
		HeartbeatTimeout: 10 * time.Second,
		RetryPolicy:      &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	})
	redeliver := workflow.GetSignalChannel(ctx, SignalRedeliver)
	// A redelivery asked for while the last attempt ran (or as the run was ending) was promised
	// by the API, which reopened the delivery: it gets an attempt of its own, on a fresh schedule.
	askedAgain := func() bool {
		return redeliver.Len() > 0 && workflow.GetVersion(ctx, changeRedeliverAfterLastAttempt, workflow.DefaultVersion, 1) >= 1
	}
	number := max(in.FirstAttempt, 1)
	for retry := 0; ; retry++ {
		// Redeliver signals received before this attempt are answered by it.
		for redeliver.ReceiveAsync(nil) {
		}
		var out activities.AttemptOutput
		if err := workflow.ExecuteActivity(actx, act.AttemptDelivery, activities.AttemptInput{DeliveryID: in.DeliveryID, Number: number}).Get(ctx, &out); err != nil {
			return DeliveryResult{}, err
		}
		if out.Delivered || out.Stop || retry >= len(in.Schedule) {
			if !askedAgain() {
				if out.Delivered {
					return DeliveryResult{State: domain.DeliveryDelivered, Attempts: number}, nil
				}
				err := workflow.ExecuteLocalActivity(withLocalActivityDefaults(ctx), act.FailDelivery, activities.FailDeliveryInput{DeliveryID: in.DeliveryID}).Get(ctx, nil)
				if err != nil || !askedAgain() {
					return DeliveryResult{State: domain.DeliveryFailed, Attempts: number}, err
				}
			}
			number, retry = number+1, -1
			continue
		}
		// A Retry-After is honoured as asked (up to the cap): only the schedule's waits spread.
		wait := max(jittered(in.Schedule[retry].Std(), in.Jitter, in.DeliveryID, number), min(out.RetryAfter, in.RetryAfterCap).Std())
		if _, err := workflow.AwaitWithTimeout(ctx, wait, func() bool { return redeliver.Len() > 0 }); err != nil {
			return DeliveryResult{}, err
		}
		number++
	}
}
