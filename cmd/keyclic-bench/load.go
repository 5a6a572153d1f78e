package main

import (
	"context"
	"fmt"
	"os"
	"time"
)

// loadPlaces inserts 100 organizations and their places in bulk (generate_series), spread over
// the scenario's area.
func (b *bench) loadPlaces(ctx context.Context, places int) error {
	pool := b.stack.App.Store.Pool
	steps := []string{
		`INSERT INTO organizations (id, application_id, business_activity_id, name)
		 SELECT gen_random_uuid(), a.id, '4bff7cb9-0fd2-4b44-9b0e-f6d17bb4ef36', 'Bench organization ' || g
		 FROM applications a, generate_series(1, 100) g WHERE a.token = 'com.keyclic.app'`,
		fmt.Sprintf(`INSERT INTO places (id, organization_id, name, polygon)
		 SELECT gen_random_uuid(), o.id, 'Bench place ' || g,
		        ST_MakeEnvelope(x, y, x + 0.02 + random() * 0.05, y + 0.02 + random() * 0.05, 4326)
		 FROM (SELECT g, %f + random() * %f AS x, %f + random() * %f AS y,
		              (SELECT array_agg(id) FROM organizations WHERE name LIKE 'Bench organization %%') AS orgs
		       FROM generate_series(1, %d) g) s,
		      LATERAL (SELECT s.orgs[1 + (g %% 100)] AS id) o`, west, east-west-0.1, south, north-south-0.1, places),
	}
	for _, sql := range steps {
		if _, err := pool.Exec(ctx, sql); err != nil {
			return err
		}
	}
	return nil
}

// loadFeedbacks inserts feedbacks in bulk from from to to, spread over the area and over two
// years, as a production database would hold them after years, then vacuums and analyzes.
func (b *bench) loadFeedbacks(ctx context.Context, person string, from, to int) error {
	pool := b.stack.App.Store.Pool
	start := time.Now()
	const batch = 100_000
	for done := from; done < to; done += batch {
		n := min(batch, to-done)
		// Each feedback is of one of the bench categories (none when there are none).
		_, err := pool.Exec(ctx, fmt.Sprintf(`INSERT INTO feedbacks (id, application_id, reporter_id, description, location, geohash, category_id, public, state, created_at, updated_at)
			SELECT gen_random_uuid(), a.id, $1, 'Bench feedback', ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography,
			       ST_GeoHash(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 12), cats[1 + floor(random() * cardinality(cats))::int], true, 'DELIVERED', t, t
			FROM applications a,
			     (SELECT %f + random() * %f AS lon, %f + random() * %f AS lat, now() - random() * interval '730 days' AS t
			      FROM generate_series(1, %d)) s,
			     (SELECT coalesce(array_agg(id), '{}') AS cats FROM categories WHERE name = '`+benchCategory+`') c
			WHERE a.token = 'com.keyclic.app'`, west, east-west, south, north-south, n), person)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "loaded %d/%d feedbacks (%s)\n", done+n, to, time.Since(start).Round(time.Second))
	}
	// What autovacuum does after bulk inserts: statistics for the planner, and the visibility map
	// that lets index-only scans skip the table.
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE feedbacks`); err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, `ANALYZE`); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%d feedbacks loaded in %s\n", to-from, time.Since(start).Round(time.Second))
	b.prewarm(ctx)
	return nil
}

// prewarm reads the feedbacks table and its indexes into Postgres's shared buffers (pg_prewarm),
// as a server that has been answering reads for a while holds them, so that a measurement does
// not start on a cold cache. Without the extension, the measurement warms the cache itself.
func (b *bench) prewarm(ctx context.Context) {
	_, err := b.stack.App.Store.Pool.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pg_prewarm;
		SELECT pg_prewarm(c.oid) FROM pg_class c
		WHERE c.oid = 'feedbacks'::regclass OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'feedbacks'::regclass)`)
	if err != nil {
		fmt.Fprintf(os.Stderr, "feedbacks not prewarmed: %v\n", err)
	}
}

// sharedBuffers is the Postgres server's shared_buffers setting, printed with the results: at
// millions of feedbacks, whether the area's rows are in them decides much of a read's cost.
func (b *bench) sharedBuffers(ctx context.Context) string {
	var v string
	if err := b.stack.App.Store.Pool.QueryRow(ctx, `SHOW shared_buffers`).Scan(&v); err != nil {
		return "unknown"
	}
	return v
}
