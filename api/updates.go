package api

import (
	"errors"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/keyclic/keyclic/domain"
)

// update sends a Temporal Update to a resource's workflow and waits for its outcome. A rejected
// update (the validator said no) comes back as the domain error it carried, with nothing
// written; a workflow that has ended means the resource's lifecycle is over.
func (s *Server) update(c *gin.Context, workflowID, name string, arg, out any) error {
	h, err := s.temporal.UpdateWorkflow(c, client.UpdateWorkflowOptions{
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
	return err
}
