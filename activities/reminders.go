package activities

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

// SendOperationReminderInput names an overdue operation and which reminder this is.
type SendOperationReminderInput struct {
	OperationID uuid.UUID
	FeedbackID  uuid.UUID
	Number      int
}

// SendOperationReminder sends the "Operation remind" notification to the operators (the assigned
// member, or the organization's operators while nobody is assigned) and the feedback's reporter.
// Each reminder number is sent once per person, however often the activity is retried.
func (a *Activities) SendOperationReminder(ctx context.Context, in SendOperationReminderInput) error {
	op, err := a.Store.OperationByID(ctx, in.OperationID)
	if err != nil {
		return err
	}
	if op.Removed || op.State == domain.OperationResolved {
		return nil
	}
	var recipients []uuid.UUID
	if op.OperatorPersonID != nil {
		recipients = append(recipients, *op.OperatorPersonID)
	} else if recipients, err = a.Store.OperatorsOf(ctx, op.OrganizationID); err != nil {
		return err
	}
	if reporter, err := a.Store.FeedbackReporter(ctx, in.FeedbackID); err == nil {
		recipients = append(recipients, reporter)
	}
	a.Log.Info("operation reminder", "operation", op.ID, "number", in.Number, "recipients", len(recipients))
	return a.notifyByEmail(ctx, fmt.Sprintf("operation-remind/%s/%d", op.ID, in.Number), recipients, nil, "operation_remind", map[string]any{
		"Name": op.Name, "Number": in.Number, "OperationID": op.ID.String(),
	})
}
