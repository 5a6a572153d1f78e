package temporalserver

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os/exec"
	"path/filepath"

	"github.com/jackc/pgx/v5"
)

// postgres is where the server keeps its state, read from a postgres:// URL.
type postgres struct {
	host, port, user, password string
	url                        *url.URL
}

func parsePostgres(raw string) (postgres, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return postgres{}, fmt.Errorf("temporal server: postgres URL %q: want postgres://user@host:port/", raw)
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		host, port = u.Host, "5432"
	}
	p := postgres{host: host, port: port, user: u.User.Username(), url: u}
	p.password, _ = u.User.Password()
	return p, nil
}

func (p postgres) addr() string { return net.JoinHostPort(p.host, p.port) }

// database is the URL of one database of that server.
func (p postgres) database(name string) string {
	u := *p.url
	u.Path = "/" + name
	return u.String()
}

// migrate creates the database if it is missing, sets its schema up the first time, and applies
// the versioned updates that are not applied yet: safe to run on every start.
func (p postgres) migrate(ctx context.Context, sqlTool, schemaDir, db, schema string) error {
	admin, err := pgx.Connect(ctx, p.database("postgres"))
	if err != nil {
		return fmt.Errorf("temporal server: connect to postgres: %w", err)
	}
	defer admin.Close(ctx)
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, db).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{db}.Sanitize()); err != nil {
			return fmt.Errorf("temporal server: create database %s: %w", db, err)
		}
	}
	conn, err := pgx.Connect(ctx, p.database(db))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var versioned bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('schema_version') IS NOT NULL`).Scan(&versioned); err != nil {
		return err
	}
	base := []string{"--plugin", "postgres12", "--endpoint", p.host, "--port", p.port, "--user", p.user, "--password", p.password, "--database", db}
	if !versioned {
		if err := run(ctx, sqlTool, append(base, "setup-schema", "-v", "0.0")...); err != nil {
			return err
		}
	}
	return run(ctx, sqlTool, append(base, "update-schema", "-d", filepath.Join(schemaDir, schema, "versioned"))...)
}

func run(ctx context.Context, name string, args ...string) error {
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("temporal server: %s %v: %w: %s", filepath.Base(name), args[len(args)-4:], err, out)
	}
	return nil
}
