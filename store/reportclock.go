package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

// SetReportClock writes where a report's service-level clocks stand, as its workflow moved them
// (nil: the organization treating it promises nothing): the same clock written twice leaves the
// same row.
func (s *Store) SetReportClock(ctx context.Context, id uuid.UUID, clock *domain.ServiceClock) error {
	var c domain.ServiceClock
	var terms []byte
	if clock != nil {
		c = *clock
		var err error
		if terms, err = json.Marshal(c.Terms); err != nil {
			return err
		}
	}
	_, err := s.Pool.Exec(ctx, `UPDATE reports SET service_terms = $2, accept_by = $3, close_by = $4,
		accept_met = $5, close_met = $6 WHERE id = $1`, id, terms, c.AcceptBy, c.CloseBy, c.AcceptMet, c.CloseMet)
	return err
}

// MarkReportBreached records when a report's deadline (accept or close) was first found missed;
// a second call keeps the first time.
func (s *Store) MarkReportBreached(ctx context.Context, id uuid.UUID, kind string, at time.Time) error {
	column := "accept_breached_at"
	if kind == domain.BreachClose {
		column = "close_breached_at"
	}
	_, err := s.Pool.Exec(ctx, `UPDATE reports SET `+column+` = coalesce(`+column+`, $2) WHERE id = $1`, id, at)
	return err
}
