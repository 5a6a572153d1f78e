package workflows

import (
	"github.com/google/uuid"
	"go.temporal.io/sdk/workflow"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/failure"
)

// PasswordResetInput starts a password reset request.
type PasswordResetInput struct {
	RequestID     uuid.UUID
	PersonID      uuid.UUID
	ApplicationID *uuid.UUID
	Language      domain.Lang
	TTL           domain.Duration // how long the emailed token stays valid
}

// PasswordResetResult tells how the request ended.
type PasswordResetResult struct {
	Outcome string // USED or EXPIRED
}

// ChangePasswordRequest is the update that consumes the token.
type ChangePasswordRequest struct {
	PasswordHash string
}

// ChangePasswordResponse is empty; the update succeeding is the answer.
type ChangePasswordResponse struct{}

// Outcomes of a password reset request.
const (
	ResetOutcomeUsed    = "USED"
	ResetOutcomeExpired = "EXPIRED"
)

var act *activities.Activities

// PasswordResetWorkflow emails a one-time link, then waits for the new password or for the
// token's lifetime to end, whichever comes first.
func PasswordResetWorkflow(ctx workflow.Context, in PasswordResetInput) (PasswordResetResult, error) {
	ctx = withActivityDefaults(ctx)
	r := &passwordReset{in: in}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateChangePassword, r.changePassword,
		workflow.UpdateHandlerOptions{Validator: r.validateChange}); err != nil {
		return PasswordResetResult{}, err
	}

	err := workflow.ExecuteActivity(ctx, act.SendPasswordResetEmail, activities.SendPasswordResetEmailInput{
		RequestID: in.RequestID, PersonID: in.PersonID, ApplicationID: in.ApplicationID, Language: in.Language,
	}).Get(ctx, nil)
	if err != nil {
		if de := failure.FromTemporal(err); de != nil {
			// The person vanished or the request was superseded before the email went out.
			return PasswordResetResult{Outcome: ResetOutcomeExpired}, nil
		}
		return PasswordResetResult{}, err
	}

	used, err := workflow.AwaitWithTimeout(ctx, in.TTL.Std(), func() bool { return r.outcome != "" })
	if err != nil {
		return PasswordResetResult{}, err
	}
	if !used {
		r.closing = true // refuse updates that arrive from now on
		// Let a change already running finish before deciding the request expired.
		if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
			return PasswordResetResult{}, err
		}
		if r.outcome == "" {
			if err := workflow.ExecuteActivity(ctx, act.ExpirePasswordReset, activities.ExpirePasswordResetInput{RequestID: in.RequestID}).Get(ctx, nil); err != nil {
				return PasswordResetResult{}, err
			}
			r.outcome = ResetOutcomeExpired
		}
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return PasswordResetResult{}, err
	}
	return PasswordResetResult{Outcome: r.outcome}, nil
}

type passwordReset struct {
	in       PasswordResetInput
	outcome  string
	closing  bool
	changing bool
}

func (r *passwordReset) validateChange(_ workflow.Context, req ChangePasswordRequest) error {
	if r.outcome != "" || r.closing || r.changing {
		return failure.ToTemporal(domain.Invalid("token", domain.MsgResetTokenInvalid))
	}
	if req.PasswordHash == "" {
		return failure.ToTemporal(domain.Invalid("password", domain.MsgNotBlank))
	}
	return nil
}

func (r *passwordReset) changePassword(ctx workflow.Context, req ChangePasswordRequest) (ChangePasswordResponse, error) {
	ctx = withActivityDefaults(ctx) // handlers run on the root context, not the one they were registered with
	r.changing = true
	defer func() { r.changing = false }()
	err := workflow.ExecuteActivity(ctx, act.UsePasswordReset, activities.UsePasswordResetInput{
		RequestID: r.in.RequestID, PasswordHash: req.PasswordHash,
	}).Get(ctx, nil)
	if err != nil {
		return ChangePasswordResponse{}, err
	}
	r.outcome = ResetOutcomeUsed
	return ChangePasswordResponse{}, nil
}
