package store

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

const memberCols = `m.id, m.organization_id, m.person_id, m.roles, m.created_at, m.updated_at`

func scanMember(r pgx.Row) (domain.Member, error) {
	var m domain.Member
	var roles []string
	err := r.Scan(&m.ID, &m.OrganizationID, &m.PersonID, &roles, &m.CreatedAt, &m.UpdatedAt)
	for _, r := range roles {
		m.Roles = append(m.Roles, domain.Role(r))
	}
	if m.Roles == nil {
		m.Roles = domain.Roles{}
	}
	return m, err
}

// MemberOf returns the membership of a person in an organization, or a not-found error.
func (s *Store) MemberOf(ctx context.Context, orgID, personID uuid.UUID) (domain.Member, error) {
	m, err := scanMember(s.Pool.QueryRow(ctx, `SELECT `+memberCols+` FROM members m WHERE m.organization_id = $1 AND m.person_id = $2`, orgID, personID))
	return m, notFound(err)
}

// Member loads one member of an organization.
func (s *Store) Member(ctx context.Context, orgID, memberID uuid.UUID) (domain.Member, error) {
	m, err := scanMember(s.Pool.QueryRow(ctx, `SELECT `+memberCols+` FROM members m WHERE m.organization_id = $1 AND m.id = $2`, orgID, memberID))
	return m, notFound(err)
}

// AddMember makes a person a member (with no role) of an organization, under id (a new one when
// zero).
func (s *Store) AddMember(ctx context.Context, id, orgID, personID uuid.UUID) (domain.Member, error) {
	m, err := scanMember(s.Pool.QueryRow(ctx, `INSERT INTO members AS m (id, organization_id, person_id) VALUES ($1, $2, $3) RETURNING `+memberCols,
		orNew(id), orgID, personID))
	switch {
	case isUniqueViolation(err, "members_organization_id_person_id_key"):
		return m, domain.Invalid("person", domain.MsgAlreadyMember)
	case isForeignKeyViolation(err, "members_person_id_fkey"):
		return m, domain.Invalid("person", domain.MsgUnknownReference)
	}
	return m, err
}

// Members lists the members of an organization, filtered on their person's fields.
func (s *Store) Members(ctx context.Context, orgID uuid.UUID, ps PersonSearch, p domain.Page) ([]domain.Member, int, error) {
	f := &filter{}
	f.where("m.organization_id = %s", orgID)
	ps.apply(f)
	return listPage(ctx, s.Pool, memberCols, "members m JOIN people p ON p.id = m.person_id", "m", f, p, scanMember)
}

// Memberships lists a person's memberships in the organizations of one application.
func (s *Store) Memberships(ctx context.Context, appID, personID uuid.UUID, ps PersonSearch, p domain.Page) ([]domain.Member, int, error) {
	f := &filter{}
	f.where("m.person_id = %s", personID)
	f.where("m.organization_id IN (SELECT id FROM organizations WHERE application_id = %s)", appID)
	ps.apply(f)
	return listPage(ctx, s.Pool, memberCols, "members m JOIN people p ON p.id = m.person_id", "m", f, p, scanMember)
}

// AllMemberships lists every membership of a person, oldest first: in the organizations of one
// application, or of every application when appID is nil.
func (s *Store) AllMemberships(ctx context.Context, personID uuid.UUID, appID *uuid.UUID) ([]domain.Member, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+memberCols+` FROM members m JOIN organizations o ON o.id = m.organization_id
		WHERE m.person_id = $1 AND ($2::uuid IS NULL OR o.application_id = $2) ORDER BY m.created_at, m.id`, personID, appID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Member, error) { return scanMember(row) })
}

// SetMemberRoles replaces a member's roles, keeping the organization's last admin and the
// one-agency-per-person rule.
func (s *Store) SetMemberRoles(ctx context.Context, orgID, memberID uuid.UUID, roles domain.Roles) (domain.Member, error) {
	var out domain.Member
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		if err := lockOrganization(ctx, tx, orgID); err != nil {
			return err
		}
		names := make([]string, len(roles))
		for i, r := range roles {
			names[i] = string(r)
		}
		var err error
		out, err = scanMember(tx.QueryRow(ctx, `UPDATE members AS m SET roles = $3, updated_at = now()
			WHERE m.organization_id = $1 AND m.id = $2 RETURNING `+memberCols, orgID, memberID, names))
		if isUniqueViolation(err, "members_one_agency") {
			return domain.Invalid("roles", domain.MsgAgentElsewhere)
		}
		if err != nil {
			return notFound(err)
		}
		return ensureAnAdmin(ctx, tx, orgID)
	})
	return out, err
}

// RemoveMember deletes a membership, unless it is the organization's last admin.
func (s *Store) RemoveMember(ctx context.Context, orgID, memberID uuid.UUID) error {
	return s.InTx(ctx, func(tx pgx.Tx) error {
		if err := lockOrganization(ctx, tx, orgID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM members WHERE organization_id = $1 AND id = $2`, orgID, memberID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return domain.NotFound()
		}
		return ensureAnAdmin(ctx, tx, orgID)
	})
}

// lockOrganization serializes membership changes of one organization, so that two admins
// demoting each other at the same time cannot leave it without an admin.
func lockOrganization(ctx context.Context, tx pgx.Tx, orgID uuid.UUID) error {
	var id uuid.UUID
	return notFound(tx.QueryRow(ctx, `SELECT id FROM organizations WHERE id = $1 FOR UPDATE`, orgID).Scan(&id))
}

func ensureAnAdmin(ctx context.Context, tx pgx.Tx, orgID uuid.UUID) error {
	var admins int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM members WHERE organization_id = $1 AND $2 = ANY (roles)`, orgID, string(domain.RoleAdmin)).Scan(&admins); err != nil {
		return err
	}
	if admins == 0 {
		return domain.Conflict(domain.MsgLastAdmin)
	}
	return nil
}

// OperatorsOf lists the people holding ORGANIZATION:OPERATOR in an organization.
func (s *Store) OperatorsOf(ctx context.Context, orgID uuid.UUID) ([]uuid.UUID, error) {
	rows, err := s.Pool.Query(ctx, `SELECT person_id FROM members WHERE organization_id = $1 AND $2 = ANY (roles) ORDER BY person_id`,
		orgID, string(domain.RoleOperator))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// AdminsOf lists the people holding ORGANIZATION:ADMIN in an organization.
func (s *Store) AdminsOf(ctx context.Context, orgID uuid.UUID) ([]uuid.UUID, error) {
	rows, err := s.Pool.Query(ctx, `SELECT person_id FROM members WHERE organization_id = $1 AND $2 = ANY (roles) ORDER BY person_id`,
		orgID, string(domain.RoleAdmin))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}
