package store

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

const businessActivityCols = `b.id, b.name, b.alternate_name, b.metadata_schema, b.created_at, b.updated_at`

func scanBusinessActivity(r pgx.Row) (domain.BusinessActivity, error) {
	var b domain.BusinessActivity
	err := r.Scan(&b.ID, &b.Name, &b.AlternateName, &b.MetadataSchema, &b.CreatedAt, &b.UpdatedAt)
	return b, err
}

// BusinessActivity loads one business activity.
func (s *Store) BusinessActivity(ctx context.Context, id uuid.UUID) (domain.BusinessActivity, error) {
	b, err := scanBusinessActivity(s.Pool.QueryRow(ctx, `SELECT `+businessActivityCols+` FROM business_activities b WHERE b.id = $1`, id))
	return b, notFound(err)
}

// BusinessActivityFilter narrows the business activity list.
type BusinessActivityFilter struct {
	ApplicationID uuid.UUID
	Organization  *uuid.UUID    // the activity of this organization
	Point         *domain.Point // activities of organizations having a place containing the point
}

// BusinessActivities lists business activities.
func (s *Store) BusinessActivities(ctx context.Context, bf BusinessActivityFilter, p domain.Page) ([]domain.BusinessActivity, int, error) {
	f := &filter{}
	if bf.Organization != nil {
		f.where("b.id IN (SELECT business_activity_id FROM organizations WHERE id = %s AND application_id = %s)", *bf.Organization, bf.ApplicationID)
	}
	if bf.Point != nil {
		f.where(`b.id IN (SELECT o.business_activity_id FROM organizations o JOIN places pl ON pl.organization_id = o.id
			WHERE o.application_id = %s AND ST_Covers(pl.polygon, ST_SetSRID(ST_MakePoint(%s, %s), 4326)))`,
			bf.ApplicationID, bf.Point.Longitude, bf.Point.Latitude)
	}
	return listPage(ctx, s.Pool, businessActivityCols, "business_activities b", "b", f, p, scanBusinessActivity)
}
