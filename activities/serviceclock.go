package activities

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

// Service-level clock activities run as local activities of the report workflow: the working-time
// arithmetic reads time zones, so it runs here and its result is recorded in the history, where a
// replay reads it back instead of computing it again with another release's zone data.

// StartServiceClockInput starts the clocks of a report that reached an organization at At.
type StartServiceClockInput struct {
	ReportID       uuid.UUID
	OrganizationID uuid.UUID
	State          domain.State
	At             time.Time
	// Handover: the report had the clocks of another organization, to replace even by none.
	Handover bool
}

// StartServiceClock starts the clocks of a report on the terms serviceTerms finds; nil when its
// organization promises nothing. Either is written on the report (a new report's columns are
// empty already).
func (a *Activities) StartServiceClock(ctx context.Context, in StartServiceClockInput) (*domain.ServiceClock, error) {
	terms, err := a.serviceTerms(ctx, in)
	if err != nil || (terms == nil && !in.Handover) {
		return nil, err
	}
	var clock *domain.ServiceClock
	if terms != nil {
		c := domain.StartServiceClock(*terms, in.State, in.At)
		clock = &c
	}
	return clock, a.Store.SetReportClock(ctx, in.ReportID, clock)
}

// serviceTerms finds the terms a report's clocks start on: a new report's are those it took when
// it arrived; a report handed over (or created before reports took them) runs on its
// organization's terms for its category now. nil: nothing is promised.
func (a *Activities) serviceTerms(ctx context.Context, in StartServiceClockInput) (*domain.ServiceTerms, error) {
	if !in.Handover {
		terms, taken, err := a.Store.ArrivalTerms(ctx, in.ReportID)
		if err != nil || taken {
			return terms, err
		}
	}
	levels, found, err := a.Store.ServiceLevelsOf(ctx, in.OrganizationID)
	if err != nil || !found {
		return nil, err
	}
	r, err := a.Store.ReportByID(ctx, in.ReportID)
	if err != nil {
		return nil, err
	}
	terms, ok := levels.TermsFor(r.CategoryID)
	if !ok {
		return nil, nil
	}
	return &terms, nil
}

// MoveServiceClockInput is a report's move from one state to another at At.
type MoveServiceClockInput struct {
	ReportID uuid.UUID
	Clock    domain.ServiceClock
	From, To domain.State
	At       time.Time
}

// MoveServiceClock moves the clocks for the report's change of state and writes them.
func (a *Activities) MoveServiceClock(ctx context.Context, in MoveServiceClockInput) (domain.ServiceClock, error) {
	c := in.Clock.On(in.From, in.To, in.At)
	return c, a.Store.SetReportClock(ctx, in.ReportID, &c)
}

// MarkReportOverdueInput is a deadline a report missed, found at At.
type MarkReportOverdueInput struct {
	ReportID uuid.UUID
	Kind     string // domain.BreachAccept or domain.BreachClose
	At       time.Time
}

// MarkReportOverdue records the breach on the report (its first time kept).
func (a *Activities) MarkReportOverdue(ctx context.Context, in MarkReportOverdueInput) error {
	return a.Store.MarkReportBreached(ctx, in.ReportID, in.Kind, in.At)
}
