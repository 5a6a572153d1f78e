package activities_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
	"github.com/keyclic/keyclic/store"
)

// A report runs on the service levels in force when it arrived, even when they change before its
// workflow starts its clocks (a worker busy or restarting): one that arrived under "accept within
// 10h" keeps 10h, one that arrived when nothing was promised keeps no clock, and one that arrives
// after the change runs on the new levels.
func TestReportClockStartsOnTheLevelsItArrivedUnder(t *testing.T) {
	st, ctx := testkit.StoreForTest(t), context.Background()
	acts := &activities.Activities{Store: st, Log: testkit.Logger(), Now: time.Now}
	org, place, reporter := uuid.New(), uuid.New(), uuid.New()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO organizations (id, application_id, name) VALUES ($1, $2, 'Mairie')`, []any{org, cityApp}},
		{`INSERT INTO places (id, organization_id, name, polygon)
			VALUES ($1, $2, 'Centre', 'SRID=4326;POLYGON((-0.6 44.83,-0.55 44.83,-0.55 44.86,-0.6 44.86,-0.6 44.83))')`, []any{place, org}},
		{`INSERT INTO people (id, email, password_hash) VALUES ($1, 'arrival@example.com', 'hash')`, []any{reporter}},
	} {
		if _, err := st.Pool.Exec(ctx, q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	deliver := func() uuid.UUID {
		t.Helper()
		f := domain.Feedback{ID: uuid.New(), ApplicationID: cityApp, ReporterID: reporter, Description: "Nid de poule",
			Point: domain.Point{Latitude: 44.85, Longitude: -0.57}, State: domain.FeedbackNew, CreatedAt: at}
		if err := st.InsertFeedback(ctx, f, []store.Checkpoint{{State: domain.FeedbackNew, At: at}}); err != nil {
			t.Fatal(err)
		}
		r := domain.NewReport{ID: uuid.New(), OrganizationID: org, PlaceID: place, State: domain.ReportNew,
			Checkpoints: []domain.Checkpoint{{State: domain.ReportNew, At: at}}}
		if err := st.DeliverFeedback(ctx, f.ID, []domain.NewReport{r}, domain.FeedbackDelivered,
			[]store.Checkpoint{{State: domain.FeedbackDelivered, At: at}}); err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	setLevels := func(accept time.Duration) {
		t.Helper()
		d := domain.Duration(accept)
		if err := st.ReplaceServiceLevels(ctx, domain.ServiceLevels{OrganizationID: org, Calendar: domain.ServiceCalendar{TimeZone: "UTC"},
			Default: domain.ServiceLevel{AcceptWithin: &d}}, at); err != nil {
			t.Fatal(err)
		}
	}
	acceptBy := func(report uuid.UUID) *time.Time {
		t.Helper()
		c, err := acts.StartServiceClock(ctx, activities.StartServiceClockInput{ReportID: report, OrganizationID: org, State: domain.ReportNew, At: at})
		if err != nil {
			t.Fatal(err)
		}
		if c == nil {
			return nil
		}
		return c.AcceptBy
	}

	beforeAny := deliver()
	setLevels(10 * time.Hour)
	underTen := deliver()
	setLevels(2 * time.Hour)
	underTwo := deliver()

	if got := acceptBy(beforeAny); got != nil {
		t.Errorf("a report that arrived when nothing was promised: accept by %v, want no clock", got)
	}
	if got := acceptBy(underTen); got == nil || !got.Equal(at.Add(10*time.Hour)) {
		t.Errorf("a report that arrived under 10h: accept by %v, want %v", got, at.Add(10*time.Hour))
	}
	if got := acceptBy(underTwo); got == nil || !got.Equal(at.Add(2*time.Hour)) {
		t.Errorf("a report that arrived under 2h: accept by %v, want %v", got, at.Add(2*time.Hour))
	}
}
