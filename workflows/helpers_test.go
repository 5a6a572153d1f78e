package workflows

import (
	"io"
	"log/slog"
	"time"

	tlog "go.temporal.io/sdk/log"

	"github.com/keyclic/keyclic/domain"
)

func storePatchStart(t time.Time) domain.OperationPatch { return domain.OperationPatch{StartDate: &t} }

// quietLogger keeps the test environment's debug lines out of test output.
func quietLogger() tlog.Logger {
	return tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
}
