package workflows

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/config"
	"github.com/keyclic/keyclic/domain"
)

// deliveryEnv runs the delivery workflow with time skipping; each attempt is answered by the
// next of answers (a failure once they are used up) and recorded with the test clock's time.
type deliveryEnv struct {
	*testsuite.TestWorkflowEnvironment
	start    time.Time
	attempts []time.Time
	numbers  []int
	failed   int
	// attemptTakes is how long each attempt runs on the test clock.
	attemptTakes time.Duration
}

func newDeliveryEnv(t *testing.T, answers ...activities.AttemptOutput) *deliveryEnv {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(quietLogger())
	e := &deliveryEnv{TestWorkflowEnvironment: s.NewTestWorkflowEnvironment()}
	e.RegisterWorkflowWithOptions(WebhookDeliveryWorkflow, workflow.RegisterOptions{Name: WebhookDeliveryWorkflowName})
	e.RegisterActivity(act)
	e.OnActivity(act.AttemptDelivery, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.AttemptInput) (activities.AttemptOutput, error) {
			e.attempts = append(e.attempts, e.Now())
			e.numbers = append(e.numbers, in.Number)
			if i := len(e.attempts) - 1; i < len(answers) {
				return answers[i], nil
			}
			return activities.AttemptOutput{StatusCode: 500, Error: "500 Internal Server Error"}, nil
		}).AfterFn(func() time.Duration { return e.attemptTakes })
	e.OnActivity(act.FailDelivery, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.FailDeliveryInput) error { e.failed++; return nil })
	e.start = e.Now()
	return e
}

// productionSchedule is the default WEBHOOK_RETRY_SCHEDULE (5s, 5m, 30m, 2h, …) and cap.
func productionSchedule(t *testing.T) ([]time.Duration, time.Duration) {
	t.Setenv("WEBHOOK_RETRY_SCHEDULE", "")
	t.Setenv("WEBHOOK_RETRY_AFTER_CAP", "")
	cfg, err := config.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.WebhookSchedule) < 4 || cfg.WebhookSchedule[0] != 5*time.Second || cfg.WebhookSchedule[1] != 5*time.Minute ||
		cfg.WebhookSchedule[2] != 30*time.Minute || cfg.WebhookSchedule[3] != 2*time.Hour {
		t.Fatalf("default schedule %v: want 5s, 5m, 30m, 2h, …", cfg.WebhookSchedule)
	}
	return cfg.WebhookSchedule, cfg.WebhookRetryAfterCap
}

func (e *deliveryEnv) run(t *testing.T, in DeliveryInput) DeliveryResult {
	t.Helper()
	e.ExecuteWorkflow(WebhookDeliveryWorkflowName, in)
	if !e.IsWorkflowCompleted() {
		t.Fatal("delivery workflow did not complete")
	}
	if err := e.GetWorkflowError(); err != nil {
		t.Fatalf("delivery workflow: %v", err)
	}
	var res DeliveryResult
	if err := e.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	return res
}

// expectAttemptsAt checks the attempts happened at these offsets from the start, numbered from first.
func (e *deliveryEnv) expectAttemptsAt(t *testing.T, first int, offsets ...time.Duration) {
	t.Helper()
	if len(e.attempts) != len(offsets) {
		t.Fatalf("%d attempts at %v, want %d at %v", len(e.attempts), e.offsets(), len(offsets), offsets)
	}
	for i, at := range e.attempts {
		if got := at.Sub(e.start); got != offsets[i] {
			t.Errorf("attempt %d at %v, want %v (all: %v)", i+1, got, offsets[i], e.offsets())
		}
		if e.numbers[i] != first+i {
			t.Errorf("attempt %d numbered %d, want %d", i+1, e.numbers[i], first+i)
		}
	}
}

func (e *deliveryEnv) offsets() []time.Duration {
	out := make([]time.Duration, len(e.attempts))
	for i, at := range e.attempts {
		out[i] = at.Sub(e.start)
	}
	return out
}

func deliveryInput(schedule []time.Duration, cap time.Duration) DeliveryInput {
	return DeliveryInput{DeliveryID: uuid.New(), WebhookID: uuid.New(), DeliveryRetry: domain.NewDeliveryRetry(schedule, cap, 0), FirstAttempt: 1}
}

