package tracing

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// Secrets in URLs stay out of exported spans: a served request keeps its route template as its
// path, an outgoing one loses its query.
func TestURLsAreRedacted(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp, err := NewProvider(context.Background(), sdktrace.NewSimpleSpanProcessor(exp))
	if err != nil {
		t.Fatal(err)
	}
	tr := tp.Tracer("test")
	_, s := tr.Start(context.Background(), "GET /organizations/:organization/exports/:token", trace.WithAttributes(
		attribute.String("url.path", "/organizations/0b7c/exports/eyJhbGciOi.secret"),
		attribute.String("http.route", "/organizations/:organization/exports/:token")))
	s.End()
	_, s = tr.Start(context.Background(), "HTTP POST", trace.WithAttributes(
		attribute.String("url.full", "https://hooks.example.com/in?token=secret#x")))
	s.End()
	_, s = tr.Start(context.Background(), "HTTP GET route not found", trace.WithAttributes(
		attribute.String("url.path", "/nowhere/secret")))
	s.End()

	want := []string{"/organizations/:organization/exports/:token", "https://hooks.example.com/in", ""}
	spans := exp.GetSpans()
	if len(spans) != len(want) {
		t.Fatalf("%d spans exported, want %d", len(spans), len(want))
	}
	for i, s := range spans {
		var got []string
		for _, kv := range s.Attributes {
			if kv.Key == "url.path" || kv.Key == "url.full" {
				got = append(got, kv.Value.AsString())
			}
		}
		if len(got) != 1 || got[0] != want[i] {
			t.Errorf("span %q: url attributes %q, want [%q]", s.Name, got, want[i])
		}
	}
}
