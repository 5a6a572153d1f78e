package api

import (
	"context"
	"errors"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/keyclic/keyclic/domain"
)

// update sends a Temporal Update to a resource's workflow and waits for its outcome. A rejected
// update (the validator said no) comes back as the domain error it carried, with nothing
// written; a workflow that has ended means the resource's lifecycle is over.
//
// The update id is fixed for the request, and derived from its Idempotency-Key when it has one,
// so when Temporal aborts the update (the worker that had it died) or is briefly unreachable, or
// the client sends the request again after its API died, sending it again cannot apply it twice:
// Temporal answers a repeated id with the first outcome.
func (s *Server) update(c *gin.Context, workflowID, name string, arg, out any) error {
	id := updateID(c, workflowID, name)
	err := s.resend(c, workflowID, name, func() error {
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
		return err
	})
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		// A request resumed after its API died may find the workflow ended by its own update
		// (a report closed): that update's outcome is the answer.
		if resumed(c) && s.updateOutcome(c, workflowID, id, out) == nil {
			return nil
		}
		return domain.Conflict(domain.MsgLifecycleOver)
	}
	return err
}

// updateID names the update a request sends to a workflow.
func updateID(c *gin.Context, workflowID, name string) string {
	return newID(c, "update "+workflowID+" "+name).String()
}

// earlierOutcome reads into out the outcome of the update named name that an earlier attempt of
// this request (resumed after its API died) sent to the workflow, and reports whether it had
// one. Handlers whose checks the update itself changes (a delegation moves the report) ask it
// first, so that the answer is that update's, not a refusal of doing it again.
func (s *Server) earlierOutcome(c *gin.Context, workflowID, name string, out any) bool {
	return resumed(c) && s.updateOutcome(c, workflowID, updateID(c, workflowID, name), out) == nil
}

// updateOutcome reads the outcome of an update sent earlier, if Temporal knows it.
func (s *Server) updateOutcome(c *gin.Context, workflowID, id string, out any) error {
	return s.temporal.GetWorkflowUpdateHandle(client.GetWorkflowUpdateHandleOptions{WorkflowID: workflowID, UpdateID: id}).Get(c, out)
}

// resend runs call, a Temporal call of the request, again while it fails for a passing reason
// (see transient) and the request has time left. call must be safe to repeat: its ids are fixed.
func (s *Server) resend(c *gin.Context, workflowID, name string, call func() error) error {
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
		err := call()
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
	var notReady *serviceerror.WorkflowNotReady
	var timeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
	var app *temporal.ApplicationError
	return errors.As(err, &aborted) || errors.As(err, &unavailable) || errors.As(err, &exhausted) || errors.As(err, &notReady) ||
		(errors.As(err, &timeout) && !errors.Is(err, context.Canceled)) ||
		// Rejected by the server without reaching the workflow: the same id may be sent again.
		(errors.As(err, &app) && app.Type() == updateUnprocessed)
}
