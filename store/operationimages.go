package store

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

// AddOperationImage stores an image, attaches it to a live operation and records it in the
// operation's log (action "image"), in one transaction; it returns the image's id.
func (s *Store) AddOperationImage(ctx context.Context, operationID, actorID uuid.UUID, img domain.Image, at time.Time, notices ...domain.Notice) (uuid.UUID, error) {
	var id uuid.UUID
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		if err := lockLiveOperation(ctx, tx, operationID); err != nil {
			return err
		}
		var err error
		if id, err = insertImage(ctx, tx, img); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO operation_images (operation_id, image_id, created_at) VALUES ($1, $2, $3)`, operationID, id, at); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE operations SET updated_at = $2 WHERE id = $1`, operationID, at); err != nil {
			return err
		}
		_, err = writeLog(ctx, tx, operationID, domain.LogEntry{
			Key: "image/" + id.String(), Action: "image", ActorID: &actorID, LoggedAt: at,
			Data: map[string]any{"image": id.String(), "contentType": img.ContentType, "width": img.Width, "height": img.Height},
		})
		if err != nil {
			return err
		}
		return addNotices(ctx, tx, notices)
	})
	return id, err
}

// RemoveOperationImage detaches an image from a live operation, deletes it and records the
// removal in the operation's log (action "image_remove"). An image the operation does not have
// is not found.
func (s *Store) RemoveOperationImage(ctx context.Context, operationID, imageID, actorID uuid.UUID, at time.Time) error {
	return s.InTx(ctx, func(tx pgx.Tx) error {
		if err := lockLiveOperation(ctx, tx, operationID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM operation_images WHERE operation_id = $1 AND image_id = $2`, operationID, imageID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return domain.NotFound()
		}
		if _, err := tx.Exec(ctx, `DELETE FROM images WHERE id = $1`, imageID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE operations SET updated_at = $2 WHERE id = $1`, operationID, at); err != nil {
			return err
		}
		_, err = writeLog(ctx, tx, operationID, domain.LogEntry{
			Key: "image_remove/" + imageID.String(), Action: "image_remove", ActorID: &actorID, LoggedAt: at,
			Data: map[string]any{"image": imageID.String()},
		})
		return err
	})
}

// OperationImage loads an image of the operation; an image of another operation is not found.
func (s *Store) OperationImage(ctx context.Context, operationID, imageID uuid.UUID) (domain.Image, error) {
	return s.imageVia(ctx, `SELECT image_id FROM operation_images WHERE operation_id = $1 AND image_id = $2`, operationID, imageID)
}
