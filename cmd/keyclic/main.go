// Command keyclic is the service's one binary:
//
//	keyclic api      the HTTP API
//	keyclic worker   the Temporal worker
//	keyclic migrate  create the database if needed and apply migrations
//	keyclic dev      all of it in one process, with Temporal (TEMPORAL_ENGINE=dev|server; UI on :8233)
//	keyclic open311 keys create|list|revoke   the API keys of Open311 clients
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"golang.org/x/sync/errgroup"

	"github.com/keyclic/keyclic/config"
	"github.com/keyclic/keyclic/internal/app"
	"github.com/keyclic/keyclic/internal/devserver"
	"github.com/keyclic/keyclic/internal/temporalserver"
	"github.com/keyclic/keyclic/internal/tracing"
	"github.com/keyclic/keyclic/store"
	"github.com/keyclic/keyclic/workflows"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: keyclic api|worker|migrate|dev|open311")
		os.Exit(2)
	}
	cfg, err := config.FromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	log := cfg.Logger()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	switch os.Args[1] {
	case "migrate":
		err = migrate(ctx, cfg)
	case "api":
		err = run(ctx, cfg, true, false)
	case "worker":
		err = run(ctx, cfg, false, true)
	case "dev":
		err = dev(ctx, cfg)
	case "open311":
		err = withStore(ctx, cfg, func(st *store.Store) error { return open311Keys(ctx, st, os.Args[2:], os.Stdout) })
	default:
		err = fmt.Errorf("unknown command %q: want api, worker, migrate, dev or open311", os.Args[1])
	}
	if err != nil {
		log.Error("keyclic stopped", "error", err)
		os.Exit(1)
	}
}

func migrate(ctx context.Context, cfg config.Config) error {
	if err := store.EnsureDatabase(ctx, cfg.DatabaseURL); err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	return store.Migrate(ctx, st.Pool, cfg.Logger())
}

// withStore runs fn against the database (migrated first by `keyclic migrate`).
func withStore(ctx context.Context, cfg config.Config, fn func(*store.Store) error) error {
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(st)
}

func run(ctx context.Context, cfg config.Config, serveHTTP, runWorker bool) error {
	stopTracing, err := tracing.Setup(ctx, cfg.Logger())
	if err != nil {
		return err
	}
	defer stopTracing() // after the app closes: its last spans are flushed too
	a, err := app.New(ctx, cfg, cfg.Logger())
	if err != nil {
		return err
	}
	defer a.Close()
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return a.RunMetrics(ctx) }) // METRICS_ADDR, whichever command
	if serveHTTP {
		g.Go(func() error { return a.RunHTTP(ctx) })
	}
	if runWorker {
		g.Go(func() error { return a.RunWorker(ctx) })
	}
	return g.Wait()
}

// dev migrates the database, starts Temporal (TEMPORAL_ENGINE: the CLI's dev server, or the
// Temporal server on this Postgres) unless one already answers at TEMPORAL_ADDRESS, then runs
// the API and the worker until Ctrl-C, and stops everything.
func dev(ctx context.Context, cfg config.Config) error {
	log := cfg.Logger()
	if err := migrate(ctx, cfg); err != nil {
		return err
	}
	if !devserver.Reachable(cfg.TemporalAddress) {
		stop, err := startTemporal(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer stop()
		log.Info("Temporal UI: http://localhost:8233", "engine", cfg.TemporalEngine)
	}
	return run(ctx, cfg, true, true)
}

func startTemporal(ctx context.Context, cfg config.Config, log *slog.Logger) (stop func(), err error) {
	if cfg.TemporalEngine == config.EngineServer {
		srv, err := temporalserver.Start(ctx, temporalserver.Options{
			Binaries:         temporalserver.FindBinaries(),
			PostgresURL:      cfg.DatabaseURL, // the same Postgres, databases temporal and temporal_visibility
			Address:          cfg.TemporalAddress,
			UIPort:           8233,
			SearchAttributes: workflows.SearchAttributeDefinitions(),
			Dir:              filepath.Join(cfg.DataDir, "temporal-server"),
			Log:              log,
		})
		if err != nil {
			return nil, err
		}
		return srv.Stop, nil
	}
	srv, err := devserver.Start(ctx, devserver.Options{
		CLIPath:          devserver.FindCLI(),
		Address:          cfg.TemporalAddress,
		UIPort:           8233,
		DBFile:           filepath.Join(cfg.DataDir, "temporal.db"),
		SearchAttributes: workflows.SearchAttributeDefinitions(),
		Log:              log,
	})
	if err != nil {
		return nil, err
	}
	return srv.Stop, nil
}
