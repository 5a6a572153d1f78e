package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
	"github.com/keyclic/keyclic/store"
)

// deskReports stores one organization and n feedbacks of n people, each delivered as one NEW
// report to it, and returns the store, the reporters and the reports.
func deskReports(t *testing.T, n int) (*store.Store, []uuid.UUID, []uuid.UUID) {
	t.Helper()
	st, ctx := testkit.StoreForTest(t), context.Background()
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	org, place := uuid.New(), uuid.New()
	exec(t, st, `INSERT INTO organizations (id, application_id, name) VALUES ($1, $2, 'Mairie')`, org, cityApp)
	exec(t, st, `INSERT INTO places (id, organization_id, name, polygon)
		VALUES ($1, $2, 'Centre', 'SRID=4326;POLYGON((-0.6 44.83,-0.55 44.83,-0.55 44.86,-0.6 44.86,-0.6 44.83))')`, place, org)
	var people, reports []uuid.UUID
	for i := range n {
		person := uuid.New()
		exec(t, st, `INSERT INTO people (id, email, password_hash) VALUES ($1, $2, 'hash')`, person, person.String()+"@example.com")
		f := domain.Feedback{ID: uuid.New(), ApplicationID: cityApp, ReporterID: person, Description: "Nid de poule",
			Point: domain.Point{Latitude: 44.85, Longitude: -0.57}, State: domain.FeedbackNew, CreatedAt: at.Add(time.Duration(i) * time.Minute)}
		if err := st.InsertFeedback(ctx, f, []store.Checkpoint{{State: domain.FeedbackNew, At: f.CreatedAt}}); err != nil {
			t.Fatal(err)
		}
		r := domain.NewReport{ID: uuid.New(), OrganizationID: org, PlaceID: place, State: domain.ReportNew,
			Checkpoints: []domain.Checkpoint{{State: domain.ReportNew, At: f.CreatedAt.Add(time.Second)}}}
		if err := st.DeliverFeedback(ctx, f.ID, []domain.NewReport{r}, domain.FeedbackDelivered,
			[]store.Checkpoint{{State: domain.FeedbackDelivered, At: f.CreatedAt.Add(time.Second)}}); err != nil {
			t.Fatal(err)
		}
		people, reports = append(people, person), append(reports, r.ID)
	}
	return st, people, reports
}

func TestRefuseAsDuplicateWritesOnceWithItsOriginal(t *testing.T) {
	st, people, reports := deskReports(t, 3)
	ctx := context.Background()
	original, duplicate := reports[0], reports[1]
	supporter := people[2]
	exec(t, st, `INSERT INTO feedback_contributions (id, feedback_id, person_id) SELECT $1, feedback_id, $2 FROM reports WHERE id = $3`,
		uuid.New(), supporter, duplicate)
	cp := store.Checkpoint{State: domain.ReportRefused, At: time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC), Key: "state/u1"}
	for range 2 { // the activity retried: the same answer, nothing more
		if err := st.RefuseAsDuplicate(ctx, duplicate, original, domain.ReportNew, cp); err != nil {
			t.Fatal(err)
		}
	}
	r, err := st.ReportByID(ctx, duplicate)
	if err != nil {
		t.Fatal(err)
	}
	if r.State != domain.ReportRefused || r.DuplicateOf == nil || *r.DuplicateOf != original {
		t.Fatalf("duplicate: state %s, duplicate of %v; want REFUSED of %s", r.State, r.DuplicateOf, original)
	}
	x, err := st.ReportExtrasFor(ctx, []uuid.UUID{original, duplicate})
	if err != nil {
		t.Fatal(err)
	}
	cps := x[duplicate].Checkpoints
	if len(cps) != 2 || cps[1].State != domain.ReportRefused || cps[1].DuplicateOf == nil || *cps[1].DuplicateOf != original || cps[0].DuplicateOf != nil {
		t.Fatalf("checkpoints of the duplicate: %+v; want NEW, then REFUSED naming %s", cps, original)
	}
	if !slices.Equal(x[original].Duplicates, []uuid.UUID{duplicate}) || len(x[duplicate].Duplicates) != 0 {
		t.Fatalf("duplicates: of the original %v, of the duplicate %v", x[original].Duplicates, x[duplicate].Duplicates)
	}
	followers, err := st.DuplicateFollowers(ctx, original)
	if err != nil {
		t.Fatal(err)
	}
	if want := []uuid.UUID{people[1], supporter}; !testkit.SameSet(uuidStrings(followers), uuidStrings(want)) {
		t.Fatalf("followers through duplicates %v, want the duplicate's reporter and supporter %v", followers, want)
	}
}

// The rules hold when the write happens, not only when the request was read: an original
// refused meanwhile is a conflict, and nothing is written.
func TestRefuseAsDuplicateChecksTheOriginalAgain(t *testing.T) {
	st, _, reports := deskReports(t, 3)
	ctx := context.Background()
	original, duplicate, third := reports[0], reports[1], reports[2]
	at := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	if err := st.SetReportState(ctx, original, domain.ReportNew, domain.ReportRefused, store.Checkpoint{State: domain.ReportRefused, At: at, Key: "state/u0"}); err != nil {
		t.Fatal(err)
	}
	err := st.RefuseAsDuplicate(ctx, duplicate, original, domain.ReportNew, store.Checkpoint{State: domain.ReportRefused, At: at, Key: "state/u1"})
	if !domain.IsKind(err, domain.KindConflict) {
		t.Fatalf("original refused meanwhile: %v, want a conflict", err)
	}
	err = st.RefuseAsDuplicate(ctx, duplicate, uuid.New(), domain.ReportNew, store.Checkpoint{State: domain.ReportRefused, At: at, Key: "state/u2"})
	if !domain.IsKind(err, domain.KindNotFound) {
		t.Fatalf("unknown original: %v, want not found", err)
	}
	if err := st.RefuseAsDuplicate(ctx, third, duplicate, domain.ReportNew, store.Checkpoint{State: domain.ReportRefused, At: at, Key: "state/u3"}); err != nil {
		t.Fatal(err)
	}
	// The report now has a duplicate: it is not made one itself.
	err = st.RefuseAsDuplicate(ctx, duplicate, third, domain.ReportNew, store.Checkpoint{State: domain.ReportRefused, At: at, Key: "state/u4"})
	if !domain.IsKind(err, domain.KindConflict) {
		t.Fatalf("a report with duplicates made a duplicate: %v, want a conflict", err)
	}
	r, err := st.ReportByID(ctx, duplicate)
	if err != nil {
		t.Fatal(err)
	}
	if r.State != domain.ReportNew || r.DuplicateOf != nil {
		t.Fatalf("refused writes changed the report: state %s, duplicate of %v", r.State, r.DuplicateOf)
	}
	if n := count(t, st, `SELECT count(*) FROM report_checkpoints WHERE report_id = $1`, duplicate); n != 1 {
		t.Fatalf("%d checkpoints after refused writes, want 1", n)
	}
}

func uuidStrings(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}
