package store

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

// ReopenDeliveriesAfter takes the next deliveries of a webhook after the cursor that did not
// succeed (failed, or still being retried), oldest first, and marks the failed ones PENDING again:
// the recovery sends each of them again. Run again on the same cursor (a retry), it finds the
// same deliveries, now PENDING, and changes nothing more.
func (s *Store) ReopenDeliveriesAfter(ctx context.Context, webhookID uuid.UUID, after domain.DeliveryCursor, limit int) ([]domain.RecoverableDelivery, error) {
	rows, err := s.Pool.Query(ctx, `WITH page AS (
			SELECT id, state FROM webhook_deliveries
			WHERE webhook_id = $1 AND state <> 'DELIVERED' AND (created_at, id) > ($2, $3)
			ORDER BY created_at, id LIMIT $4 FOR UPDATE),
		reopened AS (
			UPDATE webhook_deliveries d SET state = 'PENDING', delivered_at = NULL FROM page
			WHERE d.id = page.id AND page.state = 'FAILED')
		SELECT d.id, d.event, d.attempts, d.created_at FROM webhook_deliveries d JOIN page ON page.id = d.id
		ORDER BY d.created_at, d.id`, webhookID, after.CreatedAt, after.ID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.RecoverableDelivery, error) {
		var d domain.RecoverableDelivery
		err := r.Scan(&d.ID, &d.Event, &d.Attempts, &d.At.CreatedAt)
		d.At.ID = d.ID
		return d, err
	})
}
