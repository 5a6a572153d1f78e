package store

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/keyclic/keyclic/domain"
)

const organizationCols = `o.id, o.application_id, o.business_activity_id, o.name, o.alternate_name, o.description,
	o.billing_email_address, o.notification_email_address, o.enabled, o.logo_id IS NOT NULL, o.created_at, o.updated_at`

func scanOrganization(r pgx.Row) (domain.Organization, error) {
	var o domain.Organization
	err := r.Scan(&o.ID, &o.ApplicationID, &o.BusinessActivityID, &o.Name, &o.AlternateName, &o.Description,
		&o.BillingEmailAddress, &o.NotificationEmailAddress, &o.Enabled, &o.HasLogo, &o.CreatedAt, &o.UpdatedAt)
	return o, err
}

// CreateOrganization inserts the organization and makes its creator its first admin, atomically.
func (s *Store) CreateOrganization(ctx context.Context, o domain.Organization, logo *domain.Image, creator uuid.UUID) (domain.Organization, error) {
	var out domain.Organization
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		var logoID *uuid.UUID
		if logo != nil {
			id, err := insertImage(ctx, tx, *logo)
			if err != nil {
				return err
			}
			logoID = &id
		}
		row := tx.QueryRow(ctx, `INSERT INTO organizations AS o (id, application_id, business_activity_id, name, alternate_name,
				description, billing_email_address, notification_email_address, logo_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING `+organizationCols,
			o.ID, o.ApplicationID, o.BusinessActivityID, o.Name, o.AlternateName, o.Description,
			o.BillingEmailAddress, o.NotificationEmailAddress, logoID)
		var err error
		if out, err = scanOrganization(row); err != nil {
			if isForeignKeyViolation(err, "organizations_business_activity_id_fkey") {
				return domain.Invalid("businessActivity", domain.MsgUnknownReference)
			}
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO members (id, organization_id, person_id, roles) VALUES ($1, $2, $3, $4)`,
			uuid.New(), o.ID, creator, []string{string(domain.RoleAdmin)})
		return err
	})
	return out, err
}

// Organization loads an organization of the given application.
func (s *Store) Organization(ctx context.Context, appID, id uuid.UUID) (domain.Organization, error) {
	o, err := scanOrganization(s.Pool.QueryRow(ctx, `SELECT `+organizationCols+` FROM organizations o WHERE o.id = $1 AND o.application_id = $2`, id, appID))
	return o, notFound(err)
}

// OrganizationFilter narrows the organization list.
type OrganizationFilter struct {
	ApplicationID                                                                   uuid.UUID
	BusinessActivity                                                                *uuid.UUID
	Organization                                                                    *uuid.UUID
	Point                                                                           *domain.Point
	PartnersOf                                                                      *uuid.UUID // only the partners of this organization
	Name, AlternateName, Description, BillingEmailAddress, NotificationEmailAddress string
}

// Organizations lists the organizations of an application.
func (s *Store) Organizations(ctx context.Context, of OrganizationFilter, p domain.Page) ([]domain.Organization, int, error) {
	f := &filter{}
	f.where("o.application_id = %s", of.ApplicationID)
	if of.BusinessActivity != nil {
		f.where("o.business_activity_id = %s", *of.BusinessActivity)
	}
	if of.Organization != nil {
		f.where("o.id = %s", *of.Organization)
	}
	if of.Point != nil {
		f.where(`EXISTS (SELECT 1 FROM places pl WHERE pl.organization_id = o.id
			AND ST_Covers(pl.polygon, ST_SetSRID(ST_MakePoint(%s, %s), 4326)))`, of.Point.Longitude, of.Point.Latitude)
	}
	if of.PartnersOf != nil {
		f.where("o.id IN (SELECT partner_id FROM relationships WHERE organization_id = %s)", *of.PartnersOf)
	}
	f.search("o.name", of.Name)
	f.search("o.alternate_name", of.AlternateName)
	f.search("o.description", of.Description)
	f.search("o.billing_email_address", of.BillingEmailAddress)
	f.search("o.notification_email_address", of.NotificationEmailAddress)
	return listPage(ctx, s.Pool, organizationCols, "organizations o", "o", f, p, scanOrganization)
}

// OrganizationPatch holds the organization fields to change; nil means unchanged.
type OrganizationPatch struct {
	Name, AlternateName, Description, BillingEmailAddress, NotificationEmailAddress *string
	Logo                                                                            *domain.Image
}

// PatchOrganization applies the changes in one transaction.
func (s *Store) PatchOrganization(ctx context.Context, appID, id uuid.UUID, op OrganizationPatch) (domain.Organization, error) {
	var out domain.Organization
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		var logoID *uuid.UUID
		if op.Logo != nil {
			lid, err := insertImage(ctx, tx, *op.Logo)
			if err != nil {
				return err
			}
			logoID = &lid
		}
		row := tx.QueryRow(ctx, `UPDATE organizations AS o SET
				name = coalesce($3, name), alternate_name = coalesce($4, alternate_name), description = coalesce($5, description),
				billing_email_address = coalesce($6, billing_email_address),
				notification_email_address = coalesce($7, notification_email_address),
				logo_id = coalesce($8, logo_id), updated_at = now()
			WHERE id = $1 AND application_id = $2 RETURNING `+organizationCols,
			id, appID, op.Name, op.AlternateName, op.Description, op.BillingEmailAddress, op.NotificationEmailAddress, logoID)
		var err error
		out, err = scanOrganization(row)
		return notFound(err)
	})
	return out, err
}

// OrganizationLogo returns the organization's logo.
func (s *Store) OrganizationLogo(ctx context.Context, appID, id uuid.UUID) (domain.Image, error) {
	return s.imageVia(ctx, `SELECT logo_id FROM organizations WHERE id = $1 AND application_id = $2`, id, appID)
}

func isForeignKeyViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23503" && (constraint == "" || pgErr.ConstraintName == constraint)
}

// OrganizationByID loads an organization wherever it is (activities know the id only).
func (s *Store) OrganizationByID(ctx context.Context, id uuid.UUID) (domain.Organization, error) {
	o, err := scanOrganization(s.Pool.QueryRow(ctx, `SELECT `+organizationCols+` FROM organizations o WHERE o.id = $1`, id))
	return o, notFound(err)
}
