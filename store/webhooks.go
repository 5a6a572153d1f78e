package store

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

const webhookCols = `w.id, w.organization_id, w.event, w.payload_url, w.enabled, w.secret, coalesce(w.previous_secret, ''),
	w.previous_secret_until, w.disabled_reason, w.failing_since, w.created_at, w.updated_at`

// webhookFields are where webhookCols are scanned to, then any more columns.
func webhookFields(w *domain.Webhook, more ...any) []any {
	return append([]any{&w.ID, &w.OrganizationID, &w.Event, &w.PayloadURL, &w.Enabled, &w.Secret, &w.PreviousSecret,
		&w.PreviousSecretUntil, &w.DisabledReason, &w.FailingSince, &w.CreatedAt, &w.UpdatedAt}, more...)
}

func scanWebhook(r pgx.Row) (domain.Webhook, error) {
	var w domain.Webhook
	err := r.Scan(webhookFields(&w)...)
	return w, err
}

// CreateWebhook stores a new subscription.
func (s *Store) CreateWebhook(ctx context.Context, w domain.Webhook) (domain.Webhook, error) {
	out, err := scanWebhook(s.Pool.QueryRow(ctx, `INSERT INTO webhooks AS w (id, organization_id, event, payload_url, enabled, secret)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+webhookCols, w.ID, w.OrganizationID, w.Event, w.PayloadURL, w.Enabled, w.Secret))
	return out, err
}

// Webhook loads a live webhook of an organization of the application.
func (s *Store) Webhook(ctx context.Context, appID, id uuid.UUID) (domain.Webhook, error) {
	w, err := scanWebhook(s.Pool.QueryRow(ctx, `SELECT `+webhookCols+` FROM webhooks w JOIN organizations o ON o.id = w.organization_id
		WHERE w.id = $1 AND o.application_id = $2 AND w.deleted_at IS NULL`, id, appID))
	return w, notFound(err)
}

// WebhookByID loads a webhook, deleted or not (deliveries in flight need it).
func (s *Store) WebhookByID(ctx context.Context, id uuid.UUID) (domain.Webhook, bool, error) {
	var deleted bool
	var w domain.Webhook
	err := s.Pool.QueryRow(ctx, `SELECT `+webhookCols+`, w.deleted_at IS NOT NULL FROM webhooks w WHERE w.id = $1`, id).Scan(
		webhookFields(&w, &deleted)...)
	return w, deleted, notFound(err)
}

// Webhooks lists an organization's live webhooks.
func (s *Store) Webhooks(ctx context.Context, orgID uuid.UUID, p domain.Page) ([]domain.Webhook, int, error) {
	f := &filter{}
	f.where("w.organization_id = %s", orgID)
	f.where("w.deleted_at IS NULL")
	return listPage(ctx, s.Pool, webhookCols, "webhooks w", "w", f, p, scanWebhook)
}

// RotateWebhookSecret makes secret the webhook's secret; the one it replaces signs beside it
// until until (a rotation during an overlap ends the older one's).
func (s *Store) RotateWebhookSecret(ctx context.Context, id uuid.UUID, secret string, until time.Time) (domain.Webhook, error) {
	w, err := scanWebhook(s.Pool.QueryRow(ctx, `UPDATE webhooks AS w SET previous_secret = secret, previous_secret_until = $3,
		secret = $2, updated_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING `+webhookCols, id, secret, until))
	return w, notFound(err)
}

// WebhookPatch holds the fields to change; nil means unchanged.
type WebhookPatch struct {
	Event, PayloadURL *string
	Enabled           *bool
}

// PatchWebhook applies the changes; enabling a webhook again forgets its past failures.
func (s *Store) PatchWebhook(ctx context.Context, id uuid.UUID, p WebhookPatch) (domain.Webhook, error) {
	w, err := scanWebhook(s.Pool.QueryRow(ctx, `UPDATE webhooks AS w SET event = coalesce($2, event), payload_url = coalesce($3, payload_url),
			enabled = coalesce($4, enabled),
			failing_since = CASE WHEN $4 THEN NULL ELSE failing_since END,
			disabled_reason = CASE WHEN $4 THEN '' ELSE disabled_reason END,
			updated_at = now()
		WHERE id = $1 AND deleted_at IS NULL RETURNING `+webhookCols, id, p.Event, p.PayloadURL, p.Enabled))
	return w, notFound(err)
}

// DeleteWebhook removes a webhook from every list; its deliveries stay for the record.
func (s *Store) DeleteWebhook(ctx context.Context, id uuid.UUID) error {
	tag, err := s.Pool.Exec(ctx, `UPDATE webhooks SET deleted_at = now(), enabled = false, updated_at = now() WHERE id = $1 AND deleted_at IS NULL`, id)
	if err == nil && tag.RowsAffected() == 0 {
		return domain.NotFound()
	}
	return err
}

// SubscribedWebhooks lists the enabled webhooks of the organizations for an event, oldest first.
func (s *Store) SubscribedWebhooks(ctx context.Context, orgIDs []uuid.UUID, event string) ([]domain.Webhook, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+webhookCols+` FROM webhooks w
		WHERE w.organization_id = ANY ($1) AND w.event = $2 AND w.enabled AND w.deleted_at IS NULL ORDER BY w.created_at, w.id`, orgIDs, event)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Webhook, error) { return scanWebhook(r) })
}

// NewDelivery is a delivery to create for an event.
type NewDelivery struct {
	ID        uuid.UUID
	WebhookID uuid.UUID
	Event     string
	EventKey  string
	Body      string
}

// InsertDeliveries creates the deliveries of one event, keyed by (webhook, event key): a retry
// finds the deliveries of its first attempt, whose ids it returns in the same order.
func (s *Store) InsertDeliveries(ctx context.Context, ds []NewDelivery) ([]uuid.UUID, error) {
	ids := make([]uuid.UUID, len(ds))
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		for i, d := range ds {
			err := tx.QueryRow(ctx, `INSERT INTO webhook_deliveries (id, webhook_id, event, event_key, body) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (webhook_id, event_key) DO UPDATE SET event_key = excluded.event_key RETURNING id`,
				d.ID, d.WebhookID, d.Event, d.EventKey, d.Body).Scan(&ids[i])
			if err != nil {
				return err
			}
		}
		return nil
	})
	return ids, err
}

const deliveryCols = `d.id, d.webhook_id, d.event, d.body, d.state, d.created_at, d.delivered_at`

func scanDelivery(r pgx.Row) (domain.Delivery, error) {
	var d domain.Delivery
	err := r.Scan(&d.ID, &d.WebhookID, &d.Event, &d.Body, &d.State, &d.CreatedAt, &d.DeliveredAt)
	return d, err
}

// Delivery loads one delivery of a webhook, with its attempts.
func (s *Store) Delivery(ctx context.Context, webhookID, id uuid.UUID) (domain.Delivery, error) {
	d, err := scanDelivery(s.Pool.QueryRow(ctx, `SELECT `+deliveryCols+` FROM webhook_deliveries d WHERE d.id = $1 AND d.webhook_id = $2`, id, webhookID))
	if err != nil {
		return d, notFound(err)
	}
	err = s.attachAttempts(ctx, []*domain.Delivery{&d})
	return d, err
}

// DeliveryByID loads a delivery without its attempts.
func (s *Store) DeliveryByID(ctx context.Context, id uuid.UUID) (domain.Delivery, error) {
	d, err := scanDelivery(s.Pool.QueryRow(ctx, `SELECT `+deliveryCols+` FROM webhook_deliveries d WHERE d.id = $1`, id))
	return d, notFound(err)
}

// Deliveries lists a webhook's deliveries (newest first by default), each with every attempt.
func (s *Store) Deliveries(ctx context.Context, webhookID uuid.UUID, state string, p domain.Page) ([]domain.Delivery, int, error) {
	f := &filter{}
	f.where("d.webhook_id = %s", webhookID)
	if state != "" {
		f.where("d.state = %s", state)
	}
	ds, total, err := listPage(ctx, s.Pool, deliveryCols, "webhook_deliveries d", "d", f, p, scanDelivery)
	if err != nil {
		return nil, 0, err
	}
	ptrs := make([]*domain.Delivery, len(ds))
	for i := range ds {
		ptrs[i] = &ds[i]
	}
	return ds, total, s.attachAttempts(ctx, ptrs)
}

func (s *Store) attachAttempts(ctx context.Context, ds []*domain.Delivery) error {
	ids := make([]uuid.UUID, len(ds))
	byID := make(map[uuid.UUID]*domain.Delivery, len(ds))
	for i, d := range ds {
		ids[i], byID[d.ID] = d.ID, d
		d.Attempts = []domain.Attempt{}
	}
	rows, err := s.Pool.Query(ctx, `SELECT delivery_id, number, started_at, duration_ms, status_code, error FROM webhook_attempts
		WHERE delivery_id = ANY ($1) ORDER BY delivery_id, number`, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id uuid.UUID
		var a domain.Attempt
		var ms int
		if err := rows.Scan(&id, &a.Number, &a.StartedAt, &ms, &a.StatusCode, &a.Error); err != nil {
			return err
		}
		a.Duration = time.Duration(ms) * time.Millisecond
		byID[id].Attempts = append(byID[id].Attempts, a)
	}
	return rows.Err()
}

// AttemptResult records one attempt and what it means for the delivery and its webhook.
type AttemptResult struct {
	Attempt   domain.Attempt
	Delivered bool
}

// RecordAttempt stores an attempt (once per number), marks the delivery delivered on success,
// and tracks since when the webhook has been failing; it returns that time (nil when healthy).
func (s *Store) RecordAttempt(ctx context.Context, d domain.Delivery, r AttemptResult) (*time.Time, error) {
	var failingSince *time.Time
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		a := r.Attempt
		if _, err := tx.Exec(ctx, `INSERT INTO webhook_attempts (delivery_id, number, started_at, duration_ms, status_code, error)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, d.ID, a.Number, a.StartedAt, a.Duration.Milliseconds(), a.StatusCode, a.Error); err != nil {
			return err
		}
		if r.Delivered {
			if _, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET state = 'DELIVERED', delivered_at = $2,
				attempts = (SELECT count(*) FROM webhook_attempts WHERE delivery_id = $1) WHERE id = $1`, d.ID, a.StartedAt); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE webhooks SET failing_since = NULL WHERE id = $1`, d.WebhookID)
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET attempts = (SELECT count(*) FROM webhook_attempts WHERE delivery_id = $1)
			WHERE id = $1`, d.ID); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `UPDATE webhooks SET failing_since = coalesce(failing_since, $2) WHERE id = $1 RETURNING failing_since`,
			d.WebhookID, a.StartedAt).Scan(&failingSince)
	})
	return failingSince, err
}

// FailDelivery marks a delivery given up.
func (s *Store) FailDelivery(ctx context.Context, id uuid.UUID) error {
	_, err := s.Pool.Exec(ctx, `UPDATE webhook_deliveries SET state = 'FAILED' WHERE id = $1 AND state = 'PENDING'`, id)
	return err
}

// ReopenDelivery puts a delivery back to PENDING for a redelivery asked by hand, even one
// already delivered (the consumer may have lost it): the next attempt sends it again.
func (s *Store) ReopenDelivery(ctx context.Context, id uuid.UUID) error {
	_, err := s.Pool.Exec(ctx, `UPDATE webhook_deliveries SET state = 'PENDING', delivered_at = NULL WHERE id = $1`, id)
	return err
}

// DisableWebhook turns a webhook off, saying why; it returns false when it already was off.
func (s *Store) DisableWebhook(ctx context.Context, id uuid.UUID, reason string) (bool, error) {
	tag, err := s.Pool.Exec(ctx, `UPDATE webhooks SET enabled = false, disabled_reason = $2, updated_at = now() WHERE id = $1 AND enabled`, id, reason)
	return tag.RowsAffected() == 1, err
}
