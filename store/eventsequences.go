package store

import (
	"context"

	"github.com/google/uuid"
)

// EventSequence numbers an event of a resource: the next number of that resource the first time
// the event's key is seen, the same number on every retry. Two events of one resource numbered at
// the same moment would collide on (resource, sequence): the loser's error is retried, and it
// takes the next number.
func (s *Store) EventSequence(ctx context.Context, resourceID uuid.UUID, key string) (int64, error) {
	var n int64
	err := s.Pool.QueryRow(ctx, `WITH numbered AS (
			INSERT INTO webhook_event_sequences (event_key, resource_id, sequence)
			SELECT $2, $1, coalesce(max(sequence), 0) + 1 FROM webhook_event_sequences WHERE resource_id = $1
			ON CONFLICT (event_key) DO NOTHING RETURNING sequence)
		SELECT sequence FROM numbered UNION ALL SELECT sequence FROM webhook_event_sequences WHERE event_key = $2
		LIMIT 1`, resourceID, key).Scan(&n)
	return n, err
}
