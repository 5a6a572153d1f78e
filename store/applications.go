package store

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

const applicationCols = `id, token, name, version, password_reset_url, created_at, updated_at`

func scanApplication(r pgx.Row) (domain.Application, error) {
	var a domain.Application
	err := r.Scan(&a.ID, &a.Token, &a.Name, &a.Version, &a.PasswordResetURL, &a.CreatedAt, &a.UpdatedAt)
	return a, err
}

// ApplicationByToken finds the application whose key clients send in X-Keyclic-App.
func (s *Store) ApplicationByToken(ctx context.Context, token string) (domain.Application, error) {
	a, err := scanApplication(s.Pool.QueryRow(ctx, `SELECT `+applicationCols+` FROM applications WHERE token = $1`, token))
	return a, notFound(err)
}

// CreateApplication adds an application (used by operators' tooling and by tests to isolate data).
func (s *Store) CreateApplication(ctx context.Context, a domain.Application) error {
	_, err := s.Pool.Exec(ctx, `INSERT INTO applications (id, token, name, version, password_reset_url) VALUES ($1, $2, $3, $4, $5)`,
		a.ID, a.Token, a.Name, a.Version, a.PasswordResetURL)
	return err
}

// ApplicationByID loads an application.
func (s *Store) ApplicationByID(ctx context.Context, id uuid.UUID) (domain.Application, error) {
	a, err := scanApplication(s.Pool.QueryRow(ctx, `SELECT `+applicationCols+` FROM applications WHERE id = $1`, id))
	return a, notFound(err)
}
