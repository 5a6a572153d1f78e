package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

// AddPartner records that orgID lists partnerID as a partner (so orgID may delegate to it).
// Both must belong to the same application: the caller checks it. Adding a partner twice is a
// violation on "organization".
func (s *Store) AddPartner(ctx context.Context, orgID, partnerID uuid.UUID) error {
	if orgID == partnerID {
		return domain.Invalid("organization", domain.MsgSelfPartner)
	}
	tag, err := s.Pool.Exec(ctx, `INSERT INTO relationships (organization_id, partner_id) VALUES ($1, $2)
		ON CONFLICT (organization_id, partner_id) DO NOTHING`, orgID, partnerID)
	switch {
	case isForeignKeyViolation(err, ""):
		return domain.Invalid("organization", domain.MsgUnknownReference)
	case err != nil:
		return err
	case tag.RowsAffected() == 0:
		return domain.Invalid("organization", domain.MsgAlreadyPartner)
	}
	return nil
}

// RemovePartner ends a partnership; it is not found when partnerID is not a partner of orgID.
func (s *Store) RemovePartner(ctx context.Context, orgID, partnerID uuid.UUID) error {
	tag, err := s.Pool.Exec(ctx, `DELETE FROM relationships WHERE organization_id = $1 AND partner_id = $2`, orgID, partnerID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return domain.NotFound()
	}
	return nil
}

// IsPartner reports whether orgID lists partnerID as a partner, i.e. whether orgID may delegate to it.
func (s *Store) IsPartner(ctx context.Context, orgID, partnerID uuid.UUID) (bool, error) {
	var ok bool
	err := s.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM relationships WHERE organization_id = $1 AND partner_id = $2)`,
		orgID, partnerID).Scan(&ok)
	return ok, err
}
