package workflows

import (
	"io"
	"log/slog"
	"time"

	tlog "go.temporal.io/sdk/log"

	"github.com/keyclic/keyclic/store"
)

func storePatchStart(t time.Time) store.OperationPatch { return store.OperationPatch{StartDate: &t} }

// quietLogger keeps the test environment's debug lines out of test output.
func quietLogger() tlog.Logger {
	return tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
}
