package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgconn"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/keyclic/keyclic/domain"
)

// Every error Postgres or Temporal gives while it restarts, is unreachable or lost a worker is a
// 503 with Retry-After and a vnd.error, never a 500. The values are those pgx and the Temporal
// SDK return (their own types, wrapped as the store and the SDK wrap them).
func TestDependencyAwayIs503WithRetryAfter(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("load report: %w", err) }
	away := map[string]error{
		"postgres: connect refused":          &pgconn.ConnectError{},
		"postgres: admin shutdown 57P01":     wrap(&pgconn.PgError{Severity: "FATAL", Code: "57P01", Message: "terminating connection due to administrator command"}),
		"postgres: crash shutdown 57P02":     &pgconn.PgError{Severity: "FATAL", Code: "57P02"},
		"postgres: cannot connect now 57P03": &pgconn.PgError{Severity: "FATAL", Code: "57P03", Message: "the database system is starting up"},
		"postgres: idle session timeout":     &pgconn.PgError{Severity: "FATAL", Code: "57P05"},
		"postgres: statement canceled 57014": &pgconn.PgError{Code: "57014", Message: "canceling statement due to statement timeout"},
		"postgres: connection failure 08006": &pgconn.PgError{Code: "08006"},
		"postgres: too many connections":     &pgconn.PgError{Severity: "FATAL", Code: "53300"},
		"postgres: serialization failure":    &pgconn.PgError{Code: "40001"},
		"postgres: deadlock":                 &pgconn.PgError{Code: "40P01"},
		"postgres: commit outcome unknown":   &pgconn.PgError{Code: "40003"},
		"postgres: conn closed":              wrap(pgconn.ErrConnClosed),
		"postgres: unexpected EOF":           wrap(fmt.Errorf("failed to receive message: %w", io.ErrUnexpectedEOF)),
		"postgres: EOF":                      wrap(io.EOF),
		"postgres: connection reset":         wrap(&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}),
		"postgres: broken pipe":              wrap(fmt.Errorf("write failed: %w", syscall.EPIPE)),
		"pool: acquire timed out":            wrap(context.DeadlineExceeded),
		"request canceled":                   context.Canceled,
		"temporal: unreachable":              serviceerror.NewUnavailable("connection refused"),
		"temporal: update aborted":           serviceerror.NewUnavailable("workflow update was aborted"),
		"temporal: deadline":                 serviceerror.NewDeadlineExceeded("context deadline exceeded"),
		"temporal: busy":                     serviceerror.NewResourceExhausted(0, "busy"),
		"temporal: aborted":                  serviceerror.NewAborted("aborted"),
		"temporal: workflow task failed":     serviceerror.NewWorkflowNotReady("Unable to perform workflow execution update due to unexpected workflow task failure."),
		"temporal: internal":                 serviceerror.NewInternal("shard closed"),
		"temporal: namespace unavailable":    serviceerror.NewNamespaceUnavailable("default"),
		"temporal: canceled":                 serviceerror.NewCanceled("canceled"),
		"temporal: update poll timed out":    &client.WorkflowUpdateServiceTimeoutOrCanceledError{},
		"temporal: update not processed": temporal.NewNonRetryableApplicationError(
			"Workflow Update is rejected because it wasn't processed by worker.", "UnprocessedUpdate", nil),
		"temporal: workflow completed before the update": temporal.NewNonRetryableApplicationError(
			"Workflow Update failed because the Workflow completed before the Update completed.", "AcceptedUpdateCompletedWorkflow", nil),
		"grpc: unavailable": status.Error(codes.Unavailable, "connection error"),
	}
	for name, err := range away {
		rec := failWith(err)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" ||
			rec.Header().Get("Content-Type") != "application/vnd.error+json; charset=utf-8" {
			t.Errorf("%s: %d, Retry-After %q, %s", name, rec.Code, rec.Header().Get("Retry-After"), rec.Body)
		}
	}

	for name, err := range map[string]error{
		"a bug":              errors.New("nil map"),
		"unique violation":   &pgconn.PgError{Code: "23505"},
		"syntax error":       &pgconn.PgError{Code: "42601"},
		"temporal: invalid":  serviceerror.NewInvalidArgument("bad"),
		"application failed": temporal.NewApplicationError("boom", "Bug"),
	} {
		if rec := failWith(err); rec.Code != http.StatusInternalServerError || rec.Header().Get("Retry-After") != "" {
			t.Errorf("%s: %d, Retry-After %q", name, rec.Code, rec.Header().Get("Retry-After"))
		}
	}
	// A 503 decided by the service keeps its own Retry-After.
	rec := failWith(&domain.Error{Kind: domain.KindUnavailable, Msg: domain.Msg(domain.MsgUnavailable), RetryAfter: 12e9})
	if rec.Header().Get("Retry-After") != "12" {
		t.Errorf("own Retry-After: %q", rec.Header().Get("Retry-After"))
	}
}

func failWith(err error) *httptest.ResponseRecorder {
	gin.SetMode(gin.ReleaseMode)
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
	s := &Server{log: slog.New(slog.DiscardHandler)}
	s.fail(c, err)
	return rec
}
