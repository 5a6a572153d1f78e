package store

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

// AddFeedbackImage stores an image and attaches it to the feedback, returning the image's id.
func (s *Store) AddFeedbackImage(ctx context.Context, feedbackID uuid.UUID, img domain.Image, at time.Time, notices ...domain.Notice) (uuid.UUID, error) {
	var id uuid.UUID
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE feedbacks SET updated_at = $2 WHERE id = $1`, feedbackID, at)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return domain.NotFound()
		}
		if id, err = insertImage(ctx, tx, img); err != nil {
			return err
		}
		if _, err = tx.Exec(ctx, `INSERT INTO feedback_images (feedback_id, image_id, created_at) VALUES ($1, $2, $3)`, feedbackID, id, at); err != nil {
			return err
		}
		return addNotices(ctx, tx, notices)
	})
	return id, err
}

// FeedbackImage loads an image of the feedback; an image of another feedback is not found.
func (s *Store) FeedbackImage(ctx context.Context, feedbackID, imageID uuid.UUID) (domain.Image, error) {
	return s.imageVia(ctx, `SELECT image_id FROM feedback_images WHERE feedback_id = $1 AND image_id = $2`, feedbackID, imageID)
}
