package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

// ServiceLevelsOf reads an organization's service levels; false when it set none.
func (s *Store) ServiceLevelsOf(ctx context.Context, org uuid.UUID) (domain.ServiceLevels, bool, error) {
	return domain.ServiceLevels{OrganizationID: org}, false, nil
}
