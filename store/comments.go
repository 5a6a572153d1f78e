package store

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

// Activity is something a person did on a feedback or an operation (a comment, a support), as
// activity lists show it.
type Activity struct {
	ID        uuid.UUID
	ActorID   uuid.UUID
	ObjectID  uuid.UUID // the feedback or operation
	Message   string    // a comment's text; empty for a support
	CreatedAt time.Time
}

func scanActivity(r pgx.Row) (Activity, error) {
	var a Activity
	err := r.Scan(&a.ID, &a.ActorID, &a.ObjectID, &a.Message, &a.CreatedAt)
	return a, err
}

// AddFeedbackComment stores a comment (id, or a new one when zero) on a feedback; the notices go
// to the outbox in the same transaction.
func (s *Store) AddFeedbackComment(ctx context.Context, id, feedbackID, authorID uuid.UUID, text string, at time.Time, notices ...domain.Notice) (Activity, error) {
	a := Activity{ID: orNew(id), ActorID: authorID, ObjectID: feedbackID, Message: text, CreatedAt: at}
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO feedback_comments (id, feedback_id, author_id, text, created_at) VALUES ($1, $2, $3, $4, $5)`,
			a.ID, feedbackID, authorID, text, at); err != nil {
			return err
		}
		return addNotices(ctx, tx, notices)
	})
	return a, err
}

// FeedbackComments lists a feedback's comments (newest first unless the page says otherwise).
func (s *Store) FeedbackComments(ctx context.Context, feedbackID uuid.UUID, p domain.Page) ([]Activity, int, error) {
	f := &filter{}
	f.where("fc.feedback_id = %s", feedbackID)
	return listPage(ctx, s.Pool, "fc.id, fc.author_id, fc.feedback_id, fc.text, fc.created_at", "feedback_comments fc", "fc", f, p, scanActivity)
}

// AddOperationComment stores a comment (id, or a new one when zero) on a live operation and
// records it in the operation's log (action "comment", key "comment/<id>"), in one transaction.
// A removed operation is not found.
func (s *Store) AddOperationComment(ctx context.Context, id, operationID, authorID uuid.UUID, text string, at time.Time, notices ...domain.Notice) (Activity, error) {
	a := Activity{ID: orNew(id), ActorID: authorID, ObjectID: operationID, Message: text, CreatedAt: at}
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		if err := lockLiveOperation(ctx, tx, operationID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO operation_comments (id, operation_id, author_id, text, created_at) VALUES ($1, $2, $3, $4, $5)`,
			a.ID, operationID, authorID, text, at); err != nil {
			return err
		}
		_, err := writeLog(ctx, tx, operationID, domain.LogEntry{
			Key: "comment/" + a.ID.String(), Action: "comment", ActorID: &authorID, LoggedAt: at,
			Data: map[string]any{"comment": a.ID.String(), "text": text},
		})
		if err != nil {
			return err
		}
		return addNotices(ctx, tx, notices)
	})
	return a, err
}

// OperationComments lists an operation's comments (newest first unless the page says otherwise).
func (s *Store) OperationComments(ctx context.Context, operationID uuid.UUID, p domain.Page) ([]Activity, int, error) {
	f := &filter{}
	f.where("oc.operation_id = %s", operationID)
	return listPage(ctx, s.Pool, "oc.id, oc.author_id, oc.operation_id, oc.text, oc.created_at", "operation_comments oc", "oc", f, p, scanActivity)
}

// lockLiveOperation locks the operation's row until the transaction ends (changes of its state
// lock it too, so log versions stay in order); a removed or unknown operation is not found.
func lockLiveOperation(ctx context.Context, tx pgx.Tx, id uuid.UUID) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM operations WHERE id = $1 AND removed_at IS NULL FOR UPDATE`, id).Scan(&one)
	return notFound(err)
}
