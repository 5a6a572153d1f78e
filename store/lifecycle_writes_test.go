package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
	"github.com/keyclic/keyclic/store"
)

// Every write an activity makes is retried by Temporal after a crash or a timeout: running it
// again must leave the database as once, and a write the state no longer allows is a conflict.

// deliveredFeedback stores a person and their feedback, delivered as two reports to two
// organizations, and returns the store, the feedback, and the reports.
func deliveredFeedback(t *testing.T) (*store.Store, uuid.UUID, []uuid.UUID) {
	t.Helper()
	st, ctx := testkit.StoreForTest(t), context.Background()
	person := uuid.New()
	exec(t, st, `INSERT INTO people (id, email, password_hash) VALUES ($1, 'anne@example.com', 'hash')`, person)
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	f := domain.Feedback{ID: uuid.New(), ApplicationID: cityApp, ReporterID: person, Description: "Nid de poule",
		Point: domain.Point{Latitude: 44.85, Longitude: -0.57}, State: domain.FeedbackNew, CreatedAt: at}
	for range 2 {
		if err := st.InsertFeedback(ctx, f, []store.Checkpoint{{State: domain.FeedbackNew, At: at}}); err != nil {
			t.Fatal(err)
		}
	}
	var reports []domain.NewReport
	var ids []uuid.UUID
	for range 2 {
		org := uuid.New()
		place := uuid.New()
		exec(t, st, `INSERT INTO organizations (id, application_id, name) VALUES ($1, $2, 'Mairie')`, org, cityApp)
		exec(t, st, `INSERT INTO places (id, organization_id, name, polygon)
			VALUES ($1, $2, 'Centre', 'SRID=4326;POLYGON((-0.6 44.83,-0.55 44.83,-0.55 44.86,-0.6 44.86,-0.6 44.83))')`, place, org)
		r := domain.NewReport{ID: uuid.New(), OrganizationID: org, PlaceID: place, State: domain.ReportNew,
			Checkpoints: []domain.Checkpoint{{State: domain.ReportNew, At: at.Add(time.Second)}}}
		reports, ids = append(reports, r), append(ids, r.ID)
	}
	for range 2 {
		if err := st.DeliverFeedback(ctx, f.ID, reports, domain.FeedbackDelivered, []store.Checkpoint{{State: domain.FeedbackDelivered, At: at.Add(time.Second)}}); err != nil {
			t.Fatal(err)
		}
	}
	return st, f.ID, ids
}

func count(t *testing.T, st *store.Store, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := st.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func TestFeedbackDeliveredTwiceMakesItsReportsOnce(t *testing.T) {
	st, feedback, reports := deliveredFeedback(t)
	if n := count(t, st, `SELECT count(*) FROM reports WHERE feedback_id = $1`, feedback); n != 2 {
		t.Fatalf("%d reports, want 2", n)
	}
	if n := count(t, st, `SELECT count(*) FROM feedback_checkpoints WHERE feedback_id = $1`, feedback); n != 2 {
		t.Fatalf("%d feedback checkpoints, want 2 (NEW, DELIVERED)", n)
	}
	if n := count(t, st, `SELECT count(*) FROM report_checkpoints WHERE report_id = $1`, reports[0]); n != 1 {
		t.Fatalf("%d checkpoints of a new report, want 1", n)
	}
}

func TestAcceptingWithdrawsTheOthersOnceAndOnlyTheFirstWins(t *testing.T) {
	st, _, reports := deliveredFeedback(t)
	ctx := context.Background()
	cp := store.Checkpoint{State: domain.ReportAccepted, At: time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)}
	for range 2 { // the activity retried: the same answer, nothing more
		withdrawn, err := st.AcceptReport(ctx, reports[0], cp)
		if err != nil {
			t.Fatal(err)
		}
		if len(withdrawn) != 1 || withdrawn[0] != reports[1] {
			t.Fatalf("withdrawn %v, want the other report %v", withdrawn, reports[1])
		}
	}
	if n := count(t, st, `SELECT count(*) FROM report_checkpoints WHERE report_id = $1 AND state = 'ACCEPTED'`, reports[0]); n != 1 {
		t.Fatalf("%d ACCEPTED checkpoints, want 1", n)
	}
	var state string
	if err := st.Pool.QueryRow(ctx, `SELECT state FROM reports WHERE id = $1`, reports[1]).Scan(&state); err != nil || state != "WITHDRAWN" {
		t.Fatalf("the other report is %q (%v), want WITHDRAWN", state, err)
	}
	// The other organization accepts too late.
	_, err := st.AcceptReport(ctx, reports[1], store.Checkpoint{State: domain.ReportAccepted, At: cp.At.Add(time.Minute)})
	if de, ok := err.(*domain.Error); !ok || de.Kind != domain.KindConflict {
		t.Fatalf("accepting a withdrawn report: %v, want a conflict", err)
	}
}

