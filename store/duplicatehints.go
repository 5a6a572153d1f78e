package store

import (
	"context"
	"errors"
	"strconv"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

// DuplicateHint is an open report near a feedback, with what the viewer may see of it: its
// feedback when they may see the feedback, the report when they may see the report.
type DuplicateHint struct {
	Distance int        // metres, rounded
	Feedback *uuid.UUID // nil: the viewer may not see it
	Report   *uuid.UUID // nil: the viewer may not see it
}

// DuplicateHints are the open reports of other feedbacks of the same kind (the category; without
// one, the business activity) within the category's radius of f and created within its window,
// nearest first, at most domain.HintLimit, of which the viewer may see the feedback or the
// report. A nearby feedback counts once, by the report the viewer may see (their
// organization's) if any. One statement: the circle comes from the GiST index on location
// (ST_DWithin), each candidate's reports from reports_feedback.
func (s *Store) DuplicateHints(ctx context.Context, f domain.Feedback, viewer uuid.UUID) ([]DuplicateHint, error) {
	if f.CategoryID == nil && f.BusinessActivityID == nil {
		return []DuplicateHint{}, nil // no kind to compare with
	}
	sameKind := `n.category_id = $4`
	kind := any(f.CategoryID)
	if f.CategoryID == nil {
		sameKind, kind = `n.category_id IS NULL AND n.business_activity_id = $4`, *f.BusinessActivityID
	}
	states := make([]string, len(domain.HintStates))
	for i, st := range domain.HintStates {
		states[i] = string(st)
	}
	def := domain.DefaultHintSettings
	rows, err := s.Pool.Query(ctx, `WITH settings AS MATERIALIZED (
			SELECT coalesce(max(h.radius), $7) AS radius, coalesce(max(h.window_days), $8) AS days
			FROM category_hint_settings h WHERE h.category_id = $9),
		orgs AS MATERIALIZED (SELECT m.organization_id FROM members m WHERE m.person_id = $5),
		near AS MATERIALIZED (
			SELECT n.id, n.public, n.reporter_id, ST_Distance(n.location, ST_MakePoint($2, $3)::geography) AS distance
			FROM feedbacks n
			WHERE ST_DWithin(n.location, ST_MakePoint($2, $3)::geography, (SELECT radius FROM settings))
				AND n.application_id = $1 AND n.id <> $10 AND `+sameKind+`),
		hints AS (
			SELECT DISTINCT ON (n.id) n.id, n.distance, r.id AS report,
				n.public OR n.reporter_id = $5 OR EXISTS (SELECT 1 FROM reports r2 JOIN report_organizations ro ON ro.report_id = r2.id
					WHERE r2.feedback_id = n.id AND ro.organization_id IN (SELECT organization_id FROM orgs)) AS feedback_visible,
				EXISTS (SELECT 1 FROM report_organizations ro
					WHERE ro.report_id = r.id AND ro.organization_id IN (SELECT organization_id FROM orgs)) AS report_visible
			FROM near n JOIN reports r ON r.feedback_id = n.id
			WHERE r.state = ANY ($6) AND r.created_at >= now() - make_interval(days => (SELECT days FROM settings))
			ORDER BY n.id, report_visible DESC, r.created_at, r.id)
		SELECT round(distance)::int, CASE WHEN feedback_visible THEN id END, CASE WHEN report_visible THEN report END
		FROM hints WHERE feedback_visible OR report_visible
		ORDER BY distance, id LIMIT `+strconv.Itoa(domain.HintLimit),
		f.ApplicationID, f.Point.Longitude, f.Point.Latitude, kind, viewer, states, def.Radius, def.WindowDays, f.CategoryID, f.ID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (DuplicateHint, error) {
		var h DuplicateHint
		err := r.Scan(&h.Distance, &h.Feedback, &h.Report)
		return h, err
	})
}

// HintSettings are a category's duplicate hint settings, the defaults when it has none of its own.
func (s *Store) HintSettings(ctx context.Context, categoryID uuid.UUID) (domain.HintSettings, error) {
	h := domain.DefaultHintSettings
	err := s.Pool.QueryRow(ctx, `SELECT radius, window_days FROM category_hint_settings WHERE category_id = $1`, categoryID).
		Scan(&h.Radius, &h.WindowDays)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.DefaultHintSettings, nil
	}
	return h, err
}

// SetHintSettings stores a category's duplicate hint settings.
func (s *Store) SetHintSettings(ctx context.Context, categoryID uuid.UUID, h domain.HintSettings) error {
	_, err := s.Pool.Exec(ctx, `INSERT INTO category_hint_settings (category_id, radius, window_days) VALUES ($1, $2, $3)
		ON CONFLICT (category_id) DO UPDATE SET radius = excluded.radius, window_days = excluded.window_days, updated_at = now()`,
		categoryID, h.Radius, h.WindowDays)
	return err
}
