package api

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/keyclic/keyclic/store"
)

// unavailableRetryAfter is how long a client is told to wait when a dependency is away: about
// what a Postgres restart, a Temporal frontend restart or a worker's replacement takes.
const unavailableRetryAfter = 5 * time.Second

// dependencyAway reports whether err says that Postgres or Temporal was away, too busy, or did
// not finish in time: a request failing so is answered 503 with Retry-After, never 500. Its
// changes are each atomic (a transaction, a Temporal update), and a retry with the same
// Idempotency-Key finds what it may have done.
func dependencyAway(err error) bool {
	return store.IsUnavailable(err) || temporalAway(err) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// Types of the failures the Temporal server gives an update it could not apply: the worker
// completed its workflow task without the update (a worker replaced mid-task), or the workflow
// closed or continued as new after accepting it.
const (
	updateUnprocessed       = "UnprocessedUpdate"
	updateWorkflowCompleted = "AcceptedUpdateCompletedWorkflow"
)

// temporalAway reports whether err says the Temporal server could not be reached or could not
// serve the call now: unreachable or restarting (Unavailable, including "workflow update was
// aborted"), too busy (ResourceExhausted), out of time (DeadlineExceeded, an update's long poll
// that timed out), a workflow task that failed or was lost (WorkflowNotReady, Aborted, an
// unprocessed update), or an internal error of the server.
func temporalAway(err error) bool {
	var (
		unavailable   *serviceerror.Unavailable
		deadline      *serviceerror.DeadlineExceeded
		exhausted     *serviceerror.ResourceExhausted
		aborted       *serviceerror.Aborted
		notReady      *serviceerror.WorkflowNotReady
		internal      *serviceerror.Internal
		canceled      *serviceerror.Canceled
		nsUnavailable *serviceerror.NamespaceUnavailable
		updateTimeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
		app           *temporal.ApplicationError
	)
	switch {
	case errors.As(err, &unavailable), errors.As(err, &deadline), errors.As(err, &exhausted), errors.As(err, &aborted),
		errors.As(err, &notReady), errors.As(err, &internal), errors.As(err, &canceled), errors.As(err, &nsUnavailable),
		errors.As(err, &updateTimeout):
		return true
	case errors.As(err, &app):
		return app.Type() == updateUnprocessed || app.Type() == updateWorkflowCompleted
	}
	// A gRPC status the SDK did not convert (a failed dial).
	if st, ok := status.FromError(err); ok && err != nil {
		switch st.Code() {
		case codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted, codes.Aborted, codes.Canceled:
			return true
		}
	}
	return false
}
