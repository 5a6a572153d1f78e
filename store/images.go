package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

func insertImage(ctx context.Context, q querier, img domain.Image) (uuid.UUID, error) {
	id := orNew(img.ID)
	_, err := q.Exec(ctx, `INSERT INTO images (id, content_type, data, width, height) VALUES ($1, $2, $3, $4, $5)`,
		id, img.ContentType, img.Data, img.Width, img.Height)
	return id, err
}

// Image loads a stored image.
func (s *Store) Image(ctx context.Context, id uuid.UUID) (domain.Image, error) {
	var img domain.Image
	err := s.Pool.QueryRow(ctx, `SELECT content_type, data, width, height FROM images WHERE id = $1`, id).
		Scan(&img.ContentType, &img.Data, &img.Width, &img.Height)
	return img, notFound(err)
}

// imageVia loads the image whose id the one-column query returns.
func (s *Store) imageVia(ctx context.Context, sql string, args ...any) (domain.Image, error) {
	var id *uuid.UUID
	if err := s.Pool.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
		return domain.Image{}, notFound(err)
	}
	if id == nil {
		return domain.Image{}, domain.NotFound()
	}
	return s.Image(ctx, *id)
}
