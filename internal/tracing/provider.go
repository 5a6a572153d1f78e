package tracing

import (
	"context"

	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// NewProvider builds a tracer provider that sends the service's spans to export, with the
// service's resource and its URLs redacted first (see redactURLs). The sampler is the SDK's:
// every trace, or what OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG choose.
func NewProvider(ctx context.Context, export sdktrace.SpanProcessor) (*sdktrace.TracerProvider, error) {
	res, err := newResource(ctx)
	if err != nil {
		return nil, err
	}
	return sdktrace.NewTracerProvider(
		sdktrace.WithResource(res),
		sdktrace.WithSpanProcessor(redactURLs{}),
		sdktrace.WithSpanProcessor(export),
	), nil
}

// newResource names the service "keyclic", then lets OTEL_SERVICE_NAME and
// OTEL_RESOURCE_ATTRIBUTES add to it or override it.
func newResource(ctx context.Context) (*resource.Resource, error) {
	env, err := resource.New(ctx, resource.WithFromEnv(), resource.WithTelemetrySDK(), resource.WithHost())
	if err != nil {
		return nil, err
	}
	return resource.Merge(resource.NewSchemaless(semconv.ServiceName(ServiceName)), env)
}
