package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
	"github.com/keyclic/keyclic/store"
)

// A small area's page carries its own count: every page, the last one and one past the end,
// reports the same total as a list over the whole application, and the pages together hold each
// feedback once.
func TestSmallAreaListTotalOnEveryPage(t *testing.T) {
	st, ctx := testkit.StoreForTest(t), context.Background()
	app := appID(t, st)
	viewer := newPerson(t, st)
	// Seven public feedbacks within a few hundred metres of Lyon's town hall, one in Paris.
	for i := 0; i < 7; i++ {
		exec(t, st, fmt.Sprintf(`INSERT INTO feedbacks (id, application_id, reporter_id, description, location, geohash, public, state, created_at, updated_at)
			SELECT gen_random_uuid(), $1, $2, 'near', ST_MakePoint(4.8357 + %d * 0.001, 45.7676)::geography,
			       ST_GeoHash(ST_MakePoint(4.8357 + %d * 0.001, 45.7676), 12), true, 'DELIVERED', now() - interval '%d minutes', now()`, i, i, i), app, viewer.ID)
	}
	exec(t, st, `INSERT INTO feedbacks (id, application_id, reporter_id, description, location, geohash, public, state)
		VALUES (gen_random_uuid(), $1, $2, 'far', ST_MakePoint(2.3522, 48.8566)::geography, ST_GeoHash(ST_MakePoint(2.3522, 48.8566), 12), true, 'DELIVERED')`, app, viewer.ID)

	filters := map[string]store.FeedbackFilter{
		"geo_near 2 km": {Near: &store.GeoNear{Point: domain.Point{Latitude: 45.7676, Longitude: 4.8357}, Radius: 2000}},
		"geo_hash cell": {GeoHashes: []string{testkit.GeoHash(testkit.Pt(45.7676, 4.8357), 5)}},
		// The same cell twice and a cell inside it: each feedback is still counted once.
		"geo_hash cells overlapping": {GeoHashes: []string{testkit.GeoHash(testkit.Pt(45.7676, 4.8357), 5),
			testkit.GeoHash(testkit.Pt(45.7676, 4.8357), 7), testkit.GeoHash(testkit.Pt(45.7676, 4.8357), 5)}},
	}
	for name, ff := range filters {
		ff.ApplicationID, ff.ViewerID = app, viewer.ID
		seen := map[uuid.UUID]bool{}
		for page, want := range []int{3, 3, 1, 0} {
			items, total, err := st.Feedbacks(ctx, ff, domain.Page{Page: page + 1, Limit: 3, Desc: true})
			if err != nil {
				t.Fatalf("%s page %d: %v", name, page+1, err)
			}
			if len(items) != want || total != 7 {
				t.Errorf("%s page %d: %d items, total %d; want %d items, total 7", name, page+1, len(items), total, want)
			}
			for _, f := range items {
				if seen[f.ID] || f.Description != "near" {
					t.Errorf("%s page %d: %s (%q) listed twice or outside the area", name, page+1, f.ID, f.Description)
				}
				seen[f.ID] = true
			}
		}
	}
	_, total, err := st.Feedbacks(ctx, store.FeedbackFilter{ApplicationID: app, ViewerID: viewer.ID}, domain.Page{Page: 9, Limit: 3})
	if err != nil || total != 8 {
		t.Fatalf("whole application past its end: total %d (%v), want 8", total, err)
	}
	empty := store.FeedbackFilter{ApplicationID: app, ViewerID: viewer.ID, Near: &store.GeoNear{Point: domain.Point{Latitude: 43.3, Longitude: 5.37}, Radius: 1000}}
	if items, total, err := st.Feedbacks(ctx, empty, domain.Page{Page: 1, Limit: 3}); err != nil || len(items) != 0 || total != 0 {
		t.Fatalf("empty area: %d items, total %d (%v)", len(items), total, err)
	}
}

func appID(t *testing.T, st *store.Store) (id uuid.UUID) {
	t.Helper()
	if err := st.Pool.QueryRow(context.Background(), `SELECT id FROM applications WHERE token = 'com.keyclic.app'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
