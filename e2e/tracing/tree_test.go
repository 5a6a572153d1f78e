package tracing

import (
	"fmt"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// workflowIDKey is the attribute the Temporal SDK's tracing gives a workflow or activity span.
const workflowIDKey = "temporalWorkflowID"

// spanTree is the exported spans of one trace.
type spanTree struct {
	spans []tracetest.SpanStub
	byID  map[trace.SpanID]tracetest.SpanStub
}

// treeOf is the trace of the span named name (of workflow id, when not ""), or nil.
func treeOf(all tracetest.SpanStubs, name, workflowID string) *spanTree {
	var id trace.TraceID
	for _, s := range all {
		if s.Name == name && (workflowID == "" || attr(s, workflowIDKey) == workflowID) {
			id = s.SpanContext.TraceID()
		}
	}
	if !id.IsValid() {
		return nil
	}
	tr := &spanTree{byID: map[trace.SpanID]tracetest.SpanStub{}}
	for _, s := range all {
		if s.SpanContext.TraceID() == id {
			tr.spans = append(tr.spans, s)
			tr.byID[s.SpanContext.SpanID()] = s
		}
	}
	return tr
}

// root is the span without a parent (a zero span when none was exported).
func (tr *spanTree) root() tracetest.SpanStub {
	for _, s := range tr.spans {
		if !s.Parent.IsValid() {
			return s
		}
	}
	return tracetest.SpanStub{}
}

// find is a span named name (of workflow id, when not ""), or nil.
func (tr *spanTree) find(name, workflowID string) *tracetest.SpanStub {
	for i, s := range tr.spans {
		if s.Name == name && (workflowID == "" || attr(s, workflowIDKey) == workflowID) {
			return &tr.spans[i]
		}
	}
	return nil
}

// child is parent's child named name (of workflow id, when not ""), or the test fails.
func (tr *spanTree) child(t *testing.T, parent tracetest.SpanStub, name, workflowID string) tracetest.SpanStub {
	t.Helper()
	for _, s := range tr.spans {
		if s.Name == name && s.Parent.SpanID() == parent.SpanContext.SpanID() && (workflowID == "" || attr(s, workflowIDKey) == workflowID) {
			return s
		}
	}
	t.Fatalf("no span %q (workflow %s) under %q; trace: %s", name, workflowID, parent.Name, tr)
	return tracetest.SpanStub{}
}

// descendant is a span under ancestor for which match holds, or nil.
func (tr *spanTree) descendant(ancestor tracetest.SpanStub, match func(tracetest.SpanStub) bool) *tracetest.SpanStub {
	for i, s := range tr.spans {
		if match(s) && tr.under(s, ancestor.SpanContext.SpanID()) {
			return &tr.spans[i]
		}
	}
	return nil
}

// under says whether s descends from the span id.
func (tr *spanTree) under(s tracetest.SpanStub, id trace.SpanID) bool {
	for p := s.Parent.SpanID(); p.IsValid(); {
		if p == id {
			return true
		}
		parent, ok := tr.byID[p]
		if !ok {
			return false
		}
		p = parent.Parent.SpanID()
	}
	return false
}

// String draws the tree, for failure messages.
func (tr *spanTree) String() string {
	var b strings.Builder
	var draw func(parent trace.SpanID, depth int)
	draw = func(parent trace.SpanID, depth int) {
		for _, s := range tr.spans {
			if s.Parent.SpanID() == parent {
				fmt.Fprintf(&b, "\n%s%s %s", strings.Repeat("  ", depth), s.Name, attr(s, workflowIDKey))
				draw(s.SpanContext.SpanID(), depth+1)
			}
		}
	}
	draw(trace.SpanID{}, 1)
	return b.String()
}

// attr is the string value of s's attribute key ("" when absent).
func attr(s tracetest.SpanStub, key string) string {
	for _, kv := range s.Attributes {
		if string(kv.Key) == key {
			return kv.Value.String()
		}
	}
	return ""
}

// names lists span names, for failure messages.
func names(spans tracetest.SpanStubs) string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	return strings.Join(out, ", ")
}
