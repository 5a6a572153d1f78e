package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/store"
	"github.com/keyclic/keyclic/workflows"
)

// reportingRoutes registers the exports of an organization's reports and its analytics.
func (s *Server) reportingRoutes(g *gin.RouterGroup) {
	g.POST("/organizations/:organization/reports/exports", s.handle(s.createExport))
	g.GET("/organizations/:organization/reports/exports/:export", s.handle(s.getExport))
	g.GET("/organizations/:organization/reports/exports/:export/download", s.handle(s.downloadExport))
	g.GET("/organizations/:organization/analytics", s.handle(s.getAnalytics))
}

// requireExporter checks the caller may export the organization's reports (admin or EXPORT).
func (s *Server) requireExporter(c *gin.Context) (domain.Organization, error) {
	o, err := s.pathOrganization(c)
	if err != nil {
		return o, err
	}
	_, err = s.requireAnyRole(c, o.ID, domain.MsgNotExporter, domain.RoleAdmin, domain.RoleExport)
	return o, err
}

// createExport records the export and starts its workflow (export/<id>), answering 202 at once.
// The filters are the report list's; page and limit are read (and checked) like the list's but
// do not narrow the export, which covers every matching report.
func (s *Server) createExport(c *gin.Context) error {
	o, err := s.requireExporter(c)
	if err != nil {
		return err
	}
	q := newQuery(c)
	states, place, category := q.states(domain.ReportStates), q.uuid("place"), q.uuid("category")
	p := q.page()
	if err := q.err(); err != nil {
		return err
	}
	draft := domain.Export{
		ID: newID(c, "export"), OrganizationID: o.ID, RequesterID: callerOf(c), Language: langOf(c), CreatedAt: s.now(),
		Filters: domain.ExportFilters{States: states, Place: place, Category: category, After: p.After, Before: p.Before, Desc: p.Desc},
	}
	e, err := s.store.CreateExport(c, draft)
	if store.IsDuplicateID(err) { // made by an earlier attempt of this request
		if e, err = s.store.Export(c, o.ID, draft.ID); err == nil && e.State == domain.ExportFailed {
			// Its workflow could not start: this attempt is a new export.
			draft.ID = uuid.New()
			e, err = s.store.CreateExport(c, draft)
		}
	}
	if err != nil {
		return err
	}
	_, err = s.temporal.ExecuteWorkflow(c, client.StartWorkflowOptions{
		ID:                       workflows.ExportWorkflowID(e.ID),
		TaskQueue:                s.settings.TaskQueue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		StaticSummary:            "Export of the reports of organization " + o.ID.String(),
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.SAApplication.ValueSet(o.ApplicationID.String()),
			workflows.SAOrganizations.ValueSet([]string{o.ID.String()}),
			workflows.SAState.ValueSet(string(domain.ExportPending)),
		),
	}, workflows.ExportWorkflowName, workflows.ExportInput{ExportID: e.ID, OrganizationID: o.ID, Retention: domain.Duration(s.settings.ExportRetention)})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		err = nil // started by an earlier attempt of this request
	}
	if err != nil {
		// No workflow will ever build it: it must not stay PENDING.
		if ferr := s.store.FailExport(c, e.ID, "workflow not started: "+err.Error(), s.now()); ferr != nil {
			s.log.ErrorContext(c, "export left pending", "export", e.ID, "error", ferr)
		}
		return err
	}
	writeHAL(c, http.StatusAccepted, hal.RenderExport(e))
	return nil
}

// pathExport loads the export in the path, which must belong to the path's organization.
func (s *Server) pathExport(c *gin.Context) (domain.Export, error) {
	o, err := s.requireExporter(c)
	if err != nil {
		return domain.Export{}, err
	}
	id, err := pathID(c, "export")
	if err != nil {
		return domain.Export{}, err
	}
	return s.store.Export(c, o.ID, id)
}

func (s *Server) getExport(c *gin.Context) error {
	e, err := s.pathExport(c)
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, hal.RenderExport(e))
	return nil
}

// downloadExport streams a finished export's archive to an admin or exporter.
func (s *Server) downloadExport(c *gin.Context) error {
	e, err := s.pathExport(c)
	if err != nil {
		return err
	}
	s.serveExport(c, e)
	return nil
}