// cumulative lists 0 then the running sums of the waits: when each attempt falls due.
func cumulative(waits []time.Duration) []time.Duration {
	out := []time.Duration{0}
	var sum time.Duration
	for _, w := range waits {
		sum += w
		out = append(out, sum)
	}
	return out
}

// A consumer that never answers 2xx is tried once, then after each wait of the schedule; after
// the last the delivery fails (about three days in all).
func TestDeliveryFollowsScheduleThenFails(t *testing.T) {
	schedule, cap := productionSchedule(t)
	e := newDeliveryEnv(t)
	res := e.run(t, deliveryInput(schedule, cap))
	e.expectAttemptsAt(t, 1, cumulative(schedule)...)
	if res.State != domain.DeliveryFailed || res.Attempts != len(schedule)+1 || e.failed != 1 {
		t.Fatalf("result %+v, FailDelivery called %d times; want FAILED after %d attempts, once", res, e.failed, len(schedule)+1)
	}
	if total := e.attempts[len(e.attempts)-1].Sub(e.start); total < 72*time.Hour || total > 96*time.Hour {
		t.Errorf("last attempt after %v: want about three days", total)
	}
	e.AssertExpectations(t)
}

// The first 2xx ends the delivery: no further attempt, not failed.
func TestDeliveryStopsAtFirstSuccess(t *testing.T) {
	schedule, cap := productionSchedule(t)
	fail := activities.AttemptOutput{StatusCode: 503, Error: "503 Service Unavailable"}
	e := newDeliveryEnv(t, fail, activities.AttemptOutput{Error: "dial tcp: connection refused"}, fail, activities.AttemptOutput{Delivered: true, StatusCode: 204})
	res := e.run(t, deliveryInput(schedule, cap))
	e.expectAttemptsAt(t, 1, cumulative(schedule[:3])...)
	if res.State != domain.DeliveryDelivered || res.Attempts != 4 || e.failed != 0 {
		t.Fatalf("result %+v, failed %d", res, e.failed)
	}
}

// Retry-After longer than the next wait is honoured, up to the cap; shorter, the schedule wins.
func TestDeliveryHonoursRetryAfterUpToTheCap(t *testing.T) {
	schedule, cap := productionSchedule(t)
	if cap != time.Hour {
		t.Fatalf("default Retry-After cap %v, want 1h", cap)
	}
	e := newDeliveryEnv(t,
		activities.AttemptOutput{StatusCode: 429, RetryAfter: domain.Duration(2 * time.Minute)},  // > 5s: waits 2m
		activities.AttemptOutput{StatusCode: 503, RetryAfter: domain.Duration(3 * time.Hour)},    // > 5m, capped: waits 1h
		activities.AttemptOutput{StatusCode: 429, RetryAfter: domain.Duration(10 * time.Second)}, // < 30m: waits 30m
		activities.AttemptOutput{StatusCode: 503, RetryAfter: domain.Duration(90 * time.Minute)}, // < 2h: waits 2h
		activities.AttemptOutput{Delivered: true, StatusCode: 200},
	)
	res := e.run(t, deliveryInput(schedule, cap))
	waits := []time.Duration{2 * time.Minute, time.Hour, 30 * time.Minute, 2 * time.Hour}
	e.expectAttemptsAt(t, 1, cumulative(waits)...)
	if res.State != domain.DeliveryDelivered || res.Attempts != 5 {
		t.Fatalf("result %+v", res)
	}
}

// A Retry-After never makes a delivery outlive its schedule: it fails after the last wait.
func TestDeliveryRetryAfterOnLastAttemptStillFails(t *testing.T) {
	schedule := []time.Duration{time.Second, time.Second}
	answers := []activities.AttemptOutput{{StatusCode: 429, RetryAfter: domain.Duration(10 * time.Minute)}, {StatusCode: 429, RetryAfter: domain.Duration(10 * time.Minute)}, {StatusCode: 429, RetryAfter: domain.Duration(10 * time.Minute)}}
	e := newDeliveryEnv(t, answers...)
	res := e.run(t, deliveryInput(schedule, 5*time.Minute))
	e.expectAttemptsAt(t, 1, 0, 5*time.Minute, 10*time.Minute)
	if res.State != domain.DeliveryFailed || res.Attempts != 3 || e.failed != 1 {
		t.Fatalf("result %+v, failed %d", res, e.failed)
	}
}

