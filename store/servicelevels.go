package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

// ServiceLevelsOf reads an organization's service levels: its calendar, default level and levels
// per category (in the order they were written); false when it has never set any. Reports read
// them once, when they reach the organization, as the terms they run on.
func (s *Store) ServiceLevelsOf(ctx context.Context, org uuid.UUID) (domain.ServiceLevels, bool, error) {
	return serviceLevelsOf(ctx, s.Pool, org)
}

func serviceLevelsOf(ctx context.Context, q querier, org uuid.UUID) (domain.ServiceLevels, bool, error) {
	l := domain.ServiceLevels{OrganizationID: org, Categories: []domain.CategoryServiceLevel{}}
	var hours []byte
	var holidays []time.Time
	err := q.QueryRow(ctx, `SELECT time_zone, hours, holidays, updated_at FROM service_calendars WHERE organization_id = $1`, org).
		Scan(&l.Calendar.TimeZone, &hours, &holidays, &l.UpdatedAt)
	if err == pgx.ErrNoRows {
		return l, false, nil
	}
	if err != nil {
		return l, false, err
	}
	if err := json.Unmarshal(hours, &l.Calendar.Hours); err != nil {
		return l, false, err
	}
	l.Calendar.Holidays = make([]string, len(holidays))
	for i, h := range holidays {
		l.Calendar.Holidays[i] = h.Format(domain.HolidayLayout)
	}
	rows, err := q.Query(ctx, `SELECT category_id, accept_within, close_within FROM service_levels
		WHERE organization_id = $1 ORDER BY category_id IS NOT NULL, updated_at, category_id`, org)
	if err != nil {
		return l, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var category *uuid.UUID
		var accept, close *int64
		if err := rows.Scan(&category, &accept, &close); err != nil {
			return l, false, err
		}
		level := domain.ServiceLevel{AcceptWithin: secondsOf(accept), CloseWithin: secondsOf(close)}
		if category == nil {
			l.Default = level
			continue
		}
		l.Categories = append(l.Categories, domain.CategoryServiceLevel{CategoryID: *category, ServiceLevel: level})
	}
	return l, true, rows.Err()
}

// ReplaceServiceLevels sets an organization's calendar and levels, in one transaction: the
// levels of categories no longer listed go. A category of another organization is not found.
// Reports already running keep the terms they started with.
func (s *Store) ReplaceServiceLevels(ctx context.Context, l domain.ServiceLevels, at time.Time) error {
	hours := l.Calendar.Hours
	if hours == nil {
		hours = []domain.OpeningRange{}
	}
	rawHours, err := json.Marshal(hours)
	if err != nil {
		return err
	}
	holidays := make([]time.Time, len(l.Calendar.Holidays))
	for i, h := range l.Calendar.Holidays {
		if holidays[i], err = time.Parse(domain.HolidayLayout, h); err != nil {
			return err
		}
	}
	return s.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO service_calendars (organization_id, time_zone, hours, holidays, updated_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (organization_id) DO UPDATE
			SET time_zone = EXCLUDED.time_zone, hours = EXCLUDED.hours, holidays = EXCLUDED.holidays, updated_at = EXCLUDED.updated_at`,
			l.OrganizationID, l.Calendar.TimeZone, rawHours, holidays, at); err != nil {
			if isForeignKeyViolation(err, "service_calendars_organization_id_fkey") {
				return domain.NotFound()
			}
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM service_levels WHERE organization_id = $1`, l.OrganizationID); err != nil {
			return err
		}
		levels := append([]domain.CategoryServiceLevel{{ServiceLevel: l.Default}}, l.Categories...)
		for i, c := range levels {
			var category *uuid.UUID
			if i > 0 {
				category = &c.CategoryID
			}
			// Each row a microsecond later: the levels read back in the order they were written.
			tag, err := tx.Exec(ctx, `INSERT INTO service_levels (organization_id, category_id, accept_within, close_within, updated_at)
				SELECT $1, $2, $3, $4, $5 WHERE $2::uuid IS NULL OR EXISTS (SELECT 1 FROM categories WHERE id = $2 AND organization_id = $1)`,
				l.OrganizationID, category, secondsFor(c.AcceptWithin), secondsFor(c.CloseWithin), at.Add(time.Duration(i)*time.Microsecond))
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return domain.NotFound()
			}
		}
		return nil
	})
}

// CategoriesOutside returns those of the ids that are not categories of the organization.
func (s *Store) CategoriesOutside(ctx context.Context, org uuid.UUID, ids []uuid.UUID) ([]uuid.UUID, error) {
	rows, err := s.Pool.Query(ctx, `SELECT u.id FROM unnest($2::uuid[]) AS u (id)
		WHERE NOT EXISTS (SELECT 1 FROM categories c WHERE c.id = u.id AND c.organization_id = $1)`, org, ids)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// Working times are kept as whole seconds.
func secondsFor(d *domain.Duration) *int64 {
	if d == nil {
		return nil
	}
	n := int64(d.Std().Round(time.Second) / time.Second)
	if n < 1 {
		n = 1
	}
	return &n
}

func secondsOf(n *int64) *domain.Duration {
	if n == nil {
		return nil
	}
	d := domain.Duration(time.Duration(*n) * time.Second)
	return &d
}
