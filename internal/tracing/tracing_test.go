package tracing

import (
	"context"
	"log/slog"
	"slices"
	"testing"

	"go.opentelemetry.io/otel"
)

// clearOTLPEnv unsets every variable that would configure an exporter, for the test's duration.
func clearOTLPEnv(t *testing.T) {
	for _, name := range []string{
		"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
		"OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
		"OTEL_SDK_DISABLED", "OTEL_TRACES_EXPORTER", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES",
	} {
		t.Setenv(name, "")
	}
}

// Without an endpoint, no exporter is built and no tracer provider installed: spans are not
// recorded, and nothing runs in the background.
func TestNoEndpointNoExporter(t *testing.T) {
	clearOTLPEnv(t)
	exp, err := newExporter(context.Background())
	if err != nil || exp != nil {
		t.Fatalf("exporter without an endpoint: %v, %v; want none", exp, err)
	}
	before := otel.GetTracerProvider()
	stop, err := Setup(context.Background(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if tp := otel.GetTracerProvider(); tp != before {
		t.Fatalf("tracer provider %T installed without an endpoint", tp)
	}
	_, span := otel.Tracer("test").Start(context.Background(), "nothing")
	defer span.End()
	if span.IsRecording() {
		t.Fatal("a span is recorded without an endpoint")
	}

	// An endpoint with the SDK disabled, or the traces exporter set to none, builds none either.
	for _, off := range [][2]string{{"OTEL_SDK_DISABLED", "true"}, {"OTEL_TRACES_EXPORTER", "none"}} {
		t.Run(off[0], func(t *testing.T) {
			clearOTLPEnv(t)
			t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
			t.Setenv(off[0], off[1])
			if exp, err := newExporter(context.Background()); err != nil || exp != nil {
				t.Fatalf("exporter with %s=%s: %v, %v; want none", off[0], off[1], exp, err)
			}
		})
	}
}

// With an endpoint, spans reach the collector over the protocol chosen (http/protobuf unless
// said), named for the service, and are flushed when the process stops.
func TestExportsToTheConfiguredCollector(t *testing.T) {
	for _, tc := range []struct {
		protocol string
		start    func(*testing.T) *collector
	}{
		{"", startHTTPCollector},
		{"http/protobuf", startHTTPCollector},
		{"grpc", startGRPCCollector},
	} {
		t.Run("protocol="+tc.protocol, func(t *testing.T) {
			clearOTLPEnv(t)
			c := tc.start(t)
			t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", c.URL)
			t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", tc.protocol)
			stop, err := Setup(context.Background(), slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			_, span := otel.Tracer("test").Start(context.Background(), "POST /feedbacks/issues")
			span.End()
			if got := c.Received(); len(got) != 0 {
				t.Fatalf("exported before the batch was due or the process stopped: %v", got)
			}
			stop()
			if got := c.Received()[ServiceName]; !slices.Equal(got, []string{"POST /feedbacks/issues"}) {
				t.Fatalf("collector received %v, want the span under service.name %q", c.Received(), ServiceName)
			}
		})
	}
}

// OTEL_SERVICE_NAME names the service instead (an api and a worker told apart, say).
func TestServiceNameFromEnvironment(t *testing.T) {
	clearOTLPEnv(t)
	c := startHTTPCollector(t)
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", c.URL+"/v1/traces")
	t.Setenv("OTEL_SERVICE_NAME", "keyclic-worker")
	stop, err := Setup(context.Background(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	_, span := otel.Tracer("test").Start(context.Background(), "RunWorkflow:Report")
	span.End()
	stop()
	if got := c.Received()["keyclic-worker"]; !slices.Equal(got, []string{"RunWorkflow:Report"}) {
		t.Fatalf("collector received %v, want the span under keyclic-worker", c.Received())
	}
}

// A protocol the service cannot speak stops it at start rather than dropping every span.
func TestUnknownProtocolIsAnError(t *testing.T) {
	clearOTLPEnv(t)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")
	if _, err := Setup(context.Background(), slog.New(slog.DiscardHandler)); err == nil {
		t.Fatal("http/json accepted")
	}
}
