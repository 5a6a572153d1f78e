// Package tracing sets up OpenTelemetry traces: one trace per request, from the Gin handler
// through the Temporal client, the workflows and activities it starts, their SQL statements and
// their outgoing HTTP. Spans are exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, and not at all otherwise.
package tracing

import (
	"context"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// ServiceName is the service.name of every span, unless OTEL_SERVICE_NAME (or service.name in
// OTEL_RESOURCE_ATTRIBUTES) says otherwise.
const ServiceName = "keyclic"

// Propagator carries the trace across processes: W3C Trace Context and Baggage, the headers
// OTLP collectors and other services expect.
var Propagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// Setup installs the process's tracer provider, exporting over OTLP when an endpoint is
// configured. Without one, nothing is exported and nothing runs in the background: spans are
// not recorded, and trace context received from callers still passes through. The returned
// function flushes the spans still buffered and stops the exporter; call it when the process stops.
func Setup(ctx context.Context, log *slog.Logger) (shutdown func(), err error) {
	otel.SetTextMapPropagator(Propagator)
	exp, err := newExporter(ctx)
	if err != nil || exp == nil {
		return func() {}, err
	}
	tp, err := NewProvider(ctx, sdktrace.NewBatchSpanProcessor(exp))
	if err != nil {
		_ = exp.Shutdown(ctx)
		return func() {}, err
	}
	otel.SetTracerProvider(tp)
	log.Info("traces exported over OTLP", "protocol", protocol())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := tp.Shutdown(ctx); err != nil {
			log.Warn("traces not all exported", "error", err)
		}
	}, nil
}

// Install makes tp the process's tracer provider, with the service's propagator (tests install
// a provider exporting to memory before the service starts).
func Install(tp *sdktrace.TracerProvider) {
	otel.SetTextMapPropagator(Propagator)
	otel.SetTracerProvider(tp)
}
