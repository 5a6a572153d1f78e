package store

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

const categoryCols = `c.id, c.organization_id, c.name, c.color, c.icon, c.identification_number, c.created_at, c.updated_at`

func scanCategory(r pgx.Row) (domain.Category, error) {
	var c domain.Category
	err := r.Scan(&c.ID, &c.OrganizationID, &c.Name, &c.Color, &c.Icon, &c.IdentificationNumber, &c.CreatedAt, &c.UpdatedAt)
	return c, err
}

// CreateCategory inserts a category of an organization.
func (s *Store) CreateCategory(ctx context.Context, c domain.Category) (domain.Category, error) {
	out, err := scanCategory(s.Pool.QueryRow(ctx, `INSERT INTO categories AS c (id, organization_id, name, color, icon, identification_number)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+categoryCols,
		c.ID, c.OrganizationID, c.Name, c.Color, c.Icon, c.IdentificationNumber))
	if isForeignKeyViolation(err, "categories_organization_id_fkey") {
		return out, domain.NotFound()
	}
	return out, err
}

// Category loads a category of an organization of the given application.
func (s *Store) Category(ctx context.Context, appID, id uuid.UUID) (domain.Category, error) {
	c, err := scanCategory(s.Pool.QueryRow(ctx, `SELECT `+categoryCols+` FROM categories c JOIN organizations o ON o.id = c.organization_id
		WHERE c.id = $1 AND o.application_id = $2`, id, appID))
	return c, notFound(err)
}

// CategoryFilter narrows the category list. Categories of other applications are never listed.
type CategoryFilter struct {
	ApplicationID                           uuid.UUID
	Organization                            *uuid.UUID
	BusinessActivity                        *uuid.UUID    // categories of organizations of this activity
	Point                                   *domain.Point // categories of organizations having a place covering the point
	Name, Color, Icon, IdentificationNumber string
}

// Categories lists categories.
func (s *Store) Categories(ctx context.Context, cf CategoryFilter, p domain.Page) ([]domain.Category, int, error) {
	f := &filter{}
	f.where("o.application_id = %s", cf.ApplicationID)
	if cf.Organization != nil {
		f.where("c.organization_id = %s", *cf.Organization)
	}
	if cf.BusinessActivity != nil {
		f.where("o.business_activity_id = %s", *cf.BusinessActivity)
	}
	if cf.Point != nil {
		f.where(`EXISTS (SELECT 1 FROM places pl WHERE pl.organization_id = c.organization_id
			AND ST_Covers(pl.polygon, ST_SetSRID(ST_MakePoint(%s, %s), 4326)))`, cf.Point.Longitude, cf.Point.Latitude)
	}
	f.search("c.name", cf.Name)
	f.search("c.color", cf.Color)
	f.search("c.icon", cf.Icon)
	f.search("c.identification_number", cf.IdentificationNumber)
	return listPage(ctx, s.Pool, categoryCols, "categories c JOIN organizations o ON o.id = c.organization_id", "c", f, p, scanCategory)
}

// CategoryPatch holds the category fields to change; nil means unchanged.
type CategoryPatch struct {
	Name, Color, Icon, IdentificationNumber *string
}

// PatchCategory applies the changes.
func (s *Store) PatchCategory(ctx context.Context, appID, id uuid.UUID, cp CategoryPatch) (domain.Category, error) {
	c, err := scanCategory(s.Pool.QueryRow(ctx, `UPDATE categories AS c SET name = coalesce($3, c.name), color = coalesce($4, c.color),
			icon = coalesce($5, c.icon), identification_number = coalesce($6, c.identification_number), updated_at = now()
		FROM organizations o
		WHERE c.id = $1 AND o.id = c.organization_id AND o.application_id = $2
		RETURNING `+categoryCols, id, appID, cp.Name, cp.Color, cp.Icon, cp.IdentificationNumber))
	return c, notFound(err)
}
