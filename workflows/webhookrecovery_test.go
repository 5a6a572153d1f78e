package workflows

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
)

// A recovery sends a page of deliveries again per run, each as a new run of its own workflow
// numbered on, then continues from the last one; a short page ends it.
func TestRecoveryPagesThroughTheDeliveries(t *testing.T) {
	since := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	page := []domain.RecoverableDelivery{
		{ID: uuid.New(), Event: "reportCreated", Attempts: 12, At: domain.DeliveryCursor{CreatedAt: since.Add(time.Minute)}},
		{ID: uuid.New(), Event: "reportCreated", Attempts: 3, At: domain.DeliveryCursor{CreatedAt: since.Add(2 * time.Minute)}},
	}
	page[0].At.ID, page[1].At.ID = page[0].ID, page[1].ID
	run := func(in RecoveryInput, found []domain.RecoverableDelivery) (*testsuite.TestWorkflowEnvironment, []DeliveryInput) {
		var s testsuite.WorkflowTestSuite
		s.SetLogger(quietLogger())
		e := s.NewTestWorkflowEnvironment()
		e.RegisterWorkflowWithOptions(WebhookRecoveryWorkflow, workflow.RegisterOptions{Name: WebhookRecoveryWorkflowName})
		e.RegisterActivity(act)
		e.OnActivity(act.ReopenDeliveriesPage, mock.Anything, mock.Anything).Return(
			func(_ context.Context, got activities.RecoverPageInput) ([]domain.RecoverableDelivery, error) {
				if got.After != in.After || got.WebhookID != in.WebhookID {
					t.Errorf("page asked after %+v, want %+v", got.After, in.After)
				}
				return found, nil
			})
		// The children run side by side, each on its own goroutine: record them under a lock and
		// compare them by id, not in the order they happened to run.
		var mu sync.Mutex
		var started []DeliveryInput
		e.RegisterWorkflowWithOptions(func(_ workflow.Context, d DeliveryInput) (DeliveryResult, error) {
			mu.Lock()
			defer mu.Unlock()
			started = append(started, d)
			return DeliveryResult{State: domain.DeliveryDelivered}, nil
		}, workflow.RegisterOptions{Name: WebhookDeliveryWorkflowName})
		e.ExecuteWorkflow(WebhookRecoveryWorkflowName, in)
		return e, started
	}

	in := RecoveryInput{WebhookID: uuid.New(), After: domain.DeliveryCursor{CreatedAt: since}, PageSize: 2}
	e, started := run(in, page)
	var more *workflow.ContinueAsNewError
	if err := e.GetWorkflowError(); !errors.As(err, &more) {
		t.Fatalf("a full page: %v, want a new run for the next page", err)
	}
	firstAttempts := map[uuid.UUID]int{}
	for _, d := range started {
		firstAttempts[d.DeliveryID] = d.FirstAttempt
	}
	if len(started) != 2 || firstAttempts[page[0].ID] != 13 || firstAttempts[page[1].ID] != 4 {
		t.Fatalf("deliveries sent again: %+v; want %s from attempt 13 and %s from attempt 4", started, page[0].ID, page[1].ID)
	}

	in.After, in.Recovered = page[1].At, 2
	e, started = run(in, page[:1])
	var res RecoveryResult
	if err := e.GetWorkflowResult(&res); err != nil || res.Recovered != 3 || len(started) != 1 {
		t.Fatalf("the last page: %+v, %v, %d started; want 3 recovered in all", res, err, len(started))
	}
}