func TestStateWriteRetriedIsDoneOnceAndAnotherMoveIsAConflict(t *testing.T) {
	st, _, reports := deliveredFeedback(t)
	ctx := context.Background()
	at := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	if _, err := st.AcceptReport(ctx, reports[0], store.Checkpoint{State: domain.ReportAccepted, At: at}); err != nil {
		t.Fatal(err)
	}
	hold := store.Checkpoint{State: domain.ReportOnHold, At: at.Add(time.Minute)}
	for range 2 {
		if err := st.SetReportState(ctx, reports[0], domain.ReportAccepted, domain.ReportOnHold, hold); err != nil {
			t.Fatalf("hold, then the same hold retried: %v", err)
		}
	}
	if n := count(t, st, `SELECT count(*) FROM report_checkpoints WHERE report_id = $1`, reports[0]); n != 3 {
		t.Fatalf("%d checkpoints, want NEW, ACCEPTED, ON_HOLD", n)
	}
	// Another hold (a new checkpoint) from ACCEPTED: the report is not ACCEPTED any more.
	err := st.SetReportState(ctx, reports[0], domain.ReportAccepted, domain.ReportOnHold, store.Checkpoint{State: domain.ReportOnHold, At: at.Add(time.Hour)})
	if de, ok := err.(*domain.Error); !ok || de.Kind != domain.KindConflict {
		t.Fatalf("a second move from a state left: %v, want a conflict", err)
	}
}

func TestOperationChangeRetriedIsLoggedOnce(t *testing.T) {
	st, _, reports := deliveredFeedback(t)
	ctx := context.Background()
	var org, admin uuid.UUID
	if err := st.Pool.QueryRow(ctx, `SELECT organization_id FROM reports WHERE id = $1`, reports[0]).Scan(&org); err != nil {
		t.Fatal(err)
	}
	if err := st.Pool.QueryRow(ctx, `SELECT id FROM people LIMIT 1`).Scan(&admin); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 5, 11, 0, 0, 0, time.UTC)
	op := domain.Operation{ID: uuid.New(), ReportID: reports[0], OrganizationID: org, CreatedBy: admin, Name: "Reboucher",
		State: domain.OperationNew, CreatedAt: at}
	created := domain.LogEntry{Key: "create/u1", Action: "create", ActorID: &admin, Data: map[string]any{}, LoggedAt: at}
	progress := domain.OperationChange{From: domain.OperationNew, To: domain.OperationInProgress,
		Log: domain.LogEntry{Key: "progress/u2", Action: "progress", ActorID: &admin, Data: map[string]any{}, LoggedAt: at.Add(time.Minute)}}
	for range 2 {
		if err := st.InsertOperation(ctx, op, created); err != nil {
			t.Fatal(err)
		}
		if err := st.ChangeOperation(ctx, op.ID, progress); err != nil {
			t.Fatalf("change, then the same change retried: %v", err)
		}
	}
	logs, total, err := st.OperationLogs(ctx, op.ID, domain.Page{Page: 1, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(logs) != 2 || logs[0].Action != "create" || logs[1].Action != "progress" {
		t.Fatalf("log %+v (total %d), want create then progress, once each", logs, total)
	}
	if n := count(t, st, `SELECT count(*) FROM operation_checkpoints WHERE operation_id = $1`, op.ID); n != 2 {
		t.Fatalf("%d operation checkpoints, want 2", n)
	}
}
