package api

import (
	"context"
	"errors"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/keyclic/keyclic/domain"
)

// update sends a Temporal Update to a resource's workflow and waits for its outcome. A rejected
// update (the validator said no) comes back as the domain error it carried, with nothing
// written; a workflow that has ended means the resource's lifecycle is over.
//
// The update id is fixed for the request, so when Temporal aborts the update (the worker that
// had it died) or is briefly unreachable, sending it again cannot apply it twice: Temporal
// answers a repeated id with the first outcome.
func (s *Server) update(c *gin.Context, workflowID, name string, arg, out any) error {
	id := uuid.NewString()
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
		h, err := s.temporal.UpdateWorkflow(c, client.UpdateWorkflowOptions{
			UpdateID:     id,
			WorkflowID:   workflowID,
			UpdateName:   name,
			Args:         []any{arg},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = h.Get(c, out)
		}
		var nf *serviceerror.NotFound
		if errors.As(err, &nf) {
			return domain.Conflict(domain.MsgLifecycleOver)
		}
		if !transient(err) || c.Request.Context().Err() != nil {
			return err
		}
		s.log.WarnContext(c, "retrying update", "workflow", workflowID, "update", name, "error", err)
		select {
		case <-c.Request.Context().Done():
			return err
		case <-time.After(wait):
		}
	}
}

// transient reports whether a Temporal call failed for a passing reason worth retrying.
func transient(err error) bool {
	if err == nil {
		return false
	}
	var aborted *serviceerror.Aborted
	var unavailable *serviceerror.Unavailable
	var exhausted *serviceerror.ResourceExhausted
	var timeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
	return errors.As(err, &aborted) || errors.As(err, &unavailable) || errors.As(err, &exhausted) ||
		(errors.As(err, &timeout) && !errors.Is(err, context.Canceled))
}
