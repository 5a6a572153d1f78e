package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/benchkit"
)

// benchCategory names the categories the generated feedbacks are of.
const benchCategory = "Bench category"

// hintsRead names the duplicate hints line: a single feedback's read, whose hints use the
// largest radius and window a category may set, the most a hint query may look at.
var hintsRead = fmt.Sprintf("GET /feedbacks/{id} with duplicate hints (%d m, %d days)", domain.MaxHintRadius, domain.MaxHintWindowDays)

// loadHintCategories creates four categories, each of a bench organization, with the largest
// hint settings.
func (b *bench) loadHintCategories(ctx context.Context) error {
	_, err := b.stack.App.Store.Pool.Exec(ctx, `WITH c AS (
			INSERT INTO categories (id, organization_id, name, color, icon)
			SELECT gen_random_uuid(), id, '`+benchCategory+`', '#777777', 'fa-bug'
			FROM organizations WHERE name LIKE 'Bench organization %' ORDER BY name LIMIT 4 RETURNING id)
		INSERT INTO category_hint_settings (category_id, radius, window_days) SELECT id, $1, $2 FROM c`,
		domain.MaxHintRadius, domain.MaxHintWindowDays)
	return err
}

// loadReports gives each generated feedback without one a report to its category's
// organization, created with it, in a state drawn among the six a client sees (four of them
// open), as matching would have, then analyzes.
func (b *bench) loadReports(ctx context.Context) error {
	start := time.Now()
	tx, err := b.stack.App.Store.Pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit, a no-op
	// The statistics say reports is empty: a nested loop would scan it again for each feedback,
	// over the rows this statement adds. A hash or merge anti join reads it once.
	if _, err := tx.Exec(ctx, `SET LOCAL enable_nestloop = off`); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `WITH r AS (
			INSERT INTO reports (id, feedback_id, application_id, organization_id, category_id, state, created_at, updated_at)
			SELECT gen_random_uuid(), f.id, f.application_id, c.organization_id, f.category_id,
			       (ARRAY['NEW', 'ACCEPTED', 'IN_PROGRESS', 'ON_HOLD', 'REFUSED', 'CLOSED'])[1 + floor(random() * 6)::int], f.created_at, f.created_at
			FROM feedbacks f JOIN categories c ON c.id = f.category_id
			WHERE NOT EXISTS (SELECT 1 FROM reports x WHERE x.feedback_id = f.id)
			RETURNING id, organization_id, created_at)
		INSERT INTO report_organizations (report_id, organization_id, position, created_at) SELECT id, organization_id, 0, created_at FROM r`)
	if err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	for _, table := range []string{"reports", "report_organizations"} {
		if _, err := b.stack.App.Store.Pool.Exec(ctx, `VACUUM ANALYZE `+table); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "reports loaded in %s\n", time.Since(start).Round(time.Second))
	// As for the feedbacks (prewarm): the reports and their indexes in shared buffers, as a server
	// answering reads holds them.
	if _, err := b.stack.App.Store.Pool.Exec(ctx, `SELECT pg_prewarm(c.oid) FROM pg_class c
		WHERE c.oid IN ('reports'::regclass, 'report_organizations'::regclass)
		   OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid IN ('reports'::regclass, 'report_organizations'::regclass))`); err != nil {
		fmt.Fprintf(os.Stderr, "reports not prewarmed: %v\n", err)
	}
	return nil
}

// sampleFeedbacks draws feedbacks of the bench categories, to read at random.
func (b *bench) sampleFeedbacks(ctx context.Context, appID uuid.UUID) ([]domain.Feedback, error) {
	rows, err := b.stack.App.Store.Pool.Query(ctx, `SELECT id FROM feedbacks TABLESAMPLE SYSTEM (1) WHERE category_id IS NOT NULL LIMIT 2000`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Feedback
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		f, err := b.stack.App.Store.Feedback(ctx, appID, id)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no feedback of a bench category")
	}
	return out, rows.Err()
}

// hints measures the read of a single feedback with its duplicate hints through HTTP and, beside
// it, what the handler asks of the store (the feedback, its images, checkpoints and progression,
// its hints); it also prints the hint query alone as a row of the main table.
func (b *bench) hints(ctx context.Context, u *benchkit.Client, appID, viewer uuid.UUID, size int) (viaHTTP, alone result, err error) {
	fs, err := b.sampleFeedbacks(ctx, appID)
	if err != nil {
		return viaHTTP, alone, err
	}
	st := b.stack.App.Store
	found, runs := 0, 0
	if err := b.measure(fmt.Sprintf("duplicate hints query alone (%s feedbacks)", humanCount(size)), func(int) (bool, error) {
		hs, err := st.DuplicateHints(ctx, fs[rand.IntN(len(fs))], viewer)
		found, runs = found+len(hs), runs+1 // a rough count: workers race, which does not matter here
		return true, err
	}); err != nil {
		return viaHTTP, alone, err
	}
	fmt.Fprintf(os.Stderr, "%.2f hints per read on average\n", float64(found)/float64(max(runs, 1)))
	viaHTTP, err = b.sample(hintsRead, func(int) (bool, error) {
		return true, u.Do(http.MethodGet, "/feedbacks/"+fs[rand.IntN(len(fs))].ID.String(), nil, http.StatusOK, nil)
	})
	if err != nil {
		return viaHTTP, alone, err
	}
	alone, err = b.sample("same SQL alone", func(int) (bool, error) {
		f, err := st.Feedback(ctx, appID, fs[rand.IntN(len(fs))].ID)
		if err != nil {
			return false, err
		}
		if _, err := st.FeedbackExtrasFor(ctx, []uuid.UUID{f.ID}); err != nil {
			return false, err
		}
		_, err = st.DuplicateHints(ctx, f, viewer)
		return true, err
	})
	return viaHTTP, alone, err
}
