// Package testkit starts the real dependencies for tests: a fresh Postgres database (with PostGIS,
// migrated) and a Temporal dev server, plus the whole service in-process behind httptest.
package testkit

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/store"
)

// serverURL is the Postgres server tests create their databases on.
func serverURL() string {
	if v := os.Getenv("KEYCLIC_TEST_DATABASE_URL"); v != "" {
		return v
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Database is a throwaway database, migrated, dropped by Drop.
type Database struct {
	URL   string
	Store *store.Store
	name  string
}

// NewDatabase creates and migrates a database with a unique name.
func NewDatabase(ctx context.Context, prefix string) (*Database, error) {
	return newDatabase(ctx, prefix, math.MaxInt64)
}

// newDatabase creates a database with a unique name, migrated up to version.
func newDatabase(ctx context.Context, prefix string, version int64) (*Database, error) {
	name := fmt.Sprintf("keyclic_test_%s_%s", prefix, strings.ReplaceAll(uuid.NewString()[:8], "-", ""))
	u, err := url.Parse(serverURL())
	if err != nil {
		return nil, err
	}
	u.Path = "/" + name
	if err := store.EnsureDatabase(ctx, u.String()); err != nil {
		return nil, fmt.Errorf("create test database (is Postgres running on 127.0.0.1:5432?): %w", err)
	}
	st, err := store.Open(ctx, u.String())
	if err != nil {
		return nil, err
	}
	if err := store.MigrateTo(ctx, st.Pool, version, Logger()); err != nil {
		st.Close()
		return nil, err
	}
	return &Database{URL: u.String(), Store: st, name: name}, nil
}

// Drop closes the pool and removes the database.
func (d *Database) Drop() {
	d.Store.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, serverURL())
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{d.name}.Sanitize()+" WITH (FORCE)")
}

// StoreForTest gives a test its own migrated database, dropped when the test ends.
func StoreForTest(t testing.TB) *store.Store {
	t.Helper()
	return StoreAtVersion(t, math.MaxInt64)
}

// StoreAtVersion gives a test its own database migrated up to version only, dropped when the
// test ends: a migration's test fills it, then applies the migration (store.MigrateTo).
func StoreAtVersion(t testing.TB, version int64) *store.Store {
	t.Helper()
	db, err := newDatabase(context.Background(), "unit", version)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Drop)
	return db.Store
}

// logOutput is where the test servers' own output goes: nowhere unless KEYCLIC_TEST_LOG=1.
func logOutput() io.Writer {
	if os.Getenv("KEYCLIC_TEST_LOG") == "1" {
		return os.Stderr
	}
	return io.Discard
}

// Logger shows only errors (an unexpected 500 explains itself) unless KEYCLIC_TEST_LOG=1 asks
// for everything, so test output shows failures, not traffic.
func Logger() *slog.Logger {
	level := slog.LevelError
	if os.Getenv("KEYCLIC_TEST_LOG") == "1" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}
