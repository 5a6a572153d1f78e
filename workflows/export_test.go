package workflows_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/workflows"
)

func newExportTest(t *testing.T) (*testsuite.TestWorkflowEnvironment, workflows.ExportInput) {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	s.SetLogger(tlog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(workflows.ExportWorkflow, workflow.RegisterOptions{Name: workflows.ExportWorkflowName})
	env.RegisterActivity(acts)
	return env, workflows.ExportInput{ExportID: uuid.New(), OrganizationID: uuid.New()}
}

func runExport(t *testing.T, env *testsuite.TestWorkflowEnvironment, in workflows.ExportInput) workflows.ExportResult {
	t.Helper()
	env.ExecuteWorkflow(workflows.ExportWorkflowName, in)
	if !env.IsWorkflowCompleted() {
		t.Fatal("workflow did not complete")
	}
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow failed: %v", err)
	}
	var res workflows.ExportResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	env.AssertExpectations(t)
	return res
}

// A build that fails once is retried; once built, the requester is emailed.
func TestExportBuildsThenEmails(t *testing.T) {
	env, in := newExportTest(t)
	env.OnActivity(acts.BuildExport, mock.Anything, activities.BuildExportInput{ExportID: in.ExportID}).
		Return(activities.BuildExportResult{}, errors.New("disk hiccup")).Once()
	env.OnActivity(acts.BuildExport, mock.Anything, activities.BuildExportInput{ExportID: in.ExportID}).
		Return(activities.BuildExportResult{Reports: 3, Size: 1234}, nil).Once()
	env.OnActivity(acts.SendExportEmail, mock.Anything, activities.SendExportEmailInput{ExportID: in.ExportID}).Return(nil).Once()

	res := runExport(t, env, in)
	if res != (workflows.ExportResult{State: domain.ExportDone, Reports: 3, Size: 1234}) {
		t.Fatalf("result %+v", res)
	}
	env.AssertActivityNumberOfCalls(t, "FailExport", 0)
}

// After the last attempt the export is FAILED, and the requester is told.
func TestExportFailsAfterLastAttempt(t *testing.T) {
	env, in := newExportTest(t)
	env.OnActivity(acts.BuildExport, mock.Anything, mock.Anything).
		Return(activities.BuildExportResult{}, errors.New("disk full")).Times(5)
	env.OnActivity(acts.FailExport, mock.Anything, mock.MatchedBy(func(f activities.FailExportInput) bool {
		return f.ExportID == in.ExportID && f.Reason != ""
	})).Return(nil).Once()
	env.OnActivity(acts.SendExportEmail, mock.Anything, activities.SendExportEmailInput{ExportID: in.ExportID}).Return(nil).Once()

	if res := runExport(t, env, in); res.State != domain.ExportFailed {
		t.Fatalf("result %+v, want FAILED", res)
	}
}

// A rule that stops the email (the requester is gone) does not undo the export.
func TestExportEmailRefusedKeepsTheExport(t *testing.T) {
	env, in := newExportTest(t)
	env.OnActivity(acts.BuildExport, mock.Anything, mock.Anything).Return(activities.BuildExportResult{Reports: 1, Size: 10}, nil).Once()
	env.OnActivity(acts.SendExportEmail, mock.Anything, mock.Anything).
		Return(temporal.NewNonRetryableApplicationError("person gone", "keyclic.kind.4", nil)).Once()
	if res := runExport(t, env, in); res.State != domain.ExportDone {
		t.Fatalf("result %+v, want DONE", res)
	}
}

// A finished archive stays downloadable for its retention period, then is deleted: a durable
// timer, not a sweep.
func TestExportArchiveExpiresAfterItsRetention(t *testing.T) {
	env, in := newExportTest(t)
	in.Retention = domain.Duration(7 * 24 * time.Hour)
	start := env.Now()
	env.OnActivity(acts.BuildExport, mock.Anything, mock.Anything).Return(activities.BuildExportResult{Reports: 1, Size: 10}, nil).Once()
	env.OnActivity(acts.SendExportEmail, mock.Anything, mock.Anything).Return(nil).Once()
	var expiredAt time.Time
	env.OnActivity(acts.ExpireExport, mock.Anything, activities.ExpireExportInput{ExportID: in.ExportID}).Return(
		func(context.Context, activities.ExpireExportInput) error { expiredAt = env.Now(); return nil }).Once()

	res := runExport(t, env, in)
	if res.State != domain.ExportExpired {
		t.Fatalf("result %+v, want EXPIRED", res)
	}
	if got := expiredAt.Sub(start); got < in.Retention.Std() {
		t.Fatalf("archive deleted %v after the start, before its retention of %v", got, in.Retention)
	}
}

// With no retention, archives are kept and the workflow ends once the email is sent.
func TestExportWithoutRetentionKeepsTheArchive(t *testing.T) {
	env, in := newExportTest(t)
	env.OnActivity(acts.BuildExport, mock.Anything, mock.Anything).Return(activities.BuildExportResult{Reports: 1, Size: 10}, nil).Once()
	env.OnActivity(acts.SendExportEmail, mock.Anything, mock.Anything).Return(nil).Once()
	if res := runExport(t, env, in); res.State != domain.ExportDone {
		t.Fatalf("result %+v, want DONE", res)
	}
	env.AssertActivityNumberOfCalls(t, "ExpireExport", 0)
}
