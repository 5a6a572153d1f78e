package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/internal/testkit"
	"github.com/keyclic/keyclic/store"
)

// The errors pgx gives when Postgres goes away, produced for real, are "unavailable" (the API
// answers 503 with Retry-After); errors of the request itself are not.
func TestPostgresAwayIsUnavailable(t *testing.T) {
	st, ctx := testkit.StoreForTest(t), context.Background()
	dsn := st.Pool.Config().ConnConfig.ConnString()

	// Nothing listening.
	_, err := pgx.Connect(ctx, "postgres://postgres@127.0.0.1:1/keyclic?sslmode=disable&connect_timeout=2")
	expectUnavailable(t, "connection refused", err, true)

	// A session ended by the server (a restart's "terminating connection due to administrator
	// command", 57P01), then the same connection used again.
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := st.Pool.Exec(ctx, `SELECT pg_terminate_backend($1)`, conn.PgConn().PID()); err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(ctx, `SELECT 1`)
	expectUnavailable(t, "session terminated", err, true)
	_, err = conn.Exec(ctx, `SELECT 1`)
	expectUnavailable(t, "connection closed by the server, used again", err, true)

	// A connection closed on this side.
	closed, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	_ = closed.Close(ctx)
	_, err = closed.Exec(ctx, `SELECT 1`)
	expectUnavailable(t, "closed connection", err, true)

	// A statement the server gave up on (57014), and one the request's time ran out on.
	_, err = st.Pool.Exec(ctx, `SET LOCAL statement_timeout = 1; SELECT pg_sleep(1)`)
	expectUnavailable(t, "statement timeout", err, true)
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = st.Pool.Exec(short, `SELECT pg_sleep(2)`)
	expectUnavailable(t, "request time over", err, true)

	// Errors of the request itself.
	_, err = st.Pool.Exec(ctx, `SELECT 1/0`)
	expectUnavailable(t, "division by zero", err, false)
	_, err = st.Pool.Exec(ctx, `SELECT nosuchcolumn FROM people`)
	expectUnavailable(t, "undefined column", err, false)
	err = st.Pool.QueryRow(ctx, `SELECT 1 WHERE false`).Scan(new(int))
	expectUnavailable(t, "no rows", err, false)
	expectUnavailable(t, "nil", nil, false)
}

func expectUnavailable(t *testing.T, what string, err error, want bool) {
	t.Helper()
	if want && err == nil {
		t.Errorf("%s: no error", what)
		return
	}
	if got := store.IsUnavailable(err); got != want {
		t.Errorf("%s: IsUnavailable(%v [%T]) = %v, want %v", what, err, errors.Unwrap(err), got, want)
	}
}
