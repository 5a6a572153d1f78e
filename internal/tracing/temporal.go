package tracing

import (
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
)

// TemporalInterceptor traces the Temporal client and the workers built from it: a start,
// update or signal sent with a traced context carries its span in the Temporal headers, so the
// workflow's run, its activities (local ones included) and its child workflows join the trace.
// Workflow spans are made only when a task is not replaying: a replay adds nothing.
func TemporalInterceptor() (interceptor.ClientInterceptor, error) {
	return temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{TextMapPropagator: Propagator})
}
