package workflows

import (
	"io"
	"log/slog"
	"time"

	"github.com/stretchr/testify/mock"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/keyclic/keyclic/domain"
)

func storePatchStart(t time.Time) domain.OperationPatch { return domain.OperationPatch{StartDate: &t} }

// quietLogger keeps the test environment's debug lines out of test output.
func quietLogger() tlog.Logger {
	return tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// withoutServiceLevels answers the report's clock activity as for an organization that promises
// nothing, for tests of other parts of the report's lifecycle.
func withoutServiceLevels(e *testsuite.TestWorkflowEnvironment) {
	e.OnActivity(act.StartServiceClock, mock.Anything, mock.Anything).Return((*domain.ServiceClock)(nil), nil).Maybe()
}
