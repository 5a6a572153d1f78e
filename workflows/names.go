// Package workflows holds the Temporal workflows: each stateful resource's lifecycle is one
// workflow, which decides, and delegates every effect to an activity. No I/O, no wall clock.
package workflows

import "github.com/google/uuid"

// Workflow type names, registered explicitly so that renaming a Go function never orphans
// running executions.
const (
	PasswordResetWorkflowName   = "PasswordReset"
	FeedbackWorkflowName        = "Feedback"
	ReportWorkflowName          = "Report"
	OperationWorkflowName       = "Operation"
	WebhookDeliveryWorkflowName = "WebhookDelivery"
	WebhookRecoveryWorkflowName = "WebhookRecovery"
	NotificationWorkflowName    = "Notification"
)

// Update names.
const (
	UpdateChangePassword = "change-password"
	// UpdateProcessFeedback waits for the feedback's matching to end; sent with the start
	// (update-with-start) so that POST /feedbacks/issues can answer 201 or 409.
	UpdateProcessFeedback = "process"

	UpdateReportTransition = "transition"
	UpdateReportDelegate   = "delegate"
	UpdateReportEdit       = "edit"
	UpdateReportAddOp      = "add-operation"

	UpdateOperationAssign     = "assign"
	UpdateOperationTransition = "transition"
	UpdateOperationEdit       = "edit"
	UpdateOperationRemove     = "remove"
)

// Signal names.
const (
	// SignalOperationChanged tells a report workflow that one of its operations changed state.
	SignalOperationChanged = "operation-changed"
	// SignalWithdraw tells a report workflow that another organization accepted its feedback.
	SignalWithdraw = "withdraw"
	// SignalRedeliver asks a webhook delivery to try again now.
	SignalRedeliver = "redeliver"
	// SignalReportEnded tells an open operation that its report was refused or withdrawn.
	SignalReportEnded = "report-ended"
)

// PasswordResetWorkflowID is the readable, unique id of a password reset request's workflow.
func PasswordResetWorkflowID(id uuid.UUID) string { return "password-reset/" + id.String() }

// FeedbackWorkflowID is the workflow id of a feedback's lifecycle.
func FeedbackWorkflowID(id uuid.UUID) string { return "feedback/" + id.String() }

// ReportWorkflowID is the workflow id of a report's lifecycle.
func ReportWorkflowID(id uuid.UUID) string { return "report/" + id.String() }

// OperationWorkflowID is the workflow id of an operation's lifecycle.
func OperationWorkflowID(id uuid.UUID) string { return "operation/" + id.String() }

// WebhookDeliveryWorkflowID is the workflow id of one webhook delivery.
func WebhookDeliveryWorkflowID(id uuid.UUID) string { return "webhook-delivery/" + id.String() }

// WebhookRecoveryWorkflowID is the workflow id of the recovery of a webhook's deliveries: one
// at a time per webhook.
func WebhookRecoveryWorkflowID(webhook uuid.UUID) string {
	return "webhook-recovery/" + webhook.String()
}

// NotificationWorkflowID is the workflow id of a notice dispatched from the outbox.
func NotificationWorkflowID(outboxID uuid.UUID) string { return "notification/" + outboxID.String() }
