package worker

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/keyclic/keyclic/store"
	"github.com/keyclic/keyclic/workflows"
)

// Dispatcher starts the workflows of notices written to the outbox by API transactions. It
// wakes on Postgres NOTIFY, and polls every few seconds in case one was missed; several
// dispatchers (one per worker process) share the rows without starting anything twice.
type Dispatcher struct {
	Store     *store.Store
	Temporal  client.Client
	TaskQueue string
	Log       *slog.Logger
}

const outboxBatch = 100

// Run dispatches until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) {
	for ctx.Err() == nil {
		if err := d.listen(ctx); err != nil && ctx.Err() == nil {
			d.Log.Warn("outbox dispatcher restarting", "error", err)
			sleep(ctx, time.Second)
		}
	}
}

func (d *Dispatcher) listen(ctx context.Context) error {
	conn, err := d.Store.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN keyclic_outbox"); err != nil {
		return err
	}
	for ctx.Err() == nil {
		n, err := d.Store.DispatchOutbox(ctx, outboxBatch, func(it store.OutboxItem) error { return d.start(ctx, it) })
		if err != nil {
			return err
		}
		if n == outboxBatch {
			continue // more are waiting
		}
		wait, cancel := context.WithTimeout(ctx, 3*time.Second)
		_, err = conn.Conn().WaitForNotification(wait)
		cancel()
		if err != nil && !errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return err
		}
	}
	return nil
}

// start starts the notice's workflow; one already started (or finished) for it is success.
func (d *Dispatcher) start(ctx context.Context, it store.OutboxItem) error {
	_, err := d.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.NotificationWorkflowID(it.ID),
		TaskQueue:                d.TaskQueue,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		StaticSummary:            "Notification " + it.Notice.Action,
	}, workflows.NotificationWorkflowName, workflows.NotificationInput{Notice: it.Notice})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return nil
	}
	return err
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
