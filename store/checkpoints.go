package store

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

// Checkpoint is a state reached at a time. Times come from workflow time, so a retried activity
// writes the same checkpoint again and finds it already stored.
type Checkpoint = domain.Checkpoint

// The checkpoint tables (feedback_checkpoints, report_checkpoints, operation_checkpoints) share
// one shape: the resource's id in key, its position, the state and the time it was reached.

// insertCheckpoints appends checkpoints to a resource's list; one already stored (the same key,
// or without key the same state and time) is skipped.
func insertCheckpoints(ctx context.Context, tx pgx.Tx, table, key string, id uuid.UUID, cps []Checkpoint) error {
	for _, c := range cps {
		_, err := tx.Exec(ctx, `INSERT INTO `+table+` (`+key+`, position, state, created_at, key)
			SELECT $1, coalesce(max(position) + 1, 0), $2, $3, nullif($4, '') FROM `+table+` WHERE `+key+` = $1
			ON CONFLICT DO NOTHING`, id, string(c.State), c.At, c.Key)
		if err != nil {
			return err
		}
	}
	return nil
}

// hasCheckpoint reports whether a resource has cp already: the same key (the same workflow step,
// even run again at a later time), or without key the same state and time. A retried write finds
// its own checkpoint. A failed read is an error, not an absence.
func hasCheckpoint(ctx context.Context, tx pgx.Tx, table, key string, id uuid.UUID, cp Checkpoint) (bool, error) {
	var ok bool
	if cp.Key != "" {
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+` WHERE `+key+` = $1 AND key = $2)`, id, cp.Key).Scan(&ok)
		return ok, err
	}
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+` WHERE `+key+` = $1 AND state = $2 AND created_at = $3)`,
		id, string(cp.State), cp.At).Scan(&ok)
	return ok, err
}
