package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// withActivityDefaults gives activities a bounded attempt time and unlimited retries with
// backoff: a database or provider outage delays the work, it never loses it. Rule violations
// come back as non-retryable errors and stop at once.
func withActivityDefaults(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
		},
	})
}

// withLocalActivityDefaults is for the short database calls run as local activities: they cost
// no extra workflow task, and are retried with backoff until the database answers.
func withLocalActivityDefaults(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		// Without it the SDK stops retrying once StartToCloseTimeout has passed: a database
		// outage of a few seconds would fail a feedback half-way.
		ScheduleToCloseTimeout: localActivityPatience,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    100 * time.Millisecond,
			BackoffCoefficient: 2,
			MaximumInterval:    30 * time.Second,
		},
	})
}

// localActivityPatience is how long a local activity is retried (a database outage) before the
// workflow gives up on it.
const localActivityPatience = 7 * 24 * time.Hour