// 410 Gone (or a webhook disabled or deleted meanwhile): the delivery stops at once.
func TestDeliveryStopsWhenTheEndpointIsGone(t *testing.T) {
	schedule, cap := productionSchedule(t)
	e := newDeliveryEnv(t, activities.AttemptOutput{StatusCode: 500}, activities.AttemptOutput{StatusCode: 410, Stop: true})
	res := e.run(t, deliveryInput(schedule, cap))
	e.expectAttemptsAt(t, 1, 0, schedule[0])
	if res.State != domain.DeliveryFailed || res.Attempts != 2 || e.failed != 1 {
		t.Fatalf("result %+v, failed %d", res, e.failed)
	}
}

// A redeliver signal skips the wait in progress: the next attempt is made at once, and the
// schedule goes on from there.
func TestDeliveryRedeliverSignalSkipsTheWait(t *testing.T) {
	schedule, cap := productionSchedule(t)
	e := newDeliveryEnv(t,
		activities.AttemptOutput{StatusCode: 500},
		activities.AttemptOutput{StatusCode: 500},
		activities.AttemptOutput{StatusCode: 500},
		activities.AttemptOutput{Delivered: true, StatusCode: 200},
	)
	// Attempt 2 at 5s; during the 5 minutes' wait that follows, a redelivery at 1m.
	e.RegisterDelayedCallback(func() { e.SignalWorkflow(SignalRedeliver, nil) }, time.Minute)
	res := e.run(t, deliveryInput(schedule, cap))
	// Attempt 3 at 1m (instead of 5m5s), then attempt 4 after the next wait of the schedule (30m).
	e.expectAttemptsAt(t, 1, 0, 5*time.Second, time.Minute, time.Minute+30*time.Minute)
	if res.State != domain.DeliveryDelivered || res.Attempts != 4 {
		t.Fatalf("result %+v", res)
	}
}

// A redelivery asked for while the last attempt runs (the API reopened the delivery) gets an
// attempt of its own, whether that attempt succeeds or ends the delivery as failed (the endpoint
// is gone): the promise of its 202 is kept.
func TestDeliveryRedeliveredDuringTheLastAttemptTriesAgain(t *testing.T) {
	schedule, cap := productionSchedule(t)
	for name, last := range map[string]activities.AttemptOutput{
		"delivered": {Delivered: true, StatusCode: 200},
		"gone":      {Stop: true, StatusCode: 410},
	} {
		t.Run(name, func(t *testing.T) {
			e := newDeliveryEnv(t, last, activities.AttemptOutput{Delivered: true, StatusCode: 200})
			e.attemptTakes = time.Minute
			e.RegisterDelayedCallback(func() { e.SignalWorkflow(SignalRedeliver, nil) }, 30*time.Second)
			res := e.run(t, deliveryInput(schedule, cap))
			if res.State != domain.DeliveryDelivered || res.Attempts != 2 || len(e.attempts) != 2 || e.failed != 0 {
				t.Fatalf("result %+v after %d attempts, %d failures recorded: want a second, delivering attempt", res, len(e.attempts), e.failed)
			}
		})
	}
}

// A redelivery of a finished delivery is a new run whose attempts are numbered on.
func TestDeliveryRedeliveryNumbersAttemptsOn(t *testing.T) {
	schedule, cap := productionSchedule(t)
	e := newDeliveryEnv(t, activities.AttemptOutput{StatusCode: 500}, activities.AttemptOutput{Delivered: true, StatusCode: 200})
	in := deliveryInput(schedule, cap)
	in.FirstAttempt = len(schedule) + 2
	res := e.run(t, in)
	e.expectAttemptsAt(t, len(schedule)+2, 0, schedule[0])
	if res.State != domain.DeliveryDelivered || res.Attempts != len(schedule)+3 {
		t.Fatalf("result %+v", res)
	}
}

