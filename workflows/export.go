package workflows

import (
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
)

// ExportWorkflowName is the registered type name of the export workflow (names.go style).
const ExportWorkflowName = "Export"

// ExportWorkflowID is the workflow id of one export of an organization's reports.
func ExportWorkflowID(id uuid.UUID) string { return "export/" + id.String() }

// ExportInput starts an export; the filters and the requester are in its exports row.
type ExportInput struct {
	ExportID       uuid.UUID
	OrganizationID uuid.UUID
	// Retention is how long the archive stays downloadable before it is deleted (0: kept).
	Retention domain.Duration
}

// ExportResult tells how the export ended: DONE (archive built and emailed) or FAILED.
type ExportResult struct {
	State   domain.State
	Reports int
	Size    int64
}

// Build attempts: a build is long and heartbeats; a worker that dies mid-build is noticed within
// the heartbeat timeout and the next attempt starts the file over. After the last attempt the
// export is FAILED (and the requester told).
const (
	exportBuildTimeout     = 2 * time.Hour
	exportHeartbeatTimeout = time.Minute
	exportBuildAttempts    = 5
)

// ExportWorkflow builds the archive, then emails the requester; a build that fails every
// attempt marks the export FAILED, and the requester is told so.
func ExportWorkflow(ctx workflow.Context, in ExportInput) (ExportResult, error) {
	ctx = withActivityDefaults(ctx)
	buildCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: exportBuildTimeout,
		HeartbeatTimeout:    exportHeartbeatTimeout,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    5 * time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    5 * time.Minute,
			MaximumAttempts:    exportBuildAttempts,
		},
	})
	if err := workflow.UpsertTypedSearchAttributes(ctx, SAState.ValueSet(string(domain.ExportRunning))); err != nil {
		return ExportResult{}, err
	}
	var built activities.BuildExportResult
	err := workflow.ExecuteActivity(buildCtx, act.BuildExport, activities.BuildExportInput{ExportID: in.ExportID}).Get(ctx, &built)
	res := ExportResult{State: domain.ExportDone, Reports: built.Reports, Size: built.Size}
	if err != nil {
		workflow.GetLogger(ctx).Error("export build failed", "export", in.ExportID, "error", err)
		res = ExportResult{State: domain.ExportFailed}
		if err := workflow.ExecuteActivity(ctx, act.FailExport, activities.FailExportInput{
			ExportID: in.ExportID, Reason: err.Error(),
		}).Get(ctx, nil); err != nil {
			return ExportResult{}, err
		}
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, SAState.ValueSet(string(res.State))); err != nil {
		return ExportResult{}, err
	}
	// The attachment (up to EXPORT_ATTACHMENT_MAX) is read and uploaded within the attempt.
	mailCtx := workflow.WithStartToCloseTimeout(ctx, 5*time.Minute)
	if err := workflow.ExecuteActivity(mailCtx, act.SendExportEmail, activities.SendExportEmailInput{ExportID: in.ExportID}).Get(ctx, nil); err != nil {
		// Retries are unlimited: only a rule (the requester is gone…) stops them. The export
		// itself is done; the archive stays downloadable.
		workflow.GetLogger(ctx).Warn("export email not sent", "export", in.ExportID, "error", err)
	}
	if res.State != domain.ExportDone || in.Retention <= 0 {
		return res, nil
	}
	// A durable timer: the archive is deleted when its retention ends, whatever restarts meanwhile.
	if err := workflow.Sleep(ctx, in.Retention.Std()); err != nil {
		return res, err
	}
	if err := workflow.ExecuteActivity(ctx, act.ExpireExport, activities.ExpireExportInput{ExportID: in.ExportID}).Get(ctx, nil); err != nil {
		return res, err
	}
	res.State = domain.ExportExpired
	return res, workflow.UpsertTypedSearchAttributes(ctx, SAState.ValueSet(string(res.State)))
}
