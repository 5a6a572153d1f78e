package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/keyclic/keyclic/domain"
)

// NotificationInput is a notice of an action made through the API (a comment, a registration…),
// dispatched from the outbox.
type NotificationInput struct {
	Notice domain.Notice
}

// NotificationWorkflow sends one notice to everyone concerned; the activity is retried until
// every recipient has it, and no recipient gets it twice.
func NotificationWorkflow(ctx workflow.Context, in NotificationInput) error {
	return notify(ctx, in.Notice)
}
