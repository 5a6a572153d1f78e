package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/keyclic/keyclic/store"
)

// outboxQueryTimeout bounds the backlog query, so that a slow database never holds a scrape
// past Prometheus' own timeout (10 s by default).
const outboxQueryTimeout = 2 * time.Second

// OutboxSource reads the outbox's backlog (*store.Store).
type OutboxSource interface {
	OutboxBacklog(ctx context.Context) (store.OutboxBacklog, error)
}

type outboxCollector struct {
	src           OutboxSource
	pending, aged *prometheus.Desc
}

// WatchOutbox adds keyclic_outbox_pending and keyclic_outbox_oldest_age_seconds, read from
// Postgres at each scrape. Every process reports the same shared table: aggregate with max().
func (m *Metrics) WatchOutbox(src OutboxSource) {
	m.Registry.MustRegister(&outboxCollector{
		src: src,
		pending: prometheus.NewDesc(prometheus.BuildFQName(namespace, "outbox", "pending"),
			"Notices written to the outbox and not yet dispatched to their notification workflow.", nil, nil),
		aged: prometheus.NewDesc(prometheus.BuildFQName(namespace, "outbox", "oldest_age_seconds"),
			"How long the oldest undispatched notice has waited (0 when none waits).", nil, nil),
	})
}

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.pending
	ch <- c.aged
}

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), outboxQueryTimeout)
	defer cancel()
	b, err := c.src.OutboxBacklog(ctx)
	if err != nil {
		// The scrape goes on without these two; the handler logs the error.
		ch <- prometheus.NewInvalidMetric(c.pending, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(b.Pending))
	ch <- prometheus.MustNewConstMetric(c.aged, prometheus.GaugeValue, b.OldestSeconds)
}