// An event survives a database outage longer than a local activity's own retries: it is
// prepared once the database answers, and its delivery starts.
func TestEventPublishedAfterALongDatabaseOutage(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(quietLogger())
	e := s.NewTestWorkflowEnvironment()
	e.RegisterWorkflowWithOptions(ReportWorkflow, workflow.RegisterOptions{Name: ReportWorkflowName})
	withoutServiceLevels(e)
	e.RegisterWorkflowWithOptions(WebhookDeliveryWorkflow, workflow.RegisterOptions{Name: WebhookDeliveryWorkflowName})
	e.RegisterActivity(act)
	e.OnActivity(act.SetReportState, mock.Anything, mock.Anything).Return(nil)
	e.OnActivity(act.Notify, mock.Anything, mock.Anything).Return(nil)
	start := e.Now()
	delivery := uuid.New()
	calls := 0
	e.OnActivity(act.PrepareEvent, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.EventInput) (activities.PreparedEvent, error) {
			calls++
			if in.Event != domain.EventReportStateChanged {
				return activities.PreparedEvent{}, nil
			}
			if e.Now().Sub(start) < 10*time.Minute {
				return activities.PreparedEvent{}, errors.New("database unavailable")
			}
			return activities.PreparedEvent{Deliveries: []uuid.UUID{delivery}, WebhookIDs: []uuid.UUID{uuid.New()}, DeliveryRetry: domain.DeliveryRetry{Schedule: []domain.Duration{domain.Duration(time.Second)}}}, nil
		})
	var started []DeliveryInput
	e.OnWorkflow(WebhookDeliveryWorkflowName, mock.Anything, mock.Anything).Return(
		func(_ workflow.Context, in DeliveryInput) (DeliveryResult, error) {
			started = append(started, in)
			return DeliveryResult{State: domain.DeliveryDelivered, Attempts: 1}, nil
		})
	refuse := sendUpdate(e, time.Minute, UpdateReportTransition, transition("refuse"))
	e.ExecuteWorkflow(ReportWorkflowName, reportInput(domain.ReportNew))
	if refuse.rejected != nil || refuse.failed != nil || !e.IsWorkflowCompleted() {
		t.Fatalf("refuse: %v %v; completed %v", refuse.rejected, refuse.failed, e.IsWorkflowCompleted())
	}
	if err := e.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if len(started) != 1 || started[0].DeliveryID != delivery {
		t.Fatalf("deliveries started: %+v (PrepareEvent called %d times); want the one of the event", started, calls)
	}
}

// Giving up survives a database outage too (two minutes, far longer than a local activity's
// retries; the test environment caps retries at ten): the delivery is marked FAILED once the
// database answers, rather than the workflow failing and the delivery staying PENDING for ever.
func TestDeliveryMarkedFailedAfterADatabaseOutage(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(quietLogger())
	e := s.NewTestWorkflowEnvironment()
	e.RegisterWorkflowWithOptions(WebhookDeliveryWorkflow, workflow.RegisterOptions{Name: WebhookDeliveryWorkflowName})
	e.RegisterActivity(act)
	start := e.Now()
	e.OnActivity(act.AttemptDelivery, mock.Anything, mock.Anything).Return(activities.AttemptOutput{StatusCode: 500}, nil)
	var failedAt []time.Duration
	e.OnActivity(act.FailDelivery, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.FailDeliveryInput) error {
			failedAt = append(failedAt, e.Now().Sub(start))
			if e.Now().Sub(start) < 2*time.Minute {
				return errors.New("database unavailable")
			}
			return nil
		})
	e.ExecuteWorkflow(WebhookDeliveryWorkflowName, deliveryInput([]time.Duration{time.Second}, time.Minute))
	if !e.IsWorkflowCompleted() || e.GetWorkflowError() != nil {
		t.Fatalf("delivery workflow: completed %v, error %v; FailDelivery at %v", e.IsWorkflowCompleted(), e.GetWorkflowError(), failedAt)
	}
	var res DeliveryResult
	if err := e.GetWorkflowResult(&res); err != nil || res.State != domain.DeliveryFailed {
		t.Fatalf("result %+v, %v", res, err)
	}
	if last := failedAt[len(failedAt)-1]; last < 2*time.Minute {
		t.Fatalf("FailDelivery calls at %v: the last did not succeed", failedAt)
	}
}

