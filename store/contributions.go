package store

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

// AddContribution records that the person supports the feedback. A person supports a feedback
// once: a second time is a conflict and changes nothing.
func (s *Store) AddContribution(ctx context.Context, feedbackID, personID uuid.UUID, at time.Time) (Activity, error) {
	a := Activity{ID: uuid.New(), ActorID: personID, ObjectID: feedbackID, CreatedAt: at}
	tag, err := s.Pool.Exec(ctx, `INSERT INTO feedback_contributions (id, feedback_id, person_id, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (feedback_id, person_id) DO NOTHING`, a.ID, feedbackID, personID, at)
	if err != nil {
		return a, err
	}
	if tag.RowsAffected() == 0 {
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
