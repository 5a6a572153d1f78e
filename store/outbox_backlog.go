package store

import "context"

// OutboxBacklog is what waits in the outbox: the notices not yet dispatched, and how long the
// oldest has waited.
type OutboxBacklog struct {
	Pending       int64
	OldestSeconds float64 // 0 when nothing waits
}

// OutboxBacklog counts the undispatched notices, from the outbox_pending partial index.
func (s *Store) OutboxBacklog(ctx context.Context) (OutboxBacklog, error) {
	var b OutboxBacklog
	err := s.Pool.QueryRow(ctx, `SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8
		FROM outbox WHERE dispatched_at IS NULL`).Scan(&b.Pending, &b.OldestSeconds)
	return b, err
}
