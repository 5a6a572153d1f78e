package store

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

// AddContribution records that the person supports the feedback, under id (a new one when zero).
// A person supports a feedback once: a second time is a conflict and changes nothing, unless it
// is the same support (its id), sent again.
func (s *Store) AddContribution(ctx context.Context, id, feedbackID, personID uuid.UUID, at time.Time) (Activity, error) {
	a := Activity{ID: orNew(id), ActorID: personID, ObjectID: feedbackID, CreatedAt: at}
	tag, err := s.Pool.Exec(ctx, `INSERT INTO feedback_contributions (id, feedback_id, person_id, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (feedback_id, person_id) DO NOTHING`, a.ID, feedbackID, personID, at)
	if err != nil {
		return a, err
	}
	if tag.RowsAffected() == 0 {
		var existing uuid.UUID
		err := s.Pool.QueryRow(ctx, `SELECT id FROM feedback_contributions WHERE feedback_id = $1 AND person_id = $2`, feedbackID, personID).Scan(&existing)
		if err == nil && existing == a.ID {
			return a, nil
		}
		return a, domain.Conflict(domain.MsgAlreadyContributed)
	}
	return a, nil
}

// FeedbackContributions lists a feedback's supports (newest first unless the page says otherwise).
func (s *Store) FeedbackContributions(ctx context.Context, feedbackID uuid.UUID, p domain.Page) ([]Activity, int, error) {
	f := &filter{}
	f.where("fc.feedback_id = %s", feedbackID)
	return listPage(ctx, s.Pool, "fc.id, fc.person_id, fc.feedback_id, '', fc.created_at", "feedback_contributions fc", "fc", f, p, scanActivity)
}

// ContributionSummary counts a feedback's supports and their supporters, with the times of the
// first and the latest (zero times when there is none).
type ContributionSummary struct {
	Supports, Supporters int
	First, Latest        time.Time
}

// FeedbackContributionSummary sums up a feedback's supports.
func (s *Store) FeedbackContributionSummary(ctx context.Context, feedbackID uuid.UUID) (ContributionSummary, error) {
	var out ContributionSummary
	var first, latest *time.Time
	err := s.Pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT person_id), min(created_at), max(created_at)
		FROM feedback_contributions WHERE feedback_id = $1`, feedbackID).Scan(&out.Supports, &out.Supporters, &first, &latest)
	if first != nil && latest != nil {
		out.First, out.Latest = *first, *latest
	}
	return out, err
}
