// Package metrics is the service's Prometheus instrumentation: one registry per process holding
// the HTTP, webhook, notification, outbox and connection-pool families and the Temporal SDK's own
// client and worker metrics, served at /metrics on an address of its own (METRICS_ADDR).
package metrics

import (
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// namespace prefixes the service's own families; the Temporal SDK's keep their temporal_ names.
const namespace = "keyclic"

// Metrics is one process's registry and the families the service writes to.
type Metrics struct {
	// Registry is this process's own (never the global default), so that several apps in one
	// test process do not collide.
	Registry *prometheus.Registry
	log      *slog.Logger

	httpRequests      *prometheus.CounterVec
	httpDuration      *prometheus.HistogramVec
	webhookAttempts   *prometheus.CounterVec
	notificationSends *prometheus.CounterVec

	closeTemporal func()
}

// New builds the registry with the service's families and the Go runtime and process ones.
func New(log *slog.Logger) *Metrics {
	m := &Metrics{Registry: prometheus.NewRegistry(), log: log, closeTemporal: func() {}}
	m.httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Subsystem: "http", Name: "requests_total",
		Help: "HTTP requests answered by the API, by route template, method and status code.",
	}, []string{"route", "method", "status"})
	m.httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Subsystem: "http", Name: "request_duration_seconds",
		Help:    "Time the API took to answer, by route template and method.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"route", "method"})
	m.webhookAttempts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Subsystem: "webhook", Name: "attempts_total",
		Help: "Webhook delivery attempts (one per POST made), by event and outcome: delivered, http_3xx, http_4xx, http_5xx, timeout, refused (connection refused), forbidden (internal address), error.",
	}, []string{"event", "outcome"})
	m.notificationSends = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Subsystem: "notification", Name: "sends_total",
		Help: "Notifications sent, by channel (wall, email, push) and outcome (sent, failed); a retried activity does not count what it had already sent.",
	}, []string{"channel", "outcome"})
	m.Registry.MustRegister(
		m.httpRequests, m.httpDuration, m.webhookAttempts, m.notificationSends,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// Handler serves the registry in Prometheus' text format. A collector that fails (Postgres
// away) is logged and left out; the other families are still served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{
		ErrorLog:      slogPrinter{m.log},
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      m.Registry, // promhttp's own scrape counters
	})
}

// Close stops the Temporal metrics' reporting loop, reporting what it holds first.
func (m *Metrics) Close() { m.closeTemporal() }

// slogPrinter gives promhttp the Println it logs errors with.
type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Println(v ...any) { p.log.Warn("metrics scrape", "error", v) }
