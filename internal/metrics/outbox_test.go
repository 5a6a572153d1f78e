package metrics_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/metrics"
	"github.com/keyclic/keyclic/internal/testkit"
)

// The outbox gauges are read from Postgres at each scrape: the notices not dispatched yet, and
// the age of the oldest; dispatched ones do not count. The pool's gauges are its own statistics.
func TestOutboxAndPoolAreReadAtScrape(t *testing.T) {
	st := testkit.StoreForTest(t)
	m := metrics.New(slog.New(slog.DiscardHandler))
	m.WatchOutbox(st)
	m.WatchPool(st.Pool)
	srv := httptest.NewServer(m.Mux())
	defer srv.Close()
	scrape := func() testkit.Scrape { return testkit.ScrapeMetrics(t, srv.URL+"/metrics") }

	sc := scrape()
	if !sc.Has("keyclic_outbox_pending") || sc.Sum("keyclic_outbox_pending", nil) != 0 || sc.Sum("keyclic_outbox_oldest_age_seconds", nil) != 0 {
		t.Fatalf("empty outbox: pending %v, oldest %v s", sc.Sum("keyclic_outbox_pending", nil), sc.Sum("keyclic_outbox_oldest_age_seconds", nil))
	}
	ctx := context.Background()
	for _, row := range []struct {
		age        string
		dispatched bool
	}{{"90 seconds", false}, {"10 seconds", false}, {"1 hour", true}} {
		_, err := st.Pool.Exec(ctx, `INSERT INTO outbox (id, payload, created_at, dispatched_at)
			VALUES ($1, '{}', now() - $2::interval, CASE WHEN $3 THEN now() END)`, uuid.New(), row.age, row.dispatched)
		if err != nil {
			t.Fatal(err)
		}
	}
	sc = scrape()
	if got := sc.Sum("keyclic_outbox_pending", nil); got != 2 {
		t.Errorf("keyclic_outbox_pending = %v, want 2", got)
	}
	if got := sc.Sum("keyclic_outbox_oldest_age_seconds", nil); got < 90 || got > 150 {
		t.Errorf("keyclic_outbox_oldest_age_seconds = %v, want about 90", got)
	}
	if got, want := sc.Sum("keyclic_pgx_pool_max_conns", nil), float64(st.Pool.Config().MaxConns); got != want {
		t.Errorf("keyclic_pgx_pool_max_conns = %v, want %v", got, want)
	}
	if got, want := sc.Sum("keyclic_pgx_pool_acquire_count_total", nil), float64(st.Pool.Stat().AcquireCount()); got < 2 || got > want {
		t.Errorf("keyclic_pgx_pool_acquire_count_total = %v, want the pool's count (%v now)", got, want)
	}

	// Postgres away: the outbox is left out of the scrape, whose other families are still served.
	st.Close()
	sc = scrape()
	if sc.Has("keyclic_outbox_pending") {
		t.Error("keyclic_outbox_pending served while the database is closed")
	}
	if !sc.Has("keyclic_pgx_pool_max_conns") || !sc.Has("go_goroutines") {
		t.Error("a failing outbox query took the other families with it")
	}
}
