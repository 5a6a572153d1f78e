package store

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

const personCols = `p.id, p.email, p.password_hash, p.given_name, p.family_name, p.job_title, p.opt_in,
	p.email_enabled, p.push_enabled, p.language, p.image_id IS NOT NULL, p.created_at, p.updated_at`

func scanPerson(r pgx.Row) (domain.Person, error) {
	var p domain.Person
	var lang string
	err := r.Scan(&p.ID, &p.Email, &p.PasswordHash, &p.GivenName, &p.FamilyName, &p.JobTitle, &p.OptIn,
		&p.EmailEnabled, &p.PushEnabled, &lang, &p.HasImage, &p.CreatedAt, &p.UpdatedAt)
	p.Language = domain.ParseLang(lang)
	return p, err
}

// CreatePerson registers an account; a taken email (any case) is a validation error on "email".
// The notices (a welcome) go to the outbox in the same transaction.
func (s *Store) CreatePerson(ctx context.Context, p domain.Person, notices ...domain.Notice) (domain.Person, error) {
	var out domain.Person
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = scanPerson(tx.QueryRow(ctx, `INSERT INTO people AS p (id, email, password_hash, language) VALUES ($1, $2, $3, $4) RETURNING `+personCols,
			p.ID, p.Email, p.PasswordHash, string(p.Language)))
		if isUniqueViolation(err, "people_email_key") {
			return domain.Invalid("email", domain.MsgEmailTaken)
		}
		if err != nil {
			return err
		}
		return addNotices(ctx, tx, notices)
	})
	return out, err
}

// Person loads one account.
func (s *Store) Person(ctx context.Context, id uuid.UUID) (domain.Person, error) {
	p, err := scanPerson(s.Pool.QueryRow(ctx, `SELECT `+personCols+` FROM people p WHERE p.id = $1`, id))
	return p, notFound(err)
}

// PersonExists reports whether an account has this id.
func (s *Store) PersonExists(ctx context.Context, id uuid.UUID) (bool, error) {
	var ok bool
	err := s.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM people WHERE id = $1)`, id).Scan(&ok)
	return ok, err
}

// PersonByEmail finds an account by email, ignoring case.
func (s *Store) PersonByEmail(ctx context.Context, email string) (domain.Person, error) {
	p, err := scanPerson(s.Pool.QueryRow(ctx, `SELECT `+personCols+` FROM people p WHERE lower(p.email) = lower($1)`, email))
	return p, notFound(err)
}

// PersonSearch holds the search[...] filters of person and member lists.
type PersonSearch struct {
	FamilyName, GivenName, JobTitle, Username, Email string
}

func (ps PersonSearch) apply(f *filter) {
	f.search("p.family_name", ps.FamilyName)
	f.search("p.given_name", ps.GivenName)
	f.search("p.job_title", ps.JobTitle)
	f.search("p.email", ps.Username) // the username is the email
	f.search("p.email", ps.Email)
}

// People lists accounts.
func (s *Store) People(ctx context.Context, ps PersonSearch, p domain.Page) ([]domain.Person, int, error) {
	f := &filter{}
	ps.apply(f)
	return listPage(ctx, s.Pool, personCols, "people p", "p", f, p, scanPerson)
}

// PersonPatch holds the fields a person may change on their own account; nil means unchanged.
type PersonPatch struct {
	GivenName, FamilyName, Email, JobTitle *string
	OptIn, EmailEnabled, PushEnabled       *bool
	Image                                  *domain.Image
}

// PatchPerson applies the changes in one transaction.
func (s *Store) PatchPerson(ctx context.Context, id uuid.UUID, pp PersonPatch) (domain.Person, error) {
	var out domain.Person
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		var imageID *uuid.UUID
		if pp.Image != nil {
			iid, err := insertImage(ctx, tx, *pp.Image)
			if err != nil {
				return err
			}
			imageID = &iid
		}
		row := tx.QueryRow(ctx, `UPDATE people AS p SET
				given_name = coalesce($2, given_name), family_name = coalesce($3, family_name),
				email = coalesce($4, email), job_title = coalesce($5, job_title), opt_in = coalesce($6, opt_in),
				email_enabled = coalesce($7, email_enabled), push_enabled = coalesce($8, push_enabled),
				image_id = coalesce($9, image_id), updated_at = now()
			WHERE id = $1 RETURNING `+personCols,
			id, pp.GivenName, pp.FamilyName, pp.Email, pp.JobTitle, pp.OptIn, pp.EmailEnabled, pp.PushEnabled, imageID)
		var err error
		out, err = scanPerson(row)
		if isUniqueViolation(err, "people_email_key") {
			return domain.Invalid("email", domain.MsgEmailTaken)
		}
		return notFound(err)
	})
	return out, err
}

// PersonImage returns the person's picture.
func (s *Store) PersonImage(ctx context.Context, id uuid.UUID) (domain.Image, error) {
	return s.imageVia(ctx, `SELECT image_id FROM people WHERE id = $1`, id)
}

// PeopleByIDs loads the given accounts, keyed by id (missing ids are absent).
func (s *Store) PeopleByIDs(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]domain.Person, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+personCols+` FROM people p WHERE p.id = ANY ($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[uuid.UUID]domain.Person, len(ids))
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, err
		}
		out[p.ID] = p
	}
	return out, rows.Err()
}
