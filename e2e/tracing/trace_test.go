package tracing

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
)

// One POST /feedbacks/issues is one trace: the request's server span, the update-with-start it
// sends, the feedback workflow it starts, the report workflow that one starts, the report's
// first write (its webhook delivery, recorded by a local activity) and the delivery's POST to
// the webhook's consumer, who receives the trace in its traceparent header.
func TestFeedbackPostIsOneTrace(t *testing.T) {
	d := stack.NewDesk(t, "Traces")
	consumer := testkit.NewConsumer(t)
	d.Admin.CreateWebhook(d.Org, domain.EventReportCreated, consumer.URL("/traces"))

	feedback := d.Citizen.PostIssue(d.Inside(), nil).Expect(http.StatusCreated).ExpectState("DELIVERED").Str("id")
	report := d.Admin.ReportOf(d.Org, feedback)
	receipt := consumer.WaitDelivered(t, "/traces", 1)[0]
	// The report's workflow runs until the report ends: refused, its run span ends and is exported.
	d.Admin.DriveReport(report, "refuse")

	var tr *spanTree
	ok := testkit.Eventually(30*time.Second, func() bool {
		tr = treeOf(exported.GetSpans(), "RunWorkflow:Feedback", "feedback/"+feedback)
		return tr != nil && tr.find("RunWorkflow:Report", "report/"+report) != nil && tr.find("RunWorkflow:WebhookDelivery", "") != nil
	})
	if !ok {
		t.Fatalf("no complete trace of the feedback's post; exported: %s", names(exported.GetSpans()))
	}

	// The chain, each span the parent of the next.
	server := tr.root()
	if server.Name != "POST /feedbacks/issues" || server.SpanKind != trace.SpanKindServer {
		t.Fatalf("trace root %q (%v), want the server span POST /feedbacks/issues; trace: %s", server.Name, server.SpanKind, tr)
	}
	update := tr.child(t, server, "UpdateWithStartWorkflow:process", "") // its workflow id is the start's
	run := tr.child(t, update, "RunWorkflow:Feedback", "feedback/"+feedback)
	start := tr.child(t, run, "StartChildWorkflow:Report", "feedback/"+feedback)
	reportRun := tr.child(t, start, "RunWorkflow:Report", "report/"+report)
	prepare := tr.child(t, tr.child(t, reportRun, "StartActivity:PrepareEvent", "report/"+report), "RunActivity:PrepareEvent", "report/"+report)
	write := tr.descendant(prepare, func(s tracetest.SpanStub) bool {
		return strings.HasPrefix(attr(s, "db.query.text"), "INSERT INTO webhook_deliveries")
	})
	if write == nil {
		t.Fatalf("no INSERT INTO webhook_deliveries under %q; trace: %s", prepare.Name, tr)
	}
	if write.SpanKind != trace.SpanKindClient || attr(*write, "db.system.name") != "postgresql" {
		t.Fatalf("the write's span: %q %v %v", write.Name, write.SpanKind, write.Attributes)
	}

	// The delivery's POST is a client span of the same trace, and its consumer was told so.
	delivery := tr.find("RunWorkflow:WebhookDelivery", "")
	post := tr.descendant(*delivery, func(s tracetest.SpanStub) bool {
		return s.SpanKind == trace.SpanKindClient && attr(s, "http.request.method") == http.MethodPost
	})
	if post == nil {
		t.Fatalf("no HTTP POST under the delivery's workflow; trace: %s", tr)
	}
	if got := attr(*post, "url.full"); got != consumer.URL("/traces") {
		t.Fatalf("the POST's url.full %q, want %q", got, consumer.URL("/traces"))
	}
	want := "00-" + server.SpanContext.TraceID().String() + "-" + post.SpanContext.SpanID().String() + "-01"
	if got := receipt.Header.Get("traceparent"); got != want {
		t.Fatalf("the consumer received traceparent %q, want %q", got, want)
	}

	// Spans are named by templates and types, never by ids.
	for _, s := range tr.spans {
		if strings.Contains(s.Name, feedback) || strings.Contains(s.Name, report) {
			t.Errorf("span named with an id: %q", s.Name)
		}
	}
}

// A request with a traceparent continues its caller's trace.
func TestRequestContinuesCallersTrace(t *testing.T) {
	const traceID, parentID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	c := stack.Client(t)
	c.Header = http.Header{"Traceparent": {"00-" + traceID + "-" + parentID + "-01"}}
	c.Get("/healthz").Expect(http.StatusOK)
	ok := testkit.Eventually(10*time.Second, func() bool {
		return slices.ContainsFunc(exported.GetSpans(), func(s tracetest.SpanStub) bool {
			return s.Name == "GET /healthz" && s.SpanContext.TraceID().String() == traceID && s.Parent.SpanID().String() == parentID
		})
	})
	if !ok {
		t.Fatalf("no GET /healthz span continuing trace %s; exported: %s", traceID, names(exported.GetSpans()))
	}
}
