package metrics

import (
	"time"

	"github.com/uber-go/tally/v4"
	tallyprom "github.com/uber-go/tally/v4/prometheus"
	"go.temporal.io/sdk/client"
	sdktally "go.temporal.io/sdk/contrib/tally"
)

// temporalReportEvery is how often tally hands the SDK's counts to the Prometheus registry: a
// scrape sees them at most this late.
const temporalReportEvery = time.Second

// TemporalHandler is the Temporal SDK's metrics handler (client.Options.MetricsHandler): the
// SDK's client and worker metrics (temporal_request_total, temporal_workflow_task_…,
// temporal_activity_…) go through tally into this registry, so one /metrics shows them with
// the service's. Call it once; Close stops its reporting loop.
func (m *Metrics) TemporalHandler() client.MetricsHandler {
	reporter := tallyprom.NewReporter(tallyprom.Options{
		Registerer: m.Registry,
		// Histograms, not summaries: they can be added up across processes.
		DefaultTimerType: tallyprom.HistogramTimerType,
		// The reporter panics by default; a family it cannot register is logged and left out.
		OnRegisterError: func(err error) { m.log.Warn("temporal metric not registered", "error", err) },
	})
	scope, closer := tally.NewRootScope(tally.ScopeOptions{
		CachedReporter:  reporter,
		Separator:       tallyprom.DefaultSeparator,
		SanitizeOptions: &sdktally.PrometheusSanitizeOptions,
	}, temporalReportEvery)
	m.closeTemporal = func() { _ = closer.Close() }
	// Counters end in _total and timers in _seconds, as the other Temporal SDKs name them.
	return sdktally.NewMetricsHandler(sdktally.NewPrometheusNamingScope(scope))
}
