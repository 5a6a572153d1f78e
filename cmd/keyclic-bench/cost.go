package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/keyclic/keyclic/internal/benchkit"
)

// lifecycle prints what one whole lifecycle costs Temporal, counted from the histories of the
// workflows it started (e2e/lifecycle_cost_test.go keeps these counts bounded).
func (b *bench) lifecycle(ctx context.Context) error {
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer consumer.Close()
	since := time.Now().Add(-time.Second)
	if _, err := benchkit.RunLifecycle(benchkit.NewClient(b.stack.HTTP.URL), 47.2, -1.55, consumer.URL+"/lifecycle"); err != nil {
		return err
	}
	cost, err := benchkit.TemporalCost(ctx, b.stack.App.Temporal, b.stack.App.Config.TaskQueue, since, 2*time.Minute)
	if err != nil {
		return err
	}
	fmt.Printf("\nOne lifecycle (feedback, report accepted, operation assigned and resolved, report closed, one webhook): %s\n\n", cost)
	return nil
}
