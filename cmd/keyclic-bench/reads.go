package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/benchkit"
	"github.com/keyclic/keyclic/internal/testkit"
)

// The reads scenario's area: mainland France, where the generated feedbacks and places lie.
const (
	south, north = 43.0, 50.0
	west, east   = -1.0, 7.0
)

// reads loads feedbacks and places with SQL, then measures the list filters and place matching.
func (b *bench) reads(ctx context.Context, feedbacks, places int) error {
	c := benchkit.NewClient(b.stack.HTTP.URL)
	u, person, err := c.User()
	if err != nil {
		return err
	}
	if err := b.load(ctx, person, feedbacks, places); err != nil {
		return err
	}
	q := func(v url.Values) string { return "/feedbacks?" + v.Encode() }
	if err := b.measure(fmt.Sprintf("GET /feedbacks geo_near 1 km (%d feedbacks)", feedbacks), func(int) (bool, error) {
		p := randomPoint()
		return true, u.Do(http.MethodGet, q(url.Values{"geo_near": {fmt.Sprintf("%+f%+f+1000", p.Latitude, p.Longitude)}}), nil, http.StatusOK, nil)
	}); err != nil {
		return err
	}
	if err := b.measure("GET /feedbacks geo_near[radius]=5000 (bracket form)", func(int) (bool, error) {
		p := randomPoint()
		return true, u.Do(http.MethodGet, q(url.Values{"geo_near[radius]": {"5000"}, "geo_near[geo_coordinates]": {fmt.Sprintf("%+f%+f", p.Latitude, p.Longitude)}}), nil, http.StatusOK, nil)
	}); err != nil {
		return err
	}
	if err := b.measure("GET /feedbacks geo_hash[] (two 5-character cells)", func(int) (bool, error) {
		h1, h2 := cell(randomPoint()), cell(randomPoint())
		return true, u.Do(http.MethodGet, q(url.Values{"geo_hash[]": {h1, h2}}), nil, http.StatusOK, nil)
	}); err != nil {
		return err
	}
	appID := b.appID(ctx)
	if err := b.measure(fmt.Sprintf("place matching of one point (SQL, %d places)", places), func(int) (bool, error) {
		_, err := b.stack.App.Store.MatchCandidates(ctx, appID, randomPoint())
		return true, err
	}); err != nil {
		return err
	}
	return b.measure("GET /places?geo_coordinates (HTTP)", func(int) (bool, error) {
		p := randomPoint()
		return true, u.Do(http.MethodGet, "/places?"+url.Values{"geo_coordinates": {fmt.Sprintf("%+f%+f", p.Latitude, p.Longitude)}}.Encode(), nil, http.StatusOK, nil)
	})
}

func randomPoint() domain.Point {
	return domain.Point{Latitude: south + rand.Float64()*(north-south), Longitude: west + rand.Float64()*(east-west)}
}

func (b *bench) appID(ctx context.Context) (id [16]byte) {
	_ = b.stack.App.Store.Pool.QueryRow(ctx, `SELECT id FROM applications WHERE token = 'com.keyclic.app'`).Scan(&id)
	return id
}

// load inserts organizations, places and feedbacks in bulk (generate_series), as a production
// database would hold them after years.
func (b *bench) load(ctx context.Context, person string, feedbacks, places int) error {
	pool := b.stack.App.Store.Pool
	start := time.Now()
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
	const batch = 100_000
	for done := 0; done < feedbacks; done += batch {
		n := min(batch, feedbacks-done)
		_, err := pool.Exec(ctx, fmt.Sprintf(`INSERT INTO feedbacks (id, application_id, reporter_id, description, location, geohash, public, state, created_at, updated_at)
			SELECT gen_random_uuid(), a.id, $1, 'Bench feedback', ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography,
			       ST_GeoHash(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 12), true, 'DELIVERED', t, t
			FROM applications a,
			     (SELECT %f + random() * %f AS lon, %f + random() * %f AS lat, now() - random() * interval '730 days' AS t
			      FROM generate_series(1, %d)) s
			WHERE a.token = 'com.keyclic.app'`, west, east-west, south, north-south, n), person)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "loaded %d/%d feedbacks (%s)\n", done+n, feedbacks, time.Since(start).Round(time.Second))
	}
	_, err := pool.Exec(ctx, `ANALYZE`)
	fmt.Fprintf(os.Stderr, "data loaded in %s\n", time.Since(start).Round(time.Second))
	return err
}

// cell is the 5-character geohash cell of a point.
func cell(p domain.Point) string { return testkit.GeoHash(testkit.Pt(p.Latitude, p.Longitude), 5) }
