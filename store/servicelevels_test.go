package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
)

func hours(n float64) *domain.Duration {
	d := domain.Duration(time.Duration(n * float64(time.Hour)))
	return &d
}

// An organization's service levels are replaced as a whole and read back as written; a category
// of another organization is refused and leaves the levels as they were.
func TestServiceLevelsReplaceAndRead(t *testing.T) {
	st, ctx := testkit.StoreForTest(t), context.Background()
	org, other := uuid.New(), uuid.New()
	for _, o := range []uuid.UUID{org, other} {
		exec(t, st, `INSERT INTO organizations (id, application_id, name) VALUES ($1, $2, 'Mairie')`, o, cityApp)
	}
	roads, lights, foreign := uuid.New(), uuid.New(), uuid.New()
	for _, c := range []struct{ id, org uuid.UUID }{{roads, org}, {lights, org}, {foreign, other}} {
		exec(t, st, `INSERT INTO categories (id, organization_id, name, color, icon) VALUES ($1, $2, 'Voirie', '#aa0000', 'fa-road')`, c.id, c.org)
	}

	if _, ok, err := st.ServiceLevelsOf(ctx, org); err != nil || ok {
		t.Fatalf("before any is set: ok %v err %v, want none", ok, err)
	}

	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	first := domain.ServiceLevels{OrganizationID: org,
		Calendar: domain.ServiceCalendar{TimeZone: "Europe/Paris", Holidays: []string{"2026-12-25", "2027-01-01"},
			Hours: []domain.OpeningRange{{Day: time.Monday, Opens: 540, Closes: 1020}, {Day: time.Friday, Opens: 1320, Closes: 120}}},
		Default: domain.ServiceLevel{AcceptWithin: hours(8), CloseWithin: hours(40)},
		Categories: []domain.CategoryServiceLevel{
			{CategoryID: lights, ServiceLevel: domain.ServiceLevel{AcceptWithin: hours(2.5)}},
			{CategoryID: roads, ServiceLevel: domain.ServiceLevel{CloseWithin: hours(16)}},
		}}
	if err := st.ReplaceServiceLevels(ctx, first, at); err != nil {
		t.Fatal(err)
	}
	got, ok, err := st.ServiceLevelsOf(ctx, org)
	if err != nil || !ok {
		t.Fatalf("read back: ok %v err %v", ok, err)
	}
	if got.Calendar.TimeZone != "Europe/Paris" || !slices.Equal(got.Calendar.Hours, first.Calendar.Hours) ||
		!slices.Equal(got.Calendar.Holidays, first.Calendar.Holidays) || !got.UpdatedAt.Equal(at) {
		t.Errorf("calendar %+v updated %v, want %+v at %v", got.Calendar, got.UpdatedAt, first.Calendar, at)
	}
	if *got.Default.AcceptWithin != *hours(8) || *got.Default.CloseWithin != *hours(40) {
		t.Errorf("default %v %v", got.Default.AcceptWithin, got.Default.CloseWithin)
	}
	if len(got.Categories) != 2 || got.Categories[0].CategoryID != lights || *got.Categories[0].AcceptWithin != *hours(2.5) ||
		got.Categories[0].CloseWithin != nil || got.Categories[1].CategoryID != roads || *got.Categories[1].CloseWithin != *hours(16) {
		t.Errorf("categories %+v, want lights then roads as written", got.Categories)
	}

	// A category of another organization: refused, nothing changes.
	bad := first
	bad.Categories = []domain.CategoryServiceLevel{{CategoryID: foreign, ServiceLevel: domain.ServiceLevel{AcceptWithin: hours(1)}}}
	bad.Calendar.TimeZone = "UTC"
	if err := st.ReplaceServiceLevels(ctx, bad, at.Add(time.Hour)); !domain.IsKind(err, domain.KindNotFound) {
		t.Fatalf("a foreign category: %v, want not found", err)
	}
	if again, _, _ := st.ServiceLevelsOf(ctx, org); again.Calendar.TimeZone != "Europe/Paris" || len(again.Categories) != 2 {
		t.Errorf("after a refused replacement: %+v, want the first levels", again)
	}
	if outside, err := st.CategoriesOutside(ctx, org, []uuid.UUID{roads, foreign, uuid.Nil}); err != nil || !slices.Equal(outside, []uuid.UUID{foreign, uuid.Nil}) {
		t.Errorf("categories outside: %v %v", outside, err)
	}

	// Replacing drops the categories no longer listed and clears the calendar's hours.
	second := domain.ServiceLevels{OrganizationID: org, Calendar: domain.ServiceCalendar{TimeZone: "UTC"},
		Default: domain.ServiceLevel{CloseWithin: hours(24)}}
	if err := st.ReplaceServiceLevels(ctx, second, at.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, _, _ = st.ServiceLevelsOf(ctx, org)
	if got.Calendar.TimeZone != "UTC" || len(got.Calendar.Hours) != 0 || len(got.Calendar.Holidays) != 0 || len(got.Categories) != 0 ||
		got.Default.AcceptWithin != nil || *got.Default.CloseWithin != *hours(24) {
		t.Errorf("replaced: %+v", got)
	}
	// The other organization is untouched, and a missing organization is not found.
	if _, ok, _ := st.ServiceLevelsOf(ctx, other); ok {
		t.Error("the other organization has levels")
	}
	if err := st.ReplaceServiceLevels(ctx, domain.ServiceLevels{OrganizationID: uuid.New(), Calendar: domain.ServiceCalendar{TimeZone: "UTC"}}, at); !domain.IsKind(err, domain.KindNotFound) {
		t.Errorf("an unknown organization: %v, want not found", err)
	}
}
