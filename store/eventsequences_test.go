package store_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// An event keeps its number when it is numbered again (a retried activity); each resource
// counts from 1 on its own.
func TestEventSequenceOncePerEventAndResource(t *testing.T) {
	st, ctx := testkit.StoreForTest(t), context.Background()
	report, operation := uuid.New(), uuid.New()
	number := func(resource uuid.UUID, key string) int64 {
		t.Helper()
		n, err := st.EventSequence(ctx, resource, key)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if a, b, again, op := number(report, report.String()+"/created"), number(report, report.String()+"/state/1"),
		number(report, report.String()+"/created"), number(operation, operation.String()+"/created"); a != 1 || b != 2 || again != 1 || op != 1 {
		t.Fatalf("created %d, state %d, created again %d, operation created %d; want 1, 2, 1, 1", a, b, again, op)
	}
}
