package workflows

import (
	"errors"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
)

// RecoveryInput starts (or continues) the recovery of a webhook's deliveries.
type RecoveryInput struct {
	WebhookID uuid.UUID
	// After is where this run starts: at first the time asked for ("since") and no delivery.
	After    domain.DeliveryCursor
	PageSize int // deliveries sent again per run (0: defaultRecoveryPage)
	domain.DeliveryRetry
	Recovered int // sent again by the runs before this one
}

// RecoveryResult tells how many deliveries were sent again.
type RecoveryResult struct {
	Recovered int
}

// defaultRecoveryPage bounds the work and the history of one run: a page of deliveries, then a
// new run for the next page.
const defaultRecoveryPage = 100

// WebhookRecoveryWorkflow sends again every delivery of a webhook made since a time that did not
// succeed, oldest first, the way a consumer back from an outage asks for it: a failed delivery
// starts a new run of its own workflow (under its own id, so its webhook-id is unchanged and its
// attempts are numbered on), one still being retried is asked to try now. One page per run.
func WebhookRecoveryWorkflow(ctx workflow.Context, in RecoveryInput) (RecoveryResult, error) {
	size := in.PageSize
	if size <= 0 {
		size = defaultRecoveryPage
	}
	var page []domain.RecoverableDelivery
	err := workflow.ExecuteLocalActivity(withLocalActivityDefaults(ctx), act.ReopenDeliveriesPage,
		activities.RecoverPageInput{WebhookID: in.WebhookID, After: in.After, Limit: size}).Get(ctx, &page)
	if err != nil {
		return RecoveryResult{}, err
	}
	futures := make([]workflow.ChildWorkflowFuture, len(page))
	for i, d := range page {
		futures[i] = startRecovered(ctx, in, d)
	}
	for i, f := range futures {
		if err := sendAgain(ctx, in, page[i], f); err != nil {
			return RecoveryResult{}, err
		}
	}
	in.Recovered += len(page)
	if len(page) < size {
		return RecoveryResult{Recovered: in.Recovered}, nil
	}
	in.After = page[len(page)-1].At
	return RecoveryResult{}, workflow.NewContinueAsNewError(ctx, WebhookRecoveryWorkflowName, in)
}

// startRecovered starts a new run of a delivery's workflow.
func startRecovered(ctx workflow.Context, in RecoveryInput, d domain.RecoverableDelivery) workflow.ChildWorkflowFuture {
	ctx = asDeliveryChild(ctx, d.ID, "recovery of "+d.Event+" to webhook "+in.WebhookID.String())
	return workflow.ExecuteChildWorkflow(ctx, WebhookDeliveryWorkflowName, DeliveryInput{
		DeliveryID: d.ID, WebhookID: in.WebhookID, DeliveryRetry: in.DeliveryRetry,
		FirstAttempt: d.Attempts + 1,
	})
}

// sendAgain waits for a delivery's new run to start; when its workflow is still running (being
// retried), it asks it to try now instead. A run that ended between the two is started again.
func sendAgain(ctx workflow.Context, in RecoveryInput, d domain.RecoverableDelivery, started workflow.ChildWorkflowFuture) error {
	for tries := 1; ; tries++ {
		err := started.GetChildWorkflowExecution().Get(ctx, nil)
		var running *temporal.ChildWorkflowExecutionAlreadyStartedError
		if !errors.As(err, &running) {
			return err
		}
		err = workflow.SignalExternalWorkflow(ctx, WebhookDeliveryWorkflowID(d.ID), "", SignalRedeliver, nil).Get(ctx, nil)
		if err == nil || tries == 3 {
			return err
		}
		started = startRecovered(ctx, in, d)
	}
}
