package testkit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/internal/devserver"
	"github.com/keyclic/keyclic/internal/temporalserver"
	"github.com/keyclic/keyclic/workflows"
)

// The Temporal engines a stack can run on (TEMPORAL_ENGINE): the CLI's dev server, or the
// Temporal server on Postgres that production runs.
const (
	EngineDev    = "dev"
	EngineServer = "server"
)

// Engine is the TEMPORAL_ENGINE of this run (dev unless set).
func Engine() string {
	if e := os.Getenv("TEMPORAL_ENGINE"); e != "" {
		return e
	}
	return EngineDev
}

// Temporal is a Temporal engine started for a test or a benchmark, with state of its own: a dev
// server (in memory, or in a SQLite file when it must survive a restart), or a Temporal server
// on databases of its own on the test Postgres, dropped by Stop.
type Temporal struct {
	Engine  string
	Address string
	dev     *devserver.Server
	server  *temporalserver.Server
	dir     string
	dbs     []string
}

// TemporalOptions say what a started engine must do.
type TemporalOptions struct {
	// Durable keeps the dev server's state in a file, so that Restart loses nothing (the
	// server engine always keeps it in Postgres).
	Durable bool
	// Address to listen on; empty picks free ports.
	Address string
}

// StartTemporal starts the engine of this run (Engine()).
func StartTemporal(ctx context.Context, o TemporalOptions) (*Temporal, error) {
	t := &Temporal{Engine: Engine()}
	var err error
	switch t.Engine {
	case EngineDev:
		dev := devserver.Options{CLIPath: devserver.FindCLI(), Address: o.Address,
			SearchAttributes: workflows.SearchAttributeDefinitions(), Log: Logger(), Output: logOutput()}
		if o.Durable {
			if t.dir, err = os.MkdirTemp("", "keyclic-temporal-"); err != nil {
				return nil, err
			}
			dev.DBFile = filepath.Join(t.dir, "temporal.db")
		}
		if t.dev, err = devserver.Start(ctx, dev); err != nil {
			t.Stop()
			return nil, fmt.Errorf("%w (build it with `make bin/temporal`)", err)
		}
		t.Address = t.dev.Address
	case EngineServer:
		suffix := strings.ReplaceAll(uuid.NewString()[:8], "-", "")
		t.dbs = []string{"temporal_test_" + suffix, "temporal_visibility_test_" + suffix}
		t.server, err = temporalserver.Start(ctx, temporalserver.Options{
			Binaries: temporalserver.FindBinaries(), PostgresURL: serverURL(), Address: o.Address,
			Database: t.dbs[0], VisibilityDatabase: t.dbs[1],
			// Tests run several servers on one Postgres (100 connections by default).
			MaxConns:         8,
			SearchAttributes: workflows.SearchAttributeDefinitions(), Log: Logger(), Output: logOutput(),
		})
		if err != nil {
			t.Stop()
			return nil, err
		}
		t.Address = t.server.Address
	default:
		return nil, fmt.Errorf("TEMPORAL_ENGINE=%q: want %q or %q", t.Engine, EngineDev, EngineServer)
	}
	return t, nil
}

// Restart stops the engine and starts it again on the same address and state.
func (t *Temporal) Restart(ctx context.Context) error {
	if t.dev != nil {
		return t.dev.Restart(ctx)
	}
	return t.server.Restart(ctx)
}

// Stop stops the engine and removes its state.
func (t *Temporal) Stop() {
	if t == nil {
		return
	}
	if t.dev != nil {
		t.dev.Stop()
	}
	if t.server != nil {
		t.server.Stop()
	}
	if t.dir != "" {
		os.RemoveAll(t.dir)
	}
	dropDatabases(t.dbs...)
}

// dropDatabases drops databases of the test Postgres by name, ignoring errors: a leftover is
// harmless and found by its test_ prefix.
func dropDatabases(names ...string) {
	if len(names) == 0 {
		return
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, serverURL())
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	for _, n := range names {
		_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{n}.Sanitize()+" WITH (FORCE)")
	}
}
