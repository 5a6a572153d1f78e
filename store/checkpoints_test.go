package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

// A retried state write whose checkpoint lookup fails (the connection dropped) answers that
// error, to be retried, not a 409 saying the report moved elsewhere.
func TestFailedCheckpointLookupIsAnErrorNotAConflict(t *testing.T) {
	lost := errors.New("connection lost")
	tx := &scriptedTx{rows: []row{
		func(dest ...any) error { *dest[0].(*string) = string(domain.ReportAccepted); return nil }, // the report, already moved
		func(...any) error { return lost }, // its checkpoint, unreadable
	}}
	cp := Checkpoint{State: domain.ReportAccepted, At: time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)}
	err := setReportState(context.Background(), tx, uuid.New(), domain.ReportNew, domain.ReportAccepted, cp)
	if !errors.Is(err, lost) {
		t.Fatalf("setReportState = %v, want the lookup's error", err)
	}
	var de *domain.Error
	if errors.As(err, &de) {
		t.Fatalf("a failed read became a domain error: %v", de)
	}
}

// scriptedTx answers QueryRow with its rows in order; anything else is not expected.
type scriptedTx struct {
	pgx.Tx
	rows []row
}

func (s *scriptedTx) QueryRow(context.Context, string, ...any) pgx.Row {
	r := s.rows[0]
	s.rows = s.rows[1:]
	return r
}

type row func(dest ...any) error

func (r row) Scan(dest ...any) error { return r(dest...) }
