package testkit

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
)

// WorkflowIDsOfType lists the ids of the stack's closed workflows of a type, as the Temporal UI's
// list would show them (visibility is eventually consistent: it waits for at least one).
func (s *Stack) WorkflowIDsOfType(t testing.TB, workflowType string) []string {
	t.Helper()
	var ids []string
	Eventually(30*time.Second, func() bool {
		resp, err := s.App.Temporal.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Query: "WorkflowType = '" + workflowType + "' AND ExecutionStatus = 'Completed'",
		})
		if err != nil {
			t.Fatalf("list workflows: %v", err)
		}
		ids = ids[:0]
		for _, e := range resp.GetExecutions() {
			ids = append(ids, e.GetExecution().GetWorkflowId())
		}
		return len(ids) > 0
	})
	return ids
}
