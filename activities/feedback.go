package activities

import (
	"context"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/failure"
)

// The feedback activities are short database calls, run as local activities so that posting a
// feedback costs few workflow tasks.

// RecordFeedbackInput is a new feedback and its first checkpoints.
type RecordFeedbackInput struct {
	Feedback    domain.Feedback
	Checkpoints []domain.Checkpoint
}

// RecordFeedback stores the feedback; storing it again is a no-op.
func (a *Activities) RecordFeedback(ctx context.Context, in RecordFeedbackInput) error {
	return failure.ToTemporal(a.Store.InsertFeedback(ctx, in.Feedback, in.Checkpoints))
}

// RetryFeedbackInput names a FAILED feedback to match again.
type RetryFeedbackInput struct {
	FeedbackID uuid.UUID
	Checkpoint domain.Checkpoint // PENDING_MATCHING, now
}

// RetryFeedbackResult tells whether this run may process the feedback.
type RetryFeedbackResult struct {
	Started bool
	State   domain.State // the feedback's state when it could not start
}

// RetryFeedback moves a FAILED feedback back to PENDING_MATCHING, unless another run did already.
func (a *Activities) RetryFeedback(ctx context.Context, in RetryFeedbackInput) (RetryFeedbackResult, error) {
	state, started, err := a.Store.RetryFeedback(ctx, in.FeedbackID, in.Checkpoint)
	return RetryFeedbackResult{Started: started, State: state}, err
}

// FindCandidatesInput is what matching reads.
type FindCandidatesInput struct {
	ApplicationID uuid.UUID
	Point         domain.Point
	ReporterID    uuid.UUID
	CategoryID    *uuid.UUID
	ProMode       bool
}

// FindCandidatesResult is the data the workflow's matching decision uses.
type FindCandidatesResult struct {
	Candidates             []domain.Candidate
	AgentOrganizationID    *uuid.UUID
	CategoryOrganizationID *uuid.UUID
}

// FindCandidates runs the PostGIS point-in-polygon query and reads the reporter's agency.
func (a *Activities) FindCandidates(ctx context.Context, in FindCandidatesInput) (FindCandidatesResult, error) {
	var out FindCandidatesResult
	var err error
	if out.Candidates, err = a.Store.MatchCandidates(ctx, in.ApplicationID, in.Point); err != nil {
		return out, err
	}
	if in.ProMode {
		if out.AgentOrganizationID, err = a.Store.AgentOrganization(ctx, in.ApplicationID, in.ReporterID); err != nil {
			return out, err
		}
	}
	if in.CategoryID != nil {
		org, err := a.Store.CategoryOrganization(ctx, in.ApplicationID, *in.CategoryID)
		if err != nil {
			return out, failure.ToTemporal(err)
		}
		out.CategoryOrganizationID = &org
	}
	return out, nil
}

// SetFeedbackStateInput records a state the feedback reached.
type SetFeedbackStateInput struct {
	FeedbackID  uuid.UUID
	State       domain.State
	Checkpoints []domain.Checkpoint
}

// SetFeedbackState persists the feedback's state and checkpoints (idempotent).
func (a *Activities) SetFeedbackState(ctx context.Context, in SetFeedbackStateInput) error {
	return a.Store.SetFeedbackState(ctx, in.FeedbackID, in.State, in.Checkpoints)
}

// DispatchFeedbackInput creates the reports of a matched feedback.
type DispatchFeedbackInput struct {
	FeedbackID  uuid.UUID
	Reports     []domain.NewReport
	Checkpoints []domain.Checkpoint // SUCCEED, OUT_FOR_DELIVERY
}

// DispatchFeedback stores the reports and the feedback's OUT_FOR_DELIVERY state in one
// transaction; report ids are derived from (feedback, organization), so a retry adds nothing.
func (a *Activities) DispatchFeedback(ctx context.Context, in DispatchFeedbackInput) error {
	return a.Store.DeliverFeedback(ctx, in.FeedbackID, in.Reports, domain.FeedbackOutForDelivery, in.Checkpoints)
}
