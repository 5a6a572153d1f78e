package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

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

// takeArrivalTerms writes on a report just created the service terms its organization promises
// for its category now (none: the column stays NULL), so that its workflow starts the clocks on
// them whatever changes before it does.
func takeArrivalTerms(ctx context.Context, tx pgx.Tx, report, org uuid.UUID, category *uuid.UUID) error {
	levels, found, err := serviceLevelsOf(ctx, tx, org)
	if err != nil || !found {
		return err
	}
	terms, ok := levels.TermsFor(category)
	if !ok {
		return nil
	}
	raw, err := json.Marshal(terms)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE reports SET service_terms = $2 WHERE id = $1`, report, raw)
	return err
}

// ArrivalTerms reads the service terms a report took when it arrived: taken is false for a report
// created before reports took them (its workflow reads its organization's levels instead); terms
// is nil when its organization promised nothing.
func (s *Store) ArrivalTerms(ctx context.Context, report uuid.UUID) (terms *domain.ServiceTerms, taken bool, err error) {
	var raw []byte
	err = s.Pool.QueryRow(ctx, `SELECT arrival_terms_taken, service_terms FROM reports WHERE id = $1`, report).Scan(&taken, &raw)
	if err != nil || !taken || raw == nil {
		return nil, taken, notFound(err)
	}
	terms = new(domain.ServiceTerms)
	return terms, true, json.Unmarshal(raw, terms)
}
