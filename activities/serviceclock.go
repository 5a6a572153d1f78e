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

// StartServiceClock starts the clocks of a new report on the terms it took when it arrived, or of
// a report handed over on its receiver's terms for its category now; nil when the organization
// promises nothing. Either is written on the report.
func (a *Activities) StartServiceClock(ctx context.Context, in StartServiceClockInput) (*domain.ServiceClock, error) {
	if !in.Handover {
		terms, taken, err := a.Store.ArrivalTerms(ctx, in.ReportID)
		if err != nil {
			return nil, err
		}
		if taken {
			if terms == nil {
				return nil, nil // its columns are empty already
			}
			c := domain.StartServiceClock(*terms, in.State, in.At)
			return &c, a.Store.SetReportClock(ctx, in.ReportID, &c)
		}
	}
	levels, found, err := a.Store.ServiceLevelsOf(ctx, in.OrganizationID)
	if err != nil {
		return nil, err
	}
	var clock *domain.ServiceClock
	if found {
		r, err := a.Store.ReportByID(ctx, in.ReportID)
		if err != nil {
			return nil, err
		}
		if terms, ok := levels.TermsFor(r.CategoryID); ok {
			c := domain.StartServiceClock(terms, in.State, in.At)
			clock = &c
		}
	}
	if clock == nil && !in.Handover {
		return nil, nil // a new report's columns are empty already
	}
	return clock, a.Store.SetReportClock(ctx, in.ReportID, clock)
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
