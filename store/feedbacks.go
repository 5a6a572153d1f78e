package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

const feedbackCols = `f.id, f.application_id, f.reporter_id, f.description, ST_Y(f.location::geometry), ST_X(f.location::geometry),
	f.elevation, f.category_id, f.business_activity_id, f.public, f.pro_mode, f.metadata, f.state, f.created_at, f.updated_at`

func scanFeedback(r pgx.Row) (domain.Feedback, error) {
	var f domain.Feedback
	var state string
	err := r.Scan(&f.ID, &f.ApplicationID, &f.ReporterID, &f.Description, &f.Point.Latitude, &f.Point.Longitude,
		&f.Elevation, &f.CategoryID, &f.BusinessActivityID, &f.Public, &f.ProMode, &f.Metadata, &state, &f.CreatedAt, &f.UpdatedAt)
	f.State = domain.State(state)
	return f, err
}

// MatchCandidates finds the organizations of the application having a place that covers the
// point (a point on an edge counts), with each such place.
func (s *Store) MatchCandidates(ctx context.Context, appID uuid.UUID, p domain.Point) ([]domain.Candidate, error) {
	rows, err := s.Pool.Query(ctx, `SELECT o.id, pl.id, o.business_activity_id, ST_Area(pl.polygon)
		FROM places pl JOIN organizations o ON o.id = pl.organization_id
		WHERE o.application_id = $1 AND o.enabled AND ST_Covers(pl.polygon, ST_SetSRID(ST_MakePoint($2, $3), 4326))`,
		appID, p.Longitude, p.Latitude)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Candidate
	for rows.Next() {
		var c domain.Candidate
		if err := rows.Scan(&c.OrganizationID, &c.PlaceID, &c.BusinessActivityID, &c.PlaceArea); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AgentOrganization returns the organization of the application the person is an agent of.
func (s *Store) AgentOrganization(ctx context.Context, appID, personID uuid.UUID) (*uuid.UUID, error) {
	var id uuid.UUID
	err := s.Pool.QueryRow(ctx, `SELECT m.organization_id FROM members m JOIN organizations o ON o.id = m.organization_id
		WHERE m.person_id = $1 AND o.application_id = $2 AND $3 = ANY (m.roles)`, personID, appID, string(domain.RoleAgent)).Scan(&id)
	if err == pgx.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &id, nil
}

// CategoryOrganization returns the organization a category of the application belongs to.
func (s *Store) CategoryOrganization(ctx context.Context, appID, categoryID uuid.UUID) (uuid.UUID, error) {
	var id uuid.UUID
	err := s.Pool.QueryRow(ctx, `SELECT c.organization_id FROM categories c JOIN organizations o ON o.id = c.organization_id
		WHERE c.id = $1 AND o.application_id = $2`, categoryID, appID).Scan(&id)
	return id, notFound(err)
}

// InsertFeedback stores a new feedback and its first checkpoints; inserting it again is a no-op.
func (s *Store) InsertFeedback(ctx context.Context, f domain.Feedback, cps []Checkpoint) error {
	return s.InTx(ctx, func(tx pgx.Tx) error {
		meta := f.Metadata
		if len(meta) == 0 || string(meta) == "null" {
			meta = json.RawMessage("{}")
		}
		_, err := tx.Exec(ctx, `INSERT INTO feedbacks (id, application_id, reporter_id, description, location, elevation, geohash,
				category_id, business_activity_id, public, pro_mode, metadata, state, created_at, updated_at)
			VALUES ($1, $2, $3, $4, ST_SetSRID(ST_MakePoint($5, $6), 4326)::geography, $7, ST_GeoHash(ST_SetSRID(ST_MakePoint($5, $6), 4326), 12),
				$8, $9, $10, $11, $12, $13, $14, $14)
			ON CONFLICT (id) DO NOTHING`,
			f.ID, f.ApplicationID, f.ReporterID, f.Description, f.Point.Longitude, f.Point.Latitude, f.Elevation,
			f.CategoryID, f.BusinessActivityID, f.Public, f.ProMode, meta, string(f.State), f.CreatedAt)
		if err != nil {
			if isForeignKeyViolation(err, "feedbacks_category_id_fkey") {
				return domain.Invalid("category", domain.MsgUnknownReference)
			}
			if isForeignKeyViolation(err, "feedbacks_business_activity_id_fkey") {
				return domain.Invalid("businessActivity", domain.MsgUnknownReference)
			}
			return err
		}
		return insertCheckpoints(ctx, tx, "feedback_checkpoints", "feedback_id", f.ID, cps)
	})
}

// SetFeedbackState records the feedback's new state and the checkpoints that led to it.
func (s *Store) SetFeedbackState(ctx context.Context, id uuid.UUID, state domain.State, cps []Checkpoint) error {
	return s.InTx(ctx, func(tx pgx.Tx) error {
		return setFeedbackState(ctx, tx, id, state, cps)
	})
}

func setFeedbackState(ctx context.Context, tx pgx.Tx, id uuid.UUID, state domain.State, cps []Checkpoint) error {
	at := time.Now()
	if len(cps) > 0 {
		at = cps[len(cps)-1].At
	}
	if _, err := tx.Exec(ctx, `UPDATE feedbacks SET state = $2, updated_at = $3 WHERE id = $1`, id, string(state), at); err != nil {
		return err
	}
	return insertCheckpoints(ctx, tx, "feedback_checkpoints", "feedback_id", id, cps)
}

// DeliverFeedback creates the feedback's reports and marks it delivered, in one transaction;
// running it again changes nothing (report ids are derived from feedback and organization).
func (s *Store) DeliverFeedback(ctx context.Context, feedbackID uuid.UUID, reports []domain.NewReport, state domain.State, cps []Checkpoint) error {
	return s.InTx(ctx, func(tx pgx.Tx) error {
		for _, r := range reports {
			at := r.Checkpoints[0].At
			var category *uuid.UUID
			err := tx.QueryRow(ctx, `INSERT INTO reports (id, feedback_id, application_id, organization_id, place_id, category_id, state, description, created_at, updated_at, arrival_terms_taken)
				SELECT $1, f.id, f.application_id, $2, $3, f.category_id, $4, f.description, $5, $6, true FROM feedbacks f WHERE f.id = $7
				ON CONFLICT (id) DO NOTHING RETURNING category_id`,
				r.ID, r.OrganizationID, r.PlaceID, string(r.State), at, r.Checkpoints[len(r.Checkpoints)-1].At, feedbackID).Scan(&category)
			if errors.Is(err, pgx.ErrNoRows) {
				continue // delivered by an earlier attempt
			}
			if err != nil {
				return err
			}
			if err := takeArrivalTerms(ctx, tx, r.ID, r.OrganizationID, category); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO report_organizations (report_id, organization_id, position, created_at) VALUES ($1, $2, 0, $3)`,
				r.ID, r.OrganizationID, at); err != nil {
				return err
			}
			if err := insertCheckpoints(ctx, tx, "report_checkpoints", "report_id", r.ID, r.Checkpoints); err != nil {
				return err
			}
		}
		return setFeedbackState(ctx, tx, feedbackID, state, cps)
	})
}

// Feedback loads a feedback of the application.
func (s *Store) Feedback(ctx context.Context, appID, id uuid.UUID) (domain.Feedback, error) {
	f, err := scanFeedback(s.Pool.QueryRow(ctx, `SELECT `+feedbackCols+` FROM feedbacks f WHERE f.id = $1 AND f.application_id = $2`, id, appID))
	return f, notFound(err)
}

// FeedbackVisible reports whether the person may see the feedback.
func (s *Store) FeedbackVisible(ctx context.Context, f domain.Feedback, personID uuid.UUID) (bool, error) {
	if f.Public || f.ReporterID == personID {
		return true, nil
	}
	var ok bool
	err := s.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM reports r JOIN report_organizations ro ON ro.report_id = r.id
		JOIN members m ON m.organization_id = ro.organization_id WHERE r.feedback_id = $1 AND m.person_id = $2)`, f.ID, personID).Scan(&ok)
	return ok, err
}

// RetryFeedback moves a FAILED feedback to PENDING_MATCHING; it returns false with the current
// state when the feedback is not FAILED (another run took it, or it was delivered).
func (s *Store) RetryFeedback(ctx context.Context, id uuid.UUID, cp Checkpoint) (domain.State, bool, error) {
	var state string
	var started bool
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT state FROM feedbacks WHERE id = $1 FOR UPDATE`, id).Scan(&state); err != nil {
			return notFound(err)
		}
		// A retried activity finds its own checkpoint: it had started.
		mine, err := hasCheckpoint(ctx, tx, "feedback_checkpoints", "feedback_id", id, cp)
		if err != nil {
			return err
		}
		if mine {
			started = true
			return nil
		}
		if domain.State(state) != domain.FeedbackFailed {
			return nil
		}
		started = true
		return setFeedbackState(ctx, tx, id, cp.State, []Checkpoint{cp})
	})
	return domain.State(state), started, err
}

// FeedbackExtras is what rendering a feedback needs beyond its row.
type FeedbackExtras struct {
	ImageIDs    []uuid.UUID
	Checkpoints []domain.Checkpoint
	Resolved    int // operations resolved, over all its reports
	Operations  int // operations, over all its reports
}

// FeedbackExtrasFor loads images, checkpoints and the operations' progression of several
// feedbacks in three queries.
func (s *Store) FeedbackExtrasFor(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*FeedbackExtras, error) {
	out := make(map[uuid.UUID]*FeedbackExtras, len(ids))
	for _, id := range ids {
		out[id] = &FeedbackExtras{ImageIDs: []uuid.UUID{}, Checkpoints: []domain.Checkpoint{}}
	}
	if err := imagesFor(ctx, s.Pool, "feedback_images", "feedback_id", ids, func(id, image uuid.UUID) {
		out[id].ImageIDs = append(out[id].ImageIDs, image)
	}); err != nil {
		return nil, err
	}
	rows, err := s.Pool.Query(ctx, `SELECT r.feedback_id, count(*) FILTER (WHERE o.state = 'RESOLVED'), count(*)
		FROM operations o JOIN reports r ON r.id = o.report_id
		WHERE r.feedback_id = ANY ($1) AND o.removed_at IS NULL GROUP BY r.feedback_id`, ids)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id uuid.UUID
		var resolved, total int
		if err := rows.Scan(&id, &resolved, &total); err != nil {
			rows.Close()
			return nil, err
		}
		out[id].Resolved, out[id].Operations = resolved, total
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, checkpointsFor(ctx, s.Pool, `SELECT feedback_id, state, created_at, NULL::uuid FROM feedback_checkpoints WHERE feedback_id = ANY ($1) ORDER BY feedback_id, position`,
		ids, func(id uuid.UUID, c domain.Checkpoint) { out[id].Checkpoints = append(out[id].Checkpoints, c) })
}

// imagesFor lists the images of several owners (a feedback_images-like table), oldest first.
func imagesFor(ctx context.Context, q querier, table, key string, ids []uuid.UUID, add func(owner, image uuid.UUID)) error {
	rows, err := q.Query(ctx, `SELECT `+key+`, image_id FROM `+table+` WHERE `+key+` = ANY ($1) ORDER BY created_at, image_id`, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var owner, image uuid.UUID
		if err := rows.Scan(&owner, &image); err != nil {
			return err
		}
		add(owner, image)
	}
	return rows.Err()
}

// FeedbackReporter returns who posted a feedback.
func (s *Store) FeedbackReporter(ctx context.Context, id uuid.UUID) (uuid.UUID, error) {
	var p uuid.UUID
	err := s.Pool.QueryRow(ctx, `SELECT reporter_id FROM feedbacks WHERE id = $1`, id).Scan(&p)
	return p, notFound(err)
}

// FeedbackByID loads a feedback wherever it is (activities know the id only).
func (s *Store) FeedbackByID(ctx context.Context, id uuid.UUID) (domain.Feedback, error) {
	f, err := scanFeedback(s.Pool.QueryRow(ctx, `SELECT `+feedbackCols+` FROM feedbacks f WHERE f.id = $1`, id))
	return f, notFound(err)
}

// LiveReportIDs lists the ids of a feedback's reports that were not withdrawn.
func (s *Store) LiveReportIDs(ctx context.Context, feedbackID uuid.UUID) ([]uuid.UUID, error) {
	return s.ids(ctx, `SELECT id FROM reports WHERE feedback_id = $1 AND state <> 'WITHDRAWN' ORDER BY id`, feedbackID)
}