// An event's payload is rendered at its change: not later, when the publisher has sent what was
// queued before it (here a slow notice) and a following change has been stored meanwhile.
func TestEventRenderedAtItsChange(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(quietLogger())
	e := s.NewTestWorkflowEnvironment()
	e.RegisterWorkflowWithOptions(ReportWorkflow, workflow.RegisterOptions{Name: ReportWorkflowName})
	withoutServiceLevels(e)
	e.RegisterWorkflowWithOptions(ReviewRequestWorkflow, workflow.RegisterOptions{Name: ReviewRequestWorkflowName})
	e.RegisterActivity(act)
	// The closed report's review request is not under test here.
	e.OnWorkflow(ReviewRequestWorkflowName, mock.Anything, mock.Anything).Return(ReviewRequestResult{}, nil)
	stored := domain.ReportNew // what the database holds
	e.OnActivity(act.SetReportState, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.SetReportStateInput) error {
			stored = in.Checkpoint.State
			return nil
		})
	e.OnActivity(act.AcceptReport, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.AcceptReportInput) (activities.AcceptReportResult, error) {
			stored = in.Checkpoint.State
			return activities.AcceptReportResult{}, nil
		})
	rendered := map[string]domain.State{} // event key → the state its payload shows
	var order []string
	e.OnActivity(act.PrepareEvent, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.EventInput) (activities.PreparedEvent, error) {
			rendered[in.Key] = stored
			order = append(order, in.Key)
			return activities.PreparedEvent{}, nil
		})
	// Notices take a while to send.
	e.OnActivity(act.Notify, mock.Anything, mock.Anything).Return(nil).After(20 * time.Second)
	var updates []*result
	for i, tr := range []string{"accept", "hold", "progress", "close"} {
		updates = append(updates, sendUpdate(e, time.Minute+time.Duration(i)*time.Second, UpdateReportTransition, transition(tr)))
	}
	e.ExecuteWorkflow(ReportWorkflowName, reportInput(domain.ReportNew))
	for i, u := range updates {
		if u.rejected != nil || u.failed != nil || !u.done {
			t.Errorf("update %d: rejected %v, failed %v, done %v", i, u.rejected, u.failed, u.done)
		}
	}
	if !e.IsWorkflowCompleted() || e.GetWorkflowError() != nil {
		t.Fatalf("report workflow: completed %v, %v", e.IsWorkflowCompleted(), e.GetWorkflowError())
	}
	var got []domain.State
	for _, k := range order {
		got = append(got, rendered[k])
	}
	want := []domain.State{domain.ReportNew, domain.ReportAccepted, domain.ReportOnHold, domain.ReportInProgress, domain.ReportClosed}
	if !slices.Equal(got, want) {
		t.Fatalf("states rendered, in order: %v, want %v", got, want)
	}
}

// With the default jitter, each wait of the production schedule spreads within ±20% of it, and
// a Retry-After longer than the spread wait is still honoured as asked.
func TestDeliveryWaitsSpreadButHonourRetryAfter(t *testing.T) {
	schedule, cap := productionSchedule(t)
	e := newDeliveryEnv(t, activities.AttemptOutput{StatusCode: 503}, activities.AttemptOutput{StatusCode: 429, RetryAfter: domain.Duration(59 * time.Minute)})
	in := deliveryInput(schedule, cap)
	in.Jitter = 20
	e.run(t, in)
	offsets := e.offsets()
	if len(offsets) != len(schedule)+1 {
		t.Fatalf("%d attempts, want %d", len(offsets), len(schedule)+1)
	}
	exact := 0
	for i := 1; i < len(offsets); i++ {
		wait, planned := offsets[i]-offsets[i-1], schedule[i-1]
		if i == 2 {
			planned = 59 * time.Minute // the consumer's Retry-After, longer than 30m ± 20%
			if wait != planned {
				t.Fatalf("wait %d: %v, want the Retry-After of %v", i, wait, planned)
			}
			continue
		}
		if wait < planned*8/10 || wait > planned*12/10 {
			t.Fatalf("wait %d: %v, outside %v ± 20%%", i, wait, planned)
		}
		if wait == planned {
			exact++
		}
	}
	if exact > 1 {
		t.Fatalf("%d of %d waits fell exactly on the schedule: no spread (%v)", exact, len(schedule), offsets)
	}
}
