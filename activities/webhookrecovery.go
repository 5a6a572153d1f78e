package activities

import (
	"context"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

// RecoverPageInput asks for the next deliveries of a webhook to send again.
type RecoverPageInput struct {
	WebhookID uuid.UUID
	After     domain.DeliveryCursor
	Limit     int
}

// ReopenDeliveriesPage reads the next deliveries of a recovery, oldest first, and reopens the
// failed ones (a retry finds the same page).
func (a *Activities) ReopenDeliveriesPage(ctx context.Context, in RecoverPageInput) ([]domain.RecoverableDelivery, error) {
	return a.Store.ReopenDeliveriesAfter(ctx, in.WebhookID, in.After, in.Limit)
}
