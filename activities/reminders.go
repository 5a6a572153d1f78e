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

// SendOperationReminder sends the "Operation remind" notification (to the operators and the
// feedback's reporter). Each reminder number reaches each person once, however often the
// activity is retried.
func (a *Activities) SendOperationReminder(ctx context.Context, in SendOperationReminderInput) error {
	op, err := a.Store.OperationByID(ctx, in.OperationID)
	if err != nil {
		return err
	}
	if op.Removed || op.State == domain.OperationResolved {
		return nil
	}
	a.Log.Info("operation reminder", "operation", op.ID, "number", in.Number)
	return a.Notify(ctx, NotifyInput{Notice: domain.Notice{
		Action: domain.ActionOperationRemind, Key: fmt.Sprintf("operation-remind/%s/%d", op.ID, in.Number),
		OperationID: &op.ID, Number: in.Number,
	}})
}
