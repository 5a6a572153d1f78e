package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
	"github.com/keyclic/keyclic/store"
)

var (
	keyclicApp = uuid.MustParse("0b9ac7b8-7c1e-4f38-9d0c-6f1d2a000001")
	cityApp    = uuid.MustParse("0b9ac7b8-7c1e-4f38-9d0c-6f1d2a000002")
)

// exec runs statements on a database being migrated, failing the test on an error.
func exec(t *testing.T, st *store.Store, sql string, args ...any) {
	t.Helper()
	if _, err := st.Pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// Wall entries written before 00009 get the application of the object they are about; the
// welcome (about the account) none; an entry whose object is gone is dropped.
func TestMigrationNotificationApplication(t *testing.T) {
	st, ctx := testkit.StoreAtVersion(t, 8), context.Background()
	person, org, feedback, report, operation := uuid.New(), uuid.New(), uuid.New(), uuid.New(), uuid.New()
	exec(t, st, `INSERT INTO people (id, email, password_hash) VALUES ($1, 'anne@example.com', 'hash')`, person)
	exec(t, st, `INSERT INTO organizations (id, application_id, business_activity_id, name)
		VALUES ($1, $2, '4bff7cb9-0fd2-4b44-9b0e-f6d17bb4ef36', 'Mairie')`, org, cityApp)
	exec(t, st, `INSERT INTO feedbacks (id, application_id, reporter_id, location, geohash, state)
		VALUES ($1, $2, $3, 'POINT(-0.57 44.85)', 'ezzz', 'DELIVERED')`, feedback, cityApp, person)
	exec(t, st, `INSERT INTO reports (id, feedback_id, application_id, organization_id, state) VALUES ($1, $2, $3, $4, 'NEW')`,
		report, feedback, cityApp, org)
	exec(t, st, `INSERT INTO operations (id, report_id, organization_id, created_by, state) VALUES ($1, $2, $3, $4, 'NEW')`,
		operation, report, org, person)
	entries := map[string]struct {
		objectType string
		objectID   uuid.UUID
	}{
		"feedback": {"Feedback", feedback}, "report": {"Report", report}, "operation": {"Operation", operation},
		"welcome": {"Person", person}, "orphan": {"Report", uuid.New()},
	}
	for key, e := range entries {
		exec(t, st, `INSERT INTO notifications (id, key, person_id, action, object_type, object_id) VALUES ($1, $2, $3, 'x', $4, $5)`,
			uuid.New(), key, person, e.objectType, e.objectID)
	}
	exec(t, st, `INSERT INTO devices (id, person_id, token) VALUES ($1, $2, 'token')`, uuid.New(), person)

	if err := store.MigrateTo(ctx, st.Pool, 9, testkit.Logger()); err != nil {
		t.Fatal(err)
	}
	rows, err := st.Pool.Query(ctx, `SELECT key, application_id FROM notifications`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*uuid.UUID{}
	for rows.Next() {
		var key string
		var app *uuid.UUID
		if err := rows.Scan(&key, &app); err != nil {
			t.Fatal(err)
		}
		got[key] = app
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	if len(got) != 4 || got["welcome"] != nil {
		t.Fatalf("entries after the migration: %v, want feedback, report, operation (city) and welcome (none)", got)
	}
	for _, key := range []string{"feedback", "report", "operation"} {
		if got[key] == nil || *got[key] != cityApp {
			t.Fatalf("%s entry: application %v, want %s", key, got[key], cityApp)
		}
	}
	var devices int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM devices WHERE application_id IS NULL`).Scan(&devices); err != nil || devices != 1 {
		t.Fatalf("devices of no application: %d (error %v), want the one registered before", devices, err)
	}
	// From now on an entry about an application's object must name it, and only such entries do.
	for _, bad := range []struct {
		objectType string
		app        *uuid.UUID
	}{{"Report", nil}, {"Person", &keyclicApp}} {
		if _, err := st.Pool.Exec(ctx, `INSERT INTO notifications (id, key, person_id, application_id, action, object_type, object_id)
			VALUES ($1, $2, $3, $4, 'x', $5, $6)`, uuid.New(), uuid.NewString(), person, bad.app, bad.objectType, uuid.New()); err == nil {
			t.Fatalf("%s entry with application %v accepted", bad.objectType, bad.app)
		}
	}
}

// Failed logins and pending reset requests counted before 00010 keep counting after it.
func TestMigrationThrottles(t *testing.T) {
	st, ctx := testkit.StoreAtVersion(t, 9), context.Background()
	person, pending := uuid.New(), uuid.New()
	exec(t, st, `INSERT INTO people (id, email, password_hash) VALUES ($1, 'anne@example.com', 'hash')`, person)
	exec(t, st, `INSERT INTO password_resets (id, person_id, expires_at, created_at) VALUES
		($1, $2, now() + interval '1 hour', now() - interval '10 seconds'),
		($3, $2, now() + interval '1 hour', now() - interval '1 minute')`, pending, person, uuid.New())
	exec(t, st, `UPDATE password_resets SET state = 'EXPIRED' WHERE id <> $1`, pending)
	for i := 0; i < 3; i++ {
		exec(t, st, `INSERT INTO login_failures (login_hash, at) VALUES (sha256('anne@example.com'), now() - interval '1 minute')`)
	}

	if err := store.MigrateTo(ctx, st.Pool, 10, testkit.Logger()); err != nil {
		t.Fatal(err)
	}
	var holder uuid.UUID
	if err := st.Pool.QueryRow(ctx, `SELECT request_id FROM password_reset_throttles WHERE person_id = $1`, person).Scan(&holder); err != nil || holder != pending {
		t.Fatalf("throttle slot held by %s (error %v), want the pending request %s", holder, err, pending)
	}
	// Three failures counted, a limit of four: one attempt more, then 429.
	if ok, _, err := st.ClaimLoginAttempt(ctx, "anne@example.com", 4, time.Hour); err != nil || !ok {
		t.Fatalf("fourth attempt: %v, %v", ok, err)
	}
	if ok, _, err := st.ClaimLoginAttempt(ctx, "anne@example.com", 4, time.Hour); err != nil || ok {
		t.Fatalf("fifth attempt: %v, %v", ok, err)
	}
}
