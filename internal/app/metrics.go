package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/keyclic/keyclic/internal/metrics"
	"github.com/keyclic/keyclic/store"
)

// newMetrics builds the process's registry, watching its Postgres pool and the outbox.
func newMetrics(st *store.Store, log *slog.Logger) *metrics.Metrics {
	m := metrics.New(log.With("component", "metrics"))
	m.WatchPool(st.Pool)
	m.WatchOutbox(st)
	return m
}

// RunMetrics serves GET /metrics on METRICS_ADDR until ctx ends; with no address, it returns
// at once. The API's address never serves it.
func (a *App) RunMetrics(ctx context.Context) error {
	if err := a.Metrics.Serve(ctx, a.Config.MetricsAddr); err != nil {
		return fmt.Errorf("metrics on METRICS_ADDR %q: %w", a.Config.MetricsAddr, err)
	}
	return nil
}
