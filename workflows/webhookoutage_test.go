package workflows

import (
	"context"
	"fmt"
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

// eventsDuringAnOutage starts one delivery per event, an event every "every", as the report
// workflow does for each change of one report, and waits until each has ended.
func eventsDuringAnOutage(ctx workflow.Context, deliveries []uuid.UUID, every time.Duration, schedule []domain.Duration) error {
	futures := make([]workflow.ChildWorkflowFuture, len(deliveries))
	for i, id := range deliveries {
		if i > 0 {
			if err := workflow.Sleep(ctx, every); err != nil {
				return err
			}
		}
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: WebhookDeliveryWorkflowID(id)})
		futures[i] = workflow.ExecuteChildWorkflow(cctx, WebhookDeliveryWorkflowName, DeliveryInput{
			DeliveryID: id, WebhookID: uuid.Nil, DeliveryRetry: domain.DeliveryRetry{Schedule: schedule, RetryAfterCap: domain.Duration(time.Hour), Jitter: 20}, FirstAttempt: 1,
		})
	}
	for i, f := range futures {
		var res DeliveryResult
		if err := f.Get(ctx, &res); err != nil {
			return err
		}
		if res.State != domain.DeliveryDelivered {
			return fmt.Errorf("delivery %d ended %s", i+1, res.State)
		}
	}
	return nil
}

// A consumer refuses everything for 48 hours while a report keeps changing (an event an hour),
// then comes back: every event arrives, each once; the deliveries come back spread, not all in
// the same second; and keeping the highest sequence it has seen, the consumer ends with the
// report's latest state, whatever order the retries brought them in.
func TestConsumerDownForTwoDaysGetsEveryEventOnceAndTheLatestState(t *testing.T) {
	schedule, _ := productionSchedule(t)
	const events, outage = 48, 48 * time.Hour
	var s testsuite.WorkflowTestSuite
	s.SetLogger(quietLogger())
	e := s.NewTestWorkflowEnvironment()
	e.RegisterWorkflowWithOptions(WebhookDeliveryWorkflow, workflow.RegisterOptions{Name: WebhookDeliveryWorkflowName})
	e.RegisterWorkflowWithOptions(eventsDuringAnOutage, workflow.RegisterOptions{Name: "EventsDuringAnOutage"})
	e.RegisterActivity(act)

	deliveries := make([]uuid.UUID, events)
	sequence := map[uuid.UUID]int{} // the sequence each delivery's payload carries
	for i := range deliveries {
		deliveries[i] = uuid.New()
		sequence[deliveries[i]] = i + 1
	}
	start := e.Now()
	var mu sync.Mutex
	received := map[uuid.UUID]int{}
	var arrivals []time.Time
	held, older, refused := 0, 0, 0
	e.OnActivity(act.AttemptDelivery, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.AttemptInput) (activities.AttemptOutput, error) {
			mu.Lock()
			defer mu.Unlock()
			now := e.Now()
			if now.Sub(start) < outage {
				refused++
				return activities.AttemptOutput{StatusCode: 503, Error: "503 Service Unavailable"}, nil
			}
			received[in.DeliveryID]++
			arrivals = append(arrivals, now)
			// The consumer applies a state only when it is newer than the one it holds.
			if n := sequence[in.DeliveryID]; n > held {
				held = n
			} else {
				older++
			}
			return activities.AttemptOutput{Delivered: true, StatusCode: 200}, nil
		})
	e.OnActivity(act.FailDelivery, mock.Anything, mock.Anything).Return(nil)

	e.ExecuteWorkflow("EventsDuringAnOutage", deliveries, time.Hour, domain.Durations(schedule))
	if !e.IsWorkflowCompleted() || e.GetWorkflowError() != nil {
		t.Fatalf("the deliveries did not all arrive: %v", e.GetWorkflowError())
	}
	if len(received) != events {
		t.Fatalf("%d of %d events arrived", len(received), events)
	}
	for id, n := range received {
		if n != 1 {
			t.Fatalf("event %d arrived %d times", sequence[id], n)
		}
	}
	if held != events {
		t.Fatalf("the consumer holds the state of event %d, want the latest, %d", held, events)
	}
	perSecond := map[time.Time]int{}
	busiest := 0
	for _, at := range arrivals {
		perSecond[at.Truncate(time.Second)]++
		busiest = max(busiest, perSecond[at.Truncate(time.Second)])
	}
	if busiest > events/4 {
		t.Fatalf("%d of %d deliveries came back in the same second", busiest, events)
	}
	t.Logf("%d attempts refused during the outage; after it, %d deliveries over %v, at most %d in one second, %d older than one already applied (dropped)",
		refused, len(arrivals), arrivals[len(arrivals)-1].Sub(arrivals[0]), busiest, older)
}
