package worker

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/failure"
)

func failingWith(code string) func(context.Context) error {
	return func(context.Context) error {
		return fmt.Errorf("save: %w", &pgconn.PgError{Code: code, Message: "refused"})
	}
}

func runActivity(t *testing.T, fn func(context.Context) error) error {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{&badInput{}}})
	env.RegisterActivity(fn)
	_, err := env.ExecuteActivity(fn)
	return err
}

// A value Postgres refuses (here NUL in jsonb) fails the activity at once, as invalid input.
func TestDataExceptionIsInvalidInputNotRetried(t *testing.T) {
	err := runActivity(t, failingWith("22P05"))
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || !ae.NonRetryable() {
		t.Fatalf("error %v: want a non-retryable application error", err)
	}
	if de := failure.FromTemporal(err); de == nil || de.Kind != domain.KindInvalid {
		t.Fatalf("error %v: want a domain validation error", err)
	}
}

// Other database errors (a serialization failure, say) stay as they are, for Temporal to retry.
func TestOtherDatabaseErrorsAreRetried(t *testing.T) {
	err := runActivity(t, failingWith("40001"))
	if err == nil || failure.FromTemporal(err) != nil {
		t.Fatalf("error %v: want the database error itself", err)
	}
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) && ae.NonRetryable() {
		t.Fatalf("error %v: a transient failure must be retried", err)
	}
}
