// Package worker wires the Temporal worker: one task queue, every workflow and activity.
package worker

import (
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/workflows"
)

// Register adds every workflow (under its stable name) and every activity to r.
func Register(r worker.Registry, acts *activities.Activities) {
	RegisterWorkflows(r)
	r.RegisterActivity(acts)
}

// RegisterWorkflows adds every workflow under its stable name (the replayer needs only these).
func RegisterWorkflows(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(workflows.PasswordResetWorkflow, workflow.RegisterOptions{Name: workflows.PasswordResetWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.FeedbackWorkflow, workflow.RegisterOptions{Name: workflows.FeedbackWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.ReportWorkflow, workflow.RegisterOptions{Name: workflows.ReportWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.OperationWorkflow, workflow.RegisterOptions{Name: workflows.OperationWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.WebhookDeliveryWorkflow, workflow.RegisterOptions{Name: workflows.WebhookDeliveryWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.WebhookRecoveryWorkflow, workflow.RegisterOptions{Name: workflows.WebhookRecoveryWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.NotificationWorkflow, workflow.RegisterOptions{Name: workflows.NotificationWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.ExportWorkflow, workflow.RegisterOptions{Name: workflows.ExportWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.ReviewRequestWorkflow, workflow.RegisterOptions{Name: workflows.ReviewRequestWorkflowName})
}

// New builds a worker polling taskQueue.
func New(c client.Client, taskQueue string, acts *activities.Activities) worker.Worker {
	w := worker.New(c, taskQueue, worker.Options{Interceptors: []interceptor.WorkerInterceptor{&badInput{}}})
	Register(w, acts)
	return w
}
