package tracing

import (
	"context"
	"net/url"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// redactURLs keeps secrets that URLs may carry out of the spans, as the request log does: a
// served request's url.path becomes its route template (export download links carry a token
// in the path), and an outgoing request's url.full loses its query and fragment (webhook URLs
// may carry their consumer's secret there).
type redactURLs struct{}

func (redactURLs) OnStart(_ context.Context, s sdktrace.ReadWriteSpan) {
	var route, full string
	var hasPath bool
	for _, kv := range s.Attributes() {
		switch kv.Key {
		case "http.route":
			route = kv.Value.AsString()
		case "url.path":
			hasPath = true
		case "url.full":
			full = kv.Value.AsString()
		}
	}
	if hasPath {
		s.SetAttributes(attribute.String("url.path", route)) // "" when no route matched
	}
	if full != "" {
		s.SetAttributes(attribute.String("url.full", withoutQuery(full)))
	}
}

// withoutQuery is u without its query and fragment ("" when u cannot be parsed).
func withoutQuery(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	p.RawQuery, p.ForceQuery, p.Fragment, p.RawFragment = "", false, "", ""
	p.User = nil
	return p.String()
}

func (redactURLs) OnEnd(sdktrace.ReadOnlySpan)      {}
func (redactURLs) Shutdown(context.Context) error   { return nil }
func (redactURLs) ForceFlush(context.Context) error { return nil }
