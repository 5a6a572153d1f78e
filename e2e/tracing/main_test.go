// Package tracing tests the service's traces end to end: a stack of its own (in-process worker,
// real Postgres and Temporal) whose spans go to an in-memory exporter instead of OTLP.
package tracing

import (
	"context"
	"fmt"
	"os"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/keyclic/keyclic/internal/testkit"
	"github.com/keyclic/keyclic/internal/tracing"
)

var (
	stack *testkit.Stack
	// exported holds every span the stack ended, as an OTLP collector would receive them.
	exported = tracetest.NewInMemoryExporter()
)

func TestMain(m *testing.M) {
	ctx := context.Background()
	// The service's own provider (resource, redaction), exporting each span as it ends;
	// installed before the stack starts, so that its instrumentations use it.
	tp, err := tracing.NewProvider(ctx, sdktrace.NewSimpleSpanProcessor(exported))
	if err != nil {
		fmt.Fprintln(os.Stderr, "tracing:", err)
		os.Exit(1)
	}
	tracing.Install(tp)
	stack, err = testkit.Start(ctx, "traces")
	if err != nil {
		fmt.Fprintln(os.Stderr, "tracing: cannot start the stack:", err)
		os.Exit(1)
	}
	code := m.Run()
	stack.Stop()
	_ = tp.Shutdown(ctx)
	os.Exit(code)
}
