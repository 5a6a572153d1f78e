// Package workflows holds the Temporal workflows: each stateful resource's lifecycle is one
// workflow, which decides, and delegates every effect to an activity. No I/O, no wall clock.
package workflows

import "github.com/google/uuid"

// Workflow type names, registered explicitly so that renaming a Go function never orphans
// running executions.
const (
	PasswordResetWorkflowName = "PasswordReset"
)

// Update names.
const (
	UpdateChangePassword = "change-password"
)

// PasswordResetWorkflowID is the readable, unique id of a password reset request's workflow.
func PasswordResetWorkflowID(id uuid.UUID) string { return "password-reset/" + id.String() }
