package store

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

const serviceCols = `sv.id, sv.organization_id, sv.name, sv.description, sv.telephone, sv.time_zone, sv.hours, sv.created_at, sv.updated_at`

func scanService(r pgx.Row) (domain.Service, error) {
	var s domain.Service
	var hours []byte
	err := r.Scan(&s.ID, &s.OrganizationID, &s.Name, &s.Description, &s.Telephone, &s.Hours.TimeZone, &hours, &s.CreatedAt, &s.UpdatedAt)
	if err == nil {
		err = json.Unmarshal(hours, &s.Hours.Ranges)
	}
	return s, err
}

// hoursJSON is the stored form of opening ranges; never null, so that the column's check holds.
func hoursJSON(rs []domain.OpeningRange) ([]byte, error) {
	if rs == nil {
		rs = []domain.OpeningRange{}
	}
	return json.Marshal(rs)
}

// CreateService inserts a service of an organization.
func (s *Store) CreateService(ctx context.Context, sv domain.Service) (domain.Service, error) {
	hours, err := hoursJSON(sv.Hours.Ranges)
	if err != nil {
		return sv, err
	}
	out, err := scanService(s.Pool.QueryRow(ctx, `INSERT INTO services AS sv (id, organization_id, name, description, telephone, time_zone, hours)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+serviceCols,
		sv.ID, sv.OrganizationID, sv.Name, sv.Description, sv.Telephone, sv.Hours.TimeZone, hours))
	if isForeignKeyViolation(err, "services_organization_id_fkey") {
		return out, domain.NotFound()
	}
	return out, err
}

// Service loads a service of an organization of the given application.
func (s *Store) Service(ctx context.Context, appID, id uuid.UUID) (domain.Service, error) {
	sv, err := scanService(s.Pool.QueryRow(ctx, `SELECT `+serviceCols+` FROM services sv JOIN organizations o ON o.id = sv.organization_id
		WHERE sv.id = $1 AND o.application_id = $2`, id, appID))
	return sv, notFound(err)
}

// ServiceFilter narrows an organization's service list.
type ServiceFilter struct {
	OrganizationID uuid.UUID
	Name           string
}

// Services lists an organization's services.
func (s *Store) Services(ctx context.Context, sf ServiceFilter, p domain.Page) ([]domain.Service, int, error) {
	f := &filter{}
	f.where("sv.organization_id = %s", sf.OrganizationID)
	f.search("sv.name", sf.Name)
	return listPage(ctx, s.Pool, serviceCols, "services sv", "sv", f, p, scanService)
}

// ServicePatch holds the service fields to change; nil means unchanged.
type ServicePatch struct {
	Name, Description, Telephone, TimeZone *string
	Ranges                                 *[]domain.OpeningRange
}

// PatchService applies the changes to a service of an organization of the application.
func (s *Store) PatchService(ctx context.Context, appID, id uuid.UUID, sp ServicePatch) (domain.Service, error) {
	var hours []byte
	if sp.Ranges != nil {
		var err error
		if hours, err = hoursJSON(*sp.Ranges); err != nil {
			return domain.Service{}, err
		}
	}
	sv, err := scanService(s.Pool.QueryRow(ctx, `UPDATE services AS sv SET name = coalesce($3, sv.name),
			description = coalesce($4, sv.description), telephone = coalesce($5, sv.telephone),
			time_zone = coalesce($6, sv.time_zone), hours = coalesce($7::jsonb, sv.hours), updated_at = now()
		FROM organizations o
		WHERE sv.id = $1 AND o.id = sv.organization_id AND o.application_id = $2
		RETURNING `+serviceCols, id, appID, sp.Name, sp.Description, sp.Telephone, sp.TimeZone, hours))
	return sv, notFound(err)
}

// DeleteService removes a service of an organization of the application.
func (s *Store) DeleteService(ctx context.Context, appID, id uuid.UUID) error {
	tag, err := s.Pool.Exec(ctx, `DELETE FROM services sv USING organizations o
		WHERE sv.id = $1 AND o.id = sv.organization_id AND o.application_id = $2`, id, appID)
	if err == nil && tag.RowsAffected() == 0 {
		return domain.NotFound()
	}
	return err
}
