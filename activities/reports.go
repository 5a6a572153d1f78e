package activities

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/failure"
)

// Report and operation activities are short database writes, run as local activities by the
// report and operation workflows. Each is idempotent (checkpoints keyed by workflow time, log
// entries by a key derived from the update id).

// SetReportStateInput moves a report.
type SetReportStateInput struct {
	ReportID   uuid.UUID
	From       domain.State
	Checkpoint domain.Checkpoint
	// DuplicateOf is the original of a report refused as its duplicate.
	DuplicateOf *uuid.UUID `json:",omitempty"`
}

// SetReportState persists a transition; a report found in another state is a conflict. A
// refusal as a duplicate records its original in the same transaction.
func (a *Activities) SetReportState(ctx context.Context, in SetReportStateInput) error {
	if in.DuplicateOf != nil && in.Checkpoint.State == domain.ReportRefused {
		return failure.ToTemporal(a.Store.RefuseAsDuplicate(ctx, in.ReportID, *in.DuplicateOf, in.From, in.Checkpoint))
	}
	return failure.ToTemporal(a.Store.SetReportState(ctx, in.ReportID, in.From, in.Checkpoint.State, in.Checkpoint))
}

// AcceptReportInput accepts a report.
type AcceptReportInput struct {
	ReportID   uuid.UUID
	Checkpoint domain.Checkpoint
}

// AcceptReportResult lists the feedback's other reports, withdrawn by this acceptance.
type AcceptReportResult struct {
	Withdrawn []uuid.UUID
}

// AcceptReport accepts the report if no other organization accepted the feedback first.
func (a *Activities) AcceptReport(ctx context.Context, in AcceptReportInput) (AcceptReportResult, error) {
	ids, err := a.Store.AcceptReport(ctx, in.ReportID, in.Checkpoint)
	return AcceptReportResult{Withdrawn: ids}, failure.ToTemporal(err)
}

// DelegateReportInput hands a report to another organization.
type DelegateReportInput struct {
	ReportID       uuid.UUID
	OrganizationID uuid.UUID
	ActorID        uuid.UUID
	At             time.Time
}

// DelegateReport appends the organization to the report's chain.
func (a *Activities) DelegateReport(ctx context.Context, in DelegateReportInput) error {
	return a.Store.DelegateReport(ctx, in.ReportID, in.OrganizationID, in.ActorID, in.At)
}

// EditReportInput changes a report's fields.
type EditReportInput struct {
	ReportID uuid.UUID
	Patch    domain.ReportPatch
	At       time.Time
}

// EditReport applies the changes.
func (a *Activities) EditReport(ctx context.Context, in EditReportInput) error {
	return a.Store.PatchReport(ctx, in.ReportID, in.Patch, in.At)
}

// CreateOperationInput is a new operation and its first log entry.
type CreateOperationInput struct {
	Operation domain.Operation
	Log       domain.LogEntry
}

// CreateOperation stores the operation (idempotent).
func (a *Activities) CreateOperation(ctx context.Context, in CreateOperationInput) error {
	return a.Store.InsertOperation(ctx, in.Operation, in.Log)
}

// ChangeOperationInput is a state change or an assignment.
type ChangeOperationInput struct {
	OperationID uuid.UUID
	Change      domain.OperationChange
}

// ChangeOperation persists the change with its checkpoint and log entry.
func (a *Activities) ChangeOperation(ctx context.Context, in ChangeOperationInput) error {
	return failure.ToTemporal(a.Store.ChangeOperation(ctx, in.OperationID, in.Change))
}

// PatchOperationInput changes an operation's fields.
type PatchOperationInput struct {
	OperationID uuid.UUID
	Patch       domain.OperationPatch
	Log         domain.LogEntry
}

// PatchOperation persists the changes and their log entry.
func (a *Activities) PatchOperation(ctx context.Context, in PatchOperationInput) error {
	return a.Store.PatchOperation(ctx, in.OperationID, in.Patch, in.Log)
}

// RemoveOperationInput removes an operation.
type RemoveOperationInput struct {
	OperationID uuid.UUID
	Log         domain.LogEntry
}

// RemoveOperation marks the operation removed.
func (a *Activities) RemoveOperation(ctx context.Context, in RemoveOperationInput) error {
	return a.Store.RemoveOperation(ctx, in.OperationID, in.Log)
}
